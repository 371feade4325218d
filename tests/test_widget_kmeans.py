"""The k-means stepper, driven like a reader: controls in, figure data out."""
import numpy as np
import pytest
from sklearn.cluster import KMeans

from mlnotes.widgets import KMeansStepper
from mlnotes.widgets.base import Player
from mlnotes.widgets.kmeans import DATASETS, K_MAX, STEP_MAX, init_centres, lloyd


@pytest.fixture(scope="module")
def w():
    return KMeansStepper(n=150, grid=40)


def check_figure_matches(w):
    """Every artist shows what the compute methods say for the widget's state."""
    st = w.state
    key = (st["dataset"], st["k"], st["init"], st["seed"])
    r = w.run(*key)
    centres, labels, J, s = w.state_at(**st)
    assert s == min(st["step"], r.n_states - 1)
    assert np.array_equal(np.asarray(w._pts.get_offsets()), w.points(st["dataset"]))
    assert np.allclose(np.asarray(w._ctr.get_offsets()), centres, atol=0)
    # the Voronoi image: each grid cell has the colour of its nearest centre
    lab = w.cells(**st)
    img = np.asarray(w._im.get_array())
    assert img.shape[:2] == lab.shape == (w.grid, w.grid)
    from mlnotes.widgets.kmeans import _PALE8
    assert np.array_equal(img, _PALE8[lab])
    # ... and independently of cells(): the nearest centre at each pixel centre of the image
    # as drawn (its extent and shape), colours in one-to-one correspondence with those labels
    x0, x1, y0, y1 = w._im.get_extent()
    ny, nx = img.shape[:2]
    px = x0 + (np.arange(nx) + 0.5) * (x1 - x0) / nx
    py = y0 + (np.arange(ny) + 0.5) * (y1 - y0) / ny
    P = np.stack(np.meshgrid(px, py), axis=-1).reshape(-1, 2)
    near = ((P[:, None] - centres[None]) ** 2).sum(-1).argmin(1)
    rgba = img.reshape(-1, img.shape[-1])
    pairs = {(int(a), tuple(b)) for a, b in zip(near, rgba)}
    assert len(pairs) == len({a for a, _ in pairs}) == len({b for _, b in pairs})
    # the axes show the data in equal units, so bisectors look perpendicular
    assert w._ax.get_aspect() == 1.0
    # the points: coloured by their label (grey before the first assignment)
    fc = np.asarray(w._pts.get_facecolors())
    if s == 0:
        assert np.all(labels == -1) and np.allclose(fc, fc[0])
    else:
        from mlnotes.widgets.kmeans import _COLOURS
        assert np.allclose(fc, _COLOURS[labels])
    # the moves: previous centres to current ones
    segs = w._moves.get_segments()
    prev = r.centres[s - 1] if s else centres
    assert len(segs) == st["k"]
    assert np.allclose([sg[0] for sg in segs], prev) and np.allclose([sg[1] for sg in segs], centres)
    # the objective curve up to the current half-step only, and its marker
    assert np.array_equal(w._obj_line.get_ydata(), r.objective[1:s + 1])
    assert np.array_equal(w._obj_line.get_xdata(), np.arange(1, s + 1))
    if s:
        assert w._obj_now.get_ydata()[0] == pytest.approx(J)
    else:
        assert len(w._obj_now.get_ydata()) == 0


def test_controls_drive_the_figure(w):
    box = w.widget()
    check_figure_matches(w)
    for name, value in [("step", 1), ("step", 2), ("k", 3), ("init", "random"), ("seed", 7),
                        ("dataset", "moons"), ("step", 5), ("step", STEP_MAX), ("k", 1),
                        ("dataset", "ring"), ("init", "k-means++"), ("step", 0)]:
        box.controls[name].value = value
        assert w.state[name] == value
        check_figure_matches(w)
    w.draw()


def test_steps_alternate_and_the_objective_never_increases(w):
    for ds in DATASETS:
        for init in ("random", "k-means++"):
            r = w.run(ds, 5, init, 11)
            J = r.objective[1:]
            assert np.all(np.diff(J) <= 1e-9 * J[0])     # rounding of sums of ~150 squares
            # odd states follow an assignment (nearest centre), even ones an update (means)
            for s in range(1, r.n_states):
                C, lab = r.centres[s], r.labels[s]
                if s % 2:
                    d2 = ((r.X[:, None] - C[None]) ** 2).sum(-1)
                    assert np.array_equal(lab, d2.argmin(1))
                else:
                    for j in np.unique(lab):
                        assert np.allclose(C[j], r.X[lab == j].mean(0), atol=1e-12)
            # the run ends with an assignment that changed nothing
            assert np.array_equal(r.labels[-1], r.labels[-2]) and r.n_states % 2 == 0


def test_run_equals_sklearn_from_the_same_centres(w):
    for ds in ("blobs", "moons", "eight_gaussians", "checkerboard"):
        for seed in (0, 3):
            r = w.run(ds, 4, "random", seed)
            km = KMeans(4, init=r.centres[0], n_init=1, algorithm="lloyd", tol=0, max_iter=300).fit(r.X)
            assert np.array_equal(km.labels_, r.labels[-1])
            assert np.allclose(km.cluster_centers_, r.centres[-1], atol=1e-12)
            assert km.inertia_ == pytest.approx(r.objective[-1], rel=1e-12)


