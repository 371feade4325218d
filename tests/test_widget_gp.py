"""The Gaussian-process widget, driven like a reader would."""
import itertools

import numpy as np
import pytest
from blit_check import repaints_with_equal_pixels

from mlnotes import gp
from mlnotes.widgets.base import Player
from mlnotes.widgets.gp import KERNEL_CHOICES, GPWidget, hidden_function


@pytest.fixture
def w():
    return GPWidget(n_grid=120)


def _band_bounds(widget):
    verts = widget.band.get_paths()[0].vertices
    n = len(widget.x)
    return verts[:n, 1], verts[n:2 * n, 1][::-1]


def test_controls_drive_the_figure(w):
    box = w.widget()
    before = w.mean_line.get_ydata().copy()
    box.controls["length_scale"].value = 0.3
    assert w.state["length_scale"] == pytest.approx(0.3)
    assert not np.allclose(w.mean_line.get_ydata(), before)
    box.controls["kernel"].value = "rbf+periodic"
    box.controls["n_obs"].value = 9
    box.controls["noise"].value = 0.05
    st = w.state
    k = gp.make_kernel("rbf+periodic", st["length_scale"], st["variance"], st["period"])
    x_obs, y_obs = w.observations(9, st["seed"], st["noise"])
    mean, cov = gp.posterior(x_obs, y_obs, w.x, k, st["noise"])
    assert np.allclose(w.mean_line.get_ydata(), mean, atol=1e-10)
    lo, hi = _band_bounds(w)
    assert np.allclose(lo, mean - 2 * np.sqrt(np.diag(cov)), atol=1e-8)
    assert np.allclose(hi, mean + 2 * np.sqrt(np.diag(cov)), atol=1e-8)
    assert w.stride == 2 and np.allclose(w.cov_image.get_array(), cov[::2, ::2])
    xo, yo = w.obs_line.get_data()
    assert np.allclose(xo, x_obs) and np.allclose(yo, y_obs) and len(xo) == 9
    assert "posterior" in w.ax.get_title()


def test_prior_view_with_zero_observations(w):
    w.figure(n_obs=0, kernel="laplace", length_scale=0.5, variance=2.0)
    assert np.allclose(w.mean_line.get_ydata(), 0.0)
    assert np.allclose(w.cov_image.get_array(), gp.Laplace(0.5, 2.0)(w.x)[::2, ::2])
    lo, hi = _band_bounds(w)
    assert np.allclose(hi, 2 * np.sqrt(2.0))
    assert len(w.obs_line.get_xdata()) == 0 and "prior" in w.ax.get_title()


def test_samples_are_mean_plus_factor_times_fixed_draws(w):
    w.figure(kernel="rbf", length_scale=1.0, n_obs=4, noise=0.1)
    r = w.compute()
    # the sample paths have the posterior covariance: S - mean = L z with L L^T ~ cov
    dev = r["samples"] - r["mean"]
    L, _ = gp.cholesky(r["cov"], 1e-10, scale=1.0)
    assert np.allclose(dev.T, L @ w.z, atol=1e-6)
    for line, s in zip(w.sample_lines, r["samples"]):
        assert np.allclose(line.get_ydata(), s)


def test_samples_change_smoothly_with_length_scale(w):
    w.figure(kernel="rbf", n_obs=0)
    a = w.compute(length_scale=1.0)["samples"]
    b = w.compute(length_scale=1.01)["samples"]
    c = w.compute(length_scale=2.0)["samples"]
    assert np.abs(a - b).max() < 0.1 < np.abs(a - c).max()


def test_observations_follow_hidden_function(w):
    x, y = w.observations(20, 3, 0.0)
    assert np.allclose(y, hidden_function(x))
    x2, y2 = w.observations(5, 3, 0.2)
    assert np.allclose(x2, x[:5]) and not np.allclose(y2, y[:5])
    assert np.all((x > w.x[0]) & (x < w.x[-1]))


