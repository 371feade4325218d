"""Denoising diffusion models (DDPM): schedules, the forward and reverse processes, a small
time-conditioned denoiser, its training loop and the measures used to judge it.

Explained in ``notebooks/05-generative/05-diffusion.ipynb``. Conventions: time runs over
``t = 0, 1, ..., T``; ``x_0`` is data and ``x_T`` is (almost) pure noise. Every per-step array
of a :class:`Schedule` has length ``T + 1`` and is indexed by ``t`` itself; index 0 holds the
noise-free values (``beta_0 = 0``, ``alpha_bar_0 = 1``).

The functions accept NumPy arrays and torch tensors alike (coefficients follow the dtype and
device of the data), so the same formulas serve the notebook's checks and the training loop.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Optional, Sequence, Tuple, Union

import numpy as np

try:
    import torch
    from torch import nn
except ImportError as exc:  # pragma: no cover - torch is installed in the book's environment
    raise ImportError("mlnotes.diffusion needs torch: pip install torch") from exc

from . import data as _data
from . import runtime
from .validate import MAX_SIZE, as_array, as_bool, as_choice, as_device, as_float, as_prob_vector, as_seed, as_size

__all__ = [
    "SCHEDULES",
    "PARAMETERISATIONS",
    "Schedule",
    "make_schedule",
    "gaussian_kl",
    "sinusoidal_embedding",
    "Denoiser",
    "train",
    "sample",
    "sliced_wasserstein",
    "mixture_log_density",
    "mixture_score",
    "mixture_posterior_mean",
    "langevin",
    "annealed_langevin",
    "error_by_density",
    "CONFIGS",
    "config",
    "FitResult",
    "fit",
]

#: Names accepted by :func:`make_schedule`.
SCHEDULES = ("linear", "cosine")
#: What a denoiser may predict: the clean sample, the noise, or the score.
PARAMETERISATIONS = ("x0", "eps", "score")

Array = Union[np.ndarray, "torch.Tensor"]


# --------------------------------------------------------------------------- validation
def _is_int(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


# Thin wrappers over :mod:`mlnotes.validate`; ``name`` reads "function: argument".
def _split(name: str) -> Tuple[str, str]:
    func, _, arg = name.rpartition(": ")
    return arg, func or "diffusion"


def _positive_int(name: str, v: Any, lo: int = 1, hi: int = MAX_SIZE) -> int:
    arg, func = _split(name)
    return as_size(v, arg, func, lo=lo, hi=hi)


def _positive_float(name: str, v: Any) -> float:
    arg, func = _split(name)
    return as_float(v, arg, func, positive=True)


def _as_array(name: str, x: Any) -> Array:
    """A finite real batch (at least 1-D, not empty): a torch tensor, or a float64 NumPy array."""
    arg, func = _split(name)
    if isinstance(x, torch.Tensor):
        if torch.is_complex(x):
            raise TypeError(f"{func}: {arg} must be real, got a complex tensor")
        if not torch.is_floating_point(x):
            x = x.float()
        if x.ndim == 0 or x.numel() == 0:
            raise ValueError(f"{func}: {arg} must be a non-empty batch of samples, got shape {tuple(x.shape)}")
        if not bool(torch.isfinite(x).all()):
            raise ValueError(f"{func}: {arg} must contain only finite numbers (no NaN or inf)")
        return x
    arr = as_array(x, arg, func)
    if arr.ndim == 0:
        raise ValueError(f"{func}: {arg} must have at least one dimension (a batch of samples), got a scalar")
    return arr


def _check_same_shape(name_a: str, a: Array, name_b: str, b: Array) -> None:
    if tuple(a.shape) != tuple(b.shape):
        raise ValueError(f"{name_b} must have the shape of {name_a} {tuple(a.shape)}, got {tuple(b.shape)}")


def _check_t(t: Any, x: Array, lo: int, hi: int, where: str) -> Union[int, np.ndarray, "torch.Tensor"]:
    """Validate a timestep (an int, or one int per sample of the batch ``x``)."""
    if _is_int(t):
        if not lo <= int(t) <= hi:
            raise ValueError(f"{where}: t must be an integer in [{lo}, {hi}], got {t}")
        return int(t)
    if isinstance(t, torch.Tensor):
        if t.dtype in (torch.bool,) or torch.is_floating_point(t) or torch.is_complex(t):
            raise TypeError(f"{where}: t must hold integers, got a tensor of dtype {t.dtype}")
        vals = t
    else:
        vals = np.asarray(t)
        if vals.dtype == bool or not np.issubdtype(vals.dtype, np.integer):
            raise TypeError(f"{where}: t must be an integer or an integer array, got {t!r}")
    if vals.ndim == 0:
        return _check_t(int(vals), x, lo, hi, where)
    if vals.ndim != 1 or vals.shape[0] != x.shape[0]:
        raise ValueError(
            f"{where}: t must be an integer or hold one timestep per sample, shape ({x.shape[0]},); "
            f"got shape {tuple(vals.shape)}"
        )
    tmin, tmax = int(vals.min()), int(vals.max())
    if tmin < lo or tmax > hi:
        bad = tmin if tmin < lo else tmax
        raise ValueError(f"{where}: t must lie in [{lo}, {hi}], got a value {bad}")
    return vals


# ------------------------------------------------------------------------------ schedule
class Schedule:
    """A variance schedule ``beta_1 <= ... <= beta_T`` in (0, 1) and the quantities derived from it.

    Attributes (NumPy float64 arrays of length ``T + 1``, indexed by ``t``)
    ---------------------------------------------------------------------
    betas : ``beta_t`` (``beta_0 = 0``)
    alphas : ``alpha_t = 1 - beta_t``
    alpha_bars : ``alpha_bar_t = prod_{s <= t} alpha_s`` (``alpha_bar_0 = 1``)
    sigmas : ``sqrt(1 - alpha_bar_t)``, the noise level of ``x_t`` given ``x_0``
    snr : ``alpha_bar_t / (1 - alpha_bar_t)`` (infinite at ``t = 0``)
    posterior_variance : ``beta_t (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t)`` (0 at ``t = 0``)

    Parameters
    ----------
    betas : array of shape (T,)
        ``beta_1, ..., beta_T``: non-decreasing, every value strictly between 0 and 1.
    name : str
        A label ("linear", "cosine", or anything).

    See ``notebooks/05-generative/05-diffusion.ipynb``.
    """

    def __init__(self, betas: Sequence[float], name: str = "custom") -> None:
        b = as_array(betas, "betas", "Schedule", ndim=1)
        if b.size > MAX_SIZE:
            raise ValueError(f"Schedule: betas may hold at most {MAX_SIZE} steps, got {b.size}")
        if not isinstance(name, str):
            raise TypeError(f"Schedule: name must be a string, got {name!r}")
        if b.min() <= 0 or b.max() >= 1:
            raise ValueError(
                f"Schedule: every beta must lie strictly between 0 and 1, got values in [{b.min():.3g}, {b.max():.3g}]"
            )
        if np.any(np.diff(b) < 0):
            i = int(np.argmax(np.diff(b) < 0)) + 1
            raise ValueError(
                f"Schedule: betas must be non-decreasing (more noise at later steps); "
                f"beta_{i + 1} = {b[i]:.3g} < beta_{i} = {b[i - 1]:.3g}"
            )
        self.name = str(name)
        self.T = int(b.size)
        self.betas = np.concatenate([[0.0], b])
        self.alphas = 1.0 - self.betas
        # 1 - alpha_bar from the log-domain product: exact even for betas so small that
        # 1 - beta rounds to 1 (e.g. 1e-20), where 1 - cumprod(alphas) would be 0 and 0/0 follows
        log_ab = np.cumsum(np.log1p(-self.betas))
        self.alpha_bars = np.exp(log_ab)
        one_minus = -np.expm1(log_ab)  # 1 - alpha_bar_t, > 0 for t >= 1
        self.sigmas = np.sqrt(one_minus)
        with np.errstate(divide="ignore"):
            self.snr = self.alpha_bars / one_minus
        ab_prev = np.concatenate([[1.0], self.alpha_bars[:-1]])
        om_prev = np.concatenate([[0.0], one_minus[:-1]])
        self.posterior_variance = np.zeros(self.T + 1)
        self.posterior_variance[1:] = self.betas[1:] * (om_prev[1:] / one_minus[1:])
        # coefficients of x_0 and x_t in the posterior mean, index t >= 1
        self._c0 = np.zeros(self.T + 1)
        self._ct = np.zeros(self.T + 1)
        self._c0[1:] = np.sqrt(ab_prev[1:]) * (self.betas[1:] / one_minus[1:])
        self._ct[1:] = np.sqrt(self.alphas[1:]) * (om_prev[1:] / one_minus[1:])
        self._sqrt_ab = np.sqrt(self.alpha_bars)
        self._sqrt_alphas = np.sqrt(self.alphas)
        self._sqrt_betas = np.sqrt(self.betas)
        self._torch_cache: Dict[Tuple[str, Any, Any], "torch.Tensor"] = {}

    def __repr__(self) -> str:
        return f"Schedule({self.name!r}, T={self.T}, alpha_bar_T={self.alpha_bars[-1]:.3g})"

    # ---------------------------------------------------------------- constructors
    @classmethod
    def linear(cls, T: int = 1000, beta_start: float = 1e-4, beta_end: float = 0.02) -> "Schedule":
        """Ho et al. (2020): ``beta_t`` evenly spaced from ``beta_start`` to ``beta_end``."""
        T = _positive_int("linear schedule: T", T)
        beta_start = _positive_float("linear schedule: beta_start", beta_start)
        beta_end = _positive_float("linear schedule: beta_end", beta_end)
        if not beta_start <= beta_end < 1:
            raise ValueError(
                f"linear schedule: need 0 < beta_start <= beta_end < 1, got beta_start={beta_start}, beta_end={beta_end}"
            )
        return cls(np.linspace(beta_start, beta_end, T), name="linear")

    @classmethod
    def cosine(cls, T: int = 1000, s: float = 0.008, max_beta: float = 0.999) -> "Schedule":
        """Nichol & Dhariwal (2021): ``alpha_bar(t) = f(t)/f(0)``, ``f(t) = cos^2(pi/2 (t/T + s)/(1 + s))``.

        ``beta_t = min(1 - alpha_bar(t)/alpha_bar(t-1), max_beta)``; the stored ``alpha_bars``
        are the products of the clipped betas (they differ from ``f(t)/f(0)`` only at the end).
        """
        T = _positive_int("cosine schedule: T", T)
        s = _positive_float("cosine schedule: s", s)
        max_beta = _positive_float("cosine schedule: max_beta", max_beta)
        if max_beta >= 1:
            raise ValueError(f"cosine schedule: max_beta must lie in (0, 1), got {max_beta}")
        f = np.cos((np.arange(T + 1) / T + s) / (1 + s) * np.pi / 2) ** 2
        betas = np.minimum(1.0 - f[1:] / f[:-1], max_beta)
        return cls(betas, name="cosine")

    # ---------------------------------------------------------------- helpers
    def _lookup(self, name: str, t: Any, like: Array) -> Any:
        """``self.<name>[t]`` shaped to broadcast against ``like`` (a batch), as NumPy or torch."""
        arr = getattr(self, name)
        if isinstance(like, torch.Tensor):
            key = (name, like.dtype, like.device)
            tab = self._torch_cache.get(key)
            if tab is None:
                tab = torch.as_tensor(arr, dtype=like.dtype, device=like.device)
                self._torch_cache[key] = tab
            if isinstance(t, int):
                return tab[t]
            idx = torch.as_tensor(t, device=like.device).long()
            return tab[idx].reshape((-1,) + (1,) * (like.ndim - 1))
        if isinstance(t, int):
            return arr[t]
        return arr[np.asarray(t)].reshape((-1,) + (1,) * (like.ndim - 1))

    # ---------------------------------------------------------------- forward process
    def q_sample(self, x0: Array, t: Any, noise: Array) -> Array:
        """Sample ``x_t ~ q(x_t | x_0)`` in closed form: ``x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps``.

        Parameters
        ----------
        x0 : array (n, ...)
            Clean samples.
        t : int or integer array (n,)
            Timestep(s) in ``[0, T]``.
        noise : array like ``x0``
            Standard normal noise ``eps``.
        """
        x0 = _as_array("q_sample: x0", x0)
        noise = _as_array("q_sample: noise", noise)
        _check_same_shape("x0", x0, "q_sample: noise", noise)
        t = _check_t(t, x0, 0, self.T, "q_sample")
        return self._lookup("_sqrt_ab", t, x0) * x0 + self._lookup("sigmas", t, x0) * noise

    def q_step(self, x_prev: Array, t: Any, noise: Array) -> Array:
        """One step of the forward chain: ``x_t = sqrt(alpha_t) x_{t-1} + sqrt(beta_t) eps``, t in [1, T]."""
        x_prev = _as_array("q_step: x_prev", x_prev)
        noise = _as_array("q_step: noise", noise)
        _check_same_shape("x_prev", x_prev, "q_step: noise", noise)
        t = _check_t(t, x_prev, 1, self.T, "q_step")
        return self._lookup("_sqrt_alphas", t, x_prev) * x_prev + self._lookup("_sqrt_betas", t, x_prev) * noise

    def posterior(self, x0: Array, x_t: Array, t: Any) -> Tuple[Array, Any]:
        """Mean and variance of the true denoising posterior ``q(x_{t-1} | x_t, x_0)``, t in [1, T].

        ``mean = sqrt(abar_{t-1}) beta_t / (1 - abar_t) x_0 + sqrt(alpha_t) (1 - abar_{t-1}) / (1 - abar_t) x_t``,
        ``var = beta_t (1 - abar_{t-1}) / (1 - abar_t)`` (the same for every coordinate).
        """
        x0 = _as_array("posterior: x0", x0)
        x_t = _as_array("posterior: x_t", x_t)
        _check_same_shape("x0", x0, "posterior: x_t", x_t)
        t = _check_t(t, x0, 1, self.T, "posterior")
        mean = self._lookup("_c0", t, x0) * x0 + self._lookup("_ct", t, x0) * x_t
        return mean, self._lookup("posterior_variance", t, x0)

    def convert(self, value: Array, x_t: Array, t: Any, source: str, target: str) -> Array:
        """Convert a prediction between the three parameterisations, given ``x_t`` and ``t`` in [1, T].

        ``x_t = sqrt(abar_t) x_0 + sigma_t eps`` and ``score = grad log q(x_t | x_0) = -eps / sigma_t``
        (``sigma_t = sqrt(1 - abar_t)``); applied to a network's prediction, the score is the
        network's estimate of ``grad log p_t(x_t)`` (Tweedie).

        Parameters
        ----------
        source, target : {"x0", "eps", "score"}
        """
        for nm, v in (("source", source), ("target", target)):
            as_choice(v, nm, "convert", PARAMETERISATIONS)
        value = _as_array("convert: value", value)
        x_t = _as_array("convert: x_t", x_t)
        _check_same_shape("x_t", x_t, "convert: value", value)
        t = _check_t(t, x_t, 1, self.T, "convert")
        sab = self._lookup("_sqrt_ab", t, x_t)
        sig = self._lookup("sigmas", t, x_t)
        if source == "x0":
            eps = (x_t - sab * value) / sig
        elif source == "eps":
            eps = value
        else:
            eps = -sig * value
        if target == "eps":
            return eps
        if target == "score":
            return -eps / sig
        return (x_t - sig * eps) / sab

    # ---------------------------------------------------------------- reverse process
    def reverse_mean(self, x_t: Array, t: Any, eps: Array, clip: Optional[float] = None) -> Array:
        """Mean of ``p(x_{t-1} | x_t)`` when the noise is predicted as ``eps`` (t in [1, T]).

        The predicted clean sample ``x0_hat = (x_t - sigma_t eps)/sqrt(abar_t)`` (optionally clipped
        to ``[-clip, clip]``) is put into the posterior mean; without clipping this equals
        ``(x_t - beta_t / sigma_t eps) / sqrt(alpha_t)``.
        """
        x_t = _as_array("reverse_mean: x_t", x_t)
        eps = _as_array("reverse_mean: eps", eps)
        _check_same_shape("x_t", x_t, "reverse_mean: eps", eps)
        t = _check_t(t, x_t, 1, self.T, "reverse_mean")
        if clip is not None:
            clip = _positive_float("reverse_mean: clip", clip)
        return self._reverse_mean(x_t, t, eps, clip)

    def _reverse_mean(self, x_t, t, eps, clip):
        x0 = (x_t - self._lookup("sigmas", t, x_t) * eps) / self._lookup("_sqrt_ab", t, x_t)
        if clip is not None:
            x0 = x0.clamp(-clip, clip) if isinstance(x0, torch.Tensor) else np.clip(x0, -clip, clip)
        return self._lookup("_c0", t, x_t) * x0 + self._lookup("_ct", t, x_t) * x_t

    def reverse_variance(self, t: int, kind: str = "small") -> float:
        """Variance of ``p(x_{t-1} | x_t)``: ``"small"`` = posterior variance, ``"large"`` = ``beta_t``."""
        as_choice(kind, "kind", "reverse_variance", ("small", "large"))
        if not _is_int(t) or not 1 <= int(t) <= self.T:
            raise ValueError(f"reverse_variance: t must be an integer in [1, {self.T}], got {t!r}")
        return float(self.posterior_variance[t] if kind == "small" else self.betas[t])

    def reverse_step(self, x_t: Array, t: int, eps: Array, noise: Optional[Array] = None,
                     variance: str = "small", clip: Optional[float] = None) -> Array:
        """One ancestral step ``x_{t-1} = mean + sqrt(var) z`` (``z = noise``, or 0 when ``noise`` is None)."""
        as_choice(variance, "variance", "reverse_step", ("small", "large"))
        mean = self.reverse_mean(x_t, t, eps, clip)
        var = self.reverse_variance(t, variance)
        if noise is None:
            return mean
        noise = _as_array("reverse_step: noise", noise)
        _check_same_shape("x_t", mean, "reverse_step: noise", noise)
        return mean + math.sqrt(var) * noise

    def prior_kl(self, x0: Array) -> np.ndarray:
        """The prior-matching term ``KL(q(x_T | x_0) || N(0, I))`` for each sample (summed over coordinates)."""
        if isinstance(x0, torch.Tensor):
            x0 = x0.detach().cpu().numpy()
        x0 = _as_array("prior_kl: x0", x0)
        x0 = x0.reshape(len(x0), -1)
        if x0.shape[1] == 0:
            raise ValueError(f"prior_kl: x0 must hold at least one coordinate per sample, got shape {x0.shape}")
        ab = self.alpha_bars[-1]
        return gaussian_kl(np.sqrt(ab) * x0, np.full_like(x0, 1 - ab), np.zeros_like(x0), np.ones_like(x0))


def make_schedule(name: str = "linear", T: int = 1000) -> Schedule:
    """The linear schedule of Ho et al. (2020) or the cosine schedule of Nichol & Dhariwal (2021)."""
    as_choice(name, "name", "make_schedule", SCHEDULES)
    return Schedule.linear(T) if name == "linear" else Schedule.cosine(T)


def gaussian_kl(mu1: Any, var1: Any, mu2: Any, var2: Any) -> np.ndarray:
    """``KL(N(mu1, diag var1) || N(mu2, diag var2))``, summed over the last axis.

    ``KL = 1/2 sum[ log(var2/var1) - 1 + var1/var2 + (mu1 - mu2)^2 / var2 ]``.
    """
    named = {nm: as_array(a, nm, "gaussian_kl") for nm, a in
             (("mu1", mu1), ("var1", var1), ("mu2", mu2), ("var2", var2))}
    try:
        m1, v1, m2, v2 = np.broadcast_arrays(*named.values())
    except ValueError:
        raise ValueError("gaussian_kl: mu1, var1, mu2 and var2 must have broadcastable shapes, got "
                         + ", ".join(f"{k} {v.shape}" for k, v in named.items())) from None
    for nm in ("var1", "var2"):
        if np.any(named[nm] <= 0):
            raise ValueError(f"gaussian_kl: {nm} must be positive (a variance)")
    if np.any(v1 <= 0) or np.any(v2 <= 0):
        raise ValueError("gaussian_kl: var1 and var2 must be positive")
    kl = 0.5 * (np.log(v2 / v1) - 1.0 + v1 / v2 + (m1 - m2) ** 2 / v2)
    return kl.sum(axis=-1) if kl.ndim else kl


# ------------------------------------------------------------------------------ denoiser
def sinusoidal_embedding(t: "torch.Tensor", dim: int, max_period: float = 10000.0) -> "torch.Tensor":
    """Sinusoidal embedding of timesteps: ``[sin(t w_k), cos(t w_k)]``, ``w_k = max_period^(-k/(dim/2))``.

    Returns a tensor of shape ``(n, dim)`` for ``t`` of shape ``(n,)``.
    """
    dim = as_size(dim, "dim", "sinusoidal_embedding", lo=2, hi=100_000)
    if dim % 2:
        raise ValueError(f"sinusoidal_embedding: dim must be an even integer >= 2, got {dim!r}")
    max_period = as_float(max_period, "max_period", "sinusoidal_embedding", positive=True)
    if isinstance(t, torch.Tensor):
        if torch.is_complex(t) or t.dtype == torch.bool:
            raise TypeError(f"sinusoidal_embedding: t must hold real timesteps, got dtype {t.dtype}")
    else:
        t = torch.as_tensor(as_array(t, "t", "sinusoidal_embedding", ndim=1))
    if t.numel() == 0 or not bool(torch.isfinite(t.float()).all()):
        raise ValueError("sinusoidal_embedding: t must be a non-empty tensor of finite timesteps")
    if t.ndim != 1:
        raise ValueError(f"sinusoidal_embedding: t must be 1-D (one timestep per sample), got shape {tuple(t.shape)}")
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, device=t.device, dtype=torch.float32) / half)
    ang = t.float()[:, None] * freqs[None]
    return torch.cat([torch.sin(ang), torch.cos(ang)], dim=1)


class Denoiser(nn.Module):
    """A small time-conditioned MLP ``eps_theta(x_t, t)`` that predicts the noise.

    The input is ``[x_t, emb(t)]`` with the sinusoidal embedding of :func:`sinusoidal_embedding`;
    ``depth`` hidden layers of width ``hidden`` with SiLU activations.

    Parameters
    ----------
    dim : int
        Dimension of the data (2 for the toy sets, 64 for 8x8 digits).
    hidden, depth, emb_dim : int
        Width, number of hidden layers, size of the time embedding (even).
    """

    def __init__(self, dim: int, hidden: int = 128, depth: int = 3, emb_dim: int = 32) -> None:
        super().__init__()
        dim = _positive_int("Denoiser: dim", dim, hi=100_000)
        hidden = _positive_int("Denoiser: hidden", hidden, hi=100_000)
        depth = _positive_int("Denoiser: depth", depth, hi=1000)
        emb_dim = as_size(emb_dim, "emb_dim", "Denoiser", lo=2, hi=100_000)
        if emb_dim % 2:
            raise ValueError(f"Denoiser: emb_dim must be an even integer >= 2, got {emb_dim!r}")
        self.dim, self.emb_dim = dim, int(emb_dim)
        layers: list = [nn.Linear(dim + emb_dim, hidden), nn.SiLU()]
        for _ in range(depth - 1):
            layers += [nn.Linear(hidden, hidden), nn.SiLU()]
        layers.append(nn.Linear(hidden, dim))
        self.net = nn.Sequential(*layers)

    def forward(self, x: "torch.Tensor", t: "torch.Tensor") -> "torch.Tensor":
        for nm, v in (("x", x), ("t", t)):
            if not isinstance(v, torch.Tensor):
                raise TypeError(f"Denoiser: {nm} must be a torch tensor, got {type(v).__name__}")
            if torch.is_complex(v) or v.dtype == torch.bool:
                raise TypeError(f"Denoiser: {nm} must be real, got dtype {v.dtype}")
            if not bool(torch.isfinite(v.float()).all()):
                raise ValueError(f"Denoiser: {nm} must contain only finite numbers (no NaN or inf)")
        if x.ndim != 2 or x.shape[1] != self.dim:
            raise ValueError(f"Denoiser: x must have shape (n, {self.dim}), got {tuple(x.shape)}")
        if t.shape != (x.shape[0],):
            raise ValueError(f"Denoiser: t must have shape ({x.shape[0]},), got {tuple(t.shape)}")
        return self.net(torch.cat([x, sinusoidal_embedding(t, self.emb_dim)], dim=1))


def _model_device(model: nn.Module) -> "torch.device":
    p = next(model.parameters(), None)
    return p.device if p is not None else torch.device("cpu")


def train(model: nn.Module, data: Array, schedule: Schedule, *, steps: int = 4000, batch_size: int = 256,
          lr: float = 2e-3, seed: int = 0, device: Optional[str] = None, progress: bool = True,
          desc: str = "training", ema: float = 0.0) -> np.ndarray:
    """Train ``model`` to predict the noise: minimise ``E ||eps - eps_theta(x_t, t)||^2`` (Ho et al.'s L_simple).

    Each step draws a minibatch of ``data``, ``t ~ U{1..T}`` and ``eps ~ N(0, I)``, forms ``x_t`` by
    :meth:`Schedule.q_sample` and takes an Adam step; the learning rate follows a one-cycle
    schedule (warm-up, then cosine decay). With ``0 < ema < 1`` the model ends with an exponential
    moving average of its weights (``w_ema <- ema w_ema + (1 - ema) w`` after every step), which
    gives smoother samples after long training. Seeded: the same ``seed`` gives the same model.

    Returns
    -------
    np.ndarray
        The loss of every step.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"train: model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(schedule, Schedule):
        raise TypeError(f"train: schedule must be a Schedule, got {type(schedule).__name__}")
    seed = as_seed(seed, "seed", "train", allow_none=False)
    if device is not None:
        device = as_device(device, "device", "train")
    progress = as_bool(progress, "progress", "train")
    steps = _positive_int("train: steps", steps)
    batch_size = _positive_int("train: batch_size", batch_size)
    lr = _positive_float("train: lr", lr)
    if isinstance(ema, bool) or not isinstance(ema, (int, float, np.integer, np.floating)) or not 0 <= ema < 1:
        raise ValueError(f"train: ema must be a number in [0, 1) (0 = no averaging), got {ema!r}")
    dev = torch.device(device if device is not None else runtime.device())
    X = _as_array("train: data", data)
    X = X.detach().float() if isinstance(X, torch.Tensor) else torch.as_tensor(X.astype(np.float32))
    dim = getattr(model, "dim", None)
    if X.ndim != 2 or len(X) < 1 or (dim is not None and X.shape[1] != dim):
        raise ValueError(f"train: data must have shape (n, {dim if dim is not None else 'dim'}), got {tuple(X.shape)}")
    if not torch.isfinite(X).all():
        raise ValueError("train: data must be finite")
    X = X.to(dev)
    model.to(dev).train()
    torch.manual_seed(seed)
    gen = torch.Generator(device=dev).manual_seed(seed)
    sab = torch.as_tensor(schedule._sqrt_ab, dtype=torch.float32, device=dev)
    sig = torch.as_tensor(schedule.sigmas, dtype=torch.float32, device=dev)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    # one-cycle schedule; its warm-up needs a few steps (torch divides by the phase length)
    sched = (torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps, pct_start=0.1)
             if steps >= 20 else torch.optim.lr_scheduler.LambdaLR(opt, lambda i: 1.0))
    losses = torch.empty(steps, device=dev)
    params = [p for p in model.parameters()]
    ema_params = [p.detach().clone() for p in params] if ema > 0 else None
    n = len(X)
    for i in runtime.progress(range(steps), total=steps, desc=desc, disable=None if progress else True):
        idx = torch.randint(0, n, (batch_size,), generator=gen, device=dev)
        x0 = X[idx]
        t = torch.randint(1, schedule.T + 1, (batch_size,), generator=gen, device=dev)
        eps = torch.randn(x0.shape, generator=gen, device=dev)
        x_t = sab[t, None] * x0 + sig[t, None] * eps
        loss = torch.mean((model(x_t, t) - eps) ** 2)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        if ema_params is not None:
            with torch.no_grad():
                torch._foreach_lerp_(ema_params, [p.detach() for p in params], 1.0 - ema)
        losses[i] = loss.detach()
    if ema_params is not None:
        with torch.no_grad():
            for p, q in zip(params, ema_params):
                p.copy_(q)
    model.eval()
    return losses.cpu().numpy()


