"""Probability and statistics helpers of Part II.

Explained in the notebooks of ``notebooks/02-probability/``:

* ``02-distributions`` — numerically stable softmax and log-softmax (also used by the
  information-theory and deep-learning pages); stable distributions (density by
  Zolotarev's integral, sampling by Chambers–Mallows–Stuck), which the stable-law widget
  needs;
* ``03-estimation-and-monte-carlo`` — standardised sample means and the
  Kolmogorov–Smirnov distance for the central limit theorem (the CLT widget's tests and
  the benchmarks use them).

(Bayes' rule, convolution, Gaussian conditionals, transformed densities, the logistic and
softplus functions, sample moments, the MLEs, estimator simulations and Monte Carlo pi
are written on their pages; nothing else uses them.)

(The t statistics, p-values and t intervals of ``04-hypothesis-tests`` are written on
that page; nothing else uses them.)

Every public function validates its inputs and raises ``TypeError``/``ValueError`` naming
the argument and the allowed values. Randomness comes from a ``numpy.random.Generator``
passed as ``rng`` (an int seed or ``None`` are accepted too).
"""
from __future__ import annotations

import math
from typing import Callable, Dict, Optional, Sequence, Tuple, Union

import numpy as np
from numpy.polynomial.legendre import leggauss
from scipy import special

from . import runtime
from .validate import as_array, as_float, as_prob_vector, as_shape, as_size

__all__ = [
    "check_prob_vector",
    "softmax",
    "log_softmax",
    "stable_pdf",
    "stable_rvs",
    "stable_from_uniforms",
    "standardized_means",
    "ks_distance_normal",
]

ArrayLike = Union[np.ndarray, Sequence[float], float]
RngLike = Union[np.random.Generator, int, None]


# ---------------------------------------------------------------- validation
# Thin wrappers over :mod:`mlnotes.validate` (one style of message for the package).
def _real(owner: str, name: str, value: object) -> float:
    return as_float(value, name, owner)


def _in_range(owner: str, name: str, value: object, lo: float, hi: float,
              lo_open: bool = False, hi_open: bool = False) -> float:
    v = _real(owner, name, value)
    ok_lo = v > lo if lo_open else v >= lo
    ok_hi = v < hi if hi_open else v <= hi
    if not (ok_lo and ok_hi):
        interval = f"{'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'}"
        raise ValueError(f"{owner}: {name} must lie in {interval}, got {v:g}")
    return v


def _positive(owner: str, name: str, value: object) -> float:
    return as_float(value, name, owner, positive=True)


def _count(owner: str, name: str, value: object, minimum: int = 1) -> int:
    return as_size(value, name, owner, lo=minimum)


def _array(owner: str, name: str, x: object, ndim: Optional[int] = None, min_size: int = 1) -> np.ndarray:
    return as_array(x, name, owner, ndim=ndim, min_size=min_size)


def check_prob_vector(p: ArrayLike, name: str = "p", owner: str = "check_prob_vector",
                      atol: float = 1e-9) -> np.ndarray:
    """Validate a probability vector: 1-D, finite, non-negative, summing to 1 (within ``atol``).

    Returns the vector as float64. Raises ``ValueError`` naming ``name`` otherwise.
    Used by every function that takes a discrete distribution (see ``06-information-theory``).
    """
    for what, v in (("name", name), ("owner", owner)):
        if not isinstance(v, str):
            raise TypeError(f"check_prob_vector: {what} must be a string, got {v!r}")
    atol = as_float(atol, "atol", "check_prob_vector", nonneg=True)
    return as_prob_vector(p, name, owner, atol=atol)


# ----------------------------------------------- logistic, softplus, softmax
def _axis(owner: str, z: np.ndarray, axis: int) -> int:
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{owner}: axis must be an int, got {axis!r}")
    if z.ndim == 0:
        raise ValueError(f"{owner}: z must have at least one dimension")
    if not -z.ndim <= axis < z.ndim:
        raise ValueError(f"{owner}: axis must lie in [{-z.ndim}, {z.ndim - 1}], got {axis}")
    return int(axis)


def log_softmax(z: ArrayLike, axis: int = -1) -> np.ndarray:
    r""":math:`\log\mathrm{softmax}(\mathbf z)_i = z_i - \log\sum_j e^{z_j}`, with the maximum
    subtracted first. See ``02-distributions``."""
    zz = _array("log_softmax", "z", z)
    ax = _axis("log_softmax", zz, axis)
    m = zz.max(axis=ax, keepdims=True)
    return zz - m - np.log(np.exp(zz - m).sum(axis=ax, keepdims=True))


