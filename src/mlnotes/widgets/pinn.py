"""``PINNTraining``: a physics-informed network's prediction of Burgers' equation, step by step.

Explained in ``notebooks/07-scientific-ml/02-physics-informed-networks.ipynb``. A slider moves
through the snapshots of a training run (the network's prediction ``u_theta(t, x)`` on a grid,
recorded every few optimiser steps); a second slider picks a time ``t*``. Panels:

* the prediction ``u_theta(t, x)`` over the whole domain (time across, space up), with the
  initial/boundary training points when the history has them and the chosen time as a line;
* the pointwise error ``|u_theta - u|`` against the exact solution, on a logarithmic colour scale
  whose limits stay fixed over the whole run (so the colours of two snapshots compare);
* the slice ``u(t*, x)``: prediction and exact solution (the shock at ``x = 0`` forms after
  ``t = 1 / pi``).

The title gives the training step and the relative L2 error over the grid,
``||u_theta - u||_2 / ||u||_2``.

``PINNTraining()`` uses :func:`mlnotes.pinn.default_history` (a short run trained once per
process); any dict with the keys documented in :class:`PINNTraining` works, for instance one
built by a notebook from its own training loop.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from .. import plotting
from ..validate import as_array
from .base import FloatSlider, IntSlider, Player, Widget, _pin_axis_labels, _snap_up

__all__ = ["PINNTraining", "REQUIRED_KEYS"]

#: Keys every history must have (see :class:`PINNTraining`).
REQUIRED_KEYS = ("t", "x", "exact", "snapshots", "steps")
#: Largest history accepted (entries of ``snapshots``): about 160 MB of float64.
MAX_ENTRIES = 20_000_000
#: Decades of the error colour scale below its (fixed) top.
ERROR_DECADES = 4.0
#: Most frames :meth:`PINNTraining.player` shows by default.
PLAYER_FRAMES = 16

_F = "PINNTraining"


def _key(name: str) -> str:
    return f"history[{name!r}]"


def _increasing(h: Mapping[str, Any], name: str) -> np.ndarray:
    a = as_array(h[name], _key(name), _F, ndim=1, min_size=2)
    if not np.all(np.diff(a) > 0):
        raise ValueError(f"{_F}: {_key(name)} must be strictly increasing")
    return a


def _host(v: Any) -> Any:
    """A torch tensor (on any device, with or without grad) as a numpy array; anything else as is."""
    if hasattr(v, "detach") and hasattr(v, "cpu"):
        return v.detach().cpu().numpy()
    if isinstance(v, Mapping):
        return {k: _host(x) for k, x in v.items()}
    return v


def _check_history(h: Any) -> Dict[str, Any]:
    """The validated arrays of a history dict (float64 copies), or a clear error naming the key."""
    if not isinstance(h, Mapping):
        raise TypeError(f"{_F}: history must be a dict with keys {list(REQUIRED_KEYS)}, got {type(h).__name__}")
    h = {k: _host(v) for k, v in h.items()}
    missing = [k for k in REQUIRED_KEYS if k not in h]
    if missing:
        raise ValueError(f"{_F}: history is missing the key(s) {missing}; required keys: {list(REQUIRED_KEYS)}")
    t, x = _increasing(h, "t"), _increasing(h, "x")
    nt, nx = len(t), len(x)
    exact = as_array(h["exact"], _key("exact"), _F, shape=(nt, nx))
    if not np.any(exact):
        raise ValueError(f"{_F}: {_key('exact')} must not be all zeros (the relative error is undefined)")
    snaps = np.asarray(h["snapshots"]) if not isinstance(h["snapshots"], (str, bytes, dict)) else h["snapshots"]
    if getattr(snaps, "size", 0) > MAX_ENTRIES:
        raise ValueError(f"{_F}: {_key('snapshots')} must have at most {MAX_ENTRIES} entries, got {snaps.size}")
    snaps = as_array(snaps, _key("snapshots"), _F, shape=(None, nt, nx))
    n = len(snaps)
    steps = h["steps"]
    if isinstance(steps, (list, tuple)) and any(isinstance(s, (bool, np.bool_)) for s in steps):
        raise TypeError(f"{_F}: {_key('steps')} must hold integers (training steps), got booleans")
    raw = np.asarray(steps) if not isinstance(steps, (str, bytes, dict)) else steps
    steps = as_array(raw, _key("steps"), _F, shape=(n,))
    if getattr(raw, "dtype", None) == bool or np.any(steps != np.round(steps)) or np.any(steps < 0):
        raise ValueError(f"{_F}: {_key('steps')} must hold integers >= 0 (training steps)")
    if np.any(np.diff(steps) < 0):
        raise ValueError(f"{_F}: {_key('steps')} must be non-decreasing")
    out: Dict[str, Any] = {"t": t, "x": x, "exact": exact, "snapshots": snaps,
                           "steps": steps.astype(np.int64)}
    if "rel_l2" in h:
        as_array(h["rel_l2"], _key("rel_l2"), _F, shape=(n,))
    if "loss" in h:
        out["loss"] = as_array(h["loss"], _key("loss"), _F, ndim=1, min_size=0)
    if "adam_steps" in h:
        a = h["adam_steps"]
        if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, np.integer)) or a < 0:
            raise ValueError(f"{_F}: {_key('adam_steps')} must be an int >= 0, got {a!r}")
        out["adam_steps"] = int(a)
    if "points" in h:
        p = h["points"]
        if not isinstance(p, Mapping) or "u" not in p:
            raise ValueError(f"{_F}: {_key('points')} must be a dict with key 'u' (and optionally 'f'), "
                             f"arrays of (t, x) rows")
        out["points_u"] = as_array(p["u"], "history['points']['u']", _F, shape=(None, 2), min_size=0)
        if "f" in p:
            as_array(p["f"], "history['points']['f']", _F, shape=(None, 2), min_size=0)
    return out


class PINNTraining(Widget):
    """Snapshots of a physics-informed network's prediction against the exact solution.

    Parameters
    ----------
    history : dict, optional
        Default :func:`mlnotes.pinn.default_history`. Required keys: ``"t"`` (nt,) and ``"x"``
        (nx,), strictly increasing (the grid is drawn as uniform); ``"exact"`` (nt, nx) the
        reference solution (rows are times); ``"snapshots"`` (n_snap, nt, nx) the predictions;
        ``"steps"`` (n_snap,) the training step of each snapshot (non-decreasing integers >= 0).
        Optional: ``"points"`` ``{"u": (n_u, 2)}`` (columns ``t, x``: drawn on the prediction),
        ``"adam_steps"`` (an int: steps after it are labelled L-BFGS), ``"rel_l2"`` (n_snap,)
        (only its shape is checked; the values are ignored: the widget recomputes
        ``||snapshot - exact|| / ||exact||`` itself), ``"loss"``; other keys are ignored.
        Arrays (numpy, lists, torch tensors on any device) are copied as float64.
        :func:`mlnotes.pinn.train_burgers` returns such a dict.

    Controls
    --------
    step : snapshot index, 0 to n_snap - 1 (default the last); time : the time ``t*`` of the
    slice, in ``[t[0], t[-1]]`` (the nearest grid row is shown).

    Compute methods: :meth:`prediction`, :meth:`error`, :meth:`rel_l2`, :meth:`time_index`,
    :meth:`slice`, :meth:`error_limits`.
    """

    def __init__(self, history: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__()
        if history is None:
            from .. import pinn  # noqa: PLC0415

            history = pinn.default_history()
        h = _check_history(history)
        self.t, self.x, self.exact = h["t"], h["x"], h["exact"]
        self.snapshots, self.steps = h["snapshots"], h["steps"]
        self.points_u = h.get("points_u")
        self.adam_steps = h.get("adam_steps")
        self.n_snapshots = len(self.steps)
        norm = float(np.linalg.norm(self.exact))
        self._rel = np.array([float(np.linalg.norm(s - self.exact)) / norm for s in self.snapshots])
        top = float(np.max(np.abs(self.snapshots - self.exact[None])))
        self._err_hi = _snap_up(top) if top > 0 else 1.0
        self._err_lo = self._err_hi * 10 ** -ERROR_DECADES
        t0, t1 = float(self.t[0]), float(self.t[-1])
        mid = min(max(0.5, t0), t1) if t0 <= 0.5 <= t1 else 0.5 * (t0 + t1)
        self.controls = {
            "step": IntSlider(0, self.n_snapshots - 1, self.n_snapshots - 1, description="snapshot")
            if self.n_snapshots > 1 else IntSlider(0, 1, 0, description="snapshot"),
            "time": FloatSlider(t0, t1, mid, step=(t1 - t0) / (len(self.t) - 1), description="time t*"),
        }
        if self.n_snapshots == 1:   # a one-snapshot history: the slider may not leave snapshot 0
            self.controls["step"] = _OneSnapshot()

    # ------------------------------------------------------------------ compute
    def _i(self, step: Any, func: str) -> int:
        return self.controls["step"].validate(f"{_F}.{func}: step", step)

    def prediction(self, step: int) -> np.ndarray:
        """The network's prediction of snapshot ``step`` on the grid, (nt, nx) float64."""
        return self.snapshots[self._i(step, "prediction")].copy()

    def error(self, step: int) -> np.ndarray:
        """Pointwise error ``|u_theta - u|`` of snapshot ``step`` on the grid, (nt, nx)."""
        return np.abs(self.snapshots[self._i(step, "error")] - self.exact)

    def rel_l2(self, step: int) -> float:
        """Relative L2 error ``||u_theta - u||_2 / ||u||_2`` of snapshot ``step`` over the grid."""
        return float(self._rel[self._i(step, "rel_l2")])

    def time_index(self, time: float) -> int:
        """Index of the grid time nearest ``time`` (the first of two equally near)."""
        time = self.controls["time"].validate(f"{_F}.time_index: time", time)
        return int(np.argmin(np.abs(self.t - time)))

    def slice(self, step: int, time: float) -> Tuple[float, np.ndarray, np.ndarray, np.ndarray]:
        """``(t_i, x, predicted u(t_i, x), exact u(t_i, x))`` at the grid time ``t_i`` nearest ``time``."""
        i, j = self._i(step, "slice"), self.time_index(time)
        return float(self.t[j]), self.x.copy(), self.snapshots[i, j].copy(), self.exact[j].copy()

    def error_limits(self) -> Tuple[float, float]:
        """The fixed limits of the error colour scale: the largest error of the run rounded up
        (on a ladder of ratio 10**0.1) and ``10**-4`` times it."""
        return self._err_lo, self._err_hi

    def step_label(self, step: int) -> str:
        """Training step of snapshot ``step``, with the optimiser when the history says it."""
        s = int(self.steps[self._i(step, "step_label")])
        if self.adam_steps is None or s == 0:
            return f"step {s}"
        return f"step {s} ({'Adam' if s <= self.adam_steps else 'L-BFGS'})"

    # ------------------------------------------------------------------- figure
    def _figsize(self) -> tuple:
        return (11.0, 3.5)

    def _draw(self, fig: Figure, state: Mapping[str, Any]) -> None:
        gs = fig.add_gridspec(1, 3, width_ratios=(1.0, 1.0, 0.9))
        ax_u, ax_e, ax_s = (fig.add_subplot(gs[0, k]) for k in range(3))
        self._ax_u, self._ax_e, self._ax_s = ax_u, ax_e, ax_s
        ext = (self.t[0], self.t[-1], self.x[0], self.x[-1])
        scale = float(max(np.max(np.abs(self.exact)), 1e-12))
        for ax in (ax_u, ax_e):
            ax.grid(False)
            # the animated image is painted over the cached background: nothing of the
            # background may lie on it (no spines, no tick marks)
            for side in ax.spines.values():
                side.set_visible(False)
            ax.tick_params(length=0)
            ax.set_xlim(ext[0], ext[1])
            ax.set_ylim(ext[2], ext[3])
            plotting.label(ax, "t", "x")
        kw = dict(origin="lower", extent=ext, aspect="auto", interpolation="nearest", animated=True, zorder=0)
        self._im_u = ax_u.imshow(self.exact.T, cmap="RdBu_r", vmin=-scale, vmax=scale, **kw)
        self._im_e = ax_e.imshow(np.full(self.exact.T.shape, self._err_hi), cmap="magma",
                                 norm=LogNorm(self._err_lo, self._err_hi), **kw)
        cb = fig.colorbar(self._im_u, ax=ax_u, fraction=0.06, pad=0.02)
        cb.set_label(r"$u_\theta(t, x)$")
        cb = fig.colorbar(self._im_e, ax=ax_e, fraction=0.06, pad=0.02)
        cb.set_label(r"$|u_\theta - u|$")
        lk = dict(color="0.15", lw=1.0, ls="--", animated=True, zorder=3)
        self._vl_u = ax_u.axvline(ext[0], **lk)
        self._vl_e = ax_e.axvline(ext[0], **{**lk, "color": "w"})
        self._pts = None
        if self.points_u is not None and len(self.points_u):
            (self._pts,) = ax_u.plot(self.points_u[:, 0], self.points_u[:, 1], "x", color="k", ms=3, mew=0.7,
                                     clip_on=False, animated=True, zorder=2)
        self._title_u = ax_u.text(0.5, 1.03, "", transform=ax_u.transAxes, ha="center", va="bottom",
                                  fontsize=10, animated=True)
        ax_u.set_title(" ")
        ax_e.set_title("error, log scale (fixed)")
        # the slice
        lo, hi = float(self.x[0]), float(self.x[-1])
        pad = 0.03 * (hi - lo)
        ax_s.set_xlim(lo - pad, hi + pad)
        top = max(scale, float(np.percentile(np.abs(self.snapshots), 99.9)))
        ax_s.set_ylim(-1.15 * top, 1.15 * top)
        (self._ex,) = ax_s.plot(self.x, self.exact[0], color="k", lw=1.4, ls="--", label="exact",
                                animated=True, zorder=3)
        (self._pr,) = ax_s.plot(self.x, self.exact[0], color=plotting.PALETTE[3], lw=1.6,
                                label=r"$u_\theta$", animated=True, zorder=4)
        legend = ax_s.legend(loc="upper right", fontsize=8)
        legend.set_zorder(5)
        for art in legend.findobj():
            art.set_animated(True)
        plotting.label(ax_s, "x", "u")
        self._title_s = ax_s.text(0.5, 1.03, "", transform=ax_s.transAxes, ha="center", va="bottom",
                                  fontsize=10, animated=True)
        ax_s.set_title(" ")

    def figure(self, **state: Any) -> Figure:
        """Build the figure for ``state``; the layout is computed once, then frozen (fast updates)."""
        fig = super().figure(**state)
        _pin_axis_labels(self._ax_u, self._ax_e, self._ax_s)
        return fig

    def _update(self, state: Mapping[str, Any]) -> None:
        i, time = state["step"], state["time"]
        pred = self.snapshots[i]
        self._im_u.set_data(pred.T)
        self._im_e.set_data(np.maximum(np.abs(pred - self.exact), self._err_lo).T)
        tj, _, p, e = self.slice(i, time)
        self._vl_u.set_xdata([tj, tj])
        self._vl_e.set_xdata([tj, tj])
        self._pr.set_ydata(p)
        self._ex.set_ydata(e)
        self._title_u.set_text(f"{self.step_label(i)}: rel. L² error {self._rel[i]:.2e}")
        self._title_s.set_text(f"slice at t* = {tj:.3g}")

    def player(self, param: str = "step", values: Optional[Sequence[Any]] = None, **kwargs: Any) -> Player:
        """Pre-rendered sweep (see :meth:`Widget.player`); for ``param='step'`` the default values
        are at most 16 snapshots evenly spread over the run, the first and the last included."""
        if isinstance(param, str) and param == "step" and values is None:
            n = self.n_snapshots
            values = sorted({int(round(v)) for v in np.linspace(0, n - 1, min(n, PLAYER_FRAMES))})
        return super().player(param, values, **kwargs)


class _OneSnapshot(IntSlider):
    """The step control of a one-snapshot history: only 0 is valid (ipywidgets shows 0..1)."""

    def __init__(self) -> None:
        super().__init__(0, 1, 0, description="snapshot")

    def validate(self, name: str, value: Any) -> int:
        v = super().validate(name, value)
        if v != 0:
            raise ValueError(f"{name} must lie in [0, 0] (the history has one snapshot), got {v}")
        return v
