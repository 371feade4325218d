"""Tests of mlnotes.diffusion: schedules, forward/reverse processes, conversions, the sampler,
sliced Wasserstein, mixture scores, Langevin, training, configurations; cross-checks with
POT, torch and diffusers."""
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from mlnotes import data, diffusion as D

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def lin():
    return D.make_schedule("linear")


@pytest.fixture(scope="module")
def cos():
    return D.make_schedule("cosine")


# ------------------------------------------------------------------------- schedules
def test_linear_schedule_values(lin):
    assert lin.T == 1000 and lin.betas.shape == (1001,)
    assert lin.betas[0] == 0 and lin.alpha_bars[0] == 1
    assert np.isclose(lin.betas[1], 1e-4) and np.isclose(lin.betas[1000], 0.02)
    assert np.allclose(np.diff(lin.betas[1:]), (0.02 - 1e-4) / 999)
    assert np.allclose(lin.alpha_bars, np.cumprod(1 - lin.betas), rtol=1e-12)
    # the well-known end point of Ho et al.'s schedule: alpha_bar_T is about 4.0e-5
    assert 3.9e-5 < lin.alpha_bars[-1] < 4.2e-5
    assert np.all(np.diff(lin.alpha_bars) < 0)
    assert np.all(np.diff(lin.snr[1:]) < 0) and np.isinf(lin.snr[0])
    assert np.allclose(lin.snr[1:], lin.alpha_bars[1:] / (1 - lin.alpha_bars[1:]))
    assert np.allclose(lin.sigmas ** 2 + lin.alpha_bars, 1)


def test_cosine_schedule_values(cos):
    s = 0.008
    t = np.arange(1001)
    f = np.cos((t / 1000 + s) / (1 + s) * np.pi / 2) ** 2
    # before the clipping at the last step, alpha_bar_t = f(t) / f(0)
    assert np.allclose(cos.alpha_bars[:1000], f[:1000] / f[0], rtol=1e-9, atol=1e-12)
    assert cos.betas[1:].max() <= 0.999 and np.isclose(cos.betas[1000], 0.999)
    assert np.all(np.diff(cos.betas[1:]) >= 0)
    assert np.all(np.diff(cos.alpha_bars) < 0)
    # the cosine schedule destroys information more slowly in the middle than the linear one
    lin = D.make_schedule("linear")
    assert cos.alpha_bars[300] > lin.alpha_bars[300] + 0.3


def test_custom_schedule_and_validation():
    s = D.Schedule([0.1, 0.2, 0.2, 0.5])
    assert s.T == 4 and np.isclose(s.alpha_bars[-1], 0.9 * 0.8 * 0.8 * 0.5)
    with pytest.raises(ValueError, match="non-decreasing"):
        D.Schedule([0.1, 0.3, 0.2])
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        D.Schedule([0.0, 0.1])
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        D.Schedule([0.5, 1.0])
    with pytest.raises(ValueError, match="1-D"):
        D.Schedule(np.full((2, 2), 0.1))
    with pytest.raises(ValueError, match="finite"):
        D.Schedule([0.1, np.nan])
    with pytest.raises(ValueError, match="name must be one of"):
        D.make_schedule("quadratic")
    with pytest.raises(ValueError, match="beta_start <= beta_end"):
        D.Schedule.linear(10, 0.1, 0.01)
    with pytest.raises(ValueError, match="T must lie in"):
        D.Schedule.linear(0)
    with pytest.raises(ValueError, match="max_beta"):
        D.Schedule.cosine(10, max_beta=1.5)


# ------------------------------------------------------------------- forward process
def test_q_sample_moments(lin):
    rng = np.random.default_rng(0)
    x0 = np.array([[1.5, -0.5]])
    n = 200_000
    for t in (1, 50, 300, 1000):
        xt = lin.q_sample(np.repeat(x0, n, 0), t, rng.standard_normal((n, 2)))
        se = math.sqrt(1 - lin.alpha_bars[t]) / math.sqrt(n)
        assert np.allclose(xt.mean(0), math.sqrt(lin.alpha_bars[t]) * x0[0], atol=5 * se + 1e-12)
        assert np.allclose(xt.var(0), 1 - lin.alpha_bars[t], rtol=0.02, atol=1e-9)
    assert np.array_equal(lin.q_sample(x0, 0, np.ones_like(x0)), x0)


