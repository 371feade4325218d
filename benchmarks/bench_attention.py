"""Time the attention explorer (``mlnotes.widgets.attention.AttentionExplorer``) and the training of
its tiny transformer (``mlnotes.attention.train_transformer``).

Measures, at the default sizes (the gallery's reversal model: length 8, vocabulary 10, d_model 32,
2 heads, 2 layers, 80 Adam steps of 64 sequences):

* one widget update as a reader moves it: ``update(...)`` + ``Widget.draw()`` on the Agg backend
  (the live path: a new layer or head repaints only the animated artists, the two heat-maps,
  the outlines and the titles, over the cached background; a new input sequence redraws the
  figure, since the token labels change). Budget: median <= 50 ms, taken in CPU time of this
  process so that other jobs on a shared machine do not inflate it (wall time is reported next
  to it); a full ``canvas.draw()`` is reported for reference;
* ``train_transformer()`` with its defaults on one thread (aim: <= 1.5 s), with its held-out
  token accuracy (the notebook asserts >= 99 %);
* constructing ``AttentionExplorer()`` in a fresh process state: training the default model and
  running it on its inputs and 1000 held-out sequences (budget 2 s; the gallery builds it once).

Run:  python benchmarks/bench_attention.py   (writes benchmarks/results/attention.md)
"""
from __future__ import annotations

import os
import platform
import sys
import time

import numpy as np
import torch

from _common import build_seconds, time_moves, write_report  # noqa: E402

from mlnotes import attention
from mlnotes.widgets.attention import AttentionExplorer

BUDGET_MS = 50.0
TRAIN_AIM_S = 1.5
BUILD_BUDGET_S = 2.0


def bench_training():
    """(cpu s, wall s, held-out accuracy) of the default training, three seeds, the median."""
    out = []
    for seed in range(3):
        t0, c0 = time.perf_counter(), time.process_time()
        _, hist = attention.train_transformer(seed=seed)
        out.append((time.process_time() - c0, time.perf_counter() - t0, hist["accuracy"]))
    cpu = float(np.median([o[0] for o in out]))
    wall = float(np.median([o[1] for o in out]))
    return cpu, wall, min(o[2] for o in out)


def bench_build():
    """Seconds (cpu, wall) to construct the gallery's default widget, training included."""
    attention._default_model.cache_clear()
    return build_seconds(AttentionExplorer)


def bench_updates():
    """Median ms (cpu, wall) of update + draw per kind of move, and of a full draw."""
    w = AttentionExplorer()
    w.figure()
    w.draw()
    rng = np.random.default_rng(0)
    heads = list(range(w.n_heads)) + ["mean"]
    moves = []
    for _ in range(30):
        moves.append(("head", {"head": heads[int(rng.integers(len(heads)))]}))
        moves.append(("layer", {"layer": int(rng.integers(w.n_layers))}))
    for _ in range(20):
        moves.append(("sequence", {"sequence": w.labels[int(rng.integers(len(w.labels)))]}))
    return time_moves(w, moves, rng.permutation(len(moves)))


def main() -> int:
    torch.set_num_threads(1)
    tr_cpu, tr_wall, acc = bench_training()
    build_cpu, build_wall = bench_build()
    cpu, wall, med, med_wall, full, n = bench_updates()
    ok = med <= BUDGET_MS and build_cpu <= BUILD_BUDGET_S
    md = "\n".join([
        "# Attention explorer widget and tiny-transformer training",
        "",
        f"Python {sys.version.split()[0]}, torch {torch.__version__}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}, one torch thread. Update = `update(...)` + "
        f"`Widget.draw()` on Agg (animated artists over the cached background for layer and head; a full draw "
        f"for a new input), median over {n} moves in random order (budget {BUDGET_MS:.0f} ms, CPU time of this "
        "process; wall time includes waiting for the CPU on a shared machine).",
        "",
        "| move | update CPU ms | update wall ms |",
        "|---|---|---|",
        *[f"| {k} | {cpu[k]:.1f} | {wall[k]:.1f} |" for k in ("head", "layer", "sequence")],
        f"| all | {med:.1f} | {med_wall:.1f} |",
        "",
        f"Full `canvas.draw()` (what a player frame costs before encoding): {full:.1f} ms CPU.",
        "",
        f"`train_transformer()` (reversal, defaults), median of seeds 0-2: {tr_cpu:.2f} s CPU, {tr_wall:.2f} s wall "
        f"(aim {TRAIN_AIM_S} s); lowest held-out token accuracy {100 * acc:.2f} %.",
        "",
        f"Constructing `AttentionExplorer()` (training the default model, running it on the inputs and 1000 "
        f"held-out sequences): {build_cpu:.2f} s CPU, {build_wall:.2f} s wall (budget {BUILD_BUDGET_S:.0f} s CPU).",
        "",
        f"Within budget: {'yes' if ok else 'NO'}.",
        "",
    ])
    return write_report("attention", md, ok)


if __name__ == "__main__":
    sys.exit(main())
