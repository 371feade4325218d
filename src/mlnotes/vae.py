"""Variational autoencoders: a Gaussian VAE for small images, its ELBO, an importance-sampled
log-likelihood and a fast training loop.

Explained in ``notebooks/05-generative/03-variational-autoencoders.ipynb``; used there, by the
:class:`mlnotes.widgets.latent.LatentExplorer` widget and by the evaluation notebook.

The model (Kingma and Welling's VAE with a Gaussian decoder):

* prior ``p(z) = N(0, I_k)``;
* decoder ``p_theta(x | z) = N(f_theta(z), sigma^2 I_D)``, where ``f_theta`` is an MLP ending in a
  sigmoid (pixel means in (0, 1)) and ``sigma`` is one learned scalar (or fixed);
* encoder ``q_phi(z | x) = N(mu_phi(x), diag exp(logvar_phi(x)))``.

Conventions: data are rows of ``D`` numbers in [0, 1] (the digits as ``X / 16``); every function
takes NumPy arrays or torch tensors and computes in the model's dtype and device (call
``model.double()`` for float64 checks); log-densities are in nats, per example.
"""
from __future__ import annotations

import math
import time
from typing import Any, Dict, Mapping, Optional, Tuple

import numpy as np

try:
    import torch
    from torch import nn
except ImportError as exc:  # pragma: no cover - torch is installed in the book's environment
    raise ImportError("mlnotes.vae needs torch: pip install torch") from exc

from . import runtime
from .validate import as_array, as_bool, as_device, as_float, as_seed, as_size
from .optim import Adam

__all__ = [
    "VAE",
    "kl_standard_normal",
    "reparameterise",
    "elbo",
    "importance_log_likelihood",
    "train_vae",
    "CONFIGS",
]

#: Training configurations: ``"cpu"`` (seconds on a laptop CPU) and ``"full"`` (a GPU, or
#: ``MLNOTES_FULL=1``). Pick one with ``runtime.choose(cpu=CONFIGS["cpu"], full=CONFIGS["full"])``
#: and pass it as ``train_vae(data, config=cfg)``.
CONFIGS: Dict[str, Dict[str, Any]] = {
    "cpu": dict(latent_dim=2, hidden=128, depth=2, epochs=60, batch_size=128, lr=4e-3),
    "full": dict(latent_dim=2, hidden=256, depth=2, epochs=150, batch_size=128, lr=2e-3),
}

_TRAIN_KEYS = ("latent_dim", "hidden", "depth", "epochs", "batch_size", "lr", "obs_sigma")
_LOG_2PI = math.log(2.0 * math.pi)
_SIGMA0 = 0.3   # initial decoder sigma when it is learned


# ----------------------------------------------------------------------------- helpers
def _check_model(model: Any, func: str) -> "VAE":
    if not isinstance(model, VAE):
        raise TypeError(f"{func}: model must be a mlnotes.vae.VAE, got {type(model).__name__}")
    return model


def _param(model: nn.Module) -> "torch.Tensor":
    return next(model.parameters())


def _as_tensor(x: Any, name: str, func: str, *, like: "torch.Tensor", ndim: int = 2,
               last: Optional[int] = None) -> "torch.Tensor":
    """``x`` as a finite real tensor with the dtype and device of ``like``."""
    if isinstance(x, torch.Tensor):
        if torch.is_complex(x):
            raise TypeError(f"{func}: {name} must be real, got a complex tensor")
        if x.dtype == torch.bool:
            raise TypeError(f"{func}: {name} must hold numbers, got a bool tensor")
        t = x.detach() if not x.requires_grad else x
        if t.ndim != ndim:
            raise ValueError(f"{func}: {name} must be {ndim}-D, got shape {tuple(t.shape)}")
        if t.numel() == 0:
            raise ValueError(f"{func}: {name} must not be empty, got shape {tuple(t.shape)}")
        if not bool(torch.isfinite(t).all()):
            raise ValueError(f"{func}: {name} must contain only finite numbers (no NaN or inf)")
        t = t.to(dtype=like.dtype, device=like.device)
    else:
        t = torch.as_tensor(as_array(x, name, func, ndim=ndim), dtype=like.dtype, device=like.device)
    if last is not None and t.shape[-1] != last:
        raise ValueError(f"{func}: {name} must have {last} columns (the model's dimension), "
                         f"got shape {tuple(t.shape)}")
    return t


