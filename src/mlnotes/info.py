"""Information theory helpers: self-information, entropy, KL divergence, cross-entropy,
Huffman codes, and fitting a Gaussian by forward or reverse KL.

Explained in ``notebooks/02-probability/06-information-theory.ipynb``.

Discrete distributions are probability vectors: 1-D, non-negative, summing to 1 (checked by
:func:`mlnotes.prob.check_prob_vector`; the error message names the argument). Logarithms
are natural by default; ``base=2`` gives bits.
"""
from __future__ import annotations

import heapq
import itertools
import math
from typing import Dict, Hashable, Optional, Sequence, Tuple, Union

import numpy as np
from scipy import optimize, special

from .prob import _array, _positive, _real, check_prob_vector

__all__ = [
    "self_information",
    "entropy",
    "cross_entropy",
    "kl_divergence",
    "huffman_code",
    "expected_length",
    "is_prefix_free",
    "kraft_sum",
    "gaussian_entropy",
    "kl_gaussians",
    "fit_gaussian_kl",
]

ArrayLike = Union[np.ndarray, Sequence[float], float]


def _log_base(owner: str, base: Optional[float]) -> float:
    if base is None:
        return 1.0
    b = _positive(owner, "base", base)
    if b == 1.0:
        raise ValueError(f"{owner}: base must be a positive number other than 1, got 1")
    return math.log(b)


def self_information(p: ArrayLike, base: Optional[float] = None) -> np.ndarray:
    r"""Self-information :math:`I(x) = -\log P(x)` of events with probabilities ``p`` in (0, 1]
    (``base=2`` gives bits). See ``06-information-theory``."""
    a = _array("self_information", "p", p, min_size=0)
    if np.any(a <= 0) or np.any(a > 1):
        raise ValueError("self_information: p must lie in (0, 1]")
    return -np.log(a) / _log_base("self_information", base)


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


def huffman_code(p: ArrayLike, symbols: Optional[Sequence[Hashable]] = None) -> Dict[Hashable, str]:
    r"""A binary Huffman code: repeatedly merge the two least probable subtrees; the path
    from the root (0 = first merged subtree, 1 = second) is a symbol's code word.

    The result is prefix-free and optimal among prefix codes; its expected length L satisfies
    :math:`H_2(P) \le L < H_2(P) + 1`. Ties are broken by insertion order, so the code is
    deterministic. A single symbol gets the code word ``"0"``. See ``06-information-theory``.

    Parameters
    ----------
    p : array (k,)
        Probability vector.
    symbols : sequence of k distinct hashables, optional
        Names of the symbols (default ``0, ..., k-1``).
    """
    a = check_prob_vector(p, "p", "huffman_code")
    if symbols is None:
        symbols = list(range(a.size))
    symbols = list(symbols)
    if len(symbols) != a.size:
        raise ValueError(f"huffman_code: symbols must have one name per probability ({a.size}), got {len(symbols)}")
    if len(set(symbols)) != len(symbols):
        raise ValueError("huffman_code: symbols must be distinct")
    if a.size == 1:
        return {symbols[0]: "0"}
    counter = itertools.count()
    heap = [(float(pi), next(counter), [s]) for pi, s in zip(a, symbols)]
    heapq.heapify(heap)
    code = {s: "" for s in symbols}
    while len(heap) > 1:
        p0, _, group0 = heapq.heappop(heap)
        p1, _, group1 = heapq.heappop(heap)
        for s in group0:
            code[s] = "0" + code[s]
        for s in group1:
            code[s] = "1" + code[s]
        heapq.heappush(heap, (p0 + p1, next(counter), group0 + group1))
    return code


def expected_length(p: ArrayLike, code: Union[Dict[Hashable, str], Sequence[str]],
                    symbols: Optional[Sequence[Hashable]] = None) -> float:
    r"""Expected code-word length :math:`L = \sum_x P(x)\,\ell(x)` in symbols of the code alphabet.
    ``code`` is a dict (looked up with ``symbols``, default ``0..k-1``) or a list of code words in
    the order of ``p``. See ``06-information-theory``."""
    a = check_prob_vector(p, "p", "expected_length")
    if isinstance(code, dict):
        keys = list(range(a.size)) if symbols is None else list(symbols)
        missing = [k for k in keys if k not in code]
        if missing:
            raise ValueError(f"expected_length: code has no word for symbol(s) {missing}")
        words = [code[k] for k in keys]
    else:
        words = list(code)
    if len(words) != a.size:
        raise ValueError(f"expected_length: code must have one word per probability ({a.size}), got {len(words)}")
    if not all(isinstance(w, str) and w for w in words):
        raise TypeError("expected_length: code words must be non-empty strings")
    return float(np.dot(a, [len(w) for w in words]))


def is_prefix_free(words: Sequence[str]) -> bool:
    """True when no code word is a prefix of another (the code is instantaneously decodable)."""
    ws = list(words)
    if not all(isinstance(w, str) and w for w in ws):
        raise TypeError("is_prefix_free: words must be non-empty strings")
    if len(set(ws)) != len(ws):
        return False
    s = sorted(ws)
    return not any(b.startswith(a) for a, b in zip(s, s[1:]))


