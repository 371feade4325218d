# The two commands of the README: `make book` and `make test` (plus `make bench`).
# Only Python 3.11 and make are needed; everything else is installed here.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

export MLNOTES_PROGRESS ?= 0
export MPLBACKEND ?= Agg
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# pip would compile every installed module to bytecode (52 s of the install on the 2-core
# machine, mostly torch and scipy files that are never imported). Install without it and let
# Python cache the bytecode of what is imported, on first import: about 8 s, once. This needs
# bytecode writing on, which the CI machine's environment turns off (PYTHONDONTWRITEBYTECODE=1
# would make every process compile its imports again).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: book test test-colab bench venv clean

$(PY):
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) on PATH (or: make PYTHON=python3)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstall when requirements.txt or pyproject.toml change.
$(STAMP): requirements.txt pyproject.toml | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q --no-compile -r requirements.txt
	# Colab ships ipywidgets 7.7.1: keep a copy beside the venv to test the widgets against it too.
	rm -rf $(VENV)/ipywidgets7
	$(PY) -m pip install -q --no-deps --target $(VENV)/ipywidgets7 ipywidgets==7.7.1 ipython_genutils==0.2.0
	touch $(STAMP)

venv: $(STAMP)

book: $(STAMP)
	bash .ci/build.sh

test: $(STAMP)
	bash .ci/stages.sh

test-colab:
	bash .ci/colab.sh

bench: $(STAMP)
	bash .ci/bench.sh

clean:
	rm -rf _build .pytest_cache .hypothesis