def _generator(seed: Optional[int], device: "torch.device") -> Optional["torch.Generator"]:
    if seed is None:
        return None
    return torch.Generator(device=device).manual_seed(int(seed))


def _mlp(sizes, final_activation: bool = False) -> nn.Sequential:
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2 or final_activation:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


# ------------------------------------------------------------------------------ model
class VAE(nn.Module):
    """A VAE with MLP encoder and decoder and a Gaussian decoder of one noise scale.

    Parameters
    ----------
    data_dim : int
        ``D``, the number of pixels (64 for the 8x8 digits).
    latent_dim : int
        ``k``, the dimension of ``z`` (2 for a latent space one can draw).
    hidden : int
        Width of the hidden layers.
    depth : int
        Number of hidden layers of the encoder (the decoder mirrors it).
    obs_sigma : float, optional
        A fixed decoder standard deviation ``sigma``; by default ``sigma`` is learned (one scalar
        for all pixels, started at 0.3).

    The encoder is ``x -> [Linear, ReLU] x depth -> Linear -> (mu, logvar)`` and the decoder
    ``z -> [Linear, ReLU] x depth -> Linear -> sigmoid``.
    """

    def __init__(self, data_dim: int = 64, latent_dim: int = 2, hidden: int = 128, depth: int = 2,
                 obs_sigma: Optional[float] = None) -> None:
        super().__init__()
        self.data_dim = as_size(data_dim, "data_dim", "VAE", hi=100_000)
        self.latent_dim = as_size(latent_dim, "latent_dim", "VAE", hi=1024)
        self.hidden = as_size(hidden, "hidden", "VAE", hi=16_384)
        self.depth = as_size(depth, "depth", "VAE", hi=16)
        widths = [self.hidden] * self.depth
        self.encoder = _mlp([self.data_dim, *widths, 2 * self.latent_dim])
        self.decoder = _mlp([self.latent_dim, *widths, self.data_dim])
        if obs_sigma is None:
            self.log_sigma = nn.Parameter(torch.tensor(math.log(_SIGMA0)))
            self.learn_sigma = True
        else:
            s = as_float(obs_sigma, "obs_sigma", "VAE", positive=True)
            self.register_buffer("log_sigma", torch.tensor(math.log(s)))
            self.learn_sigma = False

    @property
    def sigma(self) -> float:
        """The decoder's standard deviation ``sigma`` (a float)."""
        return float(self.log_sigma.detach().exp())

    def encode(self, x: Any) -> Tuple["torch.Tensor", "torch.Tensor"]:
        """The encoder's ``(mu, logvar)``, each of shape ``(n, k)``, for a batch ``x`` of shape ``(n, D)``."""
        return self._encode(_as_tensor(x, "x", "VAE.encode", like=_param(self), last=self.data_dim))

    def _encode(self, x: "torch.Tensor") -> Tuple["torch.Tensor", "torch.Tensor"]:
        h = self.encoder(x)
        return h[..., :self.latent_dim], h[..., self.latent_dim:]

    def decode(self, z: Any) -> "torch.Tensor":
        """The decoder's mean ``f_theta(z)`` in (0, 1), shape ``(..., D)``, for ``z`` of shape ``(..., k)``."""
        if isinstance(z, torch.Tensor) and z.ndim >= 1:
            z = _as_tensor(z, "z", "VAE.decode", like=_param(self), ndim=z.ndim, last=self.latent_dim)
        else:
            z = torch.as_tensor(as_array(z, "z", "VAE.decode", ndim=(1, 2, 3)), dtype=_param(self).dtype,
                                device=_param(self).device)
            if z.shape[-1] != self.latent_dim:
                raise ValueError(f"VAE.decode: z must have {self.latent_dim} columns (the latent dimension), "
                                 f"got shape {tuple(z.shape)}")
        return torch.sigmoid(self.decoder(z))

    def log_likelihood(self, x: Any, z: Any) -> "torch.Tensor":
        """``log p_theta(x | z) = sum_d log N(x_d; f_theta(z)_d, sigma^2)``, one value per row.

        ``x`` has shape ``(n, D)`` and ``z`` shape ``(n, k)`` or ``(S, n, k)`` (S draws per
        example); the result has shape ``(n,)`` or ``(S, n)``.
        """
        x = _as_tensor(x, "x", "VAE.log_likelihood", like=_param(self), last=self.data_dim)
        if isinstance(z, torch.Tensor) and z.ndim in (2, 3):
            z = _as_tensor(z, "z", "VAE.log_likelihood", like=x, ndim=z.ndim)
        elif not isinstance(z, torch.Tensor):
            z = torch.as_tensor(as_array(z, "z", "VAE.log_likelihood", ndim=(2, 3)), dtype=x.dtype, device=x.device)
        if z.ndim not in (2, 3) or z.shape[-2] != x.shape[0] or z.shape[-1] != self.latent_dim:
            raise ValueError(f"VAE.log_likelihood: z must have shape ({x.shape[0]}, {self.latent_dim}) or "
                             f"(S, {x.shape[0]}, {self.latent_dim}), got {tuple(z.shape)}")
        return self._log_likelihood(x, z)

    def _log_likelihood(self, x: "torch.Tensor", z: "torch.Tensor") -> "torch.Tensor":
        sq = ((x - torch.sigmoid(self.decoder(z))) ** 2).sum(-1)
        ls = self.log_sigma
        return -0.5 * sq * torch.exp(-2.0 * ls) - self.data_dim * (ls + 0.5 * _LOG_2PI)

    def forward(self, x: Any, eps: Optional["torch.Tensor"] = None):
        """The notes' workflow (N, Example 46): encode, draw ``z = mu + sigma * eps``, decode.

        Returns ``(decoded mean, mu, logvar)``; ``eps`` (shape ``(n, k)``) defaults to fresh
        standard normal draws from torch's global generator.
        """
        mu, logvar = self.encode(x)
        if eps is None:
            eps = torch.randn_like(mu)
        else:
            if not isinstance(eps, torch.Tensor):
                eps = torch.as_tensor(as_array(eps, "eps", "VAE.forward", ndim=2))
            if tuple(eps.shape) != tuple(mu.shape):
                raise ValueError(f"VAE.forward: eps must have shape {tuple(mu.shape)}, got {tuple(eps.shape)}")
            eps = _as_tensor(eps, "eps", "VAE.forward", like=mu)
        return self.decode(reparameterise(mu, logvar, eps)), mu, logvar

    def sample(self, n: int, seed: Optional[int] = 0, mean: bool = True) -> np.ndarray:
        """``n`` new images: ``z ~ N(0, I)``, then the decoder's mean (``mean=True``) or a draw
        ``f_theta(z) + sigma * noise``. Returns a float64 NumPy array ``(n, D)``."""
        n = as_size(n, "n", "VAE.sample", hi=1_000_000)
        seed = as_seed(seed, "seed", "VAE.sample")
        mean = as_bool(mean, "mean", "VAE.sample")
        p = _param(self)
        g = _generator(seed, p.device)
        with torch.no_grad():
            z = torch.randn((n, self.latent_dim), generator=g, dtype=p.dtype, device=p.device)
            x = self.decode(z)
            if not mean:
                x = x + self.log_sigma.exp() * torch.randn(x.shape, generator=g, dtype=p.dtype, device=p.device)
        return x.cpu().double().numpy()