@pytest.mark.parametrize("kernel", KERNEL_CHOICES)
def test_every_kernel_and_extreme_hyperparameters(kernel):
    w = GPWidget(n_grid=80)
    w.figure(kernel=kernel)
    c = w.controls
    for ls, var, noise, n in itertools.product((c["length_scale"].min, c["length_scale"].max),
                                               (c["variance"].min, c["variance"].max),
                                               (0.0, c["noise"].max), (0, 1, c["n_obs"].max)):
        w.update(length_scale=ls, variance=var, noise=noise, n_obs=n, period=c["period"].min)
        w.draw()
        r = w.compute()
        for key in ("mean", "cov", "samples"):
            assert np.all(np.isfinite(r[key])), (kernel, ls, var, noise, n, key)
        assert np.all(np.diag(r["cov"]) > -1e-6 * var)


def test_random_states_do_not_raise():
    w = GPWidget(n_grid=60)
    w.figure()
    rng = np.random.default_rng(0)
    for _ in range(25):
        st = {}
        for name, ctrl in w.controls.items():
            if hasattr(ctrl, "options"):
                st[name] = ctrl.options[rng.integers(len(ctrl.options))]
            elif isinstance(ctrl.default, float):
                st[name] = float(np.exp(rng.uniform(np.log(ctrl.min), np.log(ctrl.max)))) if getattr(
                    ctrl, "log", False) else float(rng.uniform(ctrl.min, ctrl.max))
            else:
                st[name] = int(rng.integers(ctrl.min, ctrl.max + 1))
        w.update(**st)
        assert np.all(np.isfinite(w.mean_line.get_ydata()))


def test_bad_states_and_arguments():
    w = GPWidget(n_grid=50)
    with pytest.raises(ValueError, match="length_scale must lie in"):
        w.figure(length_scale=-1.0)
    with pytest.raises(ValueError, match="kernel must be one of"):
        w.figure(kernel="matern")
    with pytest.raises(TypeError, match="unknown argument"):
        w.figure(lengthscale=1.0)
    with pytest.raises(ValueError, match="n_grid must be an int in"):
        GPWidget(n_grid=3)
    with pytest.raises(ValueError, match="x_range must satisfy low < high"):
        GPWidget(x_range=(1.0, 0.0))
    with pytest.raises(ValueError, match="n_samples must be an int"):
        GPWidget(n_samples=0)


def test_players():
    w = GPWidget(n_grid=60)
    p = w.player("length_scale", values=[0.2, 1.0, 3.0], n_obs=4)
    assert isinstance(p, Player) and p.n_frames == 3 and "mlnotes-player" in p.html
    p = w.player("n_obs", values=range(0, 4), kernel="periodic")
    assert p.n_frames == 4


def test_cache_is_bounded(w):
    w.figure()
    for i in range(80):
        w.compute(length_scale=0.1 + 0.01 * i)
    assert len(w._cache) <= 64


def test_slider_moves_repaint_only_the_animated_artists(monkeypatch):
    steps = [{"length_scale": 0.55}, {"length_scale": 0.6}, {"noise": 0.02}, {"seed": 3},
             {"n_obs": 0}, {"kernel": "periodic"}, {"period": 2.5}, {"variance": 4.0}]
    w, repaints = repaints_with_equal_pixels(lambda: GPWidget(n_grid=120), steps, monkeypatch)
    # most moves keep the y-limit and the colour scale (rungs 10^0.1 apart): no full repaint
    assert sum(repaints) <= 4 and repaints[:2] == [0, 0], repaints
    top, vmax = w.ax.get_ylim()[1], w.cov_image.get_clim()[1]
    c = w.compute(**w.state)
    curves = np.abs(np.r_[c["mean"] - 2 * c["std"], c["mean"] + 2 * c["std"], c["samples"].ravel()])
    assert max(3.0, 1.08 * curves.max()) <= top < 1.27 * max(3.0, 1.08 * curves.max())
    assert np.abs(c["cov"]).max() <= vmax < 1.27 * np.abs(c["cov"]).max()
