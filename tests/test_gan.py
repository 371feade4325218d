"""mlnotes.gan: the benchmarks, the mode metric, the building blocks and the batched trainer."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy import stats

from mlnotes import gan


# ------------------------------------------------------------------------------ data
def test_benchmarks_follow_pacgan():
    ang = 2 * np.pi * np.arange(8) / 8
    assert np.allclose(gan.ring_centres(), np.c_[np.cos(ang), np.sin(ang)], atol=1e-15)
    g = gan.grid_centres()
    assert g.shape == (25, 2)
    assert {tuple(r) for r in g} == {(a, b) for a in (-4.0, -2.0, 0.0, 2.0, 4.0) for b in (-4.0, -2.0, 0.0, 2.0, 4.0)}
    assert gan.RING_SIGMA == 0.01 and gan.GRID_SIGMA == 0.05
    assert np.allclose(gan.ring_centres(4, 2.0), [[2, 0], [0, 2], [-2, 0], [0, -2]], atol=1e-15)


@pytest.mark.parametrize("sampler,centres,sigma", [(gan.ring, gan.ring_centres(), 0.01),
                                                   (gan.grid, gan.grid_centres(), 0.05)])
def test_samples_are_the_mixture(sampler, centres, sigma):
    x, lab = sampler(50_000, seed=3, return_labels=True)
    assert x.shape == (50_000, 2) and lab.shape == (50_000,)
    resid = x - centres[lab]
    # each coordinate of the residual is N(0, sigma^2): Kolmogorov-Smirnov at 1 %
    for j in range(2):
        assert stats.kstest(resid[:, j] / sigma, "norm").pvalue > 0.01
    # equal weights: chi-square test of the label counts at 1 %
    counts = np.bincount(lab, minlength=len(centres))
    assert stats.chisquare(counts).pvalue > 0.01
    assert np.array_equal(sampler(100, seed=3), sampler(100, seed=3))
    assert not np.array_equal(sampler(100, seed=3), sampler(100, seed=4))


# ---------------------------------------------------------------------------- metrics
def _brute(x, c, s, thr=3.0):
    d = np.linalg.norm(x[:, None] - c[None], axis=2)
    j, ok = d.argmin(1), d.min(1) < thr * s
    return np.bincount(j[ok], minlength=len(c))


def test_mode_counts_against_brute_force():
    rng = np.random.default_rng(0)
    c = gan.grid_centres()
    for scale in (0.05, 0.2, 1.0):
        x = c[rng.integers(0, 25, 3000)] + scale * rng.normal(size=(3000, 2))
        for thr in (1.0, 3.0, 10.0):
            assert np.array_equal(gan.mode_counts(x, c, 0.05, threshold=thr), _brute(x, c, 0.05, thr))
    # more than one block of the blocked distance computation
    x = gan.ring(70_000, seed=1)
    assert np.array_equal(gan.mode_counts(x, gan.ring_centres(), 0.01), _brute(x, gan.ring_centres(), 0.01))


def test_mode_coverage_numbers():
    c = gan.ring_centres()
    x = gan.ring(40_000, seed=2)
    cov = gan.mode_coverage(x, c, gan.RING_SIGMA)
    hq = 1 - math.exp(-4.5)                      # P(chi_2 < 3)
    assert cov.modes == 8 and abs(cov.high_quality - hq) < 4 * math.sqrt(hq * (1 - hq) / 40_000)
    modes, frac = cov                             # a (modes, high_quality) pair
    assert (modes, frac) == (cov.modes, cov.high_quality)
    # a collapsed generator: one mode, perfect samples
    one = np.repeat(c[3:4], 100, axis=0)
    assert tuple(gan.mode_coverage(one, c, 0.01)) == (1, 1.0)
    # off the modes: nothing counts
    assert tuple(gan.mode_coverage(one + 0.5, c, 0.01)) == (0, 0.0)
    # min_count: two modes with 1 and 5 samples
    two = np.r_[c[:1], np.repeat(c[1:2], 5, axis=0)]
    assert gan.mode_coverage(two, c, 0.01).modes == 2
    assert gan.mode_coverage(two, c, 0.01, min_count=2).modes == 1


def test_metric_errors():
    with pytest.raises(ValueError, match="mode_counts: centres must have 2 columns"):
        gan.mode_counts(np.zeros((3, 2)), np.zeros((2, 3)), 0.1)
    with pytest.raises(ValueError, match="sigma must be > 0"):
        gan.mode_coverage(np.zeros((3, 2)), np.zeros((2, 2)), 0.0)
    with pytest.raises(ValueError, match="min_count must lie in"):
        gan.mode_coverage(np.zeros((3, 2)), np.zeros((2, 2)), 0.1, min_count=0)


# --------------------------------------------------------------------- building blocks
def test_pack_samples():
    x = np.arange(24.0).reshape(12, 2)
    p = gan.pack_samples(x, 3)
    assert p.shape == (4, 6) and np.array_equal(p[1], x[3:6].ravel())
    t = torch.arange(24.0).reshape(2, 6, 2)
    assert torch.equal(gan.pack_samples(t, 2)[1, 2], t[1, 4:6].reshape(-1))
    with pytest.raises(ValueError, match="x holds 12 samples, not a multiple of m = 5"):
        gan.pack_samples(x, 5)
    with pytest.raises(ValueError, match="x must be 2-D or 3-D"):
        gan.pack_samples(np.zeros(4), 2)


def test_gan_losses_are_binary_cross_entropies():
    rng = np.random.default_rng(1)
    lr, lf = torch.tensor(rng.normal(size=(3, 7, 1))), torch.tensor(rng.normal(size=(3, 7, 1)))
    loss_d, loss_g = gan.gan_losses(lr, lf)
    for s in range(3):
        ref = (F.binary_cross_entropy_with_logits(lr[s], torch.ones_like(lr[s]))
               + F.binary_cross_entropy_with_logits(lf[s], torch.zeros_like(lf[s])))
        assert torch.allclose(loss_d[s], ref, atol=1e-14)
        assert torch.allclose(loss_g[s], F.binary_cross_entropy_with_logits(lf[s], torch.ones_like(lf[s])),
                              atol=1e-14)
    _, mm = gan.gan_losses(lr, lf, "minimax")
    assert torch.allclose(mm, torch.log1p(-torch.sigmoid(lf)).mean((-2, -1)), atol=1e-12)
    with pytest.raises(ValueError, match="loss must be one of"):
        gan.gan_losses(lr, lf, "wasserstein")
    with pytest.raises(ValueError, match=r"logits_fake must be a float tensor of shape \(\.\.\., n, 1\)"):
        gan.gan_losses(lr, lf[..., 0])


def test_gan_uses_the_public_adam():
    # the trainer's optimiser is mlnotes.optim.Adam (tested against torch.optim.Adam in test_optim_adam.py)
    from mlnotes import optim
    assert gan.Adam is optim.Adam


def test_stacked_mlp_members():
    net = gan.StackedMLP([3, 8, 8, 2], 3, seeds=[5, 6, 7], activation="leaky_relu", output="tanh")
    x = torch.randn(3, 10, 3)
    out = net(x)
    assert out.shape == (3, 10, 2) and out.abs().max() <= 1
    for i in range(3):
        assert torch.allclose(net.member(i)(x[i]), out[i], atol=1e-6)
    # a member's weights depend on its own seed only, and start as nn.Linear's: U(+-1/sqrt(fan_in))
    alone = gan.StackedMLP([3, 8, 8, 2], 1, seeds=[6], activation="leaky_relu", output="tanh")
    assert all(torch.equal(a[1], b[0]) for a, b in zip(net.weights, alone.weights))
    big = gan.StackedMLP([400, 400, 1], 1)
    w = big.weights[0].detach()
    assert w.abs().max() <= 1 / 20 and abs(w.std().item() - 1 / 20 / math.sqrt(3)) < 1e-3
    # the same input for every member
    assert torch.allclose(net(x[0]), torch.stack([net.member(i)(x[0]) for i in range(3)]), atol=1e-6)
    with pytest.raises(ValueError, match=r"x must have shape \(3, n, 3\)"):
        net(torch.zeros(2, 4, 3))
    with pytest.raises(ValueError, match="seeds must hold 3 values"):
        gan.StackedMLP([3, 2], 3, seeds=[1, 2])


# -------------------------------------------------------------------------- training
@pytest.fixture(scope="module")
def ring():
    return gan.ring(5000, seed=0)


def test_training_is_reproducible_and_members_are_independent(ring):
    kw = dict(steps=20, hidden=16, batch_size=32, device="cpu", progress=False)
    a = gan.train_gan(ring, seed=3, **kw)
    b = gan.train_gan(ring, seed=3, **kw)
    assert np.array_equal(a.history["d_loss"], b.history["d_loss"])
    assert np.array_equal(a.sample(50, seed=1), b.sample(50, seed=1))
    # seed 3 trained with two others (on other data, one packed) follows the same path
    grid = gan.grid(3000, seed=1)
    many = gan.train_gan([grid, ring, ring], seed=[1, 3, 3], pack=[2, 1, 2], **kw)
    assert many.members == 3
    assert np.allclose(many.history["d_loss"][1], a.history["d_loss"][0], atol=1e-4)
    assert np.allclose(many.sample(50, seed=1, member=1), a.sample(50, seed=1), atol=1e-3)
    assert not np.allclose(many.history["d_loss"][2], a.history["d_loss"][0], atol=1e-4)   # packed differs


def test_a_packed_member_equals_a_packed_run(ring):
    kw = dict(steps=15, hidden=16, batch_size=32, device="cpu", progress=False)
    solo = gan.train_gan(ring, seed=2, pack=3, **kw)
    mixed = gan.train_gan([ring, ring], seed=[0, 2], pack=[1, 3], **kw)
    assert np.allclose(mixed.history["g_loss"][1], solo.history["g_loss"][0], atol=1e-4)


def test_samples_are_in_data_coordinates():
    x = gan.ring(3000, seed=0) * 5 + np.array([100.0, -50.0])
    res = gan.train_gan(x, steps=150, device="cpu", progress=False)
    s = res.sample(2000, seed=0)
    assert np.allclose(s.mean(0), [100, -50], atol=2.0)
    assert 2.0 < np.sqrt(s.var(0).sum()) < 8.0        # the data's spread is 5
    p = res.discriminate(x[:10])
    assert p.shape == (10,) and np.all((p > 0) & (p < 1))


def test_training_learns_the_ring(ring):
    """The CPU benchmark set-up, shortened to 500 rounds: both seeds find most modes."""
    cfg = dict(gan.CONFIGS["benchmark"]["cpu"])
    args = {k: v for k, v in cfg.items() if k not in ("seeds", "n_train")}
    args.update(steps=500, snapshot_every=None)
    res = gan.train_gan(ring, seed=[0, 1], device="cpu", progress=False, **args)
    for out in res.sample_all(2000, seed=9):
        cov = gan.mode_coverage(out, gan.ring_centres(), gan.RING_SIGMA)
        assert cov.modes >= 6 and cov.high_quality > 0.03
    untrained = gan.train_gan(ring, steps=1, lr=1e-9, device="cpu", progress=False).sample(2000)
    assert gan.mode_coverage(untrained, gan.ring_centres(), gan.RING_SIGMA).modes <= 1


def test_generator_steps_collapse_and_packing_restores(ring):
    """The notebook's collapse experiment on two seeds: plain runs collapse, packed runs spread."""
    cfg = gan.CONFIGS["collapse"]["cpu"]
    args = {k: v for k, v in cfg.items() if k not in ("seeds", "n_train", "snapshot_every")}
    res = gan.train_gan([ring] * 4, seed=[0, 1, 0, 1], pack=[1, 1, 2, 2], device="cpu", progress=False, **args)
    out = res.sample_all(2000, seed=9)
    spread = np.sqrt(out.var(1).sum(-1))
    assert np.all(spread[:2] < 0.45) and np.all(spread[2:] > 0.85), spread


