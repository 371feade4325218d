"""``GANTraining``: step through the snapshots of GAN trainings on a 2-D benchmark.

Explained in ``notebooks/05-generative/04-gans.ipynb``. A dropdown picks a run (for instance a
collapsing one and a healthy one, trained on the same data); a slider moves through training.
Panels:

* the discriminator's probability ``D(x)`` of "real" as a background image (for a packed run,
  ``m > 1``, the discriminator on ``m`` copies of the same point, ``D(x, ..., x)``), the generator's
  samples (the same latent points at every snapshot) and the true mode centres;
* the share of the samples whose nearest mode is each centre (a collapsed generator puts them
  all on one bar), with the two numbers of the benchmark: modes covered and the fraction of
  high-quality samples (within ``3 sigma`` of a mode, :func:`mlnotes.gan.mode_coverage`);
* the discriminator's and the generator's losses up to the chosen step.

Nothing is trained on construction when runs are given (snapshots recorded by
:func:`mlnotes.gan.train_gan` with ``snapshot_every``); ``GANTraining()`` uses
:func:`default_runs`, two small runs trained once per process (about a second).
"""
from __future__ import annotations

import functools
import math
from typing import Any, Dict, Mapping, Optional, Tuple

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .. import plotting
from ..validate import as_array, as_float, as_int
from .base import Choice, IntSlider, Widget, _pin_axis_labels

__all__ = ["GANTraining", "default_runs"]

_COLLAPSE = "collapsing: 4 G steps per D step"
_HEALTHY = "healthy: the same with packing m = 2"


@functools.lru_cache(maxsize=1)
def default_runs() -> Dict[str, Tuple[Any, int]]:
    """Two small runs on the ring for the gallery, ``{name: (GANResult, member)}``.

    One call of :func:`mlnotes.gan.train_gan` with :data:`mlnotes.gan.CONFIGS` ``["collapse"]["cpu"]``
    (rounds of one discriminator step and four generator steps) on 4000 points of
    :func:`mlnotes.gan.ring` (seed 0), two members with seed 0: a plain GAN, which collapses
    onto a small region that moves around the ring (0 of 8 modes covered at the end), and the
    same with packing ``m = 2``, which covers six of the eight modes. About a
    second on a CPU; cached, so later calls in the same process return the same objects.
    """
    from .. import gan  # noqa: PLC0415

    cfg = gan.CONFIGS["collapse"]["cpu"]
    keys = ("steps", "hidden", "depth", "latent_dim", "batch_size", "lr", "betas", "schedule", "g_steps",
            "snapshot_every")
    res = gan.train_gan(gan.ring(4000, seed=0), seed=[0, 0], pack=[1, 2], snapshot_n=400, snapshot_grid=40,
                        device="cpu", progress=False, **{k: cfg[k] for k in keys})
    return {_COLLAPSE: (res, 0), _HEALTHY: (res, 1)}


def _run_arrays(name: str, run: Any) -> Dict[str, np.ndarray]:
    """The arrays the widget shows from ``(GANResult, member)`` or a ``GANResult`` (member 0)."""
    from .. import gan  # noqa: PLC0415

    res, member = (run if isinstance(run, tuple) and len(run) == 2 else (run, 0))
    if not isinstance(res, gan.GANResult):
        raise TypeError(f"GANTraining: runs[{name!r}] must be a GANResult or (GANResult, member), "
                        f"got {type(res).__name__}")
    member = as_int(member, f"runs[{name!r}] member", "GANTraining", lo=0, hi=res.members - 1)
    snap = res.snapshots
    if snap is None or snap.disc is None:
        raise ValueError(f"GANTraining: runs[{name!r}] has no snapshots with a discriminator map: train it on "
                         f"2-D data without labels and with snapshot_every")
    return {"pack": int(res.config["packs"][member]),
            "steps": np.asarray(snap.steps, dtype=np.int64), "samples": np.asarray(snap.samples[member], float),
            "disc": np.asarray(snap.disc[member], float), "extent": np.asarray(snap.extent[member], float),
            "d_loss": np.asarray(res.history["d_loss"][member], float),
            "g_loss": np.asarray(res.history["g_loss"][member], float)}


