"""The GAN training widget, driven like a reader: controls in, figure data out."""
import numpy as np
import pytest

from blit_check import repaints_with_equal_pixels

from mlnotes import gan
from mlnotes.widgets import GANTraining
from mlnotes.widgets.base import Player
from mlnotes.widgets.gan import default_runs


@pytest.fixture(scope="module")
def w():
    return GANTraining()


@pytest.fixture(scope="module")
def mixed():
    """Two runs with different lengths and snapshot intervals (10 and 15 rounds)."""
    x = gan.ring(2000, seed=1)
    kw = dict(hidden=16, batch_size=32, snapshot_n=50, snapshot_grid=9, device="cpu", progress=False)
    a = gan.train_gan(x, steps=40, snapshot_every=10, **kw)
    b = gan.train_gan(x, steps=60, snapshot_every=15, seed=1, **kw)
    return GANTraining({"short": a, "long": (b, 0)})


def check_figure_matches(w):
    """Every artist shows what the compute methods say for the widget's state."""
    st = w.state
    r = w.runs[st["run"]]
    snap = w.snapshot(st["run"], st["step"])
    # the snapshot is the latest one at or before the slider's round
    i = int(np.flatnonzero(r["steps"] <= st["step"])[-1])
    assert snap["step"] == r["steps"][i] <= st["step"]
    assert np.array_equal(np.asarray(w._pts.get_offsets()), r["samples"][i])
    assert np.array_equal(np.asarray(w._im.get_array()), r["disc"][i])
    assert tuple(w._im.get_extent()) == tuple(r["extent"])
    assert w._ax.get_xlim() == tuple(r["extent"][:2]) and w._ax.get_ylim() == tuple(r["extent"][2:])
    # bars: the share of samples nearest to each mode, recomputed here from the samples
    near = np.linalg.norm(r["samples"][i][:, None] - w.centres[None], axis=2).argmin(1)
    want = np.bincount(near, minlength=len(w.centres)) / len(near)
    assert np.allclose([b.get_height() for b in w._bars], want, atol=0)
    shares, cov = w.mode_shares(st["run"], st["step"])
    assert np.allclose(shares, want) and abs(shares.sum() - 1) < 1e-12
    assert cov == gan.mode_coverage(r["samples"][i], w.centres, w.sigma)
    text = w._bar_text.get_text()
    assert f"{cov.modes}/{len(w.centres)}" in text and f"{100 * cov.high_quality:.0f} %" in text
    # the losses up to the slider's round
    t, dl, gl = w.losses(st["run"], st["step"])
    n = min(st["step"], len(r["d_loss"]))
    assert np.array_equal(w._ld.get_xdata(), np.arange(1, n + 1)) and np.array_equal(w._ld.get_ydata(), dl)
    assert np.array_equal(w._lg.get_ydata(), gl) and np.array_equal(dl, r["d_loss"][:n])
    assert f"round {snap['step']}" in w._ax.title.get_text() and st["run"] in w._ax.title.get_text()


def test_default_runs_collapse_and_packing_spreads(w):
    runs = default_runs()
    assert default_runs() is runs                      # cached
    assert len(w.runs) == 2
    (collapsing, healthy) = list(w.runs)
    last = w.controls["step"].max
    s_c, _ = w.mode_shares(collapsing, last)
    s_h, _ = w.mode_shares(healthy, last)
    assert s_c.max() > 0.5 and s_h.max() < 0.3          # one bar against eight similar ones
    spread = [np.sqrt(w.snapshot(r, last)["samples"].var(0).sum()) for r in (collapsing, healthy)]
    assert spread[0] < 0.45 and spread[1] > 0.85
    # spread and bar heights alone a structureless blob passes too; the benchmark's metric and the
    # share on the circle it fails. Measured: collapsing 0 modes; packed 6 of 8 modes with 4.2 % of
    # its 400 samples within 3 sigma and 98 % within 0.1 of the circle; a Gaussian blob N(0, I/2)
    # of 400 points: 1 mode, 0.25 %, about 15 % on the circle
    _, cov_c = w.mode_shares(collapsing, last)
    _, cov_h = w.mode_shares(healthy, last)
    x_h = w.snapshot(healthy, last)["samples"]
    blob = np.random.default_rng(0).normal(0, np.sqrt(0.5), x_h.shape)
    cov_b = gan.mode_coverage(blob, gan.ring_centres(), gan.RING_SIGMA)
    on_circle = lambda x: np.mean(np.abs(np.linalg.norm(x, axis=1) - 1) < 0.1)
    assert cov_c.modes <= 1 and cov_h.modes >= 5 and cov_b.modes < 5
    assert cov_h.high_quality > 0.02 > 5 * cov_b.high_quality
    assert on_circle(x_h) > 0.8 > 0.3 > on_circle(blob)
    # the collapsing run hops: its busiest mode changes during training
    tops = {int(np.argmax(w.mode_shares(collapsing, s)[0])) for s in w.runs[collapsing]["steps"][5:]}
    assert len(tops) >= 2


