#!/usr/bin/env bash
# Install councilqa into ./.venv on a fresh machine. Usage: scripts/install.sh [dev]
# torch is pinned and installed first: 2.13.0 is the CPU build; an unpinned torch
# would pull several GB of CUDA packages.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
. .venv/bin/activate
python -m pip install --quiet --upgrade pip
python -m pip install --quiet "torch==2.13.0"
if [ "${1:-}" = "dev" ]; then
  python -m pip install --quiet -e ".[dev]"
else
  python -m pip install --quiet -e .
fi
echo "councilqa installed in $(pwd)/.venv"
