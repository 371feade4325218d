"""Kernel-side cost of one live-widget update, split into compute, draw and encode.

For every widget of ``mlnotes.widgets`` at its default state, a slider is moved back and
forth by one step (its first slider, or ``--control``); each move is timed in three parts:

* compute: ``w.update(**state)`` (the widget's compute + moving artists in place);
* draw: ``fig.canvas.draw()`` on the Agg backend;
* encode: the canvas pixels to the live format (``Widget.encode_frame``, PNG or JPEG).

Both wall time (``perf_counter``) and this process's CPU time (``process_time``, less
inflated by other jobs on a shared machine) are reported, with the frame size in bytes
and the load average. Diagnostic only (no budget is enforced here; see bench_*.py).

Run:  OMP_NUM_THREADS=1 MPLBACKEND=Agg python benchmarks/widget_frames.py [--repeat 15]
"""
from __future__ import annotations

import argparse
import os
import time

import numpy as np

import mlnotes.widgets as W
from mlnotes.widgets.base import FloatSlider, IntSlider


def _neighbour(ctrl, value):
    """A value one slider step away from ``value`` (inside the range)."""
    if isinstance(ctrl, IntSlider):
        step = ctrl.step
        return value + step if value + step <= ctrl.max else value - step
    if getattr(ctrl, "log", False):
        v = value * 10 ** ((np.log10(ctrl.max) - np.log10(ctrl.min)) / 100)
        return v if v <= ctrl.max else value / (v / value)
    step = ctrl.step if ctrl.step is not None else (ctrl.max - ctrl.min) / 100
    return value + step if value + step <= ctrl.max else value - step


def measure(name: str, repeat: int, control: str | None = None):
    w = getattr(W, name)()
    w.figure()
    encode = w.encode_frame if hasattr(w, "encode_frame") else None
    w.frame()                     # first draw: fonts, caches
    sliders = [k for k, c in w.controls.items() if isinstance(c, (IntSlider, FloatSlider))]
    key = control or (sliders[0] if sliders else None)
    a = w.state[key]
    b = _neighbour(w.controls[key], a)
    rows = {"compute": [], "draw": [], "encode": []}
    cpu = {"compute": [], "draw": [], "encode": []}
    size = 0
    for i in range(repeat):
        v = b if i % 2 == 0 else a
        t0, c0 = time.perf_counter(), time.process_time()
        w.update(**{key: v})
        t1, c1 = time.perf_counter(), time.process_time()
        w.fig.canvas.draw()
        t2, c2 = time.perf_counter(), time.process_time()
        data = encode() if encode else w.frame()  # older base: frame() draws again
        t3, c3 = time.perf_counter(), time.process_time()
        size = len(data)
        for part, (s, e, cs, ce) in zip(rows, ((t0, t1, c0, c1), (t1, t2, c1, c2), (t2, t3, c2, c3))):
            rows[part].append(e - s)
            cpu[part].append(ce - cs)
    med = {p: 1e3 * float(np.median(v)) for p, v in rows.items()}
    medc = {p: 1e3 * float(np.median(v)) for p, v in cpu.items()}
    px = w.fig.canvas.get_width_height(physical=True)
    return key, med, medc, size, px, w.live_format


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("widgets", nargs="*")
    args = ap.parse_args()
    names = args.widgets or list(W._WIDGETS)
    load0 = os.getloadavg()
    print(f"load average at start: {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}")
    print("| widget | slider | pixels | format | bytes | compute ms wall/cpu | draw ms wall/cpu | "
          "encode ms wall/cpu | total ms wall/cpu |")
    print("|---|---|---|---|---:|---:|---:|---:|---:|")
    for name in names:
        key, med, medc, size, px, fmt = measure(name, args.repeat)
        tot, totc = sum(med.values()), sum(medc.values())
        cells = " | ".join(f"{med[p]:.1f} / {medc[p]:.1f}" for p in ("compute", "draw", "encode"))
        print(f"| {name} | {key} | {px[0]}x{px[1]} | {fmt} | {size:,} | {cells} | {tot:.1f} / {totc:.1f} |",
              flush=True)
    load1 = os.getloadavg()
    print(f"load average at end: {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}")


if __name__ == "__main__":
    main()