@torch.no_grad()
def sample(model: Callable, schedule: Schedule, n: int, *, dim: Optional[int] = None, seed: int = 0,
           device: Optional[str] = None, return_trajectory: bool = False, variance: str = "small",
           clip: Optional[float] = None, progress: bool = False) -> np.ndarray:
    """Ancestral DDPM sampling: ``x_T ~ N(0, I)``, then ``x_{t-1} = mu_theta(x_t, t) + sqrt(var_t) z`` down to ``x_0``.

    ``mu_theta`` is :meth:`Schedule.reverse_mean` with the model's noise prediction; no noise is
    added at the last step (t = 1).

    Parameters
    ----------
    model : callable ``(x, t) -> eps``
        Takes a float tensor ``(n, dim)`` and integer timesteps ``(n,)``.
    n : int
        Number of samples.
    dim : int, optional
        Data dimension (default: ``model.dim``).
    return_trajectory : bool
        Also return every intermediate state: an array ``(T + 1, n, dim)`` whose entry ``[t]`` is ``x_t``.
    variance : {"small", "large"}
        Posterior variance (``beta~_t``) or ``beta_t``.
    clip : float, optional
        Clip the predicted ``x_0`` to ``[-clip, clip]`` at every step.

    Returns
    -------
    np.ndarray
        ``x_0`` of shape ``(n, dim)`` (float32), or the trajectory when asked.
    """
    if not isinstance(schedule, Schedule):
        raise TypeError(f"sample: schedule must be a Schedule, got {type(schedule).__name__}")
    n = _positive_int("sample: n", n)
    dim = dim if dim is not None else getattr(model, "dim", None)
    if dim is None:
        raise ValueError("sample: dim must be given when the model has no 'dim' attribute")
    dim = _positive_int("sample: dim", dim, hi=100_000)
    if n * dim > MAX_SIZE:
        raise ValueError(f"sample: n * dim must be at most {MAX_SIZE}, got {n * dim}")
    if not callable(model):
        raise TypeError(f"sample: model must be callable (x, t) -> eps, got {type(model).__name__}")
    seed = as_seed(seed, "seed", "sample", allow_none=False)
    if device is not None:
        device = as_device(device, "device", "sample")
    return_trajectory = as_bool(return_trajectory, "return_trajectory", "sample")
    as_choice(variance, "variance", "sample", ("small", "large"))
    if clip is not None:
        clip = _positive_float("sample: clip", clip)
    if isinstance(model, nn.Module):
        dev = torch.device(device) if device is not None else _model_device(model)
        model.eval()
    else:
        dev = torch.device(device if device is not None else "cpu")
    gen = torch.Generator(device=dev).manual_seed(seed)
    x = torch.randn((n, dim), generator=gen, device=dev)
    traj = None
    if return_trajectory:
        traj = torch.empty((schedule.T + 1, n, dim), dtype=torch.float32, device="cpu")
        traj[schedule.T] = x.cpu()
    std = np.sqrt(schedule.posterior_variance if variance == "small" else schedule.betas)
    steps = range(schedule.T, 0, -1)
    for t in runtime.progress(steps, total=schedule.T, desc="sampling", disable=None if progress else True):
        tt = torch.full((n,), t, dtype=torch.long, device=dev)
        eps = model(x, tt)
        if not isinstance(eps, torch.Tensor) or tuple(eps.shape) != (n, dim):
            raise ValueError(f"sample: the model must return a tensor of shape ({n}, {dim}) (the noise), "
                             f"got {type(eps).__name__} of shape {tuple(getattr(eps, 'shape', ()))}")
        if not bool(torch.isfinite(eps).all()):
            raise ValueError(f"sample: the model returned NaN or inf at t = {t}")
        x = schedule._reverse_mean(x, t, eps, clip)
        if t > 1:
            x = x + float(std[t]) * torch.randn(x.shape, generator=gen, device=dev)
        if traj is not None:
            traj[t - 1] = x.cpu()
    if traj is not None:
        return traj.numpy()
    return x.cpu().numpy()