# -------------------------------------------------------------------------- the ELBO
def kl_standard_normal(mu: Any, logvar: Any) -> "torch.Tensor":
    """``KL(N(mu, diag exp(logvar)) || N(0, I)) = 1/2 sum_j (mu_j^2 + sigma_j^2 - 1 - log sigma_j^2)``.

    One value per row (the last axis is summed). Tensors keep their graph; arrays become float64.
    """
    mu, logvar = _pair(mu, logvar, "kl_standard_normal")
    return 0.5 * (mu ** 2 + logvar.exp() - 1.0 - logvar).sum(-1)


def reparameterise(mu: Any, logvar: Any, eps: Any) -> "torch.Tensor":
    """``z = mu + exp(logvar / 2) * eps``: a draw of ``N(mu, diag exp(logvar))`` when
    ``eps ~ N(0, I)``, differentiable in ``mu`` and ``logvar`` (the reparameterisation trick).

    ``eps`` may carry extra leading axes (several draws per example); it broadcasts against ``mu``.
    """
    mu, logvar = _pair(mu, logvar, "reparameterise")
    if isinstance(eps, torch.Tensor):
        eps = _as_tensor(eps, "eps", "reparameterise", like=mu, ndim=eps.ndim)
    else:
        eps = torch.as_tensor(as_array(eps, "eps", "reparameterise"), dtype=mu.dtype, device=mu.device)
    if eps.ndim < mu.ndim or tuple(eps.shape[eps.ndim - mu.ndim:]) != tuple(mu.shape):
        raise ValueError(f"reparameterise: eps must have shape {tuple(mu.shape)} (or (S, *that)), "
                         f"got {tuple(eps.shape)}")
    return mu + torch.exp(0.5 * logvar) * eps


