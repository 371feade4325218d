#!/usr/bin/env bash
# Run the helper tests and every notebook in an environment shaped like Colab's:
# ipywidgets 7.7.1, matplotlib 3.10, numpy 2.0, scipy 1.14, no jupyter-book, and the
# helper package installed the way the Colab setup cell installs it (not editable).
# Not part of `make test` (it costs a second environment); run it with `make test-colab`.
set -euo pipefail
cd "$(dirname "$0")/.."
ENV=.venv-colab
if [ ! -x "$ENV/bin/python" ]; then
  python3.11 -m venv "$ENV"
  "$ENV/bin/pip" install -q "matplotlib==3.10.*" "ipywidgets==7.7.1" "numpy==2.0.2" "scipy==1.14.1" \
    "scikit-learn==1.6.1" torch==2.13.0 POT tqdm ipykernel nbclient nbformat pytest nbval pytest-xdist hypothesis pyyaml
fi
"$ENV/bin/pip" install -q --no-deps --force-reinstall .
"$ENV/bin/python" -m ipykernel install --prefix "$ENV" --name python3 >/dev/null
export JUPYTER_PATH="$PWD/$ENV/share/jupyter" MLNOTES_PROGRESS=0 MPLBACKEND=Agg OMP_NUM_THREADS=1
WORK=$(mktemp -d)
cp -r tests notebooks book _config.yml _toc.yml "$WORK"/   # run against the installed package, not src/
cd "$WORK"
"$OLDPWD/$ENV/bin/python" -m pytest tests -q -p no:cacheprovider \
  --ignore=tests/browser --ignore=tests/test_structure.py --ignore=tests/test_originality.py --ignore=tests/test_ipywidgets7.py
"$OLDPWD/$ENV/bin/python" -m pytest --nbval-lax -n 2 --dist loadfile notebooks -q -p no:cacheprovider
