"""Numerics that hold across scales (issue 9): where the answer is scale-equivariant, the
helpers rescale internally, so inputs from 1e-200 to 1e200 give the same (rescaled)
answer as inputs of order one, never an overflow, an underflow, NaN or a wrong finite number.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlnotes import gp

#: a scale factor 10**e with e in [-200, 200]
scales = st.integers(-200, 200).map(lambda e: 10.0 ** e)
X = np.linspace(-2.0, 2.0, 7)
Y = np.sin(X)
XS = np.linspace(-2.5, 2.5, 5)


@settings(max_examples=60, deadline=None)
@given(c=scales)
@pytest.mark.parametrize("make", [lambda ls: gp.RBF(ls, 1.3), lambda ls: gp.Laplace(ls, 1.3),
                                  lambda ls: gp.Periodic(0.8, ls, 1.3)], ids=["rbf", "laplace", "periodic"])
def test_stationary_kernels_are_scale_equivariant(make, c):
    # k_{c l}(c x, c x') = k_l(x, x'): only distances over length scales (or periods) matter
    K1 = make(0.7)(X, XS)
    Kc = make(0.7 * c)(c * X, c * XS)
    assert np.all(np.isfinite(Kc))
    # both sides are exp of the same ratio up to a few roundings of |x - x'| / l
    assert np.allclose(Kc, K1, rtol=1e-9, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(c=scales)
def test_kernel_diagonal_is_the_variance_at_any_scale(c):
    # k(x, x) = sigma^2 exactly: a zero distance stays zero whatever the length scale
    for k in (gp.RBF(c, 2.0), gp.Laplace(c, 2.0), gp.Periodic(1.0, c, 2.0)):
        assert np.array_equal(k.diag(c * X), np.full(len(X), 2.0))


@settings(max_examples=40, deadline=None)
@given(c=scales)
def test_posterior_is_scale_equivariant_in_the_inputs(c):
    # rescaling inputs and length scale together leaves the posterior unchanged
    m1, S1 = gp.posterior(X, Y, XS, gp.RBF(0.9), noise=1e-2)
    mc, Sc = gp.posterior(c * X, Y, c * XS, gp.RBF(0.9 * c), noise=1e-2)
    # conditioning number of K + 0.01 I is below 1e3, so 1e-9 relative slack is ample
    assert np.allclose(mc, m1, rtol=1e-8, atol=1e-10)
    assert np.allclose(Sc, S1, rtol=1e-8, atol=1e-10)


# ------------------------------------------------------------------ linear algebra
from mlnotes import diffusion  # noqa: E402
from mlnotes.linalg import decomp, norms, spectral  # noqa: E402

V = np.array([1.0, -2.0, 2.0])
A2 = np.array([[2.0, 1.0], [1.0, -3.0]])


@settings(max_examples=60, deadline=None)
@given(c=scales)
def test_householder_depends_on_the_direction_only(c):
    # H(c v) = H(v): v^T v would overflow (c = 1e200) or underflow (c = 1e-200) unscaled
    H = norms.householder(c * V)
    assert np.allclose(H, norms.householder(V), rtol=0, atol=1e-14)
    assert np.allclose(H @ H, np.eye(3), atol=1e-14)


@settings(max_examples=60, deadline=None)
@given(c=scales)
def test_definiteness_and_eigenvalues_scale(c):
    # the sign pattern of the spectrum does not depend on a positive scale factor
    assert spectral.definiteness(c * A2) == spectral.definiteness(A2) == "indefinite"
    ev = np.sort(np.real(spectral.eig2x2(c * A2)))
    assert np.allclose(ev / c, np.sort(np.real(spectral.eig2x2(A2))), rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(c=scales)
def test_pseudoinverse_scales_inversely(c):
    A = np.array([[1.0, 2.0], [2.0, 4.0], [0.0, 1.0]])
    P = decomp.pinv_svd(c * A)
    assert np.allclose(P * c, decomp.pinv_svd(A), rtol=1e-10, atol=1e-14)


# ------------------------------------------------------------------ sliced Wasserstein
@settings(max_examples=40, deadline=None)
@given(c=scales, p=st.sampled_from([1.0, 2.0, 3.5]))
def test_sliced_wasserstein_is_one_homogeneous(c, p):
    # SW_p(cX, cY) = c SW_p(X, Y): |x|^p of 1e200 points would overflow unscaled
    X = np.random.default_rng(0).normal(size=(30, 2))
    Y = np.random.default_rng(1).normal(size=(20, 2)) + 1.0
    sw = diffusion.sliced_wasserstein(X, Y, n_projections=50, p=p, seed=0)
    swc = diffusion.sliced_wasserstein(c * X, c * Y, n_projections=50, p=p, seed=0)
    assert np.isfinite(swc) and swc > 0
    assert np.isclose(swc / c, sw, rtol=1e-10)
