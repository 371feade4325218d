"""The SVD compression widget, driven like a reader: controls in, figure data out."""
import numpy as np
import pytest
from blit_check import repaints_with_equal_pixels

from mlnotes import data
from mlnotes.widgets.base import Player
from mlnotes.widgets.svd import BUNDLED_IMAGES, SVDCompression

ATOL = 1e-5  # the figure works in float32; values are of order 1


def shown(w):
    """The reconstruction as displayed (RGB part of the RGBA buffer for colour images)."""
    arr = np.asarray(w._im_rec.get_array())
    return arr[..., :3] if arr.ndim == 3 else arr


def check_figure_matches(w):
    """Every artist shows what the compute methods say for the widget's state."""
    name, k = w.state["image"], w.state["k"]
    comp = w.compressor(name)
    st = w.stats(k)
    assert np.allclose(shown(w), w.reconstruct(k, clip=True), atol=ATOL, rtol=0)
    assert np.allclose(np.asarray(w._im_err.get_array()), comp.error_image(k), atol=ATOL, rtol=0)
    orig = np.asarray(w._im_orig.get_array())
    assert np.allclose(orig[..., :3] if orig.ndim == 3 else orig, w.image(name), atol=1e-6)
    assert list(w._spec_k.get_xdata()) == [k, k]
    assert list(w._energy_k.get_xdata()) == [k, k]
    assert w._energy_dot.get_ydata()[0] == pytest.approx(st.energy)
    text = w._text.get_text()
    assert f"k = {k}:" in text and f"{st.stored:,}" in text and f"{st.original:,}" in text
    assert f"{100 * st.rel_error:.2f} %" in text and f"{100 * st.energy:.2f} %" in text
    visible = [ln for ln in w._spec_lines if ln.get_visible()]
    assert len(visible) == comp.channels
    for c, ln in enumerate(visible):
        assert np.array_equal(ln.get_ydata(), comp.sigma[c])
    m, n = comp.shape[:2]
    assert w._im_rec.get_extent() == [-0.5, n - 0.5, m - 0.5, -0.5]


@pytest.fixture(scope="module")
def custom():
    rng = np.random.default_rng(3)
    return rng.random((40, 30, 3))


def test_slider_drives_the_figure(custom):
    w = SVDCompression(custom=custom)
    box = w.widget(image="hopper_gray_512")
    assert box.controls["k"].max == 512
    box.controls["k"].value = 7
    assert w.state["k"] == 7
    check_figure_matches(w)
    before = shown(w).copy()
    box.controls["k"].value = 60
    check_figure_matches(w)
    assert not np.allclose(before, shown(w), atol=1e-3)  # the picture really changed
    w.draw()


def test_switch_gray_colour_custom_and_back(custom):
    w = SVDCompression(custom=custom)
    box = w.widget(image="hopper_gray_512", k=400)
    for name, top in [("hopper_512", 512), ("custom", 30), ("mri", 256), ("hopper_gray_512", 512),
                      ("terrain", 344), ("custom", 30)]:
        box.controls["image"].value = name
        assert w.state["image"] == name
        assert box.controls["k"].max == top
        assert box.controls["k"].value == w.state["k"] <= top
        check_figure_matches(w)
        box.controls["k"].value = top  # extreme: full rank gives the image back
        check_figure_matches(w)
        assert w.stats(top).rel_error < 1e-7
        assert np.asarray(w._im_err.get_array()).max() < 1e-4
        box.controls["k"].value = 1    # extreme: rank one
        check_figure_matches(w)
        w.draw()


