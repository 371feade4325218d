"""Stable-distribution explorer (notebook ``02-probability/02-distributions``).

:class:`StableExplorer` shows, for the standard stable law :math:`S(\\alpha, \\beta, 1, 0; 0)`:

* left: the density (:func:`mlnotes.prob.stable_pdf`, Zolotarev's integral), the Gaussian
  member :math:`\\alpha = 2` for reference, and a histogram of draws;
* right: the tail :math:`\\Pr(|X| > x)` of the draws on log-log axes with its power-law
  asymptote :math:`2 C_\\alpha x^{-\\alpha}`, :math:`C_\\alpha = \\Gamma(\\alpha)\\sin(\\pi\\alpha/2)/\\pi`.

Speed: the uniforms and exponentials behind the draws are drawn once (common random
numbers), so moving a slider only re-applies the Chambers–Mallows–Stuck transform. Each
density is computed once per :math:`(\\alpha, \\beta)` (about 7 ms for 121 points) and cached;
the densities of all ``alpha`` slider positions at ``beta = 0`` are precomputed when the widget
is created. ``scipy.stats.levy_stable.pdf`` takes 0.1–0.4 s per curve, too slow for a slider.
"""
from __future__ import annotations

import math
from typing import Dict, Iterable, Mapping, Optional, Tuple

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FixedFormatter, FixedLocator, MaxNLocator, NullLocator
from scipy import special

from .. import plotting
from ..prob import stable_from_uniforms, stable_pdf
from ..validate import as_array, as_float, as_seed, as_size
from .base import FloatSlider, Widget, _snap_up

__all__ = ["StableExplorer", "tail_constant"]


def tail_constant(alpha: float) -> float:
    r""":math:`C_\alpha = \Gamma(\alpha)\sin(\pi\alpha/2)/\pi`: for :math:`0 < \alpha < 2`,
    :math:`\Pr(X > x) \sim C_\alpha(1 + \beta)x^{-\alpha}` and
    :math:`\Pr(X < -x) \sim C_\alpha(1 - \beta)x^{-\alpha}` as :math:`x \to \infty`
    (unit scale), so :math:`\Pr(|X| > x) \sim 2C_\alpha x^{-\alpha}`. Zero for :math:`\alpha = 2`."""
    a = as_float(alpha, "alpha", "tail_constant")
    if not 0 < a <= 2:
        raise ValueError(f"tail_constant: alpha must lie in (0, 2], got {a:g}")
    if a == 2:
        return 0.0
    return special.gamma(a) * math.sin(math.pi * a / 2) / math.pi


def _plain_log_ticks(axis, ticks) -> None:
    """Fixed major ticks with plain labels and no minor ticks: much cheaper to draw than the
    default mathtext labels of log axes."""
    axis.set_major_locator(FixedLocator(ticks))
    axis.set_major_formatter(FixedFormatter([f"{t:g}" for t in ticks]))
    axis.set_minor_locator(NullLocator())