def softmax(z: ArrayLike, axis: int = -1) -> np.ndarray:
    r""":math:`\mathrm{softmax}(\mathbf z)_i = e^{z_i}/\sum_j e^{z_j}`, computed after subtracting
    :math:`\max_j z_j` (the result does not change, overflow is avoided). See ``02-distributions``."""
    zz = _array("softmax", "z", z)
    ax = _axis("softmax", zz, axis)
    e = np.exp(zz - zz.max(axis=ax, keepdims=True))
    return e / e.sum(axis=ax, keepdims=True)


# ---------------------------------------------------- stable distributions
#: Within this distance of alpha = 1 the alpha = 1 formulas are used (S0 is continuous in alpha).
_ALPHA_ONE_TOL = 1e-5
_GL_NODES, _GL_WEIGHTS = leggauss(16)
_GEO = np.geomspace(1e-12, 0.5, 14)
# Panel edges as fractions of the way from the peak of the integrand to an end point:
# geometric near the peak and near the end point, where the integrand varies fastest.
_PANELS = np.concatenate([[0.0], _GEO, 1.0 - _GEO[-2::-1], [1.0]])


def _integrate_h_exp(logh: Callable[[np.ndarray], np.ndarray], lo: float, hi: float, m: int) -> np.ndarray:
    r"""For m problems, :math:`\int_{lo}^{hi} h(\theta) e^{-h(\theta)}\,d\theta` where ``logh(theta)``
    (theta of shape (m, k)) is monotone in theta. The integrand peaks where h = 1; we find
    that point by bisection and integrate each side on panels refined towards the peak and
    the end points (Gauss–Legendre, 16 nodes per panel)."""
    with np.errstate(all="ignore"):
        t_lo = np.array([[lo + 1e-7 * (hi - lo)]])
        t_hi = np.array([[hi - 1e-7 * (hi - lo)]])
        increasing = bool(np.nan_to_num(logh(np.repeat(t_hi, m, 0)) - logh(np.repeat(t_lo, m, 0))).mean() > 0)
        a = np.full(m, lo)
        b = np.full(m, hi)
        for _ in range(60):
            mid = 0.5 * (a + b)
            v = logh(mid[:, None])[:, 0]
            right = (v < 0) if increasing else (v > 0)
            a = np.where(right, mid, a)
            b = np.where(right, b, mid)
        peak = 0.5 * (a + b)
        total = np.zeros(m)
        for end in (lo, hi):
            pts = peak[:, None] + (end - peak)[:, None] * _PANELS[None]
            left, right_ = pts[:, :-1], pts[:, 1:]
            th = 0.5 * (right_ - left)[..., None] * _GL_NODES + 0.5 * (right_ + left)[..., None]
            lh = logh(th.reshape(m, -1)).reshape(th.shape)
            g = np.exp(lh - np.exp(lh))
            g = np.where(np.isfinite(g), g, 0.0)
            total += np.abs(0.5 * (right_ - left) * (g @ _GL_WEIGHTS)).sum(axis=1)
    return total


def _stable_pdf_right(d: np.ndarray, alpha: float, beta: float) -> np.ndarray:
    """Density at zeta + d (d > 0), alpha != 1, S0 parameterisation (Nolan 1997, Thm 1)."""
    tn = math.tan(math.pi * alpha / 2)
    th0 = math.atan(beta * tn) / alpha
    k = alpha / (alpha - 1)
    logc = math.log(math.cos(alpha * th0)) / (alpha - 1)
    ld = np.log(d)

    def logh(t: np.ndarray) -> np.ndarray:
        logv = (logc + k * (np.log(np.cos(t)) - np.log(np.sin(alpha * (th0 + t))))
                + np.log(np.cos(alpha * th0 + (alpha - 1) * t)) - np.log(np.cos(t)))
        return k * ld[:, None] + logv

    integral = _integrate_h_exp(logh, -th0, math.pi / 2, d.size)
    return alpha / (math.pi * abs(alpha - 1) * d) * integral


def _stable_pdf_alpha1(x: np.ndarray, beta: float) -> np.ndarray:
    """Density for alpha = 1, beta != 0 (Nolan 1997, Thm 1; S0 and S1 coincide here)."""
    def logh(t: np.ndarray) -> np.ndarray:
        w = math.pi / 2 + beta * t
        logv = math.log(2 / math.pi) + np.log(w / np.cos(t)) + w * np.tan(t) / beta
        return (-math.pi * x / (2 * beta))[:, None] + logv

    return _integrate_h_exp(logh, -math.pi / 2, math.pi / 2, x.size) / (2 * abs(beta))


