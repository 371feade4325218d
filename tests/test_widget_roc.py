"""The ROC explorer, driven like a reader: controls in, figure data out."""
import re

import numpy as np
import pytest
from scipy.stats import norm
from sklearn.metrics import confusion_matrix, precision_recall_curve, roc_auc_score, roc_curve

from blit_check import saved_pixels

from mlnotes import metrics
from mlnotes.widgets import ROCExplorer
from mlnotes.widgets.base import Player
from mlnotes.widgets.roc import PER, SOURCES, YMAX, digits_scores


@pytest.fixture(scope="module")
def w():
    return ROCExplorer(n=1000)


def check_figure_matches(w):
    """Every artist shows what the compute methods say for the widget's state."""
    st = w.state
    src, sep, t, pi = st["source"], st["separation"], st["threshold"], st["prevalence"]
    p = w.point(**st)
    s0, s1 = w.scores(src, sep)
    # the point: rates of the samples at the threshold, counts per 1000 at the prevalence
    y = np.r_[np.zeros(len(s0)), np.ones(len(s1))]
    tp, fp, fn, tn = metrics.confusion_counts(y, np.r_[s0, s1], t)
    assert p["tpr"] == pytest.approx(tp / len(s1), abs=1e-15)
    assert p["fpr"] == pytest.approx(fp / len(s0), abs=1e-15)
    assert p["tp"] + p["fn"] == pytest.approx(PER * pi) and p["fp"] + p["tn"] == pytest.approx(PER * (1 - pi))
    # the densities, weighted by the prevalence, and the threshold line
    x, p0, p1 = w.densities(src, sep)
    assert np.allclose(w._d0.get_ydata(), (1 - pi) * p0) and np.allclose(w._d1.get_ydata(), pi * p1)
    assert np.array_equal(w._d0.get_xdata(), x)
    assert list(w._thr.get_xdata()) == [t, t]
    # the shaded areas cover exactly the scores >= threshold
    for fill, dens in ((w._fill0, (1 - pi) * p0), (w._fill1, pi * p1)):
        v = fill.get_paths()[0].vertices if fill.get_paths() else np.zeros((0, 2))
        right = x >= t
        if right.any():
            assert v[:, 0].min() == pytest.approx(x[right][0]) and v[:, 1].max() == pytest.approx(
                dens[right].max())
    # ROC curve and current point
    r = w.roc(src, sep)
    assert np.array_equal(w._roc_line.get_xdata(), r["fpr"]) and np.array_equal(w._roc_line.get_ydata(), r["tpr"])
    assert (w._roc_pt.get_xdata()[0], w._roc_pt.get_ydata()[0]) == (p["fpr"], p["tpr"])
    assert w._auc_txt.get_text() == f"AUC = {r['auc']:.3f}"
    assert "every" in w._ax_roc.get_title()          # the ROC panel says it ignores pi
    # PR curve at the prevalence, its no-skill line and the current point
    q = w.pr(src, sep, pi)
    assert np.array_equal(w._pr_line.get_xdata(), q["recall"]) and np.allclose(w._pr_line.get_ydata(), q["precision"])
    assert list(w._pr_base.get_ydata()) == [pi, pi]
    assert w._pr_pt.get_xdata()[0] == p["sensitivity"]
    if np.isfinite(p["ppv"]):
        assert w._pr_pt.get_ydata()[0] == pytest.approx(p["ppv"])
    # the confusion matrix: image, numbers and rates
    cm = np.array([[p["tp"], p["fn"]], [p["fp"], p["tn"]]])
    assert np.allclose(np.asarray(w._cm_im.get_array()), cm)
    assert [[t_.get_text() for t_ in row] for row in w._cm_txt] == [[f"{v:.0f}" for v in row] for row in cm]
    shown = dict(re.findall(r"(sens|spec|PPV|NPV|acc|F1)\s+(\S+)", w._rates_txt.get_text()))
    names = {"sens": "sensitivity", "spec": "specificity", "PPV": "ppv", "NPV": "npv",
             "acc": "accuracy", "F1": "f1"}
    assert set(shown) == set(names)                  # each field once, compared field by field
    for label, k in names.items():
        assert shown[label] == (f"{p[k]:.3f}" if np.isfinite(p[k]) else "-"), label


