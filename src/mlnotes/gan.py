"""Generative adversarial networks: the 2-D benchmark mixtures, mode metrics and a batched trainer.

Explained in ``notebooks/05-generative/04-gans.ipynb``; the evaluation notebook trains the same
trainer on the 8x8 digits.

* :func:`ring` and :func:`grid` sample the two standard benchmarks in the convention of PacGAN
  (Lin et al., 2018): 8 Gaussians with means ``(cos 2 pi k/8, sin 2 pi k/8)`` (a ring of radius 1)
  and standard deviation ``RING_SIGMA = 0.01``; 25 Gaussians with means on ``{-4, -2, 0, 2, 4}^2``
  and standard deviation ``GRID_SIGMA = 0.05``; every component has the same weight.
* :func:`mode_counts` / :func:`mode_coverage`: each sample goes to its nearest mode and counts as
  *high quality* when it lies within ``3 sigma`` of it; a mode is *covered* when it receives at
  least one high-quality sample (PacGAN's and VEEGAN's metric).
* :func:`train_gan` trains one or several GANs (MLP generator and discriminator, any data
  dimension) at once: the weights of the runs are stacked and evaluated with batched matrix
  products, so that a few seeds cost little more than one (a member equals the lone run only up
  to float rounding, which the game amplifies over many rounds; see :func:`train_gan`). It supports packing (the
  discriminator judges ``m`` samples at a time), a conditional GAN (one-hot labels appended to
  the inputs of both networks), the minimax and the non-saturating generator loss, several
  discriminator or generator steps per round, and snapshots of the training for
  :class:`mlnotes.widgets.gan.GANTraining`.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple, Union

import numpy as np

try:
    import torch
    import torch.nn.functional as F
    from torch import nn
except ImportError as exc:  # pragma: no cover - torch is installed in the book's environment
    raise ImportError("mlnotes.gan needs torch: pip install torch") from exc

from . import runtime
from .validate import as_array, as_bool, as_choice, as_device, as_float, as_int, as_seed, as_size
from .optim import Adam  # the update of torch.optim.Adam without its start-up cost

__all__ = [
    "RING_SIGMA",
    "GRID_SIGMA",
    "ring_centres",
    "grid_centres",
    "ring",
    "grid",
    "mode_counts",
    "Coverage",
    "mode_coverage",
    "pack_samples",
    "gan_losses",
    "StackedMLP",
    "Snapshots",
    "GANResult",
    "train_gan",
    "CONFIGS",
    "config",
]

#: Standard deviation of each component of the ring benchmark (PacGAN's 2D-ring).
RING_SIGMA = 0.01
#: Standard deviation of each component of the grid benchmark (PacGAN's 2D-grid).
GRID_SIGMA = 0.05

LOSSES = ("non-saturating", "minimax")
OUTPUTS = ("linear", "tanh", "sigmoid")
SCHEDULES = ("constant", "cosine")
ACTIVATIONS = ("relu", "leaky_relu", "tanh")


# ------------------------------------------------------------------------------- the data
def ring_centres(modes: int = 8, radius: float = 1.0) -> np.ndarray:
    """The means of the ring benchmark: ``radius (cos 2 pi k / modes, sin 2 pi k / modes)``, k = 0..modes-1.

    Returns an array of shape ``(modes, 2)``.
    """
    modes = as_size(modes, "modes", "ring_centres", hi=10_000)
    radius = as_float(radius, "radius", "ring_centres", positive=True)
    ang = 2 * np.pi * np.arange(modes) / modes
    return radius * np.stack([np.cos(ang), np.sin(ang)], axis=1)


def grid_centres(side: int = 5, spacing: float = 2.0) -> np.ndarray:
    """The means of the grid benchmark: a ``side x side`` square lattice with the given spacing,
    centred at the origin (the default is ``{-4, -2, 0, 2, 4}^2``), row by row.

    Returns an array of shape ``(side**2, 2)``.
    """
    side = as_size(side, "side", "grid_centres", hi=1000)
    spacing = as_float(spacing, "spacing", "grid_centres", positive=True)
    v = spacing * (np.arange(side) - (side - 1) / 2)
    return np.stack(np.meshgrid(v, v, indexing="ij"), axis=-1).reshape(-1, 2)


def _mixture(centres: np.ndarray, sigma: float, n: int, seed: int, return_labels: bool):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, len(centres), n)
    x = centres[labels] + sigma * rng.standard_normal((n, centres.shape[1]))
    return (x, labels) if return_labels else x


def ring(n: int, *, modes: int = 8, radius: float = 1.0, sigma: float = RING_SIGMA, seed: int = 0,
         return_labels: bool = False) -> Union[np.ndarray, Tuple[np.ndarray, np.ndarray]]:
    """Sample ``n`` points of the ring benchmark: an equal-weight mixture of ``modes`` Gaussians
    ``N(c_k, sigma^2 I)`` with the centres of :func:`ring_centres`.

    PacGAN's set-up (the default): 8 modes, radius 1, ``sigma = 0.01``.

    Returns
    -------
    x : array (n, 2)
    labels : int array (n,), the component of each point (only with ``return_labels=True``)
    """
    n = as_size(n, "n", "ring")
    c = ring_centres(as_size(modes, "modes", "ring", hi=10_000), as_float(radius, "radius", "ring", positive=True))
    sigma = as_float(sigma, "sigma", "ring", positive=True)
    seed = as_seed(seed, "seed", "ring", allow_none=False)
    return _mixture(c, sigma, n, seed, as_bool(return_labels, "return_labels", "ring"))


def grid(n: int, *, side: int = 5, spacing: float = 2.0, sigma: float = GRID_SIGMA, seed: int = 0,
         return_labels: bool = False) -> Union[np.ndarray, Tuple[np.ndarray, np.ndarray]]:
    """Sample ``n`` points of the grid benchmark: an equal-weight mixture of ``side**2`` Gaussians
    ``N(c_k, sigma^2 I)`` with the centres of :func:`grid_centres`.

    PacGAN's set-up (the default): 25 modes on ``{-4, -2, 0, 2, 4}^2``, ``sigma = 0.05``.

    Returns
    -------
    x : array (n, 2)
    labels : int array (n,), the component of each point (only with ``return_labels=True``)
    """
    n = as_size(n, "n", "grid")
    c = grid_centres(as_size(side, "side", "grid", hi=1000), as_float(spacing, "spacing", "grid", positive=True))
    sigma = as_float(sigma, "sigma", "grid", positive=True)
    seed = as_seed(seed, "seed", "grid", allow_none=False)
    return _mixture(c, sigma, n, seed, as_bool(return_labels, "return_labels", "grid"))


# ------------------------------------------------------------------------------ the metric
def _samples_and_centres(samples: Any, centres: Any, func: str) -> Tuple[np.ndarray, np.ndarray]:
    x = as_array(samples, "samples", func, ndim=2)
    c = as_array(centres, "centres", func, ndim=2)
    if c.shape[1] != x.shape[1]:
        raise ValueError(f"{func}: centres must have {x.shape[1]} columns like samples, got shape {c.shape}")
    return x, c


def mode_counts(samples: Any, centres: Any, sigma: float, *, threshold: float = 3.0) -> np.ndarray:
    """High-quality samples per mode: sample ``x`` counts for its nearest centre ``c_j`` when
    ``||x - c_j|| < threshold * sigma``.

    Parameters
    ----------
    samples : array (n, d)
    centres : array (k, d)
    sigma : float
        The common standard deviation of the modes.
    threshold : float
        In units of ``sigma`` (3 in PacGAN and VEEGAN).

    Returns
    -------
    int array (k,)
    """
    x, c = _samples_and_centres(samples, centres, "mode_counts")
    sigma = as_float(sigma, "sigma", "mode_counts", positive=True)
    threshold = as_float(threshold, "threshold", "mode_counts", positive=True)
    # squared distances by blocks (n x k can be large): |x|^2 - 2 x.c + |c|^2
    counts = np.zeros(len(c), dtype=np.int64)
    c2 = (c ** 2).sum(1)
    for i in range(0, len(x), 65536):
        xb = x[i:i + 65536]
        d2 = (xb ** 2).sum(1)[:, None] - 2 * xb @ c.T + c2[None]
        j = d2.argmin(1)
        near = np.sqrt(np.maximum(d2[np.arange(len(xb)), j], 0.0)) < threshold * sigma
        counts += np.bincount(j[near], minlength=len(c))
    return counts


class Coverage(NamedTuple):
    """The two numbers of the mode benchmark (from :func:`mode_coverage`)."""

    #: number of modes with at least ``min_count`` high-quality samples
    modes: int
    #: fraction of the samples within ``threshold * sigma`` of their nearest mode
    high_quality: float


def mode_coverage(samples: Any, centres: Any, sigma: float, *, threshold: float = 3.0,
                  min_count: int = 1) -> Coverage:
    """Modes covered and fraction of high-quality samples (PacGAN / VEEGAN's 2-D benchmark).

    A sample is high quality when it lies within ``threshold * sigma`` of its nearest centre; a
    mode is covered when at least ``min_count`` high-quality samples have it as nearest centre.
    See :func:`mode_counts`.

    Returns
    -------
    Coverage
        ``(modes, high_quality)``.
    """
    counts = mode_counts(samples, centres, sigma, threshold=threshold)
    min_count = as_size(min_count, "min_count", "mode_coverage", lo=1)
    n = len(np.asarray(samples))
    return Coverage(int((counts >= min_count).sum()), float(counts.sum() / n))


# ------------------------------------------------------------------------- the building blocks
def pack_samples(x: Any, m: int) -> Any:
    """Concatenate ``m`` consecutive samples into one (PacGAN's packing).

    ``x`` of shape ``(n, d)`` or ``(S, n, d)`` becomes ``(..., n // m, m * d)``: row ``i`` holds samples
    ``i m, ..., i m + m - 1``. ``n`` must be a multiple of ``m``. Works on NumPy arrays and torch
    tensors.
    """
    m = as_size(m, "m", "pack_samples", hi=1024)
    if isinstance(x, torch.Tensor):
        if x.ndim not in (2, 3) or x.numel() == 0:
            raise ValueError(f"pack_samples: x must have shape (n, d) or (S, n, d), got {tuple(x.shape)}")
        arr = x
    else:
        arr = as_array(x, "x", "pack_samples", ndim=(2, 3))
    n, d = arr.shape[-2], arr.shape[-1]
    if n % m:
        raise ValueError(f"pack_samples: x holds {n} samples, not a multiple of m = {m}")
    return arr.reshape(*arr.shape[:-2], n // m, m * d)


def gan_losses(logits_real: "torch.Tensor", logits_fake: "torch.Tensor",
               loss: str = "non-saturating") -> Tuple["torch.Tensor", "torch.Tensor"]:
    """The discriminator's and the generator's losses from the discriminator's logits.

    With ``D = sigmoid(logit)``, the discriminator minimises minus the value of the game,
    ``-V = -mean log D(x) - mean log(1 - D(G(z)))`` (binary cross-entropy: real = 1, fake = 0).
    The generator minimises ``mean log(1 - D(G(z)))`` (``"minimax"``, Goodfellow et al.'s
    objective) or ``-mean log D(G(z))`` (``"non-saturating"``, what they recommend in practice).
    Means run over the last two axes (samples, 1), so stacked runs ``(S, B, 1)`` give one loss
    per run.

    Returns
    -------
    (loss_d, loss_g) : tensors of shape ``logits.shape[:-2]``
    """
    for name, t in (("logits_real", logits_real), ("logits_fake", logits_fake)):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"gan_losses: {name} must be a torch tensor, got {type(t).__name__}")
        if t.ndim < 2 or t.shape[-1] != 1 or not torch.is_floating_point(t):
            raise ValueError(f"gan_losses: {name} must be a float tensor of shape (..., n, 1), "
                             f"got {tuple(t.shape)} {t.dtype}")
    as_choice(loss, "loss", "gan_losses", LOSSES)
    loss_d = F.softplus(-logits_real).mean((-2, -1)) + F.softplus(logits_fake).mean((-2, -1))
    return loss_d, _generator_loss(logits_fake, loss)


def _generator_loss(logits_fake: "torch.Tensor", loss: str) -> "torch.Tensor":
    if loss == "minimax":
        return -F.softplus(logits_fake).mean((-2, -1))      # log(1 - sigmoid(l)) = -softplus(l)
    return F.softplus(-logits_fake).mean((-2, -1))          # -log sigmoid(l) = softplus(-l)


_ACT = {"relu": torch.relu, "leaky_relu": lambda x: F.leaky_relu(x, 0.2), "tanh": torch.tanh}
_OUT = {"linear": lambda x: x, "tanh": torch.tanh, "sigmoid": torch.sigmoid}


class StackedMLP(nn.Module):
    """``members`` independent MLPs with the same layer sizes, evaluated at once.

    Layer ``l`` of member ``s`` computes ``h W_l[s] + b_l[s]`` with batched matrix products
    (``torch.baddbmm``); the hidden layers use ``activation``, the last one ``output``. Weights and
    biases start as in ``torch.nn.Linear``: uniform on ``+-1/sqrt(fan_in)``, drawn from one
    ``torch.Generator`` per member seeded with ``seeds[s]``, so a member's initial weights do not
    depend on the other members.

    Parameters
    ----------
    sizes : sequence of int
        Input size, hidden sizes, output size (at least two entries).
    members : int
        Number of stacked networks.
    activation : {"relu", "leaky_relu", "tanh"}
    output : {"linear", "tanh", "sigmoid"}
    seeds : sequence of int, optional
        One seed per member (default ``0, 1, ...``).
    inputs : sequence of int, optional
        How many leading inputs each member uses (default: all ``sizes[0]``). The first layer's
        weights from the other inputs start at zero, and its initial scale uses this fan-in; a
        member that uses ``k`` inputs starts exactly as a network with ``k`` inputs would (a
        packed discriminator's unused slots, see :func:`train_gan`).

    ``forward(x)`` takes ``x`` of shape ``(members, n, sizes[0])`` (or ``(n, sizes[0])``, the same
    input for every member) and returns ``(members, n, sizes[-1])``.
    """

    def __init__(self, sizes: Sequence[int], members: int = 1, *, activation: str = "relu",
                 output: str = "linear", seeds: Optional[Sequence[int]] = None,
                 inputs: Optional[Sequence[int]] = None) -> None:
        super().__init__()
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, (list, tuple)) or len(sizes) < 2:
            raise TypeError(f"StackedMLP: sizes must be a list of at least two ints, got {sizes!r}")
        sizes = [as_size(s, f"sizes[{i}]", "StackedMLP", hi=100_000) for i, s in enumerate(sizes)]
        members = as_size(members, "members", "StackedMLP", hi=10_000)
        as_choice(activation, "activation", "StackedMLP", ACTIVATIONS)
        as_choice(output, "output", "StackedMLP", OUTPUTS)
        seeds = list(range(members)) if seeds is None else _int_list(seeds, "seeds", "StackedMLP", members)
        seeds = [as_seed(s, "seeds", "StackedMLP", allow_none=False) for s in seeds]
        inputs = [sizes[0]] * members if inputs is None else _int_list(inputs, "inputs", "StackedMLP", members)
        inputs = [as_size(f, "inputs", "StackedMLP", hi=sizes[0]) for f in inputs]
        self.sizes, self.members = tuple(sizes), members
        self.activation, self.output = activation, output
        self.weights = nn.ParameterList()
        self.biases = nn.ParameterList()
        gens = [torch.Generator().manual_seed(int(s)) for s in seeds]
        ws = [[] for _ in sizes[1:]]
        bs = [[] for _ in sizes[1:]]
        for s, g in enumerate(gens):  # member by member: its weights depend on its seed alone
            for layer, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
                used = inputs[s] if layer == 0 else a
                k = 1.0 / math.sqrt(used)
                w = (torch.rand(used, b, generator=g) * 2 - 1) * k
                ws[layer].append(torch.cat([w, torch.zeros(a - used, b)]) if used < a else w)
                bs[layer].append((torch.rand(1, b, generator=g) * 2 - 1) * k)
        for w, b in zip(ws, bs):
            self.weights.append(nn.Parameter(torch.stack(w)))
            self.biases.append(nn.Parameter(torch.stack(b)))
        self._act = _ACT[activation]
        self._out = _OUT[output]

    def forward(self, x: "torch.Tensor") -> "torch.Tensor":
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"StackedMLP.forward: x must be a torch tensor, got {type(x).__name__}")
        if x.ndim == 2:
            x = x.unsqueeze(0).expand(self.members, *x.shape)
        if x.ndim != 3 or x.shape[0] != self.members or x.shape[2] != self.sizes[0]:
            raise ValueError(f"StackedMLP.forward: x must have shape ({self.members}, n, {self.sizes[0]}) "
                             f"or (n, {self.sizes[0]}), got {tuple(x.shape)}")
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            x = torch.baddbmm(b, x, w)
            x = self._act(x) if i < last else self._out(x)
        return x

    def member(self, i: int) -> nn.Sequential:
        """Member ``i`` as an ordinary ``nn.Sequential`` of ``nn.Linear`` layers (a copy)."""
        i = as_int(i, "i", "StackedMLP.member", lo=0, hi=self.members - 1)
        layers: List[nn.Module] = []
        act = {"relu": nn.ReLU(), "leaky_relu": nn.LeakyReLU(0.2), "tanh": nn.Tanh()}[self.activation]
        last = len(self.weights) - 1
        for k, (w, b) in enumerate(zip(self.weights, self.biases)):
            lin = nn.Linear(w.shape[1], w.shape[2], device=w.device, dtype=w.dtype)
            with torch.no_grad():
                lin.weight.copy_(w[i].T)
                lin.bias.copy_(b[i, 0])
            layers.append(lin)
            if k < last:
                layers.append(act)
            elif self.output != "linear":
                layers.append(nn.Tanh() if self.output == "tanh" else nn.Sigmoid())
        return nn.Sequential(*layers)


def _int_list(v: Any, name: str, func: str, length: Optional[int]) -> List[Any]:
    if isinstance(v, (str, bytes)) or not isinstance(v, (list, tuple, np.ndarray)):
        raise TypeError(f"{func}: {name} must be a list of ints, got {v!r}")
    v = list(v)
    if length is not None and len(v) != length:
        raise ValueError(f"{func}: {name} must hold {length} values (one per member), got {len(v)}")
    return v


# ------------------------------------------------------------------------------ the results
@dataclass
class Snapshots:
    """Snapshots of a training run, taken every ``snapshot_every`` steps (and at the start and end).

    Attributes
    ----------
    steps : int array (K,)
        The training step of each snapshot (0 = before training).
    samples : array (S, K, n, d)
        Generator samples of every member on the same latent points at every snapshot.
    labels : int array (n,) or None
        The class of each snapshot sample (conditional GANs).
    disc : array (S, K, g, g) or None
        For 2-D unconditional data: the discriminator's probability ``D(x)`` on a ``g x g`` grid
        (rows: second coordinate, increasing; with packing, ``D`` of ``x`` repeated ``m`` times).
    extent : array (S, 4)
        ``(x0, x1, y0, y1)`` of each member's grid (2-D data), else zeros.
    """

    steps: np.ndarray
    samples: np.ndarray
    labels: Optional[np.ndarray]
    disc: Optional[np.ndarray]
    extent: np.ndarray


@dataclass
class GANResult:
    """One or several trained GANs (returned by :func:`train_gan`).

    ``generator`` and ``discriminator`` are :class:`StackedMLP` (one member per run) working in the
    trainer's coordinates (standardised data: ``x = loc + scale * generator(z)``); use
    :meth:`sample` and :meth:`discriminate` for data coordinates. ``history`` holds the losses of
    every step, shape ``(members, steps)``: ``"d_loss"`` (minus the value of the game) and
    ``"g_loss"``. ``config`` holds the settings, ``seconds`` the training time.
    """

    generator: StackedMLP
    discriminator: StackedMLP
    config: Dict[str, Any]
    history: Dict[str, np.ndarray]
    snapshots: Optional[Snapshots]
    seconds: float
    loc: np.ndarray = field(repr=False)
    scale: np.ndarray = field(repr=False)
    label_freq: Optional[np.ndarray] = field(default=None, repr=False)

    @property
    def members(self) -> int:
        return self.generator.members

    @property
    def dim(self) -> int:
        return int(self.loc.shape[-1])

    def _device(self) -> "torch.device":
        return self.generator.weights[0].device

    def _labels(self, labels: Any, n: int, func: str, rng: np.random.Generator) -> Optional[np.ndarray]:
        k = self.config["n_classes"]
        if k == 0:
            if labels is not None:
                raise ValueError(f"{func}: labels must be None for an unconditional GAN")
            return None
        if labels is None:
            return rng.choice(k, size=n, p=self.label_freq)
        lab = as_array(labels, "labels", func, ndim=1, shape=(n,))
        if np.any(lab != np.round(lab)) or lab.min() < 0 or lab.max() >= k:
            raise ValueError(f"{func}: labels must be integers in [0, {k - 1}]")
        return lab.astype(np.int64)

    @torch.no_grad()
    def sample_all(self, n: int, *, seed: int = 0, labels: Any = None) -> np.ndarray:
        """``n`` samples of every member (the same latent points), shape ``(members, n, d)``.

        For a conditional GAN, ``labels`` (n,) gives the class of each sample (default: drawn
        with the training frequencies)."""
        n = as_size(n, "n", "sample_all", hi=10_000_000)
        seed = as_seed(seed, "seed", "sample_all", allow_none=False)
        lab = self._labels(labels, n, "sample_all", np.random.default_rng(seed))
        g = torch.Generator().manual_seed(seed)
        z = torch.randn(n, self.config["latent_dim"], generator=g).to(self._device())
        z = _with_labels(z, lab, self.config["n_classes"], self._device())
        out = self.generator(z).double().cpu().numpy()
        return self.loc[:, None, :] + self.scale[:, None, None] * out

    def sample(self, n: int, *, seed: int = 0, member: int = 0, labels: Any = None) -> np.ndarray:
        """``n`` samples of one member, shape ``(n, d)`` (see :meth:`sample_all`)."""
        member = as_int(member, "member", "sample", lo=0, hi=self.members - 1)
        return self.sample_all(n, seed=seed, labels=labels)[member]

    @torch.no_grad()
    def discriminate(self, x: Any, *, member: int = 0, labels: Any = None) -> np.ndarray:
        """The discriminator's probability ``D(x)`` that each point of ``x`` (n, d) is real.

        With packing (``m > 1``), ``D`` judges ``m`` samples at once; this returns ``D`` of each
        point repeated ``m`` times. For a conditional GAN ``labels`` (n,) is required: ``D(x, y)``
        judges each point under its class (an unconditional GAN takes none)."""
        member = as_int(member, "member", "discriminate", lo=0, hi=self.members - 1)
        x = as_array(x, "x", "discriminate", ndim=2, shape=(None, self.dim))
        if labels is None and self.config["n_classes"] > 0:
            raise ValueError(f"discriminate: labels are required for a conditional GAN (integers in "
                             f"[0, {self.config['n_classes'] - 1}], one per point of x)")
        lab = self._labels(labels, len(x), "discriminate", np.random.default_rng(0))
        xs = torch.as_tensor((x - self.loc[member]) / self.scale[member], dtype=torch.float32,
                             device=self._device())
        xs = _with_labels(xs, lab, self.config["n_classes"], self._device())
        mask = torch.as_tensor(self.config["pack_mask"][member], dtype=torch.float32, device=self._device())
        xin = (xs[:, None, :] * mask[None, :, None]).reshape(len(xs), -1)
        full = xin.unsqueeze(0).expand(self.members, *xin.shape)
        out = torch.sigmoid(self.discriminator(full)[member, :, 0])
        return out.double().cpu().numpy()


def _with_labels(x: "torch.Tensor", labels: Optional[np.ndarray], k: int, device) -> "torch.Tensor":
    if k == 0 or labels is None:
        return x
    oh = F.one_hot(torch.as_tensor(labels, device=device), k).to(x.dtype)
    if x.ndim == 3:
        oh = oh.unsqueeze(0).expand(x.shape[0], *oh.shape)
    return torch.cat([x, oh], dim=-1)


# ------------------------------------------------------------------------------- the trainer
def _per_member(v: Any, name: str, func: str) -> Tuple[List[Any], bool]:
    """(values, is_sequence) of an argument that is one value or one value per member."""
    if isinstance(v, (list, tuple)):
        if not v:
            raise ValueError(f"{func}: {name} must not be an empty list")
        return list(v), True
    return [v], False


def _is_list_of(v: Any, ndim: int) -> bool:
    """Whether ``v`` is a list (or tuple) whose first entry is an ``ndim``-D array-like."""
    if not isinstance(v, (list, tuple)) or not v:
        return False
    try:
        return np.ndim(v[0]) == ndim
    except Exception:  # noqa: BLE001 - ragged or exotic entries: not a list of arrays
        return False


def _data_list(data: Any, func: str) -> Tuple[List[np.ndarray], bool]:
    if _is_list_of(data, 2):
        arrs = [as_array(x, f"data[{i}]", func, ndim=2) for i, x in enumerate(data)]
        dims = {a.shape[1] for a in arrs}
        if len(dims) > 1:
            raise ValueError(f"{func}: every data set must have the same dimension, got {sorted(dims)}")
        return arrs, True
    return [as_array(data, "data", func, ndim=2)], False


def train_gan(data: Any, *, steps: int = 800, seed: Any = 0, labels: Any = None, pack: Any = 1,
              latent_dim: int = 2, hidden: int = 64, depth: int = 2, batch_size: int = 128,
              lr: float = 1e-2, lr_d: Optional[float] = None, betas: Tuple[float, float] = (0.5, 0.999),
              schedule: str = "cosine", loss: str = "non-saturating", d_steps: int = 1, g_steps: int = 1,
              activation: str = "relu", output: str = "linear", standardize: Optional[bool] = None,
              snapshot_every: Optional[int] = None, snapshot_n: int = 512, snapshot_grid: int = 48,
              device: Optional[str] = None, progress: bool = True) -> GANResult:
    """Train one GAN, or several at once, with MLP generators and discriminators.

    Each round takes ``d_steps`` discriminator steps (Adam on ``-V``, the binary cross-entropy of
    real against generated samples) and then ``g_steps`` generator steps (Adam on the generator
    loss of :func:`gan_losses`), on fresh minibatches: ``batch_size`` real samples drawn with
    replacement from ``data`` and as many latent vectors ``z ~ N(0, I_latent_dim)``. With packing
    ``m`` the discriminator sees ``batch_size`` groups of ``m`` samples (:func:`pack_samples`), all
    real or all generated. With ``labels`` the GAN is conditional: the one-hot label is appended
    to ``z`` and to every sample the discriminator sees; generated samples get labels drawn from
    the training labels.

    Several runs (*members*) train at once when ``seed`` is a list (one run per seed): their
    weights are stacked and evaluated with batched matrix products, and each member has its own
    random stream and its own initial weights, so it follows the path it would follow alone up to
    float rounding. The rounding of the batched products changes with the number of members,
    and over hundreds of rounds the game amplifies such differences: a member is a statistically
    equivalent run, not a bit-identical copy of the lone run (after 800 rounds of the benchmark,
    samples of the same latent points differ by up to about 0.7 on the ring and 2.5 on the
    grid). ``data``, ``labels`` and ``pack``
    may also be lists, one entry per member (all data sets of the same dimension).

    Parameters
    ----------
    data : array (n, d), or a list of arrays (n_s, d)
        Training data (any dimension ``d``; the 2-D benchmarks, or the 64-pixel digits).
    steps : int
        Rounds of training.
    seed : int or list of int
        One seed per member: it sets the initial weights and every minibatch.
    labels : int array (n,), a list of them, or None
        Class labels in ``0..K-1``: a conditional GAN.
    pack : int or list of int
        Packing degree ``m`` (1: an ordinary GAN), per member.
    latent_dim, hidden, depth : int
        Size of ``z``; width and number of hidden layers of both networks.
    batch_size : int
        Minibatch size (groups of ``m`` samples with packing).
    lr, lr_d : float
        Adam learning rates of the generator and of the discriminator (``lr_d`` defaults to ``lr``).
    betas : (float, float)
        Adam's ``beta_1, beta_2``.
    schedule : {"cosine", "constant"}
        Learning rates decay as ``(1 + cos(pi t / steps)) / 2``, or stay constant.
    loss : {"non-saturating", "minimax"}
        The generator's objective (:func:`gan_losses`).
    d_steps, g_steps : int
        Discriminator and generator steps per round.
    activation : {"relu", "leaky_relu", "tanh"}
        Hidden activation of both networks.
    output : {"linear", "tanh", "sigmoid"}
        Output of the generator (bounded outputs for data in ``[-1, 1]`` or ``[0, 1]``).
    standardize : bool, optional
        Train on ``(x - mean) / scale`` (one scale per member: the root mean variance of the
        coordinates) and map samples back. Default: True for a linear output, else False (and
        True is refused for bounded outputs).
    snapshot_every : int, optional
        Record :class:`Snapshots` at steps ``0, snapshot_every, 2 snapshot_every, ...`` and at the end.
    snapshot_n, snapshot_grid : int
        Generator samples per snapshot; grid size of the discriminator's map (2-D data).
    device : str, optional
        Torch device (default :func:`mlnotes.runtime.device`).
    progress : bool
        Show a progress bar.

    Returns
    -------
    GANResult

    See ``notebooks/05-generative/04-gans.ipynb``.
    """
    func = "train_gan"
    datas, data_seq = _data_list(data, func)
    seeds, seed_seq = _per_member(seed, "seed", func)
    packs, pack_seq = _per_member(pack, "pack", func)
    if labels is None:
        labs, lab_seq = [None], False
    elif _is_list_of(labels, 1):
        labs, lab_seq = list(labels), True
    else:
        labs, lab_seq = [labels], False
    lengths = {len(v) for v, is_seq in ((datas, data_seq), (seeds, seed_seq), (packs, pack_seq), (labs, lab_seq))
               if is_seq}
    if len(lengths) > 1:
        raise ValueError(f"{func}: the lists data, seed, labels and pack must have the same length "
                         f"(one entry per member), got lengths {sorted(lengths)}")
    S = lengths.pop() if lengths else 1
    if S > 1024:
        raise ValueError(f"{func}: at most 1024 members, got {S}")
    datas = datas * S if len(datas) == 1 else datas
    seeds = [as_seed(s, "seed", func, allow_none=False) for s in (seeds * S if len(seeds) == 1 else seeds)]
    packs = [as_size(p, "pack", func, hi=64) for p in (packs * S if len(packs) == 1 else packs)]
    labs = labs * S if len(labs) == 1 else labs
    steps = as_size(steps, "steps", func, hi=10_000_000)
    latent_dim = as_size(latent_dim, "latent_dim", func, hi=100_000)
    hidden = as_size(hidden, "hidden", func, hi=100_000)
    depth = as_size(depth, "depth", func, hi=100)
    batch_size = as_size(batch_size, "batch_size", func, hi=1_000_000)
    lr = as_float(lr, "lr", func, positive=True)
    lr_d = lr if lr_d is None else as_float(lr_d, "lr_d", func, positive=True)
    if isinstance(betas, (str, bytes)) or not isinstance(betas, (list, tuple)) or len(betas) != 2:
        raise TypeError(f"{func}: betas must be a pair of numbers in [0, 1), got {betas!r}")
    betas = tuple(as_float(b, "betas", func, lo=0.0, hi=1.0) for b in betas)
    if max(betas) >= 1.0:
        raise ValueError(f"{func}: betas must lie in [0, 1), got {betas}")
    as_choice(schedule, "schedule", func, SCHEDULES)
    as_choice(loss, "loss", func, LOSSES)
    d_steps = as_size(d_steps, "d_steps", func, hi=1000)
    g_steps = as_size(g_steps, "g_steps", func, hi=1000)
    as_choice(activation, "activation", func, ACTIVATIONS)
    as_choice(output, "output", func, OUTPUTS)
    if standardize is None:
        standardize = output == "linear"
    standardize = as_bool(standardize, "standardize", func)
    if standardize and output != "linear":
        raise ValueError(f"{func}: standardize=True needs output='linear' (a bounded output must see the data "
                         f"as they are), got output={output!r}")
    if snapshot_every is not None:
        snapshot_every = as_size(snapshot_every, "snapshot_every", func, hi=10_000_000)
    snapshot_n = as_size(snapshot_n, "snapshot_n", func, hi=1_000_000)
    snapshot_grid = as_size(snapshot_grid, "snapshot_grid", func, lo=2, hi=1000)
    if device is not None:
        device = as_device(device, "device", func)
    progress = as_bool(progress, "progress", func)
    dev = torch.device(device if device is not None else runtime.device())

    d = datas[0].shape[1]
    # labels: integers 0..K-1, one per data point
    conditional = labs[0] is not None
    if any((lb is None) != (not conditional) for lb in labs):
        raise ValueError(f"{func}: labels must be given for every member or for none")
    K = 0
    if conditional:
        checked = []
        for i, (x, lb) in enumerate(zip(datas, labs)):
            lb = as_array(lb, "labels", func, ndim=1)
            if len(lb) != len(x):
                raise ValueError(f"{func}: labels must hold one label per data point ({len(x)}), got {len(lb)}")
            if np.any(lb != np.round(lb)) or lb.min() < 0:
                raise ValueError(f"{func}: labels must be non-negative integers")
            checked.append(lb.astype(np.int64))
        labs = checked
        K = int(max(lb.max() for lb in labs)) + 1
        if K > 10_000:
            raise ValueError(f"{func}: labels must be below 10000, got {K - 1}")

    # standardisation, per member
    loc = np.zeros((S, 1, d))
    scale = np.ones((S, 1, 1))
    if standardize:
        for s, x in enumerate(datas):
            loc[s, 0] = x.mean(0)
            sc = float(np.sqrt(x.var(0).mean()))
            scale[s, 0, 0] = sc if sc > 1e-12 else 1.0
    n_max = max(len(x) for x in datas)
    Xp = np.zeros((S, n_max, d), dtype=np.float32)
    Yp = np.zeros((S, n_max), dtype=np.int64)
    for s, x in enumerate(datas):
        Xp[s, :len(x)] = (x - loc[s]) / scale[s]
        if conditional:
            Yp[s, :len(x)] = labs[s]
    sizes_n = [len(x) for x in datas]
    label_freq = None
    if conditional:
        label_freq = np.bincount(np.concatenate(labs), minlength=K) / sum(sizes_n)

    P = max(packs)
    width = d + K                      # one sample as the discriminator sees it
    mask_np = np.array([[1.0 if j < p else 0.0 for j in range(P)] for p in packs])
    G = StackedMLP([latent_dim + K] + [hidden] * depth + [d], S, activation=activation, output=output,
                   seeds=seeds)
    D = StackedMLP([P * width] + [hidden] * depth + [1], S, activation=activation, seeds=[s + 1 for s in seeds],
                   inputs=[p * width for p in packs])
    G.to(dev)
    D.to(dev)
    X = torch.as_tensor(Xp, device=dev)
    Y = torch.as_tensor(Yp, device=dev)
    mask = torch.as_tensor(mask_np, dtype=torch.float32, device=dev)[:, None, :, None]
    all_packed = bool(np.all(mask_np == 1.0))
    gens = [torch.Generator(device=dev).manual_seed(int(s)) for s in seeds]
    ar = torch.arange(S, device=dev)[:, None]

    opt_g, opt_d = Adam(G.parameters(), lr, betas), Adam(D.parameters(), lr_d, betas)

    def padded(t, p):
        """(batch_size * p, ...) -> (batch_size * P, ...): member draws for p slots, zeros in the rest
        (masked out of the discriminator), so that a member's random numbers do not depend on P."""
        if p == P:
            return t
        t = t.reshape(batch_size, p, *t.shape[1:])
        pad = torch.zeros(batch_size, P - p, *t.shape[2:], dtype=t.dtype, device=t.device)
        return torch.cat([t, pad], dim=1).reshape(batch_size * P, *t.shape[2:])

    def real_batch():
        idx = torch.stack([padded(torch.randint(0, n, (batch_size * p,), generator=g, device=dev), p)
                           for n, g, p in zip(sizes_n, gens, packs)])
        return X[ar, idx], (Y[ar, idx] if conditional else None)

    def noise():
        z = torch.stack([padded(torch.randn(batch_size * p, latent_dim, generator=g, device=dev), p)
                         for g, p in zip(gens, packs)])
        if not conditional:
            return z, None
        idx = torch.stack([padded(torch.randint(0, n, (batch_size * p,), generator=g, device=dev), p)
                           for n, g, p in zip(sizes_n, gens, packs)])
        y = Y[ar, idx]
        return torch.cat([z, F.one_hot(y, K).float()], dim=-1), y

    def disc_input(x, y):
        if conditional:
            x = torch.cat([x, F.one_hot(y, K).float()], dim=-1)
        x = x.reshape(S, batch_size, P, width)
        if not all_packed:
            x = x * mask
        return x.reshape(S, batch_size, P * width)

    # snapshots
    snap_steps: List[int] = []
    snap_samples: List[np.ndarray] = []
    snap_disc: List[np.ndarray] = []
    snap_labels = None
    extent = np.zeros((S, 4))
    want_disc = d == 2 and not conditional
    if snapshot_every is not None:
        zs = torch.stack([torch.randn(snapshot_n, latent_dim, generator=torch.Generator().manual_seed(int(s) + 7919))
                          for s in seeds]).to(dev)
        if conditional:
            snap_labels = np.arange(snapshot_n) % K
            zs = _with_labels(zs, snap_labels, K, dev)
        if want_disc:
            g_lin = np.linspace(-1.0, 1.0, snapshot_grid)
            gx, gy = np.meshgrid(g_lin, g_lin)           # rows: y increasing
            unit = np.stack([gx.ravel(), gy.ravel()], axis=1)
            pts = np.zeros((S, snapshot_grid ** 2, 2))
            for s, x in enumerate(datas):
                lo, hi = x.min(0), x.max(0)
                c, half = (lo + hi) / 2, 0.65 * float(max(hi - lo)) + 1e-3
                extent[s] = (c[0] - half, c[0] + half, c[1] - half, c[1] + half)
                pts[s] = c + half * unit
            grid_in = torch.as_tensor((pts - loc) / scale, dtype=torch.float32, device=dev)
            grid_in = (grid_in[:, :, None, :] * mask).reshape(S, -1, P * 2)

    @torch.no_grad()
    def snapshot(t):
        snap_steps.append(t)
        snap_samples.append((loc + scale * G(zs).double().cpu().numpy()).astype(np.float32))
        if want_disc:
            pr = torch.sigmoid(D(grid_in))[..., 0].reshape(S, snapshot_grid, snapshot_grid)
            snap_disc.append(pr.float().cpu().numpy())

    hist_d = torch.zeros(steps, S, device=dev)
    hist_g = torch.zeros(steps, S, device=dev)
    d_params = list(D.parameters())
    if snapshot_every is not None:
        snapshot(0)
    t0 = time.perf_counter()
    for t in runtime.progress(range(steps), total=steps, desc="training GAN", disable=None if progress else True):
        if schedule == "cosine":
            f = 0.5 * (1.0 + math.cos(math.pi * t / steps))
            opt_g.lr, opt_d.lr = lr * f, lr_d * f
        for _ in range(d_steps):
            xr, yr = real_batch()
            z, yf = noise()
            xf = G(z)
            out = D(torch.cat([disc_input(xr, yr), disc_input(xf.detach(), yf)], dim=1))
            loss_d, _ = gan_losses(out[:, :batch_size], out[:, batch_size:], loss)
            opt_d.zero_grad()
            loss_d.sum().backward()
            opt_d.step()
        for p in d_params:
            p.requires_grad_(False)
        for k in range(g_steps):
            if k > 0:
                z, yf = noise()
                xf = G(z)
            loss_g = _generator_loss(D(disc_input(xf, yf)), loss)
            opt_g.zero_grad()
            loss_g.sum().backward()
            opt_g.step()
        for p in d_params:
            p.requires_grad_(True)
        hist_d[t] = loss_d.detach()
        hist_g[t] = loss_g.detach()
        if snapshot_every is not None and ((t + 1) % snapshot_every == 0 or t + 1 == steps):
            snapshot(t + 1)
    seconds = time.perf_counter() - t0
    G.eval()
    D.eval()
    snaps = None
    if snapshot_every is not None:
        snaps = Snapshots(steps=np.array(snap_steps), samples=np.stack(snap_samples, axis=1),
                          labels=snap_labels, disc=np.stack(snap_disc, axis=1) if want_disc else None,
                          extent=extent)
    cfg = dict(steps=steps, seeds=seeds, packs=packs, pack_max=P, pack_mask=mask_np, latent_dim=latent_dim,
               hidden=hidden, depth=depth, batch_size=batch_size, lr=lr, lr_d=lr_d, betas=betas,
               schedule=schedule, loss=loss, d_steps=d_steps, g_steps=g_steps, activation=activation,
               output=output, standardize=standardize, n_classes=K, dim=d, device=str(dev))
    history = {"d_loss": hist_d.T.double().cpu().numpy(), "g_loss": hist_g.T.double().cpu().numpy()}
    return GANResult(generator=G, discriminator=D, config=cfg, history=history, snapshots=snaps, seconds=seconds,
                     loc=loc[:, 0, :], scale=scale[:, 0, 0], label_freq=label_freq)


# --------------------------------------------------------------------------- configurations
#: The notebook's training configurations: the CPU one (seconds) and the full one (GPU or
#: ``MLNOTES_FULL=1``). Keys are arguments of :func:`train_gan`, plus ``seeds`` (how many
#: seeds) and ``n_train`` (data points per data set).
CONFIGS: Dict[str, Dict[str, Dict[str, Any]]] = {
    # ring and grid, several seeds, non-saturating loss
    "benchmark": {
        "cpu": dict(steps=800, seeds=3, n_train=20_000, hidden=64, depth=2, latent_dim=2, batch_size=128,
                    lr=1e-2, betas=(0.5, 0.9), schedule="cosine", g_steps=1, snapshot_every=40),
        "full": dict(steps=3000, seeds=8, n_train=100_000, hidden=128, depth=2, latent_dim=2, batch_size=256,
                     lr=5e-3, betas=(0.5, 0.9), schedule="cosine", g_steps=1, snapshot_every=150),
    },
    # the benchmark set-up with one change, four generator steps per round (and a quarter of the
    # rounds, so the generator takes as many steps): the collapsing set-up, with and without packing
    "collapse": {
        "cpu": dict(steps=200, seeds=3, n_train=20_000, hidden=64, depth=2, latent_dim=2, batch_size=128,
                    lr=1e-2, betas=(0.5, 0.9), schedule="cosine", g_steps=4, snapshot_every=10),
        "full": dict(steps=750, seeds=8, n_train=100_000, hidden=128, depth=2, latent_dim=2, batch_size=256,
                     lr=5e-3, betas=(0.5, 0.9), schedule="cosine", g_steps=4, snapshot_every=50),
    },
    # a conditional GAN on the ring: the class is the mode
    "conditional": {
        "cpu": dict(steps=200, seeds=2, n_train=20_000, hidden=64, depth=2, latent_dim=2, batch_size=128,
                    lr=1e-2, betas=(0.5, 0.9), schedule="cosine", g_steps=1, snapshot_every=None),
        "full": dict(steps=1000, seeds=4, n_train=100_000, hidden=128, depth=2, latent_dim=2, batch_size=256,
                     lr=5e-3, betas=(0.5, 0.9), schedule="cosine", g_steps=1, snapshot_every=None),
    },
}


def config(name: str = "benchmark", *, steps: Optional[int] = None, verbose: bool = True) -> dict:
    """The configuration of one of the notebook's experiments, chosen by :func:`mlnotes.runtime.choose`
    (the full one on a GPU or with ``MLNOTES_FULL=1``); ``steps`` overrides the number of rounds
    (tests use it to run the full configuration quickly)."""
    as_choice(name, "name", "config", sorted(CONFIGS))
    verbose = as_bool(verbose, "verbose", "config")
    pair = CONFIGS[name]
    if verbose:
        cfg = runtime.choose(cpu=pair["cpu"], full=pair["full"], name=f"GAN ({name})")
    else:
        full = runtime.full_config()
        cfg = dict(pair["full" if full else "cpu"], full=full, device=runtime.device())
    if steps is not None:
        cfg["steps"] = as_size(steps, "steps", "config", hi=10_000_000)
        if cfg.get("snapshot_every"):
            cfg["snapshot_every"] = max(1, min(cfg["snapshot_every"], cfg["steps"]))
    return cfg
