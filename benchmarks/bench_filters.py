"""Time the filter explorer (``mlnotes.widgets.filters.FilterExplorer``) and from-scratch
convolutions against ``torch.nn.functional.conv2d``.

Measures:

* one widget update as a reader moves the controls: ``update(kernel=..., stride=...)`` +
  Agg draw, at the default size (128 x 128 images), over every kernel and stride 1 to 3,
  visited three times in shuffled order (budget: median <= 50 ms, CPU time of this
  process so that other jobs on a shared machine do not inflate it; wall time next to it);
* the widget's numpy convolution :func:`mlnotes.widgets.filters.conv2d` (one image, one
  kernel) against ``F.conv2d`` on the same float64 data, as a ratio;
* a from-scratch ``im2col`` convolution (batch, channels, stride, padding, dilation and
  groups, written below as in notebook 04-02) against ``F.conv2d``, as a ratio. Both are
  checked to agree before they are timed.

Run:  python benchmarks/bench_filters.py   (writes benchmarks/results/filters.md)
"""
from __future__ import annotations

import os
import platform
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

from _common import median_ms, write_report  # noqa: E402

from mlnotes.widgets.filters import KERNELS, FilterExplorer, conv2d, named_kernel

BUDGET_MS = 50.0


def conv2d_im2col(x, w, stride=1, padding=0, dilation=1, groups=1):
    """``F.conv2d`` from scratch: unfold the patches (im2col), then one matrix product per group.

    ``x``: (N, C_in, H, W); ``w``: (C_out, C_in / groups, k_h, k_w). Cross-correlation.
    """
    n, c_in, h, wd = x.shape
    c_out, c_g, kh, kw = w.shape
    x = F.pad(x, (padding,) * 4)
    ho = (h + 2 * padding - dilation * (kh - 1) - 1) // stride + 1
    wo = (wd + 2 * padding - dilation * (kw - 1) - 1) // stride + 1
    cols = torch.stack([x[:, :, i * dilation:i * dilation + stride * (ho - 1) + 1:stride,
                              j * dilation:j * dilation + stride * (wo - 1) + 1:stride]
                        for i in range(kh) for j in range(kw)], dim=2)      # N, C, k*k, Ho, Wo
    cols = cols.reshape(n, groups, c_g * kh * kw, ho * wo)
    wg = w.reshape(groups, c_out // groups, c_g * kh * kw)
    out = torch.einsum("gok,ngkp->ngop", wg, cols)
    return out.reshape(n, c_out, ho, wo)


def bench_updates():
    w = FilterExplorer()
    w.figure()
    w.draw()
    states = [(k, s) for k in KERNELS for s in (1, 2, 3)] * 3
    order = np.random.default_rng(0).permutation(len(states))
    cpu, wall = [], []
    for i in order:
        k, s = states[i]
        t0, c0 = time.perf_counter(), time.process_time()
        w.update(kernel=k, stride=s)
        w.fig.canvas.draw()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return 1e3 * float(np.median(cpu)), 1e3 * float(np.median(wall)), len(order)


def bench_single(ksize):
    img = FilterExplorer().image()
    k = named_kernel("box", ksize)
    xt, kt = torch.tensor(img)[None, None], torch.tensor(k)[None, None]
    assert np.allclose(conv2d(img, k, 1, 1), F.conv2d(xt, kt, padding=1)[0, 0].numpy(), atol=1e-12)
    ours = median_ms(lambda: conv2d(img, k, 1, 1), repeat=30, clock=time.process_time)
    ref = median_ms(lambda: F.conv2d(xt, kt, padding=1), repeat=30, clock=time.process_time)
    return ours, ref


def bench_layer(stride, padding, dilation, groups):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(8, 16, 32, 32, generator=g)
    w = torch.randn(32, 16 // groups, 3, 3, generator=g)
    kw = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    assert torch.allclose(conv2d_im2col(x, w, **kw), F.conv2d(x, w, **kw), atol=1e-4)
    ours = median_ms(lambda: conv2d_im2col(x, w, **kw), repeat=15, clock=time.process_time)
    ref = median_ms(lambda: F.conv2d(x, w, **kw), repeat=15, clock=time.process_time)
    return ours, ref


def main() -> int:
    torch.set_num_threads(1)
    cpu, wall, n = bench_updates()
    ok = cpu <= BUDGET_MS
    rows = [f"| widget update + Agg draw, 128 x 128, every kernel x stride 1-3 ({n} updates) "
            f"| {cpu:.1f} {'✓' if ok else '✗'} | {BUDGET_MS:.0f} | – | – | – |",
            f"|   same, wall clock | {wall:.1f} | – | – | – | – |"]
    for ks in (3, 9):
        ours, ref = bench_single(ks)
        rows.append(f"| widget `conv2d` (numpy windows), 128 x 128 image, {ks} x {ks} kernel, padding 1 "
                    f"| {ours:.3f} | – | `F.conv2d` float64 | {ref:.3f} | {ours / ref:.2f} |")
    for s, p, d, g in ((1, 1, 1, 1), (2, 1, 1, 1), (1, 2, 2, 1), (1, 1, 1, 4)):
        ours, ref = bench_layer(s, p, d, g)
        rows.append(f"| im2col `conv2d_im2col`, x 8x16x32x32, w 32x{16 // g}x3x3, stride {s}, padding {p}, "
                    f"dilation {d}, groups {g} | {ours:.2f} | – | `F.conv2d` float32 | {ref:.2f} "
                    f"| {ours / ref:.2f} |")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    md = "\n".join([
        "# Filter explorer and from-scratch convolution",
        "",
        f"`python benchmarks/bench_filters.py` on {platform.machine()} / Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, torch {torch.__version__} with 1 thread, "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}, load average {load:.2f} at the end. "
        "Milliseconds of CPU time of this process (medians) unless stated; ratio = ours / torch "
        "(above 1: ours is slower).",
        "",
        "| task | ours (ms) | budget (ms) | reference | reference (ms) | ours / reference |",
        "|---|---:|---:|---|---:|---:|",
        *rows,
        "",
        f"Within budget: {'yes' if ok else 'NO'}.",
        "",
    ])
    return write_report("filters", md, ok)


if __name__ == "__main__":
    sys.exit(main())
