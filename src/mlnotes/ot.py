"""Optimal transport between discrete measures: exact solvers, log-domain Sinkhorn,
1-D closed forms, displacement interpolation and barycentres.

Explained in ``notebooks/04-deep-learning/06-optimal-transport.ipynb``; used by the
:class:`~mlnotes.widgets.ot.TransportExplorer` widget. A discrete measure is a set of
support points (rows of an array, or a 1-D array of positions) with non-negative weights;
weights default to uniform. Costs are ``C_ij = |x_i - y_j|^p`` with the Euclidean norm,
so ``exact_cost(a, b, C)`` is ``W_p^p`` (POT's ``ot.dist`` defaults to the *squared*
Euclidean distance, i.e. ``p = 2``).

Every public function checks its input and raises ``ValueError``/``TypeError`` naming the
function and the argument: histograms of unequal mass, negative or non-finite weights,
a cost matrix of the wrong shape, ``eps <= 0``, NaN or infinite values, wrong ranks and
problems too large for a dense solver.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Optional, Sequence, Tuple

import numpy as np

__all__ = [
    "MAX_DENSE",
    "MAX_LP",
    "uniform",
    "cost_matrix",
    "exact_plan",
    "exact_cost",
    "monotone_plan",
    "SinkhornResult",
    "sinkhorn",
    "quantile_function",
    "wasserstein_1d",
    "wasserstein",
    "plan_atoms",
    "displacement_interpolation",
    "mixture_interpolation",
    "barycenter_1d",
    "free_support_barycenter",
]

#: Largest number of cost-matrix entries ``n * m`` a dense solver accepts.
MAX_DENSE = 4_000_000
#: Largest ``n * m`` handed to the linear-programming solver (HiGHS); uniform equal-size
#: problems use the assignment solver instead and only need ``n * n <= MAX_DENSE``.
MAX_LP = 360_000


# --------------------------------------------------------------------------- validation
def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def _array(fn: str, name: str, v: Any, ndim: Sequence[int]) -> np.ndarray:
    """A finite float64 array of one of the allowed ranks."""
    if isinstance(v, (str, bytes)) or v is None:
        raise TypeError(f"{fn}: {name} must be an array of numbers, got {type(v).__name__}")
    try:
        raw = np.asarray(v)
        if raw.dtype.kind not in "biuf":   # complex, object, strings: refuse, never cast
            raise TypeError(f"dtype {raw.dtype}")
        arr = raw.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{fn}: {name} must be an array of real numbers, got {type(v).__name__}") from exc
    if arr.ndim not in ndim:
        allowed = " or ".join(f"{d}-D" for d in ndim)
        raise ValueError(f"{fn}: {name} must be a {allowed} array, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{fn}: {name} must not be empty, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{fn}: {name} must be finite (no NaN or inf)")
    return arr


def _points(fn: str, name: str, v: Any) -> np.ndarray:
    """Support points as an (n, d) array (a 1-D array is n points on the line)."""
    arr = _array(fn, name, v, (1, 2))
    return arr[:, None] if arr.ndim == 1 else arr


def _weights(fn: str, name: str, w: Any, n: int) -> np.ndarray:
    """Non-negative finite weights of length ``n`` with a positive sum (None: uniform 1/n)."""
    if w is None:
        return np.full(n, 1.0 / n)
    arr = _array(fn, name, w, (1,))
    if len(arr) != n:
        raise ValueError(f"{fn}: {name} must have length {n} (one weight per point), got {len(arr)}")
    if np.any(arr < 0):
        raise ValueError(f"{fn}: {name} must be non-negative, got min {arr.min():.3g}")
    if not arr.sum() > 0:
        raise ValueError(f"{fn}: {name} must have a positive sum")
    return arr


def _same_mass(fn: str, a: np.ndarray, b: np.ndarray) -> None:
    sa, sb = float(a.sum()), float(b.sum())
    if abs(sa - sb) > 1e-8 * max(sa, sb):
        raise ValueError(f"{fn}: a and b must have the same total mass (balanced transport), "
                         f"got sum(a) = {sa:.12g} and sum(b) = {sb:.12g}")


def _probability(fn: str, name: str, w: np.ndarray) -> None:
    """W_p is a distance between probability measures: the weights must sum to 1."""
    if abs(float(w.sum()) - 1.0) > 1e-9:
        raise ValueError(f"{fn}: {name} must sum to 1 (W_p compares probability measures; "
                         f"use exact_cost for other masses), got sum({name}) = {float(w.sum()):.12g}")


def _cost(fn: str, C: Any, n: int, m: int) -> np.ndarray:
    M = _array(fn, "C", C, (2,))
    if M.shape != (n, m):
        raise ValueError(f"{fn}: C must have shape (len(a), len(b)) = ({n}, {m}), got {M.shape}")
    return M


def _size(fn: str, n: int, m: int, limit: int = MAX_DENSE) -> None:
    if n * m > limit:
        raise ValueError(f"{fn}: problem too large for a dense solver: {n} x {m} = {n * m:,} cost "
                         f"entries, at most {limit:,} allowed")


def _positive(fn: str, name: str, v: Any) -> float:
    if not _is_number(v):
        raise TypeError(f"{fn}: {name} must be a positive number, got {v!r}")
    v = float(v)
    if not (math.isfinite(v) and v > 0):
        raise ValueError(f"{fn}: {name} must be a positive finite number, got {v!r}")
    return v


def _int(fn: str, name: str, v: Any, lo: int, hi: int = 10**7) -> int:
    if not (isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))):
        raise TypeError(f"{fn}: {name} must be an integer in [{lo}, {hi}], got {v!r}")
    if not lo <= int(v) <= hi:
        raise ValueError(f"{fn}: {name} must be an integer in [{lo}, {hi}], got {v!r}")
    return int(v)


def _order(fn: str, p: Any) -> float:
    if not _is_number(p):
        raise TypeError(f"{fn}: p must be a number >= 1, got {p!r}")
    p = float(p)
    if not (math.isfinite(p) and p >= 1):
        raise ValueError(f"{fn}: p must be a finite number >= 1, got {p!r}")
    return p


def _time(fn: str, t: Any) -> float:
    if not _is_number(t):
        raise TypeError(f"{fn}: t must be a number in [0, 1], got {t!r}")
    t = float(t)
    if not 0.0 <= t <= 1.0:
        raise ValueError(f"{fn}: t must lie in [0, 1], got {t!r}")
    return t


def _problem(fn: str, a: Any, b: Any, C: Any) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate a discrete problem (a, b, C); a or b None means uniform."""
    M0 = _array(fn, "C", C, (2,))
    n, m = M0.shape
    a = _weights(fn, "a", a, n)
    b = _weights(fn, "b", b, m)
    _same_mass(fn, a, b)
    return a, b, M0


