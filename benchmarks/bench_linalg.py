"""Benchmark of the Part I helpers (``mlnotes.linalg``) and the ``MatrixMapWidget``.

Run ``python benchmarks/bench_linalg.py`` (with ``OMP_NUM_THREADS=1`` on a shared machine);
it prints a Markdown table and writes it to ``benchmarks/results/linalg.md``.

Measured (median wall clock, one process):

1. one widget update as a slider move costs it: ``MatrixMapWidget.update(...)`` plus
   ``Widget.draw()`` on Agg (the live path: animated artists over the cached background, or
   the whole figure when anything else changed) over random matrices (budget 50 ms); the same
   plus the encoding the live widget sends to the browser (``Widget.frame()``); and a full
   ``fig.canvas.draw()`` for reference;
2. the from-scratch helpers against their reference implementations on the same inputs,
   reported as time ratios, each after checking that both give the same answer.
"""
from __future__ import annotations

import os
import pathlib
import platform
import sys
import time

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402

from _common import full_draw, median_ms, write_report  # noqa: E402
import scipy.linalg as sla  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from mlnotes import linalg as la  # noqa: E402
from mlnotes.widgets.matrix_map import MatrixMapWidget  # noqa: E402

BUDGET_MS = 50.0




def bench_widget(n_updates: int = 40, mode: str = "live", moves: str = "notch"):
    """``moves="notch"``: a reader's slider steps (one entry by one notch, 0.05, per update);
    ``"jump"``: all four entries set at random each time (the worst case: new limits)."""
    rng = np.random.default_rng(0)
    w = MatrixMapWidget()
    w.figure()
    w.draw()
    times, cpu = [], []
    entries = dict(w.state)
    for _ in range(n_updates):
        if moves == "jump":
            entries.update(zip("abcd", map(float, np.round(rng.uniform(-3, 3, 4), 2))))
        else:
            k = "abcd"[int(rng.integers(4))]
            entries[k] = float(np.clip(round(entries[k] + rng.choice([-0.05, 0.05]), 2), -3, 3))
        t0, c0 = time.perf_counter(), time.process_time()
        w.update(**{k: entries[k] for k in "abcd"})
        if mode == "frame":
            w.frame()
        elif mode == "full":
            full_draw(w.fig)
        else:
            w.draw()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    t = np.array(times) * 1e3
    return float(np.median(t)), float(np.percentile(t, 90)), float(np.median(cpu) * 1e3)


