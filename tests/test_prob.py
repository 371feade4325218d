"""Tests of mlnotes.prob and mlnotes.info (Part II: probability, statistics, information theory)."""
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
        ([np.nan, 1.0], r"p must contain only finite numbers"),
        ([], r"p must have at least 1 entries"),
    ])
    def test_rejects(self, bad, msg):
        with pytest.raises(ValueError, match=msg):
            prob.check_prob_vector(bad)

    def test_names_the_argument(self):
        with pytest.raises(ValueError, match=r"kl_divergence: q must sum to 1"):
            info.kl_divergence([0.5, 0.5], [0.5, 0.6])
        with pytest.raises(ValueError, match=r"entropy: p must be non-negative"):
            info.entropy([1.5, -0.5])
        with pytest.raises(TypeError, match=r"p must hold numbers"):
            info.entropy(["a", "b"])


# ---------------------------------------------------------------------- softmax
class TestSquashing:
    @given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 8)), elements=finite), finite)
    def test_softmax(self, z, c):
        s = prob.softmax(z, axis=1)
        assert np.allclose(s, special.softmax(z, axis=1), atol=1e-12)
        assert np.allclose(s.sum(1), 1.0)
        assert np.allclose(prob.softmax(z + c, axis=1), s, atol=1e-10)
        assert np.allclose(np.exp(prob.log_softmax(z, axis=1)), s, atol=1e-12)

    def test_extremes(self):
        assert np.all(np.isfinite(prob.softmax([1e300, 0.0, -1e300])))

    @pytest.mark.parametrize("axis, exc, msg", [(2, ValueError, r"axis must lie in \[-2, 1\]"),
                                                (1.0, TypeError, r"axis must be an int")])
    def test_bad_axis(self, axis, exc, msg):
        with pytest.raises(exc, match=msg):
            prob.softmax(np.zeros((2, 3)), axis=axis)

    def test_bad_values(self):
        with pytest.raises(ValueError, match=r"softmax: z must have at least 1 entries"):
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
        (np.nan, 0.0, ValueError, r"alpha must be (finite|a real number)"),
        ("1", 0.0, TypeError, r"alpha must be (finite|a real number)"),
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


# ----------------------------------------------------------------- Monte Carlo
class TestMonteCarlo:
    def test_standardised_means(self):
        x = np.random.default_rng(0).normal(size=(50, 20))
        z = prob.standardized_means(x, 9, mean=0.0, std=1.0)
        assert np.allclose(z, 3 * x[:, :9].mean(1))

    @given(arrays(np.float64, st.integers(1, 200), elements=st.floats(-6, 6)))
    def test_ks_distance(self, z):
        assert np.isclose(prob.ks_distance_normal(z), stats.kstest(z, "norm").statistic, atol=1e-12)

    @pytest.mark.parametrize("call, exc, msg", [
        (lambda: prob.standardized_means(np.zeros((3, 4)), 5, 0.0, 1.0), ValueError, r"n must lie in \[1, 4\]"),
        (lambda: prob.standardized_means(np.zeros((3, 4)), 2, 0.0, 0.0), ValueError, r"std must be > 0"),
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


@pytest.mark.parametrize("alpha", [1.0000000000000002, 0.9999999999999999, 1 + 1e-9, 1 - 9e-6, 1 + 2e-5])
@pytest.mark.parametrize("beta", [0.0, 0.5, -1.0])
def test_stable_pdf_next_to_alpha_one(alpha, beta):
    """Slider positions such as 0.1 + 18 * 0.05 = 1.0000000000000002 must not break the density."""
    x = np.linspace(-6, 6, 13)
    p = prob.stable_pdf(x, alpha, beta)
    assert np.all(np.isfinite(p)) and np.allclose(p, prob.stable_pdf(x, 1.0, beta), atol=1e-5)
    s = prob.stable_from_uniforms(alpha, beta, np.linspace(-1.4, 1.4, 9), np.full(9, 0.7))
    assert np.allclose(s, prob.stable_from_uniforms(1.0, beta, np.linspace(-1.4, 1.4, 9), np.full(9, 0.7)), atol=5e-3)
