"""mlnotes.classical against scikit-learn on small problems.

The same closed-form arithmetic (Gaussian NB, LDA, QDA, kNN) must give identical
predictions; logistic OvR (Newton against lbfgs) and the SVMs (our SMO against libsvm)
minimise the same strictly convex objective with other solvers, so they agree up to the
solver tolerance (identical predictions for logistic at 1e-10, almost every point for the
SVMs at libsvm's tolerance); gradient boosting and depth-limited trees on tie-free data
reproduce sklearn's scores and splits; trees and ensembles break ties (and draw features) with
other random numbers, so their accuracy is compared within a band.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import make_classification
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis, QuadraticDiscriminantAnalysis
from sklearn.ensemble import AdaBoostClassifier, GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from mlnotes import classical as cl


def problem(seed, n=240, p=6, k=3):
    X, y = make_classification(n, p, n_informative=4, n_redundant=0, n_classes=k,
                               n_clusters_per_class=1, class_sep=1.2, random_state=seed)
    y = np.array([3, 7, 11, 20])[y]  # labels that are not 0..K-1
    return X[: n // 2], y[: n // 2], X[n // 2:], y[n // 2:]


SEEDS = [0, 1, 2]


@pytest.mark.parametrize("seed", SEEDS)
def test_logistic_equals_sklearn_ovr(seed):
    Xtr, ytr, Xte, _ = problem(seed)
    for C in (0.1, 10.0):
        m = cl.fit_logistic(Xtr, ytr, C=C)
        ref = OneVsRestClassifier(LogisticRegression(C=C, tol=1e-12, max_iter=10_000)).fit(Xtr, ytr)
        assert np.array_equal(cl.predict(m, Xte), ref.predict(Xte))
        for k, est in enumerate(ref.estimators_):  # lbfgs to 1e-12 vs Newton: 1e-5
            assert np.allclose(m["theta"][:, k], np.r_[est.intercept_, est.coef_[0]], atol=1e-5)


@pytest.mark.parametrize("seed", SEEDS)
def test_generative_and_knn_identical_to_sklearn(seed):
    Xtr, ytr, Xte, _ = problem(seed)
    cases = [(cl.fit_gaussian_nb(Xtr, ytr), GaussianNB()),
             (cl.fit_gaussian_nb(Xtr, ytr, var_smoothing=0.1), GaussianNB(var_smoothing=0.1)),
             (cl.fit_lda(Xtr, ytr), LinearDiscriminantAnalysis(solver="lsqr")),
             (cl.fit_lda(Xtr, ytr), LinearDiscriminantAnalysis()),
             (cl.fit_qda(Xtr, ytr), QuadraticDiscriminantAnalysis()),
             (cl.fit_qda(Xtr, ytr, reg_param=0.3), QuadraticDiscriminantAnalysis(reg_param=0.3)),
             (cl.fit_knn(Xtr, ytr, k=1), KNeighborsClassifier(1, algorithm="brute")),
             (cl.fit_knn(Xtr, ytr, k=6), KNeighborsClassifier(6, algorithm="brute"))]
    for ours, ref in cases:
        assert np.array_equal(cl.predict(ours, Xte), ref.fit(Xtr, ytr).predict(Xte)), ref


def test_lda_scores_equal_sklearn_decision_function():
    Xtr, ytr, Xte, _ = problem(5)
    m = cl.fit_lda(Xtr, ytr)
    ref = LinearDiscriminantAnalysis(solver="lsqr").fit(Xtr, ytr)
    assert np.allclose(Xte @ m["W"] + m["b"], ref.decision_function(Xte), atol=1e-8)


@pytest.mark.parametrize("kernel,C", [("linear", 1.0), ("rbf", 1.0), ("rbf", 10.0)])
def test_svm_matches_libsvm(kernel, C):
    agree = []
    for seed in SEEDS:
        Xtr, ytr, Xte, yte = problem(seed)
        m = cl.fit_svm(Xtr, ytr, C=C, kernel=kernel, tol=1e-6)
        ref = SVC(C=C, kernel=kernel, gamma="scale", tol=1e-6).fit(Xtr, ytr)
        agree.append(np.mean(cl.predict(m, Xte) == ref.predict(Xte)))
        # nearly the same support vectors (union over the one-vs-one machines)
        sv = np.unique(np.concatenate([pair[2] for pair in m["pairs"]]))
        common = len(np.intersect1d(sv, ref.support_))
        assert common >= 0.95 * max(len(sv), len(ref.support_))
    assert np.mean(agree) >= 0.99, agree


def test_svm_pair_decision_equals_libsvm():
    Xtr, ytr, Xte, _ = problem(3, k=2)
    m = cl.fit_svm(Xtr, ytr, C=1.0, kernel="rbf", gamma=0.2, tol=1e-8)
    ref = SVC(C=1.0, gamma=0.2, tol=1e-8).fit(Xtr, ytr)
    a, b, sv, coef, off = m["pairs"][0]
    K = np.exp(-0.2 * ((Xte[:, None] - Xtr[sv][None]) ** 2).sum(-1))
    # sklearn's binary decision is positive for the second class; ours for the first
    assert np.allclose(K @ coef - off, -ref.decision_function(Xte), atol=1e-5)


def test_trees_and_ensembles_within_band_of_sklearn():
    rows = []
    for seed in SEEDS:
        Xtr, ytr, Xte, yte = problem(seed, n=400)
        acc = lambda yp: np.mean(yp == yte)
        rows.append([
            acc(cl.predict(cl.fit_tree(Xtr, ytr), Xte)),
            acc(DecisionTreeClassifier(random_state=0).fit(Xtr, ytr).predict(Xte)),
            acc(cl.predict(cl.fit_forest(Xtr, ytr, n_trees=20, seed=seed), Xte)),
            acc(RandomForestClassifier(20, random_state=seed).fit(Xtr, ytr).predict(Xte)),
            acc(cl.predict(cl.fit_adaboost(Xtr, ytr, n_rounds=20, max_depth=2), Xte)),
            acc(AdaBoostClassifier(DecisionTreeClassifier(max_depth=2), n_estimators=20,
                                   random_state=0).fit(Xtr, ytr).predict(Xte)),
            acc(cl.predict(cl.fit_gradient_boosting(Xtr, ytr, n_rounds=20), Xte)),
            acc(GradientBoostingClassifier(n_estimators=20, random_state=0).fit(Xtr, ytr).predict(Xte)),
        ])
    r = np.array(rows).mean(axis=0)  # mean accuracy over 3 problems of 200 test points
    assert np.all(np.abs(r[0::2] - r[1::2]) < 0.05), r
    assert np.all(r > 0.6), r


def test_tree_fits_training_data_and_respects_depth():
    Xtr, ytr, _, _ = problem(4)
    full = cl.fit_tree(Xtr, ytr)
    assert np.array_equal(cl.predict(full, Xtr), ytr)  # distinct rows: a full tree is pure

    def depth(node):
        return 0 if not isinstance(node, tuple) else 1 + max(depth(node[2]), depth(node[3]))
    assert depth(cl.fit_tree(Xtr, ytr, max_depth=2)["root"]) == 2
    assert depth(full["root"]) > 2


def test_boosting_on_same_weak_learner_as_sklearn_is_identical_without_ties():
    # depth-1 trees on continuous features: no ties, so SAMME gives sklearn's ensemble
    Xtr, ytr, Xte, _ = problem(6)
    m = cl.fit_adaboost(Xtr, ytr, n_rounds=10, max_depth=1)
    ref = AdaBoostClassifier(DecisionTreeClassifier(max_depth=1), n_estimators=10,
                             random_state=0).fit(Xtr, ytr)
    assert np.allclose(m["alphas"], ref.estimator_weights_[: len(m["alphas"])], rtol=1e-8)
    assert np.array_equal(cl.predict(m, Xte), ref.predict(Xte))


def test_gradient_boosting_identical_to_sklearn_without_ties():
    Xtr, ytr, Xte, _ = problem(7)
    m = cl.fit_gradient_boosting(Xtr, ytr, n_rounds=5, learning_rate=0.5, max_depth=2)
    ref = GradientBoostingClassifier(n_estimators=5, learning_rate=0.5, max_depth=2,
                                     random_state=0).fit(Xtr, ytr)
    assert np.array_equal(cl.predict(m, Xte), ref.predict(Xte))
    # the raw scores F, not only their argmax (sklearn centres its start log-priors
    # over the classes, a per-row constant that the softmax ignores), and our start
    # F0 = log class priors. Compared on the training rows: sklearn's thresholds are
    # midpoints of float32 values, so a test point can fall between the two thresholds
    # (one of the 120 test rows here does).
    F, G = cl._scores(m, Xtr), ref.decision_function(Xtr)
    assert np.allclose(F - F.mean(1, keepdims=True), G - G.mean(1, keepdims=True),
                       rtol=0, atol=1e-10)
    assert np.allclose(m["F0"], np.log(np.bincount(np.unique(ytr, return_inverse=True)[1])
                                       / len(ytr)), rtol=0, atol=1e-15)


def _nodes(node):
    """Pre-order (feature, threshold) of the internal nodes, as sklearn's tree_ arrays."""
    if not isinstance(node, tuple):
        return []
    return [(node[0], node[1])] + _nodes(node[2]) + _nodes(node[3])