def _pair(mu: Any, logvar: Any, func: str) -> Tuple["torch.Tensor", "torch.Tensor"]:
    out = []
    for name, v in (("mu", mu), ("logvar", logvar)):
        if isinstance(v, torch.Tensor):
            if torch.is_complex(v) or not torch.is_floating_point(v):
                raise TypeError(f"{func}: {name} must be a real floating-point tensor, got dtype {v.dtype}")
            if v.ndim == 0 or v.numel() == 0:
                raise ValueError(f"{func}: {name} must be a non-empty array, got shape {tuple(v.shape)}")
            if not bool(torch.isfinite(v.detach()).all()):
                raise ValueError(f"{func}: {name} must contain only finite numbers (no NaN or inf)")
            out.append(v)
        else:
            out.append(torch.as_tensor(as_array(v, name, func)))
    a, b = out
    if tuple(a.shape) != tuple(b.shape):
        raise ValueError(f"{func}: logvar must have the shape of mu {tuple(a.shape)}, got {tuple(b.shape)}")
    return a, b.to(dtype=a.dtype, device=a.device)


def _draws(model: "VAE", x: "torch.Tensor", samples: int, seed: Optional[int], eps: Any,
           func: str) -> "torch.Tensor":
    """Standard normal draws of shape ``(S, n, k)``: ``eps`` checked, or fresh ones."""
    p = _param(model)
    n, k = x.shape[0], model.latent_dim
    if eps is None:
        return torch.randn((samples, n, k), generator=_generator(seed, p.device), dtype=p.dtype, device=p.device)
    if not isinstance(eps, torch.Tensor):
        eps = torch.as_tensor(as_array(eps, "eps", func, ndim=(2, 3)))
    e = _as_tensor(eps, "eps", func, like=p, ndim=eps.ndim) if eps.ndim in (2, 3) else eps
    if e.ndim == 2:
        e = e[None]
    if e.ndim != 3 or tuple(e.shape[1:]) != (n, k):
        raise ValueError(f"{func}: eps must have shape ({n}, {k}) or (S, {n}, {k}), got {tuple(eps.shape)}")
    return e


def elbo(model: "VAE", x: Any, *, samples: int = 1, seed: Optional[int] = None,
         eps: Any = None) -> "torch.Tensor":
    """The evidence lower bound of each row of ``x``, estimated with ``samples`` draws of ``q``:

    ``ELBO(x) = E_{q(z|x)}[log p_theta(x | z)] - KL(q(z | x) || p(z))``,

    the expectation as the mean over ``z_s = mu + sigma * eps_s`` (reparameterised, so the result
    is differentiable in the model's parameters) and the KL in closed form
    (:func:`kl_standard_normal`). ``log p(x) >= ELBO(x)``, with equality when ``q(z|x) = p(z|x)``.

    Parameters
    ----------
    model : VAE
    x : array (n, D)
    samples : int
        Number of draws ``S`` per example (ignored when ``eps`` is given).
    seed : int, optional
        Seed of the draws (default: torch's global generator).
    eps : tensor (S, n, k) or (n, k), optional
        The standard normal draws themselves (the notebook passes the same ones to its own code).

    Returns
    -------
    torch.Tensor
        Shape ``(n,)``, in nats.
    """
    _check_model(model, "elbo")
    x = _as_tensor(x, "x", "elbo", like=_param(model), last=model.data_dim)
    samples = as_size(samples, "samples", "elbo", hi=100_000)
    seed = as_seed(seed, "seed", "elbo")
    return _elbo(model, x, _draws(model, x, samples, seed, eps, "elbo"))


def _elbo(model: "VAE", x: "torch.Tensor", eps: "torch.Tensor") -> "torch.Tensor":
    """The ELBO estimate without argument checks (also the training objective)."""
    mu, logvar = model._encode(x)
    z = mu + torch.exp(0.5 * logvar) * eps
    kl = 0.5 * (mu ** 2 + logvar.exp() - 1.0 - logvar).sum(-1)
    return model._log_likelihood(x, z).mean(0) - kl


