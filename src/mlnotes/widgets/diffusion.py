"""``DiffusionSteps``: the forward and the learned reverse process of a diffusion model, step by step.

Explained in ``notebooks/05-generative/05-diffusion.ipynb``. Controls: the data set, the noise
schedule and the timestep ``t``. Panels: samples ``x_t`` of the forward process (closed form
``q(x_t | x_0)``, the same noise for every ``t``); the reverse trajectory of the trained model at
the same ``t`` (with the learned score field as arrows, optional); ``alpha_bar_t`` and the SNR with
markers at ``t``.

Everything expensive (training, the reverse trajectory, the score field on a grid for every
``t``) is computed once per (data set, schedule) and cached: moving the slider only indexes.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Tuple

import numpy as np

from .. import data as _data
from .. import diffusion as _diff
from .. import runtime
from ..validate import as_seed, as_size
from .base import Choice, IntSlider, Toggle, Widget

__all__ = ["DiffusionSteps"]

_LIM = 3.6  # half-width of the 2-D panels


class DiffusionSteps(Widget):
    """Forward noising and learned denoising of a 2-D toy set (or, in the full configuration, 8x8 digits).

    Parameters
    ----------
    runs : mapping, optional
        Already trained models: ``{(dataset, schedule): FitResult}`` (from :func:`mlnotes.diffusion.fit`).
        Combinations that are missing are trained on first use with ``train_steps`` steps and cached.
    trajectories : mapping, optional
        Precomputed reverse trajectories ``{(dataset, schedule): array (T + 1, n, d)}`` (entry ``[t]`` is
        ``x_t``), e.g. from ``FitResult.sample(n, return_trajectory=True)``; otherwise sampled once.
    n : int
        Number of points shown for a 2-D set (16 digits are shown for the digits).
    train_steps : int
        Training steps for the combinations not in ``runs``.
    grid : int
        The score field is drawn on a ``grid x grid`` lattice.
    seed : int
        Seed of the data, the noise and the sampler.
    """

    T = 1000

    def __init__(self, runs: Optional[Mapping[Tuple[str, str], Any]] = None, *,
                 trajectories: Optional[Mapping[Tuple[str, str], np.ndarray]] = None, n: int = 1000,
                 train_steps: int = 1500, grid: int = 15, seed: int = 0) -> None:
        super().__init__()
        datasets = list(_data.TOY2D) + (["digits"] if runtime.full_config() else [])
        default_ds = "eight_gaussians"
        for what, m in (("runs", runs), ("trajectories", trajectories)):
            if m is not None and not isinstance(m, Mapping):
                raise TypeError(f"DiffusionSteps: {what} must be a mapping {{(dataset, schedule): ...}}, "
                                f"got {type(m).__name__}")
        runs = dict(runs or {})
        for key, run in runs.items():
            self._check_key("runs", key, datasets)
            if not isinstance(run, _diff.FitResult):
                raise TypeError(f"DiffusionSteps: runs[{key!r}] must be a FitResult, got {type(run).__name__}")
            if run.schedule.T != self.T:
                raise ValueError(f"DiffusionSteps: runs[{key!r}] must use T = {self.T} steps, got {run.schedule.T}")
            if run.config.get("dataset") != key[0] or run.schedule.name != key[1]:
                raise ValueError(
                    f"DiffusionSteps: runs[{key!r}] was trained on ({run.config.get('dataset')!r}, "
                    f"{run.schedule.name!r}), not on {key!r}"
                )
        trajectories = dict(trajectories or {})
        for key, tr in trajectories.items():
            self._check_key("trajectories", key, datasets)
            tr = np.asarray(tr)
            if tr.ndim != 3 or tr.shape[0] != self.T + 1:
                raise ValueError(
                    f"DiffusionSteps: trajectories[{key!r}] must have shape ({self.T + 1}, n, d), got {tr.shape}"
                )
            trajectories[key] = tr
        if runs:  # start on a combination that needs no training
            default_ds, default_sch = next(iter(runs))
        else:
            default_sch = "linear"
        self.n = as_size(n, "n", "DiffusionSteps", hi=100_000)
        self.train_steps = as_size(train_steps, "train_steps", "DiffusionSteps", hi=1_000_000)
        self.grid = as_size(grid, "grid", "DiffusionSteps", lo=2, hi=200)
        self.seed = as_seed(seed, "seed", "DiffusionSteps", allow_none=False)
        self.runs = runs
        self._given_traj = trajectories
        self._cache: Dict[Tuple[str, str], Dict[str, Any]] = {}
        self._curves: Dict[str, Tuple[np.ndarray, np.ndarray]] = {}
        self.schedules = {name: _diff.make_schedule(name, self.T) for name in _diff.SCHEDULES}
        self.controls = {
            "dataset": Choice(datasets, default_ds, "data set"),
            "schedule": Choice(list(_diff.SCHEDULES), default_sch, "schedule"),
            "t": IntSlider(0, self.T, 0, 10, "t"),
            "score": Toggle(True, "score arrows"),
        }
        g = np.linspace(-_LIM + 0.3, _LIM - 0.3, self.grid)
        self._grid = np.stack(np.meshgrid(g, g), axis=-1).reshape(-1, 2)

    @staticmethod
    def _check_key(what: str, key: Any, datasets) -> None:
        if not (isinstance(key, tuple) and len(key) == 2 and key[0] in datasets and key[1] in _diff.SCHEDULES):
            raise ValueError(
                f"DiffusionSteps: {what} keys must be (dataset, schedule) with dataset in {datasets} "
                f"and schedule in {_diff.SCHEDULES}, got {key!r}"
            )

    def busy_message(self, state: Mapping[str, Any]) -> Optional[str]:
        """Announce the training of a (data set, schedule) pair that has no model yet (seconds)."""
        state = self._check_state_mapping(state)
        key = (state.get("dataset"), state.get("schedule"))
        if key in self._cache or key in self.runs:
            return None
        return f"training a model for {key[0]}, {key[1]} schedule ({self.train_steps} steps)"

    # ------------------------------------------------------------------ compute
    def run(self, dataset: str, schedule: str) -> "_diff.FitResult":
        """The trained model of a combination (trained now, and cached, when it was not given)."""
        self.controls["dataset"].validate("dataset", dataset)
        self.controls["schedule"].validate("schedule", schedule)
        key = (dataset, schedule)
        if key not in self.runs:
            if dataset == "digits":
                cfg = _diff.config("digits", steps=self.train_steps, verbose=False)
            else:
                cfg = dict(_diff.CONFIGS["toy"]["cpu"], dataset=dataset, device=runtime.device(), full=False,
                           steps=self.train_steps)
            cfg["schedule"] = schedule
            self.runs[key] = _diff.fit(cfg, seed=self.seed, progress=False, verbose=False)
        return self.runs[key]

    def _combo(self, dataset: str, schedule: str) -> Dict[str, Any]:
        self.controls["dataset"].validate("dataset", dataset)
        self.controls["schedule"].validate("schedule", schedule)
        key = (dataset, schedule)
        if key in self._cache:
            return self._cache[key]
        sch = self.schedules[schedule]
        rng = np.random.default_rng(self.seed + 11)
        if dataset == "digits":
            X, _ = _data.digits()
            x0 = X[rng.choice(len(X), 16, replace=False)] * 2.0 - 1.0
        else:
            x0 = _data.toy2d(dataset, self.n, seed=self.seed + 7)
        noise = rng.standard_normal(x0.shape)
        traj = self._given_traj.get(key)
        need_run = traj is None or dataset != "digits"  # the 2-D score field needs the model
        run = self.run(dataset, schedule) if need_run else None
        if traj is None:
            traj = run.sample(16 if dataset == "digits" else self.n, seed=self.seed, return_trajectory=True)
        field = None
        if dataset != "digits":
            # minus the predicted noise, i.e. sigma_t times the learned score, for every t >= 1
            G = len(self._grid)
            ts = np.repeat(np.arange(1, self.T + 1), G)
            xs = np.tile(self._grid, (self.T, 1))
            eps = np.concatenate([run.eps(xs[i:i + 100_000], ts[i:i + 100_000]) for i in range(0, len(xs), 100_000)])
            field = np.concatenate([-eps[:G][None], -eps.reshape(self.T, G, 2)], axis=0)
            mag = np.linalg.norm(field, axis=2, keepdims=True)
            field = field * np.minimum(1.0, 3.0 / np.maximum(mag, 1e-12))  # arrows capped at length 3
        self._cache[key] = dict(x0=x0, noise=noise, traj=np.asarray(traj, dtype=np.float64), field=field,
                                schedule=sch)
        return self._cache[key]

    def forward_samples(self, dataset: str, schedule: str, t: int) -> np.ndarray:
        """``x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps`` for the widget's fixed ``x_0`` and ``eps``."""
        c = self._combo(dataset, schedule)
        t = self.controls["t"].validate("t", t)
        return c["schedule"].q_sample(c["x0"], t, c["noise"])

    def reverse_samples(self, dataset: str, schedule: str, t: int) -> np.ndarray:
        """State ``x_t`` of the model's reverse trajectory (precomputed once)."""
        t = self.controls["t"].validate("t", t)
        return self._combo(dataset, schedule)["traj"][t]

    def score_field(self, dataset: str, schedule: str, t: int) -> np.ndarray:
        """``-eps_theta(x, t) = sigma_t s_theta(x, t)`` on the grid (arrow lengths capped at 3), shape (grid^2, 2)."""
        t = self.controls["t"].validate("t", t)
        f = self._combo(dataset, schedule)["field"]
        if f is None:
            raise ValueError("score_field: there is no 2-D score field for the digits")
        return f[t]

    def curves(self, schedule: str) -> Tuple[np.ndarray, np.ndarray]:
        """``alpha_bar_t`` and ``log10 SNR_t`` for t = 0..T (the SNR at t = 0, infinite, is clipped)."""
        self.controls["schedule"].validate("schedule", schedule)
        if schedule not in self._curves:
            s = self.schedules[schedule]
            with np.errstate(divide="ignore"):
                lsnr = np.log10(s.snr)
            lsnr[0] = lsnr[1]
            self._curves[schedule] = (s.alpha_bars, lsnr)
        return self._curves[schedule]

    # ------------------------------------------------------------------ figure
    def _figsize(self) -> tuple:
        return (10.5, 3.5)

    def _draw(self, fig, state: Mapping[str, Any]) -> None:
        axf, axr, axc = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1, 1.25]})
        self._axes = (axf, axr, axc)
        from matplotlib.ticker import FixedLocator  # noqa: PLC0415

        for ax in (axf, axr):  # coordinates carry no information here: no tick labels (cheaper redraws)
            ax.set_xticks([])
            ax.set_yticks([])
            for side in ("top", "right"):
                ax.spines[side].set_visible(True)
            ax.set_xlim(-_LIM, _LIM)
            ax.set_ylim(-_LIM, _LIM)
            ax.set_aspect("equal")
        ext = (-_LIM, _LIM, -_LIM, _LIM)
        blank = np.zeros((32, 32))
        self._img_f = axf.imshow(blank, cmap="gray", vmin=-1, vmax=1, extent=ext, interpolation="nearest", visible=False)
        self._img_r = axr.imshow(blank, cmap="gray", vmin=-1, vmax=1, extent=ext, interpolation="nearest", visible=False)
        empty = np.zeros((0, 2))
        self._sc_f = axf.scatter(empty[:, 0], empty[:, 1], s=3, color="#0072B2", alpha=0.6, linewidths=0)
        self._sc_r = axr.scatter(empty[:, 0], empty[:, 1], s=3, color="#D55E00", alpha=0.6, linewidths=0)
        zeros = np.zeros(len(self._grid))
        self._quiver = axr.quiver(self._grid[:, 0], self._grid[:, 1], zeros, zeros, angles="xy",
                                  scale_units="xy", scale=4.0, width=0.004, color="0.35", alpha=0.8)
        axf.set_title("forward $x_t \\sim q(x_t\\mid x_0)$")
        axr.set_title("reverse $x_t$ (trained model)")
        ab, lsnr = self.curves(state["schedule"])
        ts = np.arange(self.T + 1)
        (self._l_ab,) = axc.plot(ts, ab, color="#0072B2", label=r"$\bar\alpha_t$")
        (self._m_ab,) = axc.plot([0], [1], "o", color="#0072B2", ms=7)
        axc.set_xlim(0, self.T)
        axc.xaxis.set_major_locator(FixedLocator([0, 250, 500, 750, 1000]))
        axc.yaxis.set_major_locator(FixedLocator([0, 0.5, 1]))
        axc.set_ylim(-0.02, 1.02)
        axc.set_xlabel("t")
        axc.set_ylabel(r"$\bar\alpha_t$", color="#0072B2")
        ax2 = axc.twinx()
        ax2.grid(False)
        (self._l_snr,) = ax2.plot(ts, lsnr, color="#D55E00", label="log10 SNR")
        (self._m_snr,) = ax2.plot([0], [lsnr[0]], "s", color="#D55E00", ms=6)
        ax2.set_ylim(-11, 5)
        ax2.yaxis.set_major_locator(FixedLocator([-10, -5, 0, 5]))
        ax2.set_ylabel(r"$\log_{10}\,\mathrm{SNR}_t$", color="#D55E00")
        self._ax2 = ax2
        self._text = axc.text(0.98, 0.96, "", transform=axc.transAxes, ha="right", va="top", fontsize=9)
        self._shown: Tuple[Optional[str], Optional[str]] = (None, None)

    @staticmethod
    def _mosaic(x: np.ndarray) -> np.ndarray:
        imgs = np.asarray(x).reshape(4, 4, 8, 8)
        return imgs.transpose(0, 2, 1, 3).reshape(32, 32)

    def _update(self, state: Mapping[str, Any]) -> None:
        ds, sch, t = state["dataset"], state["schedule"], state["t"]
        c = self._combo(ds, sch)
        digits = ds == "digits"
        if self._shown[0] != ds:
            for art in (self._img_f, self._img_r):
                art.set_visible(digits)
            for art in (self._sc_f, self._sc_r):
                art.set_visible(not digits)
        if self._shown[1] != sch:
            ab, lsnr = self.curves(sch)
            self._l_ab.set_ydata(ab)
            self._l_snr.set_ydata(lsnr)
        self._shown = (ds, sch)
        fwd = c["schedule"].q_sample(c["x0"], t, c["noise"])
        rev = c["traj"][t]
        if digits:
            self._img_f.set_data(self._mosaic(fwd))
            self._img_r.set_data(self._mosaic(rev))
            self._quiver.set_visible(False)
        else:
            self._sc_f.set_offsets(fwd)
            self._sc_r.set_offsets(rev)
            self._quiver.set_visible(bool(state["score"]))
            if state["score"]:
                f = c["field"][t]
                self._quiver.set_UVC(f[:, 0], f[:, 1])
        s = c["schedule"]
        ab, lsnr = self.curves(sch)
        self._m_ab.set_data([t], [ab[t]])
        self._m_snr.set_data([t], [lsnr[t]])
        snr_txt = "inf" if t == 0 else f"{s.snr[t]:.3g}"
        self._text.set_text(f"{sch}, t = {t}\n\u1fb1_t = {s.alpha_bars[t]:.3g}\nSNR = {snr_txt}")
