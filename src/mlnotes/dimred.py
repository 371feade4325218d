"""Dimensionality reduction from scratch: PCA, classical MDS, Isomap, LDA, Mahalanobis, t-SNE.

Explained, and checked against scikit-learn and SciPy, in
``notebooks/02-probability/07-dimensionality-reduction.ipynb``. Each function is the
textbook algorithm in a few lines of NumPy/SciPy; the trusted library implementations
are the references, not the engines.

Data matrices are ``(n_samples, n_features)``; distance matrices are ``(n, n)``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, Optional, Tuple, Union

import numpy as np
import scipy.linalg as sla
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, shortest_path
from scipy.spatial.distance import cdist

__all__ = [
    "PCAResult",
    "pca",
    "double_centre",
    "classical_mds",
    "knn_graph",
    "geodesic_distances",
    "isomap",
    "lda",
    "fisher_criterion",
    "mahalanobis",
    "whitening",
    "metric_axioms",
    "tsne_affinities",
    "tsne_kl_gradient",
    "tsne",
]


# ------------------------------------------------------------------ validation
def _data(X, name: str, owner: str, min_rows: int = 2) -> np.ndarray:
    try:
        A = np.asarray(X)
    except Exception as exc:  # pragma: no cover - numpy accepts nearly anything
        raise TypeError(f"{owner}: {name} must be an array of numbers") from exc
    if A.dtype.kind not in "fiu":
        raise TypeError(f"{owner}: {name} must hold real numbers, got dtype {A.dtype}")
    if A.dtype.kind != "f":
        A = A.astype(np.float64)
    if A.ndim != 2:
        raise ValueError(f"{owner}: {name} must be 2-D (n_samples, n_features), got shape {A.shape}")
    if A.shape[0] < min_rows or A.shape[1] < 1:
        raise ValueError(f"{owner}: {name} needs at least {min_rows} rows and 1 column, got shape {A.shape}")
    if not np.all(np.isfinite(A)):
        raise ValueError(f"{owner}: {name} contains NaN or infinite values")
    return A


def _int_in(owner: str, name: str, value: object, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{owner}: {name} must be an int in [{lo}, {hi}], got {value!r}")
    if not lo <= value <= hi:
        raise ValueError(f"{owner}: {name} must lie in [{lo}, {hi}], got {value}")
    return int(value)


def _distance_matrix(D, owner: str, atol: float = 1e-8) -> np.ndarray:
    D = _data(D, "D", owner)
    if D.shape[0] != D.shape[1]:
        raise ValueError(f"{owner}: D must be a square distance matrix, got shape {D.shape}")
    scale = max(1.0, float(np.abs(D).max()))
    if np.abs(D - D.T).max() > atol * scale:
        raise ValueError(f"{owner}: D must be symmetric, max |D - D^T| = {np.abs(D - D.T).max():.3g}")
    if np.abs(np.diag(D)).max() > atol * scale:
        raise ValueError(f"{owner}: D must have a zero diagonal")
    if D.min() < -atol * scale:
        raise ValueError(f"{owner}: D must be non-negative, got minimum {D.min():.3g}")
    return D.astype(np.float64)


def _fix_signs(V: np.ndarray) -> np.ndarray:
    """Flip each column so that its entry of largest magnitude is positive (a sign convention)."""
    idx = np.argmax(np.abs(V), axis=0)
    s = np.sign(V[idx, np.arange(V.shape[1])])
    s[s == 0] = 1.0
    return V * s


# ------------------------------------------------------------------------- PCA
@dataclass
class PCAResult:
    """A fitted PCA: ``mean`` (d,), orthonormal ``components`` (k, d) and their variances.

    ``explained_variance`` uses the ``n - 1`` denominator (as scikit-learn), and
    ``total_variance`` is the sum over *all* d directions.
    """

    mean: np.ndarray
    components: np.ndarray
    explained_variance: np.ndarray
    total_variance: float
    n_samples: int

    @property
    def explained_variance_ratio(self) -> np.ndarray:
        return self.explained_variance / self.total_variance

    def transform(self, X) -> np.ndarray:
        """Scores ``(X - mean) @ components.T``."""
        X = _data(X, "X", "PCAResult.transform", min_rows=1)
        if X.shape[1] != self.mean.shape[0]:
            raise ValueError(f"PCAResult.transform: X must have {self.mean.shape[0]} columns, got {X.shape[1]}")
        return (X - self.mean) @ self.components.T

    def inverse_transform(self, Z) -> np.ndarray:
        """Reconstruction ``Z @ components + mean`` in the original space."""
        Z = _data(Z, "Z", "PCAResult.inverse_transform", min_rows=1)
        if Z.shape[1] != self.components.shape[0]:
            raise ValueError(
                f"PCAResult.inverse_transform: Z must have {self.components.shape[0]} columns, got {Z.shape[1]}")
        return Z @ self.components + self.mean


def pca(X, n_components: int, method: str = "svd") -> PCAResult:
    r"""Principal component analysis of the rows of ``X``.

    ``method="svd"``: SVD of the centred data, :math:`\mathbf X_c = \mathbf U\mathbf S\mathbf V^\top`,
    components = rows of :math:`\mathbf V^\top`, variances :math:`s_j^2/(n-1)`.
    ``method="eig"``: eigendecomposition of the covariance :math:`\mathbf X_c^\top\mathbf X_c/(n-1)`
    (squares the condition number; see the notebook ``07-dimensionality-reduction``).
    Each component's largest entry is made positive.
    """
    X = _data(X, "X", "pca")
    n, d = X.shape
    k = _int_in("pca", "n_components", n_components, 1, min(n, d))
    if method not in ("svd", "eig"):
        raise ValueError(f"pca: method must be 'svd' or 'eig', got {method!r}")
    mean = X.mean(axis=0)
    Xc = X - mean
    if method == "svd":
        _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
        var_all = s**2 / (n - 1)
        V = Vt.T
    else:
        C = Xc.T @ Xc / (n - 1)
        w, V = np.linalg.eigh(C)
        order = np.argsort(w)[::-1]
        var_all, V = w[order], V[:, order]
    V = _fix_signs(V[:, :k])
    total = float(np.sum((Xc.astype(np.float64)) ** 2) / (n - 1))
    return PCAResult(mean, V.T, var_all[:k], total, n)


# ------------------------------------------------------------------------- MDS
def double_centre(S) -> np.ndarray:
    r""":math:`-\tfrac12 \mathbf J \mathbf S \mathbf J` with :math:`\mathbf J = \mathbf I - \tfrac1n\mathbf 1\mathbf 1^\top`.

    Applied to the matrix of *squared* distances it gives the Gram matrix of the centred
    points (Torgerson's :math:`\tau`). Computed by subtracting row, column and grand means.
    """
    S = _data(S, "S", "double_centre")
    if S.shape[0] != S.shape[1]:
        raise ValueError(f"double_centre: S must be square, got shape {S.shape}")
    return -0.5 * (S - S.mean(0, keepdims=True) - S.mean(1, keepdims=True) + S.mean())


def classical_mds(D, n_components: int) -> Tuple[np.ndarray, np.ndarray]:
    r"""Classical (Torgerson) multidimensional scaling of a distance matrix.

    :math:`\mathbf B = -\tfrac12\mathbf J \mathbf D^{\circ 2}\mathbf J = \mathbf V\boldsymbol\Lambda\mathbf V^\top`,
    embedding :math:`\mathbf Y = \mathbf V_k \boldsymbol\Lambda_k^{1/2}` (negative eigenvalues clipped to 0).

    Returns
    -------
    Y : array (n, n_components)
    eigenvalues : array (n,)
        All eigenvalues of ``B`` in decreasing order; negative ones mean ``D`` is not Euclidean.
    """
    D = _distance_matrix(D, "classical_mds")
    k = _int_in("classical_mds", "n_components", n_components, 1, D.shape[0])
    B = double_centre(D**2)
    w, V = np.linalg.eigh(B)
    w, V = w[::-1], V[:, ::-1]
    Y = _fix_signs(V[:, :k]) * np.sqrt(np.clip(w[:k], 0.0, None))
    return Y, w


# ---------------------------------------------------------------------- Isomap
def knn_graph(X, n_neighbors: int) -> csr_matrix:
    """Sparse (n, n) graph with edge i -> j weighted by ``|x_i - x_j|`` when j is among the
    ``n_neighbors`` nearest neighbours of i (the point itself excluded)."""
    X = _data(X, "X", "knn_graph")
    n = X.shape[0]
    k = _int_in("knn_graph", "n_neighbors", n_neighbors, 1, n - 1)
    D = cdist(X, X)
    np.fill_diagonal(D, np.inf)
    nbr = np.argpartition(D, k - 1, axis=1)[:, :k]
    rows = np.repeat(np.arange(n), k)
    return csr_matrix((D[rows, nbr.ravel()], (rows, nbr.ravel())), shape=(n, n))


def geodesic_distances(X, n_neighbors: int) -> np.ndarray:
    """Shortest-path distances in the symmetrised k-nearest-neighbour graph (Dijkstra).

    Raises a ValueError when the graph is disconnected (increase ``n_neighbors``).
    """
    G = knn_graph(X, n_neighbors)
    n_comp, _ = connected_components(G, directed=False)
    if n_comp > 1:
        raise ValueError(
            f"geodesic_distances: the {n_neighbors}-nearest-neighbour graph has {n_comp} connected "
            "components, so some geodesic distances are infinite; increase n_neighbors")
    return shortest_path(G, method="D", directed=False)


def isomap(X, n_neighbors: int = 10, n_components: int = 2) -> Tuple[np.ndarray, np.ndarray]:
    """Isomap (Tenenbaum et al., 2000): classical MDS of graph geodesic distances.

    Returns the embedding ``(n, n_components)`` and the geodesic distance matrix.
    """
    G = geodesic_distances(X, n_neighbors)
    Y, _ = classical_mds(G, n_components)
    return Y, G


# ------------------------------------------------------------------------- LDA
def _scatter(X: np.ndarray, y: np.ndarray) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    classes = np.unique(y)
    mu = X.mean(0)
    d = X.shape[1]
    Sw, Sb = np.zeros((d, d)), np.zeros((d, d))
    for c in classes:
        Xc = X[y == c]
        mc = Xc.mean(0)
        Sw += (Xc - mc).T @ (Xc - mc)
        Sb += len(Xc) * np.outer(mc - mu, mc - mu)
    return Sw, Sb, classes


def _labels(X, y, owner: str) -> Tuple[np.ndarray, np.ndarray]:
    X = _data(X, "X", owner)
    y = np.asarray(y)
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(f"{owner}: y must have shape ({len(X)},) to match X, got {y.shape}")
    if len(np.unique(y)) < 2:
        raise ValueError(f"{owner}: y must contain at least 2 classes")
    return X, y


def lda(X, y, n_components: Optional[int] = None, reg: float = 0.0) -> Tuple[np.ndarray, np.ndarray]:
    r"""Fisher's linear discriminant directions.

    Solves the generalised eigenproblem :math:`\mathbf S_b\mathbf w = \lambda\mathbf S_w\mathbf w` with
    the between-class scatter :math:`\mathbf S_b = \sum_c n_c(\vmu_c-\vmu)(\vmu_c-\vmu)^\top` and the
    within-class scatter :math:`\mathbf S_w`; at most ``C - 1`` eigenvalues are non-zero.
    ``reg`` adds ``reg * tr(S_w)/d`` to the diagonal of :math:`\mathbf S_w` (needed when it is singular).

    Returns
    -------
    W : array (d, n_components)
        Directions, normalised so that ``W.T @ S_w @ W = I``.
    eigenvalues : array (n_components,)
        The ratios of between- to within-class scatter along each direction, decreasing.
    """
    X, y = _labels(X, y, "lda")
    Sw, Sb, classes = _scatter(X, y)
    d = X.shape[1]
    kmax = min(len(classes) - 1, d)
    k = kmax if n_components is None else _int_in("lda", "n_components", n_components, 1, kmax)
    if isinstance(reg, bool) or not isinstance(reg, (int, float)) or not (np.isfinite(reg) and reg >= 0):
        raise ValueError(f"lda: reg must be a non-negative number, got {reg!r}")
    if reg > 0:
        Sw = Sw + reg * np.trace(Sw) / d * np.eye(d)
    try:
        w, V = sla.eigh(Sb, Sw)
    except np.linalg.LinAlgError as exc:
        raise ValueError("lda: the within-class scatter is singular (e.g. constant features); "
                         "drop those features or pass reg > 0") from exc
    order = np.argsort(w)[::-1][:k]
    return _fix_signs(V[:, order]), w[order]


def fisher_criterion(Z, y) -> float:
    r""":math:`\operatorname{tr}(\mathbf S_w^{-1}\mathbf S_b)` of projected data ``Z`` (larger = better separated)."""
    Z, y = _labels(Z, y, "fisher_criterion")
    Sw, Sb, _ = _scatter(Z, y)
    return float(np.trace(np.linalg.solve(Sw, Sb)))


# ------------------------------------------------------------------ Mahalanobis
def mahalanobis(u, v, cov=None, VI=None) -> Union[float, np.ndarray]:
    r"""Mahalanobis distance :math:`\sqrt{(\vu - \vv)^\top \mathbf M (\vu - \vv)}`.

    Give either ``cov`` (:math:`\mathbf M = \boldsymbol\Sigma^{-1}`, applied through a Cholesky
    solve) or ``VI`` (the matrix :math:`\mathbf M` itself; positive semi-definite — a singular
    ``VI`` gives a pseudometric). ``u`` and ``v`` are vectors (d,) or stacks (n, d).
    Returns a float for two vectors, else an array (n,).
    """
    if (cov is None) == (VI is None):
        raise ValueError("mahalanobis: give exactly one of cov (covariance) and VI (inverse covariance)")
    u, v = np.asarray(u, dtype=np.float64), np.asarray(v, dtype=np.float64)
    if u.shape[-1:] != v.shape[-1:] or u.ndim > 2 or v.ndim > 2:
        raise ValueError(f"mahalanobis: u and v must be (d,) or (n, d) with the same d, got {u.shape} and {v.shape}")
    if not (np.all(np.isfinite(u)) and np.all(np.isfinite(v))):
        raise ValueError("mahalanobis: u and v must be finite")
    d = u.shape[-1]
    delta = np.atleast_2d(u - v)
    M = np.asarray(cov if cov is not None else VI, dtype=np.float64)
    name = "cov" if cov is not None else "VI"
    if M.shape != (d, d):
        raise ValueError(f"mahalanobis: {name} must have shape ({d}, {d}), got {M.shape}")
    if not np.allclose(M, M.T, atol=1e-10 * max(1.0, np.abs(M).max())):
        raise ValueError(f"mahalanobis: {name} must be symmetric")
    if cov is not None:
        try:
            L = np.linalg.cholesky(M)
        except np.linalg.LinAlgError as exc:
            raise ValueError("mahalanobis: cov must be positive definite; for a singular metric pass VI") from exc
        z = sla.solve_triangular(L, delta.T, lower=True)
        q = np.sum(z**2, axis=0)
    else:
        if np.linalg.eigvalsh(M)[0] < -1e-10 * max(1.0, np.abs(M).max()):
            raise ValueError("mahalanobis: VI must be positive semi-definite")
        q = np.einsum("ij,jk,ik->i", delta, M, delta)
    out = np.sqrt(np.clip(q, 0.0, None))
    return float(out[0]) if u.ndim == 1 and v.ndim == 1 else out


def whitening(cov) -> np.ndarray:
    r"""A whitening matrix :math:`\mathbf W = \mathbf L^{-1}` with :math:`\mathbf L\mathbf L^\top = \boldsymbol\Sigma`.

    ``W @ cov @ W.T = I``, and ``|W (u - v)|`` is the Mahalanobis distance of ``u`` and ``v``.
    """
    C = _data(cov, "cov", "whitening", min_rows=1)
    if C.shape[0] != C.shape[1]:
        raise ValueError(f"whitening: cov must be square, got shape {C.shape}")
    try:
        L = np.linalg.cholesky(C)
    except np.linalg.LinAlgError as exc:
        raise ValueError("whitening: cov must be symmetric positive definite") from exc
    return sla.solve_triangular(L, np.eye(len(C)), lower=True)


# ------------------------------------------------------------------ metrics
def metric_axioms(D, atol: float = 1e-9) -> Dict[str, Union[bool, float]]:
    """Check the metric axioms on a matrix ``D[i, j] = d(x_i, x_j)`` of *distinct* points.

    Returns a dict with booleans ``non_negative``, ``symmetric``, ``zero_on_diagonal``
    (``d(x, x) = 0``), ``distinguishes`` (``d(x, y) > 0`` for ``x != y``), ``triangle``,
    ``is_metric``, ``is_pseudometric`` and the worst triangle violation
    ``max(d_ik - d_ij - d_jk)``.
    """
    D = _data(D, "D", "metric_axioms")
    if D.shape[0] != D.shape[1]:
        raise ValueError(f"metric_axioms: D must be square, got shape {D.shape}")
    n = D.shape[0]
    off = ~np.eye(n, dtype=bool)
    worst = -np.inf
    for j in range(n):  # d(i,k) <= d(i,j) + d(j,k) for all i, k
        worst = max(worst, float(np.max(D - D[:, j:j + 1] - D[j:j + 1, :])))
    res = {
        "non_negative": bool(D.min() >= -atol),
        "symmetric": bool(np.abs(D - D.T).max() <= atol),
        "zero_on_diagonal": bool(np.abs(np.diag(D)).max() <= atol),
        "distinguishes": bool(D[off].min() > atol) if n > 1 else True,
        "triangle": bool(worst <= atol),
        "worst_triangle_violation": worst,
    }
    res["is_pseudometric"] = res["non_negative"] and res["symmetric"] and res["zero_on_diagonal"] and res["triangle"]
    res["is_metric"] = res["is_pseudometric"] and res["distinguishes"]
    return res


# ------------------------------------------------------------------ t-SNE
def tsne_affinities(X, perplexity: float = 30.0, tol: float = 1e-5, max_iter: int = 200,
                    return_conditional: bool = False):
    r"""Symmetric t-SNE input affinities :math:`p_{ij} = (p_{j|i} + p_{i|j})/(2n)`.

    Each :math:`p_{\cdot|i} \propto \exp(-\beta_i\|x_i - x_j\|^2)` has its precision
    :math:`\beta_i = 1/(2\sigma_i^2)` set by bisection (all rows at once) so that its entropy
    is :math:`\log(\text{perplexity})` nats, to ``tol``.

    Returns ``P`` (n, n), or ``(P, P_conditional, beta)`` when ``return_conditional``.
    """
    X = _data(X, "X", "tsne_affinities", min_rows=3)
    n = X.shape[0]
    if not (isinstance(perplexity, (int, float)) and 1.0 <= perplexity < n - 1):
        raise ValueError(f"tsne_affinities: perplexity must lie in [1, n - 1) = [1, {n - 1}), got {perplexity!r}")
    D2 = cdist(X, X, "sqeuclidean")
    off = ~np.eye(n, dtype=bool)
    # shift each row by its smallest off-diagonal distance: p_j|i is unchanged, exp cannot underflow
    D2 = np.where(off, D2 - np.min(np.where(off, D2, np.inf), axis=1, keepdims=True), 0.0)
    target = np.log(perplexity)
    lo, hi = np.zeros(n), np.full(n, np.inf)
    beta = np.ones(n) / (np.median(D2[off]) + 1e-12)
    for _ in range(max_iter):
        W = np.exp(-beta[:, None] * D2) * off
        Z = W.sum(1, keepdims=True)
        Pc = W / Z
        H = np.log(Z[:, 0]) + beta * np.sum(Pc * D2, axis=1)
        err = H - target
        if np.max(np.abs(err)) < tol:
            break
        up = err > 0  # entropy too high: sharpen (raise beta)
        lo = np.where(up, beta, lo)
        hi = np.where(up, hi, beta)
        beta = np.where(np.isinf(hi), beta * 2.0, 0.5 * (lo + hi))
    P = (Pc + Pc.T) / (2.0 * n)
    if return_conditional:
        return P, Pc, beta
    return P


def tsne_kl_gradient(Y, P) -> Tuple[float, np.ndarray]:
    r"""t-SNE objective :math:`\mathrm{KL}(P\|Q)` and its gradient
    :math:`4\sum_j (p_{ij} - q_{ij})(y_i - y_j)(1 + \|y_i - y_j\|^2)^{-1}`, with Student-t
    :math:`q_{ij} \propto (1 + \|y_i - y_j\|^2)^{-1}`."""
    Y = _data(Y, "Y", "tsne_kl_gradient")
    P = np.asarray(P, dtype=np.float64)
    if P.shape != (len(Y), len(Y)):
        raise ValueError(f"tsne_kl_gradient: P must have shape {(len(Y), len(Y))}, got {P.shape}")
    num = 1.0 / (1.0 + cdist(Y, Y, "sqeuclidean"))
    np.fill_diagonal(num, 0.0)
    Q = num / num.sum()
    mask = P > 0
    kl = float(np.sum(P[mask] * np.log(P[mask] / np.maximum(Q[mask], 1e-300))))
    M = (P - Q) * num
    grad = 4.0 * (M.sum(1)[:, None] * Y - M @ Y)
    return kl, grad


def tsne(X, n_components: int = 2, perplexity: float = 30.0, n_iter: int = 500,
         learning_rate: Optional[float] = None, early_exaggeration: float = 12.0,
         exaggeration_iter: int = 250, rng: Optional[Union[int, np.random.Generator]] = 0,
         init: str = "pca", callback: Optional[Callable[[int, float], None]] = None
         ) -> Tuple[np.ndarray, np.ndarray]:
    """Exact t-SNE (van der Maaten and Hinton, 2008) by gradient descent with momentum and gains.

    The schedule follows the original: early exaggeration of ``P`` for ``exaggeration_iter``
    steps with momentum 0.5, then momentum 0.8; per-coordinate adaptive gains. The default
    learning rate is ``max(n / early_exaggeration / 4, 50)`` (scikit-learn's "auto"). ``init``
    is ``"pca"`` (first PCA scores scaled to standard deviation 1e-4) or ``"random"``.
    O(n^2) per step: meant for a few hundred points.

    Returns the embedding (n, n_components) and the KL divergence every 10 steps.
    """
    X = _data(X, "X", "tsne", min_rows=5)
    n = X.shape[0]
    k = _int_in("tsne", "n_components", n_components, 1, 3)
    n_iter = _int_in("tsne", "n_iter", n_iter, 1, 100_000)
    if init not in ("pca", "random"):
        raise ValueError(f"tsne: init must be 'pca' or 'random', got {init!r}")
    lr = max(n / early_exaggeration / 4.0, 50.0) if learning_rate is None else float(learning_rate)
    if not lr > 0:
        raise ValueError(f"tsne: learning_rate must be positive, got {learning_rate!r}")
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    P = tsne_affinities(X, perplexity)
    if init == "pca":
        Y = pca(X, k).transform(X)
        Y = Y / Y[:, 0].std() * 1e-4
    else:
        Y = 1e-4 * gen.standard_normal((n, k))
    vel = np.zeros_like(Y)
    gains = np.ones_like(Y)
    history = []
    for it in range(n_iter):
        exaggerate = it < exaggeration_iter
        kl, grad = tsne_kl_gradient(Y, P * early_exaggeration if exaggerate else P)
        mom = 0.5 if exaggerate else 0.8
        same = np.sign(grad) == np.sign(vel)
        gains = np.where(same, gains * 0.8, gains + 0.2).clip(0.01)
        vel = mom * vel - lr * gains * grad
        Y = Y + vel
        if it % 10 == 0 or it == n_iter - 1:
            kl_true = kl if not exaggerate else tsne_kl_gradient(Y, P)[0]
            history.append(kl_true)
            if callback is not None:
                callback(it, kl_true)
    return Y - Y.mean(0), np.array(history)