class StableExplorer(Widget):
    """Density, draws and tail of the stable law as ``alpha`` and ``beta`` move.

    Parameters
    ----------
    n_samples : int
        Number of draws (common random numbers, drawn once), at least 100.
    x_max : float
        The density panel shows ``[-x_max, x_max]``.
    n_points : int
        Points of the density curve (at least 21).
    seed : int
        Seed of the draws.
    precompute : bool
        Compute the densities of every ``alpha`` slider position at ``beta = 0`` when the widget
        is created (about 40 curves, a few tenths of a second), so that the most common move —
        ``alpha`` at the default ``beta`` — never waits for a density. Other ``beta`` values are
        computed on first visit and cached.

    Compute methods: :meth:`density`, :meth:`samples`, :meth:`histogram`, :meth:`tail`,
    :meth:`tail_asymptote`, :meth:`outside_fraction`.
    """

    controls = {
        "alpha": FloatSlider(0.1, 2.0, 1.5, step=0.05, description="α (index)"),
        "beta": FloatSlider(-1.0, 1.0, 0.0, step=0.1, description="β (skew)"),
    }

    def __init__(self, n_samples: int = 3000, x_max: float = 6.0, n_points: int = 121, seed: int = 0,
                 precompute: bool = True) -> None:
        super().__init__()
        n_samples = as_size(n_samples, "n_samples", "StableExplorer", lo=100, hi=10**6)
        n_points = as_size(n_points, "n_points", "StableExplorer", lo=21, hi=10**5)
        if isinstance(x_max, bool) or not isinstance(x_max, (int, float, np.integer, np.floating)) \
                or not (math.isfinite(x_max) and x_max > 0):
            raise ValueError(f"StableExplorer: x_max must be a positive number, got {x_max!r}")
        seed = as_seed(seed, "seed", "StableExplorer", allow_none=False)
        if not isinstance(precompute, (bool, np.bool_)):
            raise TypeError(f"StableExplorer: precompute must be True or False, got {precompute!r}")
        self.x = np.linspace(-float(x_max), float(x_max), int(n_points))
        self.bins = np.linspace(-float(x_max), float(x_max), 49)
        rng = np.random.default_rng(int(seed))
        eps = 1e-12
        self._v = rng.uniform(-math.pi / 2 + eps, math.pi / 2 - eps, int(n_samples))
        self._w = np.maximum(rng.exponential(1.0, int(n_samples)), 1e-300)
        self._density_cache: Dict[Tuple[float, float], np.ndarray] = {}
        self._last_samples: Tuple[Optional[Tuple[float, float]], np.ndarray] = (None, np.empty(0))
        self.tail_grid = np.geomspace(0.1, 1e4, 60)
        if precompute:
            self.precompute(self.slider_alphas(), [0.0])

    def slider_alphas(self) -> np.ndarray:
        """The positions of the ``alpha`` slider (its minimum plus multiples of its step)."""
        c = self.controls["alpha"]
        n = int(round((c.max - c.min) / c.step))
        return np.round(c.min + c.step * np.arange(n + 1), 10)

    # ---------------------------------------------------------------- compute
    def _key(self, alpha: float, beta: float) -> Tuple[float, float]:
        st = self.validate(alpha=alpha, beta=beta)
        return round(st["alpha"], 10), round(st["beta"], 10)

    def density(self, alpha: float, beta: float) -> np.ndarray:
        """Stable density on :attr:`x` (cached per ``(alpha, beta)``)."""
        key = self._key(alpha, beta)
        if key not in self._density_cache:
            self._density_cache[key] = stable_pdf(self.x, *key)
        return self._density_cache[key]

    def precompute(self, alphas: Iterable[float], betas: Iterable[float] = (0.0,)) -> int:
        """Fill the density cache for every pair of ``alphas`` x ``betas``; returns the cache size."""
        alphas = as_array(alphas, "alphas", "StableExplorer.precompute", ndim=1, min_size=0)
        betas = as_array(betas, "betas", "StableExplorer.precompute", ndim=1, min_size=0)
        for name, v in (("alphas", alphas), ("betas", betas)):
            c = self.controls[name[:-1]]
            if v.size and not (c.min <= v.min() and v.max() <= c.max):
                raise ValueError(f"StableExplorer.precompute: {name} must lie in [{c.min}, {c.max}]")
        for a in alphas:
            for b in betas:
                self.density(float(a), float(b))
        return len(self._density_cache)

    def samples(self, alpha: float, beta: float) -> np.ndarray:
        """The draws for ``(alpha, beta)``, all from the same uniforms and exponentials."""
        key = self._key(alpha, beta)
        if self._last_samples[0] != key:  # histogram, tail and outside_fraction share one draw
            self._last_samples = (key, stable_from_uniforms(*key, self._v, self._w))
        return self._last_samples[1]

    def histogram(self, alpha: float, beta: float) -> np.ndarray:
        """Histogram heights on :attr:`bins`, normalised by *all* draws so that they estimate the
        density inside the window (mass outside the window is missing, not spread in)."""
        s = self.samples(alpha, beta)
        counts, _ = np.histogram(s, bins=self.bins)
        return counts / (s.size * np.diff(self.bins))

    def outside_fraction(self, alpha: float, beta: float) -> float:
        """Fraction of the draws outside the density window ``[-x_max, x_max]``."""
        s = self.samples(alpha, beta)
        return float(np.mean(np.abs(s) > self.x[-1]))

    def tail(self, alpha: float, beta: float) -> Tuple[np.ndarray, np.ndarray]:
        """Empirical :math:`\\Pr(|X| > t)` of the draws at the points :attr:`tail_grid`."""
        s = np.sort(np.abs(self.samples(alpha, beta)))
        surv = 1.0 - np.searchsorted(s, self.tail_grid, side="right") / s.size
        return self.tail_grid, surv

    def tail_asymptote(self, alpha: float) -> np.ndarray:
        """The power law :math:`2C_\\alpha t^{-\\alpha}` at :attr:`tail_grid` (zeros for alpha = 2)."""
        a = self.validate(alpha=alpha)["alpha"]
        return 2 * tail_constant(a) * self.tail_grid ** (-a)

    # ---------------------------------------------------------------- display
    def _figsize(self) -> tuple:
        return (9.0, 3.6)

    def _draw(self, fig: Figure, state: Mapping[str, float]) -> None:
        ax1, ax2 = fig.subplots(1, 2)
        self.ax_density, self.ax_tail = ax1, ax2
        centres = 0.5 * (self.bins[1:] + self.bins[:-1])
        (self.hist_line,) = ax1.step(centres, np.zeros_like(centres), where="mid",
                                     color=plotting.PALETTE[5], lw=1.2, label="draws (histogram)")
        ax1.plot(self.x, stable_pdf(self.x, 2.0), "--", color="0.5", lw=1.2, label=r"$\alpha = 2$: $\mathcal{N}(0, 2)$")
        (self.pdf_line,) = ax1.plot(self.x, np.zeros_like(self.x), color=plotting.PALETTE[0], label="density")
        ax1.set_xlim(self.x[0], self.x[-1])
        # few ticks: tick labels dominate the cost of a redraw
        ax1.xaxis.set_major_locator(MaxNLocator(5))
        ax1.yaxis.set_major_locator(MaxNLocator(4))
        plotting.label(ax1, "x", "density")
        ax1.legend(loc="upper right", fontsize=8)
        self.title = ax1.set_title(" ")
        gaussian = np.sort(np.abs(np.random.default_rng(1).normal(0, math.sqrt(2), self._v.size)))
        ax2.loglog(self.tail_grid, 1.0 - np.searchsorted(gaussian, self.tail_grid, side="right") / gaussian.size,
                   "--", color="0.5", lw=1.2, label=r"$\alpha = 2$ draws")
        (self.tail_line,) = ax2.loglog(self.tail_grid, np.ones_like(self.tail_grid), color=plotting.PALETTE[0],
                                       label=r"draws: $\Pr(|X| > x)$")
        (self.asym_line,) = ax2.loglog(self.tail_grid, np.ones_like(self.tail_grid), ":", color=plotting.PALETTE[3],
                                       label=r"$2C_\alpha x^{-\alpha}$")
        ax2.set_xlim(self.tail_grid[0], self.tail_grid[-1])
        ax2.set_ylim(1.0 / self._v.size, 1.5)
        _plain_log_ticks(ax2.xaxis, [0.1, 1, 10, 100, 1e3, 1e4])
        _plain_log_ticks(ax2.yaxis, [1e-3, 1e-2, 0.1, 1])
        plotting.label(ax2, "x", r"$\Pr(|X| > x)$", "tail (log-log)")
        ax2.legend(loc="lower left", fontsize=8)
        # What the sliders change is animated: painted over a cached background (Widget.draw)
        # until the density's y-limit has to move to another rung of its ladder. Above the
        # spines (zorder 2.5) as in a full draw; the legends below them, so that a full draw
        # and a repaint give the same pixels.
        for art in (self.hist_line, self.pdf_line, self.tail_line, self.asym_line):
            art.set_animated(True)
            art.set_zorder(2.6)
        self.title.set_animated(True)
        for ax in (ax1, ax2):
            ax.get_legend().set_zorder(2.55)

    def _update(self, state: Mapping[str, float]) -> None:
        a, b = state["alpha"], state["beta"]
        p = self.density(a, b)
        self.pdf_line.set_ydata(p)
        self.hist_line.set_ydata(self.histogram(a, b))
        top = max(0.45, _snap_up(1.1 * float(p.max()), 0.45))
        if self.ax_density.get_ylim() != (0.0, top):   # a new limit repaints the figure
            self.ax_density.set_ylim(0.0, top)
        t, surv = self.tail(a, b)
        self.tail_line.set_data(t, np.where(surv > 0, surv, np.nan))
        asym = self.tail_asymptote(a)
        self.asym_line.set_data(t, np.where(asym > 0, asym, np.nan))
        self.title.set_text(f"α = {a:.2f}, β = {b:+.2f}: {self.outside_fraction(a, b):.1%} of draws "
                            f"outside ±{self.x[-1]:g}")

