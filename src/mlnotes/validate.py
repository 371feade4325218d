"""Argument validation for the whole package: one place, one style of message.

Every public helper of ``mlnotes`` passes its arguments through these functions, so that
bad input fails early with a ``TypeError`` (wrong kind) or ``ValueError`` (right kind,
wrong value) whose message names the function, the argument and what is allowed:

>>> as_positive(-1.0, "sigma", "rbf")
Traceback (most recent call last):
ValueError: rbf: sigma must be > 0, got -1.0

Conventions: arrays come back as finite float64 (complex128 only where the mathematics
is complex and the caller allows it); sizes have an upper bound so that a typo such as
``10**12`` is an error, not a hang; seeds accept Python and NumPy integers.
"""
from __future__ import annotations

import numbers
from typing import Any, Iterable, Optional, Sequence, Union

import numpy as np

__all__ = [
    "MAX_SIZE",
    "as_array",
    "as_square",
    "as_symmetric",
    "as_psd",
    "as_prob_vector",
    "as_int",
    "as_size",
    "as_float",
    "as_positive",
    "as_probability",
    "as_shape",
    "as_seed",
    "as_choice",
    "as_bool",
    "as_device",
]

#: Default upper bound of a size argument (number of points, steps, layers, ...).
MAX_SIZE = 10**7


def as_array(x: Any, name: str, func: str, *, ndim: Union[int, Sequence[int], None] = None,
             allow_complex: bool = False, square: bool = False, min_size: int = 1,
             shape: Optional[Sequence[Optional[int]]] = None) -> np.ndarray:
    """Return ``x`` as a finite float64 (or complex128) array, or raise a clear error.

    ``ndim`` is an int or a tuple of allowed ranks; ``shape`` may fix some axes
    (``None`` leaves an axis free). Complex input is refused unless ``allow_complex``.
    """
    if isinstance(x, (str, bytes)) or x is None or isinstance(x, dict):
        raise TypeError(f"{func}: {name} must be an array of numbers, got {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged lists and other exotic inputs
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
    if shape is not None:
        if arr.ndim != len(shape) or any(s is not None and s != a for s, a in zip(shape, arr.shape)):
            want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
            raise ValueError(f"{func}: {name} must have shape {want}, got {arr.shape}")
    if arr.size < min_size:
        raise ValueError(f"{func}: {name} must have at least {min_size} entries, got shape {arr.shape}")
    if square and (arr.ndim != 2 or arr.shape[0] != arr.shape[1]):
        raise ValueError(f"{func}: {name} must be a square matrix, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{func}: {name} must contain only finite numbers (no NaN or inf)")
    return arr


def as_square(x: Any, name: str, func: str, **kw: Any) -> np.ndarray:
    """A finite square matrix (2-D, n x n, n >= 1)."""
    return as_array(x, name, func, ndim=2, square=True, **kw)


def _scale(a: np.ndarray) -> float:
    m = float(np.max(np.abs(a))) if a.size else 0.0
    return m if m > 0 else 1.0


def as_symmetric(x: Any, name: str, func: str, *, rtol: float = 1e-8) -> np.ndarray:
    """A finite real symmetric matrix; asymmetry above ``rtol`` times its scale is refused.

    The exactly symmetric part ``(A + A^T)/2`` is returned.
    """
    a = as_square(x, name, func)
    gap = float(np.max(np.abs(a - a.T)))
    if gap > rtol * _scale(a):
        raise ValueError(f"{func}: {name} must be symmetric, got max |A - A^T| = {gap:.3g}")
    return (a + a.T) / 2


def as_psd(x: Any, name: str, func: str, *, strict: bool = False, rtol: float = 1e-10) -> np.ndarray:
    """A symmetric positive semidefinite (``strict``: definite) matrix.

    The smallest eigenvalue must be >= ``-rtol * scale`` (semidefinite) or
    > ``rtol * scale`` (definite), where ``scale`` is the largest absolute eigenvalue.
    """
    a = as_symmetric(x, name, func)
    ev = np.linalg.eigvalsh(a / _scale(a))
    lo, top = float(ev[0]), float(max(np.max(np.abs(ev)), 1e-300))
    if strict and lo <= rtol * top:
        raise ValueError(f"{func}: {name} must be positive definite, got a smallest eigenvalue "
                         f"of {lo * _scale(a):.3g}")
    if not strict and lo < -rtol * top:
        raise ValueError(f"{func}: {name} must be positive semidefinite, got a smallest "
                         f"eigenvalue of {lo * _scale(a):.3g}")
    return a


def as_prob_vector(p: Any, name: str, func: str, *, atol: float = 1e-9) -> np.ndarray:
    """A 1-D finite, non-negative vector summing to 1 within ``atol``."""
    a = as_array(p, name, func, ndim=1)
    if np.any(a < 0):
        raise ValueError(f"{func}: {name} must be non-negative, got a minimum of {a.min():g}")
    s = float(a.sum())
    if abs(s - 1.0) > atol:
        raise ValueError(f"{func}: {name} must sum to 1, got a sum of {s:.12g}")
    return a


def as_int(v: Any, name: str, func: str, *, lo: Optional[int] = None, hi: Optional[int] = None) -> int:
    """An ``int`` (Python or NumPy integer, not bool) in ``[lo, hi]``."""
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Integral):
        raise TypeError(f"{func}: {name} must be an int, got {v!r}")
    v = int(v)
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        lo_s = "-inf" if lo is None else str(lo)
        hi_s = "inf" if hi is None else str(hi)
        raise ValueError(f"{func}: {name} must lie in [{lo_s}, {hi_s}], got {v}")
    return v


