"""The widgets also work with ipywidgets 7.7.1, the version Colab ships.

`make test` installs ipywidgets 7.7.1 into `.venv/ipywidgets7`; this test runs the widget test
modules again in a subprocess with that copy first on the path, keeping the tests that build
live widgets or ipywidgets controls (the filter is in ``tests/conftest.py``).
"""
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
IPYW7 = ROOT / ".venv" / "ipywidgets7"
WIDGET_TESTS = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("test_widget*.py"))


def test_widget_tests_pass_with_ipywidgets_7():
    if not (IPYW7 / "ipywidgets").is_dir():
        pytest.skip("ipywidgets 7.7.1 is not installed in .venv/ipywidgets7 (make test installs it)")
    env = dict(os.environ, PYTHONPATH=str(IPYW7), MPLBACKEND="Agg", MLNOTES_IPYWIDGETS_ONLY="1")
    version = subprocess.run([sys.executable, "-c", "import ipywidgets; print(ipywidgets.__version__)"],
                             env=env, capture_output=True, text=True, cwd=ROOT)
    assert version.stdout.strip() == "7.7.1", version.stderr
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", *WIDGET_TESTS],
                         env=env, capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    # the filter must leave a real rerun: at least one test per widget module
    passed = int(next(w for w in run.stdout.split() if w.isdigit()) if "passed" in run.stdout else 0)
    assert passed >= len(WIDGET_TESTS), run.stdout[-2000:]
