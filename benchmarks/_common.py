"""Shared pieces of the benchmark scripts: timers and the report writer.

Scripts run as ``python benchmarks/bench_<name>.py``; this folder is then first on
``sys.path``, so ``from _common import ...`` works without installing anything.
"""
from __future__ import annotations

import pathlib
import time
from typing import Callable, Dict, List, Tuple

import numpy as np

RESULTS = pathlib.Path(__file__).resolve().parent / "results"


def median_ms(fn: Callable[[], object], repeat: int = 7, warmup: int = 1,
              clock: Callable[[], float] = time.perf_counter) -> float:
    """Median duration of ``fn()`` in milliseconds after ``warmup`` untimed calls.

    ``clock`` is wall time by default; ``time.process_time`` gives this process's CPU time,
    which other jobs on a shared machine do not inflate.
    """
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(repeat):
        t0 = clock()
        fn()
        ts.append(clock() - t0)
    return 1e3 * float(np.median(ts))


def build_seconds(make: Callable[[], object]) -> Tuple[float, float]:
    """Seconds (CPU, wall) that ``make()`` takes, e.g. a widget built for the gallery."""
    t0, c0 = time.perf_counter(), time.process_time()
    make()
    return time.process_time() - c0, time.perf_counter() - t0


def full_draw(fig) -> None:
    """Draw every artist of ``fig``, the animated ones included (as a player frame or a first
    display does; ``canvas.draw()`` leaves animated artists out)."""
    import io  # noqa: PLC0415

    fig.savefig(io.BytesIO(), format="rgba", dpi=fig.dpi)


def time_moves(w, moves: List[Tuple[str, dict]], order) -> tuple:
    """Apply ``moves`` (kind, state) to widget ``w`` in ``order``, timing ``update`` + ``draw``.

    Returns the median ms per kind (CPU, wall), the median over all moves (CPU, wall), the
    CPU ms of one full draw (every artist), and the number of moves.
    """
    cpu: Dict[str, list] = {k: [] for k, _ in moves}
    wall: Dict[str, list] = {k: [] for k, _ in moves}
    for i in order:
        kind, st = moves[i]
        t0, c0 = time.perf_counter(), time.process_time()
        w.update(**st)
        w.draw()
        wall[kind].append(1e3 * (time.perf_counter() - t0))
        cpu[kind].append(1e3 * (time.process_time() - c0))
    full = median_ms(lambda: full_draw(w.fig), clock=time.process_time)
    every = [v for k in cpu for v in cpu[k]]
    every_wall = [v for k in wall for v in wall[k]]
    return ({k: float(np.median(v)) for k, v in cpu.items()}, {k: float(np.median(v)) for k, v in wall.items()},
            float(np.median(every)), float(np.median(every_wall)), full, len(every))


def write_report(name: str, markdown: str, within_budget: bool) -> int:
    """Write ``results/<name>.md``, print it, and return the script's exit code
    (1 when a budget was missed, so that ``make bench`` fails)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{name}.md"
    out.write_text(markdown, encoding="utf-8")
    print(markdown)
    print(f"written to {out}")
    return 0 if within_budget else 1
