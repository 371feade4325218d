"""Input validation of the Part I helpers: the package's validators (``mlnotes.validate``).

Linear algebra works over the complex numbers too (conjugate transposes, adjoints), so
``as_array`` allows complex input here unless a caller says otherwise.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..validate import as_array as _as_array
from ..validate import as_float, as_int, as_shape

__all__ = ["as_array", "as_float", "as_int", "as_shape"]


def as_array(x: Any, name: str, func: str, *, allow_complex: bool = True, **kw: Any) -> np.ndarray:
    """``mlnotes.validate.as_array`` with complex input allowed by default."""
    return _as_array(x, name, func, allow_complex=allow_complex, **kw)
