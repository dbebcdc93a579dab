#!/usr/bin/env bash
# Set up and run the platform on its embedded defaults: SQLite under ./var, in-process work, local Dask.
# Demo data is loaded on first start. Usage: scripts/start.sh [--host 127.0.0.1] [--port 8000]
source "$(dirname "$0")/_env.sh"
export TRIPLEC_DATA_DIR=${TRIPLEC_DATA_DIR:-$ROOT/var}
.venv/bin/triplec demo --if-empty
exec .venv/bin/triplec serve "$@"
