#!/usr/bin/env bash
# The test stages of the book (BOOK.md "Testing and CI"), in order, stopping at the
# first failure. Called by `make test` after the virtual environment is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv
export PATH="$PWD/$VENV/bin:$PATH"
export MLNOTES_PROGRESS=0 MPLBACKEND=Agg PYDEVD_DISABLE_FILE_VALIDATION=1
# Two pytest workers on a small machine: one BLAS/torch thread each.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 MLNOTES_THREADS=1

# Debian's chromium drives the browser check; install it when missing.
if ! command -v chromium >/dev/null; then
  echo "== installing Debian's chromium for the browser check"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

mkdir -p _build
TIMES=_build/timings.txt
: > "$TIMES.tmp"
stage() {
  local name="$1"; shift
  echo "== stage: $name"
  local t0=$SECONDS
  "$@"
  local dt=$((SECONDS - t0))
  printf '%-28s %5d s\n' "$name" "$dt" | tee -a "$TIMES.tmp"
}

stage "1 unit and structure tests" python -m pytest -n 2 --dist loadfile tests/ --ignore=tests/browser --ignore=tests/budgets -q -p no:cacheprovider
# Stage 2 is the only execution of the notebooks: the nbval_cache plugin writes each
# executed notebook into the build's jupyter-cache and its time into _build/notebook-times.json.
export MLNOTES_STAGE2_STARTED=$(date +%s)
stage "2 notebooks (nbval)" env PYTHONPATH="$PWD/.ci" python -m pytest -p nbval_cache --nbval-lax -n 2 --dist loadfile notebooks/ book/ -q -p no:cacheprovider
stage "2b notebook budgets" python -m pytest tests/budgets -q -p no:cacheprovider
stage "3 strict book build" env MLNOTES_EXPECT_CACHED=1 bash .ci/build.sh
stage "4 browser check (HTML)" python -m pytest -n 2 tests/browser -q -p no:cacheprovider --deselect tests/browser/test_jupyterlab.py
# Every live widget in JupyterLab on localhost; end-to-end latencies in _build/widget-latency.json.
stage "5 live widgets (JupyterLab)" python -m pytest tests/browser/test_jupyterlab.py -q -s -p no:cacheprovider

mv "$TIMES.tmp" "$TIMES"
echo "== timings"
cat "$TIMES"
