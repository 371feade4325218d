"""mlnotes.ot against POT and scipy, its properties, and its input validation."""
import inspect

import numpy as np
import ot as pot
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import wasserstein_distance

from mlnotes import ot


def _cloud(rng, n, d=2, shift=0.0):
    return rng.normal(size=(n, d)) + shift


def _hist(rng, n):
    w = rng.random(n) + 0.05
    return w / w.sum()


# ------------------------------------------------------------------------ exact solvers
@pytest.mark.parametrize("n", [1, 5, 40])
def test_assignment_equals_pot_emd(n):
    rng = np.random.default_rng(n)
    X, Y = _cloud(rng, n), _cloud(rng, n, shift=1.0)
    C = ot.cost_matrix(X, Y)
    assert np.allclose(C, pot.dist(X, Y), atol=1e-12)  # p = 2 is POT's default squared cost
    P = ot.exact_plan(None, None, C)
    a = ot.uniform(n)
    assert np.isclose(np.sum(P * C), pot.emd2(a, a, C), atol=1e-9)
    assert np.allclose(P.sum(1), a) and np.allclose(P.sum(0), a)
    assert np.count_nonzero(P) == n  # a permutation scaled by 1/n


@pytest.mark.parametrize("n,m", [(3, 7), (20, 13), (30, 30)])
def test_lp_equals_pot_emd(n, m):
    rng = np.random.default_rng(n * m)
    X, Y = _cloud(rng, n), _cloud(rng, m, shift=0.5)
    a, b = _hist(rng, n), _hist(rng, m)
    for p in (1.0, 2.0, 3.0):
        C = ot.cost_matrix(X, Y, p)
        P = ot.exact_plan(a, b, C, method="lp")
        assert np.isclose(np.sum(P * C), pot.emd2(a, b, C), atol=1e-9)
        assert np.allclose(P.sum(1), a, atol=1e-9) and np.allclose(P.sum(0), b, atol=1e-9)
        assert np.isclose(ot.exact_cost(a, b, C), pot.emd2(a, b, C), atol=1e-9)


def test_assignment_and_lp_agree_on_uniform_clouds():
    rng = np.random.default_rng(3)
    C = ot.cost_matrix(_cloud(rng, 25), _cloud(rng, 25))
    assert np.isclose(ot.exact_cost(None, None, C, "assignment"), ot.exact_cost(None, None, C, "lp"), atol=1e-9)


def test_wasserstein_dispatches_and_matches_pot():
    rng = np.random.default_rng(4)
    X, Y = _cloud(rng, 30), _cloud(rng, 20, shift=2.0)
    a, b = _hist(rng, 30), _hist(rng, 20)
    assert np.isclose(ot.wasserstein(X, Y, a, b, p=2) ** 2, pot.emd2(a, b, pot.dist(X, Y)), atol=1e-9)
    x, y = rng.normal(size=50), rng.normal(size=60)
    assert np.isclose(ot.wasserstein(x, y, p=1), wasserstein_distance(x, y), atol=1e-12)


# ------------------------------------------------------------------------------- 1-D
@pytest.mark.parametrize("p", [1.0, 1.5, 2.0, 3.0])
def test_wasserstein_1d_against_pot_and_scipy(p):
    rng = np.random.default_rng(int(10 * p))
    for n, m in [(1, 1), (5, 9), (200, 150)]:
        x, y = rng.normal(size=n), 2 * rng.normal(size=m) + 1
        a, b = _hist(rng, n), _hist(rng, m)
        w = ot.wasserstein_1d(x, y, a, b, p)
        assert np.isclose(w ** p, pot.wasserstein_1d(x, y, a, b, p=p), rtol=1e-10, atol=1e-12)
        C = np.abs(x[:, None] - y[None, :]) ** p
        assert np.isclose(w ** p, pot.emd2(a, b, C), rtol=1e-9, atol=1e-12)
        if p == 1.0:
            assert np.isclose(w, wasserstein_distance(x, y, a, b), rtol=1e-10)