# ------------------------------------------------------------------------------- basics
def uniform(n: int) -> np.ndarray:
    """Uniform weights ``1/n`` on ``n`` points."""
    n = _int("uniform", "n", n, 1)
    return np.full(n, 1.0 / n)


def cost_matrix(X: Any, Y: Any, p: float = 2.0) -> np.ndarray:
    """Ground cost ``C_ij = ||x_i - y_j||^p`` (Euclidean norm to the power ``p``).

    ``X`` (n, d) and ``Y`` (m, d); 1-D arrays are points on the line. With ``p = 2`` this is
    POT's default ``ot.dist(X, Y)``; ``p = 1`` is ``ot.dist(X, Y, metric='euclidean')``.
    """
    fn = "cost_matrix"
    X, Y = _points(fn, "X", X), _points(fn, "Y", Y)
    p = _order(fn, p)
    if X.shape[1] != Y.shape[1]:
        raise ValueError(f"{fn}: X and Y must have the same dimension, got {X.shape[1]} and {Y.shape[1]}")
    _size(fn, len(X), len(Y))
    sq = (X * X).sum(1)[:, None] + (Y * Y).sum(1)[None, :] - 2.0 * X @ Y.T
    np.maximum(sq, 0.0, out=sq)
    if p == 2.0:
        return sq
    return sq ** (p / 2.0)