def test_q_sample_equals_iterated_kernel_in_distribution():
    s = D.Schedule.linear(50, 1e-3, 0.05)
    rng = np.random.default_rng(1)
    n = 100_000
    x = np.full((n, 1), 2.0)
    for t in range(1, 51):
        x = s.q_step(x, t, rng.standard_normal((n, 1)))
    assert abs(x.mean() - 2.0 * math.sqrt(s.alpha_bars[50])) < 0.01
    assert abs(x.var() - (1 - s.alpha_bars[50])) < 0.01


def test_q_sample_per_sample_timesteps_numpy_and_torch(lin):
    rng = np.random.default_rng(2)
    x0 = rng.standard_normal((6, 3))
    eps = rng.standard_normal((6, 3))
    t = np.array([0, 1, 10, 100, 999, 1000])
    ref = np.stack([lin.q_sample(x0[i:i + 1], int(t[i]), eps[i:i + 1])[0] for i in range(6)])
    assert np.allclose(lin.q_sample(x0, t, eps), ref, atol=1e-12)
    out = lin.q_sample(torch.tensor(x0), torch.tensor(t), torch.tensor(eps))
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float64
    assert np.allclose(out.numpy(), ref, atol=1e-12)


def test_validation_errors(lin):
    x = np.zeros((4, 2))
    with pytest.raises(ValueError, match=r"t must be an integer in \[0, 1000\], got 1001"):
        lin.q_sample(x, 1001, x)
    with pytest.raises(ValueError, match=r"t must be an integer in \[0, 1000\], got -1"):
        lin.q_sample(x, -1, x)
    with pytest.raises(ValueError, match="noise must have the shape of x0"):
        lin.q_sample(x, 3, np.zeros((4, 3)))
    with pytest.raises(ValueError, match="one timestep per sample"):
        lin.q_sample(x, np.array([1, 2]), x)
    with pytest.raises(ValueError, match=r"t must lie in \[0, 1000\], got a value 2000"):
        lin.q_sample(x, np.array([1, 2, 3, 2000]), x)
    with pytest.raises(TypeError, match="t must be an integer"):
        lin.q_sample(x, 2.5, x)
    with pytest.raises(TypeError, match="t must hold integers"):
        lin.q_sample(torch.zeros(4, 2), torch.ones(4), torch.zeros(4, 2))
    with pytest.raises(ValueError, match=r"posterior: t must be an integer in \[1, 1000\], got 0"):
        lin.posterior(x, x, 0)
    with pytest.raises(ValueError, match="x_t must have the shape of x0"):
        lin.posterior(x, np.zeros((3, 2)), 5)
    with pytest.raises(ValueError, match="source must be one of"):
        lin.convert(x, x, 5, "noise", "x0")
    with pytest.raises(ValueError, match="target must be one of"):
        lin.convert(x, x, 5, "eps", "v")
    with pytest.raises(ValueError, match=r"convert: t must be an integer in \[1, 1000\]"):
        lin.convert(x, x, 0, "eps", "x0")
    with pytest.raises(ValueError, match=r"kind must be one of \['small', 'large'\]"):
        lin.reverse_variance(3, "learned")
    with pytest.raises(ValueError, match="scalar"):
        lin.q_sample(1.0, 3, 1.0)


# ------------------------------------------------------------------ true posterior
def _brute_posterior(s, x0, xt, t):
    """Condition the joint Gaussian of (x_{t-1}, x_t) given x_0 (Schur complement)."""
    ab_prev = s.alpha_bars[t - 1]
    m1, v1 = math.sqrt(ab_prev) * x0, 1 - ab_prev
    a = math.sqrt(s.alphas[t])
    m2, v2 = a * m1, a * a * v1 + s.betas[t]
    c12 = a * v1
    return m1 + c12 / v2 * (xt - m2), v1 - c12 ** 2 / v2


