"""Time the GAN training widget (``mlnotes.widgets.gan.GANTraining``) and the batched trainer.

Measures, at the default sizes (the gallery's two runs: 400 samples and a 40 x 40 map per
snapshot, 16 snapshots each):

* building the default widget (training both runs, cached afterwards), CPU seconds;
* one widget update as the step slider moves it: ``update(step=...)`` + ``fig.canvas.draw()`` on
  the Agg backend, over every snapshot of each run, visited three times in shuffled order
  (budget: median <= 50 ms, taken in CPU time of this process so that other jobs on a shared
  machine do not inflate it; wall time is reported next to it), and the same with the live
  view's repaint ``Widget.draw()`` (only the animated artists over the cached background);
* the batched trainer: four seeds of the notebook's benchmark set-up in one call of
  :func:`mlnotes.gan.train_gan` against four calls with one seed each (same rounds), as a ratio.

Run:  python benchmarks/bench_gan.py   (writes benchmarks/results/gan.md)
"""
from __future__ import annotations

import os
import platform
import sys
import time

import numpy as np

from _common import write_report  # noqa: E402

from mlnotes import gan
from mlnotes.widgets.gan import GANTraining, default_runs

BUDGET_MS = 50.0


def bench_updates(w, run, full):
    """Median (ms) of update + draw over the run's snapshots: (cpu, wall, n)."""
    w.figure(run=run, step=0)
    w.draw()
    steps = w.runs[run]["steps"]
    order = np.random.default_rng(0).permutation(list(steps) * 3)
    cpu, wall = [], []
    for s in order:
        t0, c0 = time.perf_counter(), time.process_time()
        w.update(step=int(s))
        if full:
            w.fig.canvas.draw()
        else:
            w.draw()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return 1e3 * float(np.median(cpu)), 1e3 * float(np.median(wall)), len(order)


def bench_batching(seeds=4, steps=100):
    cfg = dict(gan.CONFIGS["benchmark"]["cpu"])
    args = {k: v for k, v in cfg.items() if k not in ("seeds", "n_train", "snapshot_every")}
    args["steps"] = steps
    data = gan.ring(cfg["n_train"], seed=0)
    c0 = time.process_time()
    gan.train_gan(data, seed=list(range(seeds)), device="cpu", progress=False, **args)
    batched = time.process_time() - c0
    c0 = time.process_time()
    for s in range(seeds):
        gan.train_gan(data, seed=s, device="cpu", progress=False, **args)
    looped = time.process_time() - c0
    return batched, looped


def main() -> int:
    c0 = time.process_time()
    default_runs()
    build = time.process_time() - c0
    w = GANTraining()
    rows, ok = [], True
    for run in w.runs:
        cpu, wall, n = bench_updates(w, run, full=True)
        blit, blit_wall, _ = bench_updates(w, run, full=False)
        ok &= cpu <= BUDGET_MS
        rows.append(f"| {run} | {n} | {cpu:.1f} | {wall:.1f} | {blit:.1f} | {blit_wall:.1f} |")
    batched, looped = bench_batching()
    md = "\n".join([
        "# GAN training widget",
        "",
        f"Python {sys.version.split()[0]}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}. Update = `update(step=s)` + Agg draw "
        f"(full canvas draw, and the live view's `Widget.draw()` repaint of the animated artists), median over "
        f"each run's snapshots visited three times (budget {BUDGET_MS:.0f} ms for the full draw, CPU time of this "
        "process; wall time includes waiting for the CPU on a shared machine).",
        "",
        f"Building the default widget (training its two runs once): {build:.2f} s CPU.",
        "",
        "| run | updates | full draw CPU ms | wall ms | repaint CPU ms | wall ms |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
        f"Batched trainer, 4 seeds x 100 rounds of the benchmark set-up: one call {batched:.2f} s CPU, "
        f"four calls {looped:.2f} s CPU, ratio {looped / batched:.2f}.",
        "",
        f"Within budget: {'yes' if ok else 'NO'}.",
        "",
    ])
    return write_report("gan", md, ok)


if __name__ == "__main__":
    sys.exit(main())
