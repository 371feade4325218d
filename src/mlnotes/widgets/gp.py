"""Gaussian-process explorer: prior or posterior samples, mean, ±2σ band and covariance heat-map.

Used in ``notebooks/02-probability/05-gaussian-processes.ipynb`` (the picture of the
notes' Fig. 8). Choose a kernel and its hyperparameters, the noise variance and how many
noisy observations of a hidden function to condition on (0 shows the prior). The
standard-normal draws behind the sample paths are drawn once, so the paths move
smoothly when a hyperparameter changes.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Dict, Mapping, Tuple

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, ScalarFormatter

from .. import gp, runtime
from ..validate import as_array, as_seed
from .base import Choice, FloatSlider, IntSlider, Widget, _snap_up

__all__ = ["GPWidget", "KERNEL_CHOICES", "hidden_function"]

#: Kernel specs offered by the widget (see :func:`mlnotes.gp.make_kernel`).
KERNEL_CHOICES = ("rbf", "laplace", "linear", "periodic", "rbf+periodic", "rbf*linear", "rbf+linear",
                  "laplace*periodic")


def hidden_function(x: np.ndarray) -> np.ndarray:
    """The function the widget observes: ``sin(1.5 x) + 0.25 x``."""
    x = as_array(x, "x", "hidden_function", min_size=0)
    return np.sin(1.5 * x) + 0.25 * x


class GPWidget(Widget):
    """Interactive Gaussian process on a 1-D grid.

    Parameters
    ----------
    n_grid : int
        Number of grid points (at least 10).
    n_samples : int
        Number of sample paths drawn (1 to 20).
    x_range : (float, float)
        The interval shown.
    draws_seed : int
        Seed of the fixed standard-normal draws behind the sample paths.
    max_obs : int
        Largest number of observations (the ``n_obs`` slider's maximum).

    Compute methods: :meth:`kernel`, :meth:`observations`, :meth:`compute`.
    """

    controls = {
        "kernel": Choice(KERNEL_CHOICES, "rbf", description="kernel"),
        "length_scale": FloatSlider(0.05, 5.0, 1.0, log=True, description="length scale"),
        "variance": FloatSlider(0.1, 4.0, 1.0, log=True, description="variance"),
        "period": FloatSlider(0.5, 6.0, 3.0, description="period"),
        "noise": FloatSlider(0.0, 0.5, 0.01, step=0.005, description="noise var."),
        "n_obs": IntSlider(0, 20, 5, description="observations"),
        "seed": IntSlider(0, 20, 0, description="obs. seed"),
    }

    def __init__(self, n_grid: int = 200, n_samples: int = 5, x_range: Tuple[float, float] = (-5.0, 5.0),
                 draws_seed: int = 0, max_obs: int = 20) -> None:
        super().__init__()
        if isinstance(n_grid, bool) or not isinstance(n_grid, (int, np.integer)) or not 10 <= n_grid <= 2000:
            raise ValueError(f"GPWidget: n_grid must be an int in [10, 2000], got {n_grid!r}")
        if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or not 1 <= n_samples <= 20:
            raise ValueError(f"GPWidget: n_samples must be an int in [1, 20], got {n_samples!r}")
        try:
            lo, hi = (float(v) for v in x_range)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"GPWidget: x_range must be two numbers (low, high), got {x_range!r}") from exc
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise ValueError(f"GPWidget: x_range must satisfy low < high (finite), got {x_range!r}")
        if isinstance(max_obs, bool) or not isinstance(max_obs, (int, np.integer)) or not 1 <= max_obs <= 200:
            raise ValueError(f"GPWidget: max_obs must be an int in [1, 200], got {max_obs!r}")
        self.controls = dict(type(self).controls)
        self.controls["n_obs"] = IntSlider(0, int(max_obs), min(5, int(max_obs)), description="observations")
        self.x = np.linspace(lo, hi, int(n_grid))
        self.max_obs = int(max_obs)
        # Fixed standard-normal draws: sample = mean + L @ z keeps paths continuous in the hyperparameters.
        draws_seed = as_seed(draws_seed, "draws_seed", "GPWidget", allow_none=False)
        self.z = np.random.default_rng(draws_seed).standard_normal((int(n_grid), int(n_samples)))
        self._cache: "OrderedDict[tuple, Dict[str, Any]]" = OrderedDict()

    # ---------------------------------------------------------------- compute
    def kernel(self, **state: Any) -> gp.Kernel:
        """The kernel object for a state (missing values take the current/default ones)."""
        st = self.validate(**state)
        return gp.make_kernel(st["kernel"], st["length_scale"], st["variance"], st["period"])

    def observations(self, n_obs: int, seed: int, noise: float) -> Tuple[np.ndarray, np.ndarray]:
        """The first ``n_obs`` observations of the hidden function for ``seed``.

        Positions are uniform in the inner 90 % of the range; ``y = f(x) + sqrt(noise) * e``
        with fixed standard-normal ``e`` (so the data move continuously with ``noise``).
        """
        st = self.validate(n_obs=n_obs, seed=seed, noise=noise)
        n_obs, seed, noise = st["n_obs"], st["seed"], st["noise"]
        lo, hi = self.x[0], self.x[-1]
        pad = 0.05 * (hi - lo)
        r = np.random.default_rng(1000 + int(seed))
        xs = r.uniform(lo + pad, hi - pad, self.max_obs)
        e = r.standard_normal(self.max_obs)
        x_obs = xs[:n_obs]
        return x_obs, hidden_function(x_obs) + np.sqrt(noise) * e[:n_obs]

    def compute(self, **state: Any) -> Dict[str, Any]:
        """Everything the figure shows for a state.

        Returns a dict with ``x``, ``mean``, ``cov``, ``std``, ``samples`` (n_samples, n_grid),
        ``x_obs``, ``y_obs``, ``jitter`` (relative jitter used for the sample paths) and
        ``log_evidence`` (log marginal likelihood, NaN without observations).
        Results are cached per state (the last 64).
        """
        st = self.validate(**state)
        key = tuple(sorted(st.items()))
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        with runtime.single_thread():  # small matrices: extra BLAS threads only spin
            return self._compute(st, key)

    def _compute(self, st: Mapping[str, Any], key: tuple) -> Dict[str, Any]:
        k = gp.make_kernel(st["kernel"], st["length_scale"], st["variance"], st["period"])
        x_obs, y_obs = self.observations(st["n_obs"], st["seed"], st["noise"])
        mean, cov = gp.posterior(x_obs, y_obs, self.x, k, st["noise"])
        prior_scale = float(np.mean(k.diag(self.x)))
        try:
            L, jit = gp.cholesky(cov, 1e-10, what="covariance shown", scale=prior_scale)
        except ValueError:
            # Last resort for matrices that rounding has pushed slightly indefinite:
            # a symmetric square root with the negative eigenvalues clipped.
            w, V = np.linalg.eigh(0.5 * (cov + cov.T))
            L, jit = V * np.sqrt(np.clip(w, 0.0, None)), float("nan")
        samples = (mean[:, None] + L @ self.z).T
        std = np.sqrt(np.clip(np.diag(cov), 0.0, None))
        lml = gp.log_marginal_likelihood(x_obs, y_obs, k, st["noise"]) if st["n_obs"] else float("nan")
        out = {"x": self.x, "mean": mean, "cov": cov, "std": std, "samples": samples, "x_obs": x_obs,
               "y_obs": y_obs, "jitter": jit, "log_evidence": lml, "kernel": k}
        self._cache[key] = out
        if len(self._cache) > 64:
            self._cache.popitem(last=False)
        return out

    # ----------------------------------------------------------------- figure
    def _figsize(self) -> tuple:
        return (10.0, 3.8)

    def _draw(self, fig: Figure, state: Mapping[str, Any]) -> None:
        gs = fig.add_gridspec(1, 2, width_ratios=[1.7, 1.0])
        ax = fig.add_subplot(gs[0])
        axc = fig.add_subplot(gs[1])
        x = self.x
        zeros = np.zeros_like(x)
        self.band = ax.fill_between(x, zeros - 1, zeros + 1, color="C0", alpha=0.18, lw=0)
        self.sample_lines = [ax.plot(x, zeros, lw=0.9, alpha=0.75, color=f"C{1 + i % 5}")[0]
                             for i in range(self.z.shape[1])]
        (self.truth_line,) = ax.plot(x, hidden_function(x), ls="--", lw=1.0, color="0.45", label="hidden f")
        (self.mean_line,) = ax.plot(x, zeros, lw=2.2, color="C0")
        (self.obs_line,) = ax.plot([], [], "o", ms=5, color="k", label="observations", zorder=5)
        ax.set_xlim(x[0], x[-1])
        # Plain-text labels and few ticks: text rendering is most of the cost of a redraw.
        ax.set_xlabel("x")
        ax.set_ylabel("f(x)")
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.yaxis.set_major_locator(MaxNLocator(4))
        ax.legend(loc="upper left", fontsize=8, ncol=2)  # mean (thick) and ±2σ band explained in the text
        self.ax = ax
        # The heat-map shows every `stride`-th grid point (at most ~100 per side): resampling a
        # larger image costs more draw time than it adds detail at this size.
        self.stride = max(1, int(np.ceil(len(x) / 100)))
        m = len(x[::self.stride])
        self.cov_image = axc.imshow(np.zeros((m, m)), extent=(x[0], x[-1], x[-1], x[0]),
                                    cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest")
        (self.cov_obs,) = axc.plot([], [], "x", color="k", ms=5)
        axc.set_xlim(x[0], x[-1])
        axc.set_ylim(x[-1], x[0])
        axc.grid(False)
        # no axis labels here: the title names the axes (each text item costs ~1 ms per redraw)
        axc.xaxis.set_major_locator(MaxNLocator(3))
        axc.yaxis.set_major_locator(MaxNLocator(3))
        cb = fig.colorbar(self.cov_image, ax=axc, shrink=0.85)
        cb.locator = MaxNLocator(3)
        fmt = ScalarFormatter()
        fmt.set_powerlimits((-2, 2))  # small covariances get a "1e-4"-style offset, labels stay short
        cb.formatter = fmt
        self.axc = axc
        # Everything a slider changes is animated: painted over a cached background
        # (Widget.draw) until the y-limit or the colour scale moves to another rung of its
        # ladder. The curves keep their order of a full draw, above the spines (zorder 2.5);
        # the legend sits below them, so that a full draw and a repaint give the same pixels.
        ax.set_title(" ", fontsize=10)
        axc.set_title(" ", fontsize=10)
        parts = [self.band, *self.sample_lines, self.truth_line, self.mean_line, self.obs_line,
                 self.cov_image, self.cov_obs, ax.title]
        for z, art in enumerate(parts):
            art.set_animated(True)
            art.set_zorder(2.6 + 0.01 * z)
        ax.get_legend().set_zorder(2.55)
        # colour-map the 100 x 100 matrix before resampling it: a third of the image's cost
        self.cov_image.set_interpolation_stage("data")

    def _update(self, state: Mapping[str, Any]) -> None:
        r = self.compute(**state)
        x, mean, std = r["x"], r["mean"], r["std"]
        lo, hi = mean - 2 * std, mean + 2 * std
        self.band.set_verts([np.column_stack([np.r_[x, x[::-1]], np.r_[lo, hi[::-1]]])])
        for line, s in zip(self.sample_lines, r["samples"]):
            line.set_ydata(s)
        self.mean_line.set_ydata(mean)
        self.obs_line.set_data(r["x_obs"], r["y_obs"])
        self.cov_obs.set_data(r["x_obs"], r["x_obs"])
        top = float(np.max(np.abs(np.r_[lo, hi, r["samples"].ravel()])))
        top = _snap_up(min(max(3.0, 1.08 * top), 60.0))
        if self.ax.get_ylim() != (-top, top):   # a new limit or scale repaints the figure
            self.ax.set_ylim(-top, top)
        c = r["cov"]
        vmax = _snap_up(float(np.max(np.abs(c))) or 1.0)
        self.cov_image.set_data(c[::self.stride, ::self.stride])
        if self.cov_image.get_clim() != (-vmax, vmax):
            self.cov_image.set_clim(-vmax, vmax)
        n = state["n_obs"]
        what = "prior" if n == 0 else f"posterior | {n} obs."
        ev = "" if np.isnan(r["log_evidence"]) else f", log p(y) = {r['log_evidence']:.1f}"
        self.ax.title.set_text(f"{state['kernel']}: {what}{ev}")
        ctitle = f"{'prior' if n == 0 else 'posterior'} covariance of f(x), f(x')"
        if self.axc.title.get_text() != ctitle:   # a new text repaints the figure
            self.axc.title.set_text(ctitle)

