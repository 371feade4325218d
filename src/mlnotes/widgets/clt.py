"""Central-limit-theorem explorer (notebook ``02-probability/03-estimation-and-monte-carlo``).

:class:`CLTExplorer` draws ``reps`` rows of ``n_max`` values from a distribution once, keeps
their running sums, and for a sample size ``n`` shows

* left: the histogram of the standardised means :math:`Z = \\sqrt n(\\bar X_n - \\mu)/\\sigma`
  of the ``reps`` rows against the :math:`\\mathcal N(0, 1)` density;
* right: the Kolmogorov–Smirnov distance :math:`\\sup|F_Z - \\Phi|` for every n (log-log)
  with the current n marked, the :math:`n^{-1/2}` rate of the Berry–Esseen bound, and the
  level that sampling noise alone produces with ``reps`` rows.

The Cauchy option has no mean or variance; it is "standardised" with its location 0 and
scale 1, and its KS distance does not go to zero: the theorem needs a finite variance.
"""
from __future__ import annotations

import math
from typing import Dict, Mapping, Tuple

import numpy as np
from matplotlib.figure import Figure
from scipy import special

from .. import plotting
from ..validate import as_seed, as_size
from .base import Choice, IntSlider, Widget
from .stable import _plain_log_ticks

__all__ = ["CLTExplorer", "DISTRIBUTIONS"]

#: name -> (description, mean, standard deviation); for Cauchy the location and scale.
DISTRIBUTIONS: Dict[str, Tuple[str, float, float]] = {
    "exponential": ("Exp(1), skewed", 1.0, 1.0),
    "lognormal": ("LogNormal(0, 1), very skewed", math.exp(0.5), math.sqrt((math.e - 1) * math.e)),
    "bernoulli": ("Bernoulli(0.1), discrete and skewed", 0.1, 0.3),
    "uniform": ("U(0, 1), symmetric", 0.5, math.sqrt(1 / 12)),
    "cauchy": ("Cauchy(0, 1), no mean or variance", 0.0, 1.0),
}


def _draw_rows(name: str, rng: np.random.Generator, shape: Tuple[int, int]) -> np.ndarray:
    if name == "exponential":
        return rng.exponential(1.0, shape)
    if name == "lognormal":
        return rng.lognormal(0.0, 1.0, shape)
    if name == "bernoulli":
        return (rng.random(shape) < 0.1).astype(float)
    if name == "uniform":
        return rng.random(shape)
    return rng.standard_cauchy(shape)


