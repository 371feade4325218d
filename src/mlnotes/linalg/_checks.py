"""Input validation shared by the Part I helpers (private).

Every public helper of ``mlnotes.linalg`` turns its array arguments into float or
complex NumPy arrays through these functions, so that bad input fails early with a
message naming the function, the argument and what is allowed.
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np


def as_array(x: Any, name: str, func: str, *, ndim=None, allow_complex: bool = True,
             square: bool = False, min_size: int = 1) -> np.ndarray:
    """Return ``x`` as a finite float64 (or complex128) array, or raise a clear error.

    ``ndim`` may be an int or a tuple of allowed dimensions.
    """
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{func}: {name} must be an array of numbers, got {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except Exception as exc:  # pragma: no cover - exotic inputs
        raise TypeError(f"{func}: {name} must be an array of numbers ({exc})") from None
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{func}: {name} must hold numbers, got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        if not allow_complex:
            raise TypeError(f"{func}: {name} must be real, got a complex array")
        arr = arr.astype(np.complex128)
    else:
        arr = arr.astype(np.float64)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{func}: {name} must be {want}, got shape {arr.shape}")
    if arr.size < min_size:
        raise ValueError(f"{func}: {name} must not be empty, got shape {arr.shape}")
    if square and (arr.ndim != 2 or arr.shape[0] != arr.shape[1]):
        raise ValueError(f"{func}: {name} must be a square matrix, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{func}: {name} must contain only finite numbers (no NaN or inf)")
    return arr


def as_int(v: Any, name: str, func: str, *, lo: int = None, hi: int = None) -> int:
    """Return ``v`` as an int in ``[lo, hi]`` (either bound optional), or raise."""
    if isinstance(v, bool) or not isinstance(v, numbers.Integral):
        raise TypeError(f"{func}: {name} must be an int, got {v!r}")
    v = int(v)
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        lo_s = "-inf" if lo is None else str(lo)
        hi_s = "inf" if hi is None else str(hi)
        raise ValueError(f"{func}: {name} must lie in [{lo_s}, {hi_s}], got {v}")
    return v


def as_float(v: Any, name: str, func: str, *, positive: bool = False, nonneg: bool = False) -> float:
    """Return ``v`` as a finite float (optionally > 0 or >= 0), or raise."""
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise TypeError(f"{func}: {name} must be a real number, got {v!r}")
    v = float(v)
    if not np.isfinite(v):
        raise ValueError(f"{func}: {name} must be finite, got {v}")
    if positive and v <= 0:
        raise ValueError(f"{func}: {name} must be > 0, got {v}")
    if nonneg and v < 0:
        raise ValueError(f"{func}: {name} must be >= 0, got {v}")
    return v


def as_shape(shape: Any, name: str, func: str, *, min_len: int = 1) -> tuple:
    """Return ``shape`` as a tuple of positive ints (an int counts as a 1-tuple), or raise."""
    if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
        shape = (int(shape),)
    if not isinstance(shape, (tuple, list)) or not shape:
        raise TypeError(f"{func}: {name} must be a tuple of positive ints, got {shape!r}")
    out = tuple(as_int(s, f"{name}[{i}]", func, lo=min_len) for i, s in enumerate(shape))
    return out
