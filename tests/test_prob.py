"""Tests of mlnotes.prob and mlnotes.info (Part II: probability, statistics, information theory)."""
import itertools
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import integrate, special, stats

from mlnotes import info, prob

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


def prob_vectors(min_size=1, max_size=8):
    """Probability vectors, some with exact zeros."""
    return arrays(np.float64, st.integers(min_size, max_size), elements=st.floats(0, 1)).filter(
        lambda a: a.sum() > 1e-3).map(lambda a: a / a.sum())


def spd(d, rng):
    A = rng.normal(size=(d, d))
    return A @ A.T + 0.5 * np.eye(d)


# ----------------------------------------------------------------- validation
class TestProbVector:
    @given(prob_vectors())
    def test_accepts_probability_vectors(self, p):
        assert np.array_equal(prob.check_prob_vector(p), p)

    @pytest.mark.parametrize("bad, msg", [
        ([0.5, 0.6], r"p must sum to 1, got a sum of 1\.1"),
        ([1.2, -0.2], r"p must be non-negative"),
        ([[0.5, 0.5]], r"p must be 1-D"),
        ([np.nan, 1.0], r"p contains NaN"),
        ([], r"p must hold at least 1"),
    ])
    def test_rejects(self, bad, msg):
        with pytest.raises(ValueError, match=msg):
            prob.check_prob_vector(bad)

    def test_names_the_argument(self):
        with pytest.raises(ValueError, match=r"kl_divergence: q must sum to 1"):
            info.kl_divergence([0.5, 0.5], [0.5, 0.6])
        with pytest.raises(ValueError, match=r"entropy: p must be non-negative"):
            info.entropy([1.5, -0.5])
        with pytest.raises(TypeError, match=r"p must be an array of real numbers"):
            info.entropy(["a", "b"])


# ----------------------------------------------------------------- foundations
class TestBayes:
    def test_matches_joint_table(self):
        rng = np.random.default_rng(0)
        joint = rng.random((5, 3))
        joint /= joint.sum()
        prior = joint.sum(1)
        for j in range(3):
            lik = joint[:, j] / prior
            assert np.allclose(prob.bayes_posterior(prior, lik), joint[:, j] / joint[:, j].sum())

    def test_screening_example(self):
        assert np.isclose(prob.bayes_posterior([0.01, 0.99], [0.95, 0.05])[0], 0.0095 / 0.059)

    @pytest.mark.parametrize("prior, lik, exc, msg", [
        ([0.5, 0.6], [0.1, 0.2], ValueError, r"prior must sum to 1"),
        ([0.5, 0.5], [0.1, 0.2, 0.3], ValueError, r"likelihood must have the shape of prior"),
        ([0.5, 0.5], [0.1, 1.2], ValueError, r"likelihood values must lie in \[0, 1\]"),
        ([1.0, 0.0], [0.0, 0.7], ValueError, r"evidence .* is 0"),
    ])
    def test_bad_inputs(self, prior, lik, exc, msg):
        with pytest.raises(exc, match=msg):
            prob.bayes_posterior(prior, lik)


class TestConvolution:
    def test_two_uniforms_make_a_triangle(self):
        dx = 1e-3
        f = np.ones(1000)
        g = prob.convolve_densities(f, f, dx)
        z = dx + dx * np.arange(g.size)
        assert np.allclose(g, stats.triang(0.5, 0, 2).pdf(z), atol=2 * dx)
        assert np.isclose(g.sum() * dx, 1.0, atol=1e-9)

    def test_uniform_sum_pdf(self):
        z = np.linspace(-1, 3, 4001)
        assert np.isclose(integrate.trapezoid(prob.uniform_sum_pdf(z), z), 1.0, atol=1e-6)
        assert np.allclose(prob.uniform_sum_pdf(z), stats.triang(0.5, 0, 2).pdf(z), atol=1e-12)

    @pytest.mark.parametrize("kw, exc, msg", [
        (dict(dx=0.0), ValueError, r"dx must be a positive number"),
        (dict(dx=-1.0), ValueError, r"dx must be a positive number"),
        (dict(dx="a"), TypeError, r"dx must be a finite real number"),
        (dict(fx=[-1.0, 1.0]), ValueError, r"must be non-negative"),
        (dict(fy=[[1.0]]), ValueError, r"fy must be 1-D"),
    ])
    def test_bad_inputs(self, kw, exc, msg):
        args = dict(fx=[1.0, 1.0], fy=[1.0], dx=0.1)
        args.update(kw)
        with pytest.raises(exc, match=msg):
            prob.convolve_densities(**args)


