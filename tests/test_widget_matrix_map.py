"""The 2x2 matrix-as-map widget, driven like a reader would drive it."""
import time

import numpy as np
import pytest
from blit_check import repaints_with_equal_pixels
from hypothesis import given, settings
from hypothesis import strategies as st

from mlnotes.widgets.base import Player
from mlnotes.widgets.matrix_map import MatrixMapWidget

entry = st.floats(-3.0, 3.0, allow_nan=False)


def artists_match_compute(w):
    """Every artist of the figure shows what the compute methods say for the current state."""
    st_ = w.state
    A = w.matrix(**st_)
    sq = w.square(**st_)
    assert np.allclose(w.poly.get_xy()[:5], sq.T)
    assert np.allclose(np.asarray(w.poly_edge.get_data()), sq)
    assert np.allclose(np.asarray(w.ellipse.get_data()), w.circle(**st_))
    for art, g in zip(w.grid_artists, w.grid_lines(**st_)):
        assert np.allclose(np.asarray(art.get_data()), g)
    assert np.allclose(w.arrows.U, A[0]) and np.allclose(w.arrows.V, A[1])  # columns A e1, A e2
    dirs = w.eigen_directions(**st_)
    drawn = [np.asarray(line.get_data(), dtype=float) for line in w.eig_lines]
    assert sum(d.size > 0 for d in drawn) == len(dirs)
    for v, d in zip(dirs, drawn):
        seg = d[:, 1] - d[:, 0]
        assert abs(seg[0] * v[1] - seg[1] * v[0]) < 1e-9 * np.linalg.norm(seg)  # the drawn line is parallel to v
    lim = w.limit(**st_)
    assert w.ax.get_xlim() == pytest.approx((-lim, lim)) and w.ax.get_ylim() == pytest.approx((-lim, lim))
    s = w.summary(**st_)
    assert f"det A = {s['det']:.3g}" in w.text.get_text()
    assert f"A e1 = ({A[0, 0]:.2f}, {A[1, 0]:.2f})" in w.text.get_text()


def test_default_is_the_example_of_the_notes():
    w = MatrixMapWidget()
    w.figure()
    assert np.array_equal(w.matrix(), [[3, 1], [1, 2]])
    assert np.allclose(w.arrows.U, [3, 1]) and np.allclose(w.arrows.V, [1, 2])
    artists_match_compute(w)


def test_driving_the_sliders_updates_the_figure_in_place():
    w = MatrixMapWidget()
    box = w.widget()
    fig, poly = w.fig, w.poly
    box.controls["a"].value = 1.0
    box.controls["b"].value = 1.0
    box.controls["c"].value = 0.0
    box.controls["d"].value = 1.0  # a shear
    assert w.fig is fig and w.poly is poly  # same figure, same artists
    assert w.state == {"a": 1.0, "b": 1.0, "c": 0.0, "d": 1.0}
    artists_match_compute(w)
    assert len(w.eigen_directions()) == 1 and "defective" in w.summary()["kind"]
    box.controls["c"].value = -0.5  # complex pair: no eigen-direction is drawn
    artists_match_compute(w)
    assert all(np.asarray(line.get_data()).size == 0 for line in w.eig_lines)
    box.controls["c"].value = 2.0  # det = 1 - 2 < 0: orientation flips, fill colour changes
    artists_match_compute(w)
    assert w.summary()["orientation"] == "flipped"
    assert w.poly.get_facecolor()[:3] != pytest.approx(np.array([0, 114, 178]) / 255)


_SHARED = {}


@settings(max_examples=60, deadline=None)
@given(entry, entry, entry, entry)
def test_random_matrices(a, b, c, d):
    if "w" not in _SHARED:  # one figure for the whole sweep, as in a reader's session
        _SHARED["w"] = MatrixMapWidget(n_circle=41)
        _SHARED["w"].figure()
    w = _SHARED["w"]
    w.update(a=a, b=b, c=c, d=d)
    artists_match_compute(w)
    A = np.array([[a, b], [c, d]])
    s = w.summary()
    assert s["det"] == pytest.approx(np.linalg.det(A), abs=1e-9)
    assert np.allclose(np.sort_complex(s["eigenvalues"]), np.sort_complex(np.linalg.eigvals(A).astype(complex)),
                       atol=1e-6)
    for v in w.eigen_directions():  # A v is parallel to v
        Av = A @ v
        assert abs(Av[0] * v[1] - Av[1] * v[0]) < 1e-6 * max(1.0, np.abs(A).max())