@pytest.mark.parametrize("name", ["linear", "cosine"])
def test_posterior_matches_gaussian_conditioning(name):
    s = D.make_schedule(name)
    rng = np.random.default_rng(3)
    for t in (1, 2, 17, 500, 999, 1000):
        x0, xt = rng.standard_normal((5, 2)), rng.standard_normal((5, 2))
        mean, var = s.posterior(x0, xt, t)
        bm, bv = _brute_posterior(s, x0, xt, t)
        assert np.allclose(mean, bm, atol=1e-10)
        assert np.isclose(var, bv, atol=1e-12)


def test_posterior_by_sampling(lin):
    """Regress x_{t-1} on x_t over simulated pairs: slope, intercept and residual variance."""
    rng = np.random.default_rng(4)
    t, x0, n = 200, 1.3, 400_000
    xprev = lin.q_sample(np.full((n, 1), x0), t - 1, rng.standard_normal((n, 1)))
    xt = lin.q_step(xprev, t, rng.standard_normal((n, 1)))
    A = np.column_stack([xt[:, 0], np.ones(n)])
    coef, *_ = np.linalg.lstsq(A, xprev[:, 0], rcond=None)
    resid = xprev[:, 0] - A @ coef
    mean_at = lambda v: lin.posterior(np.array([[x0]]), np.array([[v]]), t)[0][0, 0]  # noqa: E731
    _, var = lin.posterior(np.array([[x0]]), np.array([[0.0]]), t)
    assert abs(coef[0] - (mean_at(1.0) - mean_at(0.0))) < 3e-3
    assert abs(coef[1] - mean_at(0.0)) < 3e-3
    assert abs(resid.var() / var - 1) < 0.01


@settings(max_examples=40, deadline=None)
@given(t=st.integers(1, 1000), name=st.sampled_from(["linear", "cosine"]))
def test_posterior_variance_between_zero_and_beta(t, name):
    s = D.make_schedule(name)
    v = s.posterior_variance[t]
    assert 0 <= v <= s.betas[t] + 1e-15
    if t > 1:
        assert v > 0


# ------------------------------------------------------------ parameterisations
@settings(max_examples=40, deadline=None)
@given(t=st.integers(1, 1000), seed=st.integers(0, 10_000), name=st.sampled_from(["linear", "cosine"]))
def test_conversions_round_trip(t, seed, name):
    s = D.make_schedule(name)
    rng = np.random.default_rng(seed)
    x0, eps = rng.standard_normal((3, 2)), rng.standard_normal((3, 2))
    xt = s.q_sample(x0, t, eps)
    assert np.allclose(s.convert(x0, xt, t, "x0", "eps"), eps, atol=1e-6 * (1 + 1 / s.sigmas[t]))
    score = s.convert(eps, xt, t, "eps", "score")
    assert np.allclose(score, -eps / s.sigmas[t])
    for a in D.PARAMETERISATIONS:
        for b in D.PARAMETERISATIONS:
            v = s.convert(eps, xt, t, "eps", a)
            back = s.convert(s.convert(v, xt, t, a, b), xt, t, b, a)
            assert np.allclose(back, v, rtol=1e-6, atol=1e-6)


def test_reverse_mean_forms(lin):
    rng = np.random.default_rng(5)
    x0, eps = rng.standard_normal((4, 2)), rng.standard_normal((4, 2))
    for t in (2, 100, 1000):
        xt = lin.q_sample(x0, t, eps)
        # with the true noise the reverse mean is the true posterior mean
        assert np.allclose(lin.reverse_mean(xt, t, eps), lin.posterior(x0, xt, t)[0], atol=1e-9)
        direct = (xt - lin.betas[t] / lin.sigmas[t] * eps) / math.sqrt(lin.alphas[t])
        assert np.allclose(lin.reverse_mean(xt, t, eps), direct, atol=1e-9)
        z = rng.standard_normal((4, 2))
        step = lin.reverse_step(xt, t, eps, z)
        assert np.allclose(step, direct + math.sqrt(lin.posterior_variance[t]) * z, atol=1e-9)
        large = lin.reverse_step(xt, t, eps, z, variance="large")
        assert np.allclose(large, direct + math.sqrt(lin.betas[t]) * z, atol=1e-9)
    clipped = lin.reverse_mean(np.full((1, 2), 5.0), 10, np.zeros((1, 2)), clip=1.0)
    x0c = np.ones((1, 2))
    assert np.allclose(clipped, lin.posterior(x0c, np.full((1, 2), 5.0), 10)[0])