def test_monotone_plan_is_optimal_and_sparse():
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=30), rng.normal(size=45)
    a, b = _hist(rng, 30), _hist(rng, 45)
    P = ot.monotone_plan(x, y, a, b)
    assert np.allclose(P.sum(1), a, atol=1e-14) and np.allclose(P.sum(0), b, atol=1e-14)
    assert np.count_nonzero(P) <= 30 + 45 - 1
    C = (x[:, None] - y[None, :]) ** 2
    assert np.isclose(np.sum(P * C), pot.emd2(a, b, C), atol=1e-12)


def test_quantile_function():
    x = np.array([3.0, 1.0, 2.0])
    a = np.array([0.5, 0.25, 0.25])
    q = ot.quantile_function(x, [0.0, 0.2, 0.25, 0.3, 0.5, 0.51, 1.0], a)
    assert np.array_equal(q, [1.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0])


@given(st.lists(st.floats(-5, 5), min_size=1, max_size=12), st.lists(st.floats(-5, 5), min_size=1, max_size=12),
       st.floats(1.0, 4.0))
def test_wasserstein_1d_is_a_metric_property(xs, ys, p):
    x, y = np.array(xs), np.array(ys)
    w = ot.wasserstein_1d(x, y, p=p)
    assert w >= 0 and np.isclose(w, ot.wasserstein_1d(y, x, p=p), atol=1e-12)
    assert ot.wasserstein_1d(x, x, p=p) == 0.0
    assert np.isclose(ot.wasserstein_1d(x, x + 1.5, p=p), 1.5)  # a shift costs its length
    z = np.linspace(-1, 1, 5)
    assert w <= ot.wasserstein_1d(x, z, p=p) + ot.wasserstein_1d(z, y, p=p) + 1e-9


# --------------------------------------------------------------------------- Sinkhorn
@pytest.mark.parametrize("n,m,rel", [(10, 10, 0.1), (60, 40, 0.05), (120, 100, 0.01)])
def test_sinkhorn_matches_pot_sinkhorn_log(n, m, rel):
    rng = np.random.default_rng(n + m)
    X, Y = _cloud(rng, n), _cloud(rng, m, shift=1.0)
    a, b = _hist(rng, n), _hist(rng, m)
    C = ot.cost_matrix(X, Y)
    eps = rel * C.max()
    r = ot.sinkhorn(a, b, C, eps, tol=1e-13)
    ref = pot.sinkhorn(a, b, C, eps, method="sinkhorn_log", stopThr=1e-14, numItermax=100_000)
    assert r.converged and r.marginal_error < 1e-11
    assert np.allclose(r.plan, ref, atol=1e-10)
    assert np.isclose(r.cost, np.sum(ref * C), rtol=1e-8)
    # the plan has the Gibbs form exp((f + g - C) / eps)
    assert np.allclose(r.plan, np.exp((r.f[:, None] + r.g[None, :] - C) / eps), atol=1e-15)


def test_sinkhorn_small_eps_stays_finite_and_tends_to_exact():
    rng = np.random.default_rng(7)
    X, Y = _cloud(rng, 40), _cloud(rng, 40, shift=1.0)
    C = ot.cost_matrix(X, Y)
    exact = ot.exact_cost(None, None, C)
    costs, init = [], None
    for rel in np.geomspace(1e-1, 1e-3, 9):  # eps-scaling: warm start from the previous eps
        r = ot.sinkhorn(None, None, C, rel * np.median(C), max_iter=50_000, tol=1e-5, init=init)
        assert np.all(np.isfinite(r.plan)) and r.converged and r.marginal_error < 1e-4
        costs.append(r.cost)
        init = (r.f, r.g)
    costs = costs[::4]
    # the entropic plan's cost decreases towards the exact optimum (never below it)
    assert costs[0] > costs[1] > costs[2] >= exact * (1 - 1e-9)
    assert costs[2] - exact < 1e-2 * exact