class TestGaussian:
    @settings(max_examples=40, deadline=None)
    @given(st.integers(2, 6), st.integers(0, 10_000))
    def test_conditional_matches_inverse_formula(self, d, seed):
        rng = np.random.default_rng(seed)
        S, m = spd(d, rng), rng.normal(size=d)
        k = rng.integers(1, d)
        b = np.sort(rng.choice(d, size=k, replace=False))
        a = np.setdiff1d(np.arange(d), b)
        xb = rng.normal(size=k)
        mean, cov = prob.gaussian_conditional(m, S, b, xb)
        inv = np.linalg.inv(S[np.ix_(b, b)])
        assert np.allclose(mean, m[a] + S[np.ix_(a, b)] @ inv @ (xb - m[b]), atol=1e-8)
        assert np.allclose(cov, S[np.ix_(a, a)] - S[np.ix_(a, b)] @ inv @ S[np.ix_(b, a)], atol=1e-8)
        assert np.allclose(cov, cov.T) and np.linalg.eigvalsh(cov).min() > 0

    def test_conditional_by_sampling(self):
        rng = np.random.default_rng(1)
        S = np.array([[1.0, 0.6], [0.6, 0.8]])
        pts = rng.multivariate_normal([0.5, -0.3], S, size=400_000)
        near = np.abs(pts[:, 0] - 1.2) < 0.02
        m, v = prob.gaussian_conditional([0.5, -0.3], S, [0], [1.2])
        assert abs(pts[near, 1].mean() - m[0]) < 4 * math.sqrt(v[0, 0] / near.sum())

    def test_marginal(self):
        S = spd(4, np.random.default_rng(2))
        m, C = prob.gaussian_marginal(np.arange(4.0), S, [3, 1])
        assert np.allclose(m, [3.0, 1.0]) and np.allclose(C, S[np.ix_([3, 1], [3, 1])])

    @pytest.mark.parametrize("kw, exc, msg", [
        (dict(cov=np.eye(3)), ValueError, r"cov must have shape \(2, 2\)"),
        (dict(cov=[[1.0, 0.5], [0.0, 1.0]]), ValueError, r"cov must be symmetric"),
        (dict(given=[0, 1], value=[1.0, 2.0]), ValueError, r"at least one free coordinate"),
        (dict(given=[2]), ValueError, r"given must hold distinct ints in \[0, 1\]"),
        (dict(given=[0.5]), TypeError, r"given must be a non-empty list of ints"),
        (dict(value=[1.0, 2.0]), ValueError, r"value must hold 1 number"),
        (dict(cov=[[0.0, 0.0], [0.0, 1.0]]), ValueError, r"must be positive definite"),
        (dict(mean=[np.nan, 0.0]), ValueError, r"mean contains NaN"),
    ])
    def test_bad_inputs(self, kw, exc, msg):
        args = dict(mean=[0.0, 0.0], cov=np.eye(2), given=[0], value=[1.0])
        args.update(kw)
        with pytest.raises(exc, match=msg):
            prob.gaussian_conditional(**args)

    def test_marginal_bad_keep(self):
        with pytest.raises(ValueError, match=r"keep must hold distinct ints"):
            prob.gaussian_marginal([0.0, 0.0], np.eye(2), [0, 0])


class TestTransformedPdf:
    def test_lognormal(self):
        y = np.linspace(0.01, 10, 300)
        assert np.allclose(prob.transformed_pdf(y, stats.norm.pdf, np.log, lambda t: 1 / t),
                           stats.lognorm(1).pdf(y), atol=1e-13)

    def test_decreasing_map_uses_absolute_value(self):
        y = np.linspace(-5, 5, 50)
        p = prob.transformed_pdf(y, stats.norm(1, 2).pdf, lambda t: -t, lambda t: -np.ones_like(t))
        assert np.allclose(p, stats.norm(-1, 2).pdf(y))

    def test_not_callable(self):
        with pytest.raises(TypeError, match=r"inverse must be callable"):
            prob.transformed_pdf([1.0], stats.norm.pdf, 3.0, np.exp)