def test_prior_kl(lin, cos):
    x0 = np.array([[2.0, 0.0], [0.0, 0.0]])
    kl = lin.prior_kl(x0)
    ab = lin.alpha_bars[-1]
    expect = 0.5 * (ab * np.sum(x0 ** 2, 1) + 2 * (-ab - math.log(1 - ab)))
    assert np.allclose(kl, expect, rtol=1e-6)
    assert kl.max() < 1e-3 and cos.prior_kl(x0).max() < 1e-6


def test_gaussian_kl_against_torch():
    rng = np.random.default_rng(6)
    m1, m2 = rng.standard_normal((2, 5, 3))
    v1, v2 = rng.uniform(0.1, 2, (2, 5, 3))
    ours = D.gaussian_kl(m1, v1, m2, v2)
    p = torch.distributions.Normal(torch.tensor(m1), torch.tensor(np.sqrt(v1)))
    q = torch.distributions.Normal(torch.tensor(m2), torch.tensor(np.sqrt(v2)))
    ref = torch.distributions.kl_divergence(p, q).sum(-1).numpy()
    assert np.allclose(ours, ref, atol=1e-12)
    with pytest.raises(ValueError, match="must be positive"):
        D.gaussian_kl(0, 0, 0, 1)


# --------------------------------------------------------------------------- sampler
class GaussianOracle(torch.nn.Module):
    """The exact noise predictor for data ~ N(m, s^2 I): E[eps | x_t] = sigma_t (x_t - sqrt(abar) m) / v_t."""

    def __init__(self, schedule, m, s):
        super().__init__()
        self.dim = len(m)
        self.m = torch.tensor(m, dtype=torch.float32)
        self.s2 = s ** 2
        self.ab = torch.tensor(schedule.alpha_bars, dtype=torch.float32)

    def forward(self, x, t):
        ab = self.ab[t][:, None]
        v = ab * self.s2 + 1 - ab
        return (1 - ab).sqrt() * (x - ab.sqrt() * self.m) / v


def test_sampler_with_exact_model_reaches_the_data_distribution():
    s = D.make_schedule("linear")
    model = GaussianOracle(s, [1.0, -2.0], 0.5)
    x = D.sample(model, s, 20_000, seed=0)
    assert x.shape == (20_000, 2) and x.dtype == np.float32
    assert np.allclose(x.mean(0), [1.0, -2.0], atol=0.015)
    assert np.allclose(x.std(0), 0.5, atol=0.015)


def test_sampler_shapes_trajectory_and_seed():
    s = D.Schedule.linear(30, 1e-3, 0.2)
    model = D.Denoiser(3, hidden=16, depth=1, emb_dim=4)
    traj = D.sample(model, s, 7, seed=3, return_trajectory=True)
    assert traj.shape == (31, 7, 3)
    assert np.allclose(traj[0], D.sample(model, s, 7, seed=3))
    assert np.allclose(traj[30].std(), 1, atol=0.6)  # the start is N(0, I)
    assert not np.allclose(D.sample(model, s, 7, seed=4), traj[0])
    with pytest.raises(ValueError, match="variance must be"):
        D.sample(model, s, 2, variance="tiny")
    with pytest.raises(ValueError, match="n must lie in"):
        D.sample(model, s, 0)
    with pytest.raises(ValueError, match="dim must be given"):
        D.sample(lambda x, t: x, s, 3)
    with pytest.raises(TypeError, match="schedule must be a Schedule"):
        D.sample(model, "linear", 3)