def test_sinkhorn_warm_start_takes_fewer_iterations():
    rng = np.random.default_rng(8)
    C = ot.cost_matrix(_cloud(rng, 80), _cloud(rng, 80, shift=1.0))
    eps = 0.05 * np.median(C)
    cold = ot.sinkhorn(None, None, C, eps, tol=1e-8)
    warm0 = ot.sinkhorn(None, None, C, 1.2 * eps, tol=1e-8)
    warm = ot.sinkhorn(None, None, C, eps, init=(warm0.f, warm0.g), tol=1e-8)
    assert cold.converged and warm.converged and warm.n_iter < cold.n_iter
    assert np.allclose(warm.plan, cold.plan, atol=1e-7)  # both within 1e-8 of the marginals


def test_sinkhorn_zero_weights_get_no_mass():
    rng = np.random.default_rng(9)
    C = ot.cost_matrix(_cloud(rng, 6), _cloud(rng, 5))
    a = np.array([0.2, 0.0, 0.3, 0.1, 0.0, 0.4])
    b = np.array([0.0, 0.5, 0.25, 0.25, 0.0])
    r = ot.sinkhorn(a, b, C, 0.1)
    assert np.all(r.plan[[1, 4]] == 0) and np.all(r.plan[:, [0, 4]] == 0)
    assert np.allclose(r.plan.sum(1), a, atol=1e-8) and np.allclose(r.plan.sum(0), b, atol=1e-8)


def test_sinkhorn_reports_non_convergence():
    rng = np.random.default_rng(10)
    C = ot.cost_matrix(_cloud(rng, 30), _cloud(rng, 30, shift=1.0))
    r = ot.sinkhorn(None, None, C, 1e-3 * np.median(C), max_iter=3)
    assert not r.converged and r.n_iter == 3 and r.marginal_error > 1e-6


# ------------------------------------------------------------------- interpolation
def test_displacement_interpolation_endpoints_and_mass():
    rng = np.random.default_rng(11)
    X, Y = _cloud(rng, 15), _cloud(rng, 15, shift=3.0)
    P = ot.exact_plan(None, None, ot.cost_matrix(X, Y))
    p0, w0 = ot.displacement_interpolation(X, Y, P, 0.0)
    p1, _ = ot.displacement_interpolation(X, Y, P, 1.0)
    assert np.allclose(np.sort(p0, axis=0), np.sort(X, axis=0)) and np.allclose(np.sort(p1, axis=0), np.sort(Y, axis=0))
    assert np.isclose(w0.sum(), 1.0)
    # along the W2 geodesic: W2(mu_0, mu_t) = t W2(mu_0, mu_1)
    W = ot.wasserstein(X, Y)
    for t in (0.25, 0.5, 0.8):
        pt, wt = ot.displacement_interpolation(X, Y, P, t)
        assert np.isclose(ot.wasserstein(X, pt, None, wt), t * W, rtol=1e-9)


def test_mixture_interpolation_weights():
    X, Y = np.zeros((3, 2)), np.ones((2, 2))
    pts, w = ot.mixture_interpolation(X, Y, t=0.25)
    assert pts.shape == (5, 2) and np.allclose(w, [0.25, 0.25, 0.25, 0.125, 0.125])


# ----------------------------------------------------------------------- barycentres
def test_barycenter_1d_equals_pot_lp_barycenter():
    grid = np.linspace(0, 1, 60)
    h1 = np.exp(-((grid - 0.25) / 0.05) ** 2)
    h2 = np.exp(-((grid - 0.7) / 0.08) ** 2)
    h1, h2 = h1 / h1.sum(), h2 / h2.sum()
    q, mass = ot.barycenter_1d([grid, grid], [h1, h2], [0.5, 0.5])
    # the barycentre's W2^2 objective equals the best fixed-support one (POT's LP) or beats it
    M = pot.dist(grid[:, None], grid[:, None])
    ref = pot.lp.barycenter(np.c_[h1, h2], M, weights=np.array([0.5, 0.5]), solver="highs")
    ref = np.clip(ref, 0, None) / np.clip(ref, 0, None).sum()  # the LP's rounding: mass 1 +- 1e-9

    def objective(x, w):
        return sum(0.5 * ot.wasserstein_1d(x, grid, w, h, 2) ** 2 for h in (h1, h2))

    assert objective(q, mass) <= objective(grid, ref) + 1e-9
    assert np.isclose(np.sum(q * mass), 0.5 * (grid @ h1 + grid @ h2), atol=1e-12)  # means average


