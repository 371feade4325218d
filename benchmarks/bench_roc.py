"""Time the ROC explorer (``mlnotes.widgets.roc.ROCExplorer``) and ``mlnotes.metrics``.

Measures, at the default size (2000 scores per class):

* one widget update as a reader moves a control: ``update(...)`` + ``draw()`` on the Agg
  backend, for the threshold, prevalence and separation sliders (every data artist is
  animated: a move repaints only those over a cached background). Budget: median <= 50 ms
  for each slider, in CPU time of this process (other jobs on a shared machine do not
  inflate it); wall time is reported next to it;
* the from-scratch metrics against scikit-learn on 4000 scores with ties: ``roc_curve``
  against ``sklearn.metrics.roc_curve``, ``roc_auc`` against ``roc_auc_score``, as ratios.

Run:  python benchmarks/bench_roc.py   (writes benchmarks/results/roc.md)
"""
from __future__ import annotations

import os
import platform
import sys
import time

import numpy as np
from sklearn import metrics as skm

from _common import median_ms, write_report  # noqa: E402

from mlnotes import metrics
from mlnotes.widgets.roc import SOURCES, ROCExplorer

BUDGET_MS = 50.0
SWEEPS = [("threshold", np.linspace(-3.0, 3.0, 41)), ("prevalence", np.linspace(0.02, 0.98, 41)),
          ("separation", np.linspace(0.0, 4.0, 41))]


def bench_updates(source, param, values):
    """Median (ms) of update + draw over the values, visited twice in shuffled order."""
    w = ROCExplorer()
    w.figure(source=source)
    w.draw()
    order = np.random.default_rng(0).permutation(np.r_[values, values])
    cpu, wall = [], []
    for v in order:
        t0, c0 = time.perf_counter(), time.process_time()
        w.update(**{param: float(v)})
        w.draw()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return 1e3 * float(np.median(cpu)), 1e3 * float(np.median(wall)), len(order)


def bench_metrics():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 4000)
    s = np.round(rng.normal(size=4000) + y, 2)          # rounded: many ties
    rows = []
    for name, ours, ref in [("roc_curve", lambda: metrics.roc_curve(y, s),
                             lambda: skm.roc_curve(y, s, drop_intermediate=False)),
                            ("roc_auc", lambda: metrics.roc_auc(y, s), lambda: skm.roc_auc_score(y, s))]:
        a = median_ms(ours, repeat=21, clock=time.process_time)
        b = median_ms(ref, repeat=21, clock=time.process_time)
        rows.append(f"| {name} | {a:.3f} | {b:.3f} | {a / b:.2f} |")
    return rows


def main() -> int:
    rows, ok = [], True
    for source in (SOURCES[0], SOURCES[3]):
        for param, values in SWEEPS:
            if source == SOURCES[3] and param == "separation":
                continue                       # the model's scores ignore the separation
            cpu, wall, n = bench_updates(source, param, values)
            ok &= cpu <= BUDGET_MS
            rows.append(f"| {source} | {param} | {n} | {cpu:.1f} | {wall:.1f} |")
    md = "\n".join([
        "# ROC explorer widget",
        "",
        f"Python {sys.version.split()[0]}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}. Update = `update(param=v)` + "
        "`draw()` on Agg, median over 82 moves (budget "
        f"{BUDGET_MS:.0f} ms CPU time; every data artist is animated, so a move repaints only those "
        "over a cached background).",
        "",
        "| scores | control | updates | update CPU ms | update wall ms |",
        "|---|---|---|---|---|",
        *rows,
        "",
        "From-scratch metrics on 4000 scores with ties, CPU ms (median of 21):",
        "",
        "| function | ours ms | sklearn ms | ratio |",
        "|---|---|---|---|",
        *bench_metrics(),
        "",
        f"Within budget: {'yes' if ok else 'NO'}.",
        "",
    ])
    return write_report("roc", md, ok)


if __name__ == "__main__":
    sys.exit(main())