def test_controls_drive_the_figure(w):
    box = w.widget()
    check_figure_matches(w)
    for name, value in [("threshold", -1.0), ("prevalence", 0.05), ("separation", 3.0),
                        ("source", "unequal spread"), ("threshold", 4.0), ("source", "skewed"),
                        ("threshold", -4.0), ("prevalence", 0.99), ("source", SOURCES[3]),
                        ("threshold", 1.2), ("separation", 0.0), ("source", "normal")]:
        box.controls[name].value = value
        assert w.state[name] == pytest.approx(value)
        check_figure_matches(w)
    w.draw()


def test_prevalence_moves_ppv_npv_pr_but_not_roc(w):
    w.figure(source="normal", separation=1.5, threshold=0.3, prevalence=0.5)
    roc_x, roc_y = w._roc_line.get_xdata().copy(), w._roc_line.get_ydata().copy()
    pt = (w._roc_pt.get_xdata()[0], w._roc_pt.get_ydata()[0])
    pr_y = w._pr_line.get_ydata().copy()
    a = w.point(**w.state)
    w.update(prevalence=0.05)
    b = w.point(**w.state)
    check_figure_matches(w)
    assert np.array_equal(w._roc_line.get_xdata(), roc_x) and np.array_equal(w._roc_line.get_ydata(), roc_y)
    assert (w._roc_pt.get_xdata()[0], w._roc_pt.get_ydata()[0]) == pt
    for k in ("sensitivity", "specificity", "tpr", "fpr"):
        assert a[k] == b[k]
    # rarer positives: PPV falls, NPV rises, the PR curve drops wherever FPR > 0
    assert b["ppv"] < a["ppv"] - 0.3 and b["npv"] > a["npv"]
    assert np.all(w._pr_line.get_ydata() <= pr_y + 1e-12) and np.mean(w._pr_line.get_ydata() < pr_y - 0.1) > 0.5
    # Bayes: PPV = pi TPR / (pi TPR + (1 - pi) FPR)
    assert b["ppv"] == pytest.approx(0.05 * b["tpr"] / (0.05 * b["tpr"] + 0.95 * b["fpr"]))


def test_auc_matches_theory_sklearn_and_mann_whitney(w):
    for d in (0.0, 1.0, 2.5):
        # binormal: AUC = Phi(d / sqrt(s0^2 + s1^2)); quantile samples of 1000 per class
        assert w.roc("normal", d)["auc"] == pytest.approx(norm.cdf(d / np.sqrt(2)), abs=2e-3)
        assert w.roc("unequal spread", d)["auc"] == pytest.approx(norm.cdf(d / np.sqrt(5)), abs=2e-3)
    for src in SOURCES:
        s0, s1 = w.scores(src, 1.2)
        y, s = np.r_[np.zeros(len(s0)), np.ones(len(s1))], np.r_[s0, s1]
        auc = w.roc(src, 1.2)["auc"]
        assert auc == pytest.approx(roc_auc_score(y, s), abs=1e-12)
        assert auc == pytest.approx(metrics.roc_auc(y, s), abs=1e-12)
    # the curves are monotone and run from (0, 0) to (1, 1)
    r = w.roc("skewed", 1.0)
    assert r["fpr"][0] == r["tpr"][0] == 0 and r["fpr"][-1] == r["tpr"][-1] == 1
    assert np.all(np.diff(r["fpr"]) >= 0) and np.all(np.diff(r["tpr"]) >= 0)


def test_point_equals_sklearn_confusion_matrix(w):
    for src in SOURCES:
        s0, s1 = w.scores(src, 2.0)
        y, s = np.r_[np.zeros(len(s0)), np.ones(len(s1))], np.r_[s0, s1]
        for t in (-1.0, 0.0, 0.7):
            p = w.point(src, 2.0, t, 0.5)
            (tn, fp), (fn, tp) = confusion_matrix(y, (s >= t).astype(int))
            assert p["tpr"] == tp / (tp + fn) and p["fpr"] == fp / (fp + tn)


def test_densities_integrate_to_one_and_scores_follow_them(w):
    for src in SOURCES:
        x, p0, p1 = w.densities(src, 1.0)
        dx = x[1] - x[0]
        assert max(p0.max(), p1.max()) < YMAX                   # inside the fixed panel
        for p in (p0, p1):
            assert p.sum() * dx == pytest.approx(1.0, abs=0.03)   # mass beyond [-6, 6] is small
        s0, s1 = w.scores(src, 1.0)
        assert (x * p0).sum() * dx == pytest.approx(s0.mean(), abs=0.08)
        assert (x * p1).sum() * dx == pytest.approx(s1.mean(), abs=0.15)


