"""Validated multiclass versions of the classifiers of Part III.

Each algorithm is taught, in a short function, on a page of ``notebooks/03-classical-ml``;
this module holds the same mathematics in a multiclass, input-checked form so that a
later page (``07-classifiers-on-digits``) can run all of them side by side, and each
teaching page asserts that its function agrees with the version here.

Every ``fit_*`` function takes a design matrix ``X`` (n x p, finite) and integer class
labels ``y`` (n, at least two classes) and returns a fitted model: a ``dict`` with a
``"kind"`` entry and the fitted numbers. :func:`predict` maps a model and new rows to
labels (the original label values).

==========================  ==========================================  ======================
function                    algorithm                                   taught in
==========================  ==========================================  ======================
:func:`fit_logistic`        one-vs-rest L2 logistic regression, Newton  01-linear-models
:func:`fit_svm`             one-vs-one soft-margin SVM, SMO             02-support-vector-...
:func:`fit_gaussian_nb`     Gaussian naive Bayes                        03-generative-...
:func:`fit_lda`             linear discriminant analysis                03-generative-...
:func:`fit_qda`             quadratic discriminant analysis             03-generative-...
:func:`fit_knn`             k nearest neighbours (majority vote)        04-neighbours-...
:func:`fit_tree`            CART classification tree (Gini)             05-trees-and-ensembles
:func:`fit_forest`          random forest of CART trees                 05-trees-and-ensembles
:func:`fit_adaboost`        AdaBoost (SAMME) with small CART trees      05-trees-and-ensembles
:func:`fit_gradient_boosting`  softmax gradient boosting, Newton leaves  05-trees-and-ensembles
==========================  ==========================================  ======================
"""
from __future__ import annotations

import warnings
from typing import Any, Dict, Optional

import numpy as np
from scipy.special import logsumexp

from .validate import as_array, as_choice, as_float, as_int, as_seed, as_size

__all__ = [
    "fit_logistic",
    "fit_svm",
    "fit_gaussian_nb",
    "fit_lda",
    "fit_qda",
    "fit_knn",
    "fit_tree",
    "fit_forest",
    "fit_adaboost",
    "fit_gradient_boosting",
    "predict",
    "KINDS",
]

_Model = Dict[str, Any]

#: The kinds of model :func:`predict` accepts.
KINDS = ("logistic", "svm", "gaussian_nb", "lda", "qda", "knn", "tree", "forest",
         "adaboost", "gradient_boosting")


# ----------------------------------------------------------------------------- input
def _data(X: Any, y: Any, func: str):
    """Finite 2-D ``X``, integer labels ``y`` of matching length with >= 2 classes."""
    X = as_array(X, "X", func, ndim=2)
    yv = as_array(y, "y", func, ndim=1)
    if len(yv) != len(X):
        raise ValueError(f"{func}: y must have one label per row of X ({len(X)}), got {len(yv)}")
    if np.any(yv != np.round(yv)):
        raise ValueError(f"{func}: y must hold integer class labels")
    classes, codes = np.unique(yv.astype(np.int64), return_inverse=True)
    if len(classes) < 2:
        raise ValueError(f"{func}: y must contain at least two classes, got {len(classes)}")
    return X, classes, codes


def _rows(X: Any, p: int, func: str) -> np.ndarray:
    return as_array(X, "X", func, ndim=2, shape=(None, p))


def _max_features(mf: Any, p: int, func: str) -> Optional[int]:
    if mf is None:
        return None
    if isinstance(mf, str):
        as_choice(mf, "max_features", func, ("sqrt",))
        return max(1, int(np.sqrt(p)))
    return as_int(mf, "max_features", func, lo=1, hi=p)


def _depth(d: Any, func: str) -> Optional[int]:
    return None if d is None else as_int(d, "max_depth", func, lo=1, hi=1000)


