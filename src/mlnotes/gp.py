"""Gaussian processes: kernels, prior and posterior sampling, conditioning.

Explained in ``notebooks/02-probability/05-gaussian-processes.ipynb``.

A kernel is a small immutable object; calling it on inputs gives the kernel
(covariance) matrix. Kernels combine with ``+`` and ``*`` (and a positive number
times a kernel scales it), so ``RBF(0.5) + Periodic(1.0, period=2.0)`` or
``RBF() * Linear()`` are kernels too. :func:`make_kernel` builds the same objects
from a short text spec such as ``"rbf+periodic"``.

All linear algebra goes through a Cholesky factor (:func:`cholesky`); nothing is
ever inverted explicitly.

Conventions
-----------
* Inputs ``x`` are arrays of shape ``(n,)`` (one input dimension) or ``(n, d)``.
* ``noise`` is the *variance* of the observation noise, added to the diagonal of the
  training kernel matrix (scikit-learn's ``GaussianProcessRegressor(alpha=noise)``).
* ``jitter`` is *relative*: the matrix factorised is ``K + jitter * s * I`` where ``s``
  is the mean of ``diag(K)`` (``s = 1`` when that mean is 0).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Tuple, Union

import numpy as np
from scipy.linalg import cho_solve, solve_triangular
from scipy.spatial.distance import cdist

from . import runtime
from .validate import as_array, as_float, as_size, as_square

__all__ = [
    "Kernel",
    "RBF",
    "Laplace",
    "Linear",
    "Periodic",
    "Polynomial",
    "Constant",
    "Sum",
    "Product",
    "KERNELS",
    "make_kernel",
    "kernel_matrix",
    "cholesky",
    "prior_cholesky",
    "sample_prior",
    "posterior",
    "sample_posterior",
    "log_marginal_likelihood",
    "random_fourier_features",
]

ArrayLike = Union[np.ndarray, list, tuple, float]

#: Default cap on the relative jitter tried by :func:`cholesky`.
MAX_JITTER = 1e-4


# ---------------------------------------------------------------- validation
# Thin wrappers over :mod:`mlnotes.validate` (one style of message for the package).
def _positive(owner: str, name: str, value: object) -> float:
    return as_float(value, name, owner, positive=True)


def _non_negative(owner: str, name: str, value: object) -> float:
    return as_float(value, name, owner, nonneg=True)


def _inputs(x: ArrayLike, name: str, owner: str, allow_empty: bool = False) -> np.ndarray:
    """Return ``x`` as a finite float64 array of shape (n, d); 1-D inputs become (n, 1)."""
    a = as_array(x, name, owner, min_size=0)
    if a.ndim == 1:
        a = a[:, None]
    elif a.ndim != 2:
        raise ValueError(f"{owner}: {name} must have shape (n,) or (n, d), got shape {a.shape}")
    if a.shape[0] == 0 and not allow_empty:
        raise ValueError(f"{owner}: {name} must hold at least one point, got shape {a.shape}")
    if a.shape[1] == 0:
        raise ValueError(f"{owner}: {name} must have at least one input dimension, got shape {a.shape}")
    return a


def _check_count(owner: str, name: str, value: object) -> int:
    return as_size(value, name, owner)


def _check_kernel(owner: str, kernel: object) -> None:
    if not isinstance(kernel, Kernel):
        raise TypeError(f"{owner}: kernel must be a mlnotes.gp.Kernel, got {type(kernel).__name__}")


def _distances(X1: np.ndarray, X2: np.ndarray, metric: str = "euclidean") -> np.ndarray:
    """Pairwise distances that neither overflow nor underflow: the inputs are divided by
    their largest magnitude first (distances are scale-equivariant)."""
    s = max(float(np.max(np.abs(X1), initial=0.0)), float(np.max(np.abs(X2), initial=0.0)))
    if not (s > 0 and np.isfinite(s)):
        s = 1.0
    return s * cdist(X1 / s, X2 / s, metric)


# ------------------------------------------------------------------- kernels
class Kernel:
    """Base class: ``k(x1, x2)`` returns the matrix ``[k(x1_i, x2_j)]``.

    Subclasses implement ``_matrix(X1, X2)`` on validated (n, d) float64 arrays,
    ``stationary`` and ``to_sklearn()``.
    """

    #: True when k(x + h, x' + h) = k(x, x') for every shift h.
    stationary: bool = True

    def __call__(self, x1: ArrayLike, x2: Optional[ArrayLike] = None) -> np.ndarray:
        name = type(self).__name__
        X1 = _inputs(x1, "x1", name, allow_empty=True)
        X2 = X1 if x2 is None else _inputs(x2, "x2", name, allow_empty=True)
        if X1.shape[1] != X2.shape[1]:
            raise ValueError(
                f"{name}: x1 and x2 must have the same input dimension, got {X1.shape[1]} and {X2.shape[1]}"
            )
        return self._matrix(X1, X2)

    def diag(self, x: ArrayLike) -> np.ndarray:
        """The prior variances ``k(x_i, x_i)``."""
        X = _inputs(x, "x", type(self).__name__, allow_empty=True)
        out = np.empty(len(X))
        for start in range(0, len(X), 256):  # blocks keep memory at O(n)
            B = X[start:start + 256]
            out[start:start + len(B)] = np.diag(self._matrix(B, B))
        return out

    def _matrix(self, X1: np.ndarray, X2: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def to_sklearn(self):  # pragma: no cover - abstract
        """The same kernel as a scikit-learn ``gaussian_process.kernels`` object (fixed hyperparameters)."""
        raise NotImplementedError

    # algebra: sums and products of kernels are kernels
    def __add__(self, other: "Kernel") -> "Kernel":
        if not isinstance(other, Kernel):
            return NotImplemented
        return Sum(self, other)

    def __mul__(self, other: Union["Kernel", float]) -> "Kernel":
        if isinstance(other, Kernel):
            return Product(self, other)
        if isinstance(other, (int, float, np.integer, np.floating)) and not isinstance(other, bool):
            return Product(Constant(float(other)), self)
        return NotImplemented

    __rmul__ = __mul__


@dataclass(frozen=True)
class RBF(Kernel):
    r"""Squared-exponential kernel :math:`k(x,x') = \sigma^2 \exp(-\|x-x'\|^2 / (2\ell^2))`.

    Parameters: ``length_scale`` :math:`\ell > 0`, ``variance`` :math:`\sigma^2 > 0`.
    """

    length_scale: float = 1.0
    variance: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "length_scale", _positive("RBF", "length_scale", self.length_scale))
        object.__setattr__(self, "variance", _positive("RBF", "variance", self.variance))

    def _matrix(self, X1, X2):
        r = _distances(X1, X2) / self.length_scale  # scaled before squaring: no overflow
        with np.errstate(over="ignore"):
            return self.variance * np.exp(-0.5 * r * r)

    def to_sklearn(self):
        from sklearn.gaussian_process import kernels as K  # noqa: PLC0415

        return K.ConstantKernel(self.variance, "fixed") * K.RBF(self.length_scale, "fixed")


@dataclass(frozen=True)
class Laplace(Kernel):
    r"""Exponential (Laplace, Matérn-1/2) kernel :math:`k(x,x') = \sigma^2 \exp(-\|x-x'\| / \ell)`."""

    length_scale: float = 1.0
    variance: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "length_scale", _positive("Laplace", "length_scale", self.length_scale))
        object.__setattr__(self, "variance", _positive("Laplace", "variance", self.variance))

    def _matrix(self, X1, X2):
        return self.variance * np.exp(-(_distances(X1, X2) / self.length_scale))

    def to_sklearn(self):
        from sklearn.gaussian_process import kernels as K  # noqa: PLC0415

        return K.ConstantKernel(self.variance, "fixed") * K.Matern(self.length_scale, "fixed", nu=0.5)


@dataclass(frozen=True)
class Periodic(Kernel):
    r"""Periodic kernel :math:`k(x,x') = \sigma^2 \exp(-2\sin^2(\pi\|x-x'\|/p) / \ell^2)`.

    Parameters: ``length_scale`` :math:`\ell`, ``period`` :math:`p`, ``variance`` :math:`\sigma^2`
    (all positive); scikit-learn's ``ExpSineSquared``.
    """

    length_scale: float = 1.0
    period: float = 1.0
    variance: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "length_scale", _positive("Periodic", "length_scale", self.length_scale))
        object.__setattr__(self, "period", _positive("Periodic", "period", self.period))
        object.__setattr__(self, "variance", _positive("Periodic", "variance", self.variance))

    def _matrix(self, X1, X2):
        r = np.sin(np.pi * (_distances(X1, X2) / self.period)) / self.length_scale
        with np.errstate(over="ignore"):
            return self.variance * np.exp(-2.0 * r * r)

    def to_sklearn(self):
        from sklearn.gaussian_process import kernels as K  # noqa: PLC0415

        return K.ConstantKernel(self.variance, "fixed") * K.ExpSineSquared(
            self.length_scale, self.period, "fixed", "fixed")


@dataclass(frozen=True)
class Linear(Kernel):
    r"""Linear (dot-product) kernel :math:`k(x,x') = \sigma_0^2 + \sigma^2\, x^\top x'` (not stationary).

    Parameters: ``variance`` :math:`\sigma^2 > 0`, ``bias`` :math:`\sigma_0^2 \ge 0`.
    """

    variance: float = 1.0
    bias: float = 0.0

    stationary = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "variance", _positive("Linear", "variance", self.variance))
        object.__setattr__(self, "bias", _non_negative("Linear", "bias", self.bias))

    def _matrix(self, X1, X2):
        return self.bias + self.variance * (X1 @ X2.T)

    def to_sklearn(self):
        from sklearn.gaussian_process import kernels as K  # noqa: PLC0415

        return K.ConstantKernel(self.variance, "fixed") * K.DotProduct(
            math.sqrt(self.bias / self.variance), "fixed")


@dataclass(frozen=True)
class Polynomial(Kernel):
    r"""Polynomial kernel :math:`k(x,x') = \sigma^2 (x^\top x' + c)^p` (not stationary).

    Parameters: ``degree`` :math:`p \ge 1` (int), ``offset`` :math:`c \ge 0`, ``variance`` :math:`\sigma^2 > 0`.
    """

    degree: int = 2
    offset: float = 1.0
    variance: float = 1.0

    stationary = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "degree", as_size(self.degree, "degree", "Polynomial", hi=100))
        object.__setattr__(self, "offset", _non_negative("Polynomial", "offset", self.offset))
        object.__setattr__(self, "variance", _positive("Polynomial", "variance", self.variance))

    def _matrix(self, X1, X2):
        return self.variance * (X1 @ X2.T + self.offset) ** self.degree

    def to_sklearn(self):
        from sklearn.gaussian_process import kernels as K  # noqa: PLC0415

        return K.ConstantKernel(self.variance, "fixed") * K.DotProduct(
            math.sqrt(self.offset), "fixed") ** self.degree


@dataclass(frozen=True)
class Constant(Kernel):
    """Constant kernel ``k(x, x') = value`` (``value > 0``); ``c * k`` is ``Constant(c) * k``."""

    value: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", _positive("Constant", "value", self.value))

    def _matrix(self, X1, X2):
        return np.full((X1.shape[0], X2.shape[0]), self.value)

    def to_sklearn(self):
        from sklearn.gaussian_process import kernels as K  # noqa: PLC0415

        return K.ConstantKernel(self.value, "fixed")


@dataclass(frozen=True)
class _Pair(Kernel):
    """Two kernels combined entrywise; stationary when both parts are."""

    k1: Kernel
    k2: Kernel

    def __post_init__(self) -> None:
        for n in ("k1", "k2"):
            if not isinstance(getattr(self, n), Kernel):
                raise TypeError(f"{type(self).__name__}: {n} must be a Kernel, "
                                f"got {type(getattr(self, n)).__name__}")

    @property
    def stationary(self) -> bool:  # type: ignore[override]
        return self.k1.stationary and self.k2.stationary


@dataclass(frozen=True)
class Sum(_Pair):
    """``k1 + k2``: the covariance of the sum of two independent processes."""

    def _matrix(self, X1, X2):
        return self.k1._matrix(X1, X2) + self.k2._matrix(X1, X2)

    def to_sklearn(self):
        return self.k1.to_sklearn() + self.k2.to_sklearn()


@dataclass(frozen=True)
class Product(_Pair):
    """``k1 * k2``: the covariance of the product of two independent processes."""

    def _matrix(self, X1, X2):
        return self.k1._matrix(X1, X2) * self.k2._matrix(X1, X2)

    def to_sklearn(self):
        return self.k1.to_sklearn() * self.k2.to_sklearn()


#: Names accepted in a :func:`make_kernel` spec.
KERNELS = ("rbf", "laplace", "linear", "periodic")


def make_kernel(spec: str, length_scale: float = 1.0, variance: float = 1.0,
                period: float = 1.0) -> Kernel:
    """Build a kernel from a text spec such as ``"rbf"``, ``"rbf+periodic"`` or ``"rbf*linear"``.

    ``*`` binds tighter than ``+``. Every term of a sum gets the variance ``variance``
    (carried by its first factor; other factors of a product have unit variance), every
    factor shares ``length_scale`` and ``period`` (the linear kernel ignores both).

    Parameters
    ----------
    spec : str
        Names from :data:`KERNELS` joined by ``+`` and ``*``.
    length_scale, variance, period : float
        Positive hyperparameters.
    """
    if not isinstance(spec, str) or not spec.strip():
        raise ValueError(f"make_kernel: spec must be a non-empty string such as 'rbf+periodic', got {spec!r}")
    _positive("make_kernel", "length_scale", length_scale)
    _positive("make_kernel", "variance", variance)
    _positive("make_kernel", "period", period)
    terms = []
    for term in spec.replace(" ", "").lower().split("+"):
        factors = term.split("*")
        ks = []
        for j, name in enumerate(factors):
            v = variance if j == 0 else 1.0
            if name == "rbf":
                ks.append(RBF(length_scale, v))
            elif name == "laplace":
                ks.append(Laplace(length_scale, v))
            elif name == "periodic":
                ks.append(Periodic(length_scale, period, v))
            elif name == "linear":
                ks.append(Linear(v))
            else:
                raise ValueError(f"make_kernel: unknown kernel {name!r} in spec {spec!r}; allowed: {list(KERNELS)}")
        k = ks[0]
        for other in ks[1:]:
            k = Product(k, other)
        terms.append(k)
    out = terms[0]
    for other in terms[1:]:
        out = Sum(out, other)
    return out


def kernel_matrix(kernel: Kernel, x1: ArrayLike, x2: Optional[ArrayLike] = None) -> np.ndarray:
    """The kernel (Gram) matrix ``K[i, j] = k(x1_i, x2_j)``; ``x2=None`` means ``x2 = x1``."""
    if not isinstance(kernel, Kernel):
        raise TypeError(f"kernel_matrix: kernel must be a mlnotes.gp.Kernel, got {type(kernel).__name__}")
    return kernel(x1, x2)


# ------------------------------------------------------------------- Cholesky
def cholesky(K: np.ndarray, jitter: float = 0.0, max_jitter: float = MAX_JITTER,
             what: str = "kernel matrix", scale: Optional[float] = None) -> Tuple[np.ndarray, float]:
    r"""Lower Cholesky factor of ``K + j s I`` with the smallest working relative jitter ``j``.

    Tries ``j = jitter`` first, then ten times more each time (starting at 1e-10 when
    ``jitter`` is 0) up to ``max_jitter``; ``s`` is ``scale`` or, by default, the mean of
    ``diag(K)`` (a posterior covariance should pass its prior's scale: its own diagonal
    can be almost zero).

    Returns
    -------
    L, j
        ``L @ L.T == K + j * s * I`` and the relative jitter ``j`` that was used.

    Raises
    ------
    ValueError
        When ``K`` is not square, not finite, not symmetric, or cannot be factorised even
        with ``max_jitter``; the message names ``what``, the largest jitter tried and the
        smallest eigenvalue of ``K``.
    """
    if not isinstance(what, str):
        raise TypeError(f"cholesky: what must be a string, got {what!r}")
    K = as_array(K, f"K (the {what})", "cholesky", ndim=2)
    if K.shape[0] != K.shape[1]:
        raise ValueError(f"cholesky: K (the {what}) must be square, got shape {K.shape}")
    jitter = _non_negative("cholesky", "jitter", jitter)
    max_jitter = _positive("cholesky", "max_jitter", max_jitter)
    if jitter > max_jitter:
        raise ValueError(f"cholesky: jitter must not exceed max_jitter={max_jitter:g}, got {jitter:g}")
    n = K.shape[0]
    if n == 0:
        return K.copy(), float(jitter)
    if scale is None:
        scale = float(np.mean(np.diag(K)))
        if not scale > 0:
            scale = 1.0
    else:
        scale = _positive("cholesky", "scale", scale)
    asym = np.max(np.abs(K - K.T))
    if asym > 1e-8 * max(1.0, np.max(np.abs(K))):
        raise ValueError(f"cholesky: the {what} must be symmetric, max |K - K^T| = {asym:.3g}")
    tries = []
    j = float(jitter)
    while True:
        tries.append(j)
        if j >= max_jitter:
            break
        j = max(j * 10.0, 1e-10) if j > 0 else 1e-10
        j = min(j, max_jitter)
    eye = np.eye(n, dtype=K.dtype)
    for j in tries:
        try:
            L = np.linalg.cholesky(K + (j * scale) * eye if j > 0 else K)
        except np.linalg.LinAlgError:
            continue
        if np.all(np.isfinite(L)):
            return L, j
    lam = float(np.linalg.eigvalsh(0.5 * (K + K.T))[0])
    raise ValueError(
        f"cholesky: could not factorise K, the {what} ({n}x{n}, {K.dtype}), even with relative jitter "
        f"{tries[-1]:.1e} (max_jitter); its smallest eigenvalue is {lam:.3g} "
        f"(mean diagonal {scale:.3g}), so it is not positive semi-definite to working precision. "
        "Use a valid kernel, add observation noise, or raise max_jitter."
    )


def prior_cholesky(x: ArrayLike, kernel: Kernel, jitter: float = 1e-10,
                   max_jitter: float = MAX_JITTER) -> Tuple[np.ndarray, float]:
    """Cholesky factor of the prior covariance ``k(x, x)`` with jitter (see :func:`cholesky`).

    Factorise once, then pass the factor as ``chol=`` to :func:`sample_prior` to draw cheaply.
    """
    if not isinstance(kernel, Kernel):
        raise TypeError(f"prior_cholesky: kernel must be a mlnotes.gp.Kernel, got {type(kernel).__name__}")
    K = kernel(_inputs(x, "x", "prior_cholesky"))
    return cholesky(K, jitter, max_jitter, what=f"prior covariance of {kernel!r}")


def sample_prior(x: ArrayLike, kernel: Kernel, n_samples: int = 1,
                 rng: Optional[Union[np.random.Generator, int]] = None, jitter: float = 1e-10,
                 chol: Optional[np.ndarray] = None) -> np.ndarray:
    r"""Draw functions from the zero-mean GP prior at the inputs ``x``.

    :math:`f = \mathbf{L} \mathbf{z}` with :math:`\mathbf{L}\mathbf{L}^\top = \mathbf{K} + j s \mathbf{I}`
    and :math:`\mathbf{z} \sim \mathcal{N}(0, \mathbf{I})` (the sampling recipe of the notebook
    ``05-gaussian-processes``).

    Parameters
    ----------
    x : array of shape (n,) or (n, d)
    kernel : Kernel
    n_samples : int
        Number of functions drawn.
    rng : numpy Generator or int seed
    jitter : float
        Relative jitter added before factorising (1e-10 suits float64); raised tenfold
        up to :data:`MAX_JITTER` if the factorisation fails, then a ValueError.
    chol : array (n, n), optional
        A precomputed factor from :func:`prior_cholesky` (skips the factorisation).

    Returns
    -------
    array of shape (n_samples, n)
    """
    if not isinstance(kernel, Kernel):
        raise TypeError(f"sample_prior: kernel must be a mlnotes.gp.Kernel, got {type(kernel).__name__}")
    X = _inputs(x, "x", "sample_prior")
    n_samples = _check_count("sample_prior", "n_samples", n_samples)
    jitter = _non_negative("sample_prior", "jitter", jitter)
    gen = runtime.generator(rng, "sample_prior")
    if chol is None:
        chol, _ = cholesky(kernel(X), jitter, what=f"prior covariance of {kernel!r}")
    else:
        chol = as_array(chol, "chol", "sample_prior", ndim=2)
        if chol.shape != (len(X), len(X)):
            raise ValueError(f"sample_prior: chol must have shape {(len(X), len(X))}, got {chol.shape}")
    z = gen.standard_normal((len(X), n_samples))
    return (chol @ z).T


def _train_test(x_train, y_train, x_test, kernel, noise, owner):
    if not isinstance(kernel, Kernel):
        raise TypeError(f"{owner}: kernel must be a mlnotes.gp.Kernel, got {type(kernel).__name__}")
    Xtr = _inputs(x_train, "x_train", owner, allow_empty=True)
    y = as_array(y_train, "y_train", owner, min_size=0)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"{owner}: y_train must have shape (n,), got shape {y.shape}")
    if y.shape[0] != Xtr.shape[0]:
        raise ValueError(
            f"{owner}: x_train and y_train must hold the same number of points, got {Xtr.shape[0]} and {y.shape[0]}"
        )
    Xte = None
    if x_test is not None or owner != "log_marginal_likelihood":
        Xte = _inputs(x_test, "x_test", owner)
        if len(Xtr) and Xte.shape[1] != Xtr.shape[1]:
            raise ValueError(
                f"{owner}: x_test must have the input dimension of x_train ({Xtr.shape[1]}), got {Xte.shape[1]}"
            )
    noise = _non_negative(owner, "noise", noise)
    return Xtr, y, Xte, noise