# ----------------------------------------------------------------- sliced Wasserstein
def _wasserstein_1d_pp(u: np.ndarray, v: np.ndarray, p: float) -> np.ndarray:
    """``W_p^p`` between the empirical (uniform) measures of the columns of ``u`` (n, k) and ``v`` (m, k).

    Exact: both quantile functions are step functions; integrate ``|F_u^-1 - F_v^-1|^p`` over the
    merged breakpoints ``i/n`` and ``j/m`` (kept as integers over the denominator ``n m``).
    """
    n, m = len(u), len(v)
    us, vs = np.sort(u, axis=0), np.sort(v, axis=0)
    if n == m:
        return np.mean(np.abs(us - vs) ** p, axis=0)
    levels = np.union1d(np.arange(1, n + 1) * m, np.arange(1, m + 1) * n)  # integers in (0, n m]
    iu = -(-levels // m) - 1  # ceil(level / m) - 1
    iv = -(-levels // n) - 1
    w = np.diff(np.concatenate([[0], levels])) / (n * m)
    return np.einsum("i,ik->k", w, np.abs(us[iu] - vs[iv]) ** p)


def sliced_wasserstein(X: Any, Y: Any, n_projections: int = 500, p: float = 2.0, seed: int = 0,
                       projections: Optional[np.ndarray] = None) -> float:
    """Sliced Wasserstein distance between two point clouds with uniform weights.

    ``SW_p(X, Y) = ( mean_k W_p^p(theta_k . X, theta_k . Y) )^(1/p)`` over unit directions
    ``theta_k`` (uniform on the sphere), each 1-D distance computed exactly from sorted
    projections. Same convention as POT's ``ot.sliced_wasserstein_distance``.

    Parameters
    ----------
    X, Y : arrays (n, d) and (m, d)
    n_projections : int
        Number of random directions (ignored when ``projections`` is given).
    p : float
        Order, at least 1.
    projections : array (d, k), optional
        The directions to use (columns), e.g. the same as handed to POT.
    """
    X = as_array(X, "X", "sliced_wasserstein", ndim=2)
    Y = as_array(Y, "Y", "sliced_wasserstein", ndim=2)
    seed = as_seed(seed, "seed", "sliced_wasserstein", allow_none=False)
    if X.ndim != 2 or Y.ndim != 2 or len(X) == 0 or len(Y) == 0:
        raise ValueError(f"sliced_wasserstein: X and Y must be non-empty 2-D arrays, got shapes {X.shape} and {Y.shape}")
    if X.shape[1] != Y.shape[1]:
        raise ValueError(f"sliced_wasserstein: X and Y must have the same dimension, got {X.shape[1]} and {Y.shape[1]}")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(Y))):
        raise ValueError("sliced_wasserstein: X and Y must be finite")
    p = as_float(p, "p", "sliced_wasserstein")  # finite: p = inf would need the max, not a mean
    if not p >= 1:
        raise ValueError(f"sliced_wasserstein: p must be >= 1, got {p}")
    d = X.shape[1]
    if projections is None:
        k = _positive_int("sliced_wasserstein: n_projections", n_projections)
        P = np.random.default_rng(seed).normal(size=(d, k))
        P /= np.linalg.norm(P, axis=0, keepdims=True)
    else:
        P = as_array(projections, "projections", "sliced_wasserstein", ndim=2)
        if P.ndim != 2 or P.shape[0] != d:
            raise ValueError(f"sliced_wasserstein: projections must have shape ({d}, k), got {P.shape}")
    # SW_p is 1-homogeneous in the points: compute on rescaled clouds (no overflow of |x|^p)
    s = max(float(np.max(np.abs(X))), float(np.max(np.abs(Y))))
    s = s if s > 0 else 1.0
    return s * float(np.mean(_wasserstein_1d_pp((X / s) @ P, (Y / s) @ P, p)) ** (1.0 / p))