def test_conditional_gan(ring):
    x, y = gan.ring(4000, seed=1, return_labels=True)
    res = gan.train_gan(x, labels=y, steps=200, device="cpu", progress=False)
    assert res.config["n_classes"] == 8 and np.allclose(res.label_freq.sum(), 1)
    asked = np.repeat(np.arange(8), 50)
    s = res.sample(400, seed=2, labels=asked)
    near = np.linalg.norm(s[:, None] - gan.ring_centres()[None], axis=2).argmin(1)
    assert np.mean(near == asked) > 0.9
    s2 = res.sample(400, seed=2)          # labels drawn with the training frequencies
    assert s2.shape == (400, 2)
    with pytest.raises(ValueError, match=r"labels must be integers in \[0, 7\]"):
        res.sample(3, labels=[0, 1, 8])
    with pytest.raises(ValueError, match="labels must be None for an unconditional GAN"):
        gan.train_gan(x, steps=1, device="cpu", progress=False).sample(3, labels=[0, 1, 2])
    # the discriminator judges a point under a class: a conditional GAN's D needs the labels
    with pytest.raises(ValueError, match="discriminate: labels are required for a conditional GAN"):
        res.discriminate(x[:5])
    on_mode = res.discriminate(x[:200], labels=y[:200])
    wrong = res.discriminate(x[:200], labels=(y[:200] + 4) % 8)       # the opposite mode's class
    assert on_mode.shape == (200,) and np.mean(on_mode) > np.mean(wrong)