# ----------------------------------------------------------------------------- logistic
def _newton_l2(Xa: np.ndarray, t: np.ndarray, C: float, tol: float, max_iter: int):
    """Minimise C * sum(log(1 + e^z) - t z) + ||w||^2 / 2 (intercept free) by Newton.

    Returns theta and the number of Newton steps taken."""
    theta = np.zeros(Xa.shape[1])
    P = np.ones(Xa.shape[1])
    P[0] = 0.0
    for it in range(1, max_iter + 1):
        z = Xa @ theta
        pr = 0.5 * (1 + np.tanh(z / 2))  # the logistic function, overflow-free
        g = C * (Xa.T @ (pr - t)) + P * theta
        H = C * (Xa.T @ (Xa * (pr * (1 - pr))[:, None])) + np.diag(P)
        step = np.linalg.solve(H, g)
        theta = theta - step
        if np.linalg.norm(step) < tol:
            return theta, it
    warnings.warn(f"fit_logistic: Newton did not converge in max_iter={max_iter} steps "
                  f"(last step {np.linalg.norm(step):.2g} >= tol={tol:g}); increase "
                  f"max_iter or tol, or lower C", RuntimeWarning, stacklevel=3)
    return theta, max_iter


def fit_logistic(X: Any, y: Any, C: float = 1.0, tol: float = 1e-10, max_iter: int = 100) -> _Model:
    r"""One-vs-rest L2-penalised logistic regression fitted by Newton's method (IRLS).

    For each class :math:`k`, minimise
    :math:`C\sum_i [\log(1+e^{z_i}) - t_i z_i] + \tfrac12\|\mathbf w\|^2` with
    :math:`z_i = \theta_0 + \mathbf w^\top\mathbf x_i`, :math:`t_i = [y_i = k]` (the
    intercept is not penalised); predict the class of largest score :math:`z`. This is
    scikit-learn's ``OneVsRestClassifier(LogisticRegression(C=C))``. Newton stops when a
    step is shorter than ``tol``; if that has not happened after ``max_iter`` steps, a
    ``RuntimeWarning`` naming ``max_iter`` is issued and the last iterate returned.
    Taught in ``notebooks/03-classical-ml/01-linear-models.ipynb``.

    Returns a model with ``theta`` of shape (p + 1, K), column k = (intercept, weights),
    and ``n_iter`` (K,), the Newton steps taken for each class.
    """
    func = "fit_logistic"
    X, classes, codes = _data(X, y, func)
    C = as_float(C, "C", func, positive=True)
    tol = as_float(tol, "tol", func, positive=True)
    max_iter = as_size(max_iter, "max_iter", func, hi=10_000)
    Xa = np.column_stack([np.ones(len(X)), X])
    fits = [_newton_l2(Xa, (codes == k).astype(float), C, tol, max_iter)
            for k in range(len(classes))]
    theta = np.column_stack([f[0] for f in fits])
    return {"p": X.shape[1], "kind": "logistic", "classes": classes, "theta": theta,
            "n_iter": np.array([f[1] for f in fits])}


# ----------------------------------------------------------------------------- SVM
def _kernel(A: np.ndarray, B: np.ndarray, kernel: str, gamma: float) -> np.ndarray:
    if kernel == "linear":
        return A @ B.T
    sq = (A**2).sum(1)[:, None] - 2 * A @ B.T + (B**2).sum(1)[None, :]
    return np.exp(-gamma * np.maximum(sq, 0.0))


def _smo(K: np.ndarray, y: np.ndarray, C: float, tol: float, max_iter: int):
    """SMO with the maximal violating pair: the dual solution lambda, iterations."""
    lam, G = np.zeros(len(y)), -np.ones(len(y))  # G = Q lam - 1
    pos = y > 0
    for it in range(max_iter):  # it = updates made so far
        v = -y * G
        up = np.where(pos, lam < C, lam > 0)
        low = np.where(pos, lam > 0, lam < C)
        i = np.flatnonzero(up)[np.argmax(v[up])]
        j = np.flatnonzero(low)[np.argmin(v[low])]
        if v[i] - v[j] < tol:
            return lam, it
        d = (v[i] - v[j]) / max(K[i, i] + K[j, j] - 2 * K[i, j], 1e-12)
        d = min(d, C - lam[i] if y[i] > 0 else lam[i], lam[j] if y[j] > 0 else C - lam[j])
        lam[i], lam[j] = lam[i] + y[i] * d, lam[j] - y[j] * d
        G += d * y * (K[:, i] - K[:, j])
    raise RuntimeError(f"fit_svm: SMO did not converge in {max_iter} iterations")