def posterior(x_train: ArrayLike, y_train: ArrayLike, x_test: ArrayLike, kernel: Kernel,
              noise: float = 0.0, jitter: float = 0.0) -> Tuple[np.ndarray, np.ndarray]:
    r"""Mean and covariance of the GP posterior at ``x_test`` given noisy observations.

    .. math::
        \mu_* = \mathbf{K}_{*}^\top (\mathbf{K} + \sigma_n^2 \mathbf{I})^{-1} \mathbf{y}, \qquad
        \Sigma_* = \mathbf{K}_{**} - \mathbf{K}_{*}^\top (\mathbf{K} + \sigma_n^2 \mathbf{I})^{-1} \mathbf{K}_{*}

    computed with one Cholesky factor and triangular solves (notebook ``05-gaussian-processes``).
    With no training points (``len(x_train) == 0``) this is the prior.

    Parameters
    ----------
    x_train, y_train : arrays of shapes (n,)/(n, d) and (n,)
    x_test : array of shape (m,) or (m, d)
    kernel : Kernel
    noise : float
        Noise variance :math:`\sigma_n^2 \ge 0` (scikit-learn's ``alpha``).
    jitter : float
        Relative jitter; 0 tries the exact matrix first and adds jitter only if needed.

    Returns
    -------
    mean : array (m,), cov : array (m, m)
    """
    Xtr, y, Xte, noise = _train_test(x_train, y_train, x_test, kernel, noise, "posterior")
    jitter = _non_negative("posterior", "jitter", jitter)
    Kss = kernel._matrix(Xte, Xte)
    if len(Xtr) == 0:
        return np.zeros(len(Xte)), Kss
    K = kernel._matrix(Xtr, Xtr)
    K[np.diag_indices_from(K)] += noise
    L, _ = cholesky(K, jitter, what=f"training covariance of {kernel!r} with noise {noise:g}")
    alpha = cho_solve((L, True), y)
    Ks = kernel._matrix(Xtr, Xte)
    mean = Ks.T @ alpha
    V = solve_triangular(L, Ks, lower=True)
    cov = Kss - V.T @ V
    return mean, cov