def as_size(v: Any, name: str, func: str, *, lo: int = 1, hi: int = MAX_SIZE) -> int:
    """A size (count of points, steps, layers...) in ``[lo, hi]``; the bound prevents hangs."""
    return as_int(v, name, func, lo=lo, hi=hi)


def as_float(v: Any, name: str, func: str, *, positive: bool = False, nonneg: bool = False,
             lo: Optional[float] = None, hi: Optional[float] = None) -> float:
    """A finite real number (Python or NumPy, not bool), optionally > 0, >= 0 or in [lo, hi]."""
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
        raise TypeError(f"{func}: {name} must be a real number, got {v!r}")
    try:
        v = float(v)
    except OverflowError:  # an int beyond the float range
        raise ValueError(f"{func}: {name} must be finite, got an int of {len(str(abs(v)))} digits") from None
    if not np.isfinite(v):
        raise ValueError(f"{func}: {name} must be finite, got {v}")
    if positive and v <= 0:
        raise ValueError(f"{func}: {name} must be > 0, got {v}")
    if nonneg and v < 0:
        raise ValueError(f"{func}: {name} must be >= 0, got {v}")
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise ValueError(f"{func}: {name} must lie in [{lo}, {hi}], got {v}")
    return v


def as_positive(v: Any, name: str, func: str) -> float:
    """A finite real number > 0."""
    return as_float(v, name, func, positive=True)


def as_probability(v: Any, name: str, func: str, *, open_: bool = False) -> float:
    """A number in [0, 1] (``open_``: in (0, 1))."""
    v = as_float(v, name, func, lo=0.0, hi=1.0)
    if open_ and v in (0.0, 1.0):
        raise ValueError(f"{func}: {name} must lie strictly between 0 and 1, got {v}")
    return v


def as_shape(shape: Any, name: str, func: str, *, min_len: int = 1, hi: int = MAX_SIZE) -> tuple:
    """A tuple of ints >= ``min_len`` (an int counts as a 1-tuple); the product is bounded."""
    if isinstance(shape, numbers.Integral) and not isinstance(shape, (bool, np.bool_)):
        shape = (int(shape),)
    if not isinstance(shape, (tuple, list)) or not shape:
        raise TypeError(f"{func}: {name} must be a tuple of positive ints, got {shape!r}")
    out = tuple(as_int(s, f"{name}[{i}]", func, lo=min_len, hi=hi) for i, s in enumerate(shape))
    if int(np.prod(out, dtype=object)) > hi:
        raise ValueError(f"{func}: {name} asks for {np.prod(out, dtype=object)} entries, more than {hi}")
    return out


def as_seed(v: Any, name: str, func: str, *, allow_none: bool = True) -> Optional[int]:
    """A seed: an int in [0, 2**32) (Python or NumPy), or ``None`` where allowed."""
    if v is None and allow_none:
        return None
    return as_int(v, name, func, lo=0, hi=2**32 - 1)


def _same(v: Any, a: Any) -> bool:
    """``v == a`` as a plain truth value; arrays and odd types compare unequal."""
    try:
        r = v == a
    except Exception:
        return False
    return r is True or (isinstance(r, np.bool_) and bool(r))


def as_choice(v: Any, name: str, func: str, allowed: Iterable[Any]) -> Any:
    """One of ``allowed`` (compared with ``==``; unhashable values are refused cleanly)."""
    allowed = tuple(allowed)
    ok = any(_same(v, a) for a in allowed)
    if not ok:
        raise ValueError(f"{func}: {name} must be one of {list(allowed)}, got {v!r}")
    return v


def as_bool(v: Any, name: str, func: str) -> bool:
    """A bool (Python or NumPy)."""
    if not isinstance(v, (bool, np.bool_)):
        raise TypeError(f"{func}: {name} must be True or False, got {v!r}")
    return bool(v)


def as_device(v: Any, name: str, func: str) -> str:
    """A torch device string that exists here: 'cpu', 'cuda', 'cuda:N' (N < count), 'mps'."""
    from .runtime import available_devices  # noqa: PLC0415 - avoids an import cycle

    if not isinstance(v, str):
        raise TypeError(f"{func}: {name} must be a device string such as 'cpu', got {v!r}")
    here = available_devices()
    if v not in here:
        raise ValueError(f"{func}: {name}={v!r} is not available here; available: {list(here)}")
    return v