def importance_log_likelihood(model: "VAE", x: Any, *, k: int = 1000, seed: Optional[int] = 0,
                              eps: Any = None, chunk: int = 200) -> "torch.Tensor":
    """Importance-sampled estimate of ``log p_theta(x)`` with the encoder as proposal:

    ``log (1/k) sum_s p_theta(x | z_s) p(z_s) / q(z_s | x)``,  ``z_s ~ q(z | x)``

    (Burda et al.'s bound; it is below ``log p(x)`` in expectation, above the ELBO in expectation,
    and tends to ``log p(x)`` as ``k`` grows). No gradient is kept.

    The convergence can be very slow: the encoder's ``q`` is narrower than the posterior, whose
    tails are those of the prior, so the weights ``p(x, z) / q(z | x)`` can have infinite
    variance, and where the encoder misses the posterior the estimate falls short by many nats
    (on the digits VAE of notebooks/05-generative/03-variational-autoencoders, ``k = 1000``:
    0.7 to 0.8 nat short on average, more than 0.5 nat off for about a fifth of the held-out digits,
    tens of nats for a few). With a 2-D code, a grid sum over ``z`` gives ``log p(x)`` exactly.

    Parameters
    ----------
    k : int
        Number of importance samples per example.
    seed : int, optional
        Seed of the draws.
    eps : tensor (k, n, latent_dim), optional
        The standard normal draws (``z_s = mu + sigma * eps_s``).
    chunk : int
        Examples decoded at once (memory: ``k * chunk * D`` numbers).

    Returns
    -------
    torch.Tensor
        Shape ``(n,)``, in nats.
    """
    _check_model(model, "importance_log_likelihood")
    x = _as_tensor(x, "x", "importance_log_likelihood", like=_param(model), last=model.data_dim)
    k = as_size(k, "k", "importance_log_likelihood", hi=1_000_000)
    seed = as_seed(seed, "seed", "importance_log_likelihood")
    chunk = as_size(chunk, "chunk", "importance_log_likelihood", hi=1_000_000)
    out = []
    with torch.no_grad():
        e = _draws(model, x, k, seed, eps, "importance_log_likelihood")
        mu, logvar = model.encode(x)
        for i in range(0, x.shape[0], chunk):
            sl = slice(i, i + chunk)
            z = reparameterise(mu[sl], logvar[sl], e[:, sl])
            log_q = (-0.5 * e[:, sl] ** 2 - 0.5 * logvar[sl] - 0.5 * _LOG_2PI).sum(-1)
            log_prior = (-0.5 * z ** 2 - 0.5 * _LOG_2PI).sum(-1)
            log_w = model._log_likelihood(x[sl], z) + log_prior - log_q
            out.append(torch.logsumexp(log_w, 0) - math.log(e.shape[0]))
    return torch.cat(out)


# ---------------------------------------------------------------------------- training
def _resolve(config: Optional[Mapping[str, Any]], given: Dict[str, Any]) -> Tuple[Dict[str, Any], Any]:
    base = dict(CONFIGS["cpu"], obs_sigma=None)
    device = None
    if config is not None:
        if not isinstance(config, Mapping):
            raise TypeError(f"train_vae: config must be a mapping (e.g. vae.CONFIGS['cpu'] or runtime.choose's "
                            f"result), got {type(config).__name__}")
        unknown = set(config) - set(_TRAIN_KEYS) - {"full", "device"}
        if unknown:
            raise ValueError(f"train_vae: config has unknown keys {sorted(unknown)}; allowed: "
                             f"{sorted(_TRAIN_KEYS) + ['device', 'full']}")
        base.update({k: v for k, v in config.items() if k in _TRAIN_KEYS})
        device = config.get("device")
    base.update({k: v for k, v in given.items() if v is not None})
    return base, device


