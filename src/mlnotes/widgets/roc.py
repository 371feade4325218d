"""ROC explorer: two score distributions, a threshold and a prevalence (notebook 04-09).

The negatives' and positives' scores come from a chosen pair of distributions (a
deterministic sample of quantiles, so that no seed is needed) or from a logistic regression
on the digits. The figure shows the two densities weighted by the prevalence with the
threshold, the ROC curve (which does not depend on the prevalence), the precision-recall
curve (which does) and the confusion matrix per 1000 cases with its rates. Every number
comes from :mod:`mlnotes.metrics`.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Mapping, Tuple

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator

from .. import metrics, plotting
from ..validate import as_size
from .base import Choice, FloatSlider, Widget, _pin_axis_labels

__all__ = ["ROCExplorer", "SOURCES", "digits_scores"]

#: Score sources: three pairs of distributions and a trained model's scores.
SOURCES = ("normal", "unequal spread", "skewed", "digits: 8 vs rest")
#: Top of the density panel (every density of every source stays below it).
YMAX = 0.6
#: Cases per 1000 in the confusion matrix.
PER = 1000
_X = np.linspace(-6.0, 6.0, 401)     # the grid of the density panel (score units)
_BLUE, _ORANGE = plotting.PALETTE[0], plotting.PALETTE[1]


@lru_cache(maxsize=1)
def digits_scores() -> Tuple[np.ndarray, np.ndarray]:
    """Held-out scores of a logistic regression for "digit 8 against the rest" (computed once).

    The model of notebook 04-09: fit on the even-numbered images of
    ``sklearn.datasets.load_digits`` (pixels / 16, ``C = 0.1``), scored on the odd-numbered
    ones; the log-odds are standardised (pooled mean 0, sd 1), a strictly increasing map
    that changes no ROC point. Returns ``(scores of the negatives, scores of the positives)``.
    """
    from sklearn.datasets import load_digits  # noqa: PLC0415
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415

    X, d = load_digits(return_X_y=True)
    y = (d == 8).astype(int)
    tr = np.arange(len(y)) % 2 == 0
    clf = LogisticRegression(C=0.1, max_iter=500).fit(X[tr] / 16, y[tr])
    s = clf.decision_function(X[~tr] / 16)
    s = (s - s.mean()) / s.std()
    yt = y[~tr]
    return s[yt == 0].copy(), s[yt == 1].copy()


class ROCExplorer(Widget):
    """Move a threshold between two score distributions and watch every metric move.

    Parameters
    ----------
    n : int
        Scores per class of the synthetic sources (200 to 20000; quantiles of the
        distribution at ``(i + 1/2) / n``).

    Controls
    --------
    source : :data:`SOURCES`: ``'normal'`` (both classes unit normal), ``'unequal spread'``
        (positives with sd 2), ``'skewed'`` (standardised gamma, shape 2, both classes), or
        the digits model's held-out scores (:func:`digits_scores`; separation is ignored);
    separation : distance between the class means, 0 to 4 (negatives at ``-sep/2``,
        positives at ``+sep/2``);
    threshold : a score ``>= threshold`` is predicted positive, -4 to 4;
    prevalence : fraction of positives in the population, 0.01 to 0.99. It scales the
        densities, changes the confusion matrix, PPV, NPV, accuracy, F1 and the PR curve,
        and leaves the ROC curve, sensitivity and specificity unchanged.
    """

    controls = {
        "source": Choice(options=SOURCES, default="normal", description="scores"),
        "separation": FloatSlider(min=0.0, max=4.0, default=1.5, step=0.05, description="separation"),
        "threshold": FloatSlider(min=-4.0, max=4.0, default=0.5, step=0.05, description="threshold"),
        "prevalence": FloatSlider(min=0.01, max=0.99, default=0.3, step=0.01, description="prevalence"),
    }

    def __init__(self, n: int = 2000) -> None:
        super().__init__()
        self.n = as_size(n, "n", "ROCExplorer", lo=200, hi=20000)
        self._cache: Dict[Any, Any] = {}

    # ------------------------------------------------------------------ compute
    def _key(self, source: str, separation: float) -> Tuple[str, float]:
        st = self.validate(source=source, separation=separation)
        sep = 0.0 if st["source"] == SOURCES[3] else st["separation"]
        return st["source"], sep

    def _cached(self, key: Any, make: Any) -> Any:
        if key not in self._cache:
            if len(self._cache) > 256:          # a long drag of the separation slider
                self._cache.clear()
            self._cache[key] = make()
        return self._cache[key]

    def scores(self, source: str = "normal", separation: float = 1.5) -> Tuple[np.ndarray, np.ndarray]:
        """(negatives' scores, positives' scores) of ``source`` at ``separation``."""
        src, sep = self._key(source, separation)

        def make():
            from scipy import stats  # noqa: PLC0415

            if src == SOURCES[3]:
                return digits_scores()
            q = (np.arange(self.n) + 0.5) / self.n
            if src == "skewed":
                z = (stats.gamma(2.0).ppf(q) - 2.0) / np.sqrt(2.0)
                return z - sep / 2, z + sep / 2
            z = stats.norm.ppf(q)
            return z - sep / 2, (2.0 if src == "unequal spread" else 1.0) * z + sep / 2
        return self._cached(("scores", src, sep), make)

    def densities(self, source: str = "normal", separation: float = 1.5) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(grid, density of the negatives, density of the positives), each integrating to 1.

        The exact densities for the synthetic sources, a Gaussian kernel estimate (Scott's
        bandwidth) for the digits model.
        """
        src, sep = self._key(source, separation)

        def make():
            from scipy import stats  # noqa: PLC0415

            if src == SOURCES[3]:
                s0, s1 = digits_scores()
                return _X, stats.gaussian_kde(s0)(_X), stats.gaussian_kde(s1)(_X)
            if src == "skewed":
                g = stats.gamma(2.0, loc=-np.sqrt(2.0), scale=1 / np.sqrt(2.0))
                return _X, g.pdf(_X + sep / 2), g.pdf(_X - sep / 2)
            sd1 = 2.0 if src == "unequal spread" else 1.0
            return _X, stats.norm.pdf(_X, -sep / 2), stats.norm.pdf(_X, sep / 2, sd1)
        return self._cached(("dens", src, sep), make)

    def roc(self, source: str = "normal", separation: float = 1.5) -> Dict[str, Any]:
        """The ROC curve of the scores (:func:`mlnotes.metrics.roc_curve`) and its AUC."""
        src, sep = self._key(source, separation)

        def make():
            s0, s1 = self.scores(src, sep)
            y = np.r_[np.zeros(len(s0)), np.ones(len(s1))]
            s = np.r_[s0, s1]
            fpr, tpr, thr = metrics.roc_curve(y, s)
            return {"fpr": fpr, "tpr": tpr, "thresholds": thr, "auc": metrics.trapezoid_area(fpr, tpr)}
        return self._cached(("roc", src, sep), make)

    def pr(self, source: str = "normal", separation: float = 1.5, prevalence: float = 0.3) -> Dict[str, Any]:
        """Precision and recall at every threshold for the population's ``prevalence``.

        :func:`mlnotes.metrics.pr_curve` with ``prevalence=pi``:
        ``precision = pi TPR / (pi TPR + (1 - pi) FPR)`` at the ROC points (the point
        TPR = FPR = 0 is left out).
        """
        st = self.validate(source=source, separation=separation, prevalence=prevalence)
        src, sep, pi = st["source"], st["separation"], st["prevalence"]

        def make():
            s0, s1 = self.scores(src, sep)
            y = np.r_[np.zeros(len(s0)), np.ones(len(s1))]
            prec, rec, _ = metrics.pr_curve(y, np.r_[s0, s1], prevalence=pi)
            return {"recall": rec, "precision": prec, "baseline": pi}
        return self._cached(("pr", src, sep, pi), make)

    def point(self, source: str = "normal", separation: float = 1.5, threshold: float = 0.5,
              prevalence: float = 0.3) -> Dict[str, float]:
        """Everything at one threshold: TPR and FPR of the scores
        (:func:`mlnotes.metrics.confusion_counts`), the expected confusion matrix per 1000
        cases at the prevalence (``TP = 1000 pi TPR``, ``FP = 1000 (1 - pi) FPR``, ...) and
        its rates (:func:`mlnotes.metrics.classification_rates`)."""
        st = self.validate(source=source, separation=separation, threshold=threshold,
                           prevalence=prevalence)
        s0, s1 = self.scores(st["source"], st["separation"])
        t, pi = st["threshold"], st["prevalence"]
        y, s = self._cached(("ys", st["source"], st["separation"]),
                            lambda: (np.r_[np.zeros(len(s0)), np.ones(len(s1))], np.r_[s0, s1]))
        tp, fp, fn, tn = metrics.confusion_counts(y, s, t)
        tpr, fpr = tp / (tp + fn), fp / (fp + tn)
        tp, fn = PER * pi * tpr, PER * pi * (1 - tpr)
        fp, tn = PER * (1 - pi) * fpr, PER * (1 - pi) * (1 - fpr)
        out = metrics.classification_rates(tp, fp, fn, tn)
        out.update({"tpr": tpr, "fpr": fpr, "tp": tp, "fp": fp, "fn": fn, "tn": tn})
        return out

    # ------------------------------------------------------------------- figure
    def _figsize(self) -> tuple:
        return (9.6, 6.4)

    def _draw(self, fig: Figure, state: Mapping[str, Any]) -> None:
        gs = fig.add_gridspec(2, 3, height_ratios=(1.0, 1.15))
        self._ax_d = fig.add_subplot(gs[0, :])
        self._ax_roc = fig.add_subplot(gs[1, 0])
        self._ax_pr = fig.add_subplot(gs[1, 1])
        self._ax_cm = fig.add_subplot(gs[1, 2])
        ax = self._ax_d
        self._fill0 = ax.fill_between(_X, 0 * _X, color=_BLUE, alpha=0.25, lw=0)
        self._fill1 = ax.fill_between(_X, 0 * _X, color=_ORANGE, alpha=0.35, lw=0)
        (self._d0,) = ax.plot(_X, 0 * _X, color=_BLUE)
        (self._d1,) = ax.plot(_X, 0 * _X, color=_ORANGE)
        self._thr = ax.axvline(0.0, color="k", lw=1.5, ls="--")
        self._d_txt = ax.text(0.99, 0.96, "", transform=ax.transAxes, ha="right", va="top",
                              fontsize=9)
        # static labels under the animated artists (zorder >= 2.6), as a blit paints them
        ax.text(0.01, 0.96, r"negatives $(1-\pi)\,p_0$", color=_BLUE, transform=ax.transAxes,
                va="top", fontsize=9, zorder=2.55)
        ax.text(0.01, 0.82, r"positives $\pi\,p_1$", color=_ORANGE, transform=ax.transAxes,
                va="top", fontsize=9, zorder=2.55)
        ax.set(xlim=(-4.5, 4.5), ylim=(0, YMAX))
        ax.xaxis.set_major_locator(FixedLocator(np.arange(-4, 5)))
        ax.set_yticks([])
        plotting.label(ax, "score (shaded: predicted positive, score >= threshold)", "density", "")
        ax = self._ax_roc
        ax.plot([0, 1], [0, 1], color="0.7", lw=1)
        (self._roc_line,) = ax.plot([0, 1], [0, 1], color=plotting.PALETTE[2])
        (self._roc_pt,) = ax.plot([0], [0], "o", ms=8, color="k")
        self._auc_txt = ax.text(0.97, 0.04, "", transform=ax.transAxes, ha="right", fontsize=9)
        plotting.label(ax, "FPR (1 - specificity)", "TPR (sensitivity)",
                       "ROC (same for every $\\pi$)")
        ax = self._ax_pr
        (self._pr_half,) = ax.plot([0, 1], [0.5, 0.5], color="0.75", lw=1)
        (self._pr_base,) = ax.plot([0, 1], [0.3, 0.3], color=plotting.PALETTE[3], lw=1, ls=":")
        (self._pr_line,) = ax.plot([0, 1], [1, 0], color=plotting.PALETTE[4])
        (self._pr_pt,) = ax.plot([0], [0], "o", ms=8, color="k")
        plotting.label(ax, "recall (sensitivity)", "precision (PPV)",
                       "PR at $\\pi$ (grey: $\\pi$ = 0.5)")
        for a in (self._ax_roc, self._ax_pr):
            a.set(xlim=(-0.02, 1.02), ylim=(-0.02, 1.02), aspect="equal")
            a.xaxis.set_major_locator(FixedLocator([0, 0.5, 1]))
            a.yaxis.set_major_locator(FixedLocator([0, 0.5, 1]))
        ax = self._ax_cm
        self._cm_im = ax.imshow(np.zeros((2, 2)), cmap="Blues", vmin=0, vmax=PER, aspect="auto",
                                extent=(-0.5, 1.5, 1.5, -0.5))
        self._cm_txt = [[ax.text(j, i, "", ha="center", va="center", fontsize=10)
                         for j in range(2)] for i in range(2)]
        ax.set_xticks([0, 1], ["pred +", "pred -"])
        ax.set_yticks([0, 1], ["true +", "true -"])
        ax.grid(False)
        self._rates_txt = ax.text(0.5, -0.1, "", transform=ax.transAxes, ha="center", va="top",
                                  fontsize=8, family="monospace")
        ax.set_title(f"expected counts per {PER}", fontsize=10)
        for a in (self._ax_d, self._ax_roc, self._ax_pr, self._ax_cm):
            a.set_title(a.get_title(), y=1.0)    # fixed title position: no bbox search per draw
        # what a move of the threshold or the prevalence changes: drawn over a cached background
        for art in (self._fill0, self._fill1, self._d0, self._d1, self._thr, self._d_txt,
                    self._roc_line, self._auc_txt, self._pr_half, self._roc_pt, self._pr_base, self._pr_line, self._pr_pt, self._cm_im,
                    *self._cm_txt[0], *self._cm_txt[1], self._rates_txt):
            art.set_animated(True)
            # above the spines (zorder 2.5), as a blit paints them: same pixels as a full draw
            art.set_zorder(max(art.get_zorder(), 2.6))
        self._shown: Dict[str, Any] = {}

    def figure(self, **state: Any) -> Figure:
        """Build the figure for ``state``; the layout is computed once, then frozen."""
        fig = super().figure(**state)
        _pin_axis_labels(*fig.axes)
        return fig

    def _update(self, state: Mapping[str, Any]) -> None:
        src, sep = self._key(state["source"], state["separation"])
        pi, t = state["prevalence"], state["threshold"]
        p = self.point(src, sep, t, pi)
        x, p0, p1 = self.densities(src, sep)
        r = self.roc(src, sep)
        if self._shown.get("roc") != (src, sep):     # the prevalence-free parts
            self._roc_line.set_data(r["fpr"], r["tpr"])
            half = self.pr(src, sep, 0.5)
            self._pr_half.set_data(half["recall"], half["precision"])
            self._auc_txt.set_text(f"AUC = {r['auc']:.3f}")
        w0, w1 = (1 - pi) * p0, pi * p1
        self._d0.set_ydata(w0)
        self._d1.set_ydata(w1)
        right = x >= t
        for fill, w in ((self._fill0, w0), (self._fill1, w1)):
            xs, ws = x[right], w[right]
            verts = np.r_[[[xs[0], 0.0]], np.c_[xs, ws], [[xs[-1], 0.0]]] if len(xs) else \
                np.zeros((0, 2))
            fill.set_verts([verts])
        self._thr.set_xdata([t, t])
        self._d_txt.set_text(f"threshold {t:.2f}: TPR = {p['tpr']:.3f}, FPR = {p['fpr']:.3f}")
        self._roc_pt.set_data([p["fpr"]], [p["tpr"]])
        if self._shown.get("pr") != (src, sep, pi):
            q = self.pr(src, sep, pi)
            self._pr_line.set_data(q["recall"], q["precision"])
            self._pr_base.set_ydata([pi, pi])
        self._pr_pt.set_data([p["sensitivity"]], [p["ppv"]])
        cm = np.array([[p["tp"], p["fn"]], [p["fp"], p["tn"]]])
        self._cm_im.set_data(cm)
        for i in range(2):
            for j in range(2):
                self._cm_txt[i][j].set_text(f"{cm[i, j]:.0f}")
                self._cm_txt[i][j].set_color("w" if cm[i, j] > 0.6 * PER else "k")
        self._rates_txt.set_text("\n".join([
            f"sens {_fmt(p['sensitivity'])}  spec {_fmt(p['specificity'])}",
            f"PPV  {_fmt(p['ppv'])}  NPV  {_fmt(p['npv'])}",
            f"acc  {_fmt(p['accuracy'])}  F1   {_fmt(p['f1'])}"]))
        self._shown = {"roc": (src, sep), "pr": (src, sep, pi)}


def _fmt(v: float) -> str:
    return "  -  " if not np.isfinite(v) else f"{v:.3f}"
