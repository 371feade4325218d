"""The optimiser playground, driven like a reader: controls in, figure data out."""
import warnings

import numpy as np
import pytest

from blit_check import repaints_with_equal_pixels

from mlnotes import optim
from mlnotes.widgets import OptimizerPlayground
from mlnotes.widgets.base import Player
from mlnotes.widgets.optim import FLOOR, KEYS, STEPS_MAX


@pytest.fixture(scope="module")
def w():
    return OptimizerPlayground(grid=40)


def check_figure_matches(w):
    """Every artist shows what the compute methods say for the widget's state."""
    st = w.state
    shown = w.shown(**st)
    spec = optim.FUNCTIONS[st["function"]]
    assert set(shown) == {n for n, k in KEYS.items() if st[k]}
    for name in optim.OPTIMISERS:
        line, loss_line, end = w._paths[name], w._losses[name], w._ends[name]
        assert line.get_visible() == loss_line.get_visible() == end.get_visible() == (name in shown)
        if name not in shown:
            continue
        path, loss, div = shown[name]
        full, full_loss, full_div = optim.run(st["function"], name, st["lr"], STEPS_MAX, st["beta"])
        n = min(st["steps"] + 1, len(full))
        assert np.array_equal(path, full[:n]) and len(path) == n
        assert np.allclose(loss, np.maximum(full_loss[:n] - spec["fmin"], FLOOR), rtol=0, atol=0)
        assert np.array_equal(line.get_xdata(), path[:, 0]) and np.array_equal(line.get_ydata(), path[:, 1])
        assert np.array_equal(loss_line.get_ydata(), loss)
        assert np.array_equal(loss_line.get_xdata(), np.arange(n))
        if 0 < full_div <= st["steps"]:
            assert div == full_div
            assert np.array_equal(end.get_xdata(), path[-1:, 0])
        else:
            assert div == -1 and len(end.get_xdata()) == 0
    # background: the bands of this function over its box
    assert w._im.get_extent() == list(spec["extent"]) or tuple(w._im.get_extent()) == spec["extent"]
    assert np.asarray(w._im.get_array()).shape[:2] == (w.grid, w.grid)
    assert tuple(w._ax.get_xlim()) == spec["extent"][:2]
    # the legend lists exactly the optimisers shown, with the step of any divergence
    texts = [t.get_text() for t in w._legend.get_texts()] if w._legend is not None else []
    want = [n if shown[n][2] < 0 else f"{n}: ✗ t={shown[n][2]}" for n in optim.OPTIMISERS if n in shown]
    assert texts == want
    assert w._ax_loss.get_xlim() == (0, STEPS_MAX)
    top = 100 * (optim.objective(st["function"], spec["start"]) - spec["fmin"])
    assert np.allclose(w._ax_loss.get_ylim(), (FLOOR / 3, top), rtol=1e-12, atol=0)


def test_controls_drive_the_figure(w):
    box = w.widget()
    check_figure_matches(w)
    for name, value in [("steps", 10), ("lr", 3e-2), ("beta", 0.5), ("function", "beale"),
                        ("nesterov", True), ("adagrad", True), ("sgd", False), ("function", "saddle"),
                        ("steps", STEPS_MAX), ("lr", 1.0), ("function", "quadratic"), ("adamw", True),
                        ("rmsprop", True), ("adadelta", True), ("lr", 1e-4), ("beta", 0.0), ("steps", 1),
                        ("function", "rosenbrock")]:
        box.controls[name].value = value
        assert w.state[name] == pytest.approx(value)
        check_figure_matches(w)
    w.draw()


def test_steps_slider_only_cuts_cached_runs(w, monkeypatch):
    import mlnotes.widgets.optim as mod
    calls = []
    real = mod.optim.run
    monkeypatch.setattr(mod.optim, "run", lambda *a, **k: calls.append(a) or real(*a, **k))
    fresh = OptimizerPlayground(grid=30)
    fresh.figure(function="beale", lr=0.01)
    n0 = len(calls)
    assert n0 == 3                          # the three optimisers on by default
    for s in (1, 5, 50, STEPS_MAX):
        fresh.update(steps=s)
    assert len(calls) == n0
    fresh.update(lr=0.02)
    assert len(calls) == n0 + 3


def test_divergence_is_shown_not_raised(w):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        w.figure(function="rosenbrock", lr=1.0, sgd=True, momentum=True, nesterov=True, adam=True)
        check_figure_matches(w)
        w.draw()
    shown = w.shown(**w.state)
    assert shown["SGD"][2] > 0 and shown["Adam"][2] == -1
    assert "diverged" in w._ax.get_title()


def test_random_and_extreme_states_match(w):
    rng = np.random.default_rng(0)
    w.figure()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(25):
            st = {"function": str(rng.choice(list(optim.FUNCTIONS))),
                  "lr": float(rng.choice([1e-4, 1.0, 10 ** rng.uniform(-4, 0)])),
                  "beta": float(rng.choice([0.0, 0.99, rng.uniform(0, 0.99)])),
                  "steps": int(rng.choice([1, STEPS_MAX, rng.integers(1, STEPS_MAX + 1)])),
                  **{k: bool(rng.integers(2)) for k in KEYS.values()}}
            w.update(**st)
            check_figure_matches(w)
        w.draw()
    # nothing switched on: an empty figure, no legend, no error
    w.update(**{k: False for k in KEYS.values()})
    check_figure_matches(w)
    assert w._legend is None
    w.draw()