def _offset(K: np.ndarray, y: np.ndarray, lam: np.ndarray, C: float) -> float:
    """b: mean of f_i - y_i on the margin SVs, else the KKT interval's midpoint."""
    f, tol = K @ (lam * y), 1e-6 * max(lam.max(), 1e-300)
    free = (lam > tol) & (lam < C - tol)
    if free.any():
        return float(np.mean(f[free] - y[free]))
    upper = np.where(lam <= tol, y > 0, y < 0)
    return float((np.max((f - y)[~upper]) + np.min((f - y)[upper])) / 2)


def fit_svm(X: Any, y: Any, C: float = 1.0, kernel: str = "rbf", gamma: Any = "scale",
            tol: float = 1e-3, max_iter: int = 1_000_000) -> _Model:
    r"""Soft-margin SVM, one-vs-one, each dual solved by SMO.

    For each pair of classes :math:`a < b` (labels +1 for :math:`a`, -1 for :math:`b`)
    solve :math:`\max_\lambda \sum_i\lambda_i - \tfrac12\sum_{ij}\lambda_i\lambda_j y_i y_j
    k(\mathbf x_i,\mathbf x_j)` subject to :math:`0\le\lambda_i\le C`,
    :math:`\sum_i\lambda_i y_i = 0` by SMO (maximal violating pair, stopped when the KKT
    gap is below ``tol``, libsvm's stopping rule; libsvm picks its pair by second-order
    information instead); :math:`f(\mathbf x) = \sum_i \lambda_i y_i
    k(\mathbf x_i, \mathbf x) - b`. Prediction: majority vote of the pairwise signs, ties
    to the smaller class, as scikit-learn's ``SVC``. Kernels: ``"linear"``
    (:math:`\mathbf x^\top\mathbf z`) and ``"rbf"`` (:math:`e^{-\gamma\|\mathbf x-\mathbf z\|^2}`;
    ``gamma="scale"`` is :math:`1/(p\,\mathrm{Var}(X))` as in scikit-learn).
    The model keeps ``pairs`` (a, b, support rows, :math:`\lambda_i y_i`, b) and
    ``n_iter``, the SMO updates of each pair. Taught (two classes) in
    ``notebooks/03-classical-ml/02-support-vector-machines.ipynb``; the one-vs-one vote
    in ``notebooks/03-classical-ml/07-classifiers-on-digits.ipynb``.
    """
    func = "fit_svm"
    X, classes, codes = _data(X, y, func)
    C = as_float(C, "C", func, positive=True)
    kernel = as_choice(kernel, "kernel", func, ("linear", "rbf"))
    if isinstance(gamma, str):
        as_choice(gamma, "gamma", func, ("scale",))
        var = X.var()
        gamma = 1.0 / (X.shape[1] * var) if var > 0 else 1.0
    else:
        gamma = as_float(gamma, "gamma", func, positive=True)
    tol = as_float(tol, "tol", func, positive=True)
    max_iter = as_size(max_iter, "max_iter", func)
    K = _kernel(X, X, kernel, gamma)
    pairs, n_iter = [], []
    for a in range(len(classes)):
        for b in range(a + 1, len(classes)):
            idx = np.flatnonzero((codes == a) | (codes == b))
            yab = np.where(codes[idx] == a, 1.0, -1.0)
            Kab = K[np.ix_(idx, idx)]
            lam, it = _smo(Kab, yab, C, tol, max_iter)
            n_iter.append(it)
            sv = lam > 0
            pairs.append((a, b, idx[sv], (lam * yab)[sv], _offset(Kab, yab, lam, C)))
    return {"p": X.shape[1], "kind": "svm", "classes": classes, "X": X, "kernel": kernel,
            "gamma": float(gamma), "pairs": pairs, "n_iter": np.array(n_iter)}