def test_digits_scores_are_cached_and_good(w):
    a, b = digits_scores(), digits_scores()
    assert a[0] is b[0]
    s0, s1 = a
    assert len(s0) + len(s1) == 898 and 60 < len(s1) < 120
    y = np.r_[np.zeros(len(s0)), np.ones(len(s1))]
    assert roc_auc_score(y, np.r_[s0, s1]) > 0.9
    # separation is ignored for the model's scores
    assert np.array_equal(w.scores(SOURCES[3], 0.0)[1], w.scores(SOURCES[3], 3.0)[1])


def test_random_and_extreme_states_match(w):
    rng = np.random.default_rng(0)
    w.figure()
    for _ in range(30):
        st = {"source": str(rng.choice(SOURCES)),
              "separation": float(rng.choice([0.0, 4.0, np.round(rng.uniform(0, 4), 2)])),
              "threshold": float(rng.choice([-4.0, 4.0, np.round(rng.uniform(-4, 4), 2)])),
              "prevalence": float(rng.choice([0.01, 0.99, np.round(rng.uniform(0.01, 0.99), 2)]))}
        w.update(**st)
        check_figure_matches(w)
        w.draw()


def test_blitted_draw_equals_full_draw():
    w, twin = ROCExplorer(n=400), ROCExplorer(n=400)
    fig, twin_fig = w.figure(), twin.figure()
    w.draw()
    steps = [dict(threshold=1.3), dict(prevalence=0.05), dict(separation=3.0), dict(source="skewed"),
             dict(source=SOURCES[3], threshold=-4.0), dict(threshold=4.0, prevalence=0.99),
             dict(source="unequal spread", separation=0.0, threshold=-1.5)]
    for st in steps:
        w.update(**st)
        twin.update(**st)
        assert not fig.stale, st          # every control only changes animated artists: a blit
        w.draw()
        assert np.array_equal(np.asarray(fig.canvas.buffer_rgba()), saved_pixels(twin_fig)), st


def test_bad_values_name_the_control(w):
    with pytest.raises(ValueError, match=r"source must be one of .*got 'uniform'"):
        w.figure(source="uniform")
    with pytest.raises(ValueError, match=r"threshold must lie in \[-4.0, 4.0\], got 5"):
        w.update(threshold=5)
    with pytest.raises(ValueError, match=r"prevalence must lie in \[0.01, 0.99\], got 0"):
        w.update(prevalence=0.0)
    with pytest.raises(ValueError, match=r"separation must lie in"):
        w.update(separation=-1.0)
    with pytest.raises(TypeError, match=r"threshold must be a finite number"):
        w.update(threshold="0.5")
    with pytest.raises(TypeError, match=r"unknown argument"):
        w.update(cutoff=0.5)
    with pytest.raises(ValueError, match=r"n must lie in \[200, 20000\]"):
        ROCExplorer(n=10)


def test_player_sweeps_the_threshold(w):
    box = w.widget(threshold=0.0)
    fig = w.fig
    p = w.player("threshold", values=[-2.0, 0.0, 2.0], prevalence=0.1, dpi=30)
    assert isinstance(p, Player) and p.n_frames == 3 and "threshold = 2" in p.html
    assert w.fig is fig and w.state["threshold"] == 0.0
    box.controls["prevalence"].value = 0.7
    check_figure_matches(w)


@pytest.mark.parametrize("source", SOURCES)
def test_pr_equals_metrics_and_sklearn(w, source):
    """The PR panel's curve is :func:`metrics.pr_curve`; at the sample's own class balance it is
    sklearn's ``precision_recall_curve``, and at another prevalence the reweighting formula."""
    s0, s1 = w.scores(source, 1.5)
    y, s = np.r_[np.zeros(len(s0)), np.ones(len(s1))], np.r_[s0, s1]
    for pi in (0.1, 0.3, 0.9):
        q = w.pr(source, 1.5, pi)
        prec, rec, _ = metrics.pr_curve(y, s, prevalence=pi)
        assert np.array_equal(q["precision"], prec) and np.array_equal(q["recall"], rec)
        # recomputed here from sklearn's ROC points: pi TPR / (pi TPR + (1 - pi) FPR)
        fpr, tpr, _ = roc_curve(y, s, drop_intermediate=False)
        assert np.allclose(q["precision"], pi * tpr[1:] / (pi * tpr[1:] + (1 - pi) * fpr[1:]))
    q = w.pr(source, 1.5, len(s1) / len(s))
    p_sk, r_sk, _ = precision_recall_curve(y, s)
    assert np.allclose(q["precision"], p_sk[:-1][::-1]) and np.allclose(q["recall"], r_sk[:-1][::-1])
