"""mlnotes.optim.Adam: the update of torch.optim.Adam on torch tensors (used by mlnotes.gan and mlnotes.vae)."""
import math

import numpy as np
import pytest
import torch

from mlnotes import optim


def _problem(dtype):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(20, 5, generator=g, dtype=dtype)
    return x, [torch.randn(5, 3, generator=g, dtype=dtype), torch.randn(3, generator=g, dtype=dtype)]


def _run(make, x, init, steps=60, lr_change=None, via_step=False):
    ws = [w.clone().requires_grad_(True) for w in init]
    opt = make(ws)
    for t in range(steps):
        opt.zero_grad()
        ((x @ ws[0] + ws[1]).tanh() ** 2).sum().backward()
        if lr_change is not None and t == steps // 2:     # a schedule: change the learning rate between steps
            if isinstance(opt, optim.Adam):
                if via_step:
                    opt.step(lr_change)
                    continue
                opt.lr = lr_change
            else:
                opt.param_groups[0]["lr"] = lr_change
        opt.step()
    return [w.detach() for w in ws]


@pytest.mark.parametrize("betas", [(0.9, 0.999), (0.5, 0.9), (0.0, 0.9), (0.5, 0.0)])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("via_step", [False, True])
@pytest.mark.parametrize("fused", [False, True])
def test_adam_equals_torch_adam_bit_for_bit(betas, dtype, via_step, fused):
    # the loop: the operations of torch.optim.Adam(foreach=False) in the same order; the fused path:
    # torch.optim.Adam(fused=True)'s kernel. Identical numbers, also through a learning-rate change
    # made either with opt.lr or with step(lr)
    x, init = _problem(dtype)
    ours_opt = []
    ours = _run(lambda p: ours_opt.append(optim.Adam(p, lr=1e-2, betas=betas, eps=1e-6, fused=fused))
                or ours_opt[-1], x, init, lr_change=3e-3, via_step=via_step)
    assert ours_opt[0].fused is fused and ours_opt[0].t == 60
    kw = {"fused": True} if fused else {"foreach": False}
    ref = _run(lambda p: torch.optim.Adam(p, lr=1e-2, betas=betas, eps=1e-6, **kw), x, init,
               lr_change=3e-3)
    assert all(torch.equal(a, b) for a, b in zip(ours, ref))
    # the default (foreach) and fused torch paths round differently but agree closely
    ref_fe = _run(lambda p: torch.optim.Adam(p, lr=1e-2, betas=betas, eps=1e-6, foreach=True), x, init,
                  lr_change=3e-3)
    tol = 1e-12 if dtype == torch.float64 else 1e-5
    assert all(torch.allclose(a, b, atol=tol) for a, b in zip(ours, ref_fe))
    # and it moved: not a no-op
    assert all((a - w).abs().max() > 1e-2 for a, w in zip(ours, init))


def test_adam_default_path():
    # fused by default where the kernel applies (one device, one floating dtype), else the loop
    assert optim.Adam([torch.zeros(2, requires_grad=True)]).fused is True
    mixed = [torch.zeros(2, requires_grad=True), torch.zeros(2, dtype=torch.float64, requires_grad=True)]
    assert optim.Adam(mixed).fused is False
    with pytest.raises(ValueError, match="Adam: fused=True needs all params"):
        optim.Adam(mixed, fused=True)
    with pytest.raises(TypeError, match="fused"):
        optim.Adam(mixed, fused="yes")


@pytest.mark.parametrize("fused", [False, True])
def test_adam_equals_numpy_adam_step(fused):
    # the formula of mlnotes.optim.adam_step (float64), one tensor, 40 steps of a quadratic
    w = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64, requires_grad=True)
    opt = optim.Adam([w], lr=0.05, betas=(0.8, 0.99), eps=1e-8, fused=fused)
    theta, state = np.array([1.0, -2.0, 0.5]), {}
    for _ in range(40):
        opt.zero_grad()
        (w ** 2 * torch.tensor([1.0, 3.0, 10.0], dtype=torch.float64)).sum().backward()
        grad = w.grad.numpy().copy()
        opt.step()
        theta = optim.adam_step(theta, grad, state, lr=0.05, beta1=0.8, beta2=0.99, eps=1e-8)
    assert np.allclose(w.detach().numpy(), theta, rtol=0, atol=1e-13) and opt.t == 40


@pytest.mark.parametrize("fused", [False, True])
def test_adam_first_step_is_sign_times_lr(fused):
    # after one step, m/(1-b1) = g and sqrt(v/(1-b2)) = |g|: p moves by lr * g / (|g| + eps)
    w = torch.tensor([3.0, -1.0, 0.0], dtype=torch.float64, requires_grad=True)
    opt = optim.Adam([w], lr=0.1, eps=0.0, fused=fused)
    w.grad = torch.tensor([2.0, -0.5, 1e-3], dtype=torch.float64)
    opt.step()
    assert torch.allclose(w.detach(), torch.tensor([2.9, -0.9, -0.1], dtype=torch.float64), atol=1e-15)


def test_adam_zero_grad_and_errors():
    w = torch.zeros(2, requires_grad=True)
    opt = optim.Adam([w])
    w.grad = torch.ones(2)
    opt.zero_grad()
    assert w.grad is None
    with pytest.raises(ValueError, match=r"Adam.step: every parameter needs a gradient"):
        opt.step()
    with pytest.raises(TypeError, match="Adam: params must be an iterable of tensors"):
        optim.Adam(torch.zeros(2, requires_grad=True))
    with pytest.raises(TypeError, match="Adam: params must be a non-empty iterable of torch tensors"):
        optim.Adam([])
    with pytest.raises(TypeError, match="Adam: params must be a non-empty iterable of torch tensors"):
        optim.Adam([np.zeros(2)])
    with pytest.raises(ValueError, match="Adam: params must be floating-point leaf tensors that require grad"):
        optim.Adam([torch.zeros(2)])
    with pytest.raises(ValueError, match="Adam: params must be floating-point leaf tensors that require grad"):
        optim.Adam([torch.zeros(2, requires_grad=True) * 2])
    with pytest.raises(ValueError, match="betas must lie in"):
        optim.Adam([w], betas=(0.5, 1.0))
    with pytest.raises(TypeError, match="betas must be a pair"):
        optim.Adam([w], betas=0.9)
    with pytest.raises(ValueError, match="lr"):
        optim.Adam([w], lr=0.0)
    with pytest.raises(ValueError, match="eps"):
        optim.Adam([w], eps=-1.0)
    w.grad = torch.ones(2)
    with pytest.raises(ValueError, match=r"Adam.step: lr"):
        opt.step(lr=math.nan)