# ------------------------------------------------------------------ model and training
def test_sinusoidal_embedding_and_denoiser_shapes():
    e = D.sinusoidal_embedding(torch.tensor([0, 1, 500]), 8)
    assert e.shape == (3, 8)
    assert torch.allclose(e[0], torch.tensor([0.0] * 4 + [1.0] * 4))
    assert torch.allclose(e[1, 0], torch.sin(torch.tensor(1.0)))
    assert torch.allclose(e.pow(2)[:, :4] + e.pow(2)[:, 4:], torch.ones(3, 4))
    with pytest.raises(ValueError, match="dim must be an even integer"):
        D.sinusoidal_embedding(torch.tensor([1]), 5)
    m = D.Denoiser(2, hidden=8, depth=2, emb_dim=4)
    assert m(torch.zeros(5, 2), torch.ones(5, dtype=torch.long)).shape == (5, 2)
    with pytest.raises(ValueError, match=r"x must have shape \(n, 2\)"):
        m(torch.zeros(5, 3), torch.ones(5, dtype=torch.long))
    with pytest.raises(ValueError, match="emb_dim must be an even integer"):
        D.Denoiser(2, emb_dim=3)


def test_training_learns_and_is_reproducible():
    s = D.make_schedule("linear")
    X = data.toy2d("two_gaussians", 2000, seed=0)
    runs = []
    for _ in range(2):
        torch.manual_seed(0)
        m = D.Denoiser(2, hidden=32, depth=2, emb_dim=8)
        runs.append(D.train(m, X, s, steps=400, batch_size=128, lr=3e-3, seed=1, device="cpu", progress=False))
    assert np.array_equal(runs[0], runs[1])
    losses = runs[0]
    assert losses.shape == (400,)
    # predicting zero noise gives a loss of 1; the trained model does clearly better
    assert losses[:20].mean() > 0.8 and losses[-100:].mean() < 0.6
    with pytest.raises(ValueError, match=r"data must have shape \(n, 2\)"):
        D.train(m, np.zeros((10, 3)), s, steps=1)
    with pytest.raises(ValueError, match="steps must lie in"):
        D.train(m, X, s, steps=0)
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        D.train(lambda x, t: x, X, s)


def test_training_with_weight_averaging():
    """ema = 0.5 over one step: the final weights are the mean of the initial and the stepped ones."""
    s = D.make_schedule("linear")
    X = data.toy2d("moons", 500, seed=0)
    torch.manual_seed(0)
    m0 = D.Denoiser(2, hidden=8, depth=1, emb_dim=4)
    init = [p.detach().clone() for p in m0.parameters()]
    m1 = D.Denoiser(2, hidden=8, depth=1, emb_dim=4)
    m1.load_state_dict(m0.state_dict())
    D.train(m0, X, s, steps=1, batch_size=16, seed=2, device="cpu", progress=False)
    D.train(m1, X, s, steps=1, batch_size=16, seed=2, device="cpu", progress=False, ema=0.5)
    for p0, p1, w in zip(m0.parameters(), m1.parameters(), init):
        assert torch.allclose(p1, 0.5 * (p0 + w), atol=1e-6)
    with pytest.raises(ValueError, match=r"ema must be a number in \[0, 1\)"):
        D.train(m1, X, s, steps=1, ema=1.0)


# ---------------------------------------------------------------- sliced Wasserstein
def test_sliced_wasserstein_against_pot():
    ot = pytest.importorskip("ot")
    rng = np.random.default_rng(7)
    X, Y, Z = rng.standard_normal((300, 3)), rng.standard_normal((300, 3)) + 0.5, rng.standard_normal((170, 3))
    P = rng.standard_normal((3, 64))
    P /= np.linalg.norm(P, axis=0)
    for A, B in ((X, Y), (X, Z)):  # equal and unequal sizes
        for p in (1, 2):
            ours = D.sliced_wasserstein(A, B, p=p, projections=P)
            ref = ot.sliced_wasserstein_distance(A, B, projections=P, p=p)
            assert np.isclose(ours, ref, rtol=1e-9), (ours, ref)
    assert D.sliced_wasserstein(X, X) == 0