def kraft_sum(lengths: Sequence[int], arity: int = 2) -> float:
    r"""Kraft sum :math:`\sum_x D^{-\ell(x)}`; a prefix code with these lengths exists iff it is
    at most 1."""
    ls = np.asarray(lengths)
    if ls.ndim != 1 or ls.size == 0 or not np.issubdtype(ls.dtype, np.integer) or np.any(ls < 1):
        raise ValueError(f"kraft_sum: lengths must be a non-empty list of positive ints, got {lengths!r}")
    if isinstance(arity, bool) or not isinstance(arity, (int, np.integer)) or arity < 2:
        raise ValueError(f"kraft_sum: arity must be an int >= 2, got {arity!r}")
    return float(np.sum(float(arity) ** (-ls.astype(float))))


def gaussian_entropy(sigma: float, base: Optional[float] = None) -> float:
    r"""Differential entropy of :math:`\mathcal N(\mu, \sigma^2)`:
    :math:`\tfrac12\log(2\pi e\sigma^2)`, negative when :math:`\sigma < 1/\sqrt{2\pi e}`.
    See ``06-information-theory``."""
    s = _positive("gaussian_entropy", "sigma", sigma)
    return 0.5 * math.log(2 * math.pi * math.e * s * s) / _log_base("gaussian_entropy", base)


def kl_gaussians(mu1: float, sigma1: float, mu2: float, sigma2: float) -> float:
    r""":math:`D_{KL}(\mathcal N(\mu_1, \sigma_1^2)\,\|\,\mathcal N(\mu_2, \sigma_2^2))
    = \log\frac{\sigma_2}{\sigma_1} + \frac{\sigma_1^2 + (\mu_1 - \mu_2)^2}{2\sigma_2^2} - \frac12`
    (nats). See ``06-information-theory``."""
    owner = "kl_gaussians"
    m1, m2 = _real(owner, "mu1", mu1), _real(owner, "mu2", mu2)
    s1, s2 = _positive(owner, "sigma1", sigma1), _positive(owner, "sigma2", sigma2)
    return math.log(s2 / s1) + (s1 ** 2 + (m1 - m2) ** 2) / (2 * s2 ** 2) - 0.5


def fit_gaussian_kl(x: ArrayLike, p: ArrayLike, direction: str = "forward",
                    init: Tuple[float, float] = (0.0, 1.0)) -> Tuple[float, float, float]:
    r"""Fit :math:`q = \mathcal N(\mu, \sigma^2)` to a density ``p`` sampled on the uniform grid
    ``x`` by minimising a KL divergence numerically (Riemann sums on the grid, Nelder–Mead on
    :math:`(\mu, \log\sigma)`):

    * ``"forward"``: :math:`D_{KL}(p\|q)` — q must cover every region where p has mass
      (mass-covering; the minimiser matches p's mean and variance);
    * ``"reverse"``: :math:`D_{KL}(q\|p)` — q is penalised for mass where p is small
      (mode-seeking; from a start near one mode it locks onto that mode).

    Returns ``(mu, sigma, kl)``. See ``06-information-theory``.
    """
    owner = "fit_gaussian_kl"
    xx = _array(owner, "x", x, ndim=1, min_size=3)
    pp = _array(owner, "p", p, ndim=1, min_size=3)
    if xx.shape != pp.shape:
        raise ValueError(f"{owner}: x and p must have the same length, got {xx.size} and {pp.size}")
    dx = np.diff(xx)
    if np.any(dx <= 0) or not np.allclose(dx, dx[0], rtol=1e-6):
        raise ValueError(f"{owner}: x must be an increasing, evenly spaced grid")
    if np.any(pp < 0):
        raise ValueError(f"{owner}: p must be non-negative (a density)")
    h = float(dx[0])
    mass = pp.sum() * h
    if not abs(mass - 1.0) < 1e-3:
        raise ValueError(f"{owner}: p must integrate to 1 on the grid (sum(p) * dx = {mass:.6g})")
    if direction not in ("forward", "reverse"):
        raise ValueError(f"{owner}: direction must be 'forward' or 'reverse', got {direction!r}")
    if not (isinstance(init, (tuple, list)) and len(init) == 2):
        raise TypeError(f"{owner}: init must be a pair (mu, sigma), got {init!r}")
    mu0 = _real(owner, "init[0]", init[0])
    s0 = _positive(owner, "init[1]", init[1])
    logp = np.log(np.maximum(pp, 1e-300))

    def objective(theta: np.ndarray) -> float:
        mu, log_s = theta
        s = math.exp(log_s)
        logq = -0.5 * ((xx - mu) / s) ** 2 - log_s - 0.5 * math.log(2 * math.pi)
        if direction == "forward":
            return float(h * np.sum(special.xlogy(pp, pp) - pp * logq))
        q = np.exp(logq)
        return float(h * np.sum(q * (logq - logp)))

    res = optimize.minimize(objective, np.array([mu0, math.log(s0)]), method="Nelder-Mead",
                            options={"xatol": 1e-8, "fatol": 1e-12, "maxiter": 4000})
    return float(res.x[0]), float(math.exp(res.x[1])), float(res.fun)
