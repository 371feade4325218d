"""Time the latent-space explorer (``mlnotes.widgets.latent.LatentExplorer``) and the VAE training.

Measures, at the default sizes (the gallery's model, 360 held-out digits on the map):

* one widget update as a reader moves it: ``update(...)`` + ``Widget.draw()`` on the Agg backend
  (the live path: a move of ``t``, ``z1`` or ``z2`` repaints only the animated artists over the
  cached background; a new ``start`` or ``end`` redraws the figure). Budget: median <= 50 ms,
  taken in CPU time of this process so that other jobs on a shared machine do not inflate it
  (wall time is reported next to it); a full ``canvas.draw()`` is reported for reference;
* constructing ``LatentExplorer()`` in a fresh process state: training the gallery's default
  model (30 epochs) and encoding the map (budget about 2 s; the gallery builds it once);
* ``mlnotes.vae.train_vae`` with ``CONFIGS["cpu"]`` on the 1437 training digits (the notebook's
  model), and the same number of Adam steps taken by ``torch.optim.Adam`` for comparison (the
  package writes Adam out to avoid the seconds ``torch.optim`` spends importing
  ``torch._dynamo`` on first use; the import is excluded here, the steps are compared).

Run:  python benchmarks/bench_latent.py   (writes benchmarks/results/latent.md)
"""
from __future__ import annotations

import math
import os
import platform
import sys
import time

import numpy as np
import torch

from _common import build_seconds, median_ms, time_moves, write_report  # noqa: E402

from mlnotes import data, vae
from mlnotes.widgets.latent import LatentExplorer, default_model

BUDGET_MS = 50.0
BUILD_BUDGET_S = 2.0


def bench_build():
    """Seconds (cpu, wall) to construct the gallery's default widget, training included."""
    default_model.cache_clear()
    return build_seconds(LatentExplorer)


def bench_updates():
    """Median ms (cpu, wall) of update + draw per kind of move, and of a full draw."""
    w = LatentExplorer()
    w.figure()
    w.draw()
    rng = np.random.default_rng(0)
    L = w.limit
    moves = []
    for _ in range(40):
        moves += [("t", {"t": round(float(rng.uniform()), 2)}),
                  ("z", {"z1": round(float(rng.uniform(-L, L)), 2), "z2": round(float(rng.uniform(-L, L)), 2)})]
    for _ in range(8):
        moves.append(("digit", {"start": int(rng.integers(10))}))
        moves.append(("digit", {"end": int(rng.integers(10))}))
    return time_moves(w, moves, rng.permutation(len(moves)))


def bench_training():
    """Seconds of the CPU configuration, and ms per step of ours against torch.optim.Adam."""
    X, _ = data.digits()
    Xtr = X[:1437]
    t0, c0 = time.perf_counter(), time.process_time()
    model, hist = vae.train_vae(Xtr, config=vae.CONFIGS["cpu"], seed=0, device="cpu")
    cpu_s, wall_s = time.process_time() - c0, time.perf_counter() - t0
    ours_ms = 1e3 * cpu_s / hist["steps"]
    torch.optim.Adam([torch.zeros(1, requires_grad=True)])          # the import, outside the timing
    ref = vae.VAE(64, 2, 128, 2)
    opt = torch.optim.Adam(ref.parameters(), lr=4e-3)
    xb = torch.tensor(Xtr[:128], dtype=torch.float32)
    g = torch.Generator().manual_seed(0)

    def step():
        eps = torch.randn(1, 128, 2, generator=g)
        loss = -vae.elbo(ref, xb, eps=eps).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()

    n = 200
    ref_ms = median_ms(lambda: [step() for _ in range(n)], repeat=3, clock=time.process_time) / n
    return cpu_s, wall_s, hist["steps"], ours_ms, ref_ms


def main() -> int:
    torch.set_num_threads(1)
    build_cpu, build_wall = bench_build()
    cpu, wall, med, med_wall, full, n = bench_updates()
    tr_cpu, tr_wall, steps, ours_ms, ref_ms = bench_training()
    ok = med <= BUDGET_MS and build_cpu <= BUILD_BUDGET_S
    md = "\n".join([
        "# Latent-space explorer widget and VAE training",
        "",
        f"Python {sys.version.split()[0]}, torch {torch.__version__}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}. Update = `update(...)` + `Widget.draw()` "
        f"on Agg (animated artists over the cached background for t, z1, z2; a full draw for a new digit), "
        f"median over {n} moves in random order (budget {BUDGET_MS:.0f} ms, CPU time of this process; wall time "
        "includes waiting for the CPU on a shared machine).",
        "",
        "| move | update CPU ms | update wall ms |",
        "|---|---|---|",
        *[f"| {k} | {cpu[k]:.1f} | {wall[k]:.1f} |" for k in ("t", "z", "digit")],
        f"| all | {med:.1f} | {med_wall:.1f} |",
        "",
        f"Full `canvas.draw()` (what a player frame costs before encoding): {full:.1f} ms CPU.",
        "",
        f"Constructing `LatentExplorer()` (training the gallery's 30-epoch model, encoding the map): "
        f"{build_cpu:.2f} s CPU, {build_wall:.2f} s wall (budget {BUILD_BUDGET_S:.0f} s CPU).",
        "",
        f"`train_vae` with `CONFIGS['cpu']` on 1437 digits: {steps} steps in {tr_cpu:.2f} s CPU ({tr_wall:.2f} s "
        f"wall), {ours_ms:.2f} ms CPU per step; one step of the same model with `torch.optim.Adam` "
        f"(after its import): {ref_ms:.2f} ms CPU, ratio {ours_ms / ref_ms:.2f}.",
        "",
        f"Within budget: {'yes' if ok else 'NO'}.",
        "",
    ])
    return write_report("latent", md, ok)


if __name__ == "__main__":
    sys.exit(main())
