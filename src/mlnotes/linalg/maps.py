"""Linear maps on grids, and rank by elimination: the versions other code reuses.

The notebook ``notebooks/01-linear-algebra/01-matrices-as-maps.ipynb`` teaches all of
this with short functions on the page (products, adjoint pairs, the dot-product test,
Gauss-Jordan elimination). The package keeps only what a benchmark or another notebook
calls: the discrete gradient, bilinear warping, and the rank from the row echelon form.
Matrices act on arrays flattened in C order.
"""
from __future__ import annotations

from typing import List, Tuple

import numpy as np

from ._checks import as_array, as_float

__all__ = [
    "grad",
    "warp_bilinear",
    "row_echelon",
    "rank_gauss",
]


# --------------------------------------------------------------------------- gradient, divergence
def _grid_array(f, name, func):
    f = as_array(f, name, func, allow_complex=False)  # images and fields on a grid are real
    if f.ndim < 1:
        raise ValueError(f"{func}: {name} must be an array on a grid (at least 1-D), got a scalar")
    if any(s < 2 for s in f.shape):
        raise ValueError(f"{func}: every grid axis of {name} needs at least 2 points, got shape {f.shape}")
    return f


def grad(f: np.ndarray, h: float = 1.0) -> np.ndarray:
    """Discrete gradient by forward differences, zero on the last slice of each axis.

    For ``f`` of shape ``s`` returns an array of shape ``(f.ndim, *s)``; component ``k``
    differentiates along axis ``k``: :math:`(\\nabla f)_k = D_k f` with :func:`diff_matrix`.
    Its adjoint is minus the backward-difference divergence written in notebook 01.
    """
    f = _grid_array(f, "f", "grad")
    h = as_float(h, "h", "grad", positive=True)
    out = np.zeros((f.ndim,) + f.shape, dtype=f.dtype)
    for k in range(f.ndim):
        d = np.diff(f, axis=k) / h
        sl = [slice(None)] * f.ndim
        sl[k] = slice(0, f.shape[k] - 1)
        out[k][tuple(sl)] = d
    return out


# --------------------------------------------------------------------------- Fourier

# --------------------------------------------------------------------------- interpolation / splatting
def _bilinear_weights(phi: np.ndarray, shape: Tuple[int, int], func: str):
    phi = as_array(phi, "phi", func, allow_complex=False)
    if phi.ndim < 2 or phi.shape[0] != 2:
        raise ValueError(f"{func}: phi must have shape (2, ...) holding (row, column) sample positions, "
                         f"got shape {phi.shape}")
    n0, n1 = shape
    r = np.clip(phi[0], 0.0, n0 - 1.0)
    c = np.clip(phi[1], 0.0, n1 - 1.0)
    r0 = np.minimum(np.floor(r).astype(int), n0 - 2)
    c0 = np.minimum(np.floor(c).astype(int), n1 - 2)
    tr = r - r0
    tc = c - c0
    idx = [(r0, c0), (r0 + 1, c0), (r0, c0 + 1), (r0 + 1, c0 + 1)]
    wts = [(1 - tr) * (1 - tc), tr * (1 - tc), (1 - tr) * tc, tr * tc]
    return idx, wts


def warp_bilinear(f: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """Sample the image ``f`` at positions ``phi`` by bilinear interpolation: :math:`f \\circ \\phi`.

    ``phi[0]`` holds row and ``phi[1]`` column coordinates (pixel units, clamped to the
    image); the output has shape ``phi.shape[1:]``. Its adjoint (splatting) is written in notebook 01.
    Notebook 01.
    """
    f = as_array(f, "f", "warp_bilinear", ndim=2, allow_complex=False)
    if min(f.shape) < 2:
        raise ValueError(f"warp_bilinear: f needs at least 2 pixels along each axis, got shape {f.shape}")
    idx, wts = _bilinear_weights(phi, f.shape, "warp_bilinear")
    return sum(w * f[i] for i, w in zip(idx, wts))


# --------------------------------------------------------------------------- span, rank
def _default_tol(A: np.ndarray) -> float:
    # Elimination amplifies rounding errors (leftovers of order 1e-12 * max|A| are common
    # for a rank-deficient matrix), so the default threshold is generous. For a robust
    # numerical rank use the SVD (numpy.linalg.matrix_rank).
    scale = np.abs(A).max() if A.size else 0.0
    return max(A.shape) * 1e-10 * max(scale, np.finfo(float).tiny)


def row_echelon(A: np.ndarray, tol: float | None = None) -> Tuple[np.ndarray, List[int]]:
    """Reduced row echelon form by Gauss–Jordan elimination with partial pivoting.

    Returns ``(R, pivots)``: ``R`` has a leading 1 in each pivot column and zeros above
    and below it; ``pivots`` lists the pivot columns. Entries with absolute value below
    ``tol`` count as zero (default: ``max(m, n) * 1e-10 * max|A|``, generous because
    elimination amplifies rounding errors; the SVD gives a more robust numerical rank).
    Notebook 01, "Span, rank and linear dependence".
    """
    R = as_array(A, "A", "row_echelon", ndim=2, allow_complex=False).copy()
    tol = _default_tol(R) if tol is None else as_float(tol, "tol", "row_echelon", nonneg=True)
    m, n = R.shape
    pivots: List[int] = []
    row = 0
    for col in range(n):
        if row == m:
            break
        k = row + int(np.argmax(np.abs(R[row:, col])))
        if abs(R[k, col]) <= tol:
            R[row:, col] = 0.0
            continue
        R[[row, k]] = R[[k, row]]
        R[row] /= R[row, col]
        others = np.arange(m) != row
        R[others] -= np.outer(R[others, col], R[row])
        pivots.append(col)
        row += 1
    R[np.abs(R) <= tol] = 0.0
    return R, pivots


def rank_gauss(A: np.ndarray, tol: float | None = None) -> int:
    """Rank of ``A`` = number of pivots of its row echelon form = dimension of its column space."""
    return len(row_echelon(A, tol)[1])


