"""The PINN training widget, driven like a reader: controls in, figure data out."""
import numpy as np
import pytest

from blit_check import repaints_with_equal_pixels

from mlnotes import pinn
from mlnotes.widgets import PINNTraining
from mlnotes.widgets.base import Player, Widget


@pytest.fixture(scope="module")
def w():
    return PINNTraining()


def small_history(n=4, nt=7, nx=11, seed=0):
    """A hand-built history (as a notebook would build one): noisy versions of the exact grid."""
    t, x, U = pinn.benchmark_grid(nt, nx)
    rng = np.random.default_rng(seed)
    snaps = np.stack([U * (k + 1) / n + 0.3 * (n - 1 - k) / n * rng.normal(size=U.shape) for k in range(n)])
    return {"t": t, "x": x, "exact": U, "snapshots": snaps, "steps": np.arange(n) * 10}


def check_figure_matches(w):
    """Every artist shows what the compute methods say for the widget's state."""
    st = w.state
    i = st["step"]
    pred = w.prediction(i)
    assert np.array_equal(np.asarray(w._im_u.get_array()), pred.T)
    err = np.asarray(w._im_e.get_array())
    lo, hi = w.error_limits()
    assert np.array_equal(err, np.maximum(w.error(i), lo).T)
    assert (w._im_e.norm.vmin, w._im_e.norm.vmax) == (lo, hi)          # fixed over the run
    assert hi >= w.error(i).max()
    tj, x, p, e = w.slice(i, st["time"])
    j = w.time_index(st["time"])
    assert tj == w.t[j] and abs(w.t[j] - st["time"]) <= np.abs(w.t - st["time"]).min() + 1e-15
    assert np.array_equal(w._pr.get_ydata(), pred[j]) and np.array_equal(w._ex.get_ydata(), w.exact[j])
    assert list(w._vl_u.get_xdata()) == [tj, tj] == list(w._vl_e.get_xdata())
    rel = np.linalg.norm(pred - w.exact) / np.linalg.norm(w.exact)
    assert abs(w.rel_l2(i) - rel) < 1e-12
    title = w._title_u.get_text()
    assert f"step {w.steps[i]}" in title and f"{rel:.2e}" in title
    assert f"{tj:.3g}" in w._title_s.get_text()


def test_default_history_drives_the_figure(w):
    assert w.n_snapshots == len(pinn.default_history()["steps"])
    box = w.widget()
    check_figure_matches(w)
    assert w.state["step"] == w.n_snapshots - 1                  # the trained network first
    for name, value in [("step", 0), ("time", 0.0), ("step", 5), ("time", 1.0), ("time", 0.3),
                        ("step", w.n_snapshots - 1)]:
        box.controls[name].value = value
        assert w.state[name] == pytest.approx(value)
        check_figure_matches(w)
    w.draw()
    # the trained network is much better than the initial one, and the labels say which optimiser
    assert w.rel_l2(w.n_snapshots - 1) < 0.5 * w.rel_l2(0)
    assert "(L-BFGS)" in w.step_label(w.n_snapshots - 1) and "(Adam)" in w.step_label(1)


def test_random_and_extreme_states_match(w):
    rng = np.random.default_rng(0)
    w.figure()
    for _ in range(15):
        st = {"step": int(rng.integers(w.n_snapshots)),
              "time": float(rng.choice([0.0, 1.0, rng.uniform(0, 1), w.t[int(rng.integers(len(w.t)))]]))}
        w.update(**st)
        check_figure_matches(w)
    w.draw()


def test_a_hand_built_history_works():
    h = small_history()
    w = PINNTraining(h)
    w.figure(step=2, time=0.55)
    check_figure_matches(w)
    assert w.n_snapshots == 4 and w.step_label(3) == "step 30"
    # nearest grid row: t = 0, 1/6, ..., 1; 0.55 lies nearest 0.5
    assert w.time_index(0.55) == 3 and w.slice(2, 0.55)[0] == pytest.approx(0.5)
    # lists and float32 work too; the widget keeps float64 copies
    h32 = {k: (v.astype(np.float32).tolist() if k == "snapshots" else v) for k, v in h.items()}
    w2 = PINNTraining(h32)
    assert w2.snapshots.dtype == np.float64
    import torch  # noqa: PLC0415
    ht = {**h, "snapshots": torch.tensor(h["snapshots"], requires_grad=True), "steps": torch.arange(4) * 10,
          "points": {"u": torch.zeros(3, 2), "f": torch.ones(5, 2)}}
    assert np.array_equal(PINNTraining(ht).snapshots, h["snapshots"])
    h["snapshots"][0, 0, 0] = 123.0
    assert w.snapshots[0, 0, 0] != 123.0
    # a one-snapshot history: the slider cannot leave it
    one = {**small_history(1), "steps": [7]}
    w1 = PINNTraining(one)
    w1.figure()
    check_figure_matches(w1)
    with pytest.raises(ValueError, match=r"step must lie in \[0, 0\]"):
        w1.update(step=1)


