"""Time the classifier playground (``mlnotes.widgets.playground.ClassifierPlayground``).

Measures, at the default sizes (300 points, an 80 x 80 decision-region image), one widget
update as a reader moves a slider: ``update(...)`` + ``fig.canvas.draw()`` on the Agg
backend. For each case one hyperparameter is swept over 8 values, each visited three times
in shuffled order, so the median sees both first visits (a fit and a grid prediction) and
cached ones (only the image changes), as a reader going back and forth does. Budget:
median <= 50 ms in CPU time of this process (wall time is reported next to it; on a shared
machine it includes waiting for the CPU). The first-visit (fit) times are reported too.

Run:  python benchmarks/bench_playground.py   (writes benchmarks/results/playground.md)
"""
from __future__ import annotations

import os
import platform
import sys
import time

import numpy as np

from _common import write_report  # noqa: E402

from mlnotes.widgets.playground import ClassifierPlayground

BUDGET_MS = 50.0
CASES = [("moons", "kNN", "k", [1, 3, 5, 9, 15, 25, 40, 60]),
         ("circles", "RBF SVM", "gamma", [0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 100.0]),
         ("xor", "logistic (polynomial)", "degree", [1, 2, 3, 4, 5, 6, 7, 8]),
         ("moons", "decision tree", "depth", [1, 2, 3, 4, 6, 8, 10, 12]),
         ("blobs", "random forest", "trees", [1, 5, 10, 20, 30, 50, 75, 100])]


def bench(dataset, model, param, values):
    """(median CPU ms, median wall ms, median first-visit CPU ms, number of updates)."""
    w = ClassifierPlayground()
    w.figure(dataset=dataset, model=model)
    w.draw()
    order = np.random.default_rng(0).permutation(list(range(len(values))) * 3)
    cpu, wall, first, seen = [], [], [], set()
    for i in order:
        t0, c0 = time.perf_counter(), time.process_time()
        w.update(**{param: values[int(i)]})
        w.fig.canvas.draw()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        if i not in seen:
            first.append(cpu[-1])
            seen.add(i)
    return (1e3 * float(np.median(cpu)), 1e3 * float(np.median(wall)),
            1e3 * float(np.median(first)), len(order))


def main() -> int:
    rows, ok = [], True
    for dataset, model, param, values in CASES:
        cpu, wall, first, n = bench(dataset, model, param, values)
        ok &= cpu <= BUDGET_MS
        rows.append(f"| {dataset}, {model}, {param} | {n} | {cpu:.1f} | {wall:.1f} | {first:.1f} |")
    md = "\n".join([
        "# Classifier playground widget",
        "",
        f"Python {sys.version.split()[0]}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}. Update = `update(param=v)` + Agg "
        "draw, 8 values visited 3 times each in shuffled order (budget "
        f"{BUDGET_MS:.0f} ms median, CPU time of this process; wall time includes waiting for the CPU "
        "on a shared machine). First visit = median over the 8 first visits (fit + grid prediction).",
        "",
        "| case | updates | update CPU ms | update wall ms | first visit CPU ms |",
        "|---|---|---|---|---|",
        *rows,
        "",
        f"Within budget: {'yes' if ok else 'NO'}.",
        "",
    ])
    return write_report("playground", md, ok)


if __name__ == "__main__":
    sys.exit(main())
