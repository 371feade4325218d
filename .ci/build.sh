#!/usr/bin/env bash
# A fresh, strict build of the book: a new Sphinx environment (--all), warnings as
# errors (-W), nitpicky references (-n). Executed notebooks come from the jupyter cache,
# keyed by the code of each notebook, so an edited notebook always runs again. `make book`
# fills it with .ci/preexecute.py, two notebooks at a time; `make test` fills it from
# nbval's run (stage 2, .ci/nbval_cache.py) and sets MLNOTES_EXPECT_CACHED=1, so the build
# executes nothing and fails if a notebook is not cached.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH" MLNOTES_PROGRESS=0 MPLBACKEND=Agg PYDEVD_DISABLE_FILE_VALIDATION=1
rm -rf _build/html _build/.doctrees _build/jupyter_execute
if [ "${MLNOTES_EXPECT_CACHED:-0}" = 1 ]; then
  python .ci/preexecute.py --expect-cached
else
  python .ci/preexecute.py
fi
jupyter-book build . -W -n --keep-going --all
echo "The book is in $PWD/_build/html/index.html"