# -------------------------------------------------------------------------- exact OT
def exact_plan(a: Any, b: Any, C: Any, method: str = "auto") -> np.ndarray:
    """An optimal plan of ``min <P, C>`` over ``P >= 0, P 1 = a, P^T 1 = b`` (Kantorovich LP).

    ``method='assignment'`` (uniform weights, ``n == m``): a permutation found by
    ``scipy.optimize.linear_sum_assignment``, scaled by ``1/n``; ``'lp'``: the linear program
    solved by HiGHS (``scipy.optimize.linprog``); ``'auto'`` picks the assignment when it
    applies. ``a`` or ``b`` ``None`` means uniform. Notebook 04-06 derives both.
    """
    return _exact_plan("exact_plan", a, b, C, method)


def _exact_plan(fn: str, a: Any, b: Any, C: Any, method: str) -> np.ndarray:
    if not isinstance(method, str) or method not in ("auto", "assignment", "lp"):
        raise ValueError(f"{fn}: method must be 'auto', 'assignment' or 'lp', got {method!r}")
    a, b, M = _problem(fn, a, b, C)
    n, m = M.shape
    uniform_eq = n == m and np.ptp(a) <= 1e-15 * a[0] and np.ptp(b) <= 1e-15 * b[0]
    if method == "assignment" and not uniform_eq:
        raise ValueError(f"{fn}: method='assignment' needs uniform weights on equally many points, "
                         f"got {n} and {m} points")
    if method == "assignment" or (method == "auto" and uniform_eq):
        _size(fn, n, m)
        from scipy.optimize import linear_sum_assignment  # noqa: PLC0415

        rows, cols = linear_sum_assignment(M)
        P = np.zeros((n, m))
        P[rows, cols] = a[rows]
        return P
    _size(fn, n, m, MAX_LP)
    return _lp_plan(a, b, M)


