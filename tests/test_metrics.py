"""mlnotes.metrics against scikit-learn and against the Mann-Whitney count, ties included."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm

from mlnotes import metrics


def sample(seed, n=60, levels=None):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]
    s = rng.normal(size=n) + y
    if levels:                       # few distinct values: many ties, across the classes
        s = np.round(s * levels) / levels
    return y, s


def mann_whitney(y, s):
    """The pair count: P(S+ > S-) + P(S+ = S-)/2 over all positive-negative pairs."""
    pos, neg = s[y == 1][:, None], s[y == 0][None, :]
    return ((pos > neg).sum() + 0.5 * (pos == neg).sum()) / (pos.size * neg.size)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("levels", [None, 1, 3])
def test_confusion_counts_and_rates_equal_sklearn(seed, levels):
    y, s = sample(seed, levels=levels)
    for t in np.r_[np.quantile(s, [0, 0.3, 0.5, 0.9]), s.max() + 1]:
        tp, fp, fn, tn = metrics.confusion_counts(y, s, t)
        pred = (s >= t).astype(int)
        assert skm.confusion_matrix(y, pred, labels=[0, 1]).tolist() == [[tn, fp], [fn, tp]]
        r = metrics.classification_rates(tp, fp, fn, tn)
        assert r["sensitivity"] == pytest.approx(skm.recall_score(y, pred), abs=1e-15)
        assert r["specificity"] == pytest.approx(skm.recall_score(1 - y, 1 - pred), abs=1e-15)
        assert r["accuracy"] == pytest.approx(skm.accuracy_score(y, pred), abs=1e-15)
        assert r["f1"] == pytest.approx(skm.f1_score(y, pred), abs=1e-15)
        if tp + fp:
            assert r["ppv"] == pytest.approx(skm.precision_score(y, pred), abs=1e-15)
        else:
            assert np.isnan(r["ppv"])            # undefined, not a silent 0
        if tn + fn:
            assert r["npv"] == pytest.approx(skm.precision_score(1 - y, 1 - pred), abs=1e-15)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("levels", [None, 1, 2, 5])
def test_roc_and_auc_equal_sklearn_and_mann_whitney(seed, levels):
    y, s = sample(seed, n=80, levels=levels)
    fpr, tpr, thr = metrics.roc_curve(y, s)
    f2, t2, th2 = skm.roc_curve(y, s, drop_intermediate=False)
    assert np.array_equal(fpr, f2) and np.array_equal(tpr, t2) and np.array_equal(thr, th2[1:])
    auc = metrics.roc_auc(y, s)
    assert auc == pytest.approx(skm.roc_auc_score(y, s), abs=1e-12)
    assert auc == pytest.approx(mann_whitney(y, s), abs=1e-12)
    assert metrics.trapezoid_area(fpr, tpr) == pytest.approx(auc, abs=1e-12)
    if levels == 1:   # heavy ties: the strict count (ties as 0) is smaller, ties as 1 larger
        pos, neg = s[y == 1][:, None], s[y == 0][None, :]
        assert (pos > neg).mean() < auc < (pos >= neg).mean()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(-3, 3)), min_size=2, max_size=40))
def test_auc_property_with_ties(pairs):
    y = np.array([p[0] for p in pairs])
    s = np.array([p[1] for p in pairs], dtype=float)
    if y.min() == y.max():
        return
    auc = metrics.roc_auc(y, s)
    assert auc == pytest.approx(mann_whitney(y, s), abs=1e-12)
    assert auc == pytest.approx(skm.roc_auc_score(y, s), abs=1e-12)
    # a strictly increasing transform changes nothing; reversing the scores gives 1 - AUC
    assert metrics.roc_auc(y, np.exp(s)) == pytest.approx(auc, abs=1e-12)
    assert metrics.roc_auc(y, -s) == pytest.approx(1 - auc, abs=1e-12)


def test_pr_curve_equals_sklearn_and_reweights_by_prevalence():
    y, s = sample(3, n=200, levels=4)
    prec, rec, thr = metrics.pr_curve(y, s)
    p2, r2, t2 = skm.precision_recall_curve(y, s, drop_intermediate=False)
    # sklearn lists increasing thresholds and appends (precision 1, recall 0)
    assert np.allclose(prec, p2[:-1][::-1]) and np.allclose(rec, r2[:-1][::-1])
    assert np.array_equal(thr, t2[::-1])
    # at the sample's own prevalence the reweighted curve is the same curve
    prec_pi, rec_pi, _ = metrics.pr_curve(y, s, prevalence=y.mean())
    assert np.allclose(prec_pi, prec, atol=1e-12) and np.array_equal(rec_pi, rec)
    # a rarer positive class lowers precision at every threshold with a false positive
    fpr = metrics.roc_curve(y, s)[0][1:]
    low = metrics.pr_curve(y, s, prevalence=0.05)[0]
    assert np.all(low[fpr > 0] < prec[fpr > 0]) and np.allclose(low[fpr == 0], 1.0)


def test_hand_example():
    y = np.array([1, 1, 1, 0, 0, 0, 0, 0, 0, 0])
    s = np.array([0.9, 0.6, 0.3, 0.7, 0.2, 0.1, 0.1, 0.1, 0.05, 0.0])
    assert metrics.confusion_counts(y, s, 0.5) == (2, 1, 1, 6)
    r = metrics.classification_rates(2, 1, 1, 6)
    assert r["ppv"] == pytest.approx(2 / 3) and r["npv"] == pytest.approx(6 / 7)
    assert r["f1"] == pytest.approx(2 / 3) and r["fpr"] == pytest.approx(1 / 7)
    # pairs: 0.9 beats 7, 0.6 beats 6 of 7, 0.3 beats 6 of 7 -> 19/21
    assert metrics.roc_auc(y, s) == pytest.approx(19 / 21)


def test_bad_input_messages():
    y, s = np.array([0, 1, 1]), np.array([0.1, 0.5, 0.2])
    with pytest.raises(ValueError, match=r"roc_auc: y_true must hold only the labels 0 and 1, got 2"):
        metrics.roc_auc([0, 1, 2], s)
    with pytest.raises(ValueError, match=r"roc_curve: y_true must contain both classes"):
        metrics.roc_curve([1, 1, 1], s)
    with pytest.raises(ValueError, match=r"confusion_counts: scores must have shape \(3\)"):
        metrics.confusion_counts(y, s[:2], 0.3)
    with pytest.raises(ValueError, match=r"pr_curve: prevalence"):
        metrics.pr_curve(y, s, prevalence=1.0)
    with pytest.raises(ValueError, match=r"classification_rates: the counts"):
        metrics.classification_rates(0, 0, 0, 0)
    with pytest.raises(ValueError, match=r"trapezoid_area: x must be monotone"):
        metrics.trapezoid_area([0, 1, 0.5], [0, 1, 1])
    r = metrics.classification_rates(0, 0, 3, 5)
    assert np.isnan(r["ppv"]) and r["f1"] == 0.0
