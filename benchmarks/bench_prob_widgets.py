"""Benchmark of the Part II widgets (stable-law and central-limit explorers) and their helpers.

Run ``python benchmarks/bench_prob_widgets.py``; it prints a Markdown table and writes it to
``benchmarks/results/prob.md``.

Measured (one process, Agg backend):

1. one widget update as a slider move costs it: ``update(...)`` + ``Widget.draw()`` (what the
   live widget renders: the animated artists over the cached background, or the whole figure
   when anything else changed), median over a sweep of slider positions (budget 50 ms), wall
   clock and this process's CPU time; a full draw of every artist per move for reference.
   For the stable explorer: ``alpha`` moves at the default ``beta = 0`` (densities precomputed
   at creation), first visits of positions with ``beta != 0`` (density computed), and revisits
   (cached). For the CLT explorer the draws are made once per distribution, so every ``n``
   move is warm.
2. a reference: drawing a bare two-panel line figure of the same size, which shows how fast
   the machine is at the moment (the budget assumes an idle 2-core machine);
3. the from-scratch helpers against their references: the stable density by Zolotarev's
   integral (``prob.stable_pdf``) against ``scipy.stats.levy_stable.pdf`` (121 points), the
   Chambers–Mallows–Stuck sampler against ``levy_stable.rvs``, and ``prob.ks_distance_normal``
   against ``scipy.stats.kstest``.
"""
from __future__ import annotations

import math
import os
import pathlib
import platform
import sys
import time

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("MLNOTES_PROGRESS", "0")

import numpy as np  # noqa: E402

from _common import full_draw, write_report  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from scipy import stats  # noqa: E402

from mlnotes import plotting, prob  # noqa: E402
from mlnotes.widgets.clt import CLTExplorer  # noqa: E402
from mlnotes.widgets.stable import StableExplorer  # noqa: E402

BUDGET_MS = 50.0


def timed(fn, repeat: int, warmup: int = 1):
    """Median wall-clock and CPU milliseconds of ``fn(i)`` for i = 0..repeat-1."""
    for i in range(warmup):
        fn(-1 - i)
    wall, cpu = [], []
    for i in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        fn(i)
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return 1e3 * float(np.median(wall)), 1e3 * float(np.median(cpu))


def bench_stable():
    t0 = time.perf_counter()
    w = StableExplorer()
    fig = w.figure()
    created = 1e3 * (time.perf_counter() - t0)
    w.draw()
    rng = np.random.default_rng(0)
    alphas = w.slider_alphas()

    def alpha_move(i):
        w.update(alpha=float(alphas[rng.integers(alphas.size)]) if i >= 0 else 1.5, beta=0.0)
        w.draw()

    alpha_ms = timed(alpha_move, repeat=60)
    # slider positions (step 0.05 in alpha, 0.1 in beta, beta != 0), each used once in the cold sweep
    grid = [(round(a, 2), round(b, 1)) for a in alphas for b in np.arange(-1, 1.0001, 0.1) if abs(b) > 1e-9]
    order = rng.permutation(len(grid))[:60]
    cold_states = [grid[i] for i in order]

    def cold(i):
        a, b = cold_states[i % len(cold_states)] if i >= 0 else (1.5, 0.0)
        w.update(alpha=float(a), beta=float(b))
        w.draw()

    cold_ms = timed(cold, repeat=len(cold_states))

    def warm(i):
        a, b = cold_states[i % len(cold_states)] if i >= 0 else (1.5, 0.0)
        w.update(alpha=float(a), beta=float(b))
        w.draw()

    warm_ms = timed(warm, repeat=len(cold_states))
    # a reader's walk: one slider notch of alpha (0.05) or beta (0.1) per update
    walk = [(1.5, 0.3)]
    for _ in range(60):
        a, b = walk[-1]
        if rng.integers(2):
            a = float(np.clip(round(a + rng.choice([-0.05, 0.05]), 2), 0.1, 2.0))
        else:
            b = float(np.clip(round(b + rng.choice([-0.1, 0.1]), 1), -1.0, 1.0))
        walk.append((a, b))

    def notch(i):
        a, b = walk[i + 1] if i >= 0 else walk[0]
        w.update(alpha=a, beta=b)
        w.draw()

    notch_ms = timed(notch, repeat=len(walk) - 1)
    return created, alpha_ms, cold_ms, warm_ms, notch_ms


def bench_clt():
    w = CLTExplorer()
    t0 = time.perf_counter()
    fig = w.figure()
    first = 1e3 * (time.perf_counter() - t0)
    w.draw()
    ns = np.random.default_rng(1).integers(1, w.n_max + 1, size=80)

    def move(i):
        w.update(n=int(ns[i % ns.size]) if i >= 0 else 8)
        w.draw()

    def move_full(i):
        w.update(n=int(ns[i % ns.size]) if i >= 0 else 8)
        full_draw(fig)

    live, full = timed(move, repeat=ns.size), timed(move_full, repeat=ns.size)
    t0 = time.perf_counter()
    w.update(dist="lognormal")                     # first visit of a distribution: draws + KS curve
    switch = 1e3 * (time.perf_counter() - t0)
    return live, full, first, switch


