"""The central-limit-theorem widget (notebook 02-probability/03-estimation-and-monte-carlo), driven like a reader."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from blit_check import repaints_with_equal_pixels
from hypothesis import strategies as st
from scipy import stats

from mlnotes import prob
from mlnotes.widgets.base import Player
from mlnotes.widgets.clt import DISTRIBUTIONS, CLTExplorer


@pytest.fixture(scope="module")
def w():
    return CLTExplorer(reps=600, n_max=64, seed=1)


def assert_shows(w, n, dist):
    assert np.array_equal(w.bars.get_data().values, w.histogram(n, dist))
    assert np.array_equal(w.ks_line.get_ydata(), w.ks_curve(dist))
    x, y = w.ks_mark.get_data()
    assert list(x) == [n] and np.isclose(y[0], w.ks(n, dist))
    assert f"n = {n}:" in w.title.get_text() and DISTRIBUTIONS[dist][0] in w.title.get_text()


def test_figure_shows_compute_methods(w):
    fig = w.figure(n=5, dist="exponential")
    assert_shows(w, 5, "exponential")
    fig.canvas.draw()


def test_controls_drive_the_figure(w):
    box = w.widget(n=4, dist="exponential")
    assert set(box.controls) == {"n", "dist"}
    box.controls["n"].value = 37
    assert w.state == {"n": 37, "dist": "exponential"}
    assert_shows(w, 37, "exponential")
    box.controls["dist"].value = "cauchy"
    assert w.state["dist"] == "cauchy"
    assert_shows(w, 37, "cauchy")
    assert box.controls["n"].max == 64


def test_z_values_are_standardised_means(w):
    for dist, (_, mu, sd) in DISTRIBUTIONS.items():
        draws = np.diff(w._sums(dist), axis=1, prepend=0.0)           # recover the raw draws
        assert np.allclose(w.z_values(17, dist), prob.standardized_means(draws, 17, mu, sd))


def test_ks_matches_scipy(w):
    for dist in DISTRIBUTIONS:
        for n in (1, 9, 64):
            assert np.isclose(w.ks(n, dist), stats.kstest(w.z_values(n, dist), "norm").statistic, atol=1e-12)


def test_histogram_is_a_density(w):
    h = w.histogram(64, "uniform")
    z = w.z_values(64, "uniform")
    inside = np.mean((z >= -4) & (z <= 4))
    assert np.isclose((h * np.diff(w.bins)).sum(), inside)


def test_clt_behaviour():
    w = CLTExplorer(reps=3000, n_max=256, seed=0)
    ks_exp = w.ks_curve("exponential")
    assert ks_exp[0] > 0.1 and ks_exp[-1] < 0.04
    rho = 12 / math.e - 2                                                 # E|X - 1|^3 for Exp(1)
    n = np.arange(1, 257)
    assert np.all(ks_exp <= 0.4748 * rho / np.sqrt(n) + 1.95 / math.sqrt(3000))
    assert w.ks_curve("cauchy")[-1] > 0.3                                 # infinite variance: no CLT
    assert w.ks_curve("uniform")[3] < 0.04                                 # symmetric: fast
    assert np.isclose(w.noise_level(), math.sqrt(math.pi / 2) * math.log(2) / math.sqrt(3000))


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 64), st.sampled_from(sorted(DISTRIBUTIONS)))
def test_sweep_random_values(n, dist):
    SWEEP.update(n=n, dist=dist)
    assert_shows(SWEEP, n, dist)
    assert np.all(np.isfinite(SWEEP.bars.get_data().values))


SWEEP = CLTExplorer(reps=200, n_max=64, seed=2)


@pytest.mark.parametrize("n", [1, 64])
@pytest.mark.parametrize("dist", sorted(DISTRIBUTIONS))
def test_extremes(n, dist):
    SWEEP.update(n=n, dist=dist)
    SWEEP.draw()
    assert_shows(SWEEP, n, dist)


@pytest.mark.parametrize("state, exc, msg", [
    (dict(n=0), ValueError, r"n must lie in \[1, 64\]"),
    (dict(n=65), ValueError, r"n must lie in \[1, 64\]"),
    (dict(n=2.5), TypeError, r"n must be an integer"),
    (dict(dist="normal"), ValueError, r"dist must be one of"),
    (dict(size=3), TypeError, r"unknown argument"),
])
def test_bad_states(w, state, exc, msg):
    with pytest.raises(exc, match=msg):
        w.update(**state)
    with pytest.raises(exc, match=msg):
        w.figure(**state)


@pytest.mark.parametrize("kw, msg", [
    (dict(reps=10), r"reps must lie in \[100, 1000000\]"),
    (dict(n_max=1), r"n_max must be an int in \[2, 4096\]"),
    (dict(n_max=10_000), r"n_max must be an int in \[2, 4096\]"),
    (dict(seed=-1), r"seed must lie in \[0, "),
])
def test_bad_construction(kw, msg):
    with pytest.raises(ValueError, match=msg):
        CLTExplorer(**kw)


def test_reproducible():
    a, b = CLTExplorer(reps=200, n_max=8, seed=4), CLTExplorer(reps=200, n_max=8, seed=4)
    assert np.array_equal(a.z_values(5, "lognormal"), b.z_values(5, "lognormal"))
    assert not np.array_equal(a.z_values(5, "lognormal"), CLTExplorer(reps=200, n_max=8, seed=5).z_values(5, "lognormal"))


def test_player():
    w = CLTExplorer(reps=200, n_max=16)
    p = w.player("n", values=[1, 4, 16], dist="bernoulli", dpi=30)
    assert isinstance(p, Player) and p.n_frames == 3
    p2 = w.player("dist", dpi=30, n=8)
    assert p2.n_frames == len(DISTRIBUTIONS)


def test_moves_of_n_repaint_only_the_animated_artists(monkeypatch):
    steps = [{"n": 2}, {"n": 3}, {"n": 64}, {"n": 1}, {"dist": "bernoulli"}, {"n": 7},
             {"dist": "uniform", "n": 40}, {"n": 41}]
    w, repaints = repaints_with_equal_pixels(lambda: CLTExplorer(reps=600, n_max=64, seed=1), steps,
                                             monkeypatch, n=1, dist="exponential")
    # a move of n paints the histogram, its marker and the title over the cached background;
    # a new distribution changes the KS curve and repaints the whole figure
    assert repaints == [0, 0, 0, 0, 1, 0, 1, 0], repaints
    assert_shows(w, 41, "uniform")