# -------------------------------------------------------------- Gaussian mixtures
def _mixture_args(x, means, std, alpha_bar, weights):
    x = as_array(x, "x", "mixture")
    means = as_array(means, "means", "mixture")
    if isinstance(std, (bool, np.bool_)):
        raise TypeError(f"mixture: std must be a positive number, got {std!r}")
    std = as_array(std, "std", "mixture", ndim=(0, 1))
    if means.ndim != 2:
        raise ValueError(f"mixture: means must have shape (K, d), got {means.shape}")
    K, d = means.shape
    if x.ndim != 2 or x.shape[1] != d:
        raise ValueError(f"mixture: x must have shape (n, {d}) like the means, got {x.shape}")
    std = np.broadcast_to(np.asarray(std, dtype=np.float64), (K,)) if np.ndim(std) <= 1 else None
    if std is None or np.any(~np.isfinite(std)) or np.any(std <= 0):
        raise ValueError("mixture: std must be a positive number or one positive number per component")
    ab = as_float(alpha_bar, "alpha_bar", "mixture")
    if not 0 < ab <= 1:
        raise ValueError(f"mixture: alpha_bar must lie in (0, 1], got {alpha_bar}")
    if weights is None:
        w = np.full(K, 1.0 / K)
    else:
        w = as_prob_vector(weights, "weights", "mixture", atol=1e-8)
        if w.shape != (K,):
            raise ValueError(f"mixture: weights must be {K} non-negative numbers summing to 1, got {weights!r}")
    var = ab * std**2 + (1 - ab)  # variance of each noised component
    mu = np.sqrt(ab) * means
    diff = x[:, None, :] - mu[None]  # (n, K, d)
    logc = (np.log(np.maximum(w, 1e-300)) - 0.5 * d * np.log(2 * np.pi * var)
            - 0.5 * np.sum(diff**2, axis=2) / var)  # (n, K)
    return logc, diff, var, means, std, ab


