"""A classifier playground: decision regions of seven scikit-learn models on 2-D toy sets.

:class:`ClassifierPlayground` fits a model on the training part of a labelled 2-D set and
shows its decision regions, the training points (circles) and the test points (triangles),
coloured by their true class, with the training and test accuracy in the title. The regions
are the model's predictions at the centres of a ``grid x grid`` raster, so a region thinner
than a cell (a tree's split midway between two neighbouring points, say) can be missed: a
correctly classified point may then sit on a cell of the other colour. The accuracies in the
title are computed on the points themselves, not read off the picture. Each model has its key
hyperparameter(s): ``k`` (kNN), ``degree`` and ``C`` (logistic regression on polynomial
features), ``C`` (linear SVM), ``C`` and ``gamma`` (RBF SVM), ``depth`` (decision tree),
``depth`` and ``trees`` (random forest, gradient boosting). The widget teaches what the
hyperparameters do, not how the models are implemented (the pages of Part III do that), so
the models are scikit-learn's.

Each fit and its predictions on the grid are cached per (data set, model, the model's own
hyperparameters), for the :data:`CACHE_SIZE` most recently used states, so moving a slider
back to a value seen before only changes the image. Every model is fitted to convergence
(no iteration caps that stop early); the fits that can take around a second (a weakly
regularised linear SVM, large forests and boosting ensembles) are announced by
:meth:`ClassifierPlayground.busy_message`.
"""
from __future__ import annotations

import warnings
from collections import OrderedDict
from typing import Any, Dict, Mapping, Optional, Tuple

import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from .. import plotting
from ..validate import as_size
from .base import Choice, FloatSlider, IntSlider, Widget

__all__ = ["ClassifierPlayground", "DATASETS", "MODELS", "HYPERPARAMETERS", "CACHE_SIZE",
           "make_dataset"]

#: How many fitted states :class:`ClassifierPlayground` keeps (least recently used evicted).
CACHE_SIZE = 64

#: Labelled 2-D data sets (two classes each).
DATASETS = ("moons", "circles", "blobs", "xor")
#: Models offered, and the controls each one uses.
HYPERPARAMETERS: Dict[str, Tuple[str, ...]] = {
    "kNN": ("k",),
    "logistic (polynomial)": ("degree", "C"),
    "linear SVM": ("C",),
    "RBF SVM": ("C", "gamma"),
    "decision tree": ("depth",),
    "random forest": ("depth", "trees"),
    "gradient boosting": ("depth", "trees"),
}
MODELS = tuple(HYPERPARAMETERS)

_COLOURS = np.array([to_rgba(plotting.PALETTE[0]), to_rgba(plotting.PALETTE[1])])
_PALE = 0.7 * np.ones(4) + 0.3 * _COLOURS
_PALE[:, 3] = 1.0
_PALE8 = np.round(255 * _PALE).astype(np.uint8)   # uint8 RGBA: the cheapest image to draw


def make_dataset(name: str, n: int = 300, seed: int = 0) -> Tuple[np.ndarray, np.ndarray]:
    """``n`` labelled points of a 2-D set: ``(X, y)`` with ``X`` of shape ``(n, 2)``, ``y`` in {0, 1}.

    ``'moons'``, ``'circles'`` and ``'blobs'`` come from scikit-learn (noise 0.25, 0.1 and two
    blobs of standard deviation 1.6); ``'xor'``: uniform points in the square [-1, 1]^2
    labelled by the sign of ``x1 * x2``, with 5 % of the labels flipped. Features are
    standardised.
    """
    Choice(options=DATASETS, default=DATASETS[0]).validate("make_dataset: name", name)
    n = as_size(n, "n", "make_dataset", lo=20, hi=5000)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**32:
        raise ValueError(f"make_dataset: seed must be an int in [0, 2**32), got {seed!r}")
    from sklearn import datasets as sk  # noqa: PLC0415

    if name == "moons":
        X, y = sk.make_moons(n, noise=0.25, random_state=seed)
    elif name == "circles":
        X, y = sk.make_circles(n, noise=0.1, factor=0.5, random_state=seed)
    elif name == "blobs":
        X, y = sk.make_blobs(n, centers=2, cluster_std=1.6, random_state=seed)
    else:
        rng = np.random.default_rng(seed)
        X = rng.uniform(-1, 1, size=(n, 2))
        y = (X[:, 0] * X[:, 1] > 0).astype(int)
        flip = rng.random(n) < 0.05
        y[flip] = 1 - y[flip]
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return np.ascontiguousarray(X, dtype=np.float64), np.asarray(y, dtype=int)