class CLTExplorer(Widget):
    """Standardised means of ``n`` draws approach N(0, 1) as ``n`` grows.

    Parameters
    ----------
    reps : int
        Number of sample means per histogram (rows), at least 100.
    n_max : int
        Largest sample size (the slider's maximum), between 2 and 4096.
    seed : int
        Seed of the draws.

    Compute methods: :meth:`z_values`, :meth:`histogram`, :meth:`ks`, :meth:`ks_curve`.
    """

    def __init__(self, reps: int = 4000, n_max: int = 256, seed: int = 0) -> None:
        super().__init__()
        reps = as_size(reps, "reps", "CLTExplorer", lo=100, hi=10**6)
        if isinstance(n_max, bool) or not isinstance(n_max, (int, np.integer)) or not 2 <= n_max <= 4096:
            raise ValueError(f"CLTExplorer: n_max must be an int in [2, 4096], got {n_max!r}")
        seed = as_seed(seed, "seed", "CLTExplorer", allow_none=False)
        if reps * n_max > 2 * 10**7:  # the cached running sums: reps x n_max floats each
            raise ValueError(f"CLTExplorer: reps * n_max must be at most 2e7 (memory), got {reps * n_max}")
        self.reps, self.n_max, self.seed = int(reps), int(n_max), int(seed)
        # Controls depend on n_max, so they are per instance.
        self.controls = {
            "n": IntSlider(1, self.n_max, min(8, self.n_max), description="n (sample size)"),
            "dist": Choice(list(DISTRIBUTIONS), "exponential", description="distribution"),
        }
        self.bins = np.linspace(-4.0, 4.0, 41)
        self._cumsum: Dict[str, np.ndarray] = {}
        self._ks: Dict[str, np.ndarray] = {}

    # ---------------------------------------------------------------- compute
    def _sums(self, dist: str) -> np.ndarray:
        """Running sums of the rows (drawn once per distribution, then cached)."""
        self.validate(dist=dist)
        if dist not in self._cumsum:
            rng = np.random.default_rng([self.seed, list(DISTRIBUTIONS).index(dist)])
            self._cumsum[dist] = np.cumsum(_draw_rows(dist, rng, (self.reps, self.n_max)), axis=1)
        return self._cumsum[dist]

    def z_values(self, n: int, dist: str) -> np.ndarray:
        """:math:`Z = \\sqrt n(\\bar X_n - \\mu)/\\sigma` for each of the ``reps`` rows."""
        st = self.validate(n=n, dist=dist)
        _, mu, sd = DISTRIBUTIONS[st["dist"]]
        n = st["n"]
        return math.sqrt(n) * (self._sums(st["dist"])[:, n - 1] / n - mu) / sd

    def histogram(self, n: int, dist: str) -> np.ndarray:
        """Density-normalised histogram of :meth:`z_values` on :attr:`bins` (mass outside
        [-4, 4] is left out, not renormalised)."""
        z = self.z_values(n, dist)
        counts, _ = np.histogram(z, bins=self.bins)
        return counts / (z.size * np.diff(self.bins))

    def ks(self, n: int, dist: str) -> float:
        """KS distance between the empirical CDF of :meth:`z_values` and :math:`\\Phi`."""
        st = self.validate(n=n, dist=dist)
        return float(self.ks_curve(st["dist"])[st["n"] - 1])

    def ks_curve(self, dist: str) -> np.ndarray:
        """KS distance for every n = 1, ..., n_max (computed once per distribution)."""
        self.validate(dist=dist)
        if dist not in self._ks:
            _, mu, sd = DISTRIBUTIONS[dist]
            sums = self._sums(dist)
            n = np.arange(1, self.n_max + 1)
            z = np.sort(np.sqrt(n) * (sums / n - mu) / sd, axis=0)
            cdf = special.ndtr(z)
            i = np.arange(1, self.reps + 1)[:, None]
            self._ks[dist] = np.maximum((i / self.reps - cdf).max(axis=0), (cdf - (i - 1) / self.reps).max(axis=0))
        return self._ks[dist]

    def noise_level(self) -> float:
        """Typical KS distance of ``reps`` exact N(0, 1) draws, about :math:`0.87/\\sqrt{reps}`
        (the mean of the Kolmogorov distribution, :math:`\\sqrt{\\pi/2}\\ln 2`, over :math:`\\sqrt{reps}`)."""
        return math.sqrt(math.pi / 2) * math.log(2) / math.sqrt(self.reps)

    # ---------------------------------------------------------------- display
    def _figsize(self) -> tuple:
        return (9.0, 3.6)

    def _draw(self, fig: Figure, state: Mapping[str, object]) -> None:
        ax1, ax2 = fig.subplots(1, 2)
        self.ax_hist, self.ax_ks = ax1, ax2
        self.bars = ax1.stairs(np.zeros(self.bins.size - 1), self.bins, fill=True, color=plotting.PALETTE[5],
                               alpha=0.7, label="standardised means")
        zz = np.linspace(-4, 4, 241)
        (normal,) = ax1.plot(zz, np.exp(-zz ** 2 / 2) / math.sqrt(2 * math.pi), color=plotting.PALETTE[3],
                             label=r"$\mathcal{N}(0, 1)$")
        ax1.set_xlim(-4, 4)
        ax1.set_ylim(0, 0.8)
        ax1.set_xticks([-4, -2, 0, 2, 4])
        ax1.set_yticks([0, 0.4, 0.8])
        plotting.label(ax1, r"$z = \sqrt{n}(\bar{x}_n - \mu)/\sigma$", "density")
        ax1.legend(loc="upper right", fontsize=8)
        self.title = ax1.set_title(" ")
        n = np.arange(1, self.n_max + 1)
        (self.ks_line,) = ax2.loglog(n, np.ones(self.n_max), color=plotting.PALETTE[0], label="KS distance")
        (self.ks_mark,) = ax2.loglog([1], [1], "o", color=plotting.PALETTE[3])
        (self.rate_line,) = ax2.loglog(n, np.ones(self.n_max), ":", color="0.4", label=r"$\propto n^{-1/2}$")
        ax2.axhline(self.noise_level(), ls="--", color="0.6", lw=1, label=f"noise level ({self.reps} means)")
        ax2.set_xlim(1, self.n_max)
        ax2.set_ylim(0.5 * self.noise_level(), 1.0)
        # few ticks: tick labels dominate the cost of a redraw
        _plain_log_ticks(ax2.xaxis, [t for t in (1, 16, 256, 4096) if t <= self.n_max])
        _plain_log_ticks(ax2.yaxis, [0.01, 0.1, 1])
        plotting.label(ax2, "n", r"$\sup_z |F_n(z) - \Phi(z)|$", "distance to N(0, 1)")
        ax2.legend(loc="lower left", fontsize=8)
        # What a move of n changes is animated: painted over a cached background of the rest
        # (Widget.draw), above the spines (zorder 2.5) as in a full draw; the N(0, 1) curve
        # stays above the histogram. The legend sits below both (a tall bar may cover it),
        # so that a full draw and a repaint give the same pixels.
        for art, z in ((self.bars, 2.6), (normal, 2.7), (self.ks_mark, 2.6), (self.title, 3.0)):
            art.set_animated(True)
            art.set_zorder(z)
        ax1.get_legend().set_zorder(2.55)
        self._curve_dist = None

    def _update(self, state: Mapping[str, object]) -> None:
        n, dist = int(state["n"]), str(state["dist"])
        self.bars.set_data(values=self.histogram(n, dist))
        curve = self.ks_curve(dist)
        if dist != self._curve_dist:   # the curves depend on the distribution only
            self.ks_line.set_ydata(curve)
            self.rate_line.set_ydata(curve[0] / np.sqrt(np.arange(1, self.n_max + 1)))
            self._curve_dist = dist
        self.ks_mark.set_data([n], [curve[n - 1]])
        self.title.set_text(f"{DISTRIBUTIONS[dist][0]}, n = {n}: KS = {curve[n - 1]:.3f}")