@pytest.mark.parametrize("state", [
    dict(a=0.0, b=0.0, c=0.0, d=0.0),      # the zero map: everything collapses to the origin
    dict(a=2.0, b=0.0, c=0.0, d=2.0),      # a multiple of I: every direction is an eigen-direction
    dict(a=1.0, b=2.0, c=1.5, d=3.0),      # rank one
    dict(a=-3.0, b=3.0, c=3.0, d=-3.0),
    dict(a=3.0, b=-3.0, c=3.0, d=3.0),     # scaled rotation
    dict(a=0.0, b=-1.0, c=1.0, d=0.0),     # rotation by 90 degrees
])
def test_extreme_values(state):
    w = MatrixMapWidget()
    w.figure(**state)
    artists_match_compute(w)
    w.draw()


def test_singular_and_identity_cases():
    w = MatrixMapWidget()
    assert w.summary(a=1, b=2, c=1.5, d=3)["orientation"] == "lost (singular)"
    assert len(w.eigen_directions(a=2, b=0, c=0, d=2)) == 2
    assert w.eigen_directions(a=0, b=-1, c=1, d=0) == []


def test_bad_values_are_refused():
    w = MatrixMapWidget()
    with pytest.raises(ValueError, match=r"a must lie in \[-3.0, 3.0\]"):
        w.figure(a=5.0)
    with pytest.raises(TypeError, match="unknown argument"):
        w.figure(e=1.0)
    with pytest.raises(TypeError, match="finite number"):
        w.update(b=float("nan"))
    with pytest.raises(ValueError, match="points must have shape"):
        w.apply(np.ones(3))
    with pytest.raises(ValueError, match=r"n_circle must be an int in \[8, 5000\]"):
        MatrixMapWidget(n_circle=3)


def test_player_sweeps_the_lower_left_entry_without_touching_the_live_figure():
    w = MatrixMapWidget()
    w.widget()                                   # a live widget at the default state
    fig, before = w.fig, w.poly.get_xy().copy()
    p = w.player("c", values=np.linspace(-1, 2, 7), a=1.0, b=1.0, d=1.0)
    assert isinstance(p, Player) and p.n_frames == 7
    assert p.html.count("data:image/jpeg;base64,") == 8  # 7 frames + the first one shown
    assert w.fig is fig and np.allclose(w.poly.get_xy(), before)   # the live figure is unchanged
    assert w.state == w.defaults()
    artists_match_compute(w)


def test_update_is_fast():
    w = MatrixMapWidget()
    w.figure()
    w.draw()
    times = []
    for c in np.linspace(-1, 2, 9):
        t = time.perf_counter()
        w.update(c=c)
        w.draw()
        times.append(time.perf_counter() - t)
    assert np.median(times) < 0.25  # budget 50 ms on an idle core; generous here for a loaded CI


def test_slider_moves_repaint_only_the_animated_artists(monkeypatch):
    steps = [{"a": 2.95}, {"b": 1.05}, {"c": 0.95}, {"d": 2.05}, {"a": 0.5, "b": 0.2, "c": 0.1, "d": 0.5}, {"b": 0.25}]
    w, repaints = repaints_with_equal_pixels(MatrixMapWidget, steps, monkeypatch)
    # small moves keep the limits (a ladder of rungs): only the moving artists are painted
    assert repaints[:4] == [0, 0, 0, 0] and repaints[4] == 1 and repaints[5] == 0, repaints
    pts = np.abs(np.hstack([w.square(**w.state), w.circle(**w.state)])).max()
    need = max(2.2, 1.15 * pts)   # at least 2.2, and a 15 % margin
    assert need <= w.limit(**w.state) < 1.26 * need