def sample_posterior(x_train: ArrayLike, y_train: ArrayLike, x_test: ArrayLike, kernel: Kernel,
                     n_samples: int = 1, rng: Optional[Union[np.random.Generator, int]] = None,
                     noise: float = 0.0, jitter: float = 1e-10) -> np.ndarray:
    r"""Draw functions from the GP posterior at ``x_test``: :math:`\mu_* + \mathbf{L}_* \mathbf{z}`.

    ``L_*`` is the Cholesky factor of the posterior covariance with relative ``jitter``
    (raised if needed, see :func:`cholesky`). Returns an array of shape ``(n_samples, m)``.
    """
    n_samples = _check_count("sample_posterior", "n_samples", n_samples)
    jitter = _non_negative("sample_posterior", "jitter", jitter)
    gen = runtime.generator(rng, "sample_posterior")
    _check_kernel("sample_posterior", kernel)
    mean, cov = posterior(x_train, y_train, x_test, kernel, noise)
    prior_scale = float(np.mean(kernel.diag(x_test)))
    L, _ = cholesky(cov, jitter, what=f"posterior covariance of {kernel!r}",
                    scale=prior_scale if prior_scale > 0 else 1.0)
    z = gen.standard_normal((len(mean), n_samples))
    return (mean[:, None] + L @ z).T