def mixture_log_density(x: Any, means: Any, std: Any, alpha_bar: float = 1.0, weights: Any = None) -> np.ndarray:
    """Log-density of an isotropic Gaussian mixture noised to level ``alpha_bar``.

    If ``x_0 ~ sum_k w_k N(mu_k, s_k^2 I)`` and ``x_t = sqrt(abar) x_0 + sqrt(1 - abar) eps``, then
    ``x_t ~ sum_k w_k N(sqrt(abar) mu_k, (abar s_k^2 + 1 - abar) I)``.
    """
    logc, *_ = _mixture_args(x, means, std, alpha_bar, weights)
    m = logc.max(axis=1, keepdims=True)
    return (m + np.log(np.exp(logc - m).sum(axis=1, keepdims=True)))[:, 0]


def _responsibilities(logc):
    r = np.exp(logc - logc.max(axis=1, keepdims=True))
    return r / r.sum(axis=1, keepdims=True)


def mixture_score(x: Any, means: Any, std: Any, alpha_bar: float = 1.0, weights: Any = None) -> np.ndarray:
    """Exact score ``grad log p_t(x)`` of the noised mixture of :func:`mixture_log_density`.

    ``grad log p_t(x) = -sum_k r_k(x) (x - sqrt(abar) mu_k) / (abar s_k^2 + 1 - abar)`` with the
    responsibilities ``r_k(x)`` (posterior probabilities of the components).
    """
    logc, diff, var, *_ = _mixture_args(x, means, std, alpha_bar, weights)
    r = _responsibilities(logc)
    return -np.einsum("nk,nkd->nd", r / var[None], diff)