class GANTraining(Widget):
    """Snapshots of GAN trainings on a 2-D data set: samples over the discriminator, modes, losses.

    Parameters
    ----------
    runs : mapping, optional
        ``{name: GANResult}`` or ``{name: (GANResult, member)}``: runs of
        :func:`mlnotes.gan.train_gan` on 2-D data, without labels, with ``snapshot_every`` (their
        snapshots hold generator samples and the discriminator's map). Default:
        :func:`default_runs` (then ``centres`` and ``sigma`` must be left out too).
    centres : array (k, 2)
        The modes of the data (default: :func:`mlnotes.gan.ring_centres`).
    sigma : float
        Their standard deviation, for the high-quality count (default ``mlnotes.gan.RING_SIGMA``).

    Controls
    --------
    run : the run shown; step : the training round (the latest snapshot at or before it is shown).

    Compute methods: :meth:`snapshot`, :meth:`mode_shares`, :meth:`losses`.
    """

    def __init__(self, runs: Optional[Mapping[str, Any]] = None, *, centres: Any = None,
                 sigma: Optional[float] = None) -> None:
        super().__init__()
        from .. import gan  # noqa: PLC0415

        if runs is None:
            if centres is not None or sigma is not None:
                raise ValueError("GANTraining: give centres and sigma together with runs "
                                 "(or none of them for the default ring runs)")
            runs = default_runs()
        if not isinstance(runs, Mapping) or not runs:
            raise TypeError(f"GANTraining: runs must be a non-empty mapping {{name: GANResult}}, got {runs!r}")
        for name in runs:
            if not isinstance(name, str):
                raise TypeError(f"GANTraining: run names must be strings, got {name!r}")
        self.runs = {name: _run_arrays(name, r) for name, r in runs.items()}
        self.centres = as_array(gan.ring_centres() if centres is None else centres, "centres", "GANTraining",
                                ndim=2, shape=(None, 2))
        self.sigma = as_float(gan.RING_SIGMA if sigma is None else sigma, "sigma", "GANTraining", positive=True)
        last = max(int(r["steps"][-1]) for r in self.runs.values())
        gaps = [int(g) for r in self.runs.values() for g in np.diff(r["steps"])] or [max(last, 1)]
        stride = functools.reduce(math.gcd, gaps)
        self.controls = {
            "run": Choice(list(self.runs), next(iter(self.runs)), "run"),
            "step": IntSlider(0, max(last, 1), max(last, 1) - (max(last, 1) % stride), max(1, stride), "step"),
        }
        self._shown: Optional[str] = None

    # ------------------------------------------------------------------ compute
    def _run(self, run: str) -> Dict[str, np.ndarray]:
        return self.runs[self.controls["run"].validate("GANTraining: run", run)]

    def _index(self, r: Dict[str, np.ndarray], step: int) -> int:
        step = self.controls["step"].validate("GANTraining: step", step)
        return int(np.searchsorted(r["steps"], step, side="right") - 1)

    def snapshot(self, run: str, step: int) -> Dict[str, Any]:
        """The latest snapshot at or before ``step``: ``{"step", "samples" (n, 2), "disc" (g, g), "extent"}``."""
        r = self._run(run)
        i = self._index(r, step)
        return {"step": int(r["steps"][i]), "samples": r["samples"][i], "disc": r["disc"][i], "extent": r["extent"]}

    def mode_shares(self, run: str, step: int) -> Tuple[np.ndarray, Any]:
        """Share of the snapshot's samples whose nearest centre is each mode, and the
        :class:`mlnotes.gan.Coverage` (modes covered, high-quality fraction) of the snapshot."""
        from .. import gan  # noqa: PLC0415

        x = self.snapshot(run, step)["samples"]
        d2 = ((x[:, None, :] - self.centres[None]) ** 2).sum(-1)
        shares = np.bincount(d2.argmin(1), minlength=len(self.centres)) / len(x)
        return shares, gan.mode_coverage(x, self.centres, self.sigma)

    def losses(self, run: str, step: int) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rounds ``1..step`` and the discriminator's and generator's losses at each (the last
        ``step`` entries of the history, capped at the run's length)."""
        r = self._run(run)
        step = self.controls["step"].validate("GANTraining: step", step)
        t = min(step, len(r["d_loss"]))
        return np.arange(1, t + 1), r["d_loss"][:t], r["g_loss"][:t]

    # ------------------------------------------------------------------- figure
    def _figsize(self) -> tuple:
        return (10.5, 3.5)

    def _draw(self, fig: Figure, state: Mapping[str, Any]) -> None:
        self._shown = None   # new artists: the run's extent and limits must be set on them
        gs = fig.add_gridspec(1, 3, width_ratios=(1.0, 1.0, 1.15))
        self._ax = fig.add_subplot(gs[0, 0])
        self._ax_bar = fig.add_subplot(gs[0, 1])
        self._ax_loss = fig.add_subplot(gs[0, 2])
        ax = self._ax
        ax.grid(False)                      # nothing of the frame under the animated image
        for side in ax.spines.values():
            side.set_visible(False)
        ax.set(xticks=[], yticks=[])
        ax.set_aspect("equal")
        self._im = ax.imshow(np.zeros((2, 2)), origin="lower", cmap="RdBu", vmin=0.0, vmax=1.0,
                             interpolation="bilinear", zorder=0)
        self._pts = ax.scatter(np.zeros(1), np.zeros(1), s=4, color="k", alpha=0.55, linewidths=0, zorder=2)
        (self._ctr,) = ax.plot(self.centres[:, 0], self.centres[:, 1], "x", color=plotting.PALETTE[1], ms=6,
                               mew=1.5, zorder=3)
        ax.set_title(" ")
        k = len(self.centres)
        self._bars = self._ax_bar.bar(np.arange(k), np.zeros(k), color=plotting.PALETTE[0], zorder=3)
        self._ax_bar.set_xlim(-0.7, k - 0.3)
        self._ax_bar.set_ylim(0, 1.02)
        self._ax_bar.set_xticks([])               # the modes' order carries no meaning
        self._ax_bar.yaxis.set_major_locator(MaxNLocator(4))
        self._ax_loss.yaxis.set_major_locator(MaxNLocator(4))
        self._ax_loss.xaxis.set_major_locator(MaxNLocator(4, integer=True))
        self._ax_bar.axhline(1 / k, color="0.4", lw=0.8, ls=":", zorder=2)
        self._bar_text = self._ax_bar.text(0.97, 0.95, "", transform=self._ax_bar.transAxes, ha="right", va="top",
                                           fontsize=8, zorder=4)
        plotting.label(self._ax_bar, "modes (nearest centre of each sample)", "share of samples",
                       "where the samples are")
        (self._ld,) = self._ax_loss.plot([], [], color=plotting.PALETTE[0], lw=1.0, label="D loss (−V)", zorder=3)
        (self._lg,) = self._ax_loss.plot([], [], color=plotting.PALETTE[3], lw=1.0, label="G loss", zorder=3)
        self._ax_loss.axhline(math.log(4), color="0.4", lw=0.8, ls=":", zorder=2)
        legend = self._ax_loss.legend(loc="upper right", fontsize=7)
        legend.set_zorder(5)
        plotting.label(self._ax_loss, "round", "loss", "losses up to this round")
        # everything a move of the slider changes is animated and drawn above the static frame;
        # the legend too, so that the loss curves pass under it as in a full draw
        for art in (self._im, self._pts, self._ctr, ax.title, *self._bars, self._bar_text, self._ld, self._lg,
                    *legend.findobj()):
            art.set_animated(True)

    def figure(self, **state: Any) -> Figure:
        """Build the figure for ``state``; the layout is computed once, then frozen (fast updates)."""
        fig = super().figure(**state)
        _pin_axis_labels(self._ax_bar, self._ax_loss)
        return fig

    def _update(self, state: Mapping[str, Any]) -> None:
        run, step = state["run"], state["step"]
        r = self._run(run)
        if self._shown != run:
            x0, x1, y0, y1 = r["extent"]
            self._im.set_extent((x0, x1, y0, y1))
            self._ax.set_xlim(x0, x1)
            self._ax.set_ylim(y0, y1)
            total = np.concatenate([r["d_loss"], r["g_loss"]])
            lo, hi = np.percentile(total, [0.5, 99.5])
            pad = 0.05 * (hi - lo) + 1e-6
            self._ax_loss.set_xlim(0, max(len(r["d_loss"]), 1))
            self._ax_loss.set_ylim(min(lo, math.log(4)) - pad, max(hi, math.log(4)) + pad)
            self._shown = run
        snap = self.snapshot(run, step)
        self._im.set_data(snap["disc"])
        self._pts.set_offsets(snap["samples"])
        shares, cov = self.mode_shares(run, step)
        for bar, h in zip(self._bars, shares):
            bar.set_height(h)
        self._bar_text.set_text(f"modes covered: {cov.modes}/{len(self.centres)}\n"
                                f"within 3σ: {100 * cov.high_quality:.0f} %")
        t, dl, gl = self.losses(run, step)
        self._ld.set_data(t, dl)
        self._lg.set_data(t, gl)
        m = self.runs[run]["pack"]
        d_of = "D(x)" if m == 1 else "D(x, x)" if m == 2 else f"D(x, ..., x), {m} copies"
        title = f"{run}\nround {snap['step']}: samples over {d_of}"
        if self._ax.title.get_text() != title:
            self._ax.title.set_text(title)