# ---------------------------------------------------- logistic, softplus, softmax
class TestSquashing:
    @given(arrays(np.float64, st.integers(1, 30), elements=finite))
    def test_identities(self, x):
        s = prob.sigmoid(x)
        assert np.all((s >= 0) & (s <= 1))
        assert np.allclose(prob.sigmoid(-x), 1 - s, atol=1e-15)
        assert np.allclose(s, special.expit(x), rtol=1e-12, atol=1e-300)
        assert np.allclose(prob.log_sigmoid(x), -prob.softplus(-x), rtol=1e-12, atol=1e-12)
        assert np.allclose(prob.softplus(x) - prob.softplus(-x), x, rtol=1e-12, atol=1e-9)
        assert np.all(np.isfinite(prob.softplus(x))) and np.all(prob.softplus(x) >= 0)

    @given(arrays(np.float64, st.integers(1, 20), elements=st.floats(-20, 20)))
    def test_softplus_derivative_is_sigmoid(self, x):
        h = 1e-5
        assert np.allclose((prob.softplus(x + h) - prob.softplus(x - h)) / (2 * h), prob.sigmoid(x), atol=1e-8)

    @given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 8)), elements=finite), finite)
    def test_softmax(self, z, c):
        s = prob.softmax(z, axis=1)
        assert np.allclose(s, special.softmax(z, axis=1), atol=1e-12)
        assert np.allclose(s.sum(1), 1.0)
        assert np.allclose(prob.softmax(z + c, axis=1), s, atol=1e-10)
        assert np.allclose(np.exp(prob.log_softmax(z, axis=1)), s, atol=1e-12)

    def test_extremes(self):
        x = np.array([-1e308, -1000.0, 0.0, 1000.0, 1e308])
        assert np.all(np.isfinite(prob.sigmoid(x))) and np.all(np.isfinite(prob.log_sigmoid(x[1:4])))
        assert np.all(np.isfinite(prob.softmax([1e300, 0.0, -1e300])))
        assert prob.softplus(1000.0) == 1000.0

    @pytest.mark.parametrize("axis, exc, msg", [(2, ValueError, r"axis must lie in \[-2, 1\]"),
                                                (1.0, TypeError, r"axis must be an int")])
    def test_bad_axis(self, axis, exc, msg):
        with pytest.raises(exc, match=msg):
            prob.softmax(np.zeros((2, 3)), axis=axis)

    def test_bad_values(self):
        with pytest.raises(ValueError, match=r"sigmoid: x contains NaN"):
            prob.sigmoid([np.nan])
        with pytest.raises(ValueError, match=r"softmax: z must hold at least 1"):
            prob.softmax([])


# ----------------------------------------------------------------- stable laws
def _fourier_pdf(x, alpha, beta):
    """S0 density by numerical Fourier inversion of the characteristic function (reference)."""
    tan = math.tan(math.pi * alpha / 2)

    def integrand(t):
        return (np.exp(-t ** alpha * (1 + 1j * beta * tan * (t ** (1 - alpha) - 1))) * np.exp(-1j * t * x)).real

    edges = np.concatenate([[0.0], np.geomspace(1e-3, 40 ** (1 / alpha), 30)])
    return sum(integrate.quad(integrand, a, b, limit=200, epsabs=1e-14)[0] for a, b in zip(edges[:-1], edges[1:])) / math.pi


