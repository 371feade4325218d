"""The DiffusionSteps widget, driven like a reader: sweep t, switch data sets and schedules."""
import numpy as np
import pytest
import torch

from mlnotes import diffusion as D
from mlnotes.widgets.diffusion import DiffusionSteps

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def widget():
    mp = pytest.MonkeyPatch()
    mp.setenv("MLNOTES_FULL", "0")
    mp.setenv("MLNOTES_DEVICE", "cpu")
    w = DiffusionSteps(n=200, train_steps=150, grid=6, seed=0)
    yield w
    mp.undo()


def _check_state(w, dataset, schedule, t):
    fwd = w.forward_samples(dataset, schedule, t)
    rev = w.reverse_samples(dataset, schedule, t)
    assert np.allclose(w._sc_f.get_offsets(), fwd)
    assert np.allclose(w._sc_r.get_offsets(), rev)
    ab, lsnr = w.curves(schedule)
    assert np.allclose(w._m_ab.get_ydata(), [ab[t]]) and np.allclose(w._m_ab.get_xdata(), [t])
    assert np.allclose(w._m_snr.get_ydata(), [lsnr[t]])
    assert np.allclose(w._l_ab.get_ydata(), ab)
    if w.state["score"]:
        f = w.score_field(dataset, schedule, t)
        assert np.allclose(w._quiver.U, f[:, 0]) and np.allclose(w._quiver.V, f[:, 1])
        assert w._quiver.get_visible()
    else:
        assert not w._quiver.get_visible()


def test_defaults_and_controls(widget):
    assert set(widget.controls) == {"dataset", "schedule", "t", "score"}
    assert "digits" not in widget.controls["dataset"].options
    assert widget.controls["t"].min == 0 and widget.controls["t"].max == 1000


def test_sweep_t_including_extremes(widget):
    fig = widget.figure()
    rng = np.random.default_rng(0)
    for t in [0, 1000, 1, 999] + list(rng.integers(0, 1001, 10)):
        widget.update(t=int(t))
        widget.draw()
        _check_state(widget, "eight_gaussians", "linear", int(t))
    assert widget.fig is fig  # updated in place, never rebuilt
    c = widget._combo("eight_gaussians", "linear")
    # t = 0 shows the data and the model's final samples; t = T shows (almost) pure noise
    assert np.allclose(widget.forward_samples("eight_gaussians", "linear", 0), c["x0"])
    assert np.allclose(widget.reverse_samples("eight_gaussians", "linear", 1000).std(), 1, atol=0.15)
    assert abs(widget.forward_samples("eight_gaussians", "linear", 1000).std() - 1) < 0.15


def test_switch_datasets_and_schedules(widget):
    widget.figure(t=300)
    runs_before = set(widget.runs)
    for ds, sch in [("moons", "linear"), ("moons", "cosine"), ("ring", "cosine"), ("eight_gaussians", "linear")]:
        for t in (0, 300, 1000):
            widget.update(dataset=ds, schedule=sch, t=t)
            widget.draw()
            _check_state(widget, ds, sch, t)
    assert {("moons", "linear"), ("moons", "cosine"), ("ring", "cosine")} <= set(widget.runs) | runs_before
    # the two schedules differ at the same t, so the forward samples differ too
    a = widget.forward_samples("moons", "linear", 300)
    b = widget.forward_samples("moons", "cosine", 300)
    assert not np.allclose(a, b)
    # the cached precomputation is reused: same object on a second visit
    c1 = widget._combo("moons", "cosine")
    widget.update(dataset="moons", schedule="cosine", t=10)
    assert widget._combo("moons", "cosine") is c1


def test_score_toggle_and_field_shape(widget):
    widget.figure(t=50, score=False)
    _check_state(widget, "eight_gaussians", "linear", 50)
    widget.update(score=True)
    _check_state(widget, "eight_gaussians", "linear", 50)
    f = widget.score_field("eight_gaussians", "linear", 50)
    assert f.shape == (36, 2) and np.all(np.linalg.norm(f, axis=1) <= 3 + 1e-9)


