"""mlnotes.optim: each update rule equals torch.optim's, the test functions and run()."""
import warnings

import numpy as np
import pytest
import torch

from mlnotes import optim

F64 = torch.float64


def ours(step, x0, grads, **kw):
    theta, state, out = np.array(x0, dtype=float), {}, []
    for g in grads:
        theta = step(theta, g(theta), state, **kw)
        out.append(theta)
    return np.array(out)


def theirs(cls, x0, loss, steps, **kw):
    p = torch.tensor(x0, dtype=F64, requires_grad=True)
    opt, out = cls([p], **kw), []
    for _ in range(steps):
        opt.zero_grad()
        loss(p).backward()
        opt.step()
        out.append(p.detach().clone().numpy())
    return np.array(out)


# a random smooth loss in 5 dimensions: sum_i a_i (x_i - c_i)^2 + b * sum_i x_i^4 / 4
RNG = np.random.default_rng(0)
A, C = RNG.uniform(0.1, 20, 5), RNG.normal(size=5)
X0 = RNG.normal(size=5) * 2


def loss_np_grad(x):
    return 2 * A * (x - C) + 0.1 * x ** 3


def loss_torch(p):
    return (torch.tensor(A) * (p - torch.tensor(C)) ** 2).sum() + 0.1 * (p ** 4).sum() / 4


CASES = [
    (optim.sgd_step, torch.optim.SGD, dict(lr=1e-2), {}),
    (optim.sgd_step, torch.optim.SGD, dict(lr=1e-2, momentum=0.5), {}),
    (optim.sgd_step, torch.optim.SGD, dict(lr=1e-2, momentum=0.9, nesterov=True), {}),
    (optim.sgd_step, torch.optim.SGD, dict(lr=1e-2, momentum=0.9, weight_decay=0.3), {}),
    (optim.adagrad_step, torch.optim.Adagrad, dict(lr=0.3), {}),
    (optim.adagrad_step, torch.optim.Adagrad, dict(lr=0.3, eps=1e-3, initial_accumulator_value=2.0), {}),
    (optim.rmsprop_step, torch.optim.RMSprop, dict(lr=0.01), {}),
    (optim.rmsprop_step, torch.optim.RMSprop, dict(lr=0.05, alpha=0.8, eps=1e-4), {}),
    (optim.adadelta_step, torch.optim.Adadelta, dict(lr=1.0), {}),
    (optim.adadelta_step, torch.optim.Adadelta, dict(lr=0.5, rho=0.7, eps=1e-4), {}),
    (optim.adam_step, torch.optim.Adam, dict(lr=0.05), {}),
    (optim.adam_step, torch.optim.Adam, dict(lr=0.05, eps=1e-3, weight_decay=0.2), {}),
    (optim.adam_step, torch.optim.Adam, dict(lr=0.05, betas=(0.5, 0.9)), {"beta1": 0.5, "beta2": 0.9}),
    (optim.adamw_step, torch.optim.AdamW, dict(lr=0.05), {}),
    (optim.adamw_step, torch.optim.AdamW, dict(lr=0.05, weight_decay=0.5, betas=(0.8, 0.99)),
     {"beta1": 0.8, "beta2": 0.99}),
]


@pytest.mark.parametrize("step, cls, kw, rename", CASES, ids=lambda v: getattr(v, "__name__", str(v)))
def test_step_equals_torch_over_100_steps(step, cls, kw, rename):
    ref = theirs(cls, X0, loss_torch, 100, **kw)
    mine_kw = {k: v for k, v in kw.items() if k != "betas"} | rename
    mine = ours(step, X0, [loss_np_grad] * 100, **mine_kw)
    assert np.all(np.isfinite(mine)) and np.abs(mine[-1] - X0).max() > 1e-2   # it moved
    assert np.abs(mine - ref).max() < 1e-10


def test_state_is_kept_and_counts_steps():
    st = {}
    th = optim.adam_step(np.ones(3), np.ones(3), st, lr=0.1)
    assert st["t"] == 1 and set(st) >= {"m", "v"}
    assert np.allclose(th, 0.9)            # first Adam step: lr per coordinate
    optim.adam_step(th, np.ones(3), st, lr=0.1)
    assert st["t"] == 2


def test_adamw_decays_geometrically_without_gradient():
    th, st = np.array([3.0, -2.0]), {}
    for _ in range(50):
        th = optim.adamw_step(th, np.zeros(2), st, lr=0.01, weight_decay=0.1)
    assert np.allclose(th, np.array([3.0, -2.0]) * 0.999 ** 50, rtol=1e-13)


@pytest.mark.parametrize("name", list(optim.FUNCTIONS))
def test_functions_and_gradients(name):
    spec = optim.FUNCTIONS[name]
    x0, x1, y0, y1 = spec["extent"]
    P = np.random.default_rng(1).uniform([x0, y0], [x1, y1], size=(40, 2))
    T = torch.tensor(P, requires_grad=True)
    spec["f"](T[:, 0], T[:, 1]).sum().backward()
    assert np.allclose(optim.gradient(name, P), T.grad.numpy(), rtol=1e-12, atol=1e-12)
    assert optim.objective(name, P).shape == (40,) and optim.gradient(name, P[0]).shape == (2,)
    assert optim.objective(name, spec["argmin"]) == pytest.approx(spec["fmin"], abs=1e-15)
    assert np.abs(optim.gradient(name, spec["argmin"])).max() < 1e-12
    # the minimum is the smallest value on a fine grid of the box
    g = np.stack(np.meshgrid(np.linspace(x0, x1, 201), np.linspace(y0, y1, 201)), -1)
    assert optim.objective(name, g).min() >= spec["fmin"] - 1e-12


