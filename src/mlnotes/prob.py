"""Probability and statistics helpers of Part II.

Explained in the notebooks of ``notebooks/02-probability/``:

* ``01-foundations`` — discrete Bayes' rule, the density of a sum (convolution), the
  marginal and conditional of a Gaussian, the density of a transformed variable;
* ``02-distributions`` — numerically stable logistic, softplus and softmax; stable
  distributions (density by Zolotarev's integral, sampling by Chambers–Mallows–Stuck);
  sample moments;
* ``03-estimation-and-monte-carlo`` — maximum-likelihood estimates, the bias, variance and
  mean squared error of estimators by simulation, Monte Carlo estimates of pi and their
  error, standardised sample means and the Kolmogorov–Smirnov distance for the central
  limit theorem;
* ``04-hypothesis-tests`` — t statistics (one-sample, Welch), p-values, t confidence
  intervals and their coverage.

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

__all__ = [
    "check_prob_vector",
    "bayes_posterior",
    "convolve_densities",
    "uniform_sum_pdf",
    "gaussian_marginal",
    "gaussian_conditional",
    "transformed_pdf",
    "sigmoid",
    "log_sigmoid",
    "softplus",
    "softmax",
    "log_softmax",
    "stable_pdf",
    "stable_rvs",
    "stable_from_uniforms",
    "sample_moments",
    "bernoulli_log_likelihood",
    "categorical_mle",
    "estimator_stats",
    "mc_pi",
    "mc_pi_rmse",
    "loglog_slope",
    "running_mean",
    "standardized_means",
    "ks_distance_normal",
    "one_sample_t",
    "welch_t",
    "t_pvalue",
    "t_interval",
    "t_interval_coverage",
    "binomial_tolerance",
]

ArrayLike = Union[np.ndarray, Sequence[float], float]
RngLike = Union[np.random.Generator, int, None]


# ---------------------------------------------------------------- validation
def _real(owner: str, name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{owner}: {name} must be a finite real number, got {value!r}")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{owner}: {name} must be a finite real number, got {value!r}")
    return v


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
    v = _real(owner, name, value)
    if v <= 0:
        raise ValueError(f"{owner}: {name} must be a positive number, got {v:g}")
    return v


def _count(owner: str, name: str, value: object, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{owner}: {name} must be an int >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{owner}: {name} must be an int >= {minimum}, got {value}")
    return int(value)


def _array(owner: str, name: str, x: object, ndim: Optional[int] = None, min_size: int = 1) -> np.ndarray:
    try:
        a = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{owner}: {name} must be an array of real numbers, got {type(x).__name__}") from exc
    if ndim is not None and a.ndim != ndim:
        raise ValueError(f"{owner}: {name} must be {ndim}-D, got shape {a.shape}")
    if a.size < min_size:
        raise ValueError(f"{owner}: {name} must hold at least {min_size} value(s), got {a.size}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{owner}: {name} contains NaN or infinite values")
    return a



def check_prob_vector(p: ArrayLike, name: str = "p", owner: str = "check_prob_vector",
                      atol: float = 1e-9) -> np.ndarray:
    """Validate a probability vector: 1-D, finite, non-negative, summing to 1 (within ``atol``).

    Returns the vector as float64. Raises ``ValueError`` naming ``name`` otherwise.
    Used by every function that takes a discrete distribution (see ``06-information-theory``).
    """
    a = _array(owner, name, p, ndim=1)
    if np.any(a < 0):
        raise ValueError(f"{owner}: {name} must be non-negative, got a minimum of {a.min():g}")
    s = a.sum()
    if abs(s - 1.0) > atol:
        raise ValueError(f"{owner}: {name} must sum to 1, got a sum of {s:.12g}")
    return a


# ------------------------------------------------------------- foundations
def bayes_posterior(prior: ArrayLike, likelihood: ArrayLike) -> np.ndarray:
    r"""Posterior over a finite set of hypotheses by Bayes' rule.

    .. math:: \Pr(R_i \mid O) = \frac{\Pr(O \mid R_i)\Pr(R_i)}{\sum_j \Pr(O \mid R_j)\Pr(R_j)}

    Parameters
    ----------
    prior : array (k,)
        Probability vector :math:`\Pr(R_i)`.
    likelihood : array (k,)
        :math:`\Pr(O \mid R_i)`, each in [0, 1] (they need not sum to 1).

    See ``01-foundations``.
    """
    pr = check_prob_vector(prior, "prior", "bayes_posterior")
    lk = _array("bayes_posterior", "likelihood", likelihood, ndim=1)
    if lk.shape != pr.shape:
        raise ValueError(f"bayes_posterior: likelihood must have the shape of prior {pr.shape}, got {lk.shape}")
    if np.any(lk < 0) or np.any(lk > 1):
        raise ValueError("bayes_posterior: likelihood values must lie in [0, 1]")
    joint = lk * pr
    evidence = joint.sum()
    if evidence <= 0:
        raise ValueError("bayes_posterior: the evidence sum_i likelihood_i * prior_i is 0; "
                         "the observation is impossible under every hypothesis")
    return joint / evidence


def convolve_densities(fx: ArrayLike, fy: ArrayLike, dx: float) -> np.ndarray:
    r"""Density of :math:`Z = X + Y` for *independent* X, Y, from densities sampled on grids.

    .. math:: f_Z(z) = \int f_X(x) f_Y(z - x)\,dx \approx \sum_k f_X(x_k) f_Y(z - x_k)\,\Delta x

    ``fx`` and ``fy`` are sampled with the same spacing ``dx``, on grids starting at ``a`` and
    ``b``; the result has ``len(fx) + len(fy) - 1`` values on the grid starting at ``a + b``.
    See ``01-foundations``.
    """
    f = _array("convolve_densities", "fx", fx, ndim=1)
    g = _array("convolve_densities", "fy", fy, ndim=1)
    h = _positive("convolve_densities", "dx", dx)
    if np.any(f < 0) or np.any(g < 0):
        raise ValueError("convolve_densities: densities fx and fy must be non-negative")
    return np.convolve(f, g) * h


def uniform_sum_pdf(z: ArrayLike) -> np.ndarray:
    r"""Density of :math:`U_1 + U_2` for independent :math:`U_i \sim \mathrm{U}(0, 1)`: the triangle
    :math:`1 - |z - 1|` on [0, 2], zero elsewhere. See ``01-foundations``."""
    zz = _array("uniform_sum_pdf", "z", z, min_size=0)
    return np.clip(1.0 - np.abs(zz - 1.0), 0.0, None)


def _mvn(owner: str, mean: ArrayLike, cov: ArrayLike) -> Tuple[np.ndarray, np.ndarray]:
    mu = _array(owner, "mean", mean, ndim=1)
    S = _array(owner, "cov", cov, ndim=2)
    d = mu.size
    if S.shape != (d, d):
        raise ValueError(f"{owner}: cov must have shape ({d}, {d}) to match mean, got {S.shape}")
    if not np.allclose(S, S.T, atol=1e-12 * max(1.0, np.abs(S).max())):
        raise ValueError(f"{owner}: cov must be symmetric")
    return mu, S


def _indices(owner: str, name: str, idx: object, d: int) -> np.ndarray:
    ii = np.atleast_1d(np.asarray(idx))
    if ii.size == 0 or not np.issubdtype(ii.dtype, np.integer):
        raise TypeError(f"{owner}: {name} must be a non-empty list of ints in [0, {d - 1}], got {idx!r}")
    if np.any(ii < 0) or np.any(ii >= d) or len(set(ii.tolist())) != ii.size:
        raise ValueError(f"{owner}: {name} must hold distinct ints in [0, {d - 1}], got {ii.tolist()}")
    return ii


def gaussian_marginal(mean: ArrayLike, cov: ArrayLike, keep: Sequence[int]) -> Tuple[np.ndarray, np.ndarray]:
    r"""Marginal of :math:`\mathcal N(\boldsymbol\mu, \boldsymbol\Sigma)` on the coordinates ``keep``:
    :math:`\mathcal N(\boldsymbol\mu_a, \boldsymbol\Sigma_{aa})` (drop the other rows and columns).
    See ``01-foundations``."""
    mu, S = _mvn("gaussian_marginal", mean, cov)
    a = _indices("gaussian_marginal", "keep", keep, mu.size)
    return mu[a].copy(), S[np.ix_(a, a)].copy()


def gaussian_conditional(mean: ArrayLike, cov: ArrayLike, given: Sequence[int],
                         value: ArrayLike) -> Tuple[np.ndarray, np.ndarray]:
    r"""Conditional of a Gaussian vector given some coordinates.

    With :math:`a` the free and :math:`b` the observed coordinates,

    .. math::
        \boldsymbol\mu_{a|b} = \boldsymbol\mu_a + \boldsymbol\Sigma_{ab}\boldsymbol\Sigma_{bb}^{-1}
        (\mathbf x_b - \boldsymbol\mu_b), \qquad
        \boldsymbol\Sigma_{a|b} = \boldsymbol\Sigma_{aa} - \boldsymbol\Sigma_{ab}
        \boldsymbol\Sigma_{bb}^{-1}\boldsymbol\Sigma_{ba}.

    Returns ``(mean, cov)`` of the free coordinates (in increasing index order). Needs
    :math:`\boldsymbol\Sigma_{bb}` positive definite. See ``01-foundations``.
    """
    owner = "gaussian_conditional"
    mu, S = _mvn(owner, mean, cov)
    d = mu.size
    b = _indices(owner, "given", given, d)
    if b.size == d:
        raise ValueError(f"{owner}: given must leave at least one free coordinate (d = {d})")
    xb = _array(owner, "value", value).ravel()
    if xb.size != b.size:
        raise ValueError(f"{owner}: value must hold {b.size} number(s), one per given index, got {xb.size}")
    a = np.setdiff1d(np.arange(d), b)
    Sbb = S[np.ix_(b, b)]
    try:
        L = np.linalg.cholesky(Sbb)
    except np.linalg.LinAlgError as exc:
        raise ValueError(f"{owner}: the block cov[given, given] must be positive definite") from exc
    Sab = S[np.ix_(a, b)]
    # Solve with the Cholesky factor instead of inverting.
    K = np.linalg.solve(L.T, np.linalg.solve(L, Sab.T)).T      # Sab Sbb^{-1}
    m = mu[a] + K @ (xb - mu[b])
    C = S[np.ix_(a, a)] - K @ Sab.T
    return m, 0.5 * (C + C.T)


def transformed_pdf(y: ArrayLike, pdf_x: Callable[[np.ndarray], np.ndarray],
                    inverse: Callable[[np.ndarray], np.ndarray],
                    inverse_derivative: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    r"""Density of :math:`Y = f(X)` for an invertible, differentiable :math:`f` (Jacobian adjustment).

    .. math:: p_Y(y) = p_X\bigl(f^{-1}(y)\bigr)\,\Bigl|\frac{d f^{-1}(y)}{dy}\Bigr|

    ``inverse`` is :math:`f^{-1}` and ``inverse_derivative`` its derivative, both vectorised.
    See ``01-foundations``.
    """
    for name, fn in (("pdf_x", pdf_x), ("inverse", inverse), ("inverse_derivative", inverse_derivative)):
        if not callable(fn):
            raise TypeError(f"transformed_pdf: {name} must be callable, got {type(fn).__name__}")
    yy = _array("transformed_pdf", "y", y, min_size=0)
    return np.asarray(pdf_x(inverse(yy)), float) * np.abs(np.asarray(inverse_derivative(yy), float))


# ----------------------------------------------- logistic, softplus, softmax
def sigmoid(x: ArrayLike) -> np.ndarray:
    r"""Logistic function :math:`\sigma(x) = 1/(1 + e^{-x})`, without overflow for large :math:`|x|`.

    Computed as :math:`e^{-\mathrm{softplus}(-x)}`. See ``02-distributions``."""
    xx = np.asarray(_array("sigmoid", "x", x, min_size=0))
    return np.exp(-np.logaddexp(0.0, -xx))


def log_sigmoid(x: ArrayLike) -> np.ndarray:
    r""":math:`\log\sigma(x) = -\mathrm{softplus}(-x)`, accurate for very negative :math:`x`.
    See ``02-distributions``."""
    xx = _array("log_sigmoid", "x", x, min_size=0)
    return -np.logaddexp(0.0, -xx)


def softplus(x: ArrayLike) -> np.ndarray:
    r"""Softplus :math:`\zeta(x) = \log(1 + e^{x})`, computed as ``logaddexp(0, x)`` (no overflow).
    See ``02-distributions``."""
    xx = _array("softplus", "x", x, min_size=0)
    return np.logaddexp(0.0, xx)


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
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        _count("stable_rvs", "size", size)
    v = g.uniform(-math.pi / 2, math.pi / 2, size)
    v = np.clip(v, -math.pi / 2 + 1e-15, math.pi / 2 - 1e-15)
    w = g.exponential(1.0, size)
    w = np.maximum(w, 1e-300)
    return stable_from_uniforms(alpha, beta, v, w)


def sample_moments(x: ArrayLike) -> Dict[str, float]:
    r"""Mean, variance (divisor n), skewness :math:`m_3/m_2^{3/2}` and excess kurtosis
    :math:`m_4/m_2^2 - 3` of a sample, where :math:`m_k = \frac1n\sum_i (x_i - \bar x)^k`.
    These match ``scipy.stats.describe(..., bias=True)`` and, for large samples, the
    population values of ``scipy.stats.<dist>.stats(moments="mvsk")``. See ``02-distributions``."""
    a = _array("sample_moments", "x", x, ndim=1, min_size=2)
    c = a - a.mean()
    m2 = np.mean(c ** 2)
    if m2 == 0:
        raise ValueError("sample_moments: x is constant, so skewness and kurtosis are undefined")
    return {"mean": float(a.mean()), "var": float(m2),
            "skew": float(np.mean(c ** 3) / m2 ** 1.5), "kurt": float(np.mean(c ** 4) / m2 ** 2 - 3.0)}


# -------------------------------------------------------------- estimation
def bernoulli_log_likelihood(p: ArrayLike, heads: int, n: int) -> np.ndarray:
    r"""Binomial log-likelihood :math:`\log\binom{n}{k} + k\log p + (n-k)\log(1-p)` at each ``p``
    (``-inf`` where the likelihood is 0). Maximised at :math:`\hat p = k/n`.
    See ``03-estimation-and-monte-carlo``."""
    owner = "bernoulli_log_likelihood"
    n = _count(owner, "n", n)
    k = _count(owner, "heads", heads, minimum=0)
    if k > n:
        raise ValueError(f"{owner}: heads must lie in [0, n = {n}], got {k}")
    pp = _array(owner, "p", p, min_size=0)
    if np.any((pp < 0) | (pp > 1)):
        raise ValueError(f"{owner}: p must lie in [0, 1]")
    logc = special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)
    with np.errstate(divide="ignore"):
        return logc + special.xlogy(k, pp) + special.xlog1py(n - k, -pp)


def categorical_mle(counts: ArrayLike) -> np.ndarray:
    r"""Maximum-likelihood estimate of a categorical distribution from class counts:
    :math:`\hat\pi_i = N_i / \sum_j N_j` (also when some :math:`N_i = 0`).
    See ``03-estimation-and-monte-carlo``."""
    c = _array("categorical_mle", "counts", counts, ndim=1)
    if np.any(c < 0) or np.any(c != np.round(c)):
        raise ValueError("categorical_mle: counts must be non-negative whole numbers")
    total = c.sum()
    if total == 0:
        raise ValueError("categorical_mle: counts must not all be 0 (no observation)")
    return c / total


def estimator_stats(estimator: Callable[[np.ndarray], np.ndarray],
                    sampler: Callable[[np.random.Generator, Tuple[int, int]], np.ndarray],
                    truth: float, n: int, reps: int = 10000, rng: RngLike = 0) -> Dict[str, float]:
    r"""Bias, variance and mean squared error of an estimator, by simulation.

    Draws ``reps`` data sets of size ``n`` with ``sampler(rng, (reps, n))``, applies
    ``estimator`` along axis 1 (it receives the whole ``(reps, n)`` array and must return
    ``reps`` values) and returns ``bias = mean - truth``, ``var`` and
    ``mse = mean((est - truth)^2)``; note :math:`\mathrm{MSE} = \mathrm{bias}^2 + \mathrm{var}`
    (exactly, with the variance's divisor ``reps``). See ``03-estimation-and-monte-carlo``.
    """
    owner = "estimator_stats"
    if not callable(estimator) or not callable(sampler):
        raise TypeError(f"{owner}: estimator and sampler must be callable")
    t = _real(owner, "truth", truth)
    n = _count(owner, "n", n)
    reps = _count(owner, "reps", reps, minimum=2)
    g = runtime.generator(rng, owner)
    data = np.asarray(sampler(g, (reps, n)), float)
    if data.shape != (reps, n):
        raise ValueError(f"{owner}: sampler must return an array of shape ({reps}, {n}), got {data.shape}")
    est = np.asarray(estimator(data), float)
    if est.shape != (reps,):
        raise ValueError(f"{owner}: estimator must return {reps} values (one per data set), got shape {est.shape}")
    return {"mean": float(est.mean()), "bias": float(est.mean() - t), "var": float(est.var()),
            "mse": float(np.mean((est - t) ** 2))}


# -------------------------------------------------------------- Monte Carlo
def mc_pi(n: int, rng: RngLike = None, return_points: bool = False):
    r"""Monte Carlo estimate of :math:`\pi`: the fraction of ``n`` uniform points of the unit
    square that fall in the quarter disc :math:`x^2 + y^2 \le 1`, times 4.

    Its standard deviation is :math:`4\sqrt{p(1-p)/n}` with :math:`p = \pi/4`, i.e. about
    :math:`1.64/\sqrt n`. With ``return_points`` also returns the points and the inside mask.
    See ``03-estimation-and-monte-carlo``.
    """
    n = _count("mc_pi", "n", n)
    g = runtime.generator(rng, "mc_pi")
    pts = g.random((n, 2))
    inside = (pts ** 2).sum(axis=1) <= 1.0
    est = 4.0 * inside.mean()
    if return_points:
        return est, pts, inside
    return est


def mc_pi_rmse(ns: Sequence[int], reps: int = 200, rng: RngLike = 0) -> np.ndarray:
    r"""Root-mean-square error of :func:`mc_pi` for each sample size in ``ns``, over ``reps``
    repetitions. Uses that the inside count is Binomial(n, pi/4), which is exactly what
    :func:`mc_pi` draws, so large ``n`` cost nothing. See ``03-estimation-and-monte-carlo``."""
    owner = "mc_pi_rmse"
    arr = np.asarray(ns)
    if arr.ndim != 1 or arr.size == 0 or not np.issubdtype(arr.dtype, np.integer) or np.any(arr < 1):
        raise ValueError(f"{owner}: ns must be a non-empty 1-D list of positive ints, got {ns!r}")
    reps = _count(owner, "reps", reps, minimum=2)
    g = runtime.generator(rng, owner)
    counts = g.binomial(arr[:, None], math.pi / 4, size=(arr.size, reps))
    est = 4.0 * counts / arr[:, None]
    return np.sqrt(np.mean((est - math.pi) ** 2, axis=1))


def loglog_slope(x: ArrayLike, y: ArrayLike) -> float:
    r"""Least-squares slope of :math:`\log y` against :math:`\log x` (the exponent of a power law
    :math:`y \propto x^s`). See ``03-estimation-and-monte-carlo``."""
    xx = _array("loglog_slope", "x", x, ndim=1, min_size=2)
    yy = _array("loglog_slope", "y", y, ndim=1, min_size=2)
    if xx.shape != yy.shape:
        raise ValueError(f"loglog_slope: x and y must have the same length, got {xx.size} and {yy.size}")
    if np.any(xx <= 0) or np.any(yy <= 0):
        raise ValueError("loglog_slope: x and y must be positive")
    if np.ptp(xx) == 0:
        raise ValueError("loglog_slope: x must not be constant")
    return float(np.polyfit(np.log(xx), np.log(yy), 1)[0])


def running_mean(x: ArrayLike) -> np.ndarray:
    r""":math:`\bar X_n = \frac1n\sum_{i \le n} X_i` for n = 1, ..., len(x) (law of large numbers).
    See ``03-estimation-and-monte-carlo``."""
    a = _array("running_mean", "x", x, ndim=1)
    return np.cumsum(a) / np.arange(1, a.size + 1)


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
    s = a if assume_sorted else np.sort(a)
    n = s.size
    cdf = special.ndtr(s)
    i = np.arange(1, n + 1)
    return float(max(np.max(i / n - cdf), np.max(cdf - (i - 1) / n)))


# ------------------------------------------------------------------ t tests
def one_sample_t(x: ArrayLike, mu0: float = 0.0) -> Tuple[float, int]:
    r"""One-sample t statistic :math:`t = (\bar x - \mu_0)/(s/\sqrt n)` with the sample standard
    deviation :math:`s` (divisor n - 1); returns ``(t, df = n - 1)``. See ``04-hypothesis-tests``."""
    a = _array("one_sample_t", "x", x, ndim=1, min_size=2)
    m0 = _real("one_sample_t", "mu0", mu0)
    s = a.std(ddof=1)
    if s == 0:
        raise ValueError("one_sample_t: x is constant, so the t statistic is undefined")
    return float((a.mean() - m0) / (s / math.sqrt(a.size))), a.size - 1


def welch_t(mean1: float, sd1: float, n1: int, mean2: float, sd2: float, n2: int) -> Tuple[float, float]:
    r"""Two-sample t statistic from summary numbers, unpooled (Welch):

    .. math:: t = \frac{\bar x_1 - \bar x_2}{\sqrt{s_1^2/n_1 + s_2^2/n_2}},\qquad
              \nu = \frac{(s_1^2/n_1 + s_2^2/n_2)^2}{\frac{(s_1^2/n_1)^2}{n_1 - 1} + \frac{(s_2^2/n_2)^2}{n_2 - 1}}

    Returns ``(t, nu)`` (Welch–Satterthwaite degrees of freedom). Matches
    ``scipy.stats.ttest_ind_from_stats(..., equal_var=False)``. See ``04-hypothesis-tests``.
    """
    owner = "welch_t"
    m1, m2 = _real(owner, "mean1", mean1), _real(owner, "mean2", mean2)
    s1, s2 = _positive(owner, "sd1", sd1), _positive(owner, "sd2", sd2)
    n1, n2 = _count(owner, "n1", n1, 2), _count(owner, "n2", n2, 2)
    v1, v2 = s1 ** 2 / n1, s2 ** 2 / n2
    t = (m1 - m2) / math.sqrt(v1 + v2)
    nu = (v1 + v2) ** 2 / (v1 ** 2 / (n1 - 1) + v2 ** 2 / (n2 - 1))
    return t, nu


def t_pvalue(t: float, df: float, alternative: str = "two-sided") -> float:
    r"""p-value of a t statistic with ``df`` degrees of freedom under :math:`H_0`:
    ``"two-sided"`` :math:`2\Pr(T \ge |t|)`, ``"less"`` :math:`\Pr(T \le t)`, ``"greater"``
    :math:`\Pr(T \ge t)`. See ``04-hypothesis-tests``."""
    from scipy import stats  # noqa: PLC0415

    owner = "t_pvalue"
    tt = _real(owner, "t", t)
    nu = _positive(owner, "df", df)
    if alternative == "two-sided":
        return float(2 * stats.t.sf(abs(tt), nu))
    if alternative == "less":
        return float(stats.t.cdf(tt, nu))
    if alternative == "greater":
        return float(stats.t.sf(tt, nu))
    raise ValueError(f"{owner}: alternative must be one of ['two-sided', 'less', 'greater'], got {alternative!r}")


def t_interval(x: ArrayLike, level: float = 0.95) -> Tuple[float, float]:
    r"""Student-t confidence interval for the mean of a normal sample:
    :math:`\bar x \pm c\,s/\sqrt n` with :math:`c` the :math:`(1+\text{level})/2` quantile of
    :math:`t_{n-1}`. Works along the last axis: ``x`` of shape (..., n) gives arrays of lower
    and upper ends. See ``04-hypothesis-tests``."""
    from scipy import stats  # noqa: PLC0415

    a = _array("t_interval", "x", x, min_size=2)
    lev = _in_range("t_interval", "level", level, 0.0, 1.0, lo_open=True, hi_open=True)
    n = a.shape[-1]
    if n < 2:
        raise ValueError(f"t_interval: x needs at least 2 values along its last axis, got {n}")
    c = stats.t.ppf((1 + lev) / 2, n - 1)
    m = a.mean(axis=-1)
    half = c * a.std(axis=-1, ddof=1) / math.sqrt(n)
    return m - half, m + half


def t_interval_coverage(mu: float, sigma: float, n: int, level: float = 0.95, reps: int = 20000,
                        rng: RngLike = 0) -> float:
    r"""Fraction of ``reps`` simulated normal samples (size ``n``, mean ``mu``, sd ``sigma``) whose
    :func:`t_interval` contains ``mu``. It is Binomial(reps, level)/reps when the interval is
    exact. See ``04-hypothesis-tests``."""
    owner = "t_interval_coverage"
    m = _real(owner, "mu", mu)
    s = _positive(owner, "sigma", sigma)
    n = _count(owner, "n", n, 2)
    reps = _count(owner, "reps", reps)
    g = runtime.generator(rng, owner)
    x = g.normal(m, s, size=(reps, n))
    lo, hi = t_interval(x, level)
    return float(np.mean((lo <= m) & (m <= hi)))


def binomial_tolerance(p: float, reps: int, z: float = 4.0) -> float:
    r"""Half-width :math:`z\sqrt{p(1-p)/\mathrm{reps}}` within which a simulated frequency of an
    event of probability ``p`` falls with overwhelming probability (z = 4: about 6e-5 to fail).
    Used to assert simulated coverages and rates. See ``04-hypothesis-tests``."""
    pp = _in_range("binomial_tolerance", "p", p, 0.0, 1.0)
    r = _count("binomial_tolerance", "reps", reps)
    zz = _positive("binomial_tolerance", "z", z)
    return zz * math.sqrt(pp * (1 - pp) / r)
