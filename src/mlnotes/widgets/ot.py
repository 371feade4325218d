"""Optimal-transport explorer: exact and entropic plans, the plan matrix, and displacement
versus mixture interpolation, for 2-D point clouds and 1-D densities.

Used in ``notebooks/04-deep-learning/06-optimal-transport.ipynb``. Everything it computes
comes from :mod:`mlnotes.ot` (assignment / monotone exact plans, log-domain Sinkhorn).
The cost is the squared Euclidean distance, so the exact optimum is ``W_2^2``.
Sinkhorn results are cached per problem and ``eps``; a new ``eps`` warm-starts from the
nearest larger cached one (walking down the slider's grid), which keeps an update cheap.
"""
from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .. import data, ot, plotting
from .base import Choice, Control, FloatSlider, IntSlider, Player, Widget, _pin_axis_labels

__all__ = ["TransportExplorer", "DENSITIES_1D", "SETS_2D", "EPS_GRID", "VIEWS"]

#: 2-D sources/targets (see :func:`mlnotes.data.toy2d`).
SETS_2D = ("moons", "eight_gaussians", "ring", "two_gaussians", "swiss_roll", "checkerboard")
#: 1-D densities on a grid of ``n`` bins over [-4, 4].
DENSITIES_1D = ("1d gaussian", "1d two bumps", "1d uniform", "1d skewed")
#: Values of the eps slider, relative to the median cost; 0 means exact OT.
EPS_GRID = (0.0,) + tuple(float(f"{v:.3g}") for v in np.geomspace(1e-3, 1.0, 16))
VIEWS = ("plan lines", "plan matrix", "interpolation")

_EPS_MIN, _EPS_MAX = 1e-3, 1.0
_TOL = 1e-4          # first stop of Sinkhorn: ||P 1 - a||_1 <= 1e-4 (invisible in the plan) ...
_BIAS_RTOL = 1e-2    # ... then refine until ||P 1 - a||_1 * max C <= 1 % of the printed bias
_MAX_ITER = 20_000
_ATOM_REL = 1e-9     # plan entries below 1e-9 * max P are not interpolated (negligible mass)
_KDE_STEPS = 0.75    # bandwidth of the 1-D entropic interpolation's KDE, in grid steps
_N_LAYERS = 8        # mass classes of the displacement atoms (opacity 1, 1/2, ..., 1/128)
_GRID_LO, _GRID_HI = -4.0, 4.0


@dataclass
class _EpsSlider(Control):
    """eps relative to the median cost on a log slider whose left end is exact OT (0)."""

    default: float = 0.0398
    description: str = "eps / median C"

    def validate(self, name: str, value: Any) -> float:
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"{name} must be 0 (exact) or a number in [{_EPS_MIN}, {_EPS_MAX}], got {value!r}")
        try:
            value = float(value)
        except OverflowError:
            value = math.inf
        if value != 0.0 and not (_EPS_MIN * (1 - 1e-9) <= value <= _EPS_MAX * (1 + 1e-9)):
            raise ValueError(f"{name} must be 0 (exact) or lie in [{_EPS_MIN}, {_EPS_MAX}], got {value!r}")
        return value

    def make(self, name: str, value: Any):
        import ipywidgets as W  # noqa: PLC0415

        options = [("exact" if v == 0 else f"{v:.3g}", v) for v in EPS_GRID]
        nearest = min(EPS_GRID, key=lambda v: abs(math.log10(v + 1e-12) - math.log10(value + 1e-12)))
        return W.SelectionSlider(options=options, value=nearest, description=self.description,
                                 continuous_update=False)


def _density_1d(name: str, x: np.ndarray) -> np.ndarray:
    def gauss(m, s):
        return np.exp(-0.5 * ((x - m) / s) ** 2)

    if name == "1d gaussian":
        h = gauss(-2.0, 0.6)
    elif name == "1d two bumps":
        h = 0.4 * gauss(0.3, 0.35) + 0.6 * gauss(2.4, 0.5)
    elif name == "1d uniform":
        h = ((x >= -1.0) & (x <= 2.5)).astype(float)
    else:  # skewed: a gamma(2) shape starting at -3.5
        z = np.clip(x + 3.5, 0.0, None)
        h = z * np.exp(-z / 0.8)
    h = h + 1e-12 * h.max()   # a whisker of mass everywhere: every bin is a point of the measure
    return h / h.sum()