def test_sliced_wasserstein_1d_against_scipy_and_many_projections():
    from scipy.stats import wasserstein_distance

    rng = np.random.default_rng(8)
    u, v = rng.standard_normal(123), rng.exponential(size=77)
    assert np.isclose(D.sliced_wasserstein(u[:, None], v[:, None], p=1, projections=np.ones((1, 1))),
                      wasserstein_distance(u, v), rtol=1e-10)
    # a shift by a vector c: SW_2^2 = E[(theta.c)^2] = |c|^2 / d over uniform directions
    X = rng.standard_normal((500, 2))
    c = np.array([0.6, -0.8])
    sw = D.sliced_wasserstein(X, X + c, n_projections=4000, seed=1)
    assert abs(sw - 1 / math.sqrt(2)) < 0.02
    with pytest.raises(ValueError, match="same dimension"):
        D.sliced_wasserstein(X, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="p must be >= 1"):
        D.sliced_wasserstein(X, X, p=0.5)
    with pytest.raises(ValueError, match=r"projections must have shape \(2, k\)"):
        D.sliced_wasserstein(X, X, projections=np.ones((3, 4)))


# --------------------------------------------------------------- Gaussian mixtures
def test_mixture_score_is_the_gradient_of_the_log_density():
    means, std = data.eight_gaussians_params()
    rng = np.random.default_rng(9)
    x = rng.uniform(-3, 3, (50, 2))
    w = rng.dirichlet(np.ones(8))
    for ab in (1.0, 0.9, 0.3):
        h = 1e-5
        fd = np.stack([(D.mixture_log_density(x + h * e, means, std, ab, w)
                        - D.mixture_log_density(x - h * e, means, std, ab, w)) / (2 * h) for e in np.eye(2)], 1)
        assert np.allclose(D.mixture_score(x, means, std, ab, w), fd, rtol=1e-5, atol=1e-4)


def test_mixture_density_against_scipy_and_tweedie():
    from scipy.stats import multivariate_normal

    means = np.array([[-1.0, 0.0], [2.0, 1.0]])
    std = np.array([0.3, 0.6])
    w = np.array([0.3, 0.7])
    ab = 0.6
    x = np.random.default_rng(10).standard_normal((20, 2))
    ref = np.log(sum(w[k] * multivariate_normal(math.sqrt(ab) * means[k], (ab * std[k] ** 2 + 1 - ab) * np.eye(2)).pdf(x)
                     for k in range(2)))
    assert np.allclose(D.mixture_log_density(x, means, std, ab, w), ref, atol=1e-10)
    # Tweedie: E[x0 | x_t] = (x_t + (1 - abar) score) / sqrt(abar)
    tw = (x + (1 - ab) * D.mixture_score(x, means, std, ab, w)) / math.sqrt(ab)
    assert np.allclose(D.mixture_posterior_mean(x, means, std, ab, w), tw, atol=1e-10)
    with pytest.raises(ValueError, match="weights must sum to 1"):
        D.mixture_score(x, means, std, ab, [0.5, 0.6])
    with pytest.raises(ValueError, match=r"alpha_bar must lie in \(0, 1\]"):
        D.mixture_score(x, means, std, 0.0)
    with pytest.raises(ValueError, match=r"x must have shape \(n, 2\)"):
        D.mixture_score(np.zeros((3, 3)), means, std)
    with pytest.raises(ValueError, match="std must be a positive number"):
        D.mixture_score(x, means, -1.0)


