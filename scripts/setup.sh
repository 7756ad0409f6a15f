#!/usr/bin/env bash
# Set up a fresh machine for tensorlab: system packages (Graphviz's `dot`), then a
# virtual environment in .venv with tensorlab and its extras installed in editable mode.
# Usage: bash scripts/setup.sh [extras]     e.g.  bash scripts/setup.sh test,lessons
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-test,lessons}"

need_apt=()
command -v dot >/dev/null 2>&1 || need_apt+=(graphviz)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "note: install ${need_apt[*]} with your package manager for the best graph rendering;" \
         "tensorlab falls back to its WebAssembly Graphviz without it." >&2
  fi
fi

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[${extras}]"