@pytest.mark.parametrize("opt", optim.OPTIMISERS)
def test_run_matches_the_step_functions_and_torch(opt):
    path, loss, div = optim.run("beale", opt, 1e-2, 60, 0.8)
    assert div == -1 and path.shape == (61, 2) and loss.shape == (61,)
    assert np.allclose(loss, optim.objective("beale", path), rtol=1e-14, atol=0)
    cls, kw = {"SGD": (torch.optim.SGD, {}), "momentum": (torch.optim.SGD, {"momentum": 0.8}),
               "Nesterov": (torch.optim.SGD, {"momentum": 0.8, "nesterov": True}),
               "AdaGrad": (torch.optim.Adagrad, {}), "RMSprop": (torch.optim.RMSprop, {}),
               "AdaDelta": (torch.optim.Adadelta, {}), "Adam": (torch.optim.Adam, {"betas": (0.8, 0.999)}),
               "AdamW": (torch.optim.AdamW, {"betas": (0.8, 0.999)})}[opt]
    f = optim.FUNCTIONS["beale"]["f"]
    ref = theirs(cls, optim.FUNCTIONS["beale"]["start"], lambda p: f(p[0], p[1]), 60, lr=1e-2, **kw)
    assert np.abs(path[1:] - ref).max() < 1e-10


def test_run_stops_at_divergence_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in optim.FUNCTIONS:
            for opt in optim.OPTIMISERS:
                path, loss, div = optim.run(name, opt, 1.0, 200, 0.99)
                assert np.all(np.isfinite(path)) and np.all(np.isfinite(loss))
                assert len(path) == len(loss) and (div == -1 or div == len(path))
                assert np.abs(path).max() < optim.ESCAPE
    # SGD at lr 1 on Rosenbrock blows up within a few steps
    path, loss, div = optim.run("rosenbrock", "SGD", 1.0, 200)
    assert 1 <= div <= 5 and len(path) == div


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match=r"sgd_step: grad must have shape"):
        optim.sgd_step(np.zeros(3), np.zeros(2), {}, 0.1)
    with pytest.raises(TypeError, match=r"adam_step: state must be a dict"):
        optim.adam_step(np.zeros(2), np.zeros(2), None, 0.1)
    with pytest.raises(ValueError, match=r"rmsprop_step: alpha must lie in \[0, 1\)"):
        optim.rmsprop_step(np.zeros(2), np.zeros(2), {}, 0.1, alpha=1.0)
    with pytest.raises(ValueError, match=r"adagrad_step: lr must be > 0"):
        optim.adagrad_step(np.zeros(2), np.zeros(2), {}, 0.0)
    with pytest.raises(ValueError, match=r"run: optimiser must be one of"):
        optim.run("rosenbrock", "LBFGS")
    with pytest.raises(ValueError, match=r"objective: function must be one of"):
        optim.objective("himmelblau", np.zeros(2))
    with pytest.raises(ValueError, match=r"gradient: xy must have a last axis of length 2"):
        optim.gradient("beale", np.zeros(3))


@pytest.mark.parametrize("step", [optim.adagrad_step, optim.rmsprop_step, optim.adam_step,
                                  optim.adamw_step, optim.adadelta_step])
def test_eps_zero_is_refused_not_nan(step):
    with pytest.raises(ValueError, match=r"eps must be > 0|eps must be positive|eps"):
        step([1.0, 2.0], [0.0, 0.0], {}, eps=0.0)
    with np.errstate(all="raise"):   # the smallest eps: a zero gradient moves nothing, no 0/0
        assert np.array_equal(step([1.0, 2.0], [0.0, 0.0], {}, eps=1e-300, **(
            {"weight_decay": 0.0} if step is optim.adamw_step else {})), [1.0, 2.0])


def test_nesterov_without_momentum_is_refused_as_in_torch():
    with pytest.raises(ValueError, match="sgd_step: nesterov=True needs momentum > 0"):
        optim.sgd_step([1.0], [1.0], {}, 0.1, momentum=0.0, nesterov=True)
    with pytest.raises(ValueError, match="Nesterov"):
        torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1, nesterov=True)


def test_a_state_belongs_to_one_optimiser_and_one_shape():
    state = {}
    optim.adam_step([1.0], [1.0], state)
    with pytest.raises(ValueError, match=r"adam_step: state\['m'\] has shape \(1,\), theta has \(3,\)"):
        optim.adam_step([1.0, 2.0, 3.0], [1.0, 1.0, 1.0], state)
    state = {}
    optim.adagrad_step([1.0, 2.0], [1.0, 1.0], state)
    with pytest.raises(ValueError, match="rmsprop_step: state was made by adagrad_step"):
        optim.rmsprop_step([1.0, 2.0], [1.0, 1.0], state)
    state = {}
    optim.sgd_step([1.0, 2.0], [1.0, 1.0], state, momentum=0.9)
    with pytest.raises(ValueError, match=r"state\['b'\] has shape \(2,\), theta has \(3,\)"):
        optim.sgd_step([1.0, 2.0, 3.0], [1.0, 1.0, 1.0], state, momentum=0.9)


@pytest.mark.parametrize("value", [1.0, 1.5, -0.1])
def test_a_rate_out_of_range_always_says_half_open(value):
    with pytest.raises(ValueError, match=r"sgd_step: momentum must lie in \[0, 1\)"):
        optim.sgd_step([1.0], [1.0], {}, momentum=value)