def stable_pdf(x: ArrayLike, alpha: float, beta: float = 0.0) -> np.ndarray:
    r"""Density of the standard stable law :math:`S(\alpha, \beta, 1, 0; 0)` (Nolan's S0 form).

    The characteristic function is, for :math:`\alpha \ne 1`,

    .. math:: \varphi(t) = \exp\Bigl(-|t|^\alpha\bigl[1 + i\beta\,\mathrm{sign}(t)\tan\tfrac{\pi\alpha}{2}
              (|t|^{1-\alpha} - 1)\bigr]\Bigr),

    and :math:`\exp(-|t|[1 + i\beta\frac{2}{\pi}\mathrm{sign}(t)\log|t|])` for :math:`\alpha = 1`.
    S0 is continuous in :math:`\alpha` (the S1 form that ``scipy.stats.levy_stable`` uses by
    default jumps at :math:`\alpha = 1`); a variable with this density is S1-distributed with
    location :math:`-\beta\tan(\pi\alpha/2)`. :math:`\alpha = 2` is :math:`\mathcal N(0, 2)`,
    :math:`\alpha = 1, \beta = 0` the standard Cauchy law.

    Computed from Zolotarev's integral representation (Nolan 1997): a one-dimensional
    integral of :math:`h e^{-h}` over a finite interval, integrated with Gauss–Legendre
    panels refined towards the integrand's peak. Absolute accuracy about 1e-7 for
    :math:`0.2 \le \alpha \le 2`; for :math:`|\alpha - 1| < 10^{-5}`, where that formula
    breaks down numerically, the :math:`\alpha = 1` density is returned (within about 2e-6).
    See ``02-distributions``.

    Parameters
    ----------
    x : array
        Points.
    alpha : float in (0, 2]
        Stability index (tail exponent).
    beta : float in [-1, 1]
        Skewness.
    """
    owner = "stable_pdf"
    a = _in_range(owner, "alpha", alpha, 0.0, 2.0, lo_open=True)
    b = _in_range(owner, "beta", beta, -1.0, 1.0)
    xx = _array(owner, "x", x, min_size=0)
    flat = xx.ravel()
    if a == 2.0:
        return np.exp(-xx ** 2 / 4) / math.sqrt(4 * math.pi)
    if abs(a - 1.0) < _ALPHA_ONE_TOL:
        # Zolotarev's formula for alpha != 1 loses all accuracy as alpha -> 1 (exponents
        # alpha/(alpha-1) blow up); S0 is continuous there, so the alpha = 1 law is within
        # about 1e-6 of the exact density in this band.
        if b == 0.0:
            return 1.0 / (math.pi * (1.0 + xx ** 2))
        return _stable_pdf_alpha1(flat, b).reshape(xx.shape)
    zeta = -b * math.tan(math.pi * a / 2)
    out = np.empty_like(flat)
    tol = 1e-9 * max(1.0, abs(zeta))
    right = flat > zeta + tol
    left = flat < zeta - tol
    at = ~(right | left)
    if right.any():
        out[right] = _stable_pdf_right(flat[right] - zeta, a, b)
    if left.any():  # f(x; alpha, beta) = f(-x; alpha, -beta)
        out[left] = _stable_pdf_right(zeta - flat[left], a, -b)
    if at.any():
        th0 = math.atan(b * math.tan(math.pi * a / 2)) / a
        out[at] = special.gamma(1 + 1 / a) * math.cos(th0) / (math.pi * (1 + zeta ** 2) ** (1 / (2 * a)))
    return out.reshape(xx.shape)


