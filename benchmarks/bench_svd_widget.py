"""Time the SVD compression widget (``mlnotes.widgets.svd.SVDCompression``).

Measures, for the 512x512 grayscale and colour Hopper images:

* one widget update as a slider move costs it: ``update(k=...)`` + ``Widget.draw()`` on
  the Agg backend (the live path: animated artists over the cached background, or the whole
  figure when anything else changed), over 20 ranks from 1 to 512 (budget: median <= 50 ms);
* the same plus the JPEG encoding the live ipywidgets version sends (``Widget.frame()``);
* a switch of scale or image back to one already shown, with and without the kept
  backgrounds;
* the SVD computed once per image (``SVDCompressor`` construction);
* the cached rank-k product against the naive approach that recomputes the SVD on every
  slider move (numpy in both cases; there is no from-scratch piece in this widget).

Run:  python benchmarks/bench_svd_widget.py   (writes benchmarks/results/svd.md)
"""
from __future__ import annotations

import os
import platform
import sys
import time

import numpy as np

from _common import write_report  # noqa: E402

from mlnotes import data
from mlnotes.linalg import SVDCompressor
from mlnotes.widgets.svd import SVDCompression

IMAGES = ("hopper_gray_512", "hopper_512")
RANKS = [int(k) for k in np.unique(np.geomspace(1, 512, 22).round().astype(int))]  # 20 ranks
REPEATS = 3        # each rank is visited this many times (in shuffled order)
BUDGET_MS = 50.0


def _ms(samples):
    a = np.asarray(samples) * 1e3
    return float(np.median(a)), float(np.percentile(a, 90))


def bench_updates(name: str, frame: bool = False):
    """Median and p90 (ms) of update + draw (+ encoding) over the rank sweep."""
    w = SVDCompression()
    w.figure(image=name, k=1)
    w.draw()                                   # first draw: fonts, caches
    order = np.random.default_rng(0).permutation(RANKS * REPEATS)
    times = []
    for k in order:
        t0 = time.perf_counter()
        w.update(k=int(k))
        if frame:
            w.frame()
        else:
            w.draw()
        times.append(time.perf_counter() - t0)
    return _ms(times), len(times)


def bench_switches(keep: bool, repeats: int = 10):
    """Median (ms) of update + JPEG frame when the scale or the image is switched back and
    forth, after each state was shown once: with the kept backgrounds (the widget's default)
    and without them (``max_backgrounds = 0``: every switch repaints the whole figure)."""
    w = SVDCompression()
    if not keep:
        w.max_backgrounds = 0
    w.figure(image=IMAGES[0], k=20)
    w.frame()
    out = {}
    for label, a, b in (("scale", dict(log_scale=False), dict(log_scale=True)),
                        ("image", dict(image=IMAGES[1]), dict(image=IMAGES[0]))):
        w.update(**a)
        w.frame()
        w.update(**b)
        w.frame()                              # both states shown once
        times = []
        for i in range(repeats):
            t0 = time.perf_counter()
            w.update(**(a if i % 2 == 0 else b))
            w.frame()
            times.append(time.perf_counter() - t0)
        out[label] = _ms(times)[0]
    return out


def bench_svd_once(name: str, repeats: int = 5):
    img = data.image(name)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        SVDCompressor(img)
        times.append(time.perf_counter() - t0)
    return _ms(times)


def bench_cached_vs_naive(name: str, k: int = 50, repeats: int = 5):
    """Rank-k image from the cached factors vs recomputing the SVD for every k (both numpy)."""
    img = data.image(name)
    comp = SVDCompressor(img)
    stack = img[None] if img.ndim == 2 else np.moveaxis(img, -1, 0)

    def naive():
        U, s, Vt = np.linalg.svd(stack, full_matrices=False)
        return np.matmul(U[:, :, :k] * s[:, None, :k], Vt[:, :k, :])

    def cached():
        return comp.reconstruct(k, dtype=np.float32)

    # same result (float32 tolerance 1e-4 on values of order 1)
    ref = naive()
    got = cached()
    got = got[None] if img.ndim == 2 else np.moveaxis(got, -1, 0)
    assert np.allclose(got, ref, atol=1e-4), "cached reconstruction differs from the naive one"
    out = {}
    for label, f in (("naive", naive), ("cached", cached)):
        ts = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            f()
            ts.append(time.perf_counter() - t0)
        out[label] = float(np.median(ts)) * 1e3
    return out


def main() -> int:
    rows, svd_rows, ratio_rows = [], [], []
    ok = True
    for name in IMAGES:
        (med, p90), n = bench_updates(name)
        (pmed, pp90), _ = bench_updates(name, frame=True)
        ok &= med <= BUDGET_MS
        rows.append(f"| `{name}` | {data.image(name).shape} | {n} | {med:.1f} | {p90:.1f} | "
                    f"{'yes' if med <= BUDGET_MS else '**no**'} | {pmed:.1f} | {pp90:.1f} |")
        smed, sp90 = bench_svd_once(name)
        svd_rows.append(f"| `{name}` | {smed:.0f} | {sp90:.0f} |")
        r = bench_cached_vs_naive(name)
        ratio_rows.append(f"| `{name}` | 50 | {r['naive']:.1f} | {r['cached']:.2f} | {r['naive'] / r['cached']:.0f}x |")

    kept, whole = bench_switches(True), bench_switches(False)
    switch_rows = [f"| {what} | {whole[what]:.1f} | {kept[what]:.1f} |" for what in ("scale", "image")]
    threads = os.environ.get("OMP_NUM_THREADS", "unset")
    md = "\n".join([
        "# SVD compression widget: timings",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"numpy {np.__version__}, OMP_NUM_THREADS={threads}. "
        f"Command: `python benchmarks/bench_svd_widget.py`.",
        "",
        f"## One update: `update(k)` + `Widget.draw()` (Agg), budget median <= {BUDGET_MS:.0f} ms",
        "",
        f"Ranks: {len(RANKS)} values from 1 to 512 (log-spaced), each visited {REPEATS} times in shuffled order.",
        "",
        "| image | shape | updates | median (ms) | p90 (ms) | within budget | + JPEG frame median (ms) | + JPEG frame p90 (ms) |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        "## Switching back to a scale or an image already shown (update + JPEG frame)",
        "",
        "The widget keeps the background of each (image, scale) it has drawn "
        "(`Widget.background_key`), so a switch back repaints only the rank's artists; "
        "without it (`max_backgrounds = 0`) every switch repaints the whole figure. "
        "Medians of 10 switches after each state was shown once.",
        "",
        "| switch | whole figure (ms) | kept background (ms) |",
        "|---|---|---|",
        *switch_rows,
        "",
        "## The SVD, computed once per image (`SVDCompressor(image)`)",
        "",
        "| image | median (ms) | p90 (ms) |",
        "|---|---|---|",
        *svd_rows,
        "",
        "## Cached factors vs recomputing the SVD on every slider move (rank-50 image)",
        "",
        "No from-scratch algorithm is used by this widget (the SVD is numpy's); the ratio shows "
        "what computing it once saves.",
        "",
        "| image | k | naive: SVD + product (ms) | cached: product only, float32 (ms) | speed-up |",
        "|---|---|---|---|---|",
        *ratio_rows,
        "",
    ])
    return write_report("svd", md, ok)


if __name__ == "__main__":
    sys.exit(main())