def test_snapshots(ring):
    res = gan.train_gan([ring, ring], seed=[0, 1], pack=[1, 2], steps=25, snapshot_every=10, snapshot_n=30,
                        snapshot_grid=7, hidden=8, device="cpu", progress=False)
    snap = res.snapshots
    assert snap.steps.tolist() == [0, 10, 20, 25]
    assert snap.samples.shape == (2, 4, 30, 2) and snap.disc.shape == (2, 4, 7, 7)
    assert np.all((snap.disc > 0) & (snap.disc < 1))
    assert not np.allclose(snap.samples[:, 0], snap.samples[:, -1])      # training moved the samples
    # the last snapshot's discriminator map is D on the grid of each member's extent
    for m in range(2):
        x0, x1, y0, y1 = snap.extent[m]
        gx, gy = np.meshgrid(np.linspace(x0, x1, 7), np.linspace(y0, y1, 7))
        d = res.discriminate(np.c_[gx.ravel(), gy.ravel()], member=m).reshape(7, 7)
        assert np.allclose(d, snap.disc[m, -1], atol=1e-5)
    # the data lie inside the map
    assert x0 < ring[:, 0].min() and x1 > ring[:, 0].max()
    assert res.history["d_loss"].shape == (2, 25) and np.all(np.isfinite(res.history["g_loss"]))