def test_history_from_train_burgers_with_points():
    h = pinn.train_burgers(n_u=12, n_f=30, hidden=(6,), adam_steps=4, lbfgs_iters=2, snapshot_every=3, nt=8, nx=12)
    w = PINNTraining(h)
    w.figure(step=1)
    check_figure_matches(w)
    assert np.array_equal(np.column_stack(w._pts.get_data()), h["points"]["u"])
    assert "(L-BFGS)" in w.step_label(2) and "(Adam)" in w.step_label(1)


def test_bad_history_names_the_key():
    h = small_history()
    with pytest.raises(TypeError, match=r"PINNTraining: history must be a dict"):
        PINNTraining([1, 2])
    for key in ("t", "x", "exact", "snapshots", "steps"):
        with pytest.raises(ValueError, match=rf"missing the key\(s\) \['{key}'\]"):
            PINNTraining({k: v for k, v in h.items() if k != key})
    bad = [("snapshots", h["snapshots"][:, :, :-1], r"history\['snapshots'\] must have shape \(any, 7, 11\)"),
           ("snapshots", h["snapshots"][0], r"history\['snapshots'\] must have shape"),
           ("exact", h["exact"].T, r"history\['exact'\] must have shape \(7, 11\)"),
           ("steps", np.arange(3), r"history\['steps'\] must have shape \(4\)"),
           ("steps", [0, 10, 5, 20], r"history\['steps'\] must be non-decreasing"),
           ("steps", [0, 1.5, 2, 3], r"history\['steps'\] must hold integers"),
           ("steps", [0, -1, 2, 3], r"history\['steps'\] must hold integers >= 0"),
           ("t", h["t"][::-1], r"history\['t'\] must be strictly increasing"),
           ("x", h["x"][:1], r"history\['x'\] must have at least 2"),
           ("exact", np.zeros_like(h["exact"]), r"history\['exact'\] must not be all zeros"),
           ("snapshots", np.full_like(h["snapshots"], np.nan), r"history\['snapshots'\] must contain only finite"),
           ("rel_l2", np.zeros(5), r"history\['rel_l2'\] must have shape \(4\)"),
           ("points", {"f": np.zeros((3, 2))}, r"history\['points'\] must be a dict with key 'u'"),
           ("points", {"u": np.zeros((3, 3))}, r"history\['points'\]\['u'\] must have shape \(any, 2\)"),
           ("adam_steps", -2, r"history\['adam_steps'\] must be an int >= 0")]
    for key, value, msg in bad:
        with pytest.raises(ValueError, match=msg):
            PINNTraining({**h, key: value})


def test_bad_values_name_the_control(w):
    last = w.n_snapshots - 1
    with pytest.raises(ValueError, match=rf"step must lie in \[0, {last}\], got {last + 1}"):
        w.update(step=last + 1)
    with pytest.raises(TypeError, match=r"step must be an integer"):
        w.update(step=2.5)
    with pytest.raises(ValueError, match=r"time must lie in \[0.0, 1.0\], got 1.5"):
        w.update(time=1.5)
    with pytest.raises(TypeError, match="unknown argument"):
        w.update(nu=3)


def test_player_steps_through_training(w):
    box = w.widget(step=2)
    fig = w.fig
    last = w.n_snapshots - 1
    p = w.player(values=[0, last], dpi=20)
    assert isinstance(p, Player) and p.n_frames == 2
    assert "step = 0" in p.html and f"step = {last}" in p.html
    # the default sweep: at most 16 snapshots, evenly spread, first and last included
    small = PINNTraining(small_history(n=40, nt=4, nx=5))
    calls = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Widget, "player", lambda self, param, values, **kw: calls.append(values))
        small.player()
    assert len(calls[0]) == 16 and calls[0][0] == 0 and calls[0][-1] == 39
    assert w.fig is fig and w.state["step"] == 2            # the live figure is untouched
    box.controls["step"].value = 4
    check_figure_matches(w)


def test_cached_background_gives_the_pixels_of_a_full_draw(monkeypatch):
    steps = [dict(step=1), dict(time=0.9), dict(step=3, time=0.0)]
    w, repaints = repaints_with_equal_pixels(lambda: PINNTraining(small_history()), steps, monkeypatch)
    assert not any(repaints), repaints                      # every move repaints the animated artists only
