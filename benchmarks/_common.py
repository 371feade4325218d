"""Shared pieces of the benchmark scripts: a timer and the report writer.

Scripts run as ``python benchmarks/bench_<name>.py``; this folder is then first on
``sys.path``, so ``from _common import ...`` works without installing anything.
"""
from __future__ import annotations

import pathlib
import time
from typing import Callable

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


def write_report(name: str, markdown: str, within_budget: bool) -> int:
    """Write ``results/<name>.md``, print it, and return the script's exit code
    (1 when a budget was missed, so that ``make bench`` fails)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{name}.md"
    out.write_text(markdown, encoding="utf-8")
    print(markdown)
    print(f"written to {out}")
    return 0 if within_budget else 1