class TestStable:
    @pytest.mark.parametrize("alpha, beta", [(0.5, 0.0), (0.8, 0.6), (1.0, -0.5), (1.3, 1.0), (1.7, 0.6), (1.95, -1.0)])
    def test_against_scipy(self, alpha, beta):
        x = np.linspace(-5, 5, 11)
        loc = -beta * math.tan(math.pi * alpha / 2) if alpha != 1 else 0.0
        ref = stats.levy_stable.pdf(x, alpha, beta, loc=loc)
        # scipy's own error reaches a few 1e-4 for some parameters (e.g. alpha = 1.7, beta = 0.6)
        assert np.allclose(prob.stable_pdf(x, alpha, beta), ref, atol=5e-4)

    @pytest.mark.parametrize("alpha, beta, x", [(1.7, 0.6, 0.3), (1.8, -0.3, -0.1), (0.9, 0.3, -1.3), (1.2, -0.8, 2.2)])
    def test_against_fourier_inversion(self, alpha, beta, x):
        assert abs(prob.stable_pdf(np.array([x]), alpha, beta)[0] - _fourier_pdf(x, alpha, beta)) < 1e-7

    def test_closed_forms(self):
        x = np.linspace(-8, 8, 81)
        assert np.allclose(prob.stable_pdf(x, 2.0, 0.7), stats.norm(0, math.sqrt(2)).pdf(x))
        assert np.allclose(prob.stable_pdf(x, 1.0, 0.0), stats.cauchy.pdf(x))
        xl = np.linspace(0.05, 10, 60)
        assert np.allclose(prob.stable_pdf(xl - 1, 0.5, 1.0), stats.levy.pdf(xl), atol=1e-8)

    @settings(max_examples=30, deadline=None)
    @given(st.floats(0.1, 2.0), st.floats(-1.0, 1.0),
           arrays(np.float64, st.integers(1, 12), elements=st.floats(-50, 50)))
    def test_reflection_and_sanity(self, alpha, beta, x):
        p = prob.stable_pdf(x, alpha, beta)
        assert p.shape == x.shape and np.all(np.isfinite(p)) and np.all(p >= 0)
        assert np.allclose(p, prob.stable_pdf(-x, alpha, -beta), atol=1e-10)

    @pytest.mark.parametrize("alpha, beta", [(0.6, 0.5), (1.0, 0.9), (1.5, -0.3)])
    def test_integrates_to_one(self, alpha, beta):
        f = lambda t: prob.stable_pdf(np.array([t]), alpha, beta)[0]  # noqa: E731
        assert np.isclose(integrate.quad(f, -np.inf, np.inf, limit=300)[0], 1.0, atol=1e-4)

    def test_continuous_in_alpha_at_one(self):
        x = np.linspace(-4, 4, 17)
        assert np.allclose(prob.stable_pdf(x, 0.999, 0.5), prob.stable_pdf(x, 1.0, 0.5), atol=2e-3)
        assert np.allclose(prob.stable_pdf(x, 1.001, 0.5), prob.stable_pdf(x, 1.0, 0.5), atol=2e-3)

    @pytest.mark.parametrize("alpha, beta", [(0.7, 0.0), (1.5, 0.8), (1.0, -0.4), (1.9, 1.0)])
    def test_sampler_against_scipy(self, alpha, beta):
        ours = prob.stable_rvs(alpha, beta, 20_000, rng=1)
        loc = -beta * math.tan(math.pi * alpha / 2) if alpha != 1 else 0.0
        ref = stats.levy_stable.rvs(alpha, beta, loc=loc, size=20_000, random_state=2)
        assert stats.ks_2samp(ours, ref).pvalue > 1e-4

    def test_sampler_special_cases(self):
        assert stats.kstest(prob.stable_rvs(2.0, 0.3, 20_000, rng=3), stats.norm(0, math.sqrt(2)).cdf).pvalue > 1e-4
        assert stats.kstest(prob.stable_rvs(1.0, 0.0, 20_000, rng=4), "cauchy").pvalue > 1e-4
        v = np.linspace(-1.5, 1.5, 7)
        assert np.allclose(prob.stable_from_uniforms(1.0, 0.0, v, np.ones(7)), np.tan(v))

    @pytest.mark.parametrize("alpha, beta, exc, msg", [
        (0.0, 0.0, ValueError, r"alpha must lie in \(0, 2\]"),
        (2.5, 0.0, ValueError, r"alpha must lie in \(0, 2\]"),
        (1.5, 1.5, ValueError, r"beta must lie in \[-1, 1\]"),
        (np.nan, 0.0, ValueError, r"alpha must be a finite real number"),
        ("1", 0.0, TypeError, r"alpha must be a finite real number"),
    ])
    def test_bad_parameters(self, alpha, beta, exc, msg):
        with pytest.raises(exc, match=msg):
            prob.stable_pdf([0.0], alpha, beta)
        with pytest.raises(exc, match=msg):
            prob.stable_rvs(alpha, beta, 3, rng=0)

    def test_bad_uniforms(self):
        with pytest.raises(ValueError, match=r"v must lie in the open interval"):
            prob.stable_from_uniforms(1.5, 0.0, [2.0], [1.0])
        with pytest.raises(ValueError, match=r"w must be positive"):
            prob.stable_from_uniforms(1.5, 0.0, [0.1], [0.0])
        with pytest.raises(ValueError, match=r"v and w must have the same shape"):
            prob.stable_from_uniforms(1.5, 0.0, [0.1, 0.2], [1.0])
        with pytest.raises(TypeError, match=r"rng must be a numpy Generator"):
            prob.stable_rvs(1.5, 0.0, 3, rng="seed")


class TestMoments:
    @given(arrays(np.float64, st.integers(3, 50), elements=st.floats(-100, 100)))
    def test_matches_scipy_describe(self, x):
        assume(np.ptp(x) > 1e-3)
        m = prob.sample_moments(x)
        d = stats.describe(x, bias=True)
        assert np.isclose(m["mean"], d.mean) and np.isclose(m["var"], x.var())
        assert np.isclose(m["skew"], d.skewness, atol=1e-8) and np.isclose(m["kurt"], d.kurtosis, atol=1e-8)

    def test_constant(self):
        with pytest.raises(ValueError, match=r"x is constant"):
            prob.sample_moments([2.0, 2.0, 2.0])


