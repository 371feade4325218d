"""2x2 eigenvalues (for the matrix-map widget), definiteness and quadratic forms.

Explained in ``notebooks/01-linear-algebra/03-eigenvalues.ipynb``, which also writes the
Rayleigh quotient and power iteration on the page.
"""
from __future__ import annotations

from typing import Tuple

import numpy as np

from ._checks import as_array, as_float, as_int

__all__ = [
    "eig2x2",
    "definiteness",
    "DEFINITENESS",
    "quadratic_form",
    "quadratic_form_grid",
]

#: The five answers of :func:`definiteness`, with the convexity of
#: :math:`f(x) = \tfrac12 x^\top A x - b^\top x + c` that each one implies.
DEFINITENESS = {
    "positive definite": "strictly convex",
    "positive semidefinite": "convex",
    "negative definite": "strictly concave",
    "negative semidefinite": "concave",
    "indefinite": "neither convex nor concave",
}


def eig2x2(A: np.ndarray) -> np.ndarray:
    """Eigenvalues of a 2x2 matrix from its trace and determinant.

    :math:`\\lambda_{1,2} = \\tau/2 \\pm \\sqrt{\\tau^2/4 - \\delta}` with :math:`\\tau = \\operatorname{tr} A`,
    :math:`\\delta = \\det A`: real when :math:`\\tau^2 \\ge 4\\delta`, a complex-conjugate pair otherwise.
    Returned as complex numbers, larger real part first. Notebook 03.
    """
    A = as_array(A, "A", "eig2x2", ndim=2, square=True, allow_complex=False)
    if A.shape != (2, 2):
        raise ValueError(f"eig2x2: A must be 2x2, got shape {A.shape}")
    # eigenvalues are 1-homogeneous: at extreme scales work on A / max|A| so that tau^2 and
    # det neither overflow (entries near 1e154) nor underflow (near 1e-154); in between,
    # the arithmetic is left exactly as written (the page's function agrees bit for bit)
    scale = float(np.max(np.abs(A)))
    if scale == 0:
        return np.zeros(2, dtype=complex)
    if 1e-100 <= scale <= 1e100:
        scale = 1.0
    A = A / scale
    tau = A[0, 0] + A[1, 1]
    delta = A[0, 0] * A[1, 1] - A[0, 1] * A[1, 0]
    disc = tau * tau / 4.0 - delta
    root = np.sqrt(complex(disc))
    lam = np.array([tau / 2.0 + root, tau / 2.0 - root])
    if disc >= 0:
        # avoid cancellation in the smaller root: lambda_1 * lambda_2 = delta
        big = tau / 2.0 + np.copysign(np.sqrt(disc), tau if tau != 0 else 1.0)
        small = delta / big if big != 0 else 0.0
        lam = np.array(sorted([big, small], reverse=True), dtype=complex)
    return scale * lam


def definiteness(A: np.ndarray, tol: float | None = None) -> str:
    """Classify a symmetric matrix by the signs of its eigenvalues.

    Returns one of the keys of :data:`DEFINITENESS`. Eigenvalues with absolute value
    at most ``tol`` (default ``n * eps * max|lambda|``, at least ``1e-12 * min(1, max|lambda|)``,
    so that a matrix scaled below 1e-12 is not taken for zero) count as zero.
    Non-symmetric input is refused: its eigenvalues do not decide the sign of
    :math:`x^\\top A x` (notebook 03 shows why).
    """
    A = as_array(A, "A", "definiteness", ndim=2, square=True, allow_complex=False)
    if not np.allclose(A, A.T, atol=1e-12 * max(1.0, np.abs(A).max())):
        raise ValueError("definiteness: A must be symmetric; the quadratic form x'Ax only sees "
                         "the symmetric part (A + A.T) / 2, classify that instead")
    lam = np.linalg.eigvalsh(A)
    if tol is None:
        top = float(np.abs(lam).max())
        tol = max(A.shape[0] * np.finfo(float).eps * top, 1e-12 * min(1.0, top))
    else:
        tol = as_float(tol, "tol", "definiteness", nonneg=True)
    pos = lam > tol
    neg = lam < -tol
    if pos.all():
        return "positive definite"
    if neg.all():
        return "negative definite"
    if not neg.any():
        return "positive semidefinite"
    if not pos.any():
        return "negative semidefinite"
    return "indefinite"


def quadratic_form(A: np.ndarray, X: np.ndarray, b: np.ndarray | None = None, c: float = 0.0) -> np.ndarray:
    """Evaluate :math:`f(x) = \\tfrac12 x^\\top A x - b^\\top x + c` at each column of ``X`` (shape ``(n, k)``)."""
    A = as_array(A, "A", "quadratic_form", ndim=2, square=True, allow_complex=False)
    X = as_array(X, "X", "quadratic_form", ndim=2, allow_complex=False)
    n = A.shape[0]
    if X.shape[0] != n:
        raise ValueError(f"quadratic_form: X must have {n} rows (one point per column), got {X.shape[0]}")
    b = np.zeros(n) if b is None else as_array(b, "b", "quadratic_form", ndim=1, allow_complex=False)
    if b.shape[0] != n:
        raise ValueError(f"quadratic_form: b must have {n} entries, got {b.shape[0]}")
    c = as_float(c, "c", "quadratic_form")
    return 0.5 * np.sum(X * (A @ X), axis=0) - b @ X + c


def quadratic_form_grid(A: np.ndarray, b: np.ndarray | None = None, c: float = 0.0, lim: float = 2.0,
                        n: int = 41) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The surface :math:`f(x_1, x_2)` of a 2-D quadratic form on the square ``[-lim, lim]^2``.

    Returns meshgrids ``(X1, X2, F)`` of shape ``(n, n)`` for ``plot_surface`` (notebook 03, Fig. 13).
    """
    A = as_array(A, "A", "quadratic_form_grid", ndim=2, square=True, allow_complex=False)
    if A.shape != (2, 2):
        raise ValueError(f"quadratic_form_grid: A must be 2x2, got shape {A.shape}")
    lim = as_float(lim, "lim", "quadratic_form_grid", positive=True)
    n = as_int(n, "n", "quadratic_form_grid", lo=2, hi=2000)
    t = np.linspace(-lim, lim, n)
    X1, X2 = np.meshgrid(t, t)
    F = quadratic_form(A, np.stack([X1.ravel(), X2.ravel()]), b, c).reshape(n, n)
    return X1, X2, F
