"""pytest plugin beside nbval: nbval's execution of each notebook becomes the book's.

nbval runs every code cell of a notebook, in order, in one fresh kernel, and fails on
the first cell that raises. This plugin keeps what that run produced instead of throwing
it away:

* for every notebook whose cells all passed, it writes the executed notebook (nbval's
  outputs of each cell, execution counts 1, 2, ...) into the jupyter-cache that the book
  build reads (`_build/.jupyter_cache`, selected by `execute.cache: ""`). The cache is
  keyed by jupyter-cache's hash of the code cells (source and metadata) and the
  kernelspec, so the build shows exactly the outputs of the code as committed, and a
  notebook edited afterwards no longer matches and runs again;
* a notebook with a failing cell is not cached (and nbval fails the run);
* it records each notebook's wall time (kernel start to last cell) in
  `_build/notebook-times.json` and in the cache record (`execution_seconds`, which the
  book's execution report shows); `tests/budgets/` enforces the budgets on that file.

Works with pytest-xdist (`--dist loadfile`): each worker stages the notebooks it ran
under `_build/nbval-executed/`; the controller caches them when the session ends, so
only one process writes the cache database.

Use: `PYTHONPATH=.ci pytest -p nbval_cache --nbval-lax ...`.
"""
from __future__ import annotations

import copy
import json
import pathlib
import shutil
import time

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
STAGE = BUILD / "nbval-executed"
CACHE = BUILD / ".jupyter_cache"
TIMES = BUILD / "notebook-times.json"


class _Run:
    """What one notebook's nbval run produced."""

    def __init__(self, path: pathlib.Path) -> None:
        self.path = path
        self.start = None
        self.end = None
        self.outputs = {}      # code-cell number -> list of outputs
        self.ran = set()       # code-cell numbers that executed
        self.failed = False
        self.nb = None


_RUNS: dict = {}


def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")


def _is_cell(item) -> bool:
    return type(item).__name__ == "IPyNbCell"


def _rel(path: pathlib.Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path.resolve())


def pytest_configure(config):
    if not _is_worker(config):
        # A fresh staging area per session: nothing from an earlier run can be cached.
        shutil.rmtree(STAGE, ignore_errors=True)
        STAGE.mkdir(parents=True, exist_ok=True)


# The notebooks that take longest (over 20 s in CI). With `--dist loadfile` the two workers
# take notebooks in collection order; starting with the longest ones keeps one worker from
# running a 30-second notebook alone at the end (longest first: the idle tail is at most a
# short notebook). Only the order changes; every notebook still runs.
LONGEST_FIRST = [
    "notebooks/07-scientific-ml/02-physics-informed-networks.ipynb",
    "notebooks/05-generative/05-diffusion.ipynb",
    "book/widgets.ipynb",
    "notebooks/04-deep-learning/10-training-in-practice.ipynb",
    "notebooks/04-deep-learning/06-optimal-transport.ipynb",
    "notebooks/04-deep-learning/09-evaluation.ipynb",
    "notebooks/03-classical-ml/07-classifiers-on-digits.ipynb",
]


def pytest_collection_modifyitems(session, config, items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    # a stable sort: cells keep their order within a notebook
    items.sort(key=lambda it: rank.get(_rel(pathlib.Path(str(it.fspath))), len(rank)))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    if not _is_cell(item):
        yield
        return
    path = pathlib.Path(str(item.parent.fspath))
    run = _RUNS.setdefault(path, _Run(path))
    if run.start is None:
        run.start = time.perf_counter()   # before the first cell's setup starts the kernel
        # The notebook exactly as nbval read it: if the file is edited during the run, the
        # outputs must still go with the code that produced them (and its hash).
        run.nb = copy.deepcopy(item.parent.nb)
    yield
    run.end = time.perf_counter()
    if nextitem is None or nextitem.parent is not item.parent:
        _stage(run)                         # the kernel has stopped: the notebook is done


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if not _is_cell(item):
        return
    report = outcome.get_result()
    run = _RUNS[pathlib.Path(str(item.parent.fspath))]
    if report.failed:
        run.failed = True
    elif call.when == "call" and report.passed:
        run.ran.add(item.cell_num)
        run.outputs[item.cell_num] = list(item.test_outputs or [])


def _stage(run: _Run) -> None:
    """Write the executed notebook (or only its time, if a cell failed) to the staging area."""
    nb = run.nb
    seconds = round(run.end - run.start, 2)
    code = [c for c in nb.cells if c.cell_type == "code"]
    complete = not run.failed and len(run.ran) == len(code)
    meta = {"notebook": _rel(run.path), "seconds": seconds, "ok": complete}
    stem = STAGE / _rel(run.path).replace("/", "__")
    if complete:
        for count, (num, cell) in enumerate(zip(range(len(code)), code), start=1):
            cell.execution_count = count
            outs = []
            for out in run.outputs[num]:
                out = nbformat.from_dict(dict(out))
                if out.output_type == "execute_result":
                    out.execution_count = count
                outs.append(out)
            cell.outputs = outs
        nbformat.validate(nb)
        nbformat.write(nb, str(stem) + ".ipynb")
    pathlib.Path(str(stem) + ".json").write_text(json.dumps(meta))


def pytest_sessionfinish(session, exitstatus):
    if _is_worker(session.config):
        return
    metas = [json.loads(p.read_text()) for p in sorted(STAGE.glob("*.json"))]
    if not metas:
        return
    from jupyter_cache import get_cache  # noqa: PLC0415
    from jupyter_cache.base import CacheBundleIn  # noqa: PLC0415

    cache = get_cache(str(CACHE))
    cached = 0
    for meta in metas:
        if not meta["ok"]:
            continue
        stem = STAGE / meta["notebook"].replace("/", "__")
        nb = nbformat.read(str(stem) + ".ipynb", as_version=4)
        cache.cache_notebook_bundle(
            CacheBundleIn(nb, str(ROOT / meta["notebook"]),
                          data={"execution_seconds": meta["seconds"], "executed_by": "nbval"}),
            check_validity=True, overwrite=True)
        cached += 1
    TIMES.write_text(json.dumps({m["notebook"]: {"seconds": m["seconds"], "ok": m["ok"]}
                                 for m in metas}, indent=1, sort_keys=True))
    slow = sorted(metas, key=lambda m: -m["seconds"])
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            f"nbval_cache: cached {cached} of {len(metas)} executed notebooks in {_rel(CACHE)}; "
            f"slowest: " + ", ".join(f"{pathlib.Path(m['notebook']).stem} {m['seconds']:.1f} s"
                                     for m in slow[:3]))