# ---------------------------------------------------------------------- Langevin
def test_langevin_samples_a_gaussian():
    x = D.langevin(lambda x: -(x - 1.0) / 0.25, np.zeros((5000, 2)), step_size=0.01, n_steps=500, seed=0)
    assert np.allclose(x.mean(0), 1.0, atol=0.03)
    # the unadjusted chain with step eta has stationary variance s^2 / (1 - eta / (4 s^2)) for N(m, s^2)
    assert np.allclose(x.var(0), 0.25 / (1 - 0.01 / 1.0), rtol=0.05)
    with pytest.raises(ValueError, match="step_size must be > 0"):
        D.langevin(lambda x: -x, np.zeros((2, 2)), 0.0, 10)
    with pytest.raises(TypeError, match="score must be callable"):
        D.langevin(None, np.zeros((2, 2)), 0.1, 10)


def test_annealed_langevin_recovers_mixture_weights():
    means = np.array([[-3.0, 0.0], [3.0, 0.0]])
    w = np.array([0.8, 0.2])
    levels = np.geomspace(10.0, 0.1, 15)

    def score(x, i):  # data noised with std levels[i]: components N(mu, 0.1^2 + sigma_i^2)
        return D.mixture_score(x, means, np.sqrt(0.01 + levels[i] ** 2), 1.0, w)

    x0 = np.random.default_rng(0).uniform(-6, 6, (4000, 2))
    x = D.annealed_langevin(score, x0, levels, step_size=1e-3, n_steps=60, seed=0)
    frac = np.mean(x[:, 0] < 0)
    assert abs(frac - 0.8) < 0.04
    plain = D.langevin(lambda x: D.mixture_score(x, means, 0.1, 1.0, w), x0, 1e-3, 900, seed=0)
    assert abs(np.mean(plain[:, 0] < 0) - 0.8) > 0.2  # without annealing the weights are wrong
    with pytest.raises(ValueError, match="positive and decreasing"):
        D.annealed_langevin(score, x0, [0.1, 1.0], 1e-3, 5)


def test_error_by_density():
    ld = np.arange(10.0)
    err = 10 - ld
    c, m, n = D.error_by_density(ld, err, n_bins=5)
    assert np.allclose(c, [0.5, 2.5, 4.5, 6.5, 8.5]) and np.allclose(m, [9.5, 7.5, 5.5, 3.5, 1.5])
    assert n.sum() == 10
    with pytest.raises(ValueError, match="same size"):
        D.error_by_density(ld, err[:3])
    with pytest.raises(ValueError, match="at least n_bins"):
        D.error_by_density(ld[:2], err[:2], n_bins=4)


# ------------------------------------------------------------------------ diffusers
@pytest.fixture(scope="module")
def diffusers_ddpm():
    diffusers = pytest.importorskip("diffusers")
    return diffusers.DDPMScheduler


@pytest.mark.parametrize("ours,theirs", [("linear", "linear"), ("cosine", "squaredcos_cap_v2")])
def test_schedules_match_diffusers(diffusers_ddpm, ours, theirs):
    ref = diffusers_ddpm(num_train_timesteps=1000, beta_schedule=theirs, clip_sample=False)
    s = D.make_schedule(ours)
    # diffusers indexes timesteps 0..T-1 for our t = 1..T, in float32
    assert np.allclose(s.betas[1:], ref.betas.numpy(), rtol=2e-6, atol=1e-9)
    assert np.allclose(s.alpha_bars[1:], ref.alphas_cumprod.numpy(), rtol=1e-4, atol=1e-9)


@pytest.mark.parametrize("name,theirs", [("linear", "linear"), ("cosine", "squaredcos_cap_v2")])
def test_q_sample_matches_diffusers_add_noise(diffusers_ddpm, name, theirs):
    ref = diffusers_ddpm(num_train_timesteps=1000, beta_schedule=theirs, clip_sample=False)
    s = D.make_schedule(name)
    g = torch.Generator().manual_seed(0)
    x0, eps = torch.randn(8, 4, generator=g), torch.randn(8, 4, generator=g)
    k = torch.tensor([0, 1, 5, 99, 400, 700, 998, 999])
    theirs_xt = ref.add_noise(x0, eps, k)
    ours_xt = s.q_sample(x0.double(), (k + 1).numpy(), eps.double())
    assert np.allclose(ours_xt.numpy(), theirs_xt.numpy(), atol=1e-5)