def test_run_is_cached(w, monkeypatch):
    import mlnotes.widgets.kmeans as km
    calls = []
    real = km.lloyd
    monkeypatch.setattr(km, "lloyd", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    fresh = KMeansStepper(n=100, grid=30)
    fresh.figure(dataset="blobs", k=3, seed=5)
    for s in range(12):
        fresh.update(step=s)
    assert len(calls) == 1
    fresh.update(k=4)
    fresh.update(k=3, step=2)
    assert len(calls) == 2


def test_random_and_extreme_states_match(w):
    rng = np.random.default_rng(0)
    w.figure()
    for _ in range(30):
        st = {"dataset": str(rng.choice(DATASETS)), "k": int(rng.choice([1, K_MAX, rng.integers(1, K_MAX)])),
              "init": str(rng.choice(["random", "k-means++"])), "seed": int(rng.choice([0, 99, rng.integers(100)])),
              "step": int(rng.choice([0, 1, STEP_MAX, rng.integers(STEP_MAX + 1)]))}
        w.update(**st)
        check_figure_matches(w)
    w.draw()


def test_init_centres():
    X = np.random.default_rng(1).normal(size=(50, 2))
    for init in ("random", "k-means++"):
        C = init_centres(X, 6, init, 4)
        # k distinct data points, reproducible from the seed
        assert C.shape == (6, 2) and len({tuple(c) for c in C}) == 6
        assert all(np.any(np.all(X == c, axis=1)) for c in C)
        assert np.array_equal(C, init_centres(X, 6, init, 4))
    # D^2 sampling never picks a point twice when points are distinct
    assert len({tuple(c) for c in init_centres(X, 50, "k-means++", 0)}) == 50


def test_bad_values_name_the_control(w):
    with pytest.raises(ValueError, match=r"dataset must be one of .*got 'iris'"):
        w.figure(dataset="iris")
    with pytest.raises(ValueError, match=r"k must lie in \[1, 8\], got 9"):
        w.figure(k=9)
    with pytest.raises(ValueError, match=r"k must lie in \[1, 8\], got 0"):
        w.update(k=0)
    with pytest.raises(TypeError, match=r"k must be an integer"):
        w.update(k=2.5)
    with pytest.raises(ValueError, match=r"init must be one of"):
        w.update(init="farthest")
    with pytest.raises(ValueError, match=r"seed must lie in \[0, 99\]"):
        w.update(seed=-1)
    with pytest.raises(ValueError, match=rf"step must lie in \[0, {STEP_MAX}\]"):
        w.update(step=STEP_MAX + 1)
    with pytest.raises(TypeError, match=r"unknown argument"):
        w.update(clusters=3)
    with pytest.raises(ValueError, match=r"n must lie in \[30, 2000\]"):
        KMeansStepper(n=5)
    with pytest.raises(ValueError, match=r"lloyd: centres must have shape"):
        lloyd(np.zeros((5, 2)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"init_centres: k must lie in"):
        init_centres(np.zeros((5, 2)), 6)


def test_player_steps_through_one_run(w):
    box = w.widget(dataset="blobs", k=3, seed=2, step=4)
    fig = w.fig
    r = w.run("blobs", 3, "k-means++", 2)
    p = w.player("step", dataset="blobs", k=3, seed=2, dpi=30)
    assert isinstance(p, Player) and p.n_frames == r.n_states
    assert "step = 0" in p.html and f"step = {r.n_states - 1}" in p.html
    p2 = w.player("k", values=[1, 2, 3], step=STEP_MAX, dpi=30)
    assert p2.n_frames == 3
    assert w.fig is fig and w.state["step"] == 4
    box.controls["step"].value = 1
    check_figure_matches(w)


def test_longest_known_run_fits_the_slider():
    """moons, k = 7, random, seed 1 needs 105 half-steps with the default n = 300."""
    big = KMeansStepper()
    r = big.run("moons", 7, "random", 1)
    assert r.n_states - 1 == 105 <= STEP_MAX
    assert big.state_at("moons", 7, "random", 1, STEP_MAX)[3] == r.n_states - 1
    p = big.player("step", dataset="moons", k=7, init="random", seed=1, dpi=20)
    assert p.n_frames == r.n_states


def test_titles_stay_inside_the_frozen_layout():
    big = KMeansStepper()
    fig = big.figure()                      # layout computed here, then frozen
    renderer = fig.canvas.get_renderer()
    W = fig.bbox.width
    for st in [dict(dataset="moons", k=7, init="random", seed=1, step=STEP_MAX),
               dict(dataset="swiss_roll", k=8, init="random", seed=99, step=77),
               dict(dataset="blobs", k=1, step=STEP_MAX)]:
        big.update(**st)
        fig.canvas.draw()
        bb = big._ax.title.get_window_extent(renderer)
        assert bb.x0 >= 0 and bb.x1 <= W, (big._ax.title.get_text(), bb)


def test_cluster_colours_differ_from_unassigned():
    from matplotlib.colors import to_rgba
    from mlnotes.widgets.kmeans import _COLOURS, _GREY
    assert len(_COLOURS) == K_MAX and _GREY.tolist() == list(to_rgba("0.55"))
    rgb = _COLOURS[:, :3]
    assert np.min(np.abs(rgb - _GREY[:3]).sum(1)) > 0.3           # no cluster looks unassigned
    assert len({tuple(c) for c in rgb}) == K_MAX
    sat = rgb.max(1) - rgb.min(1)
    assert np.all((sat > 0.3) | (rgb.max(1) < 0.1))                # colourful, or black