# ----------------------------------------------------------------- estimation
class TestEstimation:
    def test_coin_mle(self):
        p = np.linspace(0, 1, 80001)
        ll = prob.bernoulli_log_likelihood(p, 49, 80)
        assert np.isclose(p[np.argmax(ll)], 49 / 80)
        assert np.allclose(ll[1:-1], stats.binom.logpmf(49, 80, p[1:-1]))
        assert ll[0] == -np.inf and ll[-1] == -np.inf

    @pytest.mark.parametrize("kw, exc, msg", [
        (dict(heads=81), ValueError, r"heads must lie in \[0, n = 80\]"),
        (dict(heads=-1), ValueError, r"heads must be an int >= 0"),
        (dict(n=0), ValueError, r"n must be an int >= 1"),
        (dict(p=[1.5]), ValueError, r"p must lie in \[0, 1\]"),
        (dict(n=80.0), TypeError, r"n must be an int"),
    ])
    def test_coin_bad_inputs(self, kw, exc, msg):
        args = dict(p=[0.5], heads=49, n=80)
        args.update(kw)
        with pytest.raises(exc, match=msg):
            prob.bernoulli_log_likelihood(**args)

    @given(arrays(np.int64, st.integers(1, 8), elements=st.integers(0, 1000)).filter(lambda c: c.sum() > 0))
    def test_categorical_mle_maximises(self, counts):
        pi = prob.categorical_mle(counts)
        assert np.isclose(pi.sum(), 1.0) and np.all(pi[counts == 0] == 0)
        rng = np.random.default_rng(int(counts.sum()))
        others = rng.dirichlet(np.ones(counts.size), size=200)
        best = np.sum(special.xlogy(counts, pi))
        assert np.all(np.sum(special.xlogy(counts, others), axis=1) <= best + 1e-9)

    @pytest.mark.parametrize("counts, msg", [([1, -1], "non-negative whole numbers"), ([0.5, 1], "non-negative whole"),
                                             ([0, 0], "must not all be 0")])
    def test_categorical_bad(self, counts, msg):
        with pytest.raises(ValueError, match=msg):
            prob.categorical_mle(counts)

    def test_estimator_stats_variance_divisors(self):
        sampler = lambda g, s: g.normal(0, 2.0, s)  # noqa: E731
        r = prob.estimator_stats(lambda x: x.var(axis=1, ddof=0), sampler, truth=4.0, n=10, reps=50_000, rng=0)
        assert abs(r["bias"] + 0.4) < 0.05 and np.isclose(r["mse"], r["bias"] ** 2 + r["var"])
        r1 = prob.estimator_stats(lambda x: x.var(axis=1, ddof=1), sampler, truth=4.0, n=10, reps=50_000, rng=0)
        assert abs(r1["bias"]) < 0.05 and r1["mse"] > r["mse"]

    def test_estimator_stats_bad(self):
        sampler = lambda g, s: g.normal(size=s)  # noqa: E731
        with pytest.raises(ValueError, match=r"estimator must return 100 values"):
            prob.estimator_stats(lambda x: x.mean(), sampler, 0.0, n=5, reps=100)
        with pytest.raises(ValueError, match=r"sampler must return an array of shape \(100, 5\)"):
            prob.estimator_stats(lambda x: x.mean(1), lambda g, s: g.normal(size=3), 0.0, n=5, reps=100)
        with pytest.raises(TypeError, match=r"must be callable"):
            prob.estimator_stats(None, sampler, 0.0, n=5)


