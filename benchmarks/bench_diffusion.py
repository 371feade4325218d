"""Benchmark of the diffusion helpers and the ``DiffusionSteps`` widget.

Run ``python benchmarks/bench_diffusion.py``; it prints a Markdown table and writes it to
``benchmarks/results/diffusion.md``.

Measured (wall clock, one process, the CPU configuration forced with ``MLNOTES_FULL=0`` on the CPU):

1. training of the notebook's CPU configuration (``diffusion.config("toy")``; budget 30 s) and
   ancestral sampling of its 2000 evaluation points over T = 1000 steps;
2. the quality ratio of the notebook: SW(generated, held-out) / SW(independent data, held-out),
   sliced Wasserstein on 500 directions (threshold 3);
3. one widget update as a slider move costs it: ``update(t=...)`` + ``fig.canvas.draw()`` on Agg
   (median over random t; budget 50 ms), wall clock and this process's CPU time;
4. from-scratch pieces against their references: ``sliced_wasserstein`` against POT's
   ``ot.sliced_wasserstein_distance`` (same directions), and one ancestral step
   ``Schedule.reverse_step`` against diffusers' ``DDPMScheduler.step``.
"""
from __future__ import annotations

import os
import pathlib
import platform
import sys
import time

os.environ["MLNOTES_FULL"] = "0"
os.environ.setdefault("MLNOTES_DEVICE", "cpu")
os.environ.setdefault("MLNOTES_PROGRESS", "0")
os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402

from _common import median_ms, write_report  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import torch  # noqa: E402

from mlnotes import data, diffusion, runtime  # noqa: E402
from mlnotes.widgets.diffusion import DiffusionSteps  # noqa: E402

TRAIN_BUDGET_S = 30.0
UPDATE_BUDGET_MS = 50.0
RATIO_MAX = 3.0




def bench_training():
    cfg = diffusion.config("toy", verbose=False)
    run = diffusion.fit(cfg, seed=0, progress=False, verbose=False)
    t0 = time.perf_counter()
    traj = run.sample(cfg["n_eval"], seed=1, return_trajectory=True)
    t_sample = time.perf_counter() - t0
    P = runtime.rng(8).normal(size=(2, 500))
    P /= np.linalg.norm(P, axis=0)
    sw_gen = diffusion.sliced_wasserstein(traj[0], run.held_out, projections=P)
    sw_base = diffusion.sliced_wasserstein(data.toy2d(cfg["dataset"], cfg["n_eval"], seed=2), run.held_out,
                                           projections=P)
    return cfg, run, traj, t_sample, sw_gen / sw_base


def bench_widget(run, traj, cfg, repeat: int = 40):
    key = (cfg["dataset"], cfg["schedule"])
    w = DiffusionSteps({key: run}, trajectories={key: traj[:, :1000]}, n=1000)
    w.figure()
    ts = iter(np.random.default_rng(0).integers(0, 1001, 10 * repeat))

    def update_draw():
        w.update(t=int(next(ts)))
        w.draw()

    wall = median_ms(update_draw, repeat)
    cpu = median_ms(update_draw, repeat, clock=time.process_time)
    ts_c = iter(np.random.default_rng(1).integers(0, 1001, 10 * repeat))
    compute = median_ms(lambda: w.update(t=int(next(ts_c))), repeat)
    return wall, cpu, compute


def bench_sw(repeat: int = 20):
    import ot  # noqa: PLC0415

    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((2000, 2)), rng.standard_normal((2000, 2)) + 0.3
    P = rng.normal(size=(2, 500))
    P /= np.linalg.norm(P, axis=0)
    ours = median_ms(lambda: diffusion.sliced_wasserstein(X, Y, projections=P), repeat)
    ref = median_ms(lambda: ot.sliced_wasserstein_distance(X, Y, projections=P), repeat)
    assert np.isclose(diffusion.sliced_wasserstein(X, Y, projections=P),
                      ot.sliced_wasserstein_distance(X, Y, projections=P), rtol=1e-9)
    return ours, ref


def bench_step(repeat: int = 200):
    try:
        from diffusers import DDPMScheduler  # noqa: PLC0415
    except ImportError:  # pragma: no cover
        return None, None
    ref = DDPMScheduler(num_train_timesteps=1000, beta_schedule="linear", clip_sample=False)
    s = diffusion.make_schedule("linear")
    g = torch.Generator().manual_seed(0)
    x, eps, z = (torch.randn(1000, 2, generator=g) for _ in range(3))
    ours = median_ms(lambda: s.reverse_step(x, 500, eps, noise=z), repeat)
    theirs = median_ms(lambda: ref.step(eps, 499, x, generator=g), repeat)
    return ours, theirs


def main() -> int:
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1") or 1))
    cfg, run, traj, t_sample, ratio = bench_training()
    wall, cpu, compute = bench_widget(run, traj, cfg)
    sw_ours, sw_ref = bench_sw()
    st_ours, st_ref = bench_step()
    ok = lambda v, b: "✓" if v <= b else "✗ over budget"  # noqa: E731
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    rows = [
        "| task | mlnotes | budget | reference | reference | reference / mlnotes |",
        "|---|---:|---:|---|---:|---:|",
        f"| training, CPU configuration ({cfg['steps']} steps, width {cfg['hidden']}, batch {cfg['batch_size']}) "
        f"| {run.seconds:.2f} s {ok(run.seconds, TRAIN_BUDGET_S)} | {TRAIN_BUDGET_S:.0f} s | – | – | – |",
        f"| ancestral sampling, {cfg['n_eval']} points, T = 1000, trajectory kept | {t_sample:.2f} s | – | – | – | – |",
        f"| quality: SW(generated, held-out) / SW(data, held-out) | {ratio:.2f} {ok(ratio, RATIO_MAX)} | ≤ {RATIO_MAX:.0f} "
        "| – | – | – |",
        f"| widget update + Agg draw (median over random t) | {wall:.1f} ms {ok(wall, UPDATE_BUDGET_MS)} "
        f"| {UPDATE_BUDGET_MS:.0f} ms | – | – | – |",
        f"|   same, CPU time of this process | {cpu:.1f} ms | – | – | – | – |",
        f"|   of which update only (index the cache, set_offsets, set_UVC) | {compute:.2f} ms | – | – | – | – |",
        f"| sliced Wasserstein, 2000 vs 2000 points, 500 directions | {sw_ours:.2f} ms | – "
        f"| POT ot.sliced_wasserstein_distance | {sw_ref:.2f} ms | {sw_ref / sw_ours:.2f}× |",
    ]
    if st_ours is not None:
        rows.append(f"| one ancestral step, 1000 x 2 (torch) | {1e3 * st_ours:.0f} µs | – "
                    f"| diffusers DDPMScheduler.step | {1e3 * st_ref:.0f} µs | {st_ref / st_ours:.2f}× |")
    head = (
        "# Diffusion benchmark\n\n"
        f"`python benchmarks/bench_diffusion.py` on {platform.machine()} / Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, torch {torch.__version__} with {torch.get_num_threads()} thread(s), "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}, load average {load:.2f} at the end; "
        "wall clock unless stated, medians of repeated runs. The CPU configuration is forced (MLNOTES_FULL=0).\n\n"
    )
    md = head + "\n".join(rows) + "\n"
    return write_report("diffusion", md, "✗" not in md)


if __name__ == "__main__":
    sys.exit(main())
