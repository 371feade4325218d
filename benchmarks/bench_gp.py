"""Benchmark of the Gaussian-process helpers and widget against scikit-learn.

Run ``python benchmarks/bench_gp.py``; it prints a Markdown table and writes it to
``benchmarks/results/gp.md``.

Measured (median of repeated runs, wall clock, one process):

1. one widget update at 200 grid points: ``GPWidget.update`` (posterior, Cholesky,
   sample paths; every state new, so no cache hit) plus ``Widget.draw()`` on Agg (what the
   live widget renders: the animated curves over the cached background, or the whole figure
   when something else changed) — budget 50 ms; a full draw of every artist for reference; beside it the same computation with scikit-learn
   (``GaussianProcessRegressor.fit`` + ``predict(return_cov=True)`` + ``sample_y``);
2. ten prior samples on a 500-point grid with ``mlnotes.gp.sample_prior`` — once
   *including* the kernel matrix and its Cholesky factorisation, once with the factor
   cached by ``prior_cholesky`` (budget 5 ms) — beside scikit-learn's
   ``GaussianProcessRegressor(kernel).sample_y`` on the same inputs (which factorises
   every call, by SVD inside ``numpy.random.multivariate_normal``).
"""
from __future__ import annotations

import os
import pathlib
import platform
import sys
import time

import numpy as np

from _common import full_draw, median_ms, write_report  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from sklearn.gaussian_process import GaussianProcessRegressor  # noqa: E402

from mlnotes import gp  # noqa: E402
from mlnotes.widgets.gp import GPWidget  # noqa: E402




def bench_widget(repeat: int = 30):
    w = GPWidget(n_grid=200)
    fig = w.figure(kernel="rbf", n_obs=8, noise=0.05)
    values = iter(np.geomspace(0.06, 4.9, 10 * repeat))  # never a cache hit

    w.draw()

    def update_draw():
        w.update(length_scale=float(next(values)))
        w.draw()

    def update_full_draw():
        w.update(length_scale=float(next(values)))
        full_draw(fig)

    t_widget = median_ms(update_draw, repeat)
    t_widget_cpu = median_ms(update_draw, repeat, clock=time.process_time)
    t_full = median_ms(update_full_draw, repeat, clock=time.process_time)
    compute_values = iter(np.geomspace(0.061, 4.8, 10 * repeat))
    t_compute = median_ms(lambda: w.compute(length_scale=float(next(compute_values))), repeat)

    st = w.state
    x_obs, y_obs = w.observations(st["n_obs"], st["seed"], st["noise"])
    k = gp.make_kernel("rbf", st["length_scale"], st["variance"], st["period"])

    def sklearn_same():
        reg = GaussianProcessRegressor(k.to_sklearn(), alpha=st["noise"], optimizer=None)
        reg.fit(x_obs[:, None], y_obs)
        reg.predict(w.x[:, None], return_cov=True)
        reg.sample_y(w.x[:, None], w.z.shape[1], random_state=0)

    t_sk = median_ms(sklearn_same, repeat)
    return t_widget, t_widget_cpu, t_full, t_compute, t_sk


def bench_sampling(repeat: int = 30):
    x = np.linspace(-5, 5, 500)
    k = gp.RBF(1.0)
    rng = np.random.default_rng(0)
    t_full = median_ms(lambda: gp.sample_prior(x, k, 10, rng=rng), repeat)
    L, jit = gp.prior_cholesky(x, k)
    t_cached = median_ms(lambda: gp.sample_prior(x, k, 10, rng=rng, chol=L), repeat)
    reg = GaussianProcessRegressor(k.to_sklearn())
    t_sk = median_ms(lambda: reg.sample_y(x[:, None], 10, random_state=0), max(5, repeat // 3))
    return t_full, t_cached, t_sk, jit


def main() -> int:
    t_widget, t_widget_cpu, t_full_draw, t_compute, t_sk_w = bench_widget()
    t_full, t_cached, t_sk_s, jit = bench_sampling()
    threads = os.environ.get("OMP_NUM_THREADS", "unset")
    rows = [
        ("GP widget update + `Widget.draw()` (Agg), 200 grid points, 8 obs., 5 paths", t_widget, 50.0, None, None),
        ("  same, CPU time of this process (insensitive to other jobs)", t_widget_cpu, None, None, None),
        ("  same with a full draw of every artist instead (CPU time)", t_full_draw, None, None, None),
        ("  of which compute only (posterior, Cholesky, paths)", t_compute, None,
         "sklearn fit + predict(cov) + sample_y", t_sk_w),
        ("10 prior samples, 500 points, factorisation included", t_full, None,
         "sklearn GPR.sample_y (factorises)", t_sk_s),
        ("10 prior samples, 500 points, cached Cholesky factor", t_cached, 5.0,
         "sklearn GPR.sample_y (factorises)", t_sk_s),
    ]
    lines = [
        "# Gaussian-process benchmark",
        "",
        f"`python benchmarks/bench_gp.py` on {platform.machine()} / {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, OMP_NUM_THREADS={threads}, load average {os.getloadavg()[0]:.2f} at the end; "
        "medians of 30 runs (sklearn sampling: 10), wall clock unless stated. "
        f"Prior jitter used: {jit:g} (relative).",
        "",
        "| task | mlnotes (ms) | budget (ms) | reference | reference (ms) | reference / mlnotes |",
        "|---|---:|---:|---|---:|---:|",
    ]
    for name, t, budget, ref, t_ref in rows:
        b = f"{budget:.0f}" if budget else "–"
        ok = "" if budget is None else (" ✓" if t <= budget else " ✗ over budget")
        r = f"{t_ref:.2f}" if t_ref else "–"
        ratio = f"{t_ref / t:.1f}×" if t_ref else "–"
        lines.append(f"| {name} | {t:.2f}{ok} | {b} | {ref or '–'} | {r} | {ratio} |")
    md = "\n".join(lines) + "\n"
    return write_report("gp", md, "✗" not in md)


if __name__ == "__main__":
    sys.exit(main())
