"""Forward substitution, Cholesky, LU, determinants and the pseudoinverse, from scratch.

The teaching versions are written on the pages
``notebooks/01-linear-algebra/04-matrix-identities.ipynb`` (determinants, adjugate) and
``notebooks/01-linear-algebra/05-decompositions.ipynb`` (the rest), whose hidden checks
assert that they equal these validated versions. The package keeps only what other code
uses: notebook 01 (``adjugate``) and ``benchmarks/bench_linalg.py``.
"""
from __future__ import annotations

from typing import Tuple

import numpy as np

from ._checks import as_array, as_float

__all__ = [
    "forward_substitution",
    "cholesky",
    "lu",
    "det_cofactor",
    "adjugate",
    "pinv_svd",
]


def _triangular_inputs(T, b, func, lower, tname="T"):
    T = as_array(T, tname, func, ndim=2, square=True)
    b = as_array(b, "b", func, ndim=(1, 2))
    if b.shape[0] != T.shape[0]:
        raise ValueError(f"{func}: b must have {T.shape[0]} rows (the size of {tname}), got {b.shape[0]}")
    off = np.tril(T, -1) if not lower else np.triu(T, 1)
    if np.any(off != 0):
        side = "lower" if lower else "upper"
        raise ValueError(f"{func}: {tname} must be {side} triangular (nonzero entries found on the other side)")
    return T, b


def forward_substitution(L: np.ndarray, b: np.ndarray, unit_diagonal: bool = False) -> np.ndarray:
    """Solve :math:`Lx = b` for lower-triangular ``L``, top row first.

    :math:`x_i = (b_i - \\sum_{j<i} L_{ij} x_j) / L_{ii}`; ``b`` may hold several right-hand
    sides as columns. With ``unit_diagonal`` the diagonal is taken to be 1 (as in LU).
    """
    L, b = _triangular_inputs(L, b, "forward_substitution", lower=True, tname="L")
    if not isinstance(unit_diagonal, (bool, np.bool_)):
        raise TypeError(f"forward_substitution: unit_diagonal must be True or False, got {unit_diagonal!r}")
    n = L.shape[0]
    d = np.ones(n) if unit_diagonal else np.diag(L)
    if np.any(d == 0):
        raise ValueError(f"forward_substitution: L is singular (zero on the diagonal at index {int(np.argmin(np.abs(d)))})")
    x = np.zeros(b.shape, dtype=np.result_type(L, b))
    for i in range(n):
        x[i] = (b[i] - L[i, :i] @ x[:i]) / d[i]
    return x


def _check_symmetric(A, func):
    if not np.allclose(A, A.T, rtol=0, atol=1e-12 * max(1.0, np.abs(A).max())):
        raise ValueError(f"{func}: A must be symmetric")


def cholesky(A: np.ndarray) -> np.ndarray:
    """Cholesky factor: the lower-triangular :math:`L` with positive diagonal and :math:`A = LL^\\top`.

    Column by column, :math:`L_{jj} = \\sqrt{A_{jj} - \\sum_{k<j} L_{jk}^2}` and
    :math:`L_{ij} = (A_{ij} - \\sum_{k<j} L_{ik}L_{jk}) / L_{jj}` for :math:`i > j`.
    Raises ``ValueError`` when ``A`` is not symmetric positive definite (a pivot is not positive).
    """
    A = as_array(A, "A", "cholesky", ndim=2, square=True, allow_complex=False)
    _check_symmetric(A, "cholesky")
    n = A.shape[0]
    L = np.zeros_like(A)
    for j in range(n):
        piv = A[j, j] - L[j, :j] @ L[j, :j]
        if not piv > 0:
            raise ValueError(f"cholesky: A is not positive definite (pivot {j} is {piv:.3g} <= 0)")
        L[j, j] = np.sqrt(piv)
        L[j + 1:, j] = (A[j + 1:, j] - L[j + 1:, :j] @ L[j, :j]) / L[j, j]
    return L