def bench_reference_figure():
    fig, axes = plotting.figure(1, 2, width=9.0, height=3.6)
    x = np.linspace(0, 1, 200)
    for ax in axes:
        ax.plot(x, np.sin(7 * x))
    fig.canvas.draw()
    fig.set_layout_engine("none")
    return timed(lambda i: fig.canvas.draw(), repeat=40)


def bench_helpers():
    x = np.linspace(-6, 6, 121)
    rows = []
    params = [(0.6, 0.3), (1.2, -0.5), (1.8, 0.2)]
    ours = timed(lambda i: [prob.stable_pdf(x, a, b) for a, b in params], repeat=5)[0] / len(params)
    ref = timed(lambda i: [stats.levy_stable.pdf(x, a, b, loc=-b * math.tan(math.pi * a / 2)) for a, b in params],
                repeat=3)[0] / len(params)
    err = max(np.abs(prob.stable_pdf(x, a, b) - stats.levy_stable.pdf(x, a, b, loc=-b * math.tan(math.pi * a / 2))).max()
              for a, b in params)
    rows.append(("stable density, 121 points", "`prob.stable_pdf`", "`levy_stable.pdf`", ours, ref, f"max diff {err:.1e}"))
    ours = timed(lambda i: prob.stable_rvs(1.5, 0.5, 100_000, rng=1), repeat=5)[0]
    ref = timed(lambda i: stats.levy_stable.rvs(1.5, 0.5, size=100_000, random_state=1), repeat=5)[0]
    ks = stats.ks_2samp(prob.stable_rvs(1.5, 0.5, 100_000, rng=1),
                        stats.levy_stable.rvs(1.5, 0.5, loc=-0.5 * math.tan(0.75 * math.pi), size=100_000,
                                              random_state=2)).pvalue
    rows.append(("stable draws, 100 000", "`prob.stable_rvs`", "`levy_stable.rvs`", ours, ref, f"KS p = {ks:.2f}"))
    z = np.random.default_rng(0).normal(size=4000)
    ours = timed(lambda i: prob.ks_distance_normal(z), repeat=50)[0]
    ref = timed(lambda i: stats.kstest(z, "norm").statistic, repeat=50)[0]
    diff = abs(prob.ks_distance_normal(z) - stats.kstest(z, "norm").statistic)
    rows.append(("KS distance to N(0,1), 4000 points", "`prob.ks_distance_normal`", "`stats.kstest`", ours, ref,
                 f"diff {diff:.0e}"))
    return rows


def main() -> int:
    ref_ms = bench_reference_figure()
    created, alpha_ms, cold_ms, warm_ms, notch_ms = bench_stable()
    clt_ms, clt_full, clt_first, clt_switch = bench_clt()
    helpers = bench_helpers()
    ok = lambda ms: "yes" if ms <= BUDGET_MS else "**no**"  # noqa: E731
    lines = [
        "## Part II widgets (probability)",
        "",
        f"Machine: {os.cpu_count()} CPU cores, {platform.processor() or platform.machine()}, "
        f"load average {os.getloadavg()[0]:.2f} at the start of the run.",
        "",
        "| update + `Widget.draw()` (Agg), median | wall ms | CPU ms | within 50 ms |",
        "|---|---|---|---|",
        f"| reference: bare 2-panel line figure, draw only | {ref_ms[0]:.1f} | {ref_ms[1]:.1f} | — |",
        f"| `StableExplorer`, move α at β = 0 (precomputed) | {alpha_ms[0]:.1f} | {alpha_ms[1]:.1f} | "
        f"{ok(alpha_ms[0])} |",
        f"| `StableExplorer`, a reader's walk: one notch of α or β per update | {notch_ms[0]:.1f} | "
        f"{notch_ms[1]:.1f} | {ok(notch_ms[0])} |",
        f"| `StableExplorer`, random jumps, first visit of (α, β ≠ 0): density computed (worst case) | "
        f"{cold_ms[0]:.1f} | {cold_ms[1]:.1f} | — |",
        f"| `StableExplorer`, random jumps, revisit (density cached) | {warm_ms[0]:.1f} | {warm_ms[1]:.1f} | — |",
        f"| `CLTExplorer`, move n | {clt_ms[0]:.1f} | {clt_ms[1]:.1f} | {ok(clt_ms[0])} |",
        f"| `CLTExplorer`, move n with a full draw of every artist (reference) | {clt_full[0]:.1f} | {clt_full[1]:.1f} | — |",
        "",
        f"`StableExplorer`: creation with the 39 precomputed densities and first figure {created:.0f} ms. "
        f"`CLTExplorer`: first figure (4000 × 256 draws, KS curve) {clt_first:.0f} ms; first switch to "
        f"another distribution {clt_switch:.0f} ms (once per distribution).",
        "",
        "| helper | ours | reference | ours ms | reference ms | ratio | agreement |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, a, b, t_a, t_b, note in helpers:
        lines.append(f"| {name} | {a} | {b} | {t_a:.2f} | {t_b:.2f} | {t_b / t_a:.1f}× faster |" if t_a < t_b
                     else f"| {name} | {a} | {b} | {t_a:.2f} | {t_b:.2f} | {t_a / t_b:.1f}× slower |")
        lines[-1] += f" {note} |"
    text = "\n".join(lines) + "\n"
    return write_report("prob", text, "**no**" not in text)


if __name__ == "__main__":
    sys.exit(main())