# ----------------------------------------------------------------------------- generative
def fit_gaussian_nb(X: Any, y: Any, var_smoothing: float = 1e-9) -> _Model:
    r"""Gaussian naive Bayes: class priors, per-class means and variances.

    :math:`\log p(c\mid\mathbf x) = \log\pi_c - \tfrac12\sum_j[\log 2\pi\sigma^2_{cj} +
    (x_j-\mu_{cj})^2/\sigma^2_{cj}] + \text{const}`, with the variances (divided by
    :math:`n_c`) increased by ``var_smoothing`` times the largest feature variance, as
    scikit-learn's ``GaussianNB``. Taught in
    ``notebooks/03-classical-ml/03-generative-classifiers.ipynb``.
    """
    func = "fit_gaussian_nb"
    X, classes, codes = _data(X, y, func)
    vs = as_float(var_smoothing, "var_smoothing", func, nonneg=True)
    eps = vs * X.var(axis=0).max()
    K = len(classes)
    priors = np.bincount(codes, minlength=K) / len(codes)
    means = np.array([X[codes == c].mean(axis=0) for c in range(K)])
    var = np.array([X[codes == c].var(axis=0) for c in range(K)]) + eps
    if np.any(var <= 0):
        raise ValueError(f"{func}: a feature is constant within a class; use var_smoothing > 0")
    return {"p": X.shape[1], "kind": "gaussian_nb", "classes": classes, "priors": priors,
            "means": means, "var": var}


def _class_moments(X: np.ndarray, codes: np.ndarray, K: int):
    priors = np.bincount(codes, minlength=K) / len(codes)
    means = np.array([X[codes == c].mean(axis=0) for c in range(K)])
    return priors, means


def fit_lda(X: Any, y: Any) -> _Model:
    r"""Linear discriminant analysis: Gaussian classes with one shared covariance.

    :math:`\hat\Sigma = \frac1N\sum_i(\mathbf x_i-\boldsymbol\mu_{y_i})(\cdot)^\top`;
    scores :math:`\mathbf x^\top\mathbf w_c - \tfrac12\boldsymbol\mu_c^\top\mathbf w_c +
    \log\pi_c` with :math:`\mathbf w_c = \hat\Sigma^{+}\boldsymbol\mu_c` (least squares,
    so a singular covariance is allowed), as scikit-learn's
    ``LinearDiscriminantAnalysis(solver="lsqr")``. Taught in
    ``notebooks/03-classical-ml/03-generative-classifiers.ipynb``.
    """
    func = "fit_lda"
    X, classes, codes = _data(X, y, func)
    priors, means = _class_moments(X, codes, len(classes))
    R = X - means[codes]
    Sigma = R.T @ R / len(X)
    W = np.linalg.lstsq(Sigma, means.T, rcond=None)[0]
    b = -0.5 * np.sum(means.T * W, axis=0) + np.log(priors)
    return {"p": X.shape[1], "kind": "lda", "classes": classes, "priors": priors, "means": means,
            "W": W, "b": b}