def mixture_posterior_mean(x: Any, means: Any, std: Any, alpha_bar: float, weights: Any = None) -> np.ndarray:
    """``E[x_0 | x_t = x]`` for the noised mixture, by Bayes on each Gaussian component.

    ``E[x_0 | x_t] = sum_k r_k(x) (mu_k + sqrt(abar) s_k^2 / (abar s_k^2 + 1 - abar) (x - sqrt(abar) mu_k))``.
    """
    logc, diff, var, means, std, ab = _mixture_args(x, means, std, alpha_bar, weights)
    r = _responsibilities(logc)
    gain = np.sqrt(ab) * std**2 / var  # (K,)
    comp = means[None] + gain[None, :, None] * diff
    return np.einsum("nk,nkd->nd", r, comp)


# ------------------------------------------------------------------- Langevin dynamics
def _check_score_fn(name, fn):
    if not callable(fn):
        raise TypeError(f"{name}: score must be callable, got {type(fn).__name__}")


def _score_value(name, s, x):
    """The score function's output: finite, real, the shape of ``x`` (else a clear error)."""
    s = np.asarray(s)
    if s.shape != x.shape or not np.issubdtype(s.dtype, np.floating) and not np.issubdtype(s.dtype, np.integer):
        raise ValueError(f"{name}: score must return a real array of shape {x.shape}, got {s.dtype} {s.shape}")
    if not np.all(np.isfinite(s)):
        raise ValueError(f"{name}: score returned NaN or inf (step size too large?)")
    return s


