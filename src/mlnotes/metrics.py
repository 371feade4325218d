"""Binary classification metrics: confusion counts, rates, ROC and precision-recall curves, AUC.

The validated versions of what ``notebooks/04-deep-learning/09-evaluation.ipynb`` writes on
the page; :class:`mlnotes.widgets.roc.ROCExplorer` draws with them. Conventions: label 1 is
the positive class, and a score ``s`` is predicted positive when ``s >= threshold`` (as in
``sklearn.metrics.roc_curve``).
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import numpy as np

from .validate import as_array, as_float, as_probability

__all__ = ["confusion_counts", "classification_rates", "roc_curve", "pr_curve", "trapezoid_area",
           "roc_auc"]


def _labels_scores(y_true: Any, scores: Any, func: str) -> Tuple[np.ndarray, np.ndarray]:
    """0/1 labels with both classes present, and finite scores of the same length."""
    y = as_array(y_true, "y_true", func, ndim=1)
    if not np.all((y == 0) | (y == 1)):
        bad = y[(y != 0) & (y != 1)][0]
        raise ValueError(f"{func}: y_true must hold only the labels 0 and 1, got {float(bad):g}")
    if y.min() == y.max():
        raise ValueError(f"{func}: y_true must contain both classes (0 and 1), got only {int(y[0])}")
    s = as_array(scores, "scores", func, ndim=1, shape=(len(y),))
    return y.astype(bool), s


def confusion_counts(y_true: Any, scores: Any, threshold: float) -> Tuple[int, int, int, int]:
    """(TP, FP, FN, TN) when every score ``>= threshold`` is predicted positive.

    ``TP = #{y = 1, s >= t}``, ``FP = #{y = 0, s >= t}``, ``FN = #{y = 1, s < t}``,
    ``TN = #{y = 0, s < t}``; ``sklearn.metrics.confusion_matrix`` lays them out as
    ``[[TN, FP], [FN, TP]]``.
    """
    y, s = _labels_scores(y_true, scores, "confusion_counts")
    t = as_float(threshold, "threshold", "confusion_counts")
    pred = s >= t
    tp, fp = int(np.sum(pred & y)), int(np.sum(pred & ~y))
    return tp, fp, int(y.sum()) - tp, int((~y).sum()) - fp


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else float("nan")


def classification_rates(tp: float, fp: float, fn: float, tn: float) -> Dict[str, float]:
    """The rates of a confusion matrix (counts may be expected, non-integer counts).

    ``sensitivity = TP/(TP+FN)`` (recall, TPR), ``specificity = TN/(TN+FP)``,
    ``fpr = 1 - specificity``, ``ppv = TP/(TP+FP)`` (precision), ``npv = TN/(TN+FN)``,
    ``accuracy = (TP+TN)/total``, ``f1 = 2TP/(2TP+FP+FN)``. A rate whose denominator is 0
    is NaN (undefined), never a silent 0.
    """
    c = {k: as_float(v, k, "classification_rates", nonneg=True)
         for k, v in (("tp", tp), ("fp", fp), ("fn", fn), ("tn", tn))}
    tp, fp, fn, tn = c["tp"], c["fp"], c["fn"], c["tn"]
    if tp + fp + fn + tn <= 0:
        raise ValueError("classification_rates: the counts tp, fp, fn, tn must not all be 0")
    spec = _ratio(tn, tn + fp)
    return {"sensitivity": _ratio(tp, tp + fn), "specificity": spec, "fpr": 1.0 - spec,
            "ppv": _ratio(tp, tp + fp), "npv": _ratio(tn, tn + fn),
            "accuracy": (tp + tn) / (tp + fp + fn + tn), "f1": _ratio(2 * tp, 2 * tp + fp + fn)}


def roc_curve(y_true: Any, scores: Any) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The empirical ROC curve: ``(fpr, tpr, thresholds)``.

    ``thresholds`` are the distinct scores in decreasing order (length m); ``fpr`` and
    ``tpr`` have length m + 1: point 0 is (0, 0) (nothing predicted positive) and point
    i + 1 is (FPR, TPR) at ``thresholds[i]``, ending at (1, 1). Tied scores move the curve
    diagonally in one step. Equals ``sklearn.metrics.roc_curve(..., drop_intermediate=False)``
    with its first threshold (+inf) removed.
    """
    y, s = _labels_scores(y_true, scores, "roc_curve")
    order = np.argsort(-s, kind="stable")
    s, y = s[order], y[order]
    last = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1]     # last index of each tie block
    tps, fps = np.cumsum(y)[last], np.cumsum(~y)[last]
    tpr = np.r_[0.0, tps / tps[-1]]
    fpr = np.r_[0.0, fps / fps[-1]]
    return fpr, tpr, s[last].copy()


def pr_curve(y_true: Any, scores: Any,
             prevalence: Optional[float] = None) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The precision-recall curve ``(precision, recall, thresholds)``, one point per distinct score.

    Thresholds decrease, so recall increases. ``precision = TP/(TP+FP)`` in the sample; with a
    ``prevalence`` pi in (0, 1) the sample's class balance is replaced by pi:
    ``precision = pi TPR / (pi TPR + (1 - pi) FPR)``. ROC points do not depend on pi; these do.
    """
    func = "pr_curve"
    fpr, tpr, thr = roc_curve(y_true, scores)
    if prevalence is None:
        y = np.asarray(y_true, dtype=float)
        pi = float(y.mean())
    else:
        pi = as_probability(prevalence, "prevalence", func, open_=True)
    fpr, tpr = fpr[1:], tpr[1:]
    num = pi * tpr
    den = num + (1 - pi) * fpr
    return np.where(den > 0, num / np.where(den > 0, den, 1.0), 1.0), tpr, thr


def trapezoid_area(x: Any, y: Any) -> float:
    """Area under the polyline through ``(x_i, y_i)`` (x monotone): ``sum (x_i+1 - x_i)(y_i+1 + y_i)/2``."""
    x = as_array(x, "x", "trapezoid_area", ndim=1, min_size=2)
    y = as_array(y, "y", "trapezoid_area", ndim=1, shape=(len(x),))
    dx = np.diff(x)
    if not (np.all(dx >= 0) or np.all(dx <= 0)):
        raise ValueError("trapezoid_area: x must be monotone (non-decreasing or non-increasing)")
    return float(abs(np.sum(dx * (y[1:] + y[:-1]) / 2)))


def roc_auc(y_true: Any, scores: Any) -> float:
    """Area under the ROC curve as the Mann-Whitney probability, ties counted 1/2.

    ``AUC = P(S_pos > S_neg) + P(S_pos = S_neg) / 2`` over all positive-negative pairs,
    computed from mid-ranks: ``(R_pos - n_pos (n_pos + 1) / 2) / (n_pos n_neg)``. Equals
    ``sklearn.metrics.roc_auc_score`` and the trapezoid area under :func:`roc_curve`.
    """
    from scipy.stats import rankdata  # noqa: PLC0415

    y, s = _labels_scores(y_true, scores, "roc_auc")
    n1, n0 = int(y.sum()), int((~y).sum())
    r = rankdata(s)                                  # mid-ranks: ties share their mean rank
    return float((r[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))
