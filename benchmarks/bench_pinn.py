"""Time the PINN training widget (``mlnotes.widgets.pinn.PINNTraining``), the exact Burgers solution
(``mlnotes.pinn.burgers_exact``) and the gallery's small training run (``mlnotes.pinn.default_history``).

Measures:

* one widget update as a reader moves it: ``update(...)`` + ``Widget.draw()`` on the Agg backend
  (every artist a move changes is animated: the two images, the time lines, the slice and the
  titles are painted over the cached background). Budget: median <= 50 ms, taken in CPU time of
  this process so that other jobs on a shared machine do not inflate it (wall time is reported
  next to it); a full draw (what a player frame costs before encoding) is reported too, with the
  size of one live JPEG frame;
* ``burgers_exact`` on the 256 x 100 benchmark grid (default rule, 160 nodes), and its
  difference from a rule twice as large (the quadrature error; the book needs < 1e-8);
* ``train_burgers(**DEFAULT_CONFIG)`` on one thread (aim: <= 3 s CPU), with its final relative
  L2 error; constructing ``PINNTraining()`` on a cold cache (training included).

Run:  python benchmarks/bench_pinn.py   (writes benchmarks/results/pinn.md)
"""
from __future__ import annotations

import os
import platform
import sys
import time

import numpy as np
import torch

from _common import build_seconds, time_moves, write_report  # noqa: E402

from mlnotes import pinn
from mlnotes.widgets.pinn import PINNTraining

BUDGET_MS = 50.0
TRAIN_AIM_S = 3.0
EXACT_TOL = 1e-8


def bench_exact():
    """(cpu s, wall s) of the exact grid with the default rule, and max |U(n) - U(2n)|."""
    t, x = np.linspace(0, 1, 100)[:, None], np.linspace(-1, 1, 256)[None, :]
    t0, c0 = time.perf_counter(), time.process_time()
    U = pinn.burgers_exact(t, x)
    cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    n = pinn._auto_quad(pinn.NU)
    gap = float(np.abs(U - pinn.burgers_exact(t, x, n_quad=2 * n)).max())
    return cpu, wall, n, gap


def bench_training():
    """(cpu s, wall s, final rel. L2) of the default run, seeds 0-2, medians and the worst error."""
    out = []
    for seed in range(3):
        t0, c0 = time.perf_counter(), time.process_time()
        h = pinn.train_burgers(**{**pinn.DEFAULT_CONFIG, "seed": seed})
        out.append((time.process_time() - c0, time.perf_counter() - t0, float(h["rel_l2"][-1]),
                    float(h["rel_l2"][0])))
    return (float(np.median([o[0] for o in out])), float(np.median([o[1] for o in out])),
            max(o[2] for o in out), min(o[3] for o in out))


def bench_build():
    pinn._default_history.cache_clear()
    return build_seconds(PINNTraining)


def bench_updates():
    w = PINNTraining()
    w.figure()
    w.draw()
    rng = np.random.default_rng(0)
    moves = []
    for _ in range(40):
        moves.append(("step", {"step": int(rng.integers(w.n_snapshots))}))
        moves.append(("time", {"time": float(rng.uniform(0, 1))}))
    res = time_moves(w, moves, rng.permutation(len(moves)))
    return res, len(w.frame())


def main() -> int:
    torch.set_num_threads(1)
    ex_cpu, ex_wall, n, gap = bench_exact()
    tr_cpu, tr_wall, rel_end, rel_start = bench_training()
    build_cpu, build_wall = bench_build()
    (cpu, wall, med, med_wall, full, nmoves), frame_bytes = bench_updates()
    ok = med <= BUDGET_MS and gap < EXACT_TOL
    md = "\n".join([
        "# PINN training widget, exact Burgers solution and the gallery's training run",
        "",
        f"Python {sys.version.split()[0]}, torch {torch.__version__}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}, one torch thread, load average "
        f"{os.getloadavg()[0]:.2f} at the end. Update = `update(...)` + `Widget.draw()` on Agg (the animated "
        f"artists over the cached background), median over {nmoves} moves in random order (budget "
        f"{BUDGET_MS:.0f} ms, CPU time of this process; wall time includes waiting for the CPU on a shared machine).",
        "",
        "| move | update CPU ms | update wall ms |",
        "|---|---|---|",
        *[f"| {k} | {cpu[k]:.1f} | {wall[k]:.1f} |" for k in ("step", "time")],
        f"| all | {med:.1f} | {med_wall:.1f} |",
        "",
        f"Full draw (what a player frame costs before encoding): {full:.1f} ms CPU; one live JPEG frame: "
        f"{frame_bytes / 1024:.0f} KiB.",
        "",
        f"`burgers_exact` on the 100 x 256 grid ({n} Gauss–Hermite nodes): {ex_cpu:.2f} s CPU, {ex_wall:.2f} s wall; "
        f"max difference from a {2 * n}-node rule {gap:.1e} (needed < {EXACT_TOL:.0e}).",
        "",
        f"`train_burgers(**DEFAULT_CONFIG)` ({pinn.DEFAULT_CONFIG}), median of seeds 0-2: {tr_cpu:.2f} s CPU, "
        f"{tr_wall:.2f} s wall (aim {TRAIN_AIM_S:.0f} s CPU); relative L2 error from {rel_start:.2f} (step 0) down to "
        f"at worst {rel_end:.3f} at the end.",
        "",
        f"Constructing `PINNTraining()` on a cold cache (the default training included): {build_cpu:.2f} s CPU, "
        f"{build_wall:.2f} s wall.",
        "",
        f"Within budget: {'yes' if ok else 'NO'}.",
        "",
    ])
    return write_report("pinn", md, ok)


if __name__ == "__main__":
    sys.exit(main())