def fit_qda(X: Any, y: Any, reg_param: float = 0.0) -> _Model:
    r"""Quadratic discriminant analysis: one Gaussian :math:`N(\boldsymbol\mu_c,\Sigma_c)` per class.

    :math:`\Sigma_c = (1-r)\,S_c + r\,I` with :math:`S_c` the class covariance divided by
    :math:`n_c` and :math:`r` = ``reg_param`` (scikit-learn's 1.9
    ``QuadraticDiscriminantAnalysis(reg_param=r)``); score
    :math:`\log\pi_c - \tfrac12\log|\Sigma_c| - \tfrac12(\mathbf x-\boldsymbol\mu_c)^\top
    \Sigma_c^{-1}(\mathbf x-\boldsymbol\mu_c)`. Taught in
    ``notebooks/03-classical-ml/03-generative-classifiers.ipynb``.
    """
    func = "fit_qda"
    X, classes, codes = _data(X, y, func)
    r = as_float(reg_param, "reg_param", func, lo=0.0, hi=1.0)
    K, p = len(classes), X.shape[1]
    priors, means = _class_moments(X, codes, K)
    covs = []
    for c in range(K):
        Xc = X[codes == c] - means[c]
        if len(Xc) < 2:
            raise ValueError(f"{func}: every class of y needs at least 2 rows, class {classes[c]} has 1")
        S = (1 - r) * Xc.T @ Xc / len(Xc) + r * np.eye(p)
        sign, _ = np.linalg.slogdet(S)
        if sign <= 0 or np.linalg.cond(S) > 1e12:
            raise ValueError(f"{func}: the covariance of class {classes[c]} is singular; "
                             "use reg_param > 0")
        covs.append(S)
    return {"p": X.shape[1], "kind": "qda", "classes": classes, "priors": priors, "means": means,
            "covs": np.array(covs)}


# ----------------------------------------------------------------------------- kNN
def fit_knn(X: Any, y: Any, k: int = 5) -> _Model:
    r"""k nearest neighbours: store the training set; predict the majority label of the
    ``k`` nearest rows (squared Euclidean distance :math:`\|\mathbf x\|^2 - 2\mathbf x^\top
    \mathbf x' + \|\mathbf x'\|^2`, stable order, ties of the vote to the smaller label),
    as scikit-learn's ``KNeighborsClassifier(k, algorithm="brute")``. Taught in
    ``notebooks/03-classical-ml/04-neighbours-and-clustering.ipynb``.
    """
    func = "fit_knn"
    X, classes, codes = _data(X, y, func)
    k = as_size(k, "k", func, hi=len(X))
    return {"p": X.shape[1], "kind": "knn", "classes": classes, "X": X, "codes": codes, "k": k}


# ----------------------------------------------------------------------------- trees
def _gini_cost(left: np.ndarray, total: np.ndarray) -> np.ndarray:
    """n_L G_L + n_R G_R - n for left class weights (K, m, n - 1) and the node's (K, m, 1).

    With G = 1 - sum_c (c / n)^2 this is -(sum_c c_L^2 / n_L + sum_c c_R^2 / n_R).
    """
    right = total - left
    nl, nr = left.sum(0), right.sum(0)
    sl = np.einsum("kij,kij->ij", left, left)
    sr = np.einsum("kij,kij->ij", right, right)
    with np.errstate(divide="ignore", invalid="ignore"):
        cost = -(sl / nl + sr / nr)
    cost[(nl <= 0) | (nr <= 0)] = np.inf
    return cost


def _grow(X, O, stats, leaf, cost_fn, depth, max_depth, mf, rng, stop):
    """Grow a binary tree: (j, t, left, right) nodes and leaf(rows) leaves.

    ``O`` (p, n_node) holds the node's rows sorted by each feature; children get the
    stable partitions of its rows, so nothing is sorted again.
    """
    idx = O[0]
    if stop(idx) or depth == max_depth or len(idx) < 2:
        return leaf(idx)
    p = X.shape[1]
    feats = np.arange(p) if mf is None else rng.choice(p, mf, replace=False)
    Of = O[feats]                                        # (m, n): rows sorted per feature
    xs = X[Of, feats[:, None]]
    cum = np.cumsum(stats[:, Of], axis=2)                # (s, m, n)
    cost = cost_fn(cum[:, :, :-1], cum[:, :, -1:])       # split after position i
    cost[xs[:, 1:] == xs[:, :-1]] = np.inf               # no threshold between equal values
    f, i = np.unravel_index(np.argmin(cost), cost.shape)
    if not np.isfinite(cost[f, i]):
        return leaf(idx)
    j, t = int(feats[f]), xs[f, i] / 2 + xs[f, i + 1] / 2
    go_left = X[:, j] <= t
    keep = go_left[O]
    n_left = int(keep[0].sum())
    sub = lambda Os: _grow(X, Os, stats, leaf, cost_fn, depth + 1, max_depth, mf, rng, stop)
    return (j, float(t), sub(O[keep].reshape(p, n_left)),
            sub(O[~keep].reshape(p, len(idx) - n_left)))


