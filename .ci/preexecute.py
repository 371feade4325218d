"""Execute every notebook of the book into jupyter-book's execution cache, two at a time.

jupyter-book 1 executes notebooks one after another. Filling its cache
(`_build/.jupyter_cache`, the path `execute.cache: ""` selects) in parallel first
halves the build on a 2-core machine; the build then takes each executed notebook from
the cache. A notebook that fails here is not cached, so the build executes it again and
fails on it with `raise_on_error`, exactly as without this step.
"""
from __future__ import annotations

import multiprocessing
import os
import pathlib
import sys
import time

from jupyter_cache import get_cache
from jupyter_cache.executors import load_executor

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main() -> int:
    # jupyter-cache's pool forks by default; a forked worker inherits the parent's ZeroMQ
    # state and its kernel sometimes misses the start-up handshake (one notebook then waits
    # out two 60 s start-up timeouts). Fresh interpreters avoid that.
    multiprocessing.set_start_method("spawn", force=True)
    notebooks = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb")
                       if ".ipynb_checkpoints" not in p.parts)
    cache = get_cache(str(ROOT / "_build" / ".jupyter_cache"))
    for nb in notebooks:
        cache.add_nb_to_project(str(nb))
    t0 = time.perf_counter()
    executor = load_executor("local-parallel", cache=cache)
    result = executor.run_and_cache(timeout=120, allow_errors=False)
    dt = time.perf_counter() - t0
    print(f"pre-executed {len(result.succeeded)} notebooks in {dt:.1f} s "
          f"({len(result.errored)} errored, {len(result.excepted)} excepted)")
    for uri in result.errored + result.excepted:
        print("  failed:", os.path.relpath(uri, ROOT))
    return 0  # the strict build reports failures with full context


if __name__ == "__main__":
    sys.exit(main())