def test_free_support_barycenter_equals_pot():
    rng = np.random.default_rng(12)
    Ys = [_cloud(rng, 20, shift=s) for s in (0.0, 3.0, -2.0)]
    X0 = _cloud(rng, 20)
    ours = ot.free_support_barycenter(Ys, X0, max_iter=50, tol=1e-12)
    ref = pot.lp.free_support_barycenter(Ys, [ot.uniform(20)] * 3, X0, numItermax=50, stopThr=1e-12)
    assert np.allclose(ours, ref, atol=1e-9)


# ------------------------------------------------------------------------ validation
GOOD_C = np.ones((3, 2))

BAD_CALLS = [
    (ot.exact_plan, ([0.5, 0.5, 0.0], [0.3, 0.3], GOOD_C), ValueError, "same total mass"),
    (ot.exact_plan, ([0.5, -0.5, 1.0], [0.5, 0.5], GOOD_C), ValueError, "a must be non-negative"),
    (ot.exact_plan, ([0.5, 0.5], [0.5, 0.5], GOOD_C), ValueError, "a must have length 3"),
    (ot.exact_plan, (None, None, np.ones(3)), ValueError, "C must be a 2-D array"),
    (ot.exact_plan, (None, None, [[1.0, np.nan]]), ValueError, "C must be finite"),
    (ot.exact_plan, (None, None, GOOD_C, "simplex"), ValueError, "method must be"),
    (ot.exact_plan, (None, [0.2, 0.8], np.ones((2, 2)), "assignment"), ValueError, "needs uniform"),
    (ot.exact_plan, (None, None, np.ones((700, 700)), "lp"), ValueError, "too large"),
    (ot.exact_cost, (None, None, "abc"), TypeError, "C must be an array"),
    (ot.exact_plan, (None, None, GOOD_C, np.arange(2)), ValueError, "method must be"),
    (ot.sinkhorn, (None, None, GOOD_C, 0.0), ValueError, "eps must be a positive"),
    (ot.sinkhorn, (None, None, GOOD_C, -1.0), ValueError, "eps must be a positive"),
    (ot.sinkhorn, (None, None, GOOD_C, float("nan")), ValueError, "eps must be a positive"),
    (ot.sinkhorn, (None, None, GOOD_C, "1"), TypeError, "eps must be a positive"),
    (ot.sinkhorn, ([1.0, np.inf, 1.0], None, GOOD_C, 0.1), ValueError, "a must be finite"),
    (ot.sinkhorn, ([0.0, 0.0, 0.0], None, GOOD_C, 0.1), ValueError, "positive sum"),
    (ot.cost_matrix, (np.ones((3, 2)), np.ones((3, 3))), ValueError, "same dimension"),
    (ot.cost_matrix, (np.ones((3, 2, 1)), np.ones((3, 2))), ValueError, "X must be a 1-D or 2-D"),
    (ot.cost_matrix, (np.ones(3), np.ones(3), 0.5), ValueError, "p must be a finite number >= 1"),
    (ot.cost_matrix, (np.ones((3000, 1)), np.ones((3000, 1))), ValueError, "too large"),
    (ot.monotone_plan, ([0.0, 1.0], [0.0], [0.5, 0.6]), ValueError, "same total mass"),
    (ot.monotone_plan, ([[0.0, 1.0]], [0.0]), ValueError, "x must be a 1-D"),
    (ot.quantile_function, ([0.0, 1.0], 1.5), ValueError, "t must lie in"),
    (ot.wasserstein_1d, ([0.0, 1.0], [0.0], None, None, 0.9), ValueError, "p must be"),
    (ot.wasserstein_1d, ([], [0.0]), ValueError, "x must not be empty"),
    (ot.wasserstein, (np.ones((2, 2)), np.ones((2, 3))), ValueError, "same dimension"),
    (ot.uniform, (0,), ValueError, "n must be an integer in"),
    (ot.exact_plan, (None, None, GOOD_C + 1j), TypeError, "C must be an array of real numbers"),
    (ot.wasserstein_1d, ([0.0, 1.0], [0.0], [1.0, 1.0], [1.0]), ValueError, "same total mass"),
    # W_p compares probability measures: both functions refuse weights of another total mass
    (ot.wasserstein_1d, ([0.0, 1.0, 2.0], [0.0, 1.0, 3.0], [1.0, 1.0, 2.0], [2.0, 1.0, 1.0], 2),
     ValueError, "a must sum to 1"),
    (ot.wasserstein, ([0.0, 1.0, 2.0], [0.0, 1.0, 3.0], [1.0, 1.0, 2.0], [2.0, 1.0, 1.0], 2),
     ValueError, "a must sum to 1"),
    (ot.uniform, (2.5,), TypeError, "n must be an integer"),
    (ot.plan_atoms, (-GOOD_C,), ValueError, "plan must be non-negative"),
    (ot.displacement_interpolation, (np.ones((3, 2)), np.ones((2, 2)), np.ones((2, 3)), 0.5), ValueError,
     "plan must have shape"),
    (ot.displacement_interpolation, (np.ones((3, 2)), np.ones((2, 2)), GOOD_C, 1.5), ValueError, "t must lie"),
    (ot.mixture_interpolation, (np.ones((3, 2)), np.ones((2, 2)), None, None, "half"), TypeError, "t must be"),
    (ot.barycenter_1d, ([np.ones(3)], None, [0.5, 0.5]), ValueError, "lambdas must have length 1"),
    (ot.barycenter_1d, ("abc",), TypeError, "xs must be a non-empty list"),
    (ot.barycenter_1d, ([np.ones(3), np.ones(2)], None, [0.7, 0.7]), ValueError, "sum to 1"),
    (ot.free_support_barycenter, ([np.ones((3, 3))], np.ones((3, 2))), ValueError, "dimension 2"),
    (ot.free_support_barycenter, ([np.ones((3, 2))], np.ones((3, 2)), None, None, None, 0), ValueError,
     "max_iter"),
]