def langevin(score: Callable[[np.ndarray], np.ndarray], x_init: Any, step_size: float, n_steps: int,
             seed: int = 0) -> np.ndarray:
    """Unadjusted Langevin dynamics: ``x <- x + (eta/2) grad log p(x) + sqrt(eta) z``, ``z ~ N(0, I)``.

    For small ``eta`` and many steps the samples approach ``p`` (Song & Ermon, 2019).
    """
    _check_score_fn("langevin", score)
    x = as_array(x_init, "x_init", "langevin").copy()
    seed = as_seed(seed, "seed", "langevin", allow_none=False)
    if x.ndim != 2:
        raise ValueError(f"langevin: x_init must have shape (n, d), got {x.shape}")
    eta = _positive_float("langevin: step_size", step_size)
    n_steps = _positive_int("langevin: n_steps", n_steps, hi=10**6)
    rng = np.random.default_rng(seed)
    for _ in range(n_steps):
        x = x + 0.5 * eta * _score_value("langevin", score(x), x) + math.sqrt(eta) * rng.standard_normal(x.shape)
    return x


def annealed_langevin(score: Callable[[np.ndarray, int], np.ndarray], x_init: Any, levels: Sequence[float],
                      step_size: float, n_steps: int, seed: int = 0) -> np.ndarray:
    """Annealed Langevin dynamics (Song & Ermon, 2019): Langevin at decreasing noise levels.

    ``score(x, i)`` returns the score of the data noised with the ``i``-th level; at level ``i``
    the step is ``eta_i = step_size * (levels[i] / levels[-1])^2`` and ``n_steps`` steps are run.

    Parameters
    ----------
    levels : sequence of float
        Noise standard deviations, decreasing.
    """
    _check_score_fn("annealed_langevin", score)
    x = as_array(x_init, "x_init", "annealed_langevin").copy()
    seed = as_seed(seed, "seed", "annealed_langevin", allow_none=False)
    if x.ndim != 2:
        raise ValueError(f"annealed_langevin: x_init must have shape (n, d), got {x.shape}")
    lv = as_array(levels, "levels", "annealed_langevin", ndim=1)
    if lv.ndim != 1 or lv.size < 1 or np.any(lv <= 0) or np.any(np.diff(lv) > 0):
        raise ValueError(f"annealed_langevin: levels must be positive and decreasing, got {levels!r}")
    eta0 = _positive_float("annealed_langevin: step_size", step_size)
    n_steps = _positive_int("annealed_langevin: n_steps", n_steps, hi=10**6)
    if n_steps * lv.size > 10**6:
        raise ValueError(f"annealed_langevin: n_steps * len(levels) must be at most 1e6, got {n_steps * lv.size}")
    rng = np.random.default_rng(seed)
    for i, s in enumerate(lv):
        eta = eta0 * (s / lv[-1]) ** 2
        for _ in range(n_steps):
            x = x + 0.5 * eta * _score_value("annealed_langevin", score(x, i), x) \
                + math.sqrt(eta) * rng.standard_normal(x.shape)
    return x