def test_k_beyond_the_new_rank_is_clamped_on_a_switch():
    w = SVDCompression()
    box = w.widget()
    box.controls["k"].value = 400
    box.controls["image"].value = "mri"  # 256 x 256
    assert w.state["k"] == 256 and box.controls["k"].value == 256 and box.controls["k"].max == 256
    check_figure_matches(w)
    box.controls["image"].value = "hopper_512"
    assert box.controls["k"].max == 512 and w.state["k"] == 256
    # without the live controls: an image switch clamps, an explicit bad k is rejected
    w2 = SVDCompression()
    w2.figure(k=500)
    w2.update(image="terrain")
    assert w2.state["k"] == 344
    with pytest.raises(ValueError, match=r"k must lie in \[1, 344\] for image 'terrain' \(344x403 pixels\), got 345"):
        w2.update(k=345)
    assert w2.state["k"] == 344  # a rejected update leaves the state alone
    with pytest.raises(ValueError, match=r"k must lie in \[1, 256\] for image 'mri'"):
        SVDCompression().figure(image="mri", k=300)


def test_random_states_never_raise_and_always_match():
    rng = np.random.default_rng(0)
    w = SVDCompression()
    w.figure()
    for _ in range(25):
        name = str(rng.choice(["hopper_gray_512", "hopper_512", "mri", "terrain"]))
        top = w.max_rank(name)
        k = int(rng.choice([1, top, rng.integers(1, top + 1)]))
        w.update(image=name, k=k, log_scale=bool(rng.integers(2)))
        check_figure_matches(w)
        assert w._ax_spec.get_yscale() == ("log" if w.state["log_scale"] else "linear")
    w.draw()


def test_log_toggle_and_limits():
    w = SVDCompression()
    w.figure(image="mri", log_scale=False)
    sig = w.compressor().sigma
    assert w._ax_spec.get_yscale() == "linear"
    assert w._ax_spec.get_ylim()[1] >= sig.max()
    w.update(log_scale=True)
    lo, hi = w._ax_spec.get_ylim()
    assert w._ax_spec.get_yscale() == "log" and 0 < lo < hi and hi >= sig.max()
    assert w._ax_energy.get_xlim()[1] >= 256