class TransportExplorer(Widget):
    """Optimal transport between two measures, exact (eps = 0) or entropic.

    Parameters
    ----------
    source, target : str
        Defaults: one of :data:`SETS_2D` or :data:`DENSITIES_1D` (both of one kind).
    n : int
        Default number of points per cloud (or grid bins of a 1-D density).
    seed : int
        Seed of the source cloud (the target uses ``seed + 1``).

    Controls
    --------
    source, target : the two measures (2-D toy clouds or 1-D densities; choosing one of the
    other kind switches the other measure to that kind too);
    n : points per cloud, 10 to 300; eps : 0 (exact) or eps / median cost in [1e-3, 1];
    t : interpolation time in [0, 1]; view : the main panel (plan lines, plan matrix, or
    displacement paths).

    Compute methods: :meth:`problem`, :meth:`solve`, :meth:`displacement`, :meth:`density_1d`,
    :meth:`mixture`, :meth:`numbers`.
    """

    controls = {
        "source": Choice(SETS_2D + DENSITIES_1D, "moons", description="source"),
        "target": Choice(SETS_2D + DENSITIES_1D, "eight_gaussians", description="target"),
        "n": IntSlider(10, 300, 120, step=10, description="n points"),
        "eps": _EpsSlider(),
        "t": FloatSlider(0.0, 1.0, 0.5, step=0.05, description="time t"),
        "view": Choice(VIEWS, "plan lines", description="view"),
    }

    def __init__(self, source: str = "moons", target: str = "eight_gaussians", n: int = 120,
                 seed: int = 0) -> None:
        super().__init__()
        if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) \
                or not 0 <= seed < 2**32 - 1:
            raise ValueError(f"TransportExplorer: seed must be an int in [0, 2**32 - 2], got {seed!r}")
        self.seed = int(seed)
        self.controls = dict(type(self).controls)
        for name, v in (("source", source), ("target", target)):
            self.controls[name].validate(name, v)
        self.controls["n"].validate("n", n)
        if _is_1d(source) != _is_1d(target):
            raise ValueError(f"TransportExplorer: source and target must both be 2-D sets or both 1-D "
                             f"densities, got {source!r} and {target!r}")
        self.controls["source"] = Choice(SETS_2D + DENSITIES_1D, source, description="source")
        self.controls["target"] = Choice(SETS_2D + DENSITIES_1D, target, description="target")
        self.controls["n"] = IntSlider(10, 300, int(n), step=10, description="n points")
        self._problems: "OrderedDict[tuple, Dict[str, Any]]" = OrderedDict()
        self._limits: Dict[tuple, Tuple[np.ndarray, np.ndarray]] = {}

    # ------------------------------------------------------------------- state
    def validate(self, **state: Any) -> Dict[str, Any]:
        """Check a state; when the source and target kinds (1-D / 2-D) differ, the one not
        just set follows the other's kind; setting both to different kinds raises."""
        for k in ("source", "target", "view"):
            if k in state and not isinstance(state[k], str):
                raise TypeError(f"{k} must be one of {list(self.controls[k].options)}, got {state[k]!r}")
        previous = dict(self.state)
        st = super().validate(**state)
        if _is_1d(st["source"]) != _is_1d(st["target"]):
            # the measure that was just changed wins; the other one follows its kind
            changed = [k for k in ("source", "target") if k in state and state[k] != previous.get(k)]
            if len(changed) != 1:
                raise ValueError(f"source and target must both be 2-D sets or both 1-D densities, "
                                 f"got {st['source']!r} and {st['target']!r}")
            lead = changed[0]
            other = "target" if lead == "source" else "source"
            pool = DENSITIES_1D if _is_1d(st[lead]) else SETS_2D
            st[other] = pool[1] if other == "target" else pool[0]
        return st

    # ----------------------------------------------------------------- compute
    def problem(self, source: str, target: str, n: int) -> Dict[str, Any]:
        """The two measures and their cost: ``X, Y`` (n, d), ``a, b``, ``C = |x - y|^2``,
        the median cost, the exact plan and ``W_2``; cached (the last 4 problems)."""
        self._check_pair(source, target)
        n = self.controls["n"].validate("n", n)
        key = (source, target, n)
        hit = self._problems.get(key)
        if hit is not None:
            self._problems.move_to_end(key)
            return hit
        one_d = _is_1d(source)
        if one_d:
            grid = np.linspace(_GRID_LO, _GRID_HI, int(n))
            X, Y = grid[:, None], grid[:, None]
            a, b = _density_1d(source, grid), _density_1d(target, grid)
            P = ot.monotone_plan(grid, grid, a, b)
        else:
            X = data.toy2d(source, int(n), seed=self.seed)
            Y = data.toy2d(target, int(n), seed=self.seed + 1)
            a = b = ot.uniform(int(n))
            P = None
        C = ot.cost_matrix(X, Y, 2.0)
        if P is None:
            P = ot.exact_plan(a, b, C)
        exact_cost = float(np.sum(P * C))
        # display order of the plan matrix: points sorted by their first coordinate
        prob = {"X": X, "Y": Y, "a": a, "b": b, "C": C, "median": float(np.median(C)), "exact_plan": P,
                "exact_cost": exact_cost, "W2": math.sqrt(max(exact_cost, 0.0)), "one_d": one_d,
                "order_x": np.argsort(X[:, 0], kind="stable"), "order_y": np.argsort(Y[:, 0], kind="stable"),
                "sinkhorn": {}}
        self._problems[key] = prob
        if len(self._problems) > 4:
            self._problems.popitem(last=False)
        return prob

    def _check_pair(self, source: Any, target: Any) -> None:
        for k, v in (("source", source), ("target", target)):
            if not isinstance(v, str):
                raise TypeError(f"{k} must be one of {list(self.controls[k].options)}, got {v!r}")
            self.controls[k].validate(k, v)
        if _is_1d(source) != _is_1d(target):
            raise ValueError(f"source and target must both be 2-D sets or both 1-D densities, "
                             f"got {source!r} and {target!r}")

    def solve(self, source: str, target: str, n: int, eps: float) -> Dict[str, Any]:
        """The plan shown for ``eps`` (0: exact) with its numbers.

        Returns a dict: ``plan``, ``cost = <P, C>``, ``n_iter`` (0 for exact; else the Sinkhorn
        iterations of the whole annealing chain from the top of the grid down to ``eps``),
        ``marginal_error`` (L1, both marginals), ``converged``, ``eps_abs`` (eps times the median
        cost). The iterations stop once ``marginal_error * max C`` is at most 1 % of the
        entropic bias ``cost - W_2^2``, so the printed bias is accurate to about 1 %.
        """
        eps = self.controls["eps"].validate("eps", eps)
        prob = self.problem(source, target, n)
        if eps == 0.0:
            P = prob["exact_plan"]
            err = float(np.abs(P.sum(1) - prob["a"]).sum() + np.abs(P.sum(0) - prob["b"]).sum())
            return {"plan": P, "cost": prob["exact_cost"], "n_iter": 0, "marginal_error": err,
                    "converged": True, "eps_abs": 0.0}
        cache: Dict[float, Dict[str, Any]] = prob["sinkhorn"]
        if eps in cache:
            return cache[eps]
        # anneal: walk down the slider grid from the nearest larger cached eps (or the top)
        larger = sorted(e for e in cache if e > eps)
        start = larger[0] if larger else None
        chain = [e for e in EPS_GRID if e > eps and (start is None or e < start)][::-1]
        init = None if start is None else (cache[start]["f"], cache[start]["g"])
        total = 0 if start is None else cache[start]["n_iter"]
        for e in sorted(chain, reverse=True) + [eps]:
            r, it = self._sinkhorn(prob, e * prob["median"], init)
            init = (r.f, r.g)
            total += it
            cache[e] = {"plan": r.plan, "cost": r.cost, "n_iter": total,
                        "marginal_error": r.marginal_error, "converged": r.converged,
                        "eps_abs": e * prob["median"], "f": r.f, "g": r.g}
        return cache[eps]

    @staticmethod
    def _sinkhorn(prob: Mapping[str, Any], eps_abs: float, init: Optional[tuple]):
        """Sinkhorn to ``_TOL``, then tightened until the bias is known to ``_BIAS_RTOL``."""
        a, b, C = prob["a"], prob["b"], prob["C"]
        cmax = float(C.max())
        r = ot.sinkhorn(a, b, C, eps_abs, tol=_TOL, max_iter=_MAX_ITER, init=init)
        it = r.n_iter
        for _ in range(4):
            bias = r.cost - prob["exact_cost"]
            if not r.converged or r.marginal_error * cmax <= _BIAS_RTOL * bias:
                break
            tol = max(0.25 * _BIAS_RTOL * bias / cmax, 1e-13)
            r = ot.sinkhorn(a, b, C, eps_abs, tol=tol, max_iter=_MAX_ITER, init=(r.f, r.g))
            it += r.n_iter
        return r, it

    def displacement(self, t: float, **state: Any) -> Tuple[np.ndarray, np.ndarray]:
        """Interpolation at ``t`` along the shown plan: atoms ``(1-t) x_i + t y_j`` of mass ``P_ij``.

        Every entry above ``1e-9 * max P`` is kept (all the mass up to ``1e-9 n m max P``).
        For the exact plan (``eps = 0``) this is McCann's displacement interpolant; for
        ``eps > 0`` it is the interpolation along the entropic plan, which is not a geodesic.
        """
        st = self.validate(**state)
        prob = self.problem(st["source"], st["target"], st["n"])
        P = self.solve(st["source"], st["target"], st["n"], st["eps"])["plan"]
        i, j, w = ot.plan_atoms(P, _ATOM_REL)
        t = self.controls["t"].validate("t", t)
        return (1.0 - t) * prob["X"][i] + t * prob["Y"][j], w

    def density_1d(self, t: float, **state: Any) -> np.ndarray:
        """The 1-D panel's density at ``t`` on the grid (a 1-D state only).

        Each bin is read as uniform mass over its width ``dx``. Exact plan: the W_2 geodesic,
        whose quantile function is ``(1-t) F^{-1} + t G^{-1}`` (both piecewise linear);
        its CDF at the bin edges, differenced, gives the density (exactly the source and the
        target at ``t = 0`` and ``1``). ``eps > 0``: a kernel density estimate of the atoms
        ``(1-t) x_i + t y_j`` of mass ``P_ij``, Gaussian with bandwidth ``0.75 dx`` (each atom
        first split linearly between its two neighbouring grid points).
        """
        st = self.validate(**state)
        prob = self.problem(st["source"], st["target"], st["n"])
        if not prob["one_d"]:
            raise ValueError("density_1d: source and target must be 1-D densities")
        t = self.controls["t"].validate("t", t)
        x = prob["X"][:, 0]
        dx = x[1] - x[0]
        edges = np.r_[x - dx / 2, x[-1] + dx / 2]
        if st["eps"] == 0.0:
            ca = np.r_[0.0, np.cumsum(prob["a"])]
            cb = np.r_[0.0, np.cumsum(prob["b"])]
            cb *= ca[-1] / cb[-1]
            u = np.unique(np.r_[ca, cb])
            q = (1 - t) * np.interp(u, ca, edges) + t * np.interp(u, cb, edges)
            return np.diff(np.interp(edges, q, u)) / dx
        pts, w = self.displacement(t, **{k: v for k, v in st.items() if k != "t"})
        pos = (pts[:, 0] - x[0]) / dx
        k = np.clip(np.floor(pos).astype(int), 0, len(x) - 2)
        frac = np.clip(pos - k, 0.0, 1.0)
        mass = np.bincount(k, w * (1 - frac), len(x)) + np.bincount(k + 1, w * frac, len(x))
        kernel = np.exp(-0.5 * (np.arange(-4, 5) / _KDE_STEPS) ** 2)
        return np.convolve(mass, kernel / kernel.sum(), mode="same") / dx

    def mixture(self, t: float, **state: Any) -> Tuple[np.ndarray, np.ndarray]:
        """The mixture ``(1-t) mu + t nu`` (see :func:`mlnotes.ot.mixture_interpolation`)."""
        st = self.validate(**state)
        prob = self.problem(st["source"], st["target"], st["n"])
        t = self.controls["t"].validate("t", t)
        return ot.mixture_interpolation(prob["X"], prob["Y"], prob["a"], prob["b"], t)

    def numbers(self, **state: Any) -> Dict[str, float]:
        """Cost ``<P, C>``, exact ``W_2``, entropic bias ``<P_eps, C> - W_2^2``, iterations, marginal error."""
        st = self.validate(**state)
        prob = self.problem(st["source"], st["target"], st["n"])
        r = self.solve(st["source"], st["target"], st["n"], st["eps"])
        return {"cost": r["cost"], "W2": prob["W2"], "bias": r["cost"] - prob["exact_cost"],
                "n_iter": r["n_iter"], "marginal_error": r["marginal_error"], "eps_abs": r["eps_abs"],
                "converged": r["converged"]}

    # ------------------------------------------------------------------ figure
    def _figsize(self) -> tuple:
        return (11.0, 3.9)

    def _draw(self, fig: Figure, state: Mapping[str, Any]) -> None:
        gs = fig.add_gridspec(1, 3, width_ratios=(1.25, 1.0, 1.0))
        self._ax_main = fig.add_subplot(gs[0])
        self._ax_disp = fig.add_subplot(gs[1])
        self._ax_mix = fig.add_subplot(gs[2], sharex=self._ax_disp, sharey=self._ax_disp)
        self._ax_mat = fig.add_axes(self._ax_main.get_position(), label="plan matrix")
        ax = self._ax_main
        src_c, tgt_c = plotting.PALETTE[0], plotting.PALETTE[3]
        self._lines = LineCollection([], linewidths=1.0, colors=[(0.3, 0.3, 0.3, 0.5)], zorder=1)
        ax.add_collection(self._lines)
        (self._sc_src,) = ax.plot([], [], "o", ms=3, color=src_c, zorder=2, ls="none")
        (self._sc_tgt,) = ax.plot([], [], "o", ms=3, color=tgt_c, zorder=2, ls="none")
        (self._curve_src,) = ax.plot([], [], color=src_c, lw=1.6)
        (self._curve_tgt,) = ax.plot([], [], color=tgt_c, lw=1.6)
        self._mat = self._ax_mat.imshow(np.zeros((2, 2)), cmap="magma_r", aspect="auto",
                                        interpolation="nearest", vmin=0.0, vmax=1.0)
        self._ax_mat.set_xlabel("target point (sorted by x)")
        self._ax_mat.set_ylabel("source point (sorted by x)")
        for a_ in (self._ax_mat,):
            a_.xaxis.set_major_locator(MaxNLocator(3, integer=True))
            a_.yaxis.set_major_locator(MaxNLocator(3, integer=True))
        # the displacement atoms, one marker layer per mass class: class k holds the atoms of
        # mass n P_ij in (2^-(k+1), 2^-k] drawn with opacity 2^-k (the last class: all lighter)
        self._disp_layers = [self._ax_disp.plot([], [], "o", ms=3.5, mew=0, ls="none",
                                                color=plotting.PALETTE[2], alpha=2.0 ** -k)[0]
                             for k in range(_N_LAYERS)]
        self._sc_mix = self._ax_mix.scatter([], [], s=8, color=plotting.PALETTE[4], linewidths=0)
        (self._curve_disp,) = self._ax_disp.plot([], [], color=plotting.PALETTE[2], lw=1.6)
        (self._curve_mix,) = self._ax_mix.plot([], [], color=plotting.PALETTE[4], lw=1.6)
        for a_ in (ax, self._ax_disp, self._ax_mix):
            a_.xaxis.set_major_locator(MaxNLocator(3))
            a_.yaxis.set_major_locator(MaxNLocator(3))
        self._ax_disp.set_title("displacement at t", fontsize=10, y=1.0)
        self._ax_mix.set_title("mixture at t", fontsize=10, y=1.0)
        self._ax_mix.tick_params(labelleft=False)
        ax.set_title(" ", fontsize=10, y=1.0)
        self._ax_mat.set_title(" ", fontsize=10, y=1.0)
        # the suptitle reserves the layout's room for the numbers line drawn in its place
        self._title = fig.suptitle(" ", fontsize=9)
        self._text = self._ax_disp.text(0.5, 0.98, " ", transform=fig.transFigure, fontsize=9,
                                        ha="center", va="top", clip_on=False, in_layout=False)
        # everything a move of t changes is animated: drawn over a cached background, so it
        # must lie above the grid, ticks and spines (z 1.5 to 2.5) as it does in a saved figure
        for art in (self._lines, self._sc_src, self._sc_tgt, self._curve_src, self._curve_tgt,
                    *self._disp_layers, self._sc_mix, self._curve_disp, self._curve_mix,
                    self._text):
            art.set_animated(True)
            art.set_zorder(art.get_zorder() + 3)
        self._shown: Dict[str, Any] = {}

    def figure(self, **state: Any) -> Figure:
        """Build the figure; the matrix axes take the main panel's place after the layout."""
        view = state.get("view", self.controls["view"].default)
        if not isinstance(view, str):
            raise TypeError(f"view must be one of {list(VIEWS)}, got {view!r}")
        self.controls["view"].validate("view", view)
        # lay out with the main axes shown (an invisible axes gets no room for its labels)
        fig = super().figure(**{**state, "view": "plan lines"})
        self._ax_mat.set_position(self._ax_main.get_position())
        self._pin_labels()
        self._text.set_position(self._title.get_position())
        if view != "plan lines":
            self.update(view=view)
        return fig

    def _pin_labels(self) -> None:
        """Keep the axis labels where the first layout put them (placing them anew on every
        draw costs several ms per axis)."""
        self.fig.canvas.draw()
        _pin_axis_labels(self._ax_main, self._ax_disp, self._ax_mix, self._ax_mat)
        self._ax_mat.xaxis.set_label_coords(*self._ax_main.xaxis.label.get_position())
        self._ax_mat.yaxis.set_label_coords(*self._ax_main.yaxis.label.get_position())

    def _set_problem(self, prob: Mapping[str, Any], key: tuple) -> None:
        X, Y = prob["X"], prob["Y"]
        one_d = prob["one_d"]
        for art in (self._sc_src, self._sc_tgt, self._sc_mix, *self._disp_layers):
            art.set_visible(not one_d)
        for art in (self._curve_src, self._curve_tgt, self._curve_disp, self._curve_mix):
            art.set_visible(one_d)
        if one_d:
            x = X[:, 0]
            dx = x[1] - x[0]
            top = 1.1 * max(prob["a"].max(), prob["b"].max()) / dx
            # source density drawn above y = 1.15 top, target below: plan lines join them
            self._curve_src.set_data(x, 1.15 * top + prob["a"] / dx)
            self._curve_tgt.set_data(x, -prob["b"] / dx)
            _set_view(self._ax_main, (_GRID_LO, _GRID_HI), (-1.1 * top, 2.3 * top), "x",
                      "density (source up, target down)")
            _set_view(self._ax_disp, (_GRID_LO, _GRID_HI), (0.0, top), "x", "density")
            _set_view(self._ax_mix, None, None, "x", None)
            self._top_1d = top
        else:
            self._sc_src.set_data(X[:, 0], X[:, 1])
            self._sc_tgt.set_data(Y[:, 0], Y[:, 1])
            lo, hi = self._limits_2d(key[0], key[1])
            for a_ in (self._ax_main, self._ax_disp):
                _set_view(a_, (lo[0], hi[0]), (lo[1], hi[1]), "x1", "x2")
            _set_view(self._ax_mix, None, None, "x1", None)
        self._shown["problem"] = key

    def _limits_2d(self, source: str, target: str) -> Tuple[np.ndarray, np.ndarray]:
        """Axis limits that hold the two clouds at every n of the slider: a move of n keeps
        them (and with them the cached background), so it repaints only the points."""
        key = ("limits", source, target)
        if key not in self._limits:
            ctl = self.controls["n"]
            clouds = [data.toy2d(name, int(m), seed=self.seed + k)
                      for m in range(ctl.min, ctl.max + 1, ctl.step)
                      for k, name in enumerate((source, target))]
            both = np.vstack(clouds)
            lo, hi = both.min(0), both.max(0)
            pad = 0.06 * (hi - lo).max()
            self._limits[key] = (lo - pad, hi + pad)
        return self._limits[key]

    def _update(self, state: Mapping[str, Any]) -> None:
        src, tgt, n, eps, t, view = (state[k] for k in ("source", "target", "n", "eps", "t", "view"))
        prob = self.problem(src, tgt, n)
        key = (src, tgt, n)
        if self._shown.get("problem") != key:
            self._set_problem(prob, key)
        r = self.solve(src, tgt, n, eps)
        P = r["plan"]
        one_d = prob["one_d"]
        # main panel: plan lines (heaviest entries, width and opacity by mass) or the matrix
        self._ax_main.set_visible(view != "plan matrix")
        self._ax_mat.set_visible(view == "plan matrix")
        if view == "plan matrix":
            if self._shown.get("matrix") is not P:   # a move of t keeps the same plan
                M = P[np.ix_(prob["order_x"], prob["order_y"])]
                self._mat.set_data(M / M.max())
                self._shown["matrix"] = P
            n_pts = len(prob["X"])
            if self._shown.get("extent") != n_pts:   # set only when shown: it stales the figure
                self._mat.set_extent((-0.5, n_pts - 0.5, n_pts - 0.5, -0.5))
                self._shown["extent"] = n_pts
            _retitle(self._ax_mat, "plan matrix P / max P")
        else:
            self._draw_lines(prob, P, t if view == "interpolation" else None)
        # interpolation panels
        rest = {k: v for k, v in state.items() if k != "t"}
        pts, w = self.displacement(t, **rest)
        mix_pts, mix_w = ot.mixture_interpolation(prob["X"], prob["Y"], prob["a"], prob["b"], t)
        if one_d:
            x = prob["X"][:, 0]
            dx = x[1] - x[0]
            self._curve_disp.set_data(x, self.density_1d(t, **rest))
            self._curve_mix.set_data(x, ((1 - t) * prob["a"] + t * prob["b"]) / dx)
        else:
            # every atom drawn, opacity in proportion to its mass (to a factor 2); stamping
            # markers of one size per class keeps n^2 = 90 000 atoms within the time budget
            cls = np.floor(-np.log2(np.maximum(len(prob["X"]) * w, 1e-300)))
            cls = np.clip(cls, 0, _N_LAYERS - 1).astype(int)
            for k, layer in enumerate(self._disp_layers):
                layer.set_data(pts[cls == k, 0], pts[cls == k, 1])
            self._sc_mix.set_offsets(mix_pts)
            self._sc_mix.set_sizes(12.0 * mix_w / mix_w.max())
        nums = self.numbers(**state)
        what = "exact OT" if eps == 0 else f"eps = {eps:.3g} x median C"
        iters = "exact" if eps == 0 else (f"{nums['n_iter']} Sinkhorn it. in all"
                                          + ("" if nums["converged"] else " (not converged)"))
        self._text.set_text(
            f"{what}: cost {nums['cost']:.4f}, W2^2 {nums['W2'] ** 2:.4f} (W2 {nums['W2']:.3f}), "
            f"bias {nums['bias']:.1e}, {iters}, marg. err. {nums['marginal_error']:.0e}, t = {t:.2f}")
        heavy = "" if eps == 0 else " (its 3n heaviest entries)"
        _retitle(self._ax_main, {"plan lines": "source, target and plan" + heavy, "plan matrix": "",
                                 "interpolation": "paths up to time t" + heavy}[view])
        _retitle(self._ax_disp, "McCann interpolant at t" if eps == 0 else
                 "interpolation along P_eps at t")

    def _draw_lines(self, prob: Mapping[str, Any], P: np.ndarray, t: Optional[float]) -> None:
        i, j, w = ot.plan_atoms(P)
        k = 3 * len(prob["X"])
        if len(w) > k:
            top = np.argpartition(w, len(w) - k)[len(w) - k:]
            i, j, w = i[top], j[top], w[top]
        if prob["one_d"]:
            top = self._top_1d
            x0 = np.c_[prob["X"][i, 0], np.full(len(i), 1.15 * top)]
            x1 = np.c_[prob["Y"][j, 0], np.zeros(len(j))]
        else:
            x0, x1 = prob["X"][i], prob["Y"][j]
        if t is not None:  # interpolation view: the segments up to time t
            x1 = (1 - t) * x0 + t * x1
        rel = w / w.max()
        colours = np.zeros((len(w), 4))
        colours[:, :3] = 0.25
        colours[:, 3] = 0.03 + 0.8 * rel
        self._lines.set_segments(np.stack([x0, x1], axis=1))
        self._lines.set_color(colours)
        self._lines.set_linewidths(0.4 + 1.6 * rel)

    # ----------------------------------------------------------------- controls
    def widget(self, **state: Any):
        """Live version: a source/target switch of kind (1-D / 2-D) moves the other control too."""
        box = super().widget(**state)
        ctl = box.controls

        def follow(change: Dict[str, Any]) -> None:
            for name in ("source", "target"):
                if ctl[name].value != self.state[name]:
                    ctl[name].value = self.state[name]

        ctl["source"].observe(follow, names="value")
        ctl["target"].observe(follow, names="value")
        return box

    def player(self, param: str, values: Optional[Sequence[Any]] = None, **kwargs: Any) -> Player:
        """Pre-rendered sweep (see :meth:`Widget.player`). Defaults: for ``eps`` every other value
        of the slider's grid from large to small, then exact; for ``t`` 11 times from 0 to 1."""
        if values is None and param == "eps":
            values = list(EPS_GRID[1:][::-2]) + [0.0]   # every other notch: 9 frames
        elif values is None and param == "t":
            values = list(np.round(np.linspace(0.0, 1.0, 11), 2))
        return super().player(param, values, **kwargs)


def _retitle(ax: Any, title: str) -> None:
    """Set an axes title only when it changes: every ``set_title`` marks the figure stale,
    which would repaint the whole figure instead of the animated artists alone."""
    if ax.title.get_text() != title:
        ax.title.set_text(title)   # set_title would also reset the font to rcParams


def _set_view(ax: Any, xlim: Optional[tuple], ylim: Optional[tuple], xlabel: Optional[str],
              ylabel: Optional[str]) -> None:
    """Set limits and axis labels only where they change: each setter marks the figure stale,
    which repaints it whole instead of the animated artists over the cached background."""
    if xlim is not None and tuple(ax.get_xlim()) != tuple(map(float, xlim)):
        ax.set_xlim(*xlim)
    if ylim is not None and tuple(ax.get_ylim()) != tuple(map(float, ylim)):
        ax.set_ylim(*ylim)
    if xlabel is not None and ax.get_xlabel() != xlabel:
        ax.set_xlabel(xlabel)
    if ylabel is not None and ax.get_ylabel() != ylabel:
        ax.set_ylabel(ylabel)


def _is_1d(name: str) -> bool:
    return name in DENSITIES_1D