def _apply(node, X: np.ndarray) -> np.ndarray:
    """The leaf value reached by each row of X (vectorised over rows)."""
    if not isinstance(node, tuple):
        return np.broadcast_to(node, (len(X),) + np.shape(node))
    out = np.empty((len(X),) + _leaf_shape(node))
    m = X[:, node[0]] <= node[1]
    out[m] = _apply(node[2], X[m])
    out[~m] = _apply(node[3], X[~m])
    return out


def _leaf_shape(node):
    while isinstance(node, tuple):
        node = node[2]
    return np.shape(node)


def _class_tree(X, codes, K, weights, max_depth, mf, rng):
    """CART (Gini) on class codes with non-negative row weights; leaves = class weights."""
    stats = np.eye(K)[:, codes] * weights             # (K, n): class weight of each row
    O = np.argsort(X, axis=0, kind="stable").T
    leaf = lambda idx: stats[:, idx].sum(1)
    pure = lambda idx: np.count_nonzero(stats[:, idx].sum(1)) <= 1
    return _grow(X, O, stats, leaf, _gini_cost, 0, max_depth, mf, rng, pure)


def fit_tree(X: Any, y: Any, max_depth: Optional[int] = None, max_features: Any = None,
             seed: Optional[int] = 0) -> _Model:
    r"""CART classification tree grown greedily by the Gini cost.

    At each node choose the feature :math:`j` and midpoint threshold :math:`t` minimising
    :math:`n_L G_L + n_R G_R`, :math:`G = 1 - \sum_c p_c^2` (first feature, then first
    position, on ties); stop at pure nodes, at ``max_depth`` or when no feature varies.
    ``max_features`` features are drawn at random per node (``None``: all; ``"sqrt"``);
    if every drawn feature is constant on the node, the node becomes a leaf (scikit-learn
    draws further features instead). Like scikit-learn's ``DecisionTreeClassifier``, up
    to how ties between equally good splits are broken and that rule. Taught in ``notebooks/03-classical-ml/05-trees-and-ensembles.ipynb``.
    """
    func = "fit_tree"
    X, classes, codes = _data(X, y, func)
    max_depth = _depth(max_depth, func)
    mf = _max_features(max_features, X.shape[1], func)
    rng = np.random.default_rng(as_seed(seed, "seed", func))
    root = _class_tree(X, codes, len(classes), np.ones(len(X)), max_depth, mf, rng)
    return {"p": X.shape[1], "kind": "tree", "classes": classes, "root": root}


def fit_forest(X: Any, y: Any, n_trees: int = 100, max_features: Any = "sqrt",
               max_depth: Optional[int] = None, seed: Optional[int] = 0) -> _Model:
    r"""Random forest: ``n_trees`` CART trees, each on a bootstrap sample of the rows
    (all samples drawn first), ``max_features`` features drawn per node; predict the
    class of largest mean leaf class fraction, as scikit-learn's
    ``RandomForestClassifier`` (up to the constant-feature rule of :func:`fit_tree`).
    With ``rng = numpy.random.default_rng(seed)`` it grows
    the same trees as the page's ``random_forest``. Taught in
    ``notebooks/03-classical-ml/05-trees-and-ensembles.ipynb``.
    """
    func = "fit_forest"
    X, classes, codes = _data(X, y, func)
    B = as_size(n_trees, "n_trees", func, hi=10_000)
    mf = _max_features(max_features, X.shape[1], func)
    max_depth = _depth(max_depth, func)
    rng = np.random.default_rng(as_seed(seed, "seed", func))
    n, K = len(codes), len(classes)
    rows = [rng.integers(0, n, n) for _ in range(B)]
    trees = [_class_tree(X[r], codes[r], K, np.ones(n), max_depth, mf, rng) for r in rows]
    return {"p": X.shape[1], "kind": "forest", "classes": classes, "trees": trees}