def _lp_plan(a: np.ndarray, b: np.ndarray, M: np.ndarray) -> np.ndarray:
    from scipy.optimize import linprog  # noqa: PLC0415
    from scipy.sparse import coo_matrix, vstack  # noqa: PLC0415

    n, m = M.shape
    idx = np.arange(n * m)
    rows = coo_matrix((np.ones(n * m), (idx // m, idx)), shape=(n, n * m))
    cols = coo_matrix((np.ones(n * m), (idx % m, idx)), shape=(m, n * m))
    # one marginal constraint is implied by the others (equal masses): drop the last column sum
    A_eq = vstack([rows, cols.tocsr()[:-1]]).tocsr()
    res = linprog(M.ravel(), A_eq=A_eq, b_eq=np.r_[a, b[:-1]], bounds=(0, None), method="highs")
    if res.status != 0:  # pragma: no cover - a balanced problem is always feasible and bounded
        raise RuntimeError(f"exact_plan: the LP solver failed: {res.message}")
    return np.maximum(res.x.reshape(n, m), 0.0)


def exact_cost(a: Any, b: Any, C: Any, method: str = "auto") -> float:
    """The optimal value ``min_P <P, C>`` (``W_p^p`` when ``C = cost_matrix(X, Y, p)``)."""
    P = _exact_plan("exact_cost", a, b, C, method)
    return float(np.sum(P * np.asarray(C, dtype=np.float64)))


def monotone_plan(x: Any, y: Any, a: Any = None, b: Any = None) -> np.ndarray:
    """The monotone (north-west corner) coupling of two measures on the line, shape (n, m).

    Mass leaves the points of ``x`` in increasing order and fills those of ``y`` in
    increasing order. It is optimal for every cost ``h(x - y)`` with ``h`` convex, hence
    for ``|x - y|^p``, ``p >= 1``; it has at most ``n + m - 1`` non-zero entries.
    """
    fn = "monotone_plan"
    x, y = _array(fn, "x", x, (1,)), _array(fn, "y", y, (1,))
    a, b = _weights(fn, "a", a, len(x)), _weights(fn, "b", b, len(y))
    _same_mass(fn, a, b)
    _size(fn, len(x), len(y))
    i_idx, j_idx, mass = _northwest(x, a, y, b)
    P = np.zeros((len(x), len(y)))
    np.add.at(P, (i_idx, j_idx), mass)
    return P


def _northwest(x, a, y, b):
    """Non-zero entries (i, j, mass) of the monotone coupling, from merged cumulative weights."""
    ix, iy = np.argsort(x, kind="stable"), np.argsort(y, kind="stable")
    ca, cb = np.cumsum(a[ix]), np.cumsum(b[iy])
    cb = cb * (ca[-1] / cb[-1])  # same total to the last bit
    cuts = np.unique(np.r_[0.0, ca, cb])
    mid = 0.5 * (cuts[:-1] + cuts[1:])
    mass = np.diff(cuts)
    keep = mass > 0
    i = ix[np.minimum(np.searchsorted(ca, mid[keep]), len(ix) - 1)]
    j = iy[np.minimum(np.searchsorted(cb, mid[keep]), len(iy) - 1)]
    return i, j, mass[keep]


# ---------------------------------------------------------------------------- Sinkhorn
@dataclass
class SinkhornResult:
    """What :func:`sinkhorn` returns.

    ``plan`` (n, m); ``f``, ``g`` the dual potentials (``-inf`` on points of zero weight);
    ``cost = <plan, C>`` (transport cost of the entropic plan, without the entropy term);
    ``n_iter``; ``marginal_error = ||plan 1 - a||_1 + ||plan^T 1 - b||_1``; ``converged``.
    """

    plan: np.ndarray
    f: np.ndarray
    g: np.ndarray
    cost: float
    n_iter: int
    marginal_error: float
    converged: bool


def _lse_rows(Z: np.ndarray) -> np.ndarray:
    """log(sum(exp(Z), axis=1)), stabilised by the row maxima (Z is overwritten)."""
    mx = Z.max(axis=1)
    Z -= mx[:, None]
    np.exp(Z, out=Z)
    return mx + np.log(Z.sum(axis=1))


def sinkhorn(a: Any, b: Any, C: Any, eps: float, *, max_iter: int = 10_000, tol: float = 1e-9,
             init: Optional[Tuple[Any, Any]] = None, check_every: int = 1) -> SinkhornResult:
    """Entropic OT by Sinkhorn's iterations in the log domain (stable for small ``eps``).

    Solves ``min_P <P, C> - eps H(P)`` over couplings of ``a`` and ``b`` by alternating

        f_i = eps log a_i - eps log sum_j exp((g_j - C_ij) / eps),
        g_j = eps log b_j - eps log sum_i exp((f_i - C_ij) / eps),

    with ``P_ij = exp((f_i + g_j - C_ij) / eps)`` (``a``/``b`` ``None``: uniform). Stops when
    the row-marginal error ``||P 1 - a||_1`` (the columns are exact after each ``g`` step)
    falls below ``tol * sum(a)`` or after ``max_iter`` iterations. ``init=(f, g)`` warm-starts
    from the potentials of an earlier call (e.g. at a nearby ``eps``). Points of zero weight
    get zero mass. Notebook 04-06 writes the same iteration on the page; here it runs as
    scaling steps on an absorbed kernel (matrix-vector products, same iterates).
    """
    fn = "sinkhorn"
    a, b, M = _problem(fn, a, b, C)
    eps = _positive(fn, "eps", eps)
    max_iter = _int(fn, "max_iter", max_iter, 1)
    check_every = _int(fn, "check_every", check_every, 1)
    tol = _positive(fn, "tol", tol)
    n, m = M.shape
    _size(fn, n, m)
    sa, sb = a > 0, b > 0
    A, B = a[sa], b[sb]
    Cs = M[np.ix_(sa, sb)] / eps          # scaled cost on the supports
    if init is None:
        f, g = np.zeros(len(A)), np.zeros(len(B))
    else:
        if not isinstance(init, (tuple, list)) or len(init) != 2:
            raise TypeError(f"{fn}: init must be a pair (f, g) of potentials, got {type(init).__name__}")
        f0 = np.asarray(init[0], dtype=np.float64)
        g0 = np.asarray(init[1], dtype=np.float64)
        if f0.shape != (n,) or g0.shape != (m,):
            raise ValueError(f"{fn}: init must hold potentials of shapes ({n},) and ({m},), "
                             f"got {f0.shape} and {g0.shape}")
        f, g = f0[sa] / eps, g0[sb] / eps
        if not (np.all(np.isfinite(f)) and np.all(np.isfinite(g))):
            raise ValueError(f"{fn}: init potentials must be finite on the supports of a and b")
    # work with u = f / eps, v = g / eps
    u, v, it, stopped = _log_domain_iterations(f, g, A, B, Cs, tol, max_iter, check_every)
    P_sub = np.exp(u[:, None] + v[None, :] - Cs)
    err = float(np.abs(P_sub.sum(1) - A).sum() + np.abs(P_sub.sum(0) - B).sum())
    P = np.zeros((n, m))
    P[np.ix_(sa, sb)] = P_sub
    f_full = np.full(n, -np.inf)
    g_full = np.full(m, -np.inf)
    f_full[sa], g_full[sb] = eps * u, eps * v
    return SinkhornResult(P, f_full, g_full, float(np.sum(P_sub * Cs) * eps), it, err, stopped)


def _log_step(u, v, la, lb, Cs, CsT):
    """One exact log-domain Sinkhorn iteration; returns (u_new, v_new, row error before it)."""
    u_new = la - _lse_rows(v[None, :] - Cs)
    err = float(np.abs(np.exp(la) * np.expm1(u - u_new)).sum())
    v_new = lb - _lse_rows(u_new[None, :] - CsT)
    return u_new, v_new, err


def _log_domain_iterations(u, v, A, B, Cs, tol, max_iter, check_every):
    """Sinkhorn in the log domain, run as scaling steps on an absorbed kernel.

    Mathematically the iterates of the log-domain recursion: with the Gibbs kernel
    ``K = exp(u + v - C/eps)`` of the current potentials, ``s = A / (K r)``, ``r = B / (K^T s)``
    are the multiplicative updates, and ``log s``, ``log r`` are absorbed into ``u``, ``v``
    (and ``K`` recomputed) as soon as they leave ``[-30, 30]``. Matrix-vector products replace
    the exponentials of every iteration; a kernel row or column that underflows falls back
    to an exact log-domain step.
    """
    la, lb = np.log(A), np.log(B)
    CsT = np.ascontiguousarray(Cs.T)
    total = A.sum()
    it, stopped = 1, False
    u, v, err = _log_step(u, v, la, lb, Cs, CsT)
    if err <= tol * total:
        return u, v, it, True
    while it < max_iter and not stopped:
        K = np.exp(u[:, None] + v[None, :] - Cs)
        s, r = np.ones(len(A)), np.ones(len(B))
        fallback = False
        while it < max_iter:
            it += 1
            Kr = K @ r
            if not np.all(Kr > 0):
                fallback = True
                break
            s_new = A / Kr
            if it % check_every == 0 or it == max_iter:
                err = float(np.abs(s * Kr - A).sum())
            s = s_new
            Kts = K.T @ s
            if not np.all(Kts > 0):
                fallback = True
                break
            r = B / Kts
            if err <= tol * total:
                stopped = True
                break
            if max(np.abs(np.log(s)).max(), np.abs(np.log(r)).max()) > 30.0:
                break
        u, v = u + np.log(s), v + np.log(r)
        if fallback and it < max_iter:
            it += 1
            u, v, err = _log_step(u, v, la, lb, Cs, CsT)
            stopped = err <= tol * total
    return u, v, it, stopped


# ------------------------------------------------------------------------ 1-D formulas
def quantile_function(x: Any, t: Any, a: Any = None) -> np.ndarray:
    """Generalised inverse ``Q(t) = min{x : F(x) >= t}`` of the CDF ``F`` of ``sum_i a_i delta_{x_i}``.

    ``t`` in [0, 1] (scalar or array); the weights are normalised to total mass 1 and ``Q(0)``
    is the smallest support point.
    """
    fn = "quantile_function"
    x = _array(fn, "x", x, (1,))
    a = _weights(fn, "a", a, len(x))
    tt = _array(fn, "t", t, (0, 1))
    if np.any((tt < 0) | (tt > 1)):
        raise ValueError(f"{fn}: t must lie in [0, 1]")
    order = np.argsort(x, kind="stable")
    cdf = np.cumsum(a[order]) / a.sum()
    k = np.minimum(np.searchsorted(cdf, tt, side="left"), len(x) - 1)
    return x[order][k]


def wasserstein_1d(x: Any, y: Any, a: Any = None, b: Any = None, p: float = 1.0) -> float:
    """Exact ``W_p`` (not its ``p``-th power) between two measures on the line.

    ``W_p^p = int_0^1 |Q_a(t) - Q_b(t)|^p dt`` with the quantile functions of the two
    measures, evaluated exactly on the merged steps. For ``p = 1`` it equals
    ``int |F_a - F_b| dx``. ``a`` and ``b`` must each sum to 1 (like :func:`wasserstein`).
    POT's ``ot.wasserstein_1d`` returns ``W_p^p``.
    """
    fn = "wasserstein_1d"
    x, y = _array(fn, "x", x, (1,)), _array(fn, "y", y, (1,))
    a, b = _weights(fn, "a", a, len(x)), _weights(fn, "b", b, len(y))
    p = _order(fn, p)
    _same_mass(fn, a, b)
    _probability(fn, "a", a)
    _probability(fn, "b", b)
    i, j, mass = _northwest(x, a, y, b)
    return float(np.sum(mass * np.abs(x[i] - y[j]) ** p) ** (1.0 / p))


def wasserstein(X: Any, Y: Any, a: Any = None, b: Any = None, p: float = 2.0) -> float:
    """Exact ``W_p`` between two discrete measures in ``R^d`` (1-D arrays: on the line).

    On the line the monotone coupling; in higher dimension :func:`exact_plan` on
    ``cost_matrix(X, Y, p)`` (the assignment for uniform clouds of equal size). The weights
    ``a``, ``b`` must each sum to 1 (a ``ValueError`` names the one that does not).
    """
    fn = "wasserstein"
    Xp, Yp = _points(fn, "X", X), _points(fn, "Y", Y)
    p = _order(fn, p)
    if Xp.shape[1] != Yp.shape[1]:
        raise ValueError(f"{fn}: X and Y must have the same dimension, got {Xp.shape[1]} and {Yp.shape[1]}")
    a, b = _weights(fn, "a", a, len(Xp)), _weights(fn, "b", b, len(Yp))
    _same_mass(fn, a, b)
    _probability(fn, "a", a)
    _probability(fn, "b", b)
    if Xp.shape[1] == 1:
        return wasserstein_1d(Xp[:, 0], Yp[:, 0], a, b, p)
    C = cost_matrix(Xp, Yp, p)
    return exact_cost(a, b, C) ** (1.0 / p)


# ----------------------------------------------------------------------- interpolation
def plan_atoms(plan: Any, threshold: float = 0.0) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The entries of a plan above ``threshold * plan.max()``: arrays ``(i, j, mass)``."""
    fn = "plan_atoms"
    P = _array(fn, "plan", plan, (2,))
    if np.any(P < 0):
        raise ValueError(f"{fn}: plan must be non-negative")
    if not _is_number(threshold) or not 0 <= float(threshold) < 1:
        raise ValueError(f"{fn}: threshold must be a number in [0, 1), got {threshold!r}")
    i, j = np.nonzero(P > float(threshold) * P.max())
    return i, j, P[i, j]


def displacement_interpolation(X: Any, Y: Any, plan: Any, t: float,
                               threshold: float = 0.0) -> Tuple[np.ndarray, np.ndarray]:
    """McCann's displacement interpolant at time ``t``: atoms ``(1-t) x_i + t y_j`` of mass ``P_ij``.

    Returns ``(points (k, d), weights (k,))`` over the entries of the plan above
    ``threshold * max(P)``. With an optimal plan for ``p = 2`` this is the point at time ``t``
    on the W_2 geodesic from the first measure to the second.
    """
    fn = "displacement_interpolation"
    Xp, Yp = _points(fn, "X", X), _points(fn, "Y", Y)
    if Xp.shape[1] != Yp.shape[1]:
        raise ValueError(f"{fn}: X and Y must have the same dimension, got {Xp.shape[1]} and {Yp.shape[1]}")
    P = _array(fn, "plan", plan, (2,))
    if P.shape != (len(Xp), len(Yp)):
        raise ValueError(f"{fn}: plan must have shape (len(X), len(Y)) = ({len(Xp)}, {len(Yp)}), got {P.shape}")
    t = _time(fn, t)
    i, j, w = plan_atoms(P, threshold)
    pts = (1.0 - t) * Xp[i] + t * Yp[j]
    return pts, w


def mixture_interpolation(X: Any, Y: Any, a: Any = None, b: Any = None,
                          t: float = 0.5) -> Tuple[np.ndarray, np.ndarray]:
    """The mixture ``(1-t) mu + t nu``: all points of both measures, weights ``(1-t) a`` and ``t b``."""
    fn = "mixture_interpolation"
    Xp, Yp = _points(fn, "X", X), _points(fn, "Y", Y)
    if Xp.shape[1] != Yp.shape[1]:
        raise ValueError(f"{fn}: X and Y must have the same dimension, got {Xp.shape[1]} and {Yp.shape[1]}")
    a, b = _weights(fn, "a", a, len(Xp)), _weights(fn, "b", b, len(Yp))
    _same_mass(fn, a, b)
    t = _time(fn, t)
    return np.vstack([Xp, Yp]), np.r_[(1.0 - t) * a, t * b]


# --------------------------------------------------------------------------- barycentres
def barycenter_1d(xs: Sequence[Any], weights: Optional[Sequence[Any]] = None,
                  lambdas: Any = None) -> Tuple[np.ndarray, np.ndarray]:
    """The W_2 barycentre of measures on the line: quantile functions averaged with ``lambdas``.

    ``Q(t) = sum_k lambda_k Q_k(t)``, computed exactly on the merged steps of the ``Q_k``.
    Returns ``(points, masses)`` (increasing points, masses summing to 1). ``weights[k]``
    ``None`` means uniform; ``lambdas`` default to equal, must be non-negative, sum to 1.
    """
    fn = "barycenter_1d"
    if not isinstance(xs, (list, tuple)) or len(xs) == 0:
        raise TypeError(f"{fn}: xs must be a non-empty list of 1-D arrays, got {type(xs).__name__}")
    K = len(xs)
    pts = [_array(fn, f"xs[{k}]", x, (1,)) for k, x in enumerate(xs)]
    if weights is None:
        weights = [None] * K
    if not isinstance(weights, (list, tuple)) or len(weights) != K:
        raise ValueError(f"{fn}: weights must be a list of {K} weight arrays (or None)")
    ws = [_weights(fn, f"weights[{k}]", w, len(x)) for k, (x, w) in enumerate(zip(pts, weights))]
    lam = _simplex(fn, lambdas, K)
    cums, orders = [], []
    for x, w in zip(pts, ws):
        o = np.argsort(x, kind="stable")
        c = np.cumsum(w[o]) / w.sum()
        c[-1] = 1.0
        cums.append(c)
        orders.append(x[o])
    cuts = np.unique(np.concatenate([[0.0], *cums]))
    mid = 0.5 * (cuts[:-1] + cuts[1:])
    q = sum(l_ * xo[np.minimum(np.searchsorted(c, mid), len(xo) - 1)]
            for l_, xo, c in zip(lam, orders, cums))
    return q, np.diff(cuts)


def _simplex(fn: str, lambdas: Any, K: int) -> np.ndarray:
    if lambdas is None:
        return np.full(K, 1.0 / K)
    lam = _array(fn, "lambdas", lambdas, (1,))
    if len(lam) != K:
        raise ValueError(f"{fn}: lambdas must have length {K} (one per measure), got {len(lam)}")
    if np.any(lam < 0) or abs(lam.sum() - 1.0) > 1e-9:
        raise ValueError(f"{fn}: lambdas must be non-negative and sum to 1, got sum {lam.sum():.6g}")
    return lam


def free_support_barycenter(Ys: Sequence[Any], X_init: Any, weights: Optional[Sequence[Any]] = None,
                            lambdas: Any = None, b: Any = None, max_iter: int = 100,
                            tol: float = 1e-9) -> np.ndarray:
    """Free-support W_2 barycentre by the fixed point of Cuturi & Doucet (2014).

    Repeats ``X <- sum_k lambda_k diag(1/b) P_k Y_k``, with ``P_k`` an exact optimal plan from
    ``(X, b)`` to ``(Y_k, weights[k])`` for the squared Euclidean cost, until the points move
    less than ``tol``. Same iteration as POT's ``ot.lp.free_support_barycenter``.
    Returns the support points (shape of ``X_init``).
    """
    fn = "free_support_barycenter"
    if not isinstance(Ys, (list, tuple)) or len(Ys) == 0:
        raise TypeError(f"{fn}: Ys must be a non-empty list of (n_k, d) arrays, got {type(Ys).__name__}")
    X = _array(fn, "X_init", X_init, (2,)).copy()
    K = len(Ys)
    Yk = [_array(fn, f"Ys[{k}]", Y, (2,)) for k, Y in enumerate(Ys)]
    for k, Y in enumerate(Yk):
        if Y.shape[1] != X.shape[1]:
            raise ValueError(f"{fn}: Ys[{k}] must have dimension {X.shape[1]} like X_init, got {Y.shape[1]}")
    if weights is None:
        weights = [None] * K
    if not isinstance(weights, (list, tuple)) or len(weights) != K:
        raise ValueError(f"{fn}: weights must be a list of {K} weight arrays (or None)")
    b = _weights(fn, "b", b, len(X))
    b = b / b.sum()
    ws = [_weights(fn, f"weights[{k}]", w, len(Y)) for k, (Y, w) in enumerate(zip(Yk, weights))]
    ws = [w / w.sum() for w in ws]
    lam = _simplex(fn, lambdas, K)
    max_iter = _int(fn, "max_iter", max_iter, 1)
    tol = _positive(fn, "tol", tol)
    for _ in range(max_iter):
        X_new = np.zeros_like(X)
        for l_, Y, w in zip(lam, Yk, ws):
            P = exact_plan(b, w, cost_matrix(X, Y, 2.0))
            X_new += l_ * (P @ Y) / b[:, None]
        moved = float(np.sum((X_new - X) ** 2))
        X = X_new
        if moved < tol:
            break
    return X

