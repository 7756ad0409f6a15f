#!/usr/bin/env bash
# Create bench/.venv-pytensor: PyTensor from PyPI in its own virtualenv, with the numba and
# numpy it asks for, so its pins never touch tensorlab's environment.
#
#   bash bench/setup_pytensor.sh            # the tested version
#   PYTENSOR_VERSION= bash bench/setup_pytensor.sh   # the newest one PyPI serves
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv-pytensor"
python="${PYTHON:-python3}"
version="${PYTENSOR_VERSION-3.0.7}"

"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
# threadpoolctl only reports which BLAS kernel runs; PyTensor does not need it.
"$venv/bin/python" -m pip install --quiet "pytensor${version:+==$version}" threadpoolctl
"$venv/bin/python" -c "import pytensor, numba, numpy; print('pytensor', pytensor.__version__, 'numba', numba.__version__, 'numpy', numpy.__version__)"
