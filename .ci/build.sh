#!/usr/bin/env bash
# A fresh, strict build of the book: a new Sphinx environment (--all), warnings as
# errors (-W), nitpicky references (-n). Executed notebooks come from the jupyter cache,
# which .ci/preexecute.py fills two notebooks at a time; the cache is keyed by the code
# of each notebook, so an edited notebook always runs again.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH" MLNOTES_PROGRESS=0 MPLBACKEND=Agg PYDEVD_DISABLE_FILE_VALIDATION=1
rm -rf _build/html _build/.doctrees _build/jupyter_execute
python .ci/preexecute.py
jupyter-book build . -W -n --keep-going --all
echo "The book is in $PWD/_build/html/index.html"