def test_any_dimension_digits_with_sigmoid_output():
    from mlnotes import data
    X, _ = data.digits()
    res = gan.train_gan(X, steps=5, hidden=32, latent_dim=8, output="sigmoid", device="cpu", progress=False)
    s = res.sample(20, seed=0)
    assert s.shape == (20, 64) and np.all((s > 0) & (s < 1))
    assert res.config["standardize"] is False and res.snapshots is None
    with pytest.raises(ValueError, match="standardize=True needs output='linear'"):
        gan.train_gan(X, steps=1, output="sigmoid", standardize=True, progress=False)


def test_training_errors(ring):
    with pytest.raises(ValueError, match="the lists data, seed, labels and pack must have the same length"):
        gan.train_gan([ring, ring], seed=[0, 1, 2], steps=1, progress=False)
    with pytest.raises(ValueError, match="every data set must have the same dimension"):
        gan.train_gan([ring, np.zeros((5, 3))], steps=1, progress=False)
    with pytest.raises(ValueError, match=r"labels must hold one label per data point \(5000\), got 3"):
        gan.train_gan(ring, labels=[0, 1, 2], steps=1, progress=False)
    with pytest.raises(ValueError, match="labels must be non-negative integers"):
        gan.train_gan(ring[:3], labels=[0, 1.5, 2], steps=1, progress=False)
    with pytest.raises(ValueError, match=r"betas must lie in \[0, 1\)"):
        gan.train_gan(ring, betas=(0.5, 1.0), steps=1, progress=False)
    with pytest.raises(ValueError, match="pack must lie in"):
        gan.train_gan(ring, pack=[1, 0], seed=[0, 1], steps=1, progress=False)