def comparisons():
    rng = np.random.default_rng(1)
    rows = []

    def add(name, size, ours, ref, check):
        assert check(), f"{name}: results differ"
        t_ours, t_ref = median_ms(ours), median_ms(ref)
        rows.append(f"| {name} | {size} | {t_ours:.3f} | {t_ref:.3f} | {t_ours / t_ref:.1f} |")

    A2 = rng.standard_normal((2, 2))
    add("`eig2x2` vs `numpy.linalg.eigvals` (used by the widget)", "2x2",
        lambda: la.eig2x2(A2), lambda: np.linalg.eigvals(A2),
        lambda: np.allclose(np.sort_complex(la.eig2x2(A2)), np.sort_complex(np.linalg.eigvals(A2).astype(complex))))
    for n in (50, 200):
        B = rng.standard_normal((n, n))
        S = B @ B.T + n * np.eye(n)
        M = rng.standard_normal((n, n))
        L = np.tril(M) + n * np.eye(n)
        b = rng.standard_normal(n)
        add("`cholesky` vs `scipy.linalg.cholesky`", f"{n}x{n}", lambda: la.cholesky(S),
            lambda: sla.cholesky(S, lower=True), lambda: np.allclose(la.cholesky(S), sla.cholesky(S, lower=True)))
        add("`lu` vs `scipy.linalg.lu`", f"{n}x{n}", lambda: la.lu(M), lambda: sla.lu(M),
            lambda: np.allclose(la.lu(M)[2], sla.lu(M)[2]))
        add("`forward_substitution` vs `scipy.linalg.solve_triangular`", f"{n}x{n}",
            lambda: la.forward_substitution(L, b), lambda: sla.solve_triangular(L, b, lower=True),
            lambda: np.allclose(la.forward_substitution(L, b), sla.solve_triangular(L, b, lower=True)))
    E = rng.standard_normal((50, 50)) / np.sqrt(50) * 3
    add("`expm_series` (scaling and squaring) vs `scipy.linalg.expm`", "50x50",
        lambda: la.expm_series(E, terms=18, squarings=None), lambda: sla.expm(E),
        lambda: np.allclose(la.expm_series(E, terms=18, squarings=None), sla.expm(E), rtol=1e-10, atol=1e-12))
    R = rng.standard_normal((100, 20)) @ rng.standard_normal((20, 80))
    add("`pinv_svd` vs `numpy.linalg.pinv`", "100x80, rank 20", lambda: la.pinv_svd(R),
        lambda: np.linalg.pinv(R), lambda: np.allclose(la.pinv_svd(R), np.linalg.pinv(R), atol=1e-10))
    add("`rank_gauss` vs `numpy.linalg.matrix_rank`", "100x80, rank 20", lambda: la.rank_gauss(R),
        lambda: np.linalg.matrix_rank(R), lambda: la.rank_gauss(R) == np.linalg.matrix_rank(R) == 20)
    f = rng.standard_normal((128, 128))
    G = None
    try:
        import scipy.sparse as sp

        D = sp.diags([-np.ones(128), np.ones(127)], [0, 1]).tolil()
        D[-1, -1] = 0
        D = D.tocsr()
        G = sp.vstack([sp.kron(D, sp.identity(128)), sp.kron(sp.identity(128), D)]).tocsr()
    except ImportError:  # pragma: no cover
        pass
    if G is not None:
        add("`grad` (matrix-free) vs sparse matrix product", "128x128 image", lambda: la.grad(f),
            lambda: G @ f.ravel(), lambda: np.allclose(la.grad(f).ravel(), G @ f.ravel()))
    return rows


def main() -> int:
    med, p90, cpu = bench_widget()
    pmed, pp90, pcpu = bench_widget(mode="frame")
    fmed, fp90, fcpu = bench_widget(mode="full")
    jmed, jp90, jcpu = bench_widget(moves="jump")
    rows = comparisons()
    threads = os.environ.get("OMP_NUM_THREADS", "unset")
    ok = med <= BUDGET_MS
    md = "\n".join([
        "# Part I helpers and the matrix-as-map widget: timings",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"numpy {np.__version__}, OMP_NUM_THREADS={threads}. Command: `python benchmarks/bench_linalg.py`.",
        "",
        f"## One update of `MatrixMapWidget`: `update(a, b, c, d)` + redraw (Agg), budget median <= {BUDGET_MS:.0f} ms",
        "",
        "Wall clock depends on the load of the machine; the CPU time of this process does much less.",
        "",
        "| what | median wall (ms) | p90 wall (ms) | median CPU (ms) | within budget (wall) |",
        "|---|---|---|---|---|",
        f"| slider notches: update + `Widget.draw()` | {med:.1f} | {p90:.1f} | {cpu:.1f} | {'yes' if ok else '**no**'} |",
        f"| slider notches: update + `Widget.frame()` (draw + JPEG encode, what the live widget sends) | {pmed:.1f} | {pp90:.1f} | {pcpu:.1f} | |",
        f"| slider notches: update + full draw of every artist (reference) | {fmed:.1f} | {fp90:.1f} | {fcpu:.1f} | |",
        f"| random jumps of all four entries: update + `Widget.draw()` | {jmed:.1f} | {jp90:.1f} | {jcpu:.1f} | |",
        "",
        "## From-scratch helpers against their references (same inputs, results checked equal)",
        "",
        "| helper vs reference | size | ours (ms) | reference (ms) | ratio |",
        "|---|---|---|---|---|",
        *rows,
        "",
    ])
    return write_report("linalg", md, ok)


if __name__ == "__main__":
    sys.exit(main())