def fit_adaboost(X: Any, y: Any, n_rounds: int = 50, max_depth: int = 1) -> _Model:
    r"""AdaBoost (SAMME) with CART trees of depth ``max_depth`` fitted to weighted data.

    Round m: fit :math:`h_m` with weights :math:`w`, error :math:`e_m = \sum_{h_m(x_i)\ne
    y_i} w_i/\sum_i w_i`; stop if :math:`e_m\ge 1-1/K`; :math:`\alpha_m = \log\frac{1-e_m}
    {e_m} + \log(K-1)` (1 and stop if :math:`e_m=0`); :math:`w_i \leftarrow w_i
    e^{\alpha_m[h_m(x_i)\ne y_i]}`, normalised. Predict the class with the largest total
    :math:`\alpha` of votes (scikit-learn's ``AdaBoostClassifier``). Taught in
    ``notebooks/03-classical-ml/05-trees-and-ensembles.ipynb``.
    """
    func = "fit_adaboost"
    X, classes, codes = _data(X, y, func)
    M = as_size(n_rounds, "n_rounds", func, hi=10_000)
    depth = as_int(max_depth, "max_depth", func, lo=1, hi=1000)
    K = len(classes)
    w, trees, alphas = np.full(len(codes), 1 / len(codes)), [], []
    for _ in range(M):
        h = _class_tree(X, codes, K, w, depth, None, None)
        miss = np.argmax(_apply(h, X), axis=1) != codes
        err = w[miss].sum() / w.sum()
        if err >= 1 - 1 / K:
            break
        trees.append(h)
        if err == 0:
            alphas.append(1.0)
            break
        alphas.append(np.log((1 - err) / err) + np.log(K - 1))
        w = w * np.exp(alphas[-1] * miss)
        w = w / w.sum()
    if not trees:
        raise ValueError(f"{func}: the first weak learner is no better than chance")
    return {"p": X.shape[1], "kind": "adaboost", "classes": classes, "trees": trees,
            "alphas": np.array(alphas)}


