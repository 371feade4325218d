"""Tests of mlnotes.vae: the KL and the reparameterisation against torch.distributions, the
decoder's log-likelihood, the ELBO and the importance-sampled log-likelihood against a
quadrature of log p(x) over the 2-D latent plane, training (reproducible, improving, quality on
the digits) and the full configuration run with a few steps."""
import math

import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from torch.distributions import Normal, kl_divergence

from mlnotes import data, optim, runtime, vae

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def digits():
    X, y = data.digits()
    return train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)


@pytest.fixture(scope="module")
def small():
    """An untrained float64 model with a 2-D latent space (its posterior is broad)."""
    with torch.random.fork_rng():
        torch.manual_seed(3)
        m = vae.VAE(data_dim=6, latent_dim=2, hidden=16, depth=1, obs_sigma=0.5).double()
    x = torch.rand(5, 6, generator=torch.Generator().manual_seed(4), dtype=torch.float64)
    return m, x


def quadrature_log_px(m, x, half=7.0, n=601):
    """log p(x) = log int p(x|z) p(z) dz on a grid of the latent plane (trapezoid weights)."""
    g = torch.linspace(-half, half, n, dtype=torch.float64)
    Z = torch.stack(torch.meshgrid(g, g, indexing="ij"), -1).reshape(-1, 2)
    with torch.no_grad():
        log_pz = Normal(0.0, 1.0).log_prob(Z).sum(-1)
        ll = m.log_likelihood(x, Z[:, None, :].expand(-1, x.shape[0], -1))   # (grid, n)
    h = (g[1] - g[0]).item()
    return torch.logsumexp(ll + log_pz[:, None], 0) + 2 * math.log(h)


# ------------------------------------------------------------------ KL, reparameterisation
def test_kl_matches_torch_distributions():
    rng = np.random.default_rng(0)
    mu, logvar = rng.normal(size=(7, 3)), rng.normal(size=(7, 3))
    ours = vae.kl_standard_normal(mu, logvar)
    ref = kl_divergence(Normal(torch.tensor(mu), torch.tensor(np.exp(0.5 * logvar))),
                        Normal(0.0, 1.0)).sum(-1)
    assert ours.dtype == torch.float64 and torch.allclose(ours, ref, rtol=1e-12, atol=1e-12)
    assert torch.all(vae.kl_standard_normal(np.zeros((2, 3)), np.zeros((2, 3))) == 0)
    # the KL is smallest at mu = 0, sigma = 1: both a smaller and a larger variance cost more
    kl = [vae.kl_standard_normal([[0.0]], [[lv]]).item() for lv in (-1.0, 0.0, 1.0)]
    assert kl[1] == 0 and kl[0] > 0.1 and kl[2] > 0.1


def test_reparameterise_draws_the_right_law_and_passes_gradients():
    mu = torch.tensor([[1.5, -2.0]], requires_grad=True)
    logvar = torch.tensor([[math.log(0.25), math.log(4.0)]], requires_grad=True)
    eps = torch.randn(200_000, 1, 2, generator=torch.Generator().manual_seed(0))
    z = vae.reparameterise(mu, logvar, eps)
    assert z.shape == (200_000, 1, 2)
    se = torch.tensor([0.5, 2.0]) / math.sqrt(200_000)
    assert torch.all((z.mean(0)[0] - torch.tensor([1.5, -2.0])).abs() < 5 * se)
    assert torch.allclose(z.std(0)[0], torch.tensor([0.5, 2.0]), rtol=0.01)
    z.sum().backward()   # dz/dmu = 1, dz/dlogvar = eps sigma / 2
    assert torch.allclose(mu.grad, torch.full((1, 2), 200_000.0))
    assert torch.allclose(logvar.grad, (eps * torch.tensor([0.5, 2.0]) / 2).sum(0), rtol=1e-4)