def error_by_density(log_density: Any, error: Any, n_bins: int = 8) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean of ``error`` within equal-count bins of ``log_density`` (lowest density first).

    Returns
    -------
    centres, mean_error, counts
        The median log-density of each bin, the mean error in it, and its number of points.
    """
    ld = as_array(log_density, "log_density", "error_by_density").ravel()
    err = as_array(error, "error", "error_by_density").ravel()
    if ld.shape != err.shape:
        raise ValueError(f"error_by_density: log_density and error must have the same size, got {ld.size} and {err.size}")
    n_bins = _positive_int("error_by_density: n_bins", n_bins)
    if ld.size < n_bins:
        raise ValueError(f"error_by_density: need at least n_bins={n_bins} points, got {ld.size}")
    order = np.argsort(ld, kind="stable")
    groups = np.array_split(order, n_bins)
    centres = np.array([np.median(ld[g]) for g in groups])
    means = np.array([err[g].mean() for g in groups])
    counts = np.array([len(g) for g in groups])
    return centres, means, counts


# ------------------------------------------------------- configurations and a whole run
#: The CPU and full configurations of the notebook's two models ("toy": a 2-D set, "digits": 8x8 images).
CONFIGS: Dict[str, Dict[str, Dict[str, Any]]] = {
    "toy": {
        "cpu": dict(dataset="eight_gaussians", schedule="linear", T=1000, n_train=20000, hidden=128, depth=3,
                    emb_dim=32, steps=4000, batch_size=256, lr=2e-3, ema=0.0, n_eval=2000),
        "full": dict(dataset="eight_gaussians", schedule="linear", T=1000, n_train=50000, hidden=256, depth=4,
                     emb_dim=64, steps=20000, batch_size=512, lr=1e-3, ema=0.999, n_eval=5000),
    },
    "digits": {
        "cpu": dict(dataset="digits", schedule="cosine", T=1000, n_train=1500, hidden=256, depth=3,
                    emb_dim=64, steps=1000, batch_size=128, lr=1e-3, ema=0.0, n_eval=100),
        "full": dict(dataset="digits", schedule="cosine", T=1000, n_train=1500, hidden=1024, depth=4,
                     emb_dim=128, steps=30000, batch_size=256, lr=5e-4, ema=0.999, n_eval=300),
    },
}


def config(name: str = "toy", *, steps: Optional[int] = None, verbose: bool = True) -> dict:
    """The configuration of one of the notebook's models, chosen by :func:`mlnotes.runtime.choose`.

    The full configuration runs on a GPU or when ``MLNOTES_FULL=1``; ``steps`` overrides the
    number of training steps (tests use it to run the full configuration quickly).
    """
    as_choice(name, "name", "config", sorted(CONFIGS))
    verbose = as_bool(verbose, "verbose", "config")
    pair = CONFIGS[name]
    if verbose:
        cfg = runtime.choose(cpu=pair["cpu"], full=pair["full"], name=f"diffusion ({name})")
    else:
        full = runtime.full_config()
        cfg = dict(pair["full" if full else "cpu"], full=full, device=runtime.device())
    if steps is not None:
        cfg["steps"] = _positive_int("config: steps", steps)
    return cfg


@dataclass
class FitResult:
    """A trained diffusion model with everything needed to use it (returned by :func:`fit`).

    ``data`` and ``held_out`` are in model space (digits scaled to [-1, 1]); for the digits,
    ``extra`` holds their class labels (``"labels"``, ``"held_out_labels"``).
    """

    model: Denoiser
    schedule: Schedule
    config: Dict[str, Any]
    data: np.ndarray  # training set, in model space
    held_out: np.ndarray  # data never seen in training, in model space
    losses: np.ndarray
    seconds: float
    extra: Dict[str, Any] = field(default_factory=dict)

    @property
    def device(self) -> "torch.device":
        return _model_device(self.model)

    def sample(self, n: int, seed: int = 0, return_trajectory: bool = False, progress: bool = False) -> np.ndarray:
        """Generate ``n`` samples (or their whole trajectory) with :func:`sample`.

        For the digits the predicted clean sample is clipped to the data range [-1, 1] at every step.
        """
        clip = 1.0 if self.config.get("dataset") == "digits" else None
        progress = as_bool(progress, "progress", "FitResult.sample")
        return sample(self.model, self.schedule, n, seed=seed, return_trajectory=return_trajectory,
                      clip=clip, progress=progress)

    @torch.no_grad()
    def eps(self, x: Any, t: Any) -> np.ndarray:
        """The model's noise prediction at points ``x`` (n, d) and timestep(s) ``t`` in [1, T]."""
        x = as_array(x, "x", "eps").astype(np.float32)
        if x.ndim != 2 or x.shape[1] != self.model.dim:
            raise ValueError(f"eps: x must have shape (n, {self.model.dim}), got {x.shape}")
        t = _check_t(t, x, 1, self.schedule.T, "eps")
        tt = torch.as_tensor(np.broadcast_to(np.asarray(t), (len(x),)).copy(), dtype=torch.long, device=self.device)
        return self.model(torch.as_tensor(x, device=self.device), tt).cpu().numpy()

    def score(self, x: Any, t: Any) -> np.ndarray:
        """The learned score ``s_theta(x, t) = -eps_theta(x, t) / sqrt(1 - abar_t)``."""
        e = self.eps(x, t).astype(np.float64)
        return self.schedule.convert(e, as_array(x, "x", "score"), t, "eps", "score")

    def to_images(self, x: Any) -> np.ndarray:
        """Digits only: map model-space vectors in [-1, 1] back to 8x8 images in [0, 1]."""
        x = as_array(x, "x", "to_images", ndim=(1, 2, 3))
        if x.size % 64:
            raise ValueError(f"to_images: x must hold 8x8 images (64 values each), got shape {x.shape}")
        return np.clip((x.reshape(-1, 8, 8) + 1) / 2, 0, 1)


def _load(cfg: Dict[str, Any], seed: int) -> Tuple[np.ndarray, np.ndarray, Dict[str, Any]]:
    """Training and held-out data of a configuration (digits: scaled to [-1, 1], with their labels)."""
    name = cfg["dataset"]
    if name == "digits":
        X, y = _data.digits()
        X = X * 2.0 - 1.0  # [0, 1] -> [-1, 1]
        perm = np.random.default_rng(seed).permutation(len(X))
        n_train = min(int(cfg["n_train"]), len(X) - 1)
        tr, te = perm[:n_train], perm[n_train:]
        return X[tr], X[te], {"labels": y[tr], "held_out_labels": y[te]}
    if name not in _data.TOY2D:
        raise ValueError(f"fit: dataset must be 'digits' or one of {_data.TOY2D}, got {name!r}")
    return (_data.toy2d(name, int(cfg["n_train"]), seed=seed),
            _data.toy2d(name, int(cfg["n_eval"]), seed=seed + 1), {})


_REQUIRED = ("dataset", "schedule", "T", "n_train", "hidden", "depth", "emb_dim", "steps", "batch_size", "lr", "n_eval")


def fit(cfg: Dict[str, Any], *, seed: int = 0, progress: bool = True, verbose: bool = True) -> FitResult:
    """Build the data, schedule and denoiser of a configuration (see :func:`config`) and train it.

    Returns a :class:`FitResult`; prints the training time when ``verbose``.
    """
    if not isinstance(cfg, dict):
        raise TypeError(f"fit: cfg must be a dict (from diffusion.config), got {type(cfg).__name__}")
    seed = as_seed(seed, "seed", "fit", allow_none=False)
    missing = [k for k in _REQUIRED if k not in cfg]
    if missing:
        raise ValueError(f"fit: cfg lacks the keys {missing}")
    schedule = make_schedule(cfg["schedule"], int(cfg["T"]))
    train_x, held, extra = _load(cfg, seed)
    runtime.seed(seed)
    model = Denoiser(train_x.shape[1], hidden=int(cfg["hidden"]), depth=int(cfg["depth"]), emb_dim=int(cfg["emb_dim"]))
    device = cfg.get("device") or runtime.device()
    t0 = time.perf_counter()
    losses = train(model, train_x, schedule, steps=int(cfg["steps"]), batch_size=int(cfg["batch_size"]),
                   lr=float(cfg["lr"]), seed=seed, device=device, progress=progress,
                   desc=f"training on {cfg['dataset']}", ema=float(cfg.get("ema", 0.0)))
    seconds = time.perf_counter() - t0
    if verbose:
        print(f"trained {cfg['steps']} steps on {cfg['dataset']} ({device}) in {seconds:.1f} s")
    return FitResult(model=model, schedule=schedule, config=dict(cfg), data=train_x, held_out=held,
                     losses=losses, seconds=seconds, extra=extra)