class TestMonteCarlo:
    def test_pi(self):
        est, pts, inside = prob.mc_pi(50_000, rng=0, return_points=True)
        assert abs(est - math.pi) < 4 * 1.642 / math.sqrt(50_000)
        assert np.array_equal(inside, (pts ** 2).sum(1) <= 1)

    def test_rate(self):
        ns = np.unique(np.geomspace(100, 10 ** 6, 9).astype(int))
        r = prob.mc_pi_rmse(ns, reps=300, rng=1)
        assert abs(prob.loglog_slope(ns, r) + 0.5) < 0.05

    @given(st.floats(-3, 3), st.floats(0.1, 10))
    def test_loglog_slope_exact(self, s, c):
        x = np.geomspace(1, 1000, 7)
        assert np.isclose(prob.loglog_slope(x, c * x ** s), s, atol=1e-9)

    def test_running_mean_and_standardised(self):
        x = np.random.default_rng(0).normal(size=(50, 20))
        assert np.allclose(prob.running_mean(x[0]), np.cumsum(x[0]) / np.arange(1, 21))
        z = prob.standardized_means(x, 9, mean=0.0, std=1.0)
        assert np.allclose(z, 3 * x[:, :9].mean(1))

    @given(arrays(np.float64, st.integers(1, 200), elements=st.floats(-6, 6)))
    def test_ks_distance(self, z):
        assert np.isclose(prob.ks_distance_normal(z), stats.kstest(z, "norm").statistic, atol=1e-12)

    @pytest.mark.parametrize("call, exc, msg", [
        (lambda: prob.mc_pi(0), ValueError, r"n must be an int >= 1"),
        (lambda: prob.mc_pi_rmse([10, 0]), ValueError, r"ns must be a non-empty 1-D list of positive ints"),
        (lambda: prob.mc_pi_rmse([10.5]), ValueError, r"ns must be"),
        (lambda: prob.loglog_slope([1, 2], [1, -1]), ValueError, r"x and y must be positive"),
        (lambda: prob.loglog_slope([1, 2, 3], [1, 2]), ValueError, r"same length"),
        (lambda: prob.standardized_means(np.zeros((3, 4)), 5, 0.0, 1.0), ValueError, r"n must lie in \[1, 4\]"),
        (lambda: prob.standardized_means(np.zeros((3, 4)), 2, 0.0, 0.0), ValueError, r"std must be a positive"),
        (lambda: prob.mc_pi(10, rng=-1), ValueError, r"rng seed must be a non-negative int"),
    ])
    def test_bad_inputs(self, call, exc, msg):
        with pytest.raises(exc, match=msg):
            call()


# ----------------------------------------------------------------- t tests
class TestTTests:
    @settings(max_examples=30, deadline=None)
    @given(arrays(np.float64, st.integers(2, 30), elements=st.floats(-100, 100)), st.floats(-50, 50))
    def test_one_sample(self, x, mu0):
        assume(np.std(x) > 1e-3)
        t, df = prob.one_sample_t(x, mu0)
        ref = stats.ttest_1samp(x, mu0)
        assert np.isclose(t, ref.statistic, rtol=1e-9) and df == x.size - 1
        assert np.isclose(prob.t_pvalue(t, df), ref.pvalue, rtol=1e-7, atol=1e-300)
        for alt, side in (("less", "less"), ("greater", "greater")):
            assert np.isclose(prob.t_pvalue(t, df, alt), stats.ttest_1samp(x, mu0, alternative=side).pvalue,
                              rtol=1e-7, atol=1e-300)

    @given(st.floats(-50, 50), st.floats(0.1, 20), st.integers(2, 50), st.floats(-50, 50), st.floats(0.1, 20),
           st.integers(2, 50))
    def test_welch(self, m1, s1, n1, m2, s2, n2):
        t, nu = prob.welch_t(m1, s1, n1, m2, s2, n2)
        ref = stats.ttest_ind_from_stats(m1, s1, n1, m2, s2, n2, equal_var=False)
        assert np.isclose(t, ref.statistic) and np.isclose(prob.t_pvalue(t, nu), ref.pvalue, atol=1e-12)

    def test_blood_pressure_numbers(self):
        t, nu = prob.welch_t(143.25, 4.37, 20, 149.55, 3.10, 20)
        assert np.isclose(t, -5.2585, atol=1e-4)
        assert 5e-6 < prob.t_pvalue(t, 38) < 7e-6
        assert np.isclose(prob.t_pvalue(1.61, 38, "greater"), 0.0578, atol=1e-4)

    def test_interval(self):
        x = np.random.default_rng(0).normal(3, 2, size=(4, 9))
        lo, hi = prob.t_interval(x, 0.9)
        for i in range(4):
            ref = stats.t.interval(0.9, 8, loc=x[i].mean(), scale=stats.sem(x[i]))
            assert np.isclose(lo[i], ref[0]) and np.isclose(hi[i], ref[1])

    def test_coverage(self):
        cov = prob.t_interval_coverage(2.0, 3.0, 6, 0.9, reps=20_000, rng=5)
        assert abs(cov - 0.9) < prob.binomial_tolerance(0.9, 20_000)

    @pytest.mark.parametrize("call, exc, msg", [
        (lambda: prob.t_pvalue(1.0, 5, "both"), ValueError, r"alternative must be one of"),
        (lambda: prob.t_pvalue(1.0, 0), ValueError, r"df must be a positive number"),
        (lambda: prob.t_interval([1.0, 2.0], 1.0), ValueError, r"level must lie in \(0, 1\)"),
        (lambda: prob.t_interval([[1.0], [2.0]]), ValueError, r"at least 2 values along its last axis"),
        (lambda: prob.one_sample_t([1.0, 1.0]), ValueError, r"x is constant"),
        (lambda: prob.welch_t(0, 1, 1, 0, 1, 5), ValueError, r"n1 must be an int >= 2"),
        (lambda: prob.welch_t(0, -1, 5, 0, 1, 5), ValueError, r"sd1 must be a positive number"),
        (lambda: prob.binomial_tolerance(1.5, 10), ValueError, r"p must lie in \[0, 1\]"),
    ])
    def test_bad_inputs(self, call, exc, msg):
        with pytest.raises(exc, match=msg):
            call()