@pytest.mark.parametrize("theirs", ["linear", "squaredcos_cap_v2"])
def test_reverse_step_matches_diffusers(diffusers_ddpm, theirs):
    """One ancestral step with variance 'fixed_small' and the same noise.

    diffusers stores its schedule in float32 (a relative error of about 1e-3 in beta_t near
    t = 1); to compare the step formulas themselves, both sides use diffusers' betas in float64.
    """
    ref = diffusers_ddpm(num_train_timesteps=1000, beta_schedule=theirs, clip_sample=False,
                         variance_type="fixed_small", prediction_type="epsilon")
    betas = ref.betas.double()
    ref.alphas_cumprod = torch.cumprod(1 - betas, 0)
    ref.one = torch.tensor(1.0, dtype=torch.float64)
    s = D.Schedule(betas.numpy())
    g = torch.Generator().manual_seed(1)
    for k in (999, 500, 10, 1, 0):
        xt = torch.randn(3, 4, generator=g, dtype=torch.float64)
        eps = torch.randn(3, 4, generator=g, dtype=torch.float64)
        out = ref.step(eps, k, xt, generator=torch.Generator().manual_seed(k)).prev_sample
        noise = torch.randn(3, 4, generator=torch.Generator().manual_seed(k), dtype=torch.float64)
        ours = s.reverse_step(xt, k + 1, eps, noise=noise if k > 0 else None)
        assert np.allclose(ours.numpy(), out.numpy(), rtol=1e-10, atol=1e-10), k


# --------------------------------------------------------------- configurations
def test_config_and_fit_cpu(monkeypatch):
    monkeypatch.setenv("MLNOTES_FULL", "0")
    cfg = D.config("toy", steps=30, verbose=False)
    assert cfg["full"] is False and cfg["steps"] == 30 and cfg["hidden"] == 128
    res = D.fit(cfg, progress=False, verbose=False)
    assert res.losses.shape == (30,) and res.seconds > 0
    assert res.data.shape == (cfg["n_train"], 2) and res.held_out.shape == (cfg["n_eval"], 2)
    x = np.zeros((3, 2))
    assert res.eps(x, 10).shape == (3, 2)
    assert np.allclose(res.score(x, 10), -res.eps(x, 10) / res.schedule.sigmas[10], rtol=1e-5)
    with pytest.raises(ValueError, match="name must be one of"):
        D.config("cifar")
    with pytest.raises(ValueError, match="cfg lacks the keys"):
        D.fit({"dataset": "moons"})
    with pytest.raises(ValueError, match=r"eps: t must be an integer in \[1, 1000\]"):
        res.eps(x, 0)


@pytest.mark.parametrize("name", ["toy", "digits"])
def test_full_configuration_runs(monkeypatch, name):
    """MLNOTES_FULL=1 selects the larger models; a few steps check that the whole path runs on a CPU."""
    monkeypatch.setenv("MLNOTES_FULL", "1")
    monkeypatch.setenv("MLNOTES_DEVICE", "cpu")
    cfg = D.config(name, steps=3)
    assert cfg["full"] is True and cfg["device"] == "cpu" and cfg["steps"] == 3
    assert cfg["hidden"] == D.CONFIGS[name]["full"]["hidden"] > D.CONFIGS[name]["cpu"]["hidden"]
    res = D.fit(cfg, progress=False, verbose=False)
    dim = 64 if name == "digits" else 2
    x = res.sample(4, seed=0)
    assert x.shape == (4, dim) and np.all(np.isfinite(x))
    if name == "digits":
        assert np.all(np.abs(x) <= 1.0 + 1e-6)  # predicted x0 is clipped to the data range
        imgs = res.to_images(x)
        assert imgs.shape == (4, 8, 8) and imgs.min() >= 0 and imgs.max() <= 1
        assert res.data.shape[1] == 64 and res.data.min() >= -1 and res.data.max() <= 1
        assert len(res.extra["labels"]) == len(res.data) and len(res.extra["held_out_labels"]) == len(res.held_out)
        assert set(res.extra["labels"]) == set(range(10))