def _leaf_sum(node):
    return node if not isinstance(node, tuple) else _leaf_sum(node[2]) + _leaf_sum(node[3])


def test_tree_splits_equal_sklearn_without_ties():
    # continuous features and depth 2 (nodes of >= 40 rows): no two splits tie.
    # sklearn casts X to float32, so its thresholds are midpoints of float32 values.
    for seed in (8, 11):
        Xtr, ytr, _, _ = problem(seed)
        ours = _nodes(cl.fit_tree(Xtr, ytr, max_depth=2)["root"])
        t = DecisionTreeClassifier(max_depth=2, random_state=0).fit(Xtr, ytr).tree_
        inner = t.feature >= 0
        assert len(ours) == 3 and [j for j, _ in ours] == list(t.feature[inner])
        assert np.allclose([th for _, th in ours], t.threshold[inner], rtol=0, atol=1e-6)


def test_forest_trees_grow_on_bootstrap_samples():
    # each tree's leaves hold exactly the class counts of its bootstrap sample
    # (drawn first from default_rng(seed)); without resampling they would be
    # the full-data counts, which differ
    Xtr, ytr, _, _ = problem(9)
    codes = np.unique(ytr, return_inverse=True)[1]
    m = cl.fit_forest(Xtr, ytr, n_trees=5, seed=4)
    rng = np.random.default_rng(4)
    rows = [rng.integers(0, len(ytr), len(ytr)) for _ in range(5)]
    for tree, r in zip(m["trees"], rows):
        counts = np.bincount(codes[r], minlength=3)
        assert np.array_equal(_leaf_sum(tree), counts)
        assert not np.array_equal(counts, np.bincount(codes))


