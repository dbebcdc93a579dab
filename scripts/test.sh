#!/usr/bin/env bash
# Set up everything the tests need, then run the whole suite.
#   scripts/test.sh                 on SQLite (or on DATABASE_URL when set)
#   scripts/test.sh --postgres      on a PostgreSQL server this script starts (scripts/postgres.sh)
#   scripts/test.sh -- -k import    extra arguments after -- go to pytest
# Tests that never touch the database (marker nodb, set by tests/conftest.py for every test that asks
# for no database fixture) run once, on SQLite: the PostgreSQL pass skips them.
source "$(dirname "$0")/_env.sh"

ON_POSTGRES=0
while [ $# -gt 0 ]; do
  case "$1" in
    --postgres) ON_POSTGRES=1; shift ;;
    --) shift; break ;;
    *) break ;;
  esac
done

# Browser tests drive Debian's chromium (never a downloaded browser build).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing Debian's chromium for the browser tests ..." >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core) >&2
  else
    echo "The browser tests need Debian's chromium: sudo apt-get install chromium" >&2
    exit 1
  fi
fi

MARKERS=()
if [ "$ON_POSTGRES" = 1 ]; then
  export DATABASE_URL=$(scripts/postgres.sh start)
  MARKERS=(-m "not nodb")
  echo "== Tests on PostgreSQL ($DATABASE_URL) ==" >&2
else
  echo "== Tests on ${DATABASE_URL:-SQLite} ==" >&2
fi

export TRIPLEC_DATA_DIR=${TRIPLEC_DATA_DIR:-$(mktemp -d /tmp/triplec-test-XXXXXX)}
export NUMBA_CACHE_DIR=${NUMBA_CACHE_DIR:-$ROOT/.tools/numba-cache}
# loadgroup: tests marked xdist_group("name") share one process (and so a costly set-up); others go where free.
exec .venv/bin/pytest -n "${TRIPLEC_TEST_WORKERS:-2}" --dist loadgroup --durations=15 "${MARKERS[@]}" "$@"
