"""The full (GPU) configurations of the notebooks whose models are written on the page, run reduced.

nbval executes every notebook in its CPU configuration. The larger configuration that a GPU
(or ``MLNOTES_FULL=1``) switches on uses the same code with other sizes; this test runs it with
``MLNOTES_REDUCED=1``, which keeps every size of the full configuration and cuts its iteration
counts to two (``runtime.choose``). Each notebook runs as a script in a fresh process: every
code cell in order, figures built but not rendered, players and live widgets left out (their
widgets are tested on their own). A check cell may fail its quality asserts after two
iterations; any other error fails the test. Models that live in the package (``mlnotes.vae``,
``mlnotes.gan``, ``mlnotes.diffusion``) have their full configurations tested reduced in
their own test files.
"""
import json
import os
import pathlib
import subprocess
import sys

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGE_MODELS = [
    "notebooks/05-generative/01-autoencoders.ipynb",
    "notebooks/05-generative/02-contrastive-learning.ipynb",
    "notebooks/05-generative/06-normalising-flows.ipynb",
    "notebooks/05-generative/07-evaluating-generative-models.ipynb",
]
# Part VI runs from test_full_configs_architectures.py: a second file, so that the two workers
# of stage 1 (``--dist loadfile`` keeps a file on one worker) share the runs.
PAGE_MODELS_VI = [
    "notebooks/06-architectures/01-classic-cnns.ipynb",
    "notebooks/06-architectures/02-object-detection.ipynb",
    "notebooks/06-architectures/03-transformers.ipynb",
    "notebooks/06-architectures/04-graph-neural-networks.ipynb",
]
# Part VII runs from test_full_configs_scientific.py (a third file, for the same reason).
PAGE_MODELS_VII = [
    "notebooks/07-scientific-ml/01-odes-and-integrators.ipynb",
    "notebooks/07-scientific-ml/02-physics-informed-networks.ipynb",
    "notebooks/07-scientific-ml/03-meta-learning.ipynb",
]

RUNNER = r"""
import ast, json, sys, traceback
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
cells = json.load(sys.stdin)
ns = {"__name__": "__main__"}
report = {"cells": 0, "failed_asserts": 0, "error": None}
for i, (src, check) in enumerate(cells):
    # a check cell runs statement by statement: a quality assert that two iterations cannot
    # meet is counted, and the statements after it (which later cells may need) still run
    parts = [ast.Module([node], []) for node in ast.parse(src).body] if check else [src]
    try:
        for part in parts:
            try:
                exec(compile(part, f"<cell {i}>", "exec"), ns)
            except AssertionError as e:
                if not check:
                    raise RuntimeError(f"assert outside a check cell: {e!r}") from e
                report["failed_asserts"] += 1
    except Exception:
        report["error"] = f"cell {i}:\n" + traceback.format_exc(limit=-3)
        break
    report["cells"] += 1
    plt.close("all")
print("REPORT " + json.dumps(report))
"""


def _cells(path):
    nb = nbformat.read(str(ROOT / path), as_version=4)
    out = []
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        if ".player(" in c.source or ".widget(" in c.source:
            continue
        check = "hide-input" in c.metadata.get("tags", []) and "assert" in c.source
        out.append((c.source, check))
    return out


def test_reduced_mode_keeps_sizes_and_cuts_iterations(monkeypatch, capsys):
    from mlnotes import runtime

    monkeypatch.setenv("MLNOTES_FULL", "1")
    monkeypatch.setenv("MLNOTES_REDUCED", "1")
    cfg = runtime.choose(cpu={"steps": 5, "max_epochs": 3, "hidden": 8, "lr": 0.1, "upsteps": 9, "shuffle": True},
                         full={"steps": 500, "max_epochs": 60, "hidden": 256, "lr": 0.01, "upsteps": 900,
                               "shuffle": True}, name="t")
    assert (cfg["steps"], cfg["max_epochs"], cfg["hidden"], cfg["lr"]) == (2, 2, 256, 0.01)
    assert cfg["upsteps"] == 900 and cfg["shuffle"] is True   # not an iteration key, not an int
    assert "reduced" in capsys.readouterr().out
    monkeypatch.setenv("MLNOTES_FULL", "0")   # the CPU configuration is never reduced
    assert runtime.choose(cpu={"steps": 5}, full={"steps": 500})["steps"] == 5


@pytest.mark.parametrize("path", PAGE_MODELS, ids=[pathlib.Path(p).stem for p in PAGE_MODELS])
def test_full_configuration_runs_reduced(path):
    run_reduced(path)


def run_reduced(path):
    """Run the notebook at ``path`` as a script in its full configuration, reduced."""
    cells = _cells(path)
    env = dict(os.environ, MLNOTES_FULL="1", MLNOTES_REDUCED="1", MPLBACKEND="Agg", MLNOTES_PROGRESS="0")
    run = subprocess.run([sys.executable, "-c", RUNNER], input=json.dumps(cells), capture_output=True,
                         text=True, cwd=ROOT / pathlib.Path(path).parent, env=env, timeout=600)
    lines = [ln for ln in run.stdout.splitlines() if ln.startswith("REPORT ")]
    assert lines, run.stdout[-2000:] + run.stderr[-3000:]
    report = json.loads(lines[-1][len("REPORT "):])
    assert report["error"] is None, report["error"] + "\n" + run.stderr[-2000:]
    assert report["cells"] == len(cells)
    assert "full configuration" in run.stdout and "reduced to two iterations" in run.stdout