def test_logistic_warns_when_newton_has_not_converged():
    Xtr, ytr, _, _ = problem(0)
    with pytest.warns(RuntimeWarning, match="max_iter=3"):
        cl.fit_logistic(Xtr, ytr, C=1e6, max_iter=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cl.fit_logistic(Xtr, ytr, C=1.0)  # converges: no warning


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(-50, 50), min_size=3, max_size=3, unique=True),
       st.sampled_from(["nb", "lda", "knn", "tree"]))
def test_predictions_follow_an_increasing_relabelling(labels, kind):
    # renaming the classes by an increasing map renames the predictions (the
    # tie rule "smaller label first" is preserved by an increasing map)
    Xtr, ytr, Xte, _ = problem(10)
    new = np.sort(labels)
    old = np.unique(ytr)
    fit = {"nb": cl.fit_gaussian_nb, "lda": cl.fit_lda, "knn": cl.fit_knn,
           "tree": cl.fit_tree}[kind]
    p_old = cl.predict(fit(Xtr, ytr), Xte)
    p_new = cl.predict(fit(Xtr, new[np.searchsorted(old, ytr)]), Xte)
    assert np.array_equal(p_new, new[np.searchsorted(old, p_old)])


def test_bad_input_messages():
    X, y, _, _ = problem(0)
    with pytest.raises(ValueError, match="one label per row"):
        cl.fit_lda(X, y[:-1])
    with pytest.raises(ValueError, match="at least two classes"):
        cl.fit_knn(X, np.zeros(len(X)))
    with pytest.raises(ValueError, match="integer class labels"):
        cl.fit_tree(X, y + 0.5)
    with pytest.raises(ValueError, match="reg_param"):
        cl.fit_qda(np.c_[X, X[:, 0]], y)  # a repeated column: singular covariances
    with pytest.raises(ValueError, match="X must have shape"):
        cl.predict(cl.fit_gaussian_nb(X, y), X[:, :3])
    with pytest.raises(TypeError, match="model"):
        cl.predict("lda", X)
    with pytest.raises(ValueError, match="kernel"):
        cl.fit_svm(X, y, kernel="poly")
