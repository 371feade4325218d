"""Matrix exponential and logarithm as truncated power series.

Explained in ``notebooks/01-linear-algebra/04-matrix-identities.ipynb``, where both are
compared with ``scipy.linalg.expm`` / ``scipy.linalg.logm`` and the limits of the
series (cancellation for the exponential, divergence for the logarithm) are shown.
"""
from __future__ import annotations

from typing import Tuple, Union

import numpy as np

from ._checks import as_array, as_int

__all__ = ["expm_series", "logm_series", "logm_series_history", "logm_inverse_scaling"]


def expm_series(A: np.ndarray, terms: int = 30, squarings: Union[int, None] = 0) -> np.ndarray:
    """Matrix exponential from its power series, optionally with scaling and squaring.

    :math:`e^{A} = \\sum_{k \\ge 0} A^k / k!`, truncated after ``terms`` terms. With
    ``squarings = s`` the series is summed for :math:`A / 2^s` and the result squared
    :math:`s` times, :math:`e^A = (e^{A/2^s})^{2^s}`; ``squarings=None`` picks the smallest
    :math:`s` with :math:`\\|A\\|_1 / 2^s \\le 1/2`. The plain series (``s = 0``) converges for
    every ``A`` but loses all accuracy to cancellation when :math:`\\|A\\|` is large.
    """
    A = as_array(A, "A", "expm_series", ndim=2, square=True)
    terms = as_int(terms, "terms", "expm_series", lo=1, hi=10_000)
    if squarings is None:
        nrm = np.abs(A).sum(axis=0).max()
        squarings = 0 if nrm <= 0.5 else int(np.ceil(np.log2(nrm / 0.5)))
    else:
        squarings = as_int(squarings, "squarings", "expm_series", lo=0, hi=200)
    B = A / 2.0 ** squarings
    n = A.shape[0]
    term = np.eye(n, dtype=B.dtype)
    total = term.copy()
    for k in range(1, terms):
        term = term @ B / k
        total = total + term
    for _ in range(squarings):
        total = total @ total
    return total


def logm_series_history(A: np.ndarray, terms: int = 50) -> Tuple[np.ndarray, np.ndarray]:
    """Partial sums of :math:`\\log A = \\sum_{k \\ge 1} (-1)^{k+1} (A - I)^k / k`.

    Returns ``(S, term_norms)``: the last partial sum and the 2-norms of all ``terms``
    terms. The series converges when the spectral radius of :math:`A - I` is below 1
    (for instance when :math:`\\|A - I\\| < 1` in any operator norm) and diverges,
    with terms growing geometrically, when it exceeds 1.
    """
    A = as_array(A, "A", "logm_series", ndim=2, square=True)
    terms = as_int(terms, "terms", "logm_series", lo=1, hi=10_000)
    n = A.shape[0]
    X = A - np.eye(n)
    power = np.eye(n, dtype=X.dtype)
    total = np.zeros_like(power)
    norms = np.empty(terms)
    for k in range(1, terms + 1):
        power = power @ X
        t = ((-1) ** (k + 1) / k) * power
        total = total + t
        norms[k - 1] = np.linalg.norm(t, 2)
    return total, norms


def logm_series(A: np.ndarray, terms: int = 50) -> np.ndarray:
    """Matrix logarithm from the Mercator series :math:`\\sum_{k=1}^{\\text{terms}} (-1)^{k+1} (A - I)^k / k`.

    Only meaningful when the spectral radius of :math:`A - I` is below 1; there it matches
    the principal logarithm ``scipy.linalg.logm``. See :func:`logm_series_history`.
    """
    return logm_series_history(A, terms)[0]


def logm_inverse_scaling(A: np.ndarray, terms: int = 40, radius: float = 0.25, max_roots: int = 64
                         ) -> Tuple[np.ndarray, int]:
    """Principal logarithm by inverse scaling and squaring: :math:`\\log A = 2^s \\log A^{1/2^s}`.

    Takes principal square roots (``scipy.linalg.sqrtm``) until :math:`\\|A^{1/2^s} - I\\|_2 \\le`
    ``radius``, where the Mercator series converges fast, sums ``terms`` terms and multiplies by
    :math:`2^s`. Works for every ``A`` without eigenvalues on the closed negative real axis (the
    matrices that have a principal logarithm). Returns ``(log A, s)``.
    """
    from scipy.linalg import sqrtm  # noqa: PLC0415

    A = as_array(A, "A", "logm_inverse_scaling", ndim=2, square=True)
    terms = as_int(terms, "terms", "logm_inverse_scaling", lo=1, hi=10_000)
    max_roots = as_int(max_roots, "max_roots", "logm_inverse_scaling", lo=0, hi=200)
    if not (isinstance(radius, (int, float)) and 0 < radius < 1):
        raise ValueError(f"logm_inverse_scaling: radius must lie in (0, 1), got {radius!r}")
    ev = np.linalg.eigvals(A)
    scale = max(1.0, float(np.abs(ev).max()))
    bad = (np.abs(ev.imag) <= 1e-12 * scale) & (ev.real <= 0)
    if np.any(bad):
        raise ValueError("logm_inverse_scaling: A has an eigenvalue on the closed negative real axis "
                         f"({ev[bad][0].real:.3g}), so it has no principal logarithm")
    n = A.shape[0]
    X = A.astype(complex) if np.iscomplexobj(A) else A.copy()
    s = 0
    while np.linalg.norm(X - np.eye(n), 2) > radius:
        if s == max_roots:
            raise ValueError(f"logm_inverse_scaling: still ||A^(1/2^s) - I|| > {radius} after {max_roots} roots")
        X = sqrtm(X)
        # older scipy (Colab's 1.14) may return complex256; keep double precision
        X = X.astype(np.complex128) if np.iscomplexobj(X) else X.astype(np.float64)
        s += 1
    if not np.iscomplexobj(A) and np.iscomplexobj(X) and np.abs(X.imag).max() < 1e-12 * np.abs(X).max():
        X = X.real
    return (2.0 ** s) * logm_series(X, terms), s
