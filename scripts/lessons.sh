#!/usr/bin/env bash
# Set up everything and open the lessons in JupyterLab (on 127.0.0.1 only).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh lessons
root_flag=()
[ "$(id -u)" = 0 ] && root_flag=(--allow-root)  # JupyterLab refuses root without it
exec .venv/bin/jupyter lab --ip=127.0.0.1 "${root_flag[@]}" lessons/
