"""Runtime configuration: seeding, device choice, CPU/GPU configurations, timing.

Every notebook starts with ``runtime.seed(0)`` and, when it trains a model,
picks its device with :func:`device` and its size with :func:`full_config`.
This is the only module that holds state (the thread cap and nothing else).
"""
from __future__ import annotations

import contextlib
import os
import random
import re
import sys
import time
from typing import Any, Iterable, Iterator, Mapping, Optional, TypeVar

import numpy as np

__all__ = [
    "seed",
    "rng",
    "generator",
    "device",
    "available_devices",
    "full_config",
    "choose",
    "Timer",
    "timer",
    "limit_threads",
    "single_thread",
    "progress",
    "in_colab",
    "describe",
]

T = TypeVar("T")

_VALID_DEVICES = ("cpu", "cuda", "mps")


def _torch():
    """Return the torch module, or None when it is not installed."""
    try:
        import torch  # noqa: PLC0415
    except ImportError:  # pragma: no cover - torch is installed in the book's env
        return None
    return torch


def seed(n: int = 0) -> int:
    """Seed Python's ``random``, NumPy's global generator and torch (CPU and CUDA).

    Parameters
    ----------
    n : int
        A non-negative integer below 2**32.

    Returns
    -------
    int
        The seed, so that a notebook can print it.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"seed: n must be an int, got {type(n).__name__}")
    if not 0 <= int(n) < 2**32:
        raise ValueError(f"seed: n must lie in [0, 2**32), got {n}")
    n = int(n)
    random.seed(n)
    np.random.seed(n)
    torch = _torch()
    if torch is not None:
        torch.manual_seed(n)  # also seeds every CUDA device
    return n


def rng(n: Optional[int] = 0) -> np.random.Generator:
    """A fresh NumPy ``Generator`` (PCG64) seeded with ``n``; the preferred source of randomness."""
    if n is not None and (isinstance(n, bool) or not isinstance(n, (int, np.integer))):
        raise TypeError(f"rng: n must be a non-negative int or None, got {n!r}")
    if n is not None and not 0 <= int(n) < 2**32:
        raise ValueError(f"rng: n must lie in [0, 2**32) or be None, got {n!r}")
    return np.random.default_rng(n)


def generator(rng: Any = None, owner: str = "generator") -> np.random.Generator:
    """Turn a helper's ``rng`` argument into a NumPy ``Generator``.

    Accepts ``None`` (fresh entropy), a non-negative int seed, or a ``Generator`` (used as
    is). ``owner`` names the calling function in error messages.
    """
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"{owner}: rng seed must be a non-negative int, got {rng}")
        return np.random.default_rng(int(rng))
    if isinstance(rng, np.random.Generator):
        return rng
    raise TypeError(f"{owner}: rng must be a numpy Generator, an int seed or None, got {type(rng).__name__}")


def available_devices() -> tuple:
    """The torch device strings usable here: ``'cpu'``, then ``'cuda'``, ``'cuda:N'``, ``'mps'``."""
    out = ["cpu"]
    torch = _torch()
    if torch is not None:
        if torch.cuda.is_available():
            out += ["cuda"] + [f"cuda:{i}" for i in range(torch.cuda.device_count())]
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            out.append("mps")
    return tuple(out)


def device(prefer: Optional[str] = None) -> str:
    """Choose where torch computations run: CUDA, then Apple MPS, then the CPU.

    The environment variable ``MLNOTES_DEVICE`` (``cpu``, ``cuda``, ``cuda:1``, ``mps``)
    overrides the automatic choice; ``prefer`` overrides both. A device that does not
    exist here is a ``ValueError`` that lists the available ones.

    Returns
    -------
    str
        A device string accepted by ``torch.device``.
    """
    if prefer is not None and not isinstance(prefer, str):
        raise TypeError(f"device: prefer must be a device string such as 'cpu' or None, got {prefer!r}")
    choice = prefer if prefer is not None else os.environ.get("MLNOTES_DEVICE", "").strip()
    here = available_devices()
    if choice:
        base = choice.split(":")[0]
        if base not in _VALID_DEVICES:
            raise ValueError(
                f"device: {choice!r} is not one of {_VALID_DEVICES} (optionally 'cuda:N'); "
                "check MLNOTES_DEVICE or the prefer argument"
            )
        if choice not in here:
            raise ValueError(f"device: prefer/MLNOTES_DEVICE={choice!r} is not available here; "
                             f"available: {list(here)}")
        return choice
    if "cuda" in here:
        return "cuda"
    if "mps" in here:
        return "mps"
    return "cpu"


def full_config() -> bool:
    """True when the larger (GPU) configuration of the deep-model cells should run.

    That is the case on a GPU, or anywhere when ``MLNOTES_FULL=1``; ``MLNOTES_FULL=0``
    forces the small CPU configuration even on a GPU.
    """
    flag = os.environ.get("MLNOTES_FULL", "").strip()
    if flag not in ("", "0", "1"):
        raise ValueError(f"full_config: MLNOTES_FULL must be '0' or '1', got {flag!r}")
    if flag:
        return flag == "1"
    return device() != "cpu"


def choose(cpu: Mapping[str, Any], full: Mapping[str, Any], *, name: str = "config") -> dict:
    """Pick the CPU or the full configuration of a training cell and say which one ran.

    With ``MLNOTES_FULL=1`` and ``MLNOTES_REDUCED=1`` (the unit tests), the full configuration
    keeps its sizes but its iteration counts (keys ending in ``steps``, ``epochs``, ``iters``,
    ``iterations`` or ``rounds``) are cut to two.

    Parameters
    ----------
    cpu, full : mapping
        The two configurations; they must have the same keys.
    name : str
        A label printed with the choice.

    Returns
    -------
    dict
        A copy of the chosen mapping with the keys ``"full"`` (bool) and ``"device"`` added.
    """
    for arg, cfg in (("cpu", cpu), ("full", full)):
        if not isinstance(cfg, Mapping):
            raise TypeError(f"choose: {arg} must be a mapping (a dict of settings), got {cfg!r}")
    if set(cpu) != set(full):
        raise ValueError(
            f"choose: cpu and full configurations must have the same keys; "
            f"only in cpu: {sorted(set(cpu) - set(full))}, only in full: {sorted(set(full) - set(cpu))}"
        )
    is_full = full_config()
    cfg = dict(full if is_full else cpu)
    reduced = is_full and os.environ.get("MLNOTES_REDUCED", "").strip() == "1"
    if reduced:
        # the unit tests run the full configuration reduced: its sizes, two iterations
        for key, value in cfg.items():
            if _ITERATION_KEY.search(key) and isinstance(value, int) and not isinstance(value, bool):
                cfg[key] = min(value, 2)
    cfg["full"] = is_full
    cfg["device"] = device()
    print(f"{name}: {'full' if is_full else 'CPU'} configuration on {cfg['device']}"
          + (" (reduced to two iterations for a test: MLNOTES_REDUCED=1)" if reduced else ""))
    return cfg


#: Keys of a configuration that count iterations (``steps``, ``max_epochs``, ``pre_steps``...):
#: ``MLNOTES_REDUCED=1`` cuts them to two in the full configuration.
_ITERATION_KEY = re.compile(r"(^|_)(steps|epochs|iters|iterations|rounds)$")


class Timer:
    """Context manager that measures wall-clock time; ``elapsed`` holds seconds.

    Examples
    --------
    >>> with Timer("training") as t:
    ...     pass
    """

    def __init__(self, label: Optional[str] = None, verbose: bool = True) -> None:
        if label is not None and not isinstance(label, str):
            raise TypeError(f"Timer: label must be a string or None, got {label!r}")
        if not isinstance(verbose, (bool, np.bool_)):
            raise TypeError(f"Timer: verbose must be True or False, got {verbose!r}")
        self.label = label
        self.verbose = bool(verbose)
        self.elapsed = float("nan")
        self._start = 0.0

    def __enter__(self) -> "Timer":
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.elapsed = time.perf_counter() - self._start
        if self.verbose and self.label:
            print(f"{self.label}: {self.elapsed:.2f} s")


def timer(label: Optional[str] = None, verbose: bool = True) -> Timer:
    """Shorthand for :class:`Timer`."""
    return Timer(label, verbose)


def limit_threads(n: Optional[int] = None) -> int:
    """Cap the threads used by BLAS and torch, so parallel test workers do not oversubscribe.

    ``n`` defaults to ``MLNOTES_THREADS`` or, failing that, the number of CPUs.
    The OpenMP/BLAS caps take effect through ``threadpoolctl`` when it is available.
    """
    if n is None:
        n = int(os.environ.get("MLNOTES_THREADS", "0") or 0) or (os.cpu_count() or 1)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"limit_threads: n must be a positive int, got {n!r}")
    n = int(n)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)
    with contextlib.suppress(ImportError):
        from threadpoolctl import threadpool_limits  # noqa: PLC0415

        threadpool_limits(n)
    torch = _torch()
    if torch is not None:
        torch.set_num_threads(n)
    return n


_CONTROLLER = []


def single_thread():
    """Context manager running BLAS/OpenMP on one thread inside the block.

    For the small matrices of an interactive update (a few hundred rows), extra BLAS
    threads only spin and slow the drawing down; widgets wrap their compute in this.
    """
    try:
        from threadpoolctl import ThreadpoolController  # noqa: PLC0415
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return contextlib.nullcontext()
    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())  # finding the libraries is the slow part
    return _CONTROLLER[0].limit(limits=1)


def in_colab() -> bool:
    """True inside Google Colab."""
    return "google.colab" in sys.modules


def progress(iterable: Iterable[T], total: Optional[int] = None, desc: Optional[str] = None,
             disable: Optional[bool] = None) -> Iterator[T]:
    """A progress bar that is a widget in a notebook and text elsewhere (tqdm.auto).

    Bars are disabled when ``MLNOTES_PROGRESS=0`` (the test suite sets it so that executed
    notebooks do not store widget state), or when ``disable`` is true.
    """
    from tqdm.auto import tqdm  # noqa: PLC0415

    if not isinstance(iterable, Iterable):
        raise TypeError(f"progress: iterable must be iterable, got {type(iterable).__name__}")
    if total is not None and (isinstance(total, bool) or not isinstance(total, (int, np.integer))
                              or total < 0):
        raise ValueError(f"progress: total must be a non-negative int or None, got {total!r}")
    if disable is None:
        disable = os.environ.get("MLNOTES_PROGRESS", "1") == "0"
    return tqdm(iterable, total=total, desc=desc, disable=disable, leave=False)


def describe() -> str:
    """One line naming the versions and device in use, for a notebook's setup cell."""
    import matplotlib  # noqa: PLC0415

    parts = [f"numpy {np.__version__}", f"matplotlib {matplotlib.__version__}"]
    torch = _torch()
    if torch is not None:
        parts.append(f"torch {torch.__version__}")
    parts.append(f"device {device()}")
    return ", ".join(parts)