def test_controls_drive_the_figure(w):
    box = w.widget()
    check_figure_matches(w)
    names = list(w.runs)
    for name, value in [("step", 0), ("step", 10), ("run", names[1]), ("step", 70), ("step", w.controls["step"].max),
                        ("run", names[0]), ("step", 30)]:
        box.controls[name].value = value
        assert w.state[name] == value
        check_figure_matches(w)
    w.draw()


def test_runs_with_different_intervals(mixed):
    w = mixed
    assert w.controls["step"].step == 5 and w.controls["step"].max == 60     # gcd(10, 15), longest run
    w.figure(run="short", step=55)
    check_figure_matches(w)
    assert w.snapshot("short", 55)["step"] == 40                             # past its end: its last snapshot
    assert w.snapshot("long", 25)["step"] == 15
    t, dl, _ = w.losses("short", 60)
    assert len(t) == len(dl) == 40
    w.update(run="long", step=60)
    check_figure_matches(w)


def test_random_and_extreme_states_match(w):
    rng = np.random.default_rng(0)
    w.figure()
    ctl = w.controls["step"]
    for _ in range(20):
        st = {"run": str(rng.choice(list(w.runs))),
              "step": int(rng.choice([ctl.min, ctl.max, ctl.step * rng.integers(0, ctl.max // ctl.step + 1)]))}
        w.update(**st)
        check_figure_matches(w)
    w.draw()


def test_bad_values_name_the_control(w):
    with pytest.raises(ValueError, match=r"run must be one of .*got 'other'"):
        w.figure(run="other")
    with pytest.raises(ValueError, match=r"step must lie in \[0, 200\], got 201"):
        w.update(step=201)
    with pytest.raises(TypeError, match=r"step must be an integer"):
        w.update(step=2.5)
    with pytest.raises(TypeError, match="unknown argument"):
        w.update(seed=3)
    with pytest.raises(ValueError, match="give centres and sigma together with runs"):
        GANTraining(centres=gan.grid_centres())
    with pytest.raises(TypeError, match="runs must be a non-empty mapping"):
        GANTraining({})
    with pytest.raises(TypeError, match=r"runs\['a'\] must be a GANResult"):
        GANTraining({"a": 3})
    plain = gan.train_gan(gan.ring(100), steps=2, hidden=4, device="cpu", progress=False)
    with pytest.raises(ValueError, match=r"runs\['p'\] has no snapshots"):
        GANTraining({"p": plain})
    x, y = gan.ring(100, return_labels=True)
    cond = gan.train_gan(x, labels=y, steps=2, hidden=4, snapshot_every=1, device="cpu", progress=False)
    with pytest.raises(ValueError, match=r"runs\['c'\] has no snapshots with a discriminator map"):
        GANTraining({"c": cond})
    with pytest.raises(ValueError, match=r"member must lie in \[0, 0\]"):
        GANTraining({"p": (plain, 1)})


def test_a_new_figure_gets_the_runs_extent_again(w):
    # a second figure of the same run has new artists: the extent and limits must be set on them
    name = list(w.runs)[0]
    w.figure(run=name, step=30)
    w.figure(run=name, step=30)
    check_figure_matches(w)
    w.widget(run=name, step=40)
    check_figure_matches(w)


def test_player_steps_through_training(w):
    box = w.widget(step=20)
    fig = w.fig
    names = list(w.runs)
    p = w.player("step", values=[0, 50, 100, 150], run=names[0], dpi=30)
    assert isinstance(p, Player) and p.n_frames == 4
    assert "step = 0" in p.html and "step = 150" in p.html
    p2 = w.player("run", step=150, dpi=30)
    assert p2.n_frames == 2
    assert w.fig is fig and w.state["step"] == 20          # the live figure is untouched
    box.controls["step"].value = 40
    check_figure_matches(w)


def test_cached_background_gives_the_pixels_of_a_full_draw(monkeypatch):
    names = list(default_runs())
    steps = [dict(step=10), dict(step=60), dict(step=150), dict(run=names[1]), dict(step=0), dict(step=90),
             dict(run=names[0]), dict(step=40)]
    w, repaints = repaints_with_equal_pixels(GANTraining, steps, monkeypatch)
    # moving the step slider repaints only the animated artists; a new run repaints the figure
    slider = [r for st, r in zip(steps, repaints) if set(st) == {"step"}]
    assert slider and not any(slider), list(zip(steps, repaints))
    assert repaints[3] == repaints[6] == 1, repaints


def test_titles_stay_inside_the_frozen_layout(w):
    fig = w.figure()
    renderer = fig.canvas.get_renderer()
    for name in w.runs:
        w.update(run=name, step=150)
        fig.canvas.draw()
        bb = w._ax.title.get_window_extent(renderer)
        assert bb.x0 >= 0 and bb.x1 <= fig.bbox.width, w._ax.title.get_text()
