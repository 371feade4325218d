"""The notebook budgets of BOOK.md, enforced on the run that just happened.

Stage 2 of `make test` (nbval with the .ci/nbval_cache.py plugin) writes each notebook's
wall time, kernel start to last cell, to `_build/notebook-times.json`. This test reads it:
every notebook of the table of contents must have run, none may take more than 60 s, and
the median must stay at or below 20 s. Run it right after stage 2 (`make test` does);
on its own it fails when the times are missing rather than passing on old numbers.
"""
import json
import os
import pathlib
import statistics
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
TIMES = ROOT / "_build" / "notebook-times.json"
MAX_SECONDS = 60.0
MAX_MEDIAN = 20.0
# The times must come from this test run: make test passes the start of stage 2.
STARTED = float(os.environ.get("MLNOTES_STAGE2_STARTED", "0"))

sys.path.insert(0, str(ROOT / ".ci"))
from preexecute import toc_notebooks  # noqa: E402


@pytest.fixture(scope="module")
def times():
    if not TIMES.exists():
        pytest.fail(f"{TIMES.relative_to(ROOT)} is missing: run stage 2 (nbval with -p nbval_cache) first")
    if TIMES.stat().st_mtime < STARTED:
        pytest.fail(f"{TIMES.relative_to(ROOT)} is older than this run's notebook stage")
    return json.loads(TIMES.read_text())


def test_every_notebook_was_timed(times):
    expected = {str(p.relative_to(ROOT)) for p in toc_notebooks()}
    missing = sorted(expected - set(times))
    assert not missing, f"no execution time for {missing}"
    failed = sorted(k for k, v in times.items() if not v["ok"])
    assert not failed, f"notebooks with a failing cell: {failed}"


def test_no_notebook_over_60_s(times):
    over = {k: v["seconds"] for k, v in times.items() if v["seconds"] > MAX_SECONDS}
    assert not over, f"notebooks over the {MAX_SECONDS:.0f} s budget: {over}"


def test_median_notebook_within_20_s(times):
    med = statistics.median(v["seconds"] for v in times.values())
    assert med <= MAX_MEDIAN, f"median notebook time {med:.1f} s exceeds {MAX_MEDIAN:.0f} s"
