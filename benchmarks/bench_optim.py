"""Time the optimiser playground (``mlnotes.widgets.optim.OptimizerPlayground``) and the
update rules of ``mlnotes.optim`` against ``torch.optim``.

Measures, at the default sizes (a 120 x 120 background, 200 steps):

* one widget update + ``w.draw()`` on the Agg backend (the animated artists over the cached
  background when nothing else changed; a full repaint otherwise) (budget: median <= 50 ms,
  CPU time of this process, wall time reported next to it), for the two sliders a reader
  drags: the steps slider (runs cached, 3 x 25 positions in shuffled order) and the learning
  rate (each position runs the optimisers switched on, 25 log-spaced values);
* one optimiser step on a 2-D parameter: ours (``mlnotes.optim.*_step`` with validation,
  and the unchecked loop of ``mlnotes.optim.run``) against ``torch.optim`` (float64,
  ``opt.step()`` with the gradient already set), over 2000 steps, reported as ratios.

Run:  python benchmarks/bench_optim.py   (writes benchmarks/results/optim.md)
"""
from __future__ import annotations

import os
import platform
import sys
import time

import numpy as np
import torch

from _common import write_report  # noqa: E402

from mlnotes import optim
from mlnotes.widgets.optim import STEPS_MAX, OptimizerPlayground

BUDGET_MS = 50.0
CASES = [("rosenbrock", {}), ("beale", {"nesterov": True, "rmsprop": True}),
         ("quadratic", {"adagrad": True, "adamw": True})]
N_STEPS = 2000


def _time(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.process_time() - c0, time.perf_counter() - t0


def bench_updates(function, extra, param):
    w = OptimizerPlayground()
    w.figure(function=function, lr=0.01, **extra)
    w.draw()
    rng = np.random.default_rng(0)
    if param == "steps":
        values = rng.permutation(list(np.linspace(1, STEPS_MAX, 25).astype(int)) * 3)
    else:
        values = rng.permutation(np.geomspace(1e-4, 1.0, 25))
    if param == "beta":
        values = rng.permutation(np.linspace(0.0, 0.99, 25))
    cpu, wall = [], []
    for v in values:
        v = int(v) if param == "steps" else float(v)
        c, t = _time(lambda: (w.update(**{param: v}), w.draw()))
        cpu.append(c)
        wall.append(t)
    return 1e3 * float(np.median(cpu)), 1e3 * float(np.median(wall)), len(values), 1 + len(extra) + 2


TORCH = {"SGD": (torch.optim.SGD, {"lr": 1e-3}, optim.sgd_step, {"lr": 1e-3}),
         "momentum": (torch.optim.SGD, {"lr": 1e-3, "momentum": 0.9}, optim.sgd_step,
                      {"lr": 1e-3, "momentum": 0.9}),
         "Nesterov": (torch.optim.SGD, {"lr": 1e-3, "momentum": 0.9, "nesterov": True}, optim.sgd_step,
                      {"lr": 1e-3, "momentum": 0.9, "nesterov": True}),
         "AdaGrad": (torch.optim.Adagrad, {"lr": 1e-2}, optim.adagrad_step, {"lr": 1e-2}),
         "RMSprop": (torch.optim.RMSprop, {"lr": 1e-2}, optim.rmsprop_step, {"lr": 1e-2}),
         "AdaDelta": (torch.optim.Adadelta, {"lr": 1.0}, optim.adadelta_step, {"lr": 1.0}),
         "Adam": (torch.optim.Adam, {"lr": 1e-3}, optim.adam_step, {"lr": 1e-3}),
         "AdamW": (torch.optim.AdamW, {"lr": 1e-3}, optim.adamw_step, {"lr": 1e-3})}


def bench_step(name):
    """CPU microseconds per step: (ours checked, ours in run(), torch) on a 2-D parameter."""
    cls, tkw, step, okw = TORCH[name]
    g = np.array([0.3, -1.2])
    theta, state = np.array([1.0, 2.0]), {}

    def ours():
        th, st = theta, dict(state)
        for _ in range(N_STEPS):
            th = step(th, g, st, **okw)
    p = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    p.grad = torch.tensor(g)
    opt = cls([p], **tkw)

    def theirs():
        for _ in range(N_STEPS):
            opt.step()
    ours()
    theirs()
    c_ours = min(_time(ours)[0] for _ in range(3))
    c_torch = min(_time(theirs)[0] for _ in range(3))
    # the unchecked loop inside run(): time per step including the test function and its gradient
    c_run = min(_time(lambda: optim.run("beale", name, 1e-4, N_STEPS))[0] for _ in range(3))
    return tuple(1e6 * c / N_STEPS for c in (c_ours, c_run, c_torch))


def main() -> int:
    torch.set_num_threads(1)
    rows, ok = [], True
    for function, extra in CASES:
        for param in ("steps", "lr", "beta"):
            cpu, wall, n, k = bench_updates(function, extra, param)
            ok &= cpu <= BUDGET_MS
            rows.append(f"| {function}, {k} optimisers | {param} | {n} | {cpu:.1f} | {wall:.1f} |")
    srows = []
    for name in optim.OPTIMISERS:
        ours, run_, ref = bench_step(name)
        srows.append(f"| {name} | {ours:.1f} | {run_:.1f} | {ref:.1f} | {ours / ref:.2f} | {run_ / ref:.2f} |")
    md = "\n".join([
        "# Optimiser playground widget and update rules",
        "",
        f"Python {sys.version.split()[0]}, torch {torch.__version__}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}. Update = `update(param=v)` + `draw()` on Agg (cached background), "
        f"median (budget {BUDGET_MS:.0f} ms, CPU time of this process; wall time includes waiting for the CPU "
        "on a shared machine). `steps` moves cut cached runs; `lr` moves run every optimiser switched on "
        f"for {STEPS_MAX} steps; `beta` moves rerun only the optimisers that use it.",
        "",
        "| case | slider | updates | update CPU ms | update wall ms |",
        "|---|---|---|---|---|",
        *rows,
        "",
        f"One step on a 2-D float64 parameter, CPU µs per step (best of 3 runs of {N_STEPS} steps): ours with "
        "argument checks (`mlnotes.optim.*_step`), ours inside `run` (unchecked kernels, plus the Beale "
        "function and its gradient), and `torch.optim` (`opt.step()` with `p.grad` set; no autograd).",
        "",
        "| optimiser | ours µs | ours in run µs | torch µs | ours / torch | run / torch |",
        "|---|---|---|---|---|---|",
        *srows,
        "",
        f"Within budget: {'yes' if ok else 'NO'}.",
        "",
    ])
    return write_report("optim", md, ok)


if __name__ == "__main__":
    sys.exit(main())
