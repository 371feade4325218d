"""The bad-input battery, in the spirit of scikit-learn's ``check_estimator``.

Every public callable of ``mlnotes`` is registered in ``battery_registry.REGISTRY`` with a
valid call and the *kind* of each argument. The generic tests below

* make the valid call (it must work and return finite numbers);
* replace one argument at a time by each bad value of its kind (every one of them
  invalid) and require a ``TypeError``/``ValueError`` whose message names the argument:
  never another exception type, never a result (silent garbage or silent acceptance),
  never more than a few seconds;
* fail when a public name of a covered module is missing from the registry, and when a
  module of the package is not covered, so that every module added later is checked from
  its first day.

The bad values of one argument are looped over inside one test (one test per argument keeps
the battery fast). ``python tests/test_battery.py [substring ...]`` prints every bad-input
call that is not refused clearly and a table of outcomes per module (issue 9's measure).
"""
from __future__ import annotations

import importlib
import inspect
import pathlib
import signal
import warnings

import numpy as np
import pytest

from battery_registry import MODULES, REGISTRY, SKIP_NAMES, finite_numbers

ROOT = pathlib.Path(__file__).resolve().parent.parent
TIME_LIMIT_S = 5          # a bad-input call
VALID_LIMIT_S = 60        # a valid call (the first may load data or compile)


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang()


def call_with_limit(fn, kwargs, limit=TIME_LIMIT_S):
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(limit)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            return fn(**kwargs)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _package_bases(cls):
    """``cls`` and its base classes defined inside ``mlnotes`` (inherited methods count)."""
    return [c for c in cls.__mro__ if c.__module__.split(".")[0] == "mlnotes"]


def public_callables(modname):
    """(qualified name, object) of every public function, class and public method.

    A class's methods include the public ones it inherits from ``mlnotes`` base classes
    (a widget's ``figure`` and ``update`` are checked for each widget). A name re-exported
    from another covered module is checked there, once.
    """
    mod = importlib.import_module(modname)
    for name in getattr(mod, "__all__", []):
        obj = getattr(mod, name)
        if inspect.ismodule(obj) or not callable(obj) or f"{modname}.{name}" in SKIP_NAMES:
            continue
        home = getattr(obj, "__module__", modname)
        if home != modname and home in MODULES:
            continue  # re-exported: checked under the module that defines it
        yield f"{modname}.{name}", obj
        if inspect.isclass(obj):
            seen = set()
            for base in _package_bases(obj):
                for meth, fn in vars(base).items():
                    if meth in seen or meth.startswith("_"):
                        continue
                    if not callable(fn) and not isinstance(fn, (staticmethod, classmethod)):
                        continue
                    seen.add(meth)
                    qual = f"{modname}.{name}.{meth}"
                    if qual not in SKIP_NAMES:
                        yield qual, getattr(obj, meth)


def test_every_module_of_the_package_is_covered():
    pkg = ROOT / "src" / "mlnotes"
    found = set()
    for p in pkg.rglob("*.py"):
        rel = p.relative_to(pkg.parent).with_suffix("")
        parts = [x for x in rel.parts if x != "__init__"]
        if any(x.startswith("_") for x in parts):
            continue
        found.add(".".join(parts))
    missing = sorted(found - set(MODULES))
    assert not missing, f"modules not in the battery (add them to MODULES and register their callables): {missing}"


@pytest.mark.parametrize("modname", MODULES)
def test_every_public_callable_is_registered(modname):
    missing = [q for q, _ in public_callables(modname) if q not in REGISTRY]
    assert not missing, f"public callables missing from tests/battery_registry.py: {missing}"


def test_registry_has_no_stale_entries():
    known = {q for m in MODULES for q, _ in public_callables(m)}
    stale = sorted(set(REGISTRY) - known)
    assert not stale, f"registry entries for names that no longer exist: {stale}"


@pytest.mark.parametrize("qual", sorted(REGISTRY))
def test_valid_call_works(qual):
    spec = REGISTRY[qual]
    out = call_with_limit(spec.fn, spec.valid(), VALID_LIMIT_S)
    if spec.check is not None:
        spec.check(out)
    else:
        assert finite_numbers(out), f"{qual}: the valid call returned non-finite numbers"