def test_background_is_the_function(w):
    for name, spec in optim.FUNCTIONS.items():
        img = w.background(name)
        x0, x1, y0, y1 = spec["extent"]
        hx, hy = (x1 - x0) / w.grid, (y1 - y0) / w.grid
        # every pixel: the band of f - f* at its cell centre, pixel by pixel (row 0 at the bottom)
        for i, j in [(0, 0), (7, 31), (w.grid - 1, 3), (w.grid // 2, w.grid // 2)]:
            p = np.array([x0 + (j + 0.5) * hx, y0 + (i + 0.5) * hy])
            v = optim.objective(name, p) - spec["fmin"]
            assert img[i, j] == np.floor(4 * np.log10(v + 1e-2)) / 4
        assert img.min() >= -2 and img.max() > img.min() + 1
        # the drawn image is the grey version: darker where f is lower
        w.update(function=name)
        rgba = np.asarray(w._im.get_array())
        k_lo, k_hi = np.unravel_index(img.argmin(), img.shape), np.unravel_index(img.argmax(), img.shape)
        assert rgba[k_lo][0] < rgba[k_hi][0]


def test_player_over_lr_and_steps(w):
    box = w.widget(function="beale", steps=30)
    fig = w.fig
    p = w.player("lr", values=[1e-3, 1e-2, 0.1], dpi=30)
    assert isinstance(p, Player) and p.n_frames == 3 and "lr = 0.01" in p.html
    p2 = w.player("steps", values=[1, 10, 100], function="saddle", dpi=30)
    assert p2.n_frames == 3 and "steps = 100" in p2.html
    assert w.fig is fig and w.state["steps"] == 30
    box.controls["steps"].value = 7
    check_figure_matches(w)


def test_titles_stay_inside_the_frozen_layout():
    big = OptimizerPlayground()
    fig = big.figure()
    renderer = fig.canvas.get_renderer()
    for st in [dict(function="quadratic", lr=1.0, **{k: True for k in KEYS.values()}),
               dict(function="rosenbrock", lr=0.3, beta=0.99)]:
        big.update(**st)
        fig.canvas.draw()
        bb = big._ax.title.get_window_extent(renderer)
        assert bb.x0 >= 0 and bb.x1 <= fig.bbox.width, big._ax.title.get_text()


def test_bad_values_name_the_control(w):
    with pytest.raises(ValueError, match=r"function must be one of .*got 'himmelblau'"):
        w.figure(function="himmelblau")
    with pytest.raises(ValueError, match=r"lr must lie in \[0.0001, 1.0\], got 2.0"):
        w.update(lr=2.0)
    with pytest.raises(ValueError, match=r"beta must lie in \[0.0, 0.99\]"):
        w.update(beta=1.0)
    with pytest.raises(ValueError, match=rf"steps must lie in \[1, {STEPS_MAX}\]"):
        w.update(steps=0)
    with pytest.raises(TypeError, match=r"adam must be True or False"):
        w.update(adam=1)
    with pytest.raises(TypeError, match=r"unknown argument"):
        w.update(lbfgs=True)
    with pytest.raises(ValueError, match=r"optimiser must be one of"):
        w.run("rosenbrock", "LBFGS")
    with pytest.raises(ValueError, match=r"grid must lie in \[20, 400\]"):
        OptimizerPlayground(grid=5)


def test_cached_background_gives_the_pixels_of_a_full_draw(monkeypatch):
    steps = [dict(steps=30), dict(steps=150), dict(lr=0.3), dict(lr=0.02), dict(beta=0.5),
             dict(nesterov=True), dict(steps=7), dict(function="beale"), dict(steps=120),
             dict(lr=0.05), dict(function="saddle", adadelta=True), dict(steps=60)]
    w, repaints = repaints_with_equal_pixels(lambda: OptimizerPlayground(grid=40), steps,
                                             monkeypatch, lr=0.01)
    # moves of steps, lr and beta (the divergence at lr 0.3 included) repaint only the
    # animated artists; a new function or a new optimiser repaints the figure
    sliders = [r for st, r in zip(steps, repaints) if set(st) <= {"steps", "lr", "beta"}]
    assert sliders and not any(sliders), list(zip(steps, repaints))
    assert repaints[5] == repaints[7] == repaints[10] == 1, repaints
    assert w.shown(**w.state)["SGD"][2] == -1 and any(
        w.shown(**{**w.state, "function": "rosenbrock", "lr": 0.3})[n][2] > 0 for n in ("SGD", "Adam"))


def test_runs_that_ignore_beta_are_cached_once():
    w = OptimizerPlayground(grid=20)
    runs = [w.run("beale", name, 0.01, beta) for name in ("AdaGrad", "Adam") for beta in (0.1, 0.9)]
    assert runs[0] is runs[1] and runs[2] is not runs[3]
    assert not np.array_equal(runs[2][0], runs[3][0])
    assert np.array_equal(runs[0][0], optim.run("beale", "AdaGrad", 0.01, STEPS_MAX, 0.1)[0])
