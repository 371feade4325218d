"""Orthogonal matrices that other notebooks reuse (plane rotation, Householder reflection).

Norms, angles and Gram-Schmidt are written on the page of
``notebooks/01-linear-algebra/02-orthogonality-and-norms.ipynb``.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_array, as_float

__all__ = [
    "rotation2d",
    "householder",
]


def rotation2d(theta: float) -> np.ndarray:
    """The rotation :math:`\\begin{bmatrix}\\cos\\theta & -\\sin\\theta\\\\ \\sin\\theta & \\cos\\theta\\end{bmatrix}` (det +1)."""
    theta = as_float(theta, "theta", "rotation2d")
    c, s = np.cos(theta), np.sin(theta)
    return np.array([[c, -s], [s, c]])


def householder(v: np.ndarray) -> np.ndarray:
    """The reflection :math:`I - 2 vv^\\top / v^\\top v` across the hyperplane orthogonal to ``v`` (det -1)."""
    v = as_array(v, "v", "householder", ndim=1, allow_complex=False)
    top = float(np.max(np.abs(v)))
    if top == 0:
        raise ValueError("householder: v must be nonzero")
    u = v / top  # H depends on the direction of v only: rescale so v^T v neither overflows nor underflows
    return np.eye(v.size) - 2.0 * np.outer(u, u) / (u @ u)