def test_validation(widget):
    with pytest.raises(ValueError, match=r"t must lie in \[0, 1000\]"):
        widget.update(t=1001)
    with pytest.raises(ValueError, match="dataset must be one of"):
        widget.update(dataset="digits")
    with pytest.raises(ValueError, match="schedule must be one of"):
        widget.update(schedule="sigmoid")
    with pytest.raises(ValueError, match=r"keys must be \(dataset, schedule\)"):
        DiffusionSteps({("moons", "quadratic"): None})
    with pytest.raises(TypeError, match="must be a FitResult"):
        DiffusionSteps({("moons", "linear"): "model"})
    with pytest.raises(ValueError, match="trajectories"):
        DiffusionSteps(trajectories={("moons", "linear"): np.zeros((10, 3, 2))})


def test_player_bounces(widget):
    values = [0, 25, 50, 100, 150, 200, 300, 400, 500, 650, 800, 1000]
    p = widget.player("t", values=values, bounce=True, dataset="eight_gaussians", schedule="linear")
    assert p.n_frames == 2 * len(values) - 2 <= 25
    assert p.html.count("data:image/jpeg;base64,") >= p.n_frames


def test_controls_drive_the_figure(widget):
    box = widget.widget(t=10)
    box.controls["t"].value = 500
    assert widget.state["t"] == 500
    _check_state(widget, widget.state["dataset"], widget.state["schedule"], 500)


def test_given_run_and_trajectory_need_no_training(monkeypatch):
    monkeypatch.setenv("MLNOTES_FULL", "0")
    monkeypatch.setenv("MLNOTES_DEVICE", "cpu")
    cfg = D.config("toy", steps=20, verbose=False)
    cfg["schedule"] = "cosine"
    run = D.fit(cfg, progress=False, verbose=False)
    traj = np.random.default_rng(0).standard_normal((1001, 50, 2))
    w = DiffusionSteps({("eight_gaussians", "cosine"): run}, trajectories={("eight_gaussians", "cosine"): traj},
                       n=50, grid=4)
    assert w.state == {} and w.defaults()["schedule"] == "cosine"
    w.figure(t=7)
    assert np.allclose(w._sc_r.get_offsets(), traj[7])
    assert set(w.runs) == {("eight_gaussians", "cosine")}
    with pytest.raises(ValueError, match="was trained on"):
        DiffusionSteps({("moons", "cosine"): run})


def test_digits_in_the_full_configuration(monkeypatch):
    monkeypatch.setenv("MLNOTES_FULL", "1")
    monkeypatch.setenv("MLNOTES_DEVICE", "cpu")
    run = D.fit(D.config("digits", steps=2, verbose=False), progress=False, verbose=False)
    traj = np.random.default_rng(1).uniform(-1, 1, (1001, 16, 64))
    toy = D.fit(dict(D.config("toy", steps=2, verbose=False), hidden=16, depth=1, emb_dim=4), progress=False,
                verbose=False)
    w = DiffusionSteps({("eight_gaussians", "linear"): toy, ("digits", "cosine"): run},
                       trajectories={("digits", "cosine"): traj}, n=50, grid=4)
    assert "digits" in w.controls["dataset"].options
    w.figure(dataset="digits", schedule="cosine", t=0)
    for t in (0, 400, 1000):
        w.update(t=t)
        w.draw()
        fwd = w.forward_samples("digits", "cosine", t)
        assert np.allclose(w._img_f.get_array(), DiffusionSteps._mosaic(fwd))
        assert np.allclose(w._img_r.get_array(), DiffusionSteps._mosaic(traj[t]))
        assert w._img_f.get_visible() and not w._sc_f.get_visible() and not w._quiver.get_visible()
    w.update(dataset="eight_gaussians", schedule="linear", t=5)
    assert w._sc_f.get_visible() and not w._img_f.get_visible()
    with pytest.raises(ValueError, match="no 2-D score field"):
        w.score_field("digits", "cosine", 3)
