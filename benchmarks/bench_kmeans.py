"""Time the k-means stepper (``mlnotes.widgets.kmeans.KMeansStepper``).

Measures, at the default sizes (300 points, a 120 x 120 Voronoi image):

* one widget update as the step slider moves it: ``update(step=...)`` + ``fig.canvas.draw()``
  on the Agg backend, over every half-step of a run, visited three times in shuffled order
  (budget: median <= 50 ms, taken in CPU time of this process so that other jobs on a
  shared machine do not inflate it; wall time is reported next to it);
* a whole run computed once (cached afterwards): the from-scratch :func:`lloyd` from the
  same initial centres against ``sklearn.cluster.KMeans(algorithm='lloyd', n_init=1)``,
  reported as a ratio.

Run:  python benchmarks/bench_kmeans.py   (writes benchmarks/results/kmeans.md)
"""
from __future__ import annotations

import os
import platform
import sys
import time

import numpy as np
from sklearn.cluster import KMeans

from _common import median_ms, write_report  # noqa: E402

from mlnotes.widgets.kmeans import KMeansStepper, init_centres, lloyd

BUDGET_MS = 50.0
CASES = [("blobs", 4, "k-means++"), ("moons", 6, "random"), ("eight_gaussians", 8, "k-means++")]


def bench_updates(dataset, k, init):
    """Median (ms) of update + draw over the run's half-steps: (cpu, wall, n)."""
    w = KMeansStepper()
    r = w.run(dataset, k, init, 0)
    w.figure(dataset=dataset, k=k, init=init, seed=0, step=0)
    w.draw()
    order = np.random.default_rng(0).permutation(list(range(r.n_states)) * 3)
    cpu, wall = [], []
    for s in order:
        t0, c0 = time.perf_counter(), time.process_time()
        w.update(step=int(s))
        w.fig.canvas.draw()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return 1e3 * float(np.median(cpu)), 1e3 * float(np.median(wall)), len(order)


def bench_run(dataset, k, init):
    w = KMeansStepper()
    X = w.points(dataset)
    C0 = init_centres(X, k, init, 0)
    ours = median_ms(lambda: lloyd(X, C0), clock=time.process_time)
    ref = median_ms(lambda: KMeans(k, init=C0, n_init=1, algorithm="lloyd", tol=0,
                                   max_iter=300).fit(X), clock=time.process_time)
    return ours, ref


def main() -> int:
    rows, ok = [], True
    for dataset, k, init in CASES:
        cpu, wall, n = bench_updates(dataset, k, init)
        ours, ref = bench_run(dataset, k, init)
        ok &= cpu <= BUDGET_MS
        rows.append(f"| {dataset}, k={k}, {init} | {n} | {cpu:.1f} | {wall:.1f} | {ours:.2f} | {ref:.2f} "
                    f"| {ours / ref:.2f} |")
    md = "\n".join([
        "# k-means stepper widget",
        "",
        f"Python {sys.version.split()[0]}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}. Update = `update(step=s)` + Agg draw, "
        f"median over the run's half-steps (budget {BUDGET_MS:.0f} ms, CPU time of this process; wall time "
        "includes waiting for the CPU on a shared machine). Run = the whole Lloyd run from the same initial "
        "centres, ours (`lloyd`) against `sklearn.cluster.KMeans(algorithm='lloyd', n_init=1)`, CPU ms.",
        "",
        "| case | updates | update CPU ms | update wall ms | run ours ms | run sklearn ms | ratio |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"Within budget: {'yes' if ok else 'NO'}.",
        "",
    ])
    return write_report("kmeans", md, ok)


if __name__ == "__main__":
    sys.exit(main())
