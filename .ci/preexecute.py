"""Execute every notebook of the book into jupyter-book's execution cache, two at a time.

jupyter-book 1 executes notebooks one after another. Filling its cache
(`_build/.jupyter_cache`, the path `execute.cache: ""` selects) in parallel first
halves the build on a 2-core machine; the build then takes each executed notebook from
the cache. A notebook that fails here is not cached, so the build executes it again and
fails on it with `raise_on_error`, exactly as without this step.

`make test` fills the cache from nbval's run instead (.ci/nbval_cache.py) and calls this
with `--expect-cached`: then nothing is executed, and the script fails if a notebook of
the table of contents has no cache entry for its current code (which would make the build
execute it a second time).
"""
from __future__ import annotations

import multiprocessing
import os
import pathlib
import sys
import time

import nbformat
import yaml
from jupyter_cache import get_cache
from jupyter_cache.executors import load_executor

ROOT = pathlib.Path(__file__).resolve().parent.parent


def toc_notebooks() -> list:
    """Every .ipynb page listed in _toc.yml, in toc order."""
    out = []

    def walk(node):
        if isinstance(node, dict):
            for key in ("root", "file"):
                if key in node and (ROOT / (node[key] + ".ipynb")).exists():
                    out.append(ROOT / (node[key] + ".ipynb"))
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key, []):
                    walk(child)

    walk(yaml.safe_load((ROOT / "_toc.yml").read_text()))
    return out


def main() -> int:
    cache = get_cache(str(ROOT / "_build" / ".jupyter_cache"))
    notebooks = toc_notebooks()
    if "--expect-cached" in sys.argv:
        missing = []
        for nb in notebooks:
            try:
                cache.match_cache_notebook(nbformat.read(str(nb), as_version=4))
            except KeyError:
                missing.append(os.path.relpath(nb, ROOT))
        if missing:
            print("not in the execution cache (the build would execute them again):")
            print("\n".join("  " + m for m in missing))
            return 1
        print(f"all {len(notebooks)} notebooks of the toc are cached from this run: the build executes none")
        return 0
    # jupyter-cache's pool forks by default; a forked worker inherits the parent's ZeroMQ
    # state and its kernel sometimes misses the start-up handshake (one notebook then waits
    # out two 60 s start-up timeouts). Fresh interpreters avoid that.
    multiprocessing.set_start_method("spawn", force=True)
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
