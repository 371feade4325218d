"""The examples of issue 9 (bad or extreme input), each pinned by a specific test; the
generic battery (tests/test_battery.py) covers every public callable."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from mlnotes import diffusion, runtime
from mlnotes.widgets import GPWidget, MatrixMapWidget


# ------------------------------------------------------------------ tiny but valid betas
@pytest.mark.parametrize("beta", [1e-20, 1e-300])
def test_tiny_betas_give_finite_exact_posteriors(beta):
    s = diffusion.Schedule(np.full(10, beta))
    for arr in (s.posterior_variance, s.sigmas, s._c0, s._ct):
        assert np.all(np.isfinite(arr))
    # 1 - abar_t = t beta to first order, so the posterior variance is beta (t-1)/t
    t = np.arange(1, 11)
    assert np.allclose(s.posterior_variance[1:], beta * (t - 1) / t, rtol=1e-9)
    assert np.allclose(s.sigmas[1:] ** 2, t * beta, rtol=1e-9)


def test_linear_schedule_at_1e_300_samples_finite_values():
    s = diffusion.Schedule.linear(5, 1e-300, 1e-300)
    x = np.ones((3, 2))
    assert np.all(np.isfinite(s.reverse_mean(x, 3, np.zeros((3, 2)))))
    assert np.isfinite(s.reverse_variance(3))
    out = diffusion.sample(lambda xt, tt: torch.zeros_like(xt), s, 3, dim=2, seed=0)
    assert np.all(np.isfinite(out))


def test_sample_refuses_a_model_output_of_the_wrong_shape():
    s = diffusion.make_schedule("linear", 10)
    with pytest.raises(ValueError, match="model must return a tensor of shape"):
        diffusion.sample(lambda xt, tt: torch.zeros(1, 2), s, 4, dim=2)


def test_sample_refuses_a_model_that_returns_nan():
    s = diffusion.make_schedule("linear", 10)
    with pytest.raises(ValueError, match="NaN"):
        diffusion.sample(lambda xt, tt: torch.full_like(xt, float("nan")), s, 4, dim=2)


def test_sliced_wasserstein_refuses_p_inf():
    X = np.zeros((5, 2))
    with pytest.raises(ValueError, match="p must be finite"):
        diffusion.sliced_wasserstein(X, X + 100.0, p=float("inf"))


@pytest.mark.parametrize("call", [
    lambda s: diffusion.Denoiser(2, depth=s),
    lambda s: diffusion.langevin(lambda x: -x, np.zeros((2, 2)), 0.1, s),
])
def test_huge_sizes_are_refused_fast(call):
    with pytest.raises(ValueError, match="must lie in"):
        call(10**12)


def test_numpy_integer_seeds_are_accepted():
    s = diffusion.make_schedule("linear", 10)
    m = diffusion.Denoiser(2, hidden=8, depth=1, emb_dim=4)
    diffusion.train(m, np.ones((8, 2)), s, steps=2, batch_size=4, seed=np.int64(3), device="cpu", progress=False)
    a = diffusion.sample(m, s, 3, seed=np.int64(3), device="cpu")
    b = diffusion.sample(m, s, 3, seed=3, device="cpu")
    assert np.array_equal(a, b)


def test_unavailable_devices_are_named():
    s = diffusion.make_schedule("linear", 10)
    m = diffusion.Denoiser(2, hidden=8, depth=1, emb_dim=4)
    bad = "cuda:99" if torch.cuda.is_available() else "cuda"
    with pytest.raises(ValueError, match="device='cuda"):
        diffusion.train(m, np.ones((8, 2)), s, steps=2, device=bad, progress=False)
    with pytest.raises(TypeError, match="prefer"):
        runtime.device(prefer=3)


def test_train_with_few_steps_does_not_crash():
    # torch's one-cycle schedule divides by its warm-up length (zero for 10 steps)
    s = diffusion.make_schedule("linear", 10)
    m = diffusion.Denoiser(2, hidden=8, depth=1, emb_dim=4)
    for steps in (1, 10, 19):
        losses = diffusion.train(m, np.ones((8, 2)), s, steps=steps, batch_size=4, device="cpu", progress=False)
        assert losses.shape == (steps,) and np.all(np.isfinite(losses))


# ------------------------------------------------------------------ widget controls
@pytest.mark.parametrize("value", [float("nan"), float("inf"), 10**400, np.arange(2), "1", None, 1j])
def test_widget_controls_refuse_wrong_types_with_a_named_message(value):
    w = MatrixMapWidget(n_circle=41)
    w.figure()
    with pytest.raises((TypeError, ValueError), match=r"MatrixMapWidget: a must"):
        w.update(a=value)
    g = GPWidget(n_grid=20)
    with pytest.raises((TypeError, ValueError), match=r"GPWidget: kernel must be one of"):
        g.figure(kernel=value)
