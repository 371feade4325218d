"""Optimisers on 2-D test functions (notebook ``04-deep-learning/04-optimisers``).

:class:`OptimizerPlayground` runs several optimisers of :mod:`mlnotes.optim` at once on a
test function of :data:`mlnotes.optim.FUNCTIONS` (Rosenbrock, Beale, a saddle, an
ill-conditioned quadratic) and shows their trajectories over the function's level sets and
their loss curves :math:`f(\\theta_t) - f^\\star` on a log scale. A run that diverges (an
iterate or value that is not finite, or an iterate beyond :data:`mlnotes.optim.ESCAPE`) stops
at its last finite iterate, marked with a cross, and its legend entry says when it left.

Runs are computed once per (function, optimiser, learning rate, beta) for the largest
number of steps and cached (``beta`` only for the optimisers that use it), so the steps
slider only cuts them; the background image of each function is computed once. The
trajectories, markers, loss curves, the left title and the legend are animated artists
(:meth:`mlnotes.widgets.base.Widget.draw`) and the axes limits are fixed per function, so a
move of the steps, learning-rate or beta slider repaints only them over the cached background
(the whole figure is repainted when the legend changes).
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Tuple

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

from .. import optim, plotting
from ..validate import as_size
from .base import Choice, FloatSlider, IntSlider, Toggle, Widget, _pin_axis_labels

__all__ = ["OptimizerPlayground", "STEPS_MAX", "KEYS", "COLOURS", "FLOOR", "USES_BETA"]

STEPS_MAX = 200
#: control name of each optimiser's toggle, in the order of :data:`mlnotes.optim.OPTIMISERS`
KEYS = {name: name.lower() for name in optim.OPTIMISERS}
_ON = ("SGD", "momentum", "Adam")
#: smallest value of f - f* drawn on the log axis (exact zeros and rounding below the minimum)
FLOOR = 1e-12
#: one colour per optimiser (the palette without its yellow, which vanishes on the grey bands)
COLOURS = plotting.PALETTE[:6] + ("#000000", "#8C510A")
#: the optimisers whose run depends on ``beta`` (the others ignore it)
USES_BETA = frozenset({"momentum", "Nesterov", "Adam", "AdamW"})


class OptimizerPlayground(Widget):
    """Trajectories and loss curves of several optimisers on a 2-D test function.

    Parameters
    ----------
    grid : int
        Resolution of the background image of each function (grid x grid, 20 to 400).

    Controls
    --------
    function : a key of :data:`mlnotes.optim.FUNCTIONS`;
    lr : learning rate, 1e-4 to 1 (log slider), the same for every optimiser;
    beta : momentum of ``momentum``/``Nesterov`` and :math:`\\beta_1` of Adam/AdamW, 0 to 0.99
        (AdaGrad, RMSprop and AdaDelta keep torch's defaults and ignore it; at 0, momentum and
        Nesterov are plain gradient descent);
    steps : number of steps shown, 1 to :data:`STEPS_MAX`;
    sgd, momentum, nesterov, adagrad, rmsprop, adadelta, adam, adamw : which optimisers run.
    """

    controls = {
        "function": Choice(options=list(optim.FUNCTIONS), default="rosenbrock", description="function"),
        "lr": FloatSlider(min=1e-4, max=1.0, default=1e-3, log=True, description="learning rate"),
        "beta": FloatSlider(min=0.0, max=0.99, default=0.9, step=0.01, description="momentum / β₁"),
        "steps": IntSlider(min=1, max=STEPS_MAX, default=STEPS_MAX, description="steps"),
        **{key: Toggle(default=name in _ON, description=name) for name, key in KEYS.items()},
    }

    def __init__(self, grid: int = 120) -> None:
        super().__init__()
        self.grid = as_size(grid, "grid", "OptimizerPlayground", lo=20, hi=400)
        self._runs: Dict[Tuple[str, str, float, Any], Tuple[np.ndarray, np.ndarray, int]] = {}
        self._images: Dict[str, np.ndarray] = {}
        self._shown: Dict[str, Any] = {}

    # ------------------------------------------------------------------ compute
    def run(self, function: str = "rosenbrock", optimiser: str = "Adam", lr: float = 1e-3,
            beta: float = 0.9) -> Tuple[np.ndarray, np.ndarray, int]:
        """:func:`mlnotes.optim.run` for :data:`STEPS_MAX` steps, computed once and cached (the
        optimisers outside :data:`USES_BETA` are cached once for every ``beta``)."""
        st = self.validate(function=function, lr=lr, beta=beta)
        optimiser = Choice(options=list(optim.OPTIMISERS), default="Adam").validate(
            "OptimizerPlayground.run: optimiser", optimiser)
        beta = st["beta"] if optimiser in USES_BETA else None
        key = (st["function"], optimiser, st["lr"], beta)
        if key not in self._runs:
            self._runs[key] = optim.run(key[0], optimiser, key[2], STEPS_MAX,
                                        0.9 if beta is None else beta)
        return self._runs[key]

    def shown(self, **state: Any) -> Dict[str, Tuple[np.ndarray, np.ndarray, int]]:
        """What the figure shows for ``state``: for each optimiser switched on, its path and
        loss ``f - f*`` (floored at :data:`FLOOR`) over the first ``steps`` steps, and the step
        at which it diverged (-1: it did not, or not within ``steps``)."""
        st = self.validate(**state)
        fmin = optim.FUNCTIONS[st["function"]]["fmin"]
        out = {}
        for name, key in KEYS.items():
            if st[key]:
                path, loss, div = self.run(st["function"], name, st["lr"], st["beta"])
                n = min(st["steps"] + 1, len(path))
                out[name] = (path[:n], np.maximum(loss[:n] - fmin, FLOOR),
                             div if 0 < div <= st["steps"] else -1)
        return out

    def background(self, function: str = "rosenbrock") -> np.ndarray:
        """The level-set image of ``function``: :math:`\\log_{10}(f - f^\\star + 10^{-2})` on the
        ``grid x grid`` cell centres of its box, rounded down to quarter decades (bands)."""
        function = self.validate(function=function)["function"]
        if function not in self._images:
            x0, x1, y0, y1 = optim.FUNCTIONS[function]["extent"]
            hx, hy = (x1 - x0) / self.grid, (y1 - y0) / self.grid
            gx = np.linspace(x0 + hx / 2, x1 - hx / 2, self.grid)
            gy = np.linspace(y0 + hy / 2, y1 - hy / 2, self.grid)
            P = np.stack(np.meshgrid(gx, gy), axis=-1)
            v = optim.objective(function, P) - optim.FUNCTIONS[function]["fmin"]
            self._images[function] = np.floor(4 * np.log10(np.maximum(v, 0) + 1e-2)) / 4
        return self._images[function]

    # ------------------------------------------------------------------- figure
    def _figsize(self) -> tuple:
        return (9.6, 4.0)

    def _draw(self, fig: Figure, state: Mapping[str, Any]) -> None:
        gs = fig.add_gridspec(1, 2, width_ratios=(1.0, 1.0))
        self._ax = fig.add_subplot(gs[0, 0])
        self._ax_loss = fig.add_subplot(gs[0, 1])
        self._im = self._ax.imshow(np.full((2, 2, 4), 255, dtype=np.uint8), origin="lower",
                                   aspect="auto", interpolation="nearest", zorder=0)
        (self._start,) = self._ax.plot([0], [0], "o", color="k", ms=6, zorder=4)
        (self._argmin,) = self._ax.plot([0], [0], "*", color="gold", mec="k", ms=13, zorder=4)
        self._paths, self._ends, self._losses = {}, {}, {}
        for name, c in zip(optim.OPTIMISERS, COLOURS):
            (self._paths[name],) = self._ax.plot([], [], "-", color=c, lw=1.4, zorder=3)
            (self._ends[name],) = self._ax.plot([], [], "X", color=c, mec="k", ms=9, zorder=5)
            (self._losses[name],) = self._ax_loss.plot([], [], "-", color=c, lw=1.4, label=name)
        self._ax.grid(False)
        self._ax.set(xticks=[], yticks=[])   # a picture: tick labels would only cost draws
        # plain-text (unicode) labels: mathtext would cost a few ms at every draw
        plotting.label(self._ax, "θ₁", "θ₂", " ")
        plotting.label(self._ax_loss, "step t", "f(θₜ) − f*", "loss curves")
        self._ax_loss.set_yscale("log")
        # few, plain-text ticks: a log axis over 15 decades with minor ticks and mathtext
        # labels costs more to draw than everything else together
        self._ax_loss.yaxis.set_major_locator(LogLocator(base=10.0, numticks=5))
        self._ax_loss.yaxis.set_minor_locator(NullLocator())
        self._ax_loss.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0e}"))
        self._ax_loss.xaxis.set_major_locator(MaxNLocator(5, integer=True))
        self._ax_loss.set_xlim(0, STEPS_MAX)
        self._legend = None
        for ax in (self._ax, self._ax_loss):
            ax.set_title(ax.get_title(), y=1.0)
        # everything a move of steps, lr or beta changes is animated: painted over a cached
        # background, so it lies above the grid, ticks and spines (z <= 2.5) in a saved figure
        # too, in the order of the static design (paths, then start/minimum, then crosses)
        for art in (*self._paths.values(), *self._losses.values()):
            art.set_zorder(10)
        for art in (self._start, self._argmin):
            art.set_zorder(11)
        for art in self._ends.values():
            art.set_zorder(12)
        for art in (*self._paths.values(), *self._losses.values(), *self._ends.values(),
                    self._start, self._argmin, self._ax.title):
            art.set_animated(True)
        self._shown = {}

    def figure(self, **state: Any) -> Figure:
        """Build the figure for ``state``; the layout is computed once, then frozen (fast updates)."""
        fig = super().figure(**state)
        _pin_axis_labels(self._ax, self._ax_loss)
        return fig

    def _update(self, state: Mapping[str, Any]) -> None:
        fn = state["function"]
        spec = optim.FUNCTIONS[fn]
        if self._shown.get("function") != fn:
            x0, x1, y0, y1 = spec["extent"]
            self._top = 100 * float(optim.objective(fn, spec["start"]) - spec["fmin"])
            self._im.set_data(_grey(self.background(fn)))
            self._im.set_extent((x0, x1, y0, y1))
            self._ax.set_xlim(x0, x1)
            self._ax.set_ylim(y0, y1)
            self._start.set_data([spec["start"][0]], [spec["start"][1]])
            self._argmin.set_data([spec["argmin"][0]], [spec["argmin"][1]])
        shown = self.shown(**state)
        diverged = []
        labels = []
        for name in optim.OPTIMISERS:
            on = name in shown
            for art in (self._paths[name], self._ends[name], self._losses[name]):
                art.set_visible(on)
            label = name
            if on:
                path, loss, div = shown[name]
                self._paths[name].set_data(path[:, 0], path[:, 1])
                self._losses[name].set_data(np.arange(len(loss)), loss)
                if div > 0:
                    self._ends[name].set_data([path[-1, 0]], [path[-1, 1]])
                    label = f"{name}: ✗ t={div}"
                    diverged.append(name)
                else:
                    self._ends[name].set_data([], [])
                labels.append((name, label))
        # the loss axis is fixed per function, from the floor to 100 x the starting loss (a
        # blow-up leaves the top): moving a slider never repaints the background for it
        ylim = (FLOOR / 3, self._top)
        if self._ax_loss.get_ylim() != ylim:
            self._ax_loss.set_ylim(*ylim)
        names = [n for n, _ in labels]
        if self._legend is not None and self._shown.get("names") == names:
            # the same entries: a divergence only changes their texts (animated, no repaint)
            for text, (_, lab) in zip(self._legend.get_texts(), labels):
                if text.get_text() != lab:
                    text.set_text(lab)
        else:
            # rebuilt only when the optimisers shown change (a toggle, not a slider);
            # animated and above the loss curves, as in the static design
            if self._legend is not None:
                self._legend.remove()
            self._legend = self._ax_loss.legend([self._losses[n] for n, _ in labels],
                                                [lab for _, lab in labels], loc="upper right",
                                                fontsize=7, ncols=2) if labels else None
            if self._legend is not None:
                self._legend.set_zorder(20)
                # drawing a legend re-places its frame and boxes, which would mark the figure
                # stale: the legend and all its parts are animated
                for art in self._legend.findobj():
                    art.set_animated(True)
            if getattr(self, "_animated", None) is not None:
                self._animated = self._animated_artists(self.fig)
        _retitle(self._ax, f"{fn}, lr = {state['lr']:.2g}"
                 + (f", {len(diverged)} diverged" if diverged else ""))
        self._shown = {"function": fn, "names": names}


def _retitle(ax: Any, title: str) -> None:
    """Set an axes title only when it changes (``set_title`` would also reset its font)."""
    if ax.title.get_text() != title:
        ax.title.set_text(title)


def _grey(img: np.ndarray) -> np.ndarray:
    """Level bands as a light uint8 RGBA image (low values darker): the cheapest image to draw."""
    lo, hi = float(img.min()), float(img.max())
    u = (img - lo) / (hi - lo) if hi > lo else np.zeros_like(img)
    g = np.round(255 * (0.55 + 0.45 * u)).astype(np.uint8)
    out = np.empty(img.shape + (4,), dtype=np.uint8)
    out[..., 0] = out[..., 1] = out[..., 2] = g
    out[..., 3] = 255
    return out