# --------------------------------------------------------------------- configurations
def test_config_cpu(monkeypatch):
    monkeypatch.setenv("MLNOTES_FULL", "0")
    for name in gan.CONFIGS:
        cfg = gan.config(name, verbose=False)
        assert cfg["full"] is False and cfg == {**gan.CONFIGS[name]["cpu"], "full": False, "device": cfg["device"]}
    cfg = gan.config("collapse", steps=5, verbose=False)
    assert cfg["steps"] == 5 and cfg["snapshot_every"] == 5
    with pytest.raises(ValueError, match="name must be one of"):
        gan.config("cifar")


@pytest.mark.parametrize("name", sorted(gan.CONFIGS))
def test_full_configuration_runs(monkeypatch, name):
    """MLNOTES_FULL=1 selects the larger models; a few rounds check that the whole path runs on a CPU."""
    monkeypatch.setenv("MLNOTES_FULL", "1")
    monkeypatch.setenv("MLNOTES_DEVICE", "cpu")
    cfg = gan.config(name, steps=3, verbose=False)
    full, cpu = gan.CONFIGS[name]["full"], gan.CONFIGS[name]["cpu"]
    assert cfg["full"] is True and cfg["device"] == "cpu" and cfg["steps"] == 3
    assert cfg["hidden"] == full["hidden"] > cpu["hidden"] and full["steps"] > cpu["steps"]
    assert full["seeds"] >= cpu["seeds"] and full["n_train"] >= cpu["n_train"]
    args = {k: v for k, v in cfg.items() if k not in ("seeds", "n_train", "full")}
    seeds = list(range(cfg["seeds"]))
    if name == "conditional":
        xy = [gan.ring(cfg["n_train"], seed=s, return_labels=True) for s in seeds]
        res = gan.train_gan([x for x, _ in xy], labels=[y for _, y in xy], seed=seeds, progress=False, **args)
    elif name == "collapse":
        data = [gan.ring(cfg["n_train"], seed=s) for s in seeds]
        res = gan.train_gan(data * 2, seed=seeds * 2, pack=[1] * len(seeds) + [2] * len(seeds), progress=False,
                            **args)
    else:
        data = [gan.ring(cfg["n_train"], seed=s) for s in seeds] + [gan.grid(cfg["n_train"], seed=s) for s in seeds]
        res = gan.train_gan(data, seed=seeds * 2, progress=False, **args)
    assert res.generator.sizes[1] == full["hidden"] and len(res.generator.weights) == full["depth"] + 1
    out = res.sample_all(10, seed=0)
    assert out.shape == (res.members, 10, 2) and np.all(np.isfinite(out))
    assert np.all(np.isfinite(res.history["d_loss"]))
