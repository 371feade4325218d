"""The matrix exponential as a truncated power series, with scaling and squaring.

The teaching version (and the logarithm series) is written on the page
``notebooks/01-linear-algebra/04-matrix-identities.ipynb``, whose hidden check asserts that
it equals this one; the package keeps it for ``benchmarks/bench_linalg.py``.
"""
from __future__ import annotations

from typing import Union

import numpy as np

from ._checks import as_array, as_int

__all__ = ["expm_series"]


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