def _model(name: str, hp: Mapping[str, Any]):
    """The scikit-learn estimator of ``name`` with hyperparameters ``hp``."""
    from sklearn import ensemble, neighbors, svm, tree  # noqa: PLC0415
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415
    from sklearn.pipeline import make_pipeline  # noqa: PLC0415
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler  # noqa: PLC0415

    if name == "kNN":
        return neighbors.KNeighborsClassifier(n_neighbors=hp["k"])
    if name == "logistic (polynomial)":
        return make_pipeline(PolynomialFeatures(hp["degree"]), StandardScaler(),
                             LogisticRegression(C=hp["C"], max_iter=5000))
    if name == "linear SVM":
        return svm.SVC(kernel="linear", C=hp["C"])   # no iteration cap: runs to convergence
    if name == "RBF SVM":
        return svm.SVC(kernel="rbf", C=hp["C"], gamma=hp["gamma"])
    if name == "decision tree":
        return tree.DecisionTreeClassifier(max_depth=hp["depth"], random_state=0)
    if name == "random forest":
        return ensemble.RandomForestClassifier(n_estimators=hp["trees"], max_depth=hp["depth"],
                                               random_state=0, n_jobs=1)
    return ensemble.GradientBoostingClassifier(n_estimators=hp["trees"], max_depth=hp["depth"],
                                               learning_rate=0.2, random_state=0)


