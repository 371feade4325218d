"""k-means, one half-step at a time (notebook ``03-classical-ml/04-neighbours-and-clustering``).

:class:`KMeansStepper` runs Lloyd's algorithm on a 2-D data set and lets the reader step
through it: each step is either an *assignment* (every point joins its nearest centre) or an
*update* (every centre moves to the mean of its points). The figure shows the Voronoi cells of
the current centres (a coarse image of the nearest-centre label on a grid), the points
coloured by cluster, the last move of each centre and the objective

.. math:: J = \\sum_i \\|\\mathbf{x}_i - \\boldsymbol{\\mu}_{c(i)}\\|^2

after every half-step. The whole run is computed once per (data set, k, initialisation, seed)
and cached, so moving the step slider only changes artists.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .. import data, plotting
from ..validate import as_array, as_seed, as_size
from .base import Choice, IntSlider, Player, Widget, _pin_axis_labels

__all__ = ["KMeansStepper", "KMeansRun", "DATASETS", "lloyd", "init_centres"]

#: Data sets offered by the widget: scikit-learn blobs, then :data:`mlnotes.data.TOY2D`.
DATASETS = ("blobs",) + tuple(data.TOY2D)
#: Initialisations: D^2 sampling (k-means++) or k distinct data points drawn uniformly.
INITS = ("k-means++", "random")
K_MAX = 8
SEED_MAX = 99
#: Largest half-step of the slider: enough for every run of the default widget (n = 300); the
#: longest found over all its controls is moons, k = 7, random, seed 1, with 105 half-steps.
STEP_MAX = 120

# seven palette colours and a brown for cluster 8 (grey is reserved for "not yet assigned")
_COLOURS = np.array([to_rgba(c) for c in plotting.PALETTE[:7] + ("#8C510A",)])
_PALE = 0.72 * np.ones(4) + 0.28 * _COLOURS          # light versions for the cells
_PALE[:, 3] = 1.0
_PALE8 = np.round(255 * _PALE).astype(np.uint8)   # uint8 RGBA: the cheapest image to draw
_GREY = np.array(to_rgba("0.55"))


@dataclass
class KMeansRun:
    """A whole Lloyd run: states ``0..n_states-1`` alternate assignment and update.

    ``centres[s]`` (k x 2) and ``labels[s]`` (n ints, or all -1 at state 0, before the first
    assignment) describe state ``s``; ``objective[s]`` is :math:`J` there (NaN at state 0).
    State 0 holds the initial centres; odd states follow an assignment, even states an
    update. The run stops with the first assignment that changes no label.
    """

    X: np.ndarray
    centres: np.ndarray
    labels: np.ndarray
    objective: np.ndarray

    @property
    def n_states(self) -> int:
        return len(self.objective)

    @property
    def iterations(self) -> int:
        """Number of assignment steps, the last (which changed nothing) included."""
        return self.n_states // 2


def init_centres(X: Any, k: int, init: str = "k-means++", seed: int = 0) -> np.ndarray:
    """Initial centres: ``k`` data points, drawn uniformly without replacement (``'random'``) or
    by D^2 sampling (``'k-means++'``: each next centre is point i with probability
    proportional to its squared distance to the nearest centre chosen so far).

    Uses ``np.random.default_rng(seed)``: first index ``rng.integers(n)``, then one
    ``rng.choice(n, p=D2 / D2.sum())`` per further centre.
    """
    X = as_array(X, "X", "init_centres", ndim=2)
    k = as_size(k, "k", "init_centres", hi=X.shape[0])
    Choice(options=INITS, default=INITS[0]).validate("init_centres: init", init)
    seed = as_seed(seed, "seed", "init_centres", allow_none=False)
    rng = np.random.default_rng(seed)
    n = X.shape[0]
    if init == "random":
        return X[rng.choice(n, size=k, replace=False)].copy()
    idx = [int(rng.integers(n))]
    d2 = ((X - X[idx[0]]) ** 2).sum(axis=1)
    for _ in range(1, k):
        total = d2.sum()
        p = d2 / total if total > 0 else np.full(n, 1.0 / n)
        idx.append(int(rng.choice(n, p=p)))
        d2 = np.minimum(d2, ((X - X[idx[-1]]) ** 2).sum(axis=1))
    return X[idx].copy()


def lloyd(X: Any, centres: Any, max_iter: int = 300) -> KMeansRun:
    """Lloyd's algorithm from the given centres, every half-step recorded.

    Assignment: ``c(i) = argmin_j ||x_i - mu_j||^2`` (ties to the lowest index). Update:
    ``mu_j = mean of the points with c(i) = j``; a centre that loses all its points stays
    where it is. Stops at the first assignment that changes no label, or after ``max_iter``
    assignments.
    """
    X = as_array(X, "X", "lloyd", ndim=2)
    C = as_array(centres, "centres", "lloyd", ndim=2, shape=(None, X.shape[1])).copy()
    as_size(C.shape[0], "centres (number of rows)", "lloyd", hi=X.shape[0])
    max_iter = as_size(max_iter, "max_iter", "lloyd", hi=100_000)
    n, k = X.shape[0], C.shape[0]
    cs, ls, js = [C.copy()], [np.full(n, -1)], [np.nan]
    labels = None
    for _ in range(max_iter):
        d2 = ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)
        new = d2.argmin(axis=1)
        cs.append(C.copy())
        ls.append(new)
        js.append(d2[np.arange(n), new].sum())
        if labels is not None and np.array_equal(new, labels):
            break
        labels = new
        for j in range(k):
            if np.any(labels == j):
                C[j] = X[labels == j].mean(axis=0)
        cs.append(C.copy())
        ls.append(labels)
        js.append(((X - C[labels]) ** 2).sum())
    return KMeansRun(X=X, centres=np.array(cs), labels=np.array(ls), objective=np.array(js))


class KMeansStepper(Widget):
    """Step through Lloyd's algorithm on a 2-D data set.

    Parameters
    ----------
    n : int
        Number of points of each data set (30 to 2000).
    grid : int
        Resolution of the Voronoi image (grid x grid cells, 20 to 400).

    Controls
    --------
    dataset : ``'blobs'`` (four Gaussian blobs) or a :data:`mlnotes.data.TOY2D` name; the
        points are fixed (seed 0), the ``seed`` control only changes the initial centres;
    k : number of clusters, 1 to 8;
    init : ``'k-means++'`` or ``'random'`` (see :func:`init_centres`);
    seed : seed of the initialisation, 0 to 99;
    step : half-step of the run, 0 (initial centres) to :data:`STEP_MAX`; odd steps are
        assignments, even steps updates; a step past the end of the run shows the converged
        state.
    """

    controls = {
        "dataset": Choice(options=DATASETS, default="blobs", description="data"),
        "k": IntSlider(min=1, max=K_MAX, default=4, description="k"),
        "init": Choice(options=INITS, default="k-means++", description="init"),
        "seed": IntSlider(min=0, max=SEED_MAX, default=0, description="seed"),
        "step": IntSlider(min=0, max=STEP_MAX, default=0, description="step"),
    }

    def __init__(self, n: int = 300, grid: int = 120) -> None:
        super().__init__()
        self.n = as_size(n, "n", "KMeansStepper", lo=30, hi=2000)
        self.grid = as_size(grid, "grid", "KMeansStepper", lo=20, hi=400)
        self._points: Dict[str, np.ndarray] = {}
        self._runs: Dict[Tuple[str, int, str, int], KMeansRun] = {}
        self._cells: Dict[Any, np.ndarray] = {}
        self._shown: Dict[str, Any] = {}

    # ------------------------------------------------------------------ compute
    def points(self, dataset: str) -> np.ndarray:
        """The ``n`` points of ``dataset`` (shape ``(n, 2)``, generated once, seed 0)."""
        dataset = self.controls["dataset"].validate("KMeansStepper: dataset", dataset)
        if dataset not in self._points:
            if dataset == "blobs":
                from sklearn.datasets import make_blobs  # noqa: PLC0415

                X, _ = make_blobs(self.n, centers=4, cluster_std=0.9, random_state=0)
                X = (X - X.mean(axis=0)) / 3.0
            else:
                X = data.toy2d(dataset, n=self.n, seed=0)
            self._points[dataset] = np.ascontiguousarray(X, dtype=np.float64)
        return self._points[dataset]

    def run(self, dataset: str = "blobs", k: int = 4, init: str = "k-means++", seed: int = 0) -> KMeansRun:
        """The whole Lloyd run (:func:`lloyd` from :func:`init_centres`), computed once and cached."""
        st = self.validate(dataset=dataset, k=k, init=init, seed=seed)
        key = (st["dataset"], st["k"], st["init"], st["seed"])
        if key not in self._runs:
            X = self.points(key[0])
            self._runs[key] = lloyd(X, init_centres(X, key[1], key[2], key[3]))
        return self._runs[key]

    def state_at(self, dataset: str = "blobs", k: int = 4, init: str = "k-means++", seed: int = 0,
                 step: int = 0) -> Tuple[np.ndarray, np.ndarray, float, int]:
        """(centres, labels, objective, shown step) at half-step ``step`` (clamped to the run's end)."""
        st = self.validate(dataset=dataset, k=k, init=init, seed=seed, step=step)
        r = self.run(st["dataset"], st["k"], st["init"], st["seed"])
        s = min(st["step"], r.n_states - 1)
        return r.centres[s], r.labels[s], float(r.objective[s]), s

    def cells(self, dataset: str = "blobs", k: int = 4, init: str = "k-means++", seed: int = 0,
              step: int = 0) -> np.ndarray:
        """Nearest-centre label on the ``grid x grid`` image of the data's bounding box (row 0 at the bottom)."""
        centres = self.state_at(dataset, k, init, seed, step)[0]
        gx, gy = self._grid_axes(self.validate(dataset=dataset)["dataset"])
        P = np.stack(np.meshgrid(gx, gy), axis=-1).reshape(-1, 2)
        d2 = ((P[:, None, :] - centres[None]) ** 2).sum(axis=2)
        return d2.argmin(axis=1).reshape(len(gy), len(gx))

    def _extent(self, dataset: str) -> Tuple[float, float, float, float]:
        X = self.points(dataset)
        lo, hi = X.min(axis=0), X.max(axis=0)
        pad = 0.08 * (hi - lo).max()
        return (lo[0] - pad, hi[0] + pad, lo[1] - pad, hi[1] + pad)

    def _grid_axes(self, dataset: str) -> Tuple[np.ndarray, np.ndarray]:
        x0, x1, y0, y1 = self._extent(dataset)
        hx, hy = (x1 - x0) / self.grid, (y1 - y0) / self.grid
        return (np.linspace(x0 + hx / 2, x1 - hx / 2, self.grid),
                np.linspace(y0 + hy / 2, y1 - hy / 2, self.grid))

    # ------------------------------------------------------------------- figure
    def _figsize(self) -> tuple:
        return (9.6, 4.2)

    def _draw(self, fig: Figure, state: Mapping[str, Any]) -> None:
        gs = fig.add_gridspec(1, 2, width_ratios=(1.15, 1.0))
        self._ax = fig.add_subplot(gs[0, 0])
        self._ax_obj = fig.add_subplot(gs[0, 1])
        self._im = self._ax.imshow(np.full((2, 2, 4), 255, dtype=np.uint8), origin="lower", interpolation="nearest",
                                   aspect="equal", zorder=0)   # equal units: true bisectors
        self._pts = self._ax.scatter(np.zeros(2), np.zeros(2), s=12, linewidths=0, zorder=2)
        self._moves = LineCollection([], colors="k", linewidths=1.5, zorder=3)
        self._ax.add_collection(self._moves)
        self._ctr = self._ax.scatter(np.zeros(2), np.zeros(2), s=140, marker="X", edgecolors="k",
                                     linewidths=1.2, zorder=4)
        self._ax.grid(False)
        self._ax.set(xticks=[], yticks=[])         # a picture: tick labels would only cost draws
        plotting.label(self._ax, "$x_1$", "$x_2$", " ")
        (self._obj_line,) = self._ax_obj.plot([0], [0], "-", color="0.4", lw=1.2)
        (self._obj_assign,) = self._ax_obj.plot([0], [0], "o", ms=4, color=plotting.PALETTE[0],
                                                label="after assignment")
        (self._obj_update,) = self._ax_obj.plot([0], [0], "s", ms=4, color=plotting.PALETTE[1],
                                                label="after update")
        (self._obj_now,) = self._ax_obj.plot([0], [0], "o", ms=11, mfc="none", mec="k", mew=1.5)
        self._ax_obj.legend(loc="upper right", fontsize=8)
        plotting.label(self._ax_obj, "half-step", "objective $J$", "objective after each half-step")
        for ax in (self._ax, self._ax_obj):
            ax.set_title(ax.get_title(), y=1.0)   # fixed title position: no bbox search per draw
        self._ax_obj.xaxis.set_major_locator(MaxNLocator(5, integer=True))
        self._ax_obj.yaxis.set_major_locator(MaxNLocator(4))
        self._shown = {}

    def figure(self, **state: Any) -> Figure:
        """Build the figure for ``state``; the layout is computed once, then frozen (fast updates)."""
        fig = super().figure(**state)
        _pin_axis_labels(self._ax, self._ax_obj)
        return fig

    def _update(self, state: Mapping[str, Any]) -> None:
        key = (state["dataset"], state["k"], state["init"], state["seed"])
        r = self.run(*key)
        s = min(state["step"], r.n_states - 1)
        if self._shown.get("dataset") != key[0]:
            X = self.points(key[0])
            self._pts.set_offsets(X)
            x0, x1, y0, y1 = self._extent(key[0])
            self._im.set_extent((x0, x1, y0, y1))
            self._ax.set_xlim(x0, x1)
            self._ax.set_ylim(y0, y1)
        if self._shown.get("run") != key:
            t = np.arange(1, r.n_states)
            J = r.objective[1:]
            lo, hi = float(J.min()), float(J.max())
            pad = 0.06 * (hi - lo) if hi > lo else 0.06 * max(abs(hi), 1.0)
            self._ax_obj.set_xlim(0.5, max(r.n_states - 0.5, 2.5))
            self._ax_obj.set_ylim(lo - pad, hi + pad)
        centres, labels = r.centres[s], r.labels[s]
        if (key, s) not in self._cells:
            self._cells[(key, s)] = self.cells(*key, step=s)
        lab = self._cells[(key, s)]
        self._im.set_data(_PALE8[lab % len(_PALE8)])
        cols = np.where(labels[:, None] >= 0, _COLOURS[labels % len(_COLOURS)], _GREY)
        self._pts.set_facecolors(cols)
        self._ctr.set_offsets(centres)
        self._ctr.set_facecolors(_COLOURS[np.arange(len(centres)) % len(_COLOURS)])
        prev = r.centres[s - 1] if s > 0 else centres
        self._moves.set_segments([np.array([p, c]) for p, c in zip(prev, centres)])
        t, J = np.arange(1, s + 1), r.objective[1:s + 1]   # the curve so far, not the future
        self._obj_line.set_data(t, J)
        self._obj_assign.set_data(t[0::2], J[0::2])
        self._obj_update.set_data(t[1::2], J[1::2])
        if s == 0:
            self._obj_now.set_data([], [])
        else:
            self._obj_now.set_data([s], [r.objective[s]])
        self._ax.set_title(_title(s, r))
        self._shown = {"dataset": key[0], "run": key}

    def player(self, param: str, values: Optional[Sequence[Any]] = None, **kwargs: Any) -> Player:
        """Pre-rendered sweep (see :meth:`Widget.player`); for ``param='step'`` the default
        values are every half-step of the run, from the initial centres to convergence."""
        if isinstance(param, str) and param == "step" and values is None:
            st = self.validate(**{k: v for k, v in kwargs.items() if k in self.controls})
            r = self.run(st["dataset"], st["k"], st["init"], st["seed"])
            values = list(range(min(r.n_states, STEP_MAX + 1)))
        return super().player(param, values, **kwargs)


def _title(s: int, r: KMeansRun) -> str:
    if s == 0:
        what = "initial centres"
    elif s % 2:
        what = f"assignment {(s + 1) // 2}"
    else:
        what = f"update {s // 2}"
    # short on purpose: the layout is frozen after the first draw, so no title may outgrow it
    tail = "converged" if s == r.n_states - 1 else f"{s}/{r.n_states - 1}"
    jtxt = "" if s == 0 else f", J = {r.objective[s]:.2f}"
    return f"{what}{jtxt} ({tail})"