# ----------------------------------------------------------------- information theory
class TestEntropyKL:
    @given(prob_vectors(), st.sampled_from([None, 2, 10]))
    def test_entropy_matches_scipy(self, p, base):
        H = info.entropy(p, base=base)
        assert np.isclose(H, stats.entropy(p, base=base), atol=1e-12)
        log_k = math.log(p.size) / (1 if base is None else math.log(base))
        assert -1e-12 <= H <= log_k + 1e-12

    @given(st.integers(2, 8).flatmap(lambda k: st.tuples(
        arrays(np.float64, k, elements=st.floats(0.01, 1)), arrays(np.float64, k, elements=st.floats(0.01, 1)))))
    def test_kl_and_cross_entropy(self, pq):
        p, q = pq[0] / pq[0].sum(), pq[1] / pq[1].sum()
        kl = info.kl_divergence(p, q)
        assert kl >= -1e-12 and np.isclose(kl, special.rel_entr(p, q).sum()) and np.isclose(kl, stats.entropy(p, q))
        assert np.isclose(info.cross_entropy(p, q), info.entropy(p) + kl)
        assert abs(info.kl_divergence(p, p)) < 1e-12

    def test_infinite_and_bad(self):
        assert info.kl_divergence([0.5, 0.5], [1.0, 0.0]) == math.inf
        assert info.cross_entropy([0.5, 0.5], [1.0, 0.0]) == math.inf
        assert info.kl_divergence([1.0, 0.0], [0.5, 0.5]) == pytest.approx(math.log(2))
        with pytest.raises(ValueError, match=r"p and q must have the same length"):
            info.kl_divergence([0.5, 0.5], [1.0])
        with pytest.raises(ValueError, match=r"base must be a positive number other than 1"):
            info.entropy([0.5, 0.5], base=1)
        with pytest.raises(ValueError, match=r"self_information: p must lie in \(0, 1\]"):
            info.self_information([0.0])

    def test_gaussians(self):
        for s in (0.1, 1.0, 5.0):
            assert np.isclose(info.gaussian_entropy(s), stats.norm(0, s).entropy())
        assert info.gaussian_entropy(0.2) < 0
        p, q = stats.norm(0.5, 0.3), stats.norm(-1, 2.0)
        num = integrate.quad(lambda x: p.pdf(x) * (p.logpdf(x) - q.logpdf(x)), -6, 7)[0]
        assert np.isclose(info.kl_gaussians(0.5, 0.3, -1, 2.0), num, atol=1e-9)
        with pytest.raises(ValueError, match=r"sigma2 must be a positive number"):
            info.kl_gaussians(0, 1, 0, 0)


def _brute_force_length(p):
    k = len(p)
    best = math.inf
    for lens in itertools.product(range(1, k), repeat=k):
        if sum(2.0 ** -l for l in lens) <= 1 + 1e-12:
            best = min(best, float(np.dot(p, lens)))
    return best


