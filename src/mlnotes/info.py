"""Information theory helpers: entropy, cross-entropy and KL divergence of discrete
distributions, validated, for later chapters (e.g. information gain).

Explained in ``notebooks/02-probability/06-information-theory.ipynb``, which writes these
and the rest of the chapter (Huffman code, differential entropy, Gaussian KL fits) on the page.

Discrete distributions are probability vectors: 1-D, non-negative, summing to 1 (checked by
:func:`mlnotes.validate.as_prob_vector`; the error message names the argument). Logarithms
are natural by default; ``base=2`` gives bits.
"""
from __future__ import annotations

import math
from typing import Optional, Sequence, Union

import numpy as np
from scipy import special

from .validate import as_positive, as_prob_vector as check_prob_vector

__all__ = [
    "entropy",
    "cross_entropy",
    "kl_divergence",
]

ArrayLike = Union[np.ndarray, Sequence[float], float]


def _log_base(owner: str, base: Optional[float]) -> float:
    if base is None:
        return 1.0
    b = as_positive(base, "base", owner)
    if b == 1.0:
        raise ValueError(f"{owner}: base must be a positive number other than 1, got 1")
    return math.log(b)




def entropy(p: ArrayLike, base: Optional[float] = None) -> float:
    r"""Shannon entropy :math:`H(P) = -\sum_x P(x)\log P(x)`, with :math:`0\log 0 = 0`.
    Equals ``scipy.stats.entropy(p, base=base)``. See ``06-information-theory``."""
    a = check_prob_vector(p, "p", "entropy")
    return float(-special.xlogy(a, a).sum() / _log_base("entropy", base))


def cross_entropy(p: ArrayLike, q: ArrayLike, base: Optional[float] = None) -> float:
    r"""Cross-entropy :math:`H(P, Q) = -\sum_x P(x)\log Q(x) = H(P) + D_{KL}(P\|Q)`;
    ``inf`` when Q puts zero mass where P does not. See ``06-information-theory``."""
    a = check_prob_vector(p, "p", "cross_entropy")
    b = check_prob_vector(q, "q", "cross_entropy")
    if a.shape != b.shape:
        raise ValueError(f"cross_entropy: p and q must have the same length, got {a.size} and {b.size}")
    if np.any((b == 0) & (a > 0)):
        return math.inf
    return float(-special.xlogy(a, b).sum() / _log_base("cross_entropy", base))


def kl_divergence(p: ArrayLike, q: ArrayLike, base: Optional[float] = None) -> float:
    r"""Kullback–Leibler divergence :math:`D_{KL}(P\|Q) = \sum_x P(x)\log\frac{P(x)}{Q(x)} \ge 0`;
    ``inf`` when Q puts zero mass where P does not. Equals
    ``scipy.special.rel_entr(p, q).sum()`` and ``scipy.stats.entropy(p, q)``.
    See ``06-information-theory``."""
    a = check_prob_vector(p, "p", "kl_divergence")
    b = check_prob_vector(q, "q", "kl_divergence")
    if a.shape != b.shape:
        raise ValueError(f"kl_divergence: p and q must have the same length, got {a.size} and {b.size}")
    return float(special.rel_entr(a, b).sum() / _log_base("kl_divergence", base))