def lu(A: np.ndarray) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """LU factorisation with partial pivoting, in ``scipy.linalg.lu``'s convention :math:`A = PLU`.

    At step :math:`k` the row with the largest :math:`|a_{ik}|`, :math:`i \\ge k`, is swapped
    to the top, so every multiplier has :math:`|L_{ik}| \\le 1`. ``L`` has a unit diagonal;
    ``U`` is upper triangular (with a zero pivot when ``A`` is singular). Works for every
    square matrix.
    """
    A = as_array(A, "A", "lu", ndim=2, square=True, allow_complex=False)
    n = A.shape[0]
    U = A.copy()
    L = np.eye(n)
    perm = np.arange(n)
    for k in range(n - 1):
        p = k + int(np.argmax(np.abs(U[k:, k])))
        if p != k:
            U[[k, p], k:] = U[[p, k], k:]
            L[[k, p], :k] = L[[p, k], :k]
            perm[[k, p]] = perm[[p, k]]
        if U[k, k] == 0:
            continue  # the whole column below is zero: nothing to eliminate
        L[k + 1:, k] = U[k + 1:, k] / U[k, k]
        U[k + 1:, k:] -= np.outer(L[k + 1:, k], U[k, k:])
        U[k + 1:, k] = 0.0
    P = np.eye(n)[:, perm]  # row i of A is row perm^{-1}(i) of LU, i.e. A = P L U
    return P, L, U


def det_cofactor(A: np.ndarray) -> float:
    """Determinant by cofactor (Laplace) expansion along the first row, recursively.

    :math:`\\det A = \\sum_j (-1)^{j} A_{0j} \\det A_{-0,-j}` (0-based). Costs :math:`O(n!)`:
    only for ``n <= 8``; it is here to check the formula, not to be used.
    """
    A = as_array(A, "A", "det_cofactor", ndim=2, square=True)
    n = A.shape[0]
    if n > 8:
        raise ValueError(f"det_cofactor: n must be at most 8 (the expansion costs n!), got {n}")
    if n == 1:
        return A[0, 0]
    total = 0.0
    for j in range(n):
        minor = np.delete(A[1:], j, axis=1)
        total = total + (-1) ** j * A[0, j] * det_cofactor(minor)
    return total


def adjugate(A: np.ndarray) -> np.ndarray:
    """Adjugate (classical adjoint): the transpose of the cofactor matrix, :math:`\\operatorname{adj}(A)_{ij} = (-1)^{i+j}\\det A_{-j,-i}`.

    Satisfies :math:`A\\,\\operatorname{adj}(A) = \\det(A) I` for every square ``A`` (``n <= 8``).
    """
    A = as_array(A, "A", "adjugate", ndim=2, square=True)
    n = A.shape[0]
    if n > 8:
        raise ValueError(f"adjugate: n must be at most 8, got {n}")
    if n == 1:
        return np.ones((1, 1), dtype=A.dtype)
    C = np.zeros_like(A)
    for i in range(n):
        for j in range(n):
            minor = np.delete(np.delete(A, i, axis=0), j, axis=1)
            C[i, j] = (-1) ** (i + j) * det_cofactor(minor)
    return C.T


def pinv_svd(A: np.ndarray, rtol: float | None = None) -> np.ndarray:
    """Moore–Penrose pseudoinverse :math:`A^+ = V \\Sigma^+ U^\\top` from the SVD.

    :math:`\\Sigma^+` inverts the singular values above ``rtol * sigma_max`` and sets the
    others to 0 (default ``rtol = max(m, n) * eps``, as numpy). Works for any shape and rank.
    """
    A = as_array(A, "A", "pinv_svd", ndim=2)
    m, n = A.shape
    rtol = max(m, n) * np.finfo(float).eps if rtol is None else as_float(rtol, "rtol", "pinv_svd", nonneg=True)
    U, s, Vh = np.linalg.svd(A, full_matrices=False)
    cutoff = rtol * (s[0] if s.size else 0.0)
    s_inv = np.zeros_like(s)
    keep = s > cutoff
    s_inv[keep] = 1.0 / s[keep]
    return (Vh.conj().T * s_inv) @ U.conj().T