class TestHuffman:
    @settings(max_examples=40, deadline=None)
    @given(arrays(np.float64, st.integers(2, 5), elements=st.floats(0.01, 1)))
    def test_optimal_and_within_shannon_bound(self, w):
        p = w / w.sum()
        code = info.huffman_code(p)
        words = list(code.values())
        L = info.expected_length(p, code)
        assert info.is_prefix_free(words)
        assert np.isclose(info.kraft_sum([len(c) for c in words]), 1.0)
        H2 = info.entropy(p, base=2)
        assert H2 - 1e-12 <= L < H2 + 1
        assert np.isclose(L, _brute_force_length(p))

    def test_notes_example(self):
        p = [0.5, 0.25, 0.15, 0.1]
        code = info.huffman_code(p, "ABCD")
        assert {s: len(w) for s, w in code.items()} == {"A": 1, "B": 2, "C": 3, "D": 3}
        assert info.expected_length(p, ["0", "10", "110", "111"]) == pytest.approx(1.75)
        assert info.entropy(p, base=2) == pytest.approx(1.7427, abs=5e-5)

    def test_edge_cases(self):
        assert info.huffman_code([1.0], ["x"]) == {"x": "0"}
        code = info.huffman_code([0.5, 0.5, 0.0])            # zero-probability symbol still gets a word
        assert info.is_prefix_free(code.values()) and len(code) == 3
        assert not info.is_prefix_free(["0", "01"]) and not info.is_prefix_free(["1", "1"])

    @pytest.mark.parametrize("call, exc, msg", [
        (lambda: info.huffman_code([0.5, 0.5], ["a"]), ValueError, r"symbols must have one name per probability"),
        (lambda: info.huffman_code([0.5, 0.5], ["a", "a"]), ValueError, r"symbols must be distinct"),
        (lambda: info.huffman_code([0.5, 0.6]), ValueError, r"huffman_code: p must sum to 1"),
        (lambda: info.expected_length([0.5, 0.5], {0: "0"}), ValueError, r"code has no word for symbol"),
        (lambda: info.expected_length([0.5, 0.5], ["0", ""]), TypeError, r"non-empty strings"),
        (lambda: info.kraft_sum([0, 1]), ValueError, r"lengths must be a non-empty list of positive ints"),
        (lambda: info.kraft_sum([1, 2], arity=1), ValueError, r"arity must be an int >= 2"),
    ])
    def test_bad_inputs(self, call, exc, msg):
        with pytest.raises(exc, match=msg):
            call()


class TestKLFit:
    def test_forward_matches_moments_reverse_finds_mode(self):
        x = np.linspace(-9, 9, 4001)
        p = 0.5 * stats.norm(-2, 0.6).pdf(x) + 0.5 * stats.norm(2, 0.6).pdf(x)
        mu, s, _ = info.fit_gaussian_kl(x, p, "forward", init=(1.0, 1.0))
        assert abs(mu) < 1e-3 and abs(s ** 2 - 4.36) < 1e-2
        mu_r, s_r, kl_r = info.fit_gaussian_kl(x, p, "reverse", init=(1.0, 1.0))
        assert abs(mu_r - 2) < 0.02 and abs(s_r - 0.6) < 0.02 and abs(kl_r - math.log(2)) < 0.01

    def test_forward_on_skewed_target(self):
        x = np.linspace(0, 40, 8001)
        g = stats.gamma(3, scale=2)
        mu, s, _ = info.fit_gaussian_kl(x, g.pdf(x), "forward", init=(3.0, 2.0))
        assert abs(mu - g.mean()) < 1e-3 and abs(s ** 2 - g.var()) < 1e-2

    @pytest.mark.parametrize("kw, exc, msg", [
        (dict(direction="both"), ValueError, r"direction must be 'forward' or 'reverse'"),
        (dict(x=np.r_[0.0, 0.5, 2.0]), ValueError, r"x must be an increasing, evenly spaced grid"),
        (dict(p=np.full(3, 2.0)), ValueError, r"p must integrate to 1"),
        (dict(init=(0.0, -1.0)), ValueError, r"init\[1\] must be a positive number"),
        (dict(init=0.0), TypeError, r"init must be a pair"),
    ])
    def test_bad_inputs(self, kw, exc, msg):
        args = dict(x=np.array([0.0, 1.0, 2.0]), p=np.array([0.25, 0.5, 0.25]), direction="forward")
        args.update(kw)
        with pytest.raises(exc, match=msg):
            info.fit_gaussian_kl(**args)


@pytest.mark.parametrize("alpha", [1.0000000000000002, 0.9999999999999999, 1 + 1e-9, 1 - 9e-6, 1 + 2e-5])
@pytest.mark.parametrize("beta", [0.0, 0.5, -1.0])
def test_stable_pdf_next_to_alpha_one(alpha, beta):
    """Slider positions such as 0.1 + 18 * 0.05 = 1.0000000000000002 must not break the density."""
    x = np.linspace(-6, 6, 13)
    p = prob.stable_pdf(x, alpha, beta)
    assert np.all(np.isfinite(p)) and np.allclose(p, prob.stable_pdf(x, 1.0, beta), atol=1e-5)
    s = prob.stable_from_uniforms(alpha, beta, np.linspace(-1.4, 1.4, 9), np.full(9, 0.7))
    assert np.allclose(s, prob.stable_from_uniforms(1.0, beta, np.linspace(-1.4, 1.4, 9), np.full(9, 0.7)), atol=5e-3)