def test_svd_is_cached_per_image(monkeypatch):
    calls = []
    real = np.linalg.svd
    monkeypatch.setattr(np.linalg, "svd", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    w = SVDCompression()
    w.figure(image="mri")
    assert len(calls) == 1
    for k in (1, 5, 50, 256, 3):
        w.update(k=k)
    w.update(image="terrain")
    w.update(image="mri", k=9)
    w.update(image="terrain", k=9)
    assert len(calls) == 2


def test_custom_images_are_brought_to_unit_range():
    u8 = (np.arange(64, dtype=np.uint8).reshape(8, 8) * 4)
    w = SVDCompression(custom=u8)
    assert w.controls["image"].options[-1] == "custom" and w.defaults()["image"] == "custom"
    assert np.allclose(w.image("custom"), u8 / 255.0)
    w.figure()  # default k = 20 is clamped to the 8x8 image's rank
    assert w.state["k"] == 8
    check_figure_matches(w)
    wide = SVDCompression(custom=np.linspace(-3, 5, 60).reshape(6, 10))
    assert wide.image("custom").min() == 0.0 and wide.image("custom").max() == 1.0
    assert "custom" not in SVDCompression().controls["image"].options
    assert set(BUNDLED_IMAGES) <= set(data.IMAGES)


def test_bad_arguments():
    w = SVDCompression()
    with pytest.raises(ValueError, match=r"image must be one of .*'hopper_gray_512'.*got 'lena'"):
        w.figure(image="lena")
    with pytest.raises(ValueError, match=r"k must be an int in \[1, min\(m, n\)\] of the image, got 0"):
        w.figure(k=0)
    with pytest.raises(TypeError, match=r"k must be an int in \[1, min\(m, n\)\] of the image, got 2.5"):
        w.figure(k=2.5)
    with pytest.raises(TypeError, match=r"log_scale must be True or False"):
        w.figure(log_scale="yes")
    with pytest.raises(TypeError, match=r"unknown argument\(s\) \['rank'\]"):
        w.figure(rank=3)
    with pytest.raises(ValueError, match=r"custom must have shape \(m, n\) \(gray\) or \(m, n, 3\)"):
        SVDCompression(custom=np.zeros(7))
    with pytest.raises(ValueError, match=r"custom must hold only finite values"):
        SVDCompression(custom=np.full((3, 3), np.nan))
    with pytest.raises(TypeError, match=r"k must be an int"):
        SVDCompression(k=1.5)
    with pytest.raises(ValueError, match=r"k must lie in \[1, 256\] for image 'mri'"):
        w.player("k", values=[1, 300], image="mri")


def test_player_sweeps_k_within_the_image_rank():
    w = SVDCompression()
    box = w.widget(k=7)
    fig = w.fig
    p = w.player("k", image="mri", dpi=30)
    assert isinstance(p, Player) and 2 <= p.n_frames <= 25
    assert "k = 256" in p.html and "k = 1" in p.html
    p2 = w.player("k", values=[1, 5, 20, 50, 512], image="hopper_512", dpi=30)
    assert p2.n_frames == 5 and "data:image/jpeg;base64," in p2.html
    # the live widget made before the players still drives its own figure
    assert w.fig is fig and w.state["k"] == 7 and w.state["image"] == "hopper_gray_512"
    box.controls["k"].value = 9
    check_figure_matches(w)


def test_moves_of_k_repaint_only_the_animated_artists(monkeypatch):
    names = list(BUNDLED_IMAGES)
    steps = [{"k": 5}, {"k": 6}, {"k": 40}, {"log_scale": False}, {"k": 2},
             {"image": names[1], "k": 3}, {"k": 4}, {"log_scale": True}, {"image": names[0]},
             {"log_scale": False}, {"k": 7}, {"image": names[1], "log_scale": True}, {"k": 8}]
    w, repaints = repaints_with_equal_pixels(SVDCompression, steps, monkeypatch, image=names[0], k=10)
    # the rank slider paints the two images, the markers and the summary line over the cached
    # background; a new scale or a new image repaints the figure the first time, and the
    # background of an (image, scale) pair already shown is reused
    assert repaints == [0, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0], repaints
    assert len(w._backgrounds) == 4
    check_figure_matches(w)


@pytest.mark.parametrize("keep", [0, 1])
def test_kept_backgrounds_are_bounded(monkeypatch, keep):
    names = list(BUNDLED_IMAGES)

    def make():
        w = SVDCompression()
        w.max_backgrounds = keep
        return w

    steps = [{"log_scale": False}, {"log_scale": True}, {"k": 3}, {"image": names[1]}, {"image": names[0]}]
    w, repaints = repaints_with_equal_pixels(make, steps, monkeypatch, image=names[0], k=10)
    # one kept background (or none) is never the one a switch back needs here: every switch
    # repaints the whole figure, a move of k only the animated artists
    assert repaints == [1, 1, 0, 1, 1], repaints
    assert len(w._backgrounds) == keep


def test_kept_backgrounds_across_images_of_other_shapes(monkeypatch, custom):
    # an image of another shape lays the figure out again, and the backgrounds drawn with the
    # old layout are dropped (a layout made again can differ by a pixel): every switch between
    # shapes repaints the whole figure and matches a full draw pixel for pixel
    steps = [{"image": "terrain"}, {"k": 5}, {"image": "hopper_gray_512"}, {"image": "custom"},
             {"image": "terrain"}, {"k": 9}, {"log_scale": False}, {"image": "hopper_gray_512"},
             {"image": "custom", "log_scale": True}, {"k": 2}]
    w, repaints = repaints_with_equal_pixels(lambda: SVDCompression(custom=custom), steps, monkeypatch,
                                             image="hopper_gray_512", k=20)
    assert repaints == [1, 0, 1, 1, 1, 0, 1, 1, 1, 0], repaints
    assert len(w._backgrounds) == 1