def log_marginal_likelihood(x_train: ArrayLike, y_train: ArrayLike, kernel: Kernel,
                            noise: float = 0.0) -> float:
    r"""Log evidence :math:`\log p(\mathbf{y}) = -\tfrac12 \mathbf{y}^\top \mathbf{A}^{-1}\mathbf{y}
    - \tfrac12\log\det\mathbf{A} - \tfrac n2 \log 2\pi` with :math:`\mathbf{A} = \mathbf{K} + \sigma_n^2\mathbf{I}`."""
    Xtr, y, _, noise = _train_test(x_train, y_train, None, kernel, noise, "log_marginal_likelihood")
    if len(Xtr) == 0:
        raise ValueError("log_marginal_likelihood: x_train must hold at least one point")
    K = kernel._matrix(Xtr, Xtr)
    K[np.diag_indices_from(K)] += noise
    L, _ = cholesky(K, 0.0, what=f"training covariance of {kernel!r} with noise {noise:g}")
    alpha = cho_solve((L, True), y)
    return float(-0.5 * y @ alpha - np.sum(np.log(np.diag(L))) - 0.5 * len(y) * math.log(2 * math.pi))


def random_fourier_features(x: ArrayLike, n_features: int, length_scale: float = 1.0,
                            variance: float = 1.0,
                            rng: Optional[Union[np.random.Generator, int]] = None) -> np.ndarray:
    r"""Random Fourier features ``Z`` with ``Z @ Z.T ≈ RBF(length_scale, variance)(x)``.

    :math:`z(x) = \sqrt{2\sigma^2/D}\,\cos(\boldsymbol\omega^\top x + b)` with
    :math:`\boldsymbol\omega \sim \mathcal N(0, \ell^{-2}\mathbf I)`, :math:`b \sim U[0, 2\pi]`
    (Rahimi and Recht); the error of ``Z Z^T`` shrinks like :math:`D^{-1/2}`.

    Returns an array of shape ``(n, n_features)``.
    """
    X = _inputs(x, "x", "random_fourier_features")
    D = _check_count("random_fourier_features", "n_features", n_features)
    ls = _positive("random_fourier_features", "length_scale", length_scale)
    var = _positive("random_fourier_features", "variance", variance)
    gen = runtime.generator(rng, "random_fourier_features")
    W = gen.standard_normal((X.shape[1], D)) / ls
    b = gen.uniform(0.0, 2.0 * np.pi, D)
    return np.sqrt(2.0 * var / D) * np.cos(X @ W + b)