OUTCOMES = ("refused clearly", "unclear message", "crash", "hang", "silent garbage",
            "silent accept")


def outcome(spec, arg, bad):
    """Classify one bad-input call: (outcome, detail)."""
    kwargs = spec.valid()
    kwargs[arg] = bad
    label = spec.names.get(arg, arg)
    try:
        out = call_with_limit(spec.fn, kwargs)
    except Hang:
        return "hang", f"ran for more than {TIME_LIMIT_S} s"
    except (TypeError, ValueError) as exc:
        msg = str(exc)
        if label in msg:
            return "refused clearly", msg
        return "unclear message", f"the message does not name {label!r}: {type(exc).__name__}: {msg}"
    except np.exceptions.ComplexWarning as exc:  # the imaginary part dropped: accepted
        return "silent accept", f"ComplexWarning: {exc}"
    except Exception as exc:  # noqa: BLE001 - any other type is a crash
        return "crash", f"{type(exc).__name__}: {exc}"
    if not finite_numbers(out):
        return "silent garbage", "returned non-finite numbers without complaint"
    return "silent accept", "accepted a bad value without complaint"


_WARM = set()


def _warm(qual):
    """Make the valid call once (outside the time limit: the first may load data)."""
    if qual not in _WARM:
        spec = REGISTRY[qual]
        call_with_limit(spec.fn, spec.valid(), VALID_LIMIT_S)
        _WARM.add(qual)


#: One test per (callable, argument); the bad values of the argument's kind are looped
#: over inside it (thousands of separate tests would cost more than the calls).
CASES = [(q, arg) for q, spec in sorted(REGISTRY.items()) for arg in spec.kinds]


@pytest.mark.parametrize("qual,arg", CASES, ids=[f"{q}-{a}" for q, a in CASES])
def test_bad_input_is_refused_clearly(qual, arg):
    spec = REGISTRY[qual]
    _warm(qual)
    problems = []
    for bad in spec.bad_values(arg):
        kind, detail = outcome(spec, arg, bad)
        if kind != "refused clearly":
            r = repr(bad).replace("\n", " ")[:60]
            problems.append(f"{qual}({arg}={r}): {kind}: {detail[:300]}")
    assert not problems, "\n".join(problems)


def report(patterns=()):
    """Count the outcomes of every bad-input call (``python tests/test_battery.py [substr...]``)."""
    import collections  # noqa: PLC0415
    import time  # noqa: PLC0415

    counts = collections.Counter()
    by_module = collections.defaultdict(collections.Counter)
    lines = []
    t0 = time.perf_counter()
    for qual, arg in CASES:
        if patterns and not any(p in qual for p in patterns):
            continue
        spec = REGISTRY[qual]
        try:
            _warm(qual)
        except Exception as exc:  # noqa: BLE001
            lines.append(f"VALID CALL FAILS {qual}: {type(exc).__name__}: {exc}")
            continue
        for bad in spec.bad_values(arg):
            kind, detail = outcome(spec, arg, bad)
            counts[kind] += 1
            by_module[".".join(qual.split(".")[:2])][kind] += 1
            if kind != "refused clearly":
                r = repr(bad).replace("\n", " ")[:40]
                lines.append(f"{kind:16s} {qual}({arg}={r}): {detail[:160]}")
    print("\n".join(lines))
    total = sum(counts.values())
    print(f"\n{total} bad-input calls over {len({q for q, _ in CASES})} callables "
          f"in {time.perf_counter() - t0:.1f} s")
    for k in OUTCOMES:
        print(f"  {k:16s} {counts[k]:6d}")
    print("\n| module | calls | " + " | ".join(OUTCOMES) + " |")
    print("|---" * (len(OUTCOMES) + 2) + "|")
    for mod in sorted(by_module):
        c = by_module[mod]
        print(f"| {mod} | {sum(c.values())} | " + " | ".join(str(c[k]) for k in OUTCOMES) + " |")
    return counts


if __name__ == "__main__":  # pragma: no cover
    import sys

    report(sys.argv[1:])