class ClassifierPlayground(Widget):
    """Decision regions of a classifier on a 2-D toy set, with its hyperparameters as sliders.

    Parameters
    ----------
    n : int
        Number of points of each data set (100 to 2000; at least 66 training points, more
        than the largest k); a third of them is held out as the test set (seeded shuffle).
    grid : int
        Resolution of the decision-region image (grid x grid cells, 20 to 300).

    Controls
    --------
    dataset : one of :data:`DATASETS`;
    model : one of :data:`MODELS`;
    k : neighbours of kNN; the slider moves in steps of 2 (1, 3, ..., 59), so a two-class
        vote never ties (with an even k, which :meth:`update` still accepts, scikit-learn
        breaks ties towards class 0 and that class's regions grow);
    degree : degree of the polynomial features of logistic regression (1 to 8);
    C : inverse regularisation strength (logistic, SVMs), 1e-3 to 1e3, log slider;
    gamma : width parameter of the RBF kernel, 1e-2 to 1e2, log slider;
    depth : maximum depth of the trees (1 to 12);
    trees : number of trees of the random forest, or of boosting rounds (one tree each) of
        gradient boosting (1 to 100). Gradient boosting's learning rate is fixed at 0.2.

    A control that the chosen model does not use changes nothing
    (:data:`HYPERPARAMETERS` lists which it uses).

    Colour encodes the class (pale: predicted region; saturated: a point's true label),
    marker shape the split (circle: train, triangle: test); the legend keys both.
    """

    controls = {
        "dataset": Choice(options=DATASETS, default="moons", description="data"),
        "model": Choice(options=MODELS, default="kNN", description="model"),
        "k": IntSlider(min=1, max=59, default=15, step=2, description="k (kNN)"),
        "degree": IntSlider(min=1, max=8, default=3, description="degree"),
        "C": FloatSlider(min=1e-3, max=1e3, default=1.0, log=True, description="C"),
        "gamma": FloatSlider(min=1e-2, max=1e2, default=1.0, log=True, description="gamma"),
        "depth": IntSlider(min=1, max=12, default=4, description="depth"),
        "trees": IntSlider(min=1, max=100, default=30, description="trees"),
    }

    def __init__(self, n: int = 300, grid: int = 80) -> None:
        super().__init__()
        self.n = as_size(n, "n", "ClassifierPlayground", lo=100, hi=2000)
        self.grid = as_size(grid, "grid", "ClassifierPlayground", lo=20, hi=300)
        self._data: Dict[str, Tuple[np.ndarray, ...]] = {}
        self._fits: "OrderedDict[Tuple[Any, ...], Tuple[np.ndarray, float, float]]" = OrderedDict()
        self.converged: Dict[Tuple[Any, ...], bool] = {}
        self._shown: Dict[str, Any] = {}

    # ------------------------------------------------------------------ compute
    def split(self, dataset: str) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(X_train, y_train, X_test, y_test)`` of ``dataset`` (generated once, seed 0)."""
        dataset = self.controls["dataset"].validate("ClassifierPlayground: dataset", dataset)
        if dataset not in self._data:
            X, y = make_dataset(dataset, self.n, seed=0)
            test = np.random.default_rng(0).permutation(self.n) % 3 == 0
            self._data[dataset] = (X[~test], y[~test], X[test], y[test])
        return self._data[dataset]

    def grid_points(self, dataset: str) -> Tuple[np.ndarray, np.ndarray]:
        """Centres of the image cells along x1 and along x2 (row 0 of the image at the bottom)."""
        x0, x1, y0, y1 = self.extent(dataset)
        hx, hy = (x1 - x0) / self.grid, (y1 - y0) / self.grid
        return (np.linspace(x0 + hx / 2, x1 - hx / 2, self.grid),
                np.linspace(y0 + hy / 2, y1 - hy / 2, self.grid))

    def extent(self, dataset: str) -> Tuple[float, float, float, float]:
        """The plotted box ``(x1 min, x1 max, x2 min, x2 max)``: the data with a margin."""
        Xtr, _, Xte, _ = self.split(dataset)
        X = np.vstack([Xtr, Xte])
        lo, hi = X.min(axis=0), X.max(axis=0)
        pad = 0.1 * (hi - lo).max()
        return (lo[0] - pad, hi[0] + pad, lo[1] - pad, hi[1] + pad)

    def key(self, **state: Any) -> Tuple[Any, ...]:
        """The cache key of a state: data set, model and the model's own hyperparameters."""
        st = self.validate(**state)
        return (st["dataset"], st["model"]) + tuple(st[h] for h in HYPERPARAMETERS[st["model"]])

    def fit_predict(self, **state: Any) -> Tuple[np.ndarray, float, float]:
        """Fit the state's model on the training set: ``(labels on the grid, train acc, test acc)``.

        The labels form a ``grid x grid`` uint8 array (row 0 at the bottom), the model's
        predictions at the cell centres (:meth:`grid_points`); the result is cached per
        :meth:`key` (the :data:`CACHE_SIZE` most recent). ``converged[key]`` records whether
        the fit raised no ConvergenceWarning.
        """
        from sklearn.exceptions import ConvergenceWarning  # noqa: PLC0415

        st = self.validate(**state)
        key = self.key(**st)
        if key in self._fits:
            self._fits.move_to_end(key)
            return self._fits[key]
        Xtr, ytr, Xte, yte = self.split(st["dataset"])
        model = _model(st["model"], st)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            model.fit(Xtr, ytr)
        self.converged[key] = not any(issubclass(c.category, ConvergenceWarning)
                                      for c in caught)
        gx, gy = self.grid_points(st["dataset"])
        P = np.stack(np.meshgrid(gx, gy), axis=-1).reshape(-1, 2)
        pred = model.predict(np.vstack([P, Xtr, Xte]))   # one call: less overhead
        lab = pred[:len(P)].reshape(len(gy), len(gx)).astype(np.uint8)
        self._fits[key] = (lab, float(np.mean(pred[len(P):len(P) + len(Xtr)] == ytr)),
                           float(np.mean(pred[len(P) + len(Xtr):] == yte)))
        while len(self._fits) > CACHE_SIZE:
            old, _ = self._fits.popitem(last=False)
            self.converged.pop(old, None)
        return self._fits[key]

    def busy_message(self, state: Mapping[str, Any]) -> Optional[str]:
        """A status line for uncached fits that can take about a second, else None.

        Those are the linear SVM with C >= 100 (its dual solver slows as C grows: about
        0.8 s on xor at C = 1000), and forests or boosting with more than 40 trees.
        """
        st = self._check_state_mapping(state)
        if self.key(**st) in self._fits:
            return None
        m = st["model"]
        if m == "linear SVM" and st["C"] >= 100:
            return f"fitting a weakly regularised linear SVM (C = {_fmt(st['C'])})"
        if m in ("random forest", "gradient boosting") and st["trees"] > 40:
            return f"fitting {m} with {st['trees']} trees"
        return None

    # ------------------------------------------------------------------- figure
    def _figsize(self) -> tuple:
        return (5.6, 5.0)

    def _draw(self, fig: Figure, state: Mapping[str, Any]) -> None:
        ax = self._ax = fig.add_subplot(1, 1, 1)
        self._im = ax.imshow(np.full((2, 2, 4), 255, dtype=np.uint8), origin="lower",
                             interpolation="nearest", aspect="auto", zorder=0)
        self._train = ax.scatter(np.zeros(2), np.zeros(2), s=18, marker="o", edgecolors="k",
                                 linewidths=0.4, zorder=2)
        self._test = ax.scatter(np.zeros(2), np.zeros(2), s=30, marker="^", edgecolors="k",
                                linewidths=0.8, zorder=3)
        from matplotlib.lines import Line2D  # noqa: PLC0415
        from matplotlib.patches import Patch  # noqa: PLC0415

        grey = dict(ls="", markerfacecolor="0.6", markeredgecolor="k")
        handles = [Patch(facecolor=_COLOURS[0], edgecolor="k", label="class 0"),
                   Patch(facecolor=_COLOURS[1], edgecolor="k", label="class 1"),
                   Line2D([], [], marker="o", ms=5, label="train", **grey),
                   Line2D([], [], marker="^", ms=6, label="test", **grey)]
        ax.legend(handles=handles, loc="lower right", fontsize=8, ncol=2)
        ax.grid(False)
        ax.set(xticks=[], yticks=[])
        plotting.label(ax, "$x_1$", "$x_2$", " ")
        ax.set_title(" ", y=1.0, fontsize=10)
        self._shown = {}

    def _update(self, state: Mapping[str, Any]) -> None:
        ds = state["dataset"]
        if self._shown.get("dataset") != ds:
            Xtr, ytr, Xte, yte = self.split(ds)
            self._train.set_offsets(Xtr)
            self._train.set_facecolors(_COLOURS[ytr])
            self._test.set_offsets(Xte)
            self._test.set_facecolors(_COLOURS[yte])
            x0, x1, y0, y1 = self.extent(ds)
            self._im.set_extent((x0, x1, y0, y1))
            self._ax.set_xlim(x0, x1)
            self._ax.set_ylim(y0, y1)
        lab, acc_tr, acc_te = self.fit_predict(**state)
        self._im.set_data(_PALE8[lab])
        hp = ", ".join(f"{h}={_fmt(state[h])}" for h in HYPERPARAMETERS[state["model"]])
        self._ax.set_title(f"{state['model']} ({hp})\n"
                           f"train accuracy {acc_tr:.2f}, test accuracy {acc_te:.2f}")
        self._shown = {"dataset": ds}

    def image(self) -> np.ndarray:
        """The RGBA image the figure shows now (a copy), for tests and readers."""
        return np.array(self._im.get_array())

    def colours(self, labels: Any) -> np.ndarray:
        """The RGBA uint8 colours the image uses for an array of labels in {0, 1}."""
        lab = np.asarray(labels)
        if lab.dtype.kind not in "iu" or not np.isin(lab, (0, 1)).all():
            raise ValueError("ClassifierPlayground.colours: labels must be integers 0 or 1")
        return _PALE8[lab]


def _fmt(v: Any) -> str:
    return f"{v:.3g}" if isinstance(v, float) else str(v)
