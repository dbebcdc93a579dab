# Sourced by the scripts: a pinned uv in .tools/, then the project's locked environment in .venv/.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
UV_VERSION=0.13.8
export UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT="$ROOT/.venv"
PY=${TRIPLEC_PYTHON:-$(command -v python3.11 || command -v python3)}
if [ ! -x .tools/bin/uv ] || [ "$(.tools/bin/uv --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
  echo "Installing uv $UV_VERSION into .tools/ ..." >&2
  "$PY" -m venv .tools
  .tools/bin/pip install -q --disable-pip-version-check "uv==$UV_VERSION"
fi
.tools/bin/uv sync --frozen --all-extras --python "$PY" -q  # everything: the library, every extra, the dev group
