"""Tests of mlnotes.dimred against scikit-learn and SciPy."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import subspace_angles
from scipy.optimize import approx_fprime
from scipy.spatial import procrustes
from scipy.stats import spearmanr
from scipy.spatial.distance import cdist, mahalanobis as scipy_mahalanobis
from sklearn.datasets import load_digits, load_wine, make_swiss_roll
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.manifold import Isomap, trustworthiness
from sklearn.neighbors import kneighbors_graph

from mlnotes import dimred as dr


def _cloud(n=200, d=6, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)) @ rng.normal(size=(d, d)) + rng.normal(size=d) * 5


# -------------------------------------------------------------------- PCA
@pytest.mark.parametrize("method", ["svd", "eig"])
def test_pca_matches_sklearn(method):
    X = _cloud()
    r = dr.pca(X, 4, method)
    sk = PCA(4).fit(X)
    signs = np.sign(np.sum(r.components * sk.components_, axis=1))
    assert np.allclose(r.components, signs[:, None] * sk.components_, atol=1e-10)
    assert np.allclose(r.explained_variance, sk.explained_variance_, rtol=1e-10)
    assert np.allclose(r.explained_variance_ratio, sk.explained_variance_ratio_, rtol=1e-10)
    assert np.allclose(np.abs(r.transform(X)), np.abs(sk.transform(X)), atol=1e-9)
    assert np.allclose(r.components @ r.components.T, np.eye(4), atol=1e-12)


def test_pca_reconstruction_error_is_sum_of_discarded_variances():
    X = _cloud(n=150, d=8)
    full = dr.pca(X, 8)
    for k in (1, 3, 6, 8):
        r = dr.pca(X, k)
        err = np.sum((X - r.inverse_transform(r.transform(X))) ** 2)
        assert np.isclose(err, (len(X) - 1) * full.explained_variance[k:].sum(), rtol=1e-9, atol=1e-9)


def test_pca_eig_route_loses_precision_in_float32():
    rng = np.random.default_rng(0)
    n, d = 500, 6
    U, _ = np.linalg.qr(rng.normal(size=(n, d)) - 0)
    U -= U.mean(0)
    U, _ = np.linalg.qr(U)
    V, _ = np.linalg.qr(rng.normal(size=(d, d)))
    s = np.logspace(0, -3, d)
    X = (U * s) @ V.T
    X32 = X.astype(np.float32)
    sv_svd = np.sqrt(dr.pca(X32, d, "svd").explained_variance * (n - 1))
    sv_eig = np.sqrt(np.clip(dr.pca(X32, d, "eig").explained_variance, 0, None) * (n - 1))
    err_svd = np.abs(sv_svd - s) / s
    err_eig = np.abs(sv_eig - s) / s
    assert err_svd.max() < 1e-3 and err_eig.max() > 1e-2


def test_pca_validation():
    with pytest.raises(ValueError, match=r"n_components must lie in \[1, 6\], got 7"):
        dr.pca(_cloud(), 7)
    with pytest.raises(ValueError, match="method must be 'svd' or 'eig'"):
        dr.pca(_cloud(), 2, method="qr")
    with pytest.raises(ValueError, match="X contains NaN"):
        dr.pca(np.array([[1.0, np.nan], [0.0, 1.0]]), 1)
    with pytest.raises(ValueError, match="X must be 2-D"):
        dr.pca(np.ones(5), 1)
    r = dr.pca(_cloud(), 2)
    with pytest.raises(ValueError, match="X must have 6 columns"):
        r.transform(np.ones((3, 5)))


# -------------------------------------------------------------------- MDS
def test_classical_mds_reproduces_euclidean_distances_and_equals_pca():
    X = _cloud(n=80, d=5)
    D = cdist(X, X)
    Y, w = dr.classical_mds(D, 5)
    assert np.allclose(cdist(Y, Y), D, atol=1e-9)
    Xc = X - X.mean(0)
    assert np.allclose(dr.double_centre(D**2), Xc @ Xc.T, atol=1e-8)
    scores = dr.pca(X, 5).transform(X)
    assert np.allclose(np.abs(Y), np.abs(scores), atol=1e-8)
    assert np.all(w[5:] > -1e-8 * w[0]) and np.all(np.abs(w[5:]) < 1e-8 * w[0])


def test_classical_mds_detects_non_euclidean_distances():
    t = np.linspace(0, 2 * np.pi, 60, endpoint=False)
    arc = np.abs(t[:, None] - t[None, :])
    arc = np.minimum(arc, 2 * np.pi - arc)  # geodesic distance on the circle
    Y, w = dr.classical_mds(arc, 2)
    assert w.min() < -0.1 * w.max()
    assert np.abs(cdist(Y, Y) - arc).max() > 0.3


def test_classical_mds_validation():
    D = cdist(_cloud(10, 2), _cloud(10, 2, 1))
    with pytest.raises(ValueError, match="D must be a square distance matrix"):
        dr.classical_mds(D[:, :5], 2)
    with pytest.raises(ValueError, match="D must be symmetric"):
        dr.classical_mds(D, 2)
    E = cdist(_cloud(10, 2), _cloud(10, 2))
    bad = E + np.eye(10)
    with pytest.raises(ValueError, match="zero diagonal"):
        dr.classical_mds(bad, 2)
    with pytest.raises(ValueError, match="non-negative"):
        dr.classical_mds(-E, 2)
    with pytest.raises(ValueError, match=r"n_components must lie in \[1, 10\]"):
        dr.classical_mds(E, 11)


# ----------------------------------------------------------------- Isomap
def test_knn_graph_matches_sklearn():
    X = _cloud(100, 3)
    G = dr.knn_graph(X, 7)
    ref = kneighbors_graph(X, 7, mode="distance")
    assert np.allclose(G.toarray(), ref.toarray(), atol=1e-12)


def test_isomap_matches_sklearn_on_swiss_roll():
    X, t = make_swiss_roll(500, noise=0.05, random_state=1)
    Y, G = dr.isomap(X, 6, 2)   # few neighbours: with 500 points, k >= 8 short-circuits the roll
    iso = Isomap(n_neighbors=6, n_components=2).fit(X)
    assert np.allclose(G, iso.dist_matrix_, atol=1e-10)
    assert procrustes(Y, iso.embedding_)[2] < 1e-8
    assert abs(spearmanr(Y[:, 0], t)[0]) > 0.99    # the first coordinate unrolls the spiral


def test_isomap_disconnected_graph_is_a_clear_error():
    X = np.r_[np.zeros((10, 2)) + np.arange(10)[:, None] * 0.1, 100 + np.arange(10)[:, None] * 0.1 + np.zeros((10, 2))]
    with pytest.raises(ValueError, match="2 connected components.*increase n_neighbors"):
        dr.isomap(X, 3, 2)
    with pytest.raises(ValueError, match=r"n_neighbors must lie in \[1, 19\]"):
        dr.isomap(X, 20, 2)


# -------------------------------------------------------------------- LDA
def test_lda_subspace_matches_sklearn():
    data = load_wine()
    X = (data.data - data.data.mean(0)) / data.data.std(0)
    W, ev = dr.lda(X, data.target)
    assert W.shape == (13, 2) and ev[0] >= ev[1] > 0
    sk = LinearDiscriminantAnalysis(solver="eigen").fit(X, data.target)
    assert np.max(subspace_angles(W, sk.scalings_[:, :2])) < 1e-8
    Zp = dr.pca(X, 2).transform(X)
    assert dr.fisher_criterion(X @ W, data.target) > dr.fisher_criterion(Zp, data.target)


def test_lda_validation():
    X = _cloud(60, 4)
    y = np.repeat([0, 1, 2], 20)
    with pytest.raises(ValueError, match=r"n_components must lie in \[1, 2\], got 3"):
        dr.lda(X, y, 3)
    with pytest.raises(ValueError, match="at least 2 classes"):
        dr.lda(X, np.zeros(60))
    with pytest.raises(ValueError, match=r"y must have shape \(60,\)"):
        dr.lda(X, y[:-1])
    Xs = np.c_[X, np.zeros(60)]  # a constant feature: singular within-class scatter
    with pytest.raises(ValueError, match="within-class scatter is singular"):
        dr.lda(Xs, y)
    W, _ = dr.lda(Xs, y, reg=1e-3)
    assert W.shape == (5, 2)


# ------------------------------------------------------------ Mahalanobis
def test_mahalanobis_matches_scipy_and_whitening():
    rng = np.random.default_rng(3)
    A = rng.normal(size=(4, 4))
    S = A @ A.T + 0.5 * np.eye(4)
    VI = np.linalg.inv(S)
    U, V = rng.normal(size=(30, 4)), rng.normal(size=(30, 4))
    ref = np.array([scipy_mahalanobis(u, v, VI) for u, v in zip(U, V)])
    assert np.allclose(dr.mahalanobis(U, V, cov=S), ref, rtol=1e-10)
    assert np.allclose(dr.mahalanobis(U, V, VI=VI), ref, rtol=1e-10)
    assert np.isclose(dr.mahalanobis(U[0], V[0], cov=S), ref[0], rtol=1e-10)
    W = dr.whitening(S)
    assert np.allclose(W @ S @ W.T, np.eye(4), atol=1e-10)
    assert np.allclose(np.linalg.norm((U - V) @ W.T, axis=1), ref, rtol=1e-10)


def test_mahalanobis_validation():
    with pytest.raises(ValueError, match="exactly one of cov"):
        dr.mahalanobis([0, 0], [1, 1])
    with pytest.raises(ValueError, match=r"cov must have shape \(2, 2\)"):
        dr.mahalanobis([0, 0], [1, 1], cov=np.eye(3))
    with pytest.raises(ValueError, match="cov must be positive definite"):
        dr.mahalanobis([0, 0], [1, 1], cov=np.diag([1.0, 0.0]))
    with pytest.raises(ValueError, match="VI must be positive semi-definite"):
        dr.mahalanobis([0, 0], [1, 1], VI=np.diag([1.0, -1.0]))
    with pytest.raises(ValueError, match="u and v must be"):
        dr.mahalanobis([0, 0], [1, 1, 1], VI=np.eye(2))
    with pytest.raises(ValueError, match="whitening: cov must be symmetric positive definite"):
        dr.whitening(np.diag([1.0, -2.0]))


# ---------------------------------------------------------------- metrics
def test_metric_axioms_classify_common_distances():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(40, 3))
    eu = dr.metric_axioms(cdist(X, X))
    assert eu["is_metric"]
    sq = dr.metric_axioms(cdist(X, X, "sqeuclidean"))
    assert not sq["triangle"] and not sq["is_pseudometric"]
    M = np.diag([1.0, 1.0, 0.0])  # rank-deficient: ignores the third coordinate
    Dm = np.array([[dr.mahalanobis(a, b, VI=M) for b in X] for a in X])
    Y = X.copy()
    Y[1] = Y[0] + np.array([0, 0, 1.0])  # differs only along the ignored direction
    Dp = np.array([[dr.mahalanobis(a, b, VI=M) for b in Y] for a in Y])
    assert dr.metric_axioms(Dm)["is_metric"]       # generic points are still separated ...
    res = dr.metric_axioms(Dp)
    assert res["is_pseudometric"] and not res["is_metric"]   # ... but not all of them
    with pytest.raises(ValueError, match="D must be square"):
        dr.metric_axioms(np.ones((3, 2)))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), d=st.integers(1, 5), rank=st.integers(0, 5))
def test_mahalanobis_is_a_pseudometric(seed, d, rank):
    rng = np.random.default_rng(seed)
    J = rng.normal(size=(min(rank, d), d))
    M = J.T @ J
    X = rng.normal(size=(12, d))
    D = np.array([[dr.mahalanobis(a, b, VI=M) for b in X] for a in X])
    res = dr.metric_axioms(D, atol=1e-7)
    assert res["is_pseudometric"]
    assert np.allclose(D, cdist(X @ J.T, X @ J.T), atol=1e-7)   # = Euclidean after x -> J x


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(3, 40), d=st.integers(1, 4))
def test_classical_mds_property(seed, n, d):
    X = np.random.default_rng(seed).normal(size=(n, d))
    D = cdist(X, X)
    Y, _ = dr.classical_mds(D, min(d, n))
    assert np.allclose(cdist(Y, Y), D, atol=1e-6)


# ------------------------------------------------------------------ t-SNE
def _digits(n_per_class=15):
    d = load_digits()
    idx = np.concatenate([np.flatnonzero(d.target == c)[:n_per_class] for c in range(10)])
    return d.data[idx] / 16.0, d.target[idx]


def test_tsne_affinities_hit_the_perplexity():
    X, _ = _digits()
    P, Pc, beta = dr.tsne_affinities(X, 20.0, return_conditional=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        H = -np.sum(np.where(Pc > 0, Pc * np.log(Pc), 0.0), axis=1)
    assert np.allclose(H, np.log(20.0), atol=1e-4)
    assert np.allclose(P, P.T) and np.isclose(P.sum(), 1.0) and np.all(np.diag(P) == 0)
    assert np.allclose(Pc.sum(1), 1.0) and np.all(beta > 0)
    with pytest.raises(ValueError, match="perplexity must lie in"):
        dr.tsne_affinities(X, 500.0)


def test_tsne_gradient_matches_finite_differences():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(15, 4))
    P = dr.tsne_affinities(X, 5.0)
    Y0 = rng.normal(size=(15, 2))
    f = lambda y: dr.tsne_kl_gradient(y.reshape(15, 2), P)[0]
    num = approx_fprime(Y0.ravel(), f, 1e-7)
    _, g = dr.tsne_kl_gradient(Y0, P)
    assert np.allclose(g.ravel(), num, atol=1e-5, rtol=1e-4)


def test_tsne_preserves_neighbourhoods():
    X, _ = _digits()
    Y, hist = dr.tsne(X, perplexity=20.0, n_iter=500, rng=0)
    assert Y.shape == (150, 2) and np.all(np.isfinite(Y))
    assert hist[-1] < hist[len(hist) // 2]        # KL decreased after the exaggeration phase
    t_tsne = trustworthiness(X, Y, n_neighbors=10)
    t_pca = trustworthiness(X, dr.pca(X, 2).transform(X), n_neighbors=10)
    assert t_tsne > 0.95 and t_tsne > t_pca + 0.05
    with pytest.raises(ValueError, match="init must be 'pca' or 'random'"):
        dr.tsne(X, init="spectral")
