"""``LatentExplorer``: walk through the 2-D latent space of a trained VAE and see what it decodes to.

Explained in ``notebooks/05-generative/03-variational-autoencoders.ipynb``. The left panel is the
latent map: the encoder means ``mu(x)`` of a set of images (the held-out digits), coloured by class,
with the class labels at their medians. Two points move on it:

* the **line point** ``z(t) = (1 - t) mu(a) + t mu(b)`` on the segment between the encodings of two
  digits ``a`` and ``b`` chosen by dropdowns (each class is represented by its most typical
  example: the one whose mean lies nearest the class's median); the middle panel shows its decoding;
* the **free point** ``(z1, z2)`` set by two sliders; the right panel shows its decoding.

The images are the decoder's means ``f_theta(z)`` (:meth:`mlnotes.vae.VAE.decode`). Nothing is
trained on construction when a model is given; ``LatentExplorer()`` uses :func:`default_model`, a
small VAE trained once per process (about a second) on the digits.
"""
from __future__ import annotations

import functools
import math
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

import numpy as np
from matplotlib.figure import Figure

from .. import plotting
from ..validate import as_array, as_float
from .base import Choice, FloatSlider, Player, Widget, _pin_axis_labels

__all__ = ["LatentExplorer", "default_model"]

_LINE_C = "#000000"      # the line point and its panel title
_FREE_C = "#D55E00"      # the free point and its panel title
#: Epochs of the gallery's default model (the notebook trains the full CPU configuration).
DEFAULT_EPOCHS = 30


@functools.lru_cache(maxsize=1)
def default_model() -> Tuple[Any, np.ndarray, np.ndarray]:
    """A small VAE on the digits for the gallery: ``(model, test images, test labels)``.

    The digits (``X / 16``) are split 80/20 (stratified, ``random_state=0``, as in the notebook);
    the model is :data:`mlnotes.vae.CONFIGS` ``["cpu"]`` trained for 30 epochs instead of 60 on the
    CPU, seed 0 (about a second). Cached: later calls in the same process return the same objects.
    """
    from sklearn.model_selection import train_test_split  # noqa: PLC0415

    from .. import data, vae  # noqa: PLC0415

    X, y = data.digits()
    Xtr, Xte, _, yte = train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)
    model, _ = vae.train_vae(Xtr, config=vae.CONFIGS["cpu"], epochs=DEFAULT_EPOCHS, seed=0, device="cpu")
    return model, Xte, yte