@pytest.mark.parametrize("fn,args,exc,msg", BAD_CALLS, ids=lambda v: getattr(v, "__name__", None))
def test_bad_input_names_function_and_argument(fn, args, exc, msg):
    with pytest.raises(exc, match=msg) as info:
        fn(*args)
    assert str(info.value).startswith(fn.__name__ + ":")


def test_every_public_callable_is_in_the_battery():
    public = {name for name in ot.__all__ if inspect.isfunction(getattr(ot, name))}
    covered = {fn.__name__ for fn, *_ in BAD_CALLS}
    assert public - covered == set(), f"add bad-input cases for {sorted(public - covered)}"
    assert ot.MAX_DENSE >= 200 * 200 and ot.MAX_LP >= 500 * 500


def test_keyword_arguments_are_checked_too():
    with pytest.raises(ValueError, match="sinkhorn: max_iter must be an integer in"):
        ot.sinkhorn(None, None, GOOD_C, 0.1, max_iter=10**12)
    with pytest.raises(ValueError, match="sinkhorn: tol must be a positive"):
        ot.sinkhorn(None, None, GOOD_C, 0.1, tol=0.0)
    with pytest.raises(ValueError, match="sinkhorn: init must hold potentials"):
        ot.sinkhorn(None, None, GOOD_C, 0.1, init=(np.zeros(2), np.zeros(2)))
    with pytest.raises(TypeError, match="sinkhorn: init must be a pair"):
        ot.sinkhorn(None, None, GOOD_C, 0.1, init=np.zeros(3))
