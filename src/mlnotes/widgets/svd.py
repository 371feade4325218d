"""SVD image compression widget (notebook ``01-linear-algebra/06-svd-compression``).

:class:`SVDCompression` shows the rank-``k`` reconstruction of an image next to the original
and the error, the singular-value spectrum with ``k`` marked, the cumulative energy, and the
storage/error numbers. The SVD of each image is computed once (by
:class:`mlnotes.linalg.SVDCompressor`) and cached; moving ``k`` only multiplies
:math:`\\mathbf{U}_k\\boldsymbol{\\Sigma}_k` by :math:`\\mathbf{V}_k^\\top` and updates the
artists in place.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable, Dict, Mapping, Optional, Sequence, Tuple

import numpy as np
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator

from .. import data, plotting
from ..linalg.svd import SVDCompressor, SVDStats, check_image
from .base import Choice, IntSlider, Player, Toggle, Widget

__all__ = ["SVDCompression", "BUNDLED_IMAGES"]

#: Bundled images offered by the widget, in menu order (see :data:`mlnotes.data.IMAGES`).
BUNDLED_IMAGES = ("hopper_gray_512", "hopper_512", "mri", "terrain", "hopper_gray", "hopper")

_CHANNEL_COLOURS = ("#D55E00", "#009E73", "#0072B2")   # R, G, B lines of the spectrum
_GRAY_COLOUR = "#000000"


@dataclass
class _RankSlider(IntSlider):
    """The rank slider: its upper end depends on the image, so validation only checks
    ``k >= 1`` here and the widget checks ``k <= min(m, n)`` for the chosen image."""

    current_max: Optional[Callable[[], int]] = None

    def __post_init__(self) -> None:  # the upper end depends on the image: checked there
        self.validate("k", self.default)

    def validate(self, name: str, value: Any) -> int:
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an int in [1, min(m, n)] of the image, got {value!r}")
        if value < self.min:
            raise ValueError(f"{name} must be an int in [1, min(m, n)] of the image, got {value}")
        return int(value)

    def make(self, name: str, value: Any):
        top = self.current_max() if self.current_max is not None else self.max
        return IntSlider.make(dataclasses.replace(self, max=top, current_max=None), name, value)


class SVDCompression(Widget):
    """Rank-``k`` SVD compression of a grayscale or colour image, explored with a slider.

    Parameters
    ----------
    custom : array, optional
        Your own image, shape ``(m, n)`` or ``(m, n, 3)``, offered as the option ``'custom'``
        (and then the default). Values in [0, 1] are used as they are, whole numbers in
        [0, 255] (an 8-bit image) are divided by 255, anything else is rescaled to [0, 1].
    k : int
        Default rank.

    Controls
    --------
    image : one of :data:`BUNDLED_IMAGES` (plus ``'custom'``);
    k : the rank, from 1 to ``min(m, n)`` of the image;
    log_scale : logarithmic axis for the singular values.

    Rank and image changes: a ``k`` larger than the image's ``min(m, n)`` is clamped to it when
    the image has just changed or ``k`` was carried over from the previous state; an explicit
    ``k`` out of range for the current image raises ``ValueError``. In :meth:`widget` the
    slider's maximum follows the image.

    Display: the reconstruction is ``reconstruct(k, clip=True)`` in float32 (clipped to [0, 1]);
    the error panel is the per-pixel error of the *unclipped* reconstruction; the numbers come
    from :meth:`stats`.
    """

    def __init__(self, custom=None, k: int = 20) -> None:
        super().__init__()
        self._images: Dict[str, np.ndarray] = {}
        self._compressors: Dict[str, SVDCompressor] = {}
        self._err_vmax: Dict[str, float] = {}
        options = list(BUNDLED_IMAGES)
        if custom is not None:
            self._images["custom"] = _normalise(check_image(custom, "custom"))
            options.append("custom")
        default_image = "custom" if custom is not None else BUNDLED_IMAGES[0]
        # ``controls`` is per instance: the options depend on ``custom``.
        self.controls = {
            "image": Choice(options=tuple(options), default=default_image, description="image"),
            # max=512 only seeds the dataclass: the slider is made with, and validated
            # against, min(m, n) of the image shown
            "k": _RankSlider(min=1, max=512, default=k, description="rank k",
                             current_max=lambda: self.max_rank(self._current_image())),
            "log_scale": Toggle(default=True, description="log scale"),
        }
        self.controls["k"].validate("k", k)
        top = max(512, self.max_rank(default_image))  # a smaller image clamps k when shown
        if k > top:
            raise ValueError(f"SVDCompression: k must lie in [1, {top}], got {k}")
        self._shown: Dict[str, Any] = {}
        self._layout_shape: Tuple[int, int] = (0, 0)   # the image shape the layout was made for

    def busy_message(self, state: Mapping[str, Any]) -> Optional[str]:
        """Announce the SVD of an image seen for the first time (about a second for 512 x 512 RGB)."""
        name = self._check_state_mapping(state).get("image")
        if name in self._compressors:
            return None
        return f"computing the SVD of {name}"

    # ------------------------------------------------------------------ compute
    def image(self, name: str) -> np.ndarray:
        """The image ``name`` as a float array in [0, 1] (loaded once)."""
        self.controls["image"].validate("image", name)
        if name not in self._images:
            self._images[name] = data.image(name)
        return self._images[name]

    def max_rank(self, name: str) -> int:
        """``min(m, n)`` of image ``name``: the largest rank ``k`` it allows."""
        return int(min(self.image(name).shape[:2]))

    def compressor(self, name: Optional[str] = None) -> SVDCompressor:
        """The cached :class:`~mlnotes.linalg.SVDCompressor` of image ``name`` (default: the shown one).

        The SVD is computed the first time an image is asked for, never again.
        """
        name = self._current_image() if name is None else name
        self.controls["image"].validate("image", name)
        if name not in self._compressors:
            comp = SVDCompressor(self.image(name))
            self._compressors[name] = comp
            # fixed colour scale of the error panel: the rank-1 error's 99th percentile
            self._err_vmax[name] = float(np.percentile(comp.error_image(1, dtype=np.float32), 99)) or 1.0
        return self._compressors[name]

    def reconstruct(self, k: int, image: Optional[str] = None, *, clip: bool = False) -> np.ndarray:
        """Rank-``k`` approximation of ``image`` (float64; ``clip=True`` is what the figure shows)."""
        if not isinstance(clip, (bool, np.bool_)):
            raise TypeError(f"SVDCompression.reconstruct: clip must be True or False, got {clip!r}")
        return self.compressor(image).reconstruct(k, clip=clip)

    def stats(self, k: int, image: Optional[str] = None) -> SVDStats:
        """Storage and error numbers of the rank-``k`` approximation (see :meth:`SVDCompressor.stats`)."""
        return self.compressor(image).stats(k)

    def _current_image(self) -> str:
        return (self.state or self.defaults())["image"]

    # -------------------------------------------------------------------- state
    def validate(self, **state: Any) -> Dict[str, Any]:
        """Check a state; clamp or reject a rank beyond the image's ``min(m, n)`` (see the class doc)."""
        previous = self.state.get("image") if self.state else None
        st = super().validate(**state)
        top = self.max_rank(st["image"])
        if st["k"] > top:
            switched = previous is not None and st["image"] != previous
            if "k" not in state or switched:
                st["k"] = top
            else:
                shape = "x".join(map(str, self.image(st["image"]).shape[:2]))
                raise ValueError(
                    f"k must lie in [1, {top}] for image {st['image']!r} ({shape} pixels), got {st['k']}"
                )
        return st

    # ------------------------------------------------------------------- figure
    def background_key(self, state: Mapping[str, Any]) -> Any:
        """Everything but the rank's artists depends on the image and the scale only: going
        back to an image or scale already shown repaints the animated artists alone."""
        st = self._check_state_mapping(state)
        return (st["image"], st["log_scale"])

    def _figsize(self) -> tuple:
        return (10.0, 6.4)

    def _draw(self, fig: Figure, state: Mapping[str, Any]) -> None:
        gs = fig.add_gridspec(2, 6, height_ratios=(1.25, 1.0))
        self._ax_orig = fig.add_subplot(gs[0, 0:2])
        self._ax_rec = fig.add_subplot(gs[0, 2:4])
        self._ax_err = fig.add_subplot(gs[0, 4:6])
        self._ax_spec = fig.add_subplot(gs[1, 0:3])
        self._ax_energy = fig.add_subplot(gs[1, 3:6])
        blank = np.zeros((2, 2), dtype=np.float32)
        self._im_orig = plotting.imshow_gray(self._ax_orig, blank, "original")
        self._im_rec = plotting.imshow_gray(self._ax_rec, blank, "rank-k approximation")
        self._im_err = plotting.imshow_gray(self._ax_err, blank, "error")
        self._im_err.set_cmap("magma")
        for im in (self._im_orig, self._im_rec, self._im_err):
            im.set_interpolation_stage("data")  # resample before colour-mapping: cheap redraws
        for ax in (self._ax_orig, self._ax_rec, self._ax_err):
            ax.set_title(ax.get_title(), y=1.0)   # fixed title position: no bbox search per draw
        self._spec_lines = [self._ax_spec.plot([1], [1], lw=1.4)[0] for _ in range(3)]
        self._spec_k = self._ax_spec.axvline(1, color="0.3", ls="--", lw=1.2)
        plotting.label(self._ax_spec, "index i", "", "singular values")
        (self._energy_line,) = self._ax_energy.plot([1], [1], color=plotting.PALETTE[0])
        self._energy_k = self._ax_energy.axvline(1, color="0.3", ls="--", lw=1.2)
        (self._energy_dot,) = self._ax_energy.plot([1], [1], "o", color=plotting.PALETTE[3], ms=6)
        self._energy_dot.set_clip_on(False)  # whole at k = max, on the right edge of the axes
        plotting.label(self._ax_energy, "rank k", "", "energy kept")
        for ax in (self._ax_spec, self._ax_energy):
            ax.set_title(ax.get_title(), y=1.0)
            ax.xaxis.set_major_locator(MaxNLocator(4, integer=True))
        self._ax_energy.yaxis.set_major_locator(MaxNLocator(4, steps=[1, 2, 5, 10]))
        # the suptitle reserves the layout's room for the summary line drawn in its place
        self._title = fig.suptitle(" ", fontsize=10)
        self._text = self._ax_energy.text(0.5, 0.98, " ", transform=fig.transFigure, fontsize=10,
                                          ha="center", va="top", clip_on=False, in_layout=False)
        # What a move of k changes is animated: painted over a cached background (Widget.draw),
        # above the spines (zorder 2.5) as in a full draw.
        for z, art in enumerate((self._im_rec, self._im_err, self._spec_k, self._energy_k,
                                 self._energy_dot, self._text)):
            art.set_animated(True)
            art.set_zorder(2.6 + 0.01 * z)
        self._shown = {}

    def figure(self, **state: Any) -> Figure:
        """Build the figure for ``state``; the layout is computed once, then frozen (fast updates)."""
        fig = super().figure(**state)
        self._relayout()
        return fig

    def _relayout(self) -> None:
        """Run constrained layout once, then pin the axis labels where it put them (placing
        them anew on every draw costs about 10 ms; the tick labels keep their height)."""
        ConstrainedLayoutEngine().execute(self.fig)
        self._backgrounds.clear()   # drawn with the old layout (it is not reproduced exactly)
        for ax in (self._ax_spec, self._ax_energy):
            label = ax.xaxis.label
            xy = label.get_transform().transform(label.get_position())
            ax.xaxis.set_label_coords(*ax.transAxes.inverted().transform(xy))
            ax.yaxis.set_label_coords(0.0, 0.5)   # no y label: title says what is plotted
        self._text.set_position(self._title.get_position())

    def _update(self, state: Mapping[str, Any]) -> None:
        name, k, log = state["image"], state["k"], state["log_scale"]
        comp = self.compressor(name)
        if self._shown.get("image") != name:
            self._show_image(name, comp)
        if self._shown.get("log_scale") != log or self._shown.get("image") != name:
            self._set_scale(comp, log)
        approx = comp.reconstruct(k, dtype=np.float32)
        err = comp.error_image(k, dtype=np.float32, approx=approx)
        if comp.gray:
            self._im_rec.set_data(np.clip(approx, *comp.value_range, out=approx))
        else:  # RGB into the RGBA buffer: matplotlib's RGB->RGBA conversion costs ~6 ms per draw
            np.clip(approx, *comp.value_range, out=self._rgba[..., :3])
            self._im_rec.set_data(self._rgba)
        self._im_err.set_data(err)
        st = comp.stats(k)
        self._spec_k.set_xdata([k, k])
        self._energy_k.set_xdata([k, k])
        self._energy_dot.set_data([k], [st.energy])
        self._text.set_text(_summary(st, comp))
        self._shown = {"image": name, "log_scale": log}

    def _show_image(self, name: str, comp: SVDCompressor) -> None:
        m, n = comp.shape[:2]
        extent = (-0.5, n - 0.5, m - 0.5, -0.5)
        if comp.gray:
            self._im_orig.set_data(comp.image.astype(np.float32))
        else:  # float32 RGBA (alpha 1) draws about 3x faster than RGB
            self._rgba = np.ones((m, n, 4), dtype=np.float32)
            self._rgba[..., :3] = comp.image
            self._im_orig.set_data(self._rgba)
        for im in (self._im_orig, self._im_rec, self._im_err):
            im.set_extent(extent)
        self._im_err.set_clim(0.0, self._err_vmax[name])
        self._ax_err.title.set_text(f"|error|, scale 0\u2013{self._err_vmax[name]:.2f}")
        idx = np.arange(1, comp.max_rank + 1)
        self._ax_spec.title.set_text("singular values" if comp.gray else "singular values (R, G, B)")
        colours = (_GRAY_COLOUR,) if comp.gray else _CHANNEL_COLOURS
        for c, line in enumerate(self._spec_lines):
            if c < comp.channels:
                line.set_data(idx, comp.sigma[c])
                line.set_color(colours[c])
                line.set_visible(True)
            else:
                line.set_visible(False)
        energy = comp.energy_curve()
        self._energy_line.set_data(idx, energy)
        self._ax_energy.set_ylim(np.floor(energy[0] * 10) / 10, 1.01)  # energy[0] = rank-1 share
        for ax in (self._ax_spec, self._ax_energy):
            ax.set_xlim(0, comp.max_rank + 1)
        # an image of another shape needs another layout (the same shape keeps it: laying
        # the figure out again costs about 70 ms)
        if self._shown and (m, n) != self._layout_shape:
            self._relayout()
        self._layout_shape = (m, n)

    def _set_scale(self, comp: SVDCompressor, log: bool) -> None:
        s = comp.sigma
        top = float(s.max()) if s.size and s.max() > 0 else 1.0
        if log:
            positive = s[s > top * 1e-15]
            bottom = float(positive.min()) / 2 if positive.size else top * 1e-3
            self._ax_spec.set_yscale("log")
            self._ax_spec.yaxis.set_major_locator(LogLocator(numticks=4))
            self._ax_spec.yaxis.set_minor_locator(NullLocator())  # hundreds of minor ticks cost ~20 ms
            self._ax_spec.set_ylim(bottom, top * 2)
        else:
            self._ax_spec.set_yscale("linear")
            self._ax_spec.yaxis.set_major_locator(MaxNLocator(4))
            self._ax_spec.set_ylim(0.0, top * 1.05)

    # ----------------------------------------------------------------- controls
    def widget(self, **state: Any):
        """Live version: the rank slider's maximum follows the chosen image."""
        box = super().widget(**state)
        image_ctl, k_ctl = box.controls["image"], box.controls["k"]

        def follow_image(change: Dict[str, Any]) -> None:
            # Runs after the base observer has updated the figure (k already clamped).
            k_ctl.max = self.max_rank(self.state["image"])
            if k_ctl.value != self.state["k"]:
                k_ctl.value = self.state["k"]

        image_ctl.observe(follow_image, names="value")
        return box

    def player(self, param: str, values: Optional[Sequence[Any]] = None, **kwargs: Any) -> Player:
        """Pre-rendered sweep (see :meth:`Widget.player`); for ``param='k'`` the default values
        are 16 log-spaced ranks from 1 to ``min(m, n)`` of the image.
        """
        if isinstance(param, str) and param == "k" and values is None:
            top = self.max_rank(kwargs.get("image", self._current_image()))
            values = np.unique(np.geomspace(1, top, 16).round().astype(int)).tolist()
        return super().player(param, values, **kwargs)


def _summary(st: SVDStats, comp: SVDCompressor) -> str:
    m, n = comp.shape[:2]
    count = f"{'3' + chr(183) if comp.channels == 3 else ''}{st.k}\u00b7(1+{m}+{n})"
    return (f"k = {st.k}:  {count} = {st.stored:,} of {st.original:,} values ({100 * st.ratio:.1f} %),  "
            f"error {100 * st.rel_error:.2f} %,  energy {100 * st.energy:.2f} %")


def _normalise(img: np.ndarray) -> np.ndarray:
    """Bring a custom image to [0, 1]: keep [0, 1], divide 8-bit ranges by 255, else min-max."""
    lo, hi = float(img.min()), float(img.max())
    if lo >= 0.0 and hi <= 1.0:
        return img
    if lo >= 0.0 and hi <= 255.0 and np.all(img == np.round(img)):
        return img / 255.0
    if hi > lo:
        return (img - lo) / (hi - lo)
    return np.full_like(img, 0.5)