def stable_from_uniforms(alpha: float, beta: float, v: ArrayLike, w: ArrayLike) -> np.ndarray:
    r"""Chambers–Mallows–Stuck transform: stable S0 variables from
    :math:`V \sim \mathrm U(-\pi/2, \pi/2)` and :math:`W \sim \mathrm{Exp}(1)`.

    For :math:`\alpha \ne 1`, with :math:`B = \arctan(\beta\tan\frac{\pi\alpha}{2})/\alpha` and
    :math:`S = (1 + \beta^2\tan^2\frac{\pi\alpha}{2})^{1/(2\alpha)}`,

    .. math:: X = S\,\frac{\sin(\alpha(V + B))}{(\cos V)^{1/\alpha}}
              \Bigl(\frac{\cos(V - \alpha(V + B))}{W}\Bigr)^{(1-\alpha)/\alpha} - \beta\tan\tfrac{\pi\alpha}{2}

    (the last term moves S1 to S0); for :math:`\alpha = 1`,
    :math:`X = \frac{2}{\pi}\bigl[(\frac{\pi}{2} + \beta V)\tan V - \beta\log
    \frac{\frac{\pi}{2} W\cos V}{\frac{\pi}{2} + \beta V}\bigr]`.
    Reusing the same ``v, w`` for every :math:`(\alpha, \beta)` gives samples that move smoothly
    with the parameters (the stable widget does this). See ``02-distributions``.
    """
    owner = "stable_from_uniforms"
    a = _in_range(owner, "alpha", alpha, 0.0, 2.0, lo_open=True)
    b = _in_range(owner, "beta", beta, -1.0, 1.0)
    vv = _array(owner, "v", v, min_size=0)
    ww = _array(owner, "w", w, min_size=0)
    if vv.shape != ww.shape:
        raise ValueError(f"{owner}: v and w must have the same shape, got {vv.shape} and {ww.shape}")
    if np.any(np.abs(vv) >= math.pi / 2):
        raise ValueError(f"{owner}: v must lie in the open interval (-pi/2, pi/2)")
    if np.any(ww <= 0):
        raise ValueError(f"{owner}: w must be positive (Exp(1) draws)")
    if abs(a - 1.0) < _ALPHA_ONE_TOL:   # see stable_pdf: the law moves by O(|alpha - 1|) here
        c = math.pi / 2 + b * vv
        return (2 / math.pi) * (c * np.tan(vv) - b * np.log((math.pi / 2) * ww * np.cos(vv) / c))
    tn = math.tan(math.pi * a / 2)
    B = math.atan(b * tn) / a
    S = (1 + (b * tn) ** 2) ** (1 / (2 * a))
    x = (S * np.sin(a * (vv + B)) / np.cos(vv) ** (1 / a)
         * (np.cos(vv - a * (vv + B)) / ww) ** ((1 - a) / a))
    return x - b * tn


def stable_rvs(alpha: float, beta: float = 0.0, size: Union[int, Tuple[int, ...]] = 1,
               rng: RngLike = None) -> np.ndarray:
    r"""Draws from :math:`S(\alpha, \beta, 1, 0; 0)` by the Chambers–Mallows–Stuck method
    (:func:`stable_from_uniforms`). See ``02-distributions``."""
    g = runtime.generator(rng, "stable_rvs")
    size = as_shape(size, "size", "stable_rvs")
    v = g.uniform(-math.pi / 2, math.pi / 2, size)
    v = np.clip(v, -math.pi / 2 + 1e-15, math.pi / 2 - 1e-15)
    w = g.exponential(1.0, size)
    w = np.maximum(w, 1e-300)
    return stable_from_uniforms(alpha, beta, v, w)


# -------------------------------------------------------------- Monte Carlo
def standardized_means(draws: ArrayLike, n: int, mean: float, std: float) -> np.ndarray:
    r""":math:`Z = \sqrt n(\bar X_n - \mu)/\sigma` for each row of ``draws`` (shape (reps, >= n)),
    using its first ``n`` values. By the central limit theorem Z is close to
    :math:`\mathcal N(0, 1)` for large n when :math:`\sigma < \infty`.
    See ``03-estimation-and-monte-carlo``."""
    owner = "standardized_means"
    d = _array(owner, "draws", draws, ndim=2)
    n = _count(owner, "n", n)
    if n > d.shape[1]:
        raise ValueError(f"{owner}: n must lie in [1, {d.shape[1]}] (columns of draws), got {n}")
    mu = _real(owner, "mean", mean)
    sd = _positive(owner, "std", std)
    return math.sqrt(n) * (d[:, :n].mean(axis=1) - mu) / sd


def ks_distance_normal(z: ArrayLike, assume_sorted: bool = False) -> float:
    r"""Kolmogorov–Smirnov distance :math:`\sup_x |F_n(x) - \Phi(x)|` between the empirical CDF of
    ``z`` and the standard normal CDF (the statistic of ``scipy.stats.kstest(z, "norm")``).
    See ``03-estimation-and-monte-carlo``."""
    a = _array("ks_distance_normal", "z", z, ndim=1)
    if not isinstance(assume_sorted, (bool, np.bool_)):
        raise TypeError(f"ks_distance_normal: assume_sorted must be True or False, got {assume_sorted!r}")
    s = a if assume_sorted else np.sort(a)
    n = s.size
    cdf = special.ndtr(s)
    i = np.arange(1, n + 1)
    return float(max(np.max(i / n - cdf), np.max(cdf - (i - 1) / n)))

