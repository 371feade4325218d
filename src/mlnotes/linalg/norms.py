"""Norms, angles and orthogonal matrices.

Explained in ``notebooks/01-linear-algebra/02-orthogonality-and-norms.ipynb``.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_array, as_float, as_int

__all__ = [
    "lp_norm",
    "unit_ball_boundary",
    "frobenius_norm",
    "max_norm",
    "operator_norm",
    "angle",
    "gram_schmidt",
    "rotation2d",
    "householder",
]


def _check_p(p, func):
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)):
        raise TypeError(f"{func}: p must be a positive number or numpy.inf, got {p!r}")
    p = float(p)
    if not (p > 0):
        raise ValueError(f"{func}: p must be > 0 (or numpy.inf), got {p}")
    return p


def lp_norm(x: np.ndarray, p: float = 2.0) -> float:
    """The :math:`L^p` size of a vector, :math:`\\|x\\|_p = (\\sum_i |x_i|^p)^{1/p}`; ``p=inf`` gives :math:`\\max_i |x_i|`.

    It is a norm only for :math:`p \\ge 1`; for :math:`0 < p < 1` the same formula
    breaks the triangle inequality (a *quasi*-norm), which notebook 02 demonstrates.
    Computed stably by factoring out :math:`\\max_i |x_i|`.
    """
    x = as_array(x, "x", "lp_norm", ndim=1)
    p = _check_p(p, "lp_norm")
    a = np.abs(x)
    m = a.max()
    if np.isinf(p) or m == 0.0:
        return float(m)
    return float(m * np.sum((a / m) ** p) ** (1.0 / p))


def unit_ball_boundary(p: float, n_points: int = 400) -> np.ndarray:
    """Points on the 2-D unit sphere :math:`\\{x : \\|x\\|_p = 1\\}`, shape ``(n_points, 2)``.

    Each direction :math:`u = (\\cos\\theta, \\sin\\theta)` is rescaled to :math:`u/\\|u\\|_p`,
    so the curve is exact for every :math:`p > 0` and ``inf`` (notebook 02, unit-ball figure).
    """
    p = _check_p(p, "unit_ball_boundary")
    n_points = as_int(n_points, "n_points", "unit_ball_boundary", lo=8, hi=100_000)
    t = np.linspace(0.0, 2 * np.pi, n_points)
    u = np.stack([np.cos(t), np.sin(t)], axis=1)
    if np.isinf(p):
        r = np.abs(u).max(axis=1)
    else:
        r = (np.abs(u) ** p).sum(axis=1) ** (1.0 / p)
    return u / r[:, None]


def frobenius_norm(A: np.ndarray) -> float:
    """:math:`\\|A\\|_F = \\sqrt{\\sum_{ij} |A_{ij}|^2} = \\sqrt{\\operatorname{tr}(A^H A)}` (notebook 02)."""
    A = as_array(A, "A", "frobenius_norm", ndim=2)
    return float(np.sqrt(np.sum(np.abs(A) ** 2)))


def max_norm(A: np.ndarray) -> float:
    """Entrywise max norm :math:`\\|A\\|_{\\max} = \\max_{ij} |A_{ij}|` (a norm, but not submultiplicative)."""
    A = as_array(A, "A", "max_norm", ndim=(1, 2))
    return float(np.abs(A).max())


def operator_norm(A: np.ndarray, p=2) -> float:
    """Induced norm :math:`\\|A\\|_p = \\max_{x \\ne 0} \\|Ax\\|_p / \\|x\\|_p` for ``p`` in ``{1, 2, inf}``.

    Closed forms: largest absolute column sum (1), largest singular value (2, the square root of
    the largest eigenvalue of :math:`A^H A`), largest absolute row sum (inf). Notebook 02.
    """
    A = as_array(A, "A", "operator_norm", ndim=2)
    if p == 1:
        return float(np.abs(A).sum(axis=0).max())
    if p == 2:
        return float(np.sqrt(max(np.linalg.eigvalsh(A.conj().T @ A).max(), 0.0)))
    if p == np.inf:
        return float(np.abs(A).sum(axis=1).max())
    raise ValueError(f"operator_norm: p must be one of 1, 2, numpy.inf, got {p!r}")


def angle(x: np.ndarray, y: np.ndarray) -> float:
    """Angle between two nonzero real vectors, :math:`\\arccos\\frac{x^\\top y}{\\|x\\|\\|y\\|}` in radians."""
    x = as_array(x, "x", "angle", ndim=1, allow_complex=False)
    y = as_array(y, "y", "angle", ndim=1, allow_complex=False)
    if x.shape != y.shape:
        raise ValueError(f"angle: x and y must have the same length, got {x.shape[0]} and {y.shape[0]}")
    nx, ny = np.linalg.norm(x), np.linalg.norm(y)
    if nx == 0 or ny == 0:
        raise ValueError("angle: x and y must be nonzero (the angle with the zero vector is undefined)")
    return float(np.arccos(np.clip(x @ y / (nx * ny), -1.0, 1.0)))


def gram_schmidt(A: np.ndarray, tol: float = 1e-12) -> np.ndarray:
    """Orthonormal basis of the column space of ``A`` by modified Gram–Schmidt (re-orthogonalised).

    Columns that are (numerically) combinations of earlier ones are dropped, so the result
    has :math:`\\operatorname{rank} A` orthonormal columns spanning the same space.
    Matches ``numpy.linalg.qr`` up to the signs of the columns when ``A`` has full column rank.
    """
    A = as_array(A, "A", "gram_schmidt", ndim=2, allow_complex=False)
    tol = as_float(tol, "tol", "gram_schmidt", nonneg=True)
    scale = max(np.linalg.norm(A, axis=0).max(), 1.0)
    Q = []
    for j in range(A.shape[1]):
        v = A[:, j].copy()
        for _ in range(2):  # "twice is enough"
            for q in Q:
                v -= (q @ v) * q
        nv = np.linalg.norm(v)
        if nv > tol * scale:
            Q.append(v / nv)
    if not Q:
        return np.zeros((A.shape[0], 0))
    return np.stack(Q, axis=1)


def rotation2d(theta: float) -> np.ndarray:
    """The rotation :math:`\\begin{bmatrix}\\cos\\theta & -\\sin\\theta\\\\ \\sin\\theta & \\cos\\theta\\end{bmatrix}` (det +1)."""
    theta = as_float(theta, "theta", "rotation2d")
    c, s = np.cos(theta), np.sin(theta)
    return np.array([[c, -s], [s, c]])


def householder(v: np.ndarray) -> np.ndarray:
    """The reflection :math:`I - 2 vv^\\top / v^\\top v` across the hyperplane orthogonal to ``v`` (det -1)."""
    v = as_array(v, "v", "householder", ndim=1, allow_complex=False)
    nv2 = v @ v
    if nv2 == 0:
        raise ValueError("householder: v must be nonzero")
    return np.eye(v.size) - 2.0 * np.outer(v, v) / nv2
