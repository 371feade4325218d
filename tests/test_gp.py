"""Tests of mlnotes.gp: kernels, Cholesky with jitter, prior/posterior against scikit-learn."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.gaussian_process import GaussianProcessRegressor

from mlnotes import gp

KERNELS = [
    gp.RBF(0.7, 1.3),
    gp.Laplace(0.5, 2.0),
    gp.Linear(1.5, 0.3),
    gp.Periodic(0.8, 2.0, 1.1),
    gp.Polynomial(3, 1.0, 0.5),
    gp.RBF(1.0) + gp.Periodic(1.0, 2.0),
    gp.RBF(2.0) * gp.Linear(),
    2.5 * gp.Laplace(1.0),
]


def _data(n=15, d=1, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3, 3, (n, d))
    y = np.sin(x).sum(1) + 0.1 * rng.standard_normal(n)
    xs = rng.uniform(-4, 4, (40, d))
    return x, y, xs


# ------------------------------------------------------------------ kernels
@pytest.mark.parametrize("k", KERNELS, ids=repr)
def test_kernel_matrix_matches_sklearn(k):
    x, _, xs = _data(d=2)
    assert np.allclose(gp.kernel_matrix(k, x, xs), k.to_sklearn()(x, xs), atol=1e-12, rtol=1e-12)
    assert np.allclose(k.diag(xs), np.diag(k(xs)), atol=1e-14)


@pytest.mark.parametrize("k", KERNELS, ids=repr)
def test_kernel_matrix_is_symmetric_psd(k):
    x, _, _ = _data(n=60)
    K = k(x)
    assert np.allclose(K, K.T, atol=0)
    lam = np.linalg.eigvalsh(K)
    assert lam[0] > -1e-9 * lam[-1]


def test_stationarity_flags_and_shift_invariance():
    rng = np.random.default_rng(1)
    x, h = rng.normal(size=(20, 1)), 3.7
    for k in KERNELS:
        shifted = np.allclose(k(x + h), k(x), atol=1e-12)
        assert shifted == k.stationary, repr(k)


def test_make_kernel_specs():
    k = gp.make_kernel("rbf+periodic", length_scale=0.5, variance=2.0, period=3.0)
    assert k == gp.Sum(gp.RBF(0.5, 2.0), gp.Periodic(0.5, 3.0, 2.0))
    k = gp.make_kernel("rbf*linear", length_scale=0.5, variance=2.0)
    assert k == gp.Product(gp.RBF(0.5, 2.0), gp.Linear(1.0))
    x = np.linspace(-1, 1, 7)
    # '*' binds tighter than '+'
    k = gp.make_kernel("laplace+rbf*linear")
    assert np.allclose(k(x), gp.Laplace()(x) + gp.RBF()(x) * gp.Linear()(x))
    with pytest.raises(ValueError, match="unknown kernel 'matern'"):
        gp.make_kernel("rbf+matern")
    with pytest.raises(ValueError, match="spec must be a non-empty string"):
        gp.make_kernel("")


@pytest.mark.parametrize("cls,arg", [(gp.RBF, "length_scale"), (gp.Laplace, "length_scale"),
                                     (gp.Periodic, "length_scale"), (gp.Periodic, "period"),
                                     (gp.RBF, "variance"), (gp.Linear, "variance"),
                                     (gp.Periodic, "variance")])
@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf")])
def test_bad_hyperparameters_name_the_argument(cls, arg, bad):
    with pytest.raises(ValueError, match=f"{arg} must be (> 0|finite)"):
        cls(**{arg: bad})


def test_bad_hyperparameter_types_and_other_checks():
    with pytest.raises(TypeError, match="length_scale must be a real number"):
        gp.RBF(length_scale="1")
    with pytest.raises(ValueError, match="bias must be >= 0"):
        gp.Linear(bias=-0.1)
    with pytest.raises(ValueError, match="degree must (be an int|lie in)"):
        gp.Polynomial(degree=0)
    with pytest.raises(ValueError, match="period must be"):
        gp.make_kernel("periodic", period=-2.0)
    with pytest.raises(TypeError, match="k2 must be a Kernel"):
        gp.Sum(gp.RBF(), 3.0)


def test_inputs_are_validated():
    k = gp.RBF()
    with pytest.raises(ValueError, match="x1 must contain only finite numbers"):
        k(np.array([0.0, np.nan]))
    with pytest.raises(ValueError, match="same input dimension"):
        k(np.zeros((3, 2)), np.zeros((3, 1)))
    with pytest.raises(ValueError, match=r"x1 must have shape \(n,\) or \(n, d\)"):
        k(np.zeros((2, 2, 2)))
    with pytest.raises(TypeError, match="kernel must be a mlnotes.gp.Kernel"):
        gp.kernel_matrix(lambda a, b: 0, [1.0])


# ------------------------------------------------------------------ Cholesky
def test_cholesky_adds_jitter_only_when_needed():
    x = np.linspace(0, 1, 200)
    K = gp.RBF(1.0)(x)  # numerically singular
    with pytest.raises(np.linalg.LinAlgError):
        np.linalg.cholesky(K)
    L, j = gp.cholesky(K)
    assert j > 0 and np.allclose(L @ L.T, K + j * np.mean(np.diag(K)) * np.eye(200), atol=1e-12)
    A = np.array([[2.0, 1.0], [1.0, 2.0]])
    L, j = gp.cholesky(A)
    assert j == 0.0 and np.allclose(L, np.linalg.cholesky(A))


def test_cholesky_fails_clearly_on_non_factorisable_matrix():
    bad = np.array([[1.0, 2.0], [2.0, 1.0]])  # eigenvalues 3 and -1
    with pytest.raises(ValueError, match=r"could not factorise K, the kernel matrix .*jitter 1\.0e-04.*smallest eigenvalue is -1"):
        gp.cholesky(bad)
    with pytest.raises(ValueError, match="must be symmetric"):
        gp.cholesky(np.array([[1.0, 0.5], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="must be square"):
        gp.cholesky(np.ones((2, 3)))
    with pytest.raises(ValueError, match="must contain only finite numbers"):
        gp.cholesky(np.array([[np.nan]]))
    with pytest.raises(ValueError, match="jitter must be >= 0"):
        gp.cholesky(np.eye(2), jitter=-1e-3)


class _NotAKernelReally(gp.Kernel):
    """A 'kernel' that is not positive semi-definite: k(x, x') = -|x - x'| + 1 on far-apart points."""

    def _matrix(self, X1, X2):
        return 1.0 - 3.0 * np.abs(X1 - X2.T)


def test_sample_prior_names_kernel_and_jitter_when_matrix_is_indefinite():
    with pytest.raises(ValueError, match=r"prior covariance of .*_NotAKernelReally.*jitter 1\.0e-04"):
        gp.sample_prior(np.array([0.0, 1.0, 2.0]), _NotAKernelReally(), 2, rng=0)


def test_float32_needs_more_jitter_than_float64():
    x = np.linspace(0, 1, 100)
    K = gp.RBF(0.3)(x)
    _, j64 = gp.cholesky(K, 1e-10)
    _, j32 = gp.cholesky(K.astype(np.float32), 1e-10, max_jitter=1e-2)
    assert j64 <= 1e-9 and j32 >= 1e-7


# -------------------------------------------------------------- prior / posterior
def test_prior_sample_covariance_converges_to_kernel():
    x = np.linspace(-2, 2, 12)
    k = gp.RBF(0.8, 1.5)
    K = k(x)
    errs = []
    for n in (200, 2000, 20000):
        f = gp.sample_prior(x, k, n, rng=np.random.default_rng(n))
        assert f.shape == (n, 12)
        errs.append(np.abs(f.T @ f / n - K).max())
    assert errs[2] < errs[1] < errs[0] and errs[2] < 0.1


def test_sample_prior_with_cached_factor_is_identical():
    x = np.linspace(0, 5, 50)
    k = gp.Periodic(1.0, 2.0)
    L, _ = gp.prior_cholesky(x, k)
    a = gp.sample_prior(x, k, 3, rng=7)
    b = gp.sample_prior(x, k, 3, rng=7, chol=L)
    assert np.array_equal(a, b)
    with pytest.raises(ValueError, match=r"chol must have shape \(50, 50\)"):
        gp.sample_prior(x, k, 3, rng=7, chol=L[:10, :10])
    with pytest.raises(ValueError, match="n_samples must lie in"):
        gp.sample_prior(x, k, 0)


@pytest.mark.parametrize("k", KERNELS, ids=repr)
@pytest.mark.parametrize("noise", [1e-2, 0.3])
def test_posterior_equals_sklearn(k, noise):
    x, y, xs = _data()
    mean, cov = gp.posterior(x, y, xs, k, noise)
    reg = GaussianProcessRegressor(k.to_sklearn(), alpha=noise, optimizer=None).fit(x, y)
    m_ref, c_ref = reg.predict(xs, return_cov=True)
    assert np.allclose(mean, m_ref, atol=1e-8, rtol=0)
    assert np.allclose(cov, c_ref, atol=1e-8, rtol=0)
    lml = gp.log_marginal_likelihood(x, y, k, noise)
    assert abs(lml - reg.log_marginal_likelihood_value_) < 1e-8 * max(1.0, abs(lml))


def test_posterior_2d_inputs_equal_sklearn():
    x, y, xs = _data(n=25, d=2)
    k = gp.RBF(1.2, 0.8)
    mean, cov = gp.posterior(x, y, xs, k, 0.05)
    m_ref, c_ref = GaussianProcessRegressor(k.to_sklearn(), alpha=0.05, optimizer=None).fit(x, y).predict(
        xs, return_cov=True)
    assert np.allclose(mean, m_ref, atol=1e-8) and np.allclose(cov, c_ref, atol=1e-8)


def test_noiseless_posterior_interpolates_and_decorrelates_training_points():
    x, y, _ = _data(n=8)
    k = gp.RBF(1.0)
    mean, cov = gp.posterior(x, y, x, k, noise=0.0)
    assert np.allclose(mean, y, atol=1e-6)
    assert np.abs(cov).max() < 1e-6


def test_posterior_without_observations_is_prior():
    xs = np.linspace(0, 1, 9)
    mean, cov = gp.posterior(np.zeros((0, 1)), np.zeros(0), xs, gp.Laplace(0.3), 0.1)
    assert np.array_equal(mean, np.zeros(9)) and np.allclose(cov, gp.Laplace(0.3)(xs))


def test_zero_noise_duplicate_points_get_jitter():
    x = np.array([0.0, 0.0, 1.0])
    y = np.array([1.0, 1.2, 0.0])  # inconsistent duplicates, no noise: singular K
    mean, cov = gp.posterior(x, y, np.array([0.0, 0.5]), gp.RBF(), noise=0.0)
    assert np.all(np.isfinite(mean)) and np.all(np.isfinite(cov))
    assert abs(mean[0] - 1.1) < 1e-3  # the average of the two conflicting values
    f = gp.sample_posterior(x, y, np.linspace(-1, 2, 30), gp.RBF(), 4, rng=0)
    assert f.shape == (4, 30) and np.all(np.isfinite(f))


def test_sample_posterior_statistics():
    x, y, xs = _data(n=6)
    k = gp.RBF(1.0)
    mean, cov = gp.posterior(x, y, xs[:10], k, 0.1)
    f = gp.sample_posterior(x, y, xs[:10], k, 20000, rng=3, noise=0.1)
    assert np.allclose(f.mean(0), mean, atol=0.03)
    assert np.allclose(np.cov(f.T), cov, atol=0.03)


def test_posterior_validation_names_arguments():
    x, y, xs = _data()
    k = gp.RBF()
    with pytest.raises(ValueError, match="x_train and y_train must hold the same number of points, got 15 and 14"):
        gp.posterior(x, y[:-1], xs, k)
    with pytest.raises(ValueError, match="noise must be >= 0"):
        gp.posterior(x, y, xs, k, noise=-0.1)
    with pytest.raises(ValueError, match="y_train must contain only finite numbers"):
        gp.posterior(x, np.r_[y[:-1], np.nan], xs, k)
    with pytest.raises(ValueError, match="x_test must contain only finite numbers"):
        gp.posterior(x, y, np.array([np.nan]), k)
    with pytest.raises(ValueError, match="x_test must have the input dimension of x_train"):
        gp.posterior(x, y, np.zeros((3, 2)), k)
    with pytest.raises(TypeError, match="kernel must be a mlnotes.gp.Kernel"):
        gp.posterior(x, y, xs, "rbf")
    with pytest.raises(TypeError, match="rng must be a numpy Generator"):
        gp.sample_posterior(x, y, xs, k, 1, rng="seed")


def test_random_fourier_features_converge():
    x = np.linspace(-2, 2, 40)
    K = gp.RBF(0.7, 2.0)(x)
    errs = [np.abs((Z := gp.random_fourier_features(x, D, 0.7, 2.0, rng=1)) @ Z.T - K).max()
            for D in (10, 1000, 100000)]
    assert errs[2] < errs[1] < errs[0] and errs[2] < 0.05
    with pytest.raises(ValueError, match="n_features must lie in"):
        gp.random_fourier_features(x, 0)


# --------------------------------------------------------------- properties
@settings(max_examples=40, deadline=None)
@given(ls=st.floats(0.05, 20.0), var=st.floats(0.01, 100.0), noise=st.floats(1e-4, 2.0),
       seed=st.integers(0, 10_000), kind=st.sampled_from(["rbf", "laplace", "periodic", "rbf+linear"]))
def test_posterior_variance_never_exceeds_prior(ls, var, noise, seed, kind):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3, 3, 8)
    y = rng.normal(size=8)
    xs = np.linspace(-4, 4, 25)
    k = gp.make_kernel(kind, ls, var, period=2.0)
    mean, cov = gp.posterior(x, y, xs, k, noise)
    prior = k.diag(xs)
    assert np.all(np.diag(cov) <= prior + 1e-9 * var)
    assert np.all(np.diag(cov) >= -1e-9 * var)
    assert np.allclose(cov, cov.T, atol=1e-10 * var)


@settings(max_examples=30, deadline=None)
@given(ls=st.floats(0.01, 50.0), n=st.integers(2, 120), seed=st.integers(0, 1000))
def test_prior_sampling_never_fails_for_valid_kernels(ls, n, seed):
    x = np.sort(np.random.default_rng(seed).uniform(0, 1, n))
    for k in (gp.RBF(ls), gp.Periodic(ls, 0.3), gp.Laplace(ls), gp.Linear()):
        f = gp.sample_prior(x, k, 2, rng=seed)
        assert f.shape == (2, n) and np.all(np.isfinite(f))