# ------------------------------------------------------------------------------ the model
def test_shapes_and_log_likelihood_equal_torch_normal(small):
    m, x = small
    mu, logvar = m.encode(x)
    assert mu.shape == logvar.shape == (5, 2)
    z = torch.randn(3, 5, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    mean = m.decode(z)
    assert mean.shape == (3, 5, 6) and mean.min() > 0 and mean.max() < 1
    ref = Normal(mean, m.sigma).log_prob(x).sum(-1)
    assert torch.allclose(m.log_likelihood(x, z), ref, rtol=1e-12)
    assert torch.allclose(m.log_likelihood(x, z[0]), ref[0], rtol=1e-12)
    assert m.sigma == pytest.approx(0.5) and not m.learn_sigma
    assert "log_sigma" not in dict(m.named_parameters())   # a fixed sigma is not trained
    assert "log_sigma" in dict(vae.VAE(4, 2, 8, 1).named_parameters())
    out, mu2, _ = m(x, eps=torch.zeros(5, 2, dtype=torch.float64))
    assert torch.allclose(out, m.decode(mu2))


def test_elbo_equals_its_formula_and_bounds_log_px(small):
    m, x = small
    eps = torch.randn(4, 5, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    mu, logvar = m.encode(x)
    by_hand = m.log_likelihood(x, mu + torch.exp(0.5 * logvar) * eps).mean(0) \
        - vae.kl_standard_normal(mu, logvar)
    assert torch.allclose(vae.elbo(m, x, eps=eps), by_hand, rtol=1e-12)
    assert torch.equal(vae.elbo(m, x, samples=3, seed=5), vae.elbo(m, x, samples=3, seed=5))
    # log p(x) by quadrature: ELBO < IS estimate (k = 20000) ~ log p(x), example by example
    exact = quadrature_log_px(m, x)
    with torch.no_grad():
        bound = vae.elbo(m, x, samples=20_000, seed=0)
    iw = vae.importance_log_likelihood(m, x, k=20_000, seed=1)
    assert torch.all(bound < exact - 1e-3)
    assert torch.allclose(iw, exact, atol=1e-2)        # measured: 4e-3 at most
    # log p(x) - ELBO = KL(q || p(z|x)) > 0, and the IS bound climbs towards log p(x) with k
    # (the expected bound of k draws: the mean over 100 independent estimates)
    gaps = [np.mean([(exact - vae.importance_log_likelihood(m, x, k=k, seed=r)).mean().item()
                     for r in range(100)]) for k in (1, 10, 100)]
    assert gaps[0] > 2 * gaps[1] > 4 * gaps[2] > 0


def test_importance_sampling_uses_the_given_draws(small):
    m, x = small
    eps = torch.randn(50, 5, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(7))
    a = vae.importance_log_likelihood(m, x, eps=eps)
    b = vae.importance_log_likelihood(m, x, eps=eps, chunk=2)   # chunks give the same numbers
    assert torch.allclose(a, b, rtol=1e-12)
    mu, logvar = m.encode(x)
    z = mu + torch.exp(0.5 * logvar) * eps
    log_w = (m.log_likelihood(x, z) + Normal(0.0, 1.0).log_prob(z).sum(-1)
             - Normal(mu, torch.exp(0.5 * logvar)).log_prob(z).sum(-1))
    assert torch.allclose(a, torch.logsumexp(log_w, 0) - math.log(50), rtol=1e-10)


def test_sample_is_seeded_and_in_range(small):
    m, _ = small
    a, b = m.sample(8, seed=1), m.sample(8, seed=1)
    assert a.shape == (8, 6) and a.dtype == np.float64 and np.array_equal(a, b)
    assert a.min() > 0 and a.max() < 1 and not np.array_equal(a, m.sample(8, seed=2))
    noisy = m.sample(4000, seed=3, mean=False) - m.sample(4000, seed=3)
    assert np.std(noisy) > 0.3      # sigma = 0.5 noise added (a different draw of z as well)


# ------------------------------------------------------------------------------ training
def test_training_is_reproducible_and_improves(digits):
    Xtr = digits[0][:400]
    m1, h1 = vae.train_vae(Xtr, epochs=6, hidden=32, seed=4, device="cpu")
    m2, h2 = vae.train_vae(Xtr, epochs=6, hidden=32, seed=4, device="cpu")
    assert all(torch.equal(a, b) for a, b in zip(m1.state_dict().values(), m2.state_dict().values()))
    assert np.array_equal(h1["elbo"], h2["elbo"])
    assert h1["elbo"].shape == (6,) and h1["elbo"][-1] > h1["elbo"][0] + 5
    assert h1["steps"] == 6 * 4 and h1["config"]["hidden"] == 32 and h1["config"]["seed"] == 4
    assert h1["sigma"] == pytest.approx(m1.sigma) and not m1.training
    # the ELBO of the history is the package's elbo (up to the draws): same order of magnitude
    with torch.no_grad():
        e = vae.elbo(m1, Xtr, samples=20, seed=0).mean().item()
    assert abs(e - h1["elbo"][-1]) < 3.0


def test_adam_is_torchs_adam():
    """The package writes Adam out (torch.optim's first use imports torch._dynamo, seconds);
    its updates are torch.optim.Adam's, step for step, learning-rate changes included."""
    with torch.random.fork_rng():
        torch.manual_seed(0)
        a = vae.VAE(data_dim=6, latent_dim=2, hidden=8, depth=1).double()
    b = vae.VAE(data_dim=6, latent_dim=2, hidden=8, depth=1).double()
    b.load_state_dict(a.state_dict())
    start = [p.detach().clone() for p in a.parameters()]
    ours, ref = optim.Adam(a.parameters(), lr=3e-3), torch.optim.Adam(b.parameters(), lr=3e-3)
    x = torch.rand(10, 6, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    for step in range(25):
        lr = 3e-3 * (1.0 if step < 10 else 0.3)
        eps = torch.randn(1, 10, 2, generator=torch.Generator().manual_seed(step), dtype=torch.float64)
        for model, opt in ((a, ours), (b, ref)):
            opt.zero_grad()
            (-vae.elbo(model, x, eps=eps).mean()).backward()
        ours.step(lr)
        for group in ref.param_groups:
            group["lr"] = lr
        ref.step()
    for pa, pb in zip(a.parameters(), b.parameters()):
        assert torch.allclose(pa, pb, rtol=1e-10, atol=1e-12)
    assert all((p.detach() - p0).abs().max() > 1e-3 for p, p0 in zip(a.parameters(), start))


def test_config_resolution():
    X = np.random.default_rng(0).uniform(size=(30, 4))
    m, h = vae.train_vae(X, config={**vae.CONFIGS["cpu"], "full": False, "device": "cpu"}, epochs=1,
                         hidden=8)
    assert h["config"]["hidden"] == 8 and h["config"]["depth"] == vae.CONFIGS["cpu"]["depth"]
    assert h["config"]["epochs"] == 1 and h["config"]["device"] == "cpu"
    m, h = vae.train_vae(X, epochs=1, hidden=8, obs_sigma=0.2)
    assert m.sigma == pytest.approx(0.2) and h["sigma"] == pytest.approx(0.2)
    with pytest.raises(ValueError, match=r"train_vae: config has unknown keys \['widht'\]"):
        vae.train_vae(X, config={"widht": 3})
    with pytest.raises(ValueError, match=r"train_vae: data must lie in \[0, 1\]"):
        vae.train_vae(X * 16)
    with pytest.raises(ValueError, match="train_vae: data must have at least 2 rows"):
        vae.train_vae(X[:1])


def test_cpu_configuration_learns_the_digits(digits):
    """The notebook's model: its held-out ELBO (a lower bound) beats the exact held-out
    log-likelihood of probabilistic PCA with the same 2-D latent space, and its latent means
    separate the classes (5-NN accuracy). Measured over seeds 0-4: ELBO 8.6-9.7 against PPCA's
    -0.44 nats, accuracy 0.74-0.81, sigma 0.185-0.189."""
    Xtr, Xte, ytr, yte = digits
    m, h = vae.train_vae(Xtr, config=vae.CONFIGS["cpu"], seed=0, device="cpu")
    with torch.no_grad():
        test_elbo = vae.elbo(m, Xte, samples=50, seed=0).mean().item()
        mu_tr, mu_te = m.encode(Xtr)[0].numpy(), m.encode(Xte)[0].numpy()
    ppca = PCA(2).fit(Xtr).score(Xte)
    assert test_elbo > ppca + 7.0
    acc = KNeighborsClassifier(5).fit(mu_tr, ytr).score(mu_te, yte)
    assert acc > 0.70
    assert 0.12 < h["sigma"] < 0.25


def test_full_configuration_runs_reduced(monkeypatch, digits):
    """MLNOTES_FULL=1 selects the larger model; one epoch checks that the whole path runs on a CPU."""
    monkeypatch.setenv("MLNOTES_FULL", "1")
    monkeypatch.setenv("MLNOTES_DEVICE", "cpu")
    cfg = runtime.choose(cpu=vae.CONFIGS["cpu"], full=vae.CONFIGS["full"], name="VAE")
    assert cfg["full"] is True and cfg["device"] == "cpu"
    m, h = vae.train_vae(digits[0], config=cfg, epochs=1, seed=0)
    full = vae.CONFIGS["full"]
    assert (m.hidden, m.depth, m.latent_dim) == (full["hidden"], full["depth"], full["latent_dim"])
    assert m.hidden > vae.CONFIGS["cpu"]["hidden"]
    assert h["steps"] == math.ceil(len(digits[0]) / full["batch_size"]) and np.isfinite(h["elbo"]).all()
    x = m.sample(4, seed=0)
    assert x.shape == (4, 64) and np.all((x > 0) & (x < 1))
    assert torch.isfinite(vae.importance_log_likelihood(m, digits[1][:3], k=10)).all()


# ---------------------------------------------------------------------------- bad input
def test_bad_input_messages(small):
    m, x = small
    with pytest.raises(TypeError, match="elbo: model must be a mlnotes.vae.VAE"):
        vae.elbo("model", x)
    with pytest.raises(ValueError, match=r"elbo: x must have 6 columns"):
        vae.elbo(m, torch.zeros(3, 5))
    with pytest.raises(ValueError, match=r"elbo: eps must have shape \(5, 2\) or \(S, 5, 2\)"):
        vae.elbo(m, x, eps=torch.zeros(2, 4, 2))
    with pytest.raises(ValueError, match=r"importance_log_likelihood: k must lie in"):
        vae.importance_log_likelihood(m, x, k=0)
    with pytest.raises(ValueError, match=r"VAE.decode: z must have 2 columns"):
        m.decode(np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"VAE.log_likelihood: z must have shape \(5, 2\)"):
        m.log_likelihood(x, torch.zeros(4, 2))
    with pytest.raises(ValueError, match=r"reparameterise: eps must have shape \(5, 2\)"):
        vae.reparameterise(np.zeros((5, 2)), np.zeros((5, 2)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="kl_standard_normal: logvar must have the shape of mu"):
        vae.kl_standard_normal(np.zeros((2, 2)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="VAE: obs_sigma must be > 0"):
        vae.VAE(obs_sigma=0.0)
    with pytest.raises(ValueError, match=r"x must contain only finite numbers"):
        m.encode(torch.full((2, 6), float("nan"), dtype=torch.float64))