def _sse_cost(left: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Minus S_L^2 / n_L - S_R^2 / n_R (the squared-error cost up to a constant)."""
    right = total - left
    return -(left[1] ** 2 / left[0] + right[1] ** 2 / right[0])


def fit_gradient_boosting(X: Any, y: Any, n_rounds: int = 100, learning_rate: float = 0.1,
                          max_depth: int = 3) -> _Model:
    r"""Multiclass gradient boosting of the softmax log-loss with regression trees.

    Start from :math:`F_k = \log\pi_k`; each round, for every class :math:`k`, fit a
    least-squares regression tree of depth ``max_depth`` to the residuals
    :math:`r_{ik} = [y_i = k] - p_k(\mathbf x_i)` (the negative gradient), set each leaf
    to one Newton step :math:`\frac{K-1}{K}\sum r/\sum |r|(1-|r|)` and add
    ``learning_rate`` times the tree to :math:`F_k`. Predict :math:`\arg\max_k F_k`.
    The algorithm of scikit-learn's ``GradientBoostingClassifier`` (Friedman, 2001), up to
    ties between equally good splits. Taught (squared loss) in
    ``notebooks/03-classical-ml/05-trees-and-ensembles.ipynb``.
    """
    func = "fit_gradient_boosting"
    X, classes, codes = _data(X, y, func)
    M = as_size(n_rounds, "n_rounds", func, hi=10_000)
    lr = as_float(learning_rate, "learning_rate", func, positive=True)
    depth = as_int(max_depth, "max_depth", func, lo=1, hi=1000)
    n, K = len(codes), len(classes)
    Y = np.eye(K)[codes]
    F0 = np.log(Y.mean(axis=0))
    F = np.tile(F0, (n, 1))
    O = np.argsort(X, axis=0, kind="stable").T
    rounds = []
    for _ in range(M):
        P = np.exp(F - logsumexp(F, axis=1, keepdims=True))
        trees = []
        for k in range(K):
            r = Y[:, k] - P[:, k]
            stats = np.stack([np.ones(n), r])

            def leaf(idx, r=r):
                den = np.sum(np.abs(r[idx]) * (1 - np.abs(r[idx])))
                return 0.0 if den < 1e-150 else (K - 1) / K * r[idx].sum() / den
            const = lambda idx, r=r: np.ptp(r[idx]) == 0
            h = _grow(X, O, stats, leaf, _sse_cost, 0, depth, None, None, const)
            F[:, k] += lr * _apply(h, X)
            trees.append(h)
        rounds.append(trees)
    return {"p": X.shape[1], "kind": "gradient_boosting", "classes": classes, "F0": F0, "lr": lr,
            "rounds": rounds}


# ----------------------------------------------------------------------------- predict
def _scores(model: _Model, X: np.ndarray) -> np.ndarray:
    kind = model["kind"]
    if kind == "logistic":
        return np.column_stack([np.ones(len(X)), X]) @ model["theta"]
    if kind == "svm":
        votes = np.zeros((len(X), len(model["classes"])))
        for a, b, sv, coef, off in model["pairs"]:
            f = _kernel(X, model["X"][sv], model["kernel"], model["gamma"]) @ coef - off
            votes[:, a] += f > 0
            votes[:, b] += f <= 0
        return votes
    if kind == "gaussian_nb":
        var, means = model["var"], model["means"]
        return (np.log(model["priors"]) - 0.5 * np.log(2 * np.pi * var).sum(axis=1)
                - 0.5 * ((X[:, None, :] - means) ** 2 / var).sum(axis=2))
    if kind == "lda":
        return X @ model["W"] + model["b"]
    if kind == "qda":
        out = []
        for pr, m, S in zip(model["priors"], model["means"], model["covs"]):
            R = X - m
            maha = np.sum(R * np.linalg.solve(S, R.T).T, axis=1)
            out.append(np.log(pr) - 0.5 * np.linalg.slogdet(S)[1] - 0.5 * maha)
        return np.array(out).T
    if kind == "knn":
        Xt = model["X"]
        d2 = (X**2).sum(axis=1)[:, None] - 2 * X @ Xt.T + (Xt**2).sum(axis=1)[None, :]
        nearest = np.argsort(d2, axis=1, kind="stable")[:, :model["k"]]
        K = len(model["classes"])
        return np.eye(K)[model["codes"][nearest]].sum(axis=1)
    if kind == "tree":
        return _apply(model["root"], X)
    if kind == "forest":
        return np.mean([c / c.sum(1, keepdims=True) for c in (_apply(t, X) for t in model["trees"])],
                       axis=0)
    if kind == "adaboost":
        K = len(model["classes"])
        return sum(a * np.eye(K)[np.argmax(_apply(h, X), axis=1)]
                   for h, a in zip(model["trees"], model["alphas"]))
    F = np.tile(model["F0"], (len(X), 1))
    for trees in model["rounds"]:
        F += model["lr"] * np.column_stack([_apply(h, X) for h in trees])
    return F


def predict(model: _Model, X: Any) -> np.ndarray:
    """Labels predicted by a model from one of the ``fit_*`` functions for the rows of ``X``.

    The class of largest score (votes for the SVM and kNN, posterior for the generative
    models, leaf class weights for trees); ties go to the smaller label. See the module
    docstring for the notebook that teaches each model.
    """
    func = "predict"
    if not isinstance(model, dict):
        raise TypeError(f"{func}: model must be a dict returned by a fit_* function, got "
                        f"{type(model).__name__}")
    if not any(model.get("kind") == k for k in KINDS) or "classes" not in model or "p" not in model:
        raise ValueError(f"{func}: model must come from a fit_* function of mlnotes.classical "
                         f"(kind one of {list(KINDS)}), got kind {model.get('kind')!r}")
    X = _rows(X, model["p"], func)
    return model["classes"][np.argmax(_scores(model, X), axis=1)]
