#!/usr/bin/env bash
# Start a throw-away PostgreSQL server for the tests (its own cluster, port 55432) and print its URL.
# Usage: scripts/postgres.sh start|stop. Needs Debian's postgresql package (installed if missing and root).
set -euo pipefail
PGPORT=${TRIPLEC_PG_PORT:-55432}
PGDATA=${TRIPLEC_PG_DATA:-/tmp/triplec-pg}
URL="postgres://triplec:triplec@127.0.0.1:${PGPORT}/triplec"

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
  start)
    if [ -z "$(bindir)" ]; then
      if [ "$(id -u)" = 0 ]; then
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
      else
        echo "PostgreSQL is not installed: apt-get install postgresql" >&2; exit 1
      fi
    fi
    BIN=$(bindir)
    if ! as_pg "$BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
      if [ ! -f "$PGDATA/PG_VERSION" ]; then
        mkdir -p "$PGDATA"
        [ "$(id -u)" = 0 ] && chown postgres: "$PGDATA"
        as_pg "$BIN/initdb" -D "$PGDATA" -U postgres -A trust --no-sync -E UTF8 >/dev/null
      fi
      as_pg "$BIN/pg_ctl" -D "$PGDATA" -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" -l "$PGDATA/server.log" -w start >/dev/null
    fi
    as_pg "$BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -qtAc \
      "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='triplec') THEN CREATE ROLE triplec LOGIN CREATEDB PASSWORD 'triplec'; END IF; END\$\$;" >/dev/null
    as_pg "$BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -qtAc "SELECT 1 FROM pg_database WHERE datname='triplec'" | grep -q 1 \
      || as_pg "$BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE DATABASE triplec OWNER triplec" >/dev/null
    echo "$URL"
    ;;
  stop)
    BIN=$(bindir)
    as_pg "$BIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
