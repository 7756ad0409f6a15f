#!/usr/bin/env bash
# Set up everything and run every test: unit and property tests, docstring examples,
# the lesson notebooks (nbval), and ruff. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test,lessons
export IPYTHONDIR="$PWD/.ipython-test"  # a kernel of its own, untouched by the user's profile
.venv/bin/ruff check .
.venv/bin/python -m pytest -q "$@"
