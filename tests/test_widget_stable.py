"""The stable-distribution widget (notebook 02-probability/02-distributions), driven like a reader."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from blit_check import repaints_with_equal_pixels
from hypothesis import strategies as st
from scipy import stats

from mlnotes import prob
from mlnotes.widgets.base import Player
from mlnotes.widgets.stable import StableExplorer, tail_constant


@pytest.fixture(scope="module")
def w():
    return StableExplorer(n_samples=1000, precompute=False)


def shown(w):
    """The data the figure currently displays."""
    tail = w.tail_line.get_ydata()
    return {
        "density": np.asarray(w.pdf_line.get_ydata()),
        "hist": np.asarray(w.hist_line.get_ydata()),
        "tail": np.asarray(tail),
        "asym": np.asarray(w.asym_line.get_ydata()),
        "title": w.title.get_text(),
    }


def assert_shows(w, alpha, beta):
    d = shown(w)
    assert np.array_equal(d["density"], w.density(alpha, beta))
    assert np.array_equal(d["hist"], w.histogram(alpha, beta))
    _, surv = w.tail(alpha, beta)
    assert np.array_equal(np.nan_to_num(d["tail"], nan=0.0), surv)
    asym = w.tail_asymptote(alpha)
    assert np.array_equal(np.nan_to_num(d["asym"], nan=0.0), asym)
    assert f"α = {alpha:.2f}" in d["title"] and f"β = {beta:+.2f}" in d["title"]


def test_figure_shows_compute_methods(w):
    fig = w.figure(alpha=1.3, beta=-0.4)
    assert_shows(w, 1.3, -0.4)
    assert len(fig.axes) == 2
    fig.canvas.draw()


def test_controls_drive_the_figure(w):
    box = w.widget(alpha=1.5, beta=0.0)
    assert set(box.controls) == {"alpha", "beta"}
    box.controls["alpha"].value = 0.7
    assert w.state["alpha"] == pytest.approx(0.7)
    assert_shows(w, w.state["alpha"], 0.0)
    box.controls["beta"].value = 0.5
    assert w.state == pytest.approx({"alpha": w.state["alpha"], "beta": 0.5})
    assert_shows(w, w.state["alpha"], 0.5)
    before = shown(w)["density"].copy()
    box.controls["alpha"].value = 1.9
    assert not np.allclose(before, shown(w)["density"])


def test_density_is_the_stable_density(w):
    for alpha, beta in [(0.5, 0.0), (1.0, 0.6), (1.6, -0.8)]:
        assert np.allclose(w.density(alpha, beta), prob.stable_pdf(w.x, alpha, beta))
        loc = -beta * math.tan(math.pi * alpha / 2) if alpha != 1 else 0.0
        assert np.allclose(w.density(alpha, beta), stats.levy_stable.pdf(w.x, alpha, beta, loc=loc), atol=5e-4)


def test_draws_follow_the_density(w):
    s = w.samples(1.4, 0.3)
    loc = -0.3 * math.tan(math.pi * 1.4 / 2)
    assert stats.kstest(s, stats.levy_stable(1.4, 0.3, loc=loc).cdf).pvalue > 1e-4
    assert np.array_equal(s, w.samples(1.4, 0.3))           # common random numbers: same draws every time
    g = w.samples(2.0, 0.0)
    assert stats.kstest(g, stats.norm(0, math.sqrt(2)).cdf).pvalue > 1e-4


def test_tail_follows_power_law():
    big = StableExplorer(n_samples=200_000, seed=3, precompute=False)
    t, surv = big.tail(1.2, 0.0)
    i = np.searchsorted(t, 30.0)
    assert abs(surv[i] / (2 * tail_constant(1.2) * t[i] ** -1.2) - 1) < 0.1


@settings(max_examples=25, deadline=None)
@given(st.floats(0.1, 2.0), st.floats(-1.0, 1.0))
def test_sweep_random_values(alpha, beta):
    w = SWEEP
    w.update(alpha=alpha, beta=beta)
    d = shown(w)
    assert np.all(np.isfinite(d["density"])) and np.all(d["density"] >= 0)
    assert_shows(w, w.state["alpha"], w.state["beta"])


SWEEP = StableExplorer(n_samples=500, precompute=False)


@pytest.mark.parametrize("alpha, beta", [(0.1, -1.0), (0.1, 1.0), (2.0, -1.0), (2.0, 1.0), (1.0, 1.0), (1.0, -1.0),
                                         (0.999, 0.5), (1.001, -0.5)])
def test_extreme_values(alpha, beta):
    SWEEP.update(alpha=alpha, beta=beta)
    SWEEP.draw()
    assert_shows(SWEEP, alpha, beta)


@pytest.mark.parametrize("state, exc, msg", [
    (dict(alpha=0.0), ValueError, r"alpha must lie in \[0\.1, 2\.0\]"),
    (dict(alpha=2.5), ValueError, r"alpha must lie in"),
    (dict(beta=1.5), ValueError, r"beta must lie in \[-1\.0, 1\.0\]"),
    (dict(alpha="x"), TypeError, r"alpha must be a finite number"),
    (dict(gamma=1.0), TypeError, r"unknown argument"),
])
def test_bad_states(w, state, exc, msg):
    with pytest.raises(exc, match=msg):
        w.update(**state)
    with pytest.raises(exc, match=msg):
        w.figure(**state)


@pytest.mark.parametrize("kw, msg", [
    (dict(n_samples=10), r"n_samples must lie in \[100, "),
    (dict(n_points=5), r"n_points must lie in \[21, "),
    (dict(x_max=-1.0), r"x_max must be a positive number"),
    (dict(seed=-2), r"seed must lie in \[0, "),
])
def test_bad_construction(kw, msg):
    with pytest.raises(ValueError, match=msg):
        StableExplorer(**kw)


def test_precompute_and_cache():
    w = StableExplorer(n_samples=200, precompute=False)
    assert w.precompute([0.5, 1.0, 1.5], [0.0, 0.5]) == 6
    d = w.density(1.5, 0.5)
    assert d is w.density(1.5, 0.5)                          # served from the cache


def test_default_precomputes_every_alpha_slider_position():
    w = StableExplorer(n_samples=200)
    alphas = w.slider_alphas()
    assert alphas[0] == 0.1 and alphas[-1] == 2.0 and len(alphas) == 39
    assert len(w._density_cache) == 39
    box = w.widget()
    for a in (0.15, 0.95, 1.0, 1.55):                       # slider moves at beta = 0 hit the cache
        box.controls["alpha"].value = a
        assert w._key(w.state["alpha"], 0.0) in w._density_cache
    assert len(w._density_cache) == 39
    assert np.allclose(w.density(0.95, 0.0), prob.stable_pdf(w.x, 0.95, 0.0))
    with pytest.raises(TypeError, match=r"precompute must be True or False"):
        StableExplorer(precompute="yes")


def test_tail_constant():
    assert tail_constant(1.0) == pytest.approx(1 / math.pi)
    assert tail_constant(2.0) == 0.0
    with pytest.raises(ValueError, match=r"alpha must lie in \(0, 2\]"):
        tail_constant(0.0)


def test_player():
    w = StableExplorer(n_samples=300, precompute=False)
    p = w.player("alpha", values=[0.5, 1.0, 1.5, 2.0], beta=0.2, dpi=30)
    assert isinstance(p, Player) and p.n_frames == 4
    assert p.html.count("data:image/jpeg;base64,") >= 4 and p.param == "alpha"


def test_small_moves_repaint_only_the_animated_artists(monkeypatch):
    steps = [{"alpha": 1.55}, {"alpha": 1.6}, {"beta": 0.1}, {"beta": 0.2}, {"alpha": 0.3},
             {"alpha": 2.0, "beta": -1.0}, {"alpha": 1.95}]
    w, repaints = repaints_with_equal_pixels(lambda: StableExplorer(n_samples=1000, precompute=False),
                                             steps, monkeypatch, alpha=1.5, beta=0.0)
    # neighbouring states keep the density's y-limit: only the curves and the title are painted
    assert repaints[:4] == [0, 0, 0, 0] and repaints[4] == 1, repaints
    assert sum(repaints) <= 3, repaints
    assert_shows(w, 1.95, -1.0)
    top = w.ax_density.get_ylim()[1]
    peak = w.density(1.95, -1.0).max()
    # the limit is the rung just above 1.1 x the peak (rungs 10^0.1 apart, from 0.45; Widget._snap_up)
    assert 1.1 * peak <= top < 1.1 * 10 ** 0.1 * peak or top == 0.45, (peak, top)