class LatentExplorer(Widget):
    """Decode points of a VAE's 2-D latent space: on a line between two encoded digits, and anywhere.

    Parameters
    ----------
    model : mlnotes.vae.VAE, optional
        A trained model with ``latent_dim = 2`` and square images (``data_dim`` a square number).
        Default: :func:`default_model` (then ``images`` and ``labels`` must be left out too).
    images : array (n, D)
        The images whose latent means are drawn (e.g. the held-out digits, values in [0, 1]).
    labels : array (n,) of ints
        Their classes: the colours of the map and the options of the two dropdowns.
    limit : float, optional
        The sliders and the map span ``[-limit, limit]^2``; default: 3, or more when the 99th
        percentile of ``|mu|`` needs it (rounded up to 0.5).

    Controls
    --------
    start, end : the classes whose typical examples define the line; t : position on the line,
    0 (``start``) to 1 (``end``); z1, z2 : the free point.

    Compute methods: :meth:`latent_map`, :meth:`anchor`, :meth:`line_point`, :meth:`free_point`,
    :meth:`decoded`.
    """

    def __init__(self, model: Any = None, images: Any = None, labels: Any = None, *,
                 limit: Optional[float] = None) -> None:
        super().__init__()
        import torch  # noqa: PLC0415

        from .. import vae  # noqa: PLC0415

        if model is None:
            if images is not None or labels is not None:
                raise ValueError("LatentExplorer: give images and labels together with a model "
                                 "(or none of the three for the default digits model)")
            model, images, labels = default_model()
        if not isinstance(model, vae.VAE):
            raise TypeError(f"LatentExplorer: model must be a mlnotes.vae.VAE, got {type(model).__name__}")
        if model.latent_dim != 2:
            raise ValueError(f"LatentExplorer: model must have a 2-D latent space, got latent_dim = "
                             f"{model.latent_dim}")
        side = math.isqrt(model.data_dim)
        if side * side != model.data_dim:
            raise ValueError(f"LatentExplorer: model must generate square images (data_dim a square number), "
                             f"got data_dim = {model.data_dim}")
        if images is None or labels is None:
            raise ValueError("LatentExplorer: images and labels are needed with a model")
        X = as_array(images, "images", "LatentExplorer", ndim=2, shape=(None, model.data_dim))
        lab = np.asarray(labels)
        if lab.ndim != 1 or lab.shape[0] != X.shape[0] or lab.dtype == bool \
                or not np.issubdtype(lab.dtype, np.integer):
            raise ValueError(f"LatentExplorer: labels must be a 1-D array of {X.shape[0]} integers (one per "
                             f"image), got {lab.dtype} of shape {lab.shape}")
        self.model, self.side = model, side
        p = next(model.parameters())
        with torch.no_grad():
            mu, _ = model.encode(torch.as_tensor(X, dtype=p.dtype, device=p.device))
        self.images, self.labels = X, lab.astype(np.int64)
        self.latents = mu.detach().cpu().double().numpy()
        if limit is None:
            q = float(np.percentile(np.abs(self.latents), 99))
            limit = max(3.0, math.ceil(2 * q) / 2)
        self.limit = as_float(limit, "limit", "LatentExplorer", positive=True)
        self.classes = [int(c) for c in np.unique(self.labels)]
        if len(self.classes) < 2:
            raise ValueError(f"LatentExplorer: labels must hold at least 2 classes, got {self.classes}")
        self._anchors: Dict[int, int] = {}
        for c in self.classes:
            idx = np.flatnonzero(self.labels == c)
            centre = np.median(self.latents[idx], axis=0)
            self._anchors[c] = int(idx[np.argmin(((self.latents[idx] - centre) ** 2).sum(1))])
        L = self.limit
        self.controls = {
            "start": Choice(self.classes, self.classes[0], "from digit"),
            "end": Choice(self.classes, self.classes[-1], "to digit"),
            "t": FloatSlider(0.0, 1.0, 0.5, step=0.05, description="t on the line"),
            "z1": FloatSlider(-L, L, 0.0, step=0.05, description="free z1"),
            "z2": FloatSlider(-L, L, 0.0, step=0.05, description="free z2"),
        }
        self._cache: Dict[Tuple[float, float], np.ndarray] = {}

    # ------------------------------------------------------------------ compute
    def latent_map(self) -> Tuple[np.ndarray, np.ndarray]:
        """The encoder means ``mu(x)`` of the images, shape ``(n, 2)``, and their labels."""
        return self.latents, self.labels

    def anchor(self, digit: int) -> Tuple[int, np.ndarray]:
        """The typical example of class ``digit``: its index in ``images`` and its latent mean.

        Typical: the example of that class whose mean lies nearest the class's (coordinate-wise)
        median mean.
        """
        digit = self.controls["start"].validate("LatentExplorer.anchor: digit", digit)
        i = self._anchors[digit]
        return i, self.latents[i].copy()

    def line_point(self, start: int, end: int, t: float) -> np.ndarray:
        """``(1 - t) mu(start) + t mu(end)``: the point at ``t`` on the segment between the encodings."""
        st = self.validate(start=start, end=end, t=t)
        a, b = self.anchor(st["start"])[1], self.anchor(st["end"])[1]
        return (1.0 - st["t"]) * a + st["t"] * b

    def free_point(self, z1: float, z2: float) -> np.ndarray:
        """The free point ``(z1, z2)`` (checked against the sliders' range)."""
        st = self.validate(z1=z1, z2=z2)
        return np.array([st["z1"], st["z2"]])

    def decoded(self, z: Any) -> np.ndarray:
        """The decoder's mean image ``f_theta(z)`` at a latent point ``z`` (2 numbers), shape ``(side, side)``."""
        import torch  # noqa: PLC0415

        z = as_array(z, "z", "LatentExplorer.decoded", shape=(2,))
        key = (float(z[0]), float(z[1]))
        hit = self._cache.get(key)
        if hit is None:
            p = next(self.model.parameters())
            with torch.no_grad():
                out = self.model.decode(torch.as_tensor(z[None], dtype=p.dtype, device=p.device))
            hit = out[0].cpu().double().numpy().reshape(self.side, self.side)
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[key] = hit
        return hit

    # ------------------------------------------------------------------- figure
    def _figsize(self) -> tuple:
        return (10.0, 3.9)

    def _draw(self, fig: Figure, state: Mapping[str, Any]) -> None:
        gs = fig.add_gridspec(1, 3, width_ratios=(1.45, 1.0, 1.0))
        ax = self._ax = fig.add_subplot(gs[0])
        self._ax_line = fig.add_subplot(gs[1])
        self._ax_free = fig.add_subplot(gs[2])
        cmap = _class_colours()
        Z, lab = self.latents, self.labels
        cidx = np.searchsorted(self.classes, lab)
        ax.scatter(Z[:, 0], Z[:, 1], s=9, c=cmap(cidx % 10), linewidths=0, alpha=0.75, zorder=1)
        for k, c in enumerate(self.classes):
            m = np.median(Z[lab == c], axis=0)
            ax.text(m[0], m[1], str(c), color=cmap(k % 10), fontsize=12, fontweight="bold", ha="center",
                    va="center", zorder=2, clip_on=True,
                    bbox=dict(boxstyle="round,pad=0.1", fc=(1, 1, 1, 0.7), ec="none"))
        (self._segment,) = ax.plot([0, 0], [0, 0], "--", color=_LINE_C, lw=1.3, zorder=3)
        (self._ends,) = ax.plot([0, 0], [0, 0], "o", ms=7, mfc="white", mec=_LINE_C, mew=1.5, ls="none",
                                zorder=3)
        (self._line_pt,) = ax.plot([0], [0], "o", ms=9, color=_LINE_C, mec="white", mew=1.2, zorder=6)
        (self._free_pt,) = ax.plot([0], [0], "*", ms=15, color=_FREE_C, mec="white", mew=1.0, zorder=6)
        L = self.limit
        ax.set_xlim(-L, L)
        ax.set_ylim(-L, L)
        ax.set_aspect("equal")
        plotting.label(ax, "$z_1$", "$z_2$", "latent means of the images")
        ax.set_title(ax.get_title(), y=1.0)
        blank = np.zeros((self.side, self.side))
        self._im_line = self._ax_line.imshow(blank, cmap="gray", vmin=0, vmax=1, interpolation="nearest",
                                             zorder=3)
        self._im_free = self._ax_free.imshow(blank, cmap="gray", vmin=0, vmax=1, interpolation="nearest",
                                             zorder=3)
        self._titles = []
        for a_, colour in ((self._ax_line, _LINE_C), (self._ax_free, _FREE_C)):
            a_.axis("off")
            a_.set_title(" ", fontsize=10, y=1.0)     # reserves the room of the animated title
            self._titles.append(a_.text(0.5, 1.02, " ", transform=a_.transAxes, ha="center", va="bottom",
                                        fontsize=10, color=colour, clip_on=False, zorder=7))
        # what t, z1 and z2 move is animated: repainted over the cached background
        for art in (self._line_pt, self._free_pt, self._im_line, self._im_free, *self._titles):
            art.set_animated(True)
        self._shown: Dict[str, Any] = {}

    def figure(self, **state: Any) -> Figure:
        """Build the figure for ``state``; the layout is computed once, then frozen (fast updates)."""
        fig = super().figure(**state)
        _pin_axis_labels(self._ax)
        return fig

    def _update(self, state: Mapping[str, Any]) -> None:
        ends = (state["start"], state["end"])
        if self._shown.get("ends") != ends:
            a, b = self.anchor(ends[0])[1], self.anchor(ends[1])[1]
            self._segment.set_data([a[0], b[0]], [a[1], b[1]])
            self._ends.set_data([a[0], b[0]], [a[1], b[1]])
            self._shown["ends"] = ends
        zl = self.line_point(state["start"], state["end"], state["t"])
        zf = np.array([state["z1"], state["z2"]], dtype=float)
        self._line_pt.set_data([zl[0]], [zl[1]])
        self._free_pt.set_data([zf[0]], [zf[1]])
        self._im_line.set_data(self.decoded(zl))
        self._im_free.set_data(self.decoded(zf))
        self._titles[0].set_text(f"{state['start']} \u2192 {state['end']}, t = {state['t']:.2f}")
        self._titles[1].set_text(f"z = ({zf[0]:.2f}, {zf[1]:.2f})")

    def player(self, param: str, values: Optional[Sequence[Any]] = None, **kwargs: Any) -> Player:
        """Pre-rendered sweep (see :meth:`Widget.player`). Default values: 16 positions of ``t``
        from 0 to 1 (the path between the two digits), or 16 slider positions of ``z1``/``z2``."""
        if values is None and isinstance(param, str) and param == "t":
            values = [round(float(v), 4) for v in np.linspace(0.0, 1.0, 16)]
        return super().player(param, values, **kwargs)


def _class_colours():
    """The ten class colours of the latent map (matplotlib's ``tab10``)."""
    import matplotlib  # noqa: PLC0415

    return matplotlib.colormaps["tab10"]