def train_vae(data: Any, *, config: Optional[Mapping[str, Any]] = None, latent_dim: Optional[int] = None,
              hidden: Optional[int] = None, depth: Optional[int] = None, epochs: Optional[int] = None,
              batch_size: Optional[int] = None, lr: Optional[float] = None, obs_sigma: Optional[float] = None,
              seed: int = 0, device: Optional[str] = None, verbose: bool = False) -> Tuple["VAE", Dict[str, Any]]:
    """Train a :class:`VAE` on ``data`` by maximising the ELBO (one reparameterised draw per example).

    Adam on shuffled minibatches; the learning rate decays along a cosine from ``lr`` to
    ``lr / 10`` over the run. Computation in float32 on ``device``; the model is returned on the
    CPU in evaluation mode. Seeded: the same ``seed`` and data give the same model. With the
    ``"cpu"`` configuration the 1437 training digits take a few seconds.

    Parameters
    ----------
    data : array (n, D)
        Rows with values in [0, 1] (the digits as ``X / 16``).
    config : mapping, optional
        Hyperparameters, e.g. ``CONFIGS["cpu"]`` or the result of ``runtime.choose`` (its
        ``device`` is used, its ``full`` flag ignored); explicit keyword arguments override it,
        and ``CONFIGS["cpu"]`` fills what neither gives.
    latent_dim, hidden, depth, obs_sigma
        The architecture (see :class:`VAE`).
    epochs, batch_size, lr
        Passes over the data, minibatch size, initial learning rate.
    seed : int
        Seeds the initial weights, the shuffles and the draws.
    device : str, optional
        Where to train (default: the config's, else :func:`mlnotes.runtime.device`).
    verbose : bool
        Print the training time.

    Returns
    -------
    model : VAE
    history : dict
        ``"elbo"`` (mean training ELBO per example after each epoch, nats), ``"sigma"`` (the
        decoder's final sigma), ``"steps"``, ``"seconds"`` and ``"config"`` (what was used).
    """
    cfg, cfg_device = _resolve(config, dict(latent_dim=latent_dim, hidden=hidden, depth=depth, epochs=epochs,
                                            batch_size=batch_size, lr=lr, obs_sigma=obs_sigma))
    X = as_array(data, "data", "train_vae", ndim=2) if not isinstance(data, torch.Tensor) else \
        as_array(data.detach().cpu().double().numpy(), "data", "train_vae", ndim=2)
    if X.shape[0] < 2:
        raise ValueError(f"train_vae: data must have at least 2 rows, got shape {X.shape}")
    if X.min() < 0.0 or X.max() > 1.0:
        raise ValueError(f"train_vae: data must lie in [0, 1] (scale images first, e.g. X / 16 for the digits), "
                         f"got values in [{X.min():.3g}, {X.max():.3g}]")
    epochs = as_size(cfg["epochs"], "epochs", "train_vae", hi=1_000_000)
    batch_size = as_size(cfg["batch_size"], "batch_size", "train_vae", hi=10_000_000)
    lr = as_float(cfg["lr"], "lr", "train_vae", positive=True)
    seed = as_seed(seed, "seed", "train_vae", allow_none=False)
    verbose = as_bool(verbose, "verbose", "train_vae")
    if device is None:
        device = cfg_device
    dev = torch.device(as_device(device, "device", "train_vae") if device is not None else runtime.device())
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = VAE(X.shape[1], latent_dim=cfg["latent_dim"], hidden=cfg["hidden"], depth=cfg["depth"],
                    obs_sigma=cfg["obs_sigma"])
    model = model.to(dev).train()
    opt = Adam(model.parameters(), lr)   # mlnotes.optim.Adam: torch.optim.Adam without its start-up cost
    n = X.shape[0]
    per_epoch = math.ceil(n / batch_size)
    total = epochs * per_epoch
    step = 0
    g = torch.Generator(device=dev).manual_seed(seed)
    Xt = torch.as_tensor(X, dtype=torch.float32, device=dev)
    history = []
    t0 = time.perf_counter()
    for _ in range(epochs):
        perm = torch.randperm(n, generator=g, device=dev)
        total_elbo = torch.zeros((), device=dev)
        for i in range(0, n, batch_size):
            xb = Xt[perm[i:i + batch_size]]
            eps = torch.randn((1, xb.shape[0], model.latent_dim), generator=g, device=dev)
            batch_elbo = _elbo(model, xb, eps).sum()
            opt.zero_grad()
            (-batch_elbo / xb.shape[0]).backward()
            opt.step(lr * (0.1 + 0.45 * (1.0 + math.cos(math.pi * step / total))))   # cosine: lr -> lr / 10
            step += 1
            total_elbo += batch_elbo.detach()
        history.append(total_elbo)
    seconds = time.perf_counter() - t0
    model = model.cpu().eval()
    for p in model.parameters():
        p.requires_grad_(True)
    if verbose:
        print(f"trained a VAE ({epochs} epochs, {total} steps) on {n} examples ({dev}) in {seconds:.1f} s")
    return model, {"elbo": torch.stack(history).cpu().double().numpy() / n, "sigma": model.sigma,
                   "steps": total, "seconds": seconds, "config": dict(cfg, seed=seed, device=str(dev))}
