"""The filter explorer, driven like a reader: controls in, figure data out."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy import ndimage, signal

from mlnotes.widgets import FilterExplorer
from mlnotes.widgets.base import Player
from mlnotes.widgets.filters import (CUSTOM, IMAGES, KERNELS, conv2d, magnitude_spectrum,
                                     named_kernel, output_size)


@pytest.fixture(scope="module")
def w():
    return FilterExplorer(size=64)


def torch_conv(x, k, stride=1, padding=0):
    t = F.conv2d(torch.tensor(x)[None, None], torch.tensor(k)[None, None], stride=stride, padding=padding)
    return t[0, 0].numpy()


def check_figure_matches(w):
    """Every artist shows what the compute methods say for the widget's state."""
    st = w.state
    img, k, out = w.image(st["image"]), w.kernel(), w.output()
    f_in, f_out = w.spectra()
    assert np.array_equal(np.asarray(w._im_in.get_array()), img)
    assert np.array_equal(np.asarray(w._im_k.get_array()), k)
    assert np.array_equal(np.asarray(w._im_out.get_array()), out)
    assert np.array_equal(np.asarray(w._im_fin.get_array()), f_in)
    assert np.array_equal(np.asarray(w._im_fout.get_array()), f_out)
    # the output has the size of the formula, and equals torch's conv2d (1e-12: rounding)
    n = output_size(w.size, k.shape[0], st["stride"], st["padding"])
    assert out.shape == (n, n)
    assert np.allclose(out, torch_conv(img, k, st["stride"], st["padding"]), atol=1e-12)
    # each image is drawn pixel for pixel: extent = its shape
    for im, a in ((w._im_in, img), (w._im_k, k), (w._im_out, out)):
        h, wd = a.shape
        assert tuple(im.get_extent()) == (-0.5, wd - 0.5, h - 0.5, -0.5)
        assert im.axes.get_xlim() == (-0.5, wd - 0.5)
    # the output's colour range is its own range; the kernel's is symmetric about 0
    assert w._im_out.get_clim()[0] == pytest.approx(out.min())
    if out.max() > out.min():
        assert w._im_out.get_clim()[1] == pytest.approx(out.max())
    a = np.abs(k).max() or 1.0          # an all-zero custom kernel is shown on [-1, 1]
    assert w._im_k.get_clim() == pytest.approx((-a, a))
    assert f"{n}x{n}" in w._ax_out.get_title()
    assert f"sum = {k.sum():.2f}" in w._ax_k.get_title()


def test_controls_drive_the_figure(w):
    box = w.widget()
    check_figure_matches(w)
    for name, value in [("kernel", "sobel x"), ("stride", 2), ("padding", 3), ("kernel", "box"),
                        ("ksize", 9), ("image", "mri"), ("kernel", "custom"), ("c22", 3.5),
                        ("c11", -4.0), ("stride", 4), ("image", "terrain"), ("kernel", "laplacian"),
                        ("padding", 0), ("stride", 1), ("kernel", "identity")]:
        box.controls[name].value = value
        assert w.state[name] == value
        check_figure_matches(w)
    # the identity kernel without padding crops one pixel on every side
    assert np.array_equal(w.output(), w.image("terrain")[1:-1, 1:-1])
    w.draw()


def test_custom_sliders_set_the_kernel(w):
    w.figure(kernel="custom")
    vals = np.linspace(-4, 4, 9)
    w.update(**dict(zip(CUSTOM, vals)))
    assert np.array_equal(w.kernel(), vals.reshape(3, 3))
    check_figure_matches(w)
    # the sliders do nothing to the other kernels
    w.update(kernel="sharpen")
    assert np.array_equal(w.kernel(), [[0, -1, 0], [-1, 5, -1], [0, -1, 0]])


def test_conv2d_equals_torch_and_scipy():
    rng = np.random.default_rng(0)
    for h, wd, kh, kw, s, p in [(7, 9, 3, 3, 1, 0), (10, 6, 2, 4, 2, 1), (5, 5, 5, 5, 1, 2),
                                (16, 13, 3, 1, 3, 0), (4, 4, 1, 1, 4, 4)]:
        x, k = rng.normal(size=(h, wd)), rng.normal(size=(kh, kw))
        out = conv2d(x, k, s, p)
        assert np.allclose(out, torch_conv(x, k, s, p), atol=1e-12)
        assert out.shape == (output_size(h, kh, s, p), output_size(wd, kw, s, p))
        if s == 1 and p == 0:   # scipy's correlate2d ("valid") is the same cross-correlation
            assert np.allclose(out, signal.correlate2d(x, k, mode="valid"), atol=1e-12)
            # and a true convolution needs the kernel flipped
            assert np.allclose(out, signal.convolve2d(x, k[::-1, ::-1], mode="valid"), atol=1e-12)
            assert not np.allclose(out, signal.convolve2d(x, k, mode="valid"))


def test_named_kernels():
    for name in KERNELS[:-1]:
        for size in (3, 5, 9):
            k = named_kernel(name, size)
            assert np.all(np.isfinite(k)) and k.shape[0] == k.shape[1]
    assert named_kernel("box", 5).sum() == pytest.approx(1.0)
    g = named_kernel("gaussian", 7)
    assert g.sum() == pytest.approx(1.0) and g[3, 3] == g.max() and np.allclose(g, g.T)
    # low-pass kernels keep the mean (response 1 at frequency 0); derivative kernels kill it
    for name in ("sobel x", "sobel y", "laplacian"):
        assert named_kernel(name).sum() == 0
    assert named_kernel("sharpen").sum() == 1
    # Sobel x responds positively to intensity growing to the right
    ramp = np.tile(np.arange(6.0), (6, 1))
    assert np.allclose(conv2d(ramp, named_kernel("sobel x")), 8.0)
    # the Laplacian of a quadratic x^2 + y^2 is 4 (exact on the grid)
    r = np.arange(7.0)
    quad = r[:, None] ** 2 + r[None, :] ** 2
    assert np.allclose(conv2d(quad, named_kernel("laplacian")), 4.0)
    assert np.allclose(conv2d(quad, named_kernel("laplacian")), ndimage.laplace(quad)[1:-1, 1:-1])


def test_spectrum_is_the_mean_at_zero_frequency():
    rng = np.random.default_rng(1)
    x = rng.uniform(size=(32, 32))
    S = magnitude_spectrum(x)
    assert S[16, 16] == pytest.approx(20 * np.log10(x.mean()))
    # a pure cosine of 4 cycles per 32 pixels: two peaks at +-4/32 cycles/pixel
    c = np.cos(2 * np.pi * 4 * np.arange(32) / 32)[None, :] * np.ones((32, 1))
    Sc = magnitude_spectrum(c)
    peaks = np.argwhere(Sc > Sc.max() - 1e-9)
    assert sorted(map(tuple, peaks)) == [(16, 12), (16, 20)]


def test_images_are_small_and_cached(w):
    for name in IMAGES:
        img = w.image(name)
        assert img.shape == (64, 64) and 0 <= img.min() and img.max() <= 1
        assert img is w.image(name)
    big = FilterExplorer()
    assert big.image().shape == (128, 128)


def test_random_and_extreme_states_match(w):
    rng = np.random.default_rng(0)
    w.figure()
    for _ in range(25):
        st = {"image": str(rng.choice(IMAGES)), "kernel": str(rng.choice(KERNELS)),
              "ksize": int(rng.choice([3, 5, 7, 9])), "stride": int(rng.integers(1, 5)),
              "padding": int(rng.choice([0, 4, rng.integers(0, 5)]))}
        st.update({c: float(rng.choice([-4.0, 4.0, 0.0, rng.uniform(-4, 4)])) for c in CUSTOM})
        w.update(**st)
        check_figure_matches(w)
    w.update(kernel="custom", **{c: 0.0 for c in CUSTOM})   # all-zero kernel: nothing raises
    check_figure_matches(w)
    w.draw()


def test_bad_values_name_the_control(w):
    with pytest.raises(ValueError, match=r"kernel must be one of .*got 'emboss'"):
        w.figure(kernel="emboss")
    with pytest.raises(ValueError, match=r"stride must lie in \[1, 4\], got 0"):
        w.update(stride=0)
    with pytest.raises(ValueError, match=r"padding must lie in \[0, 4\], got 5"):
        w.update(padding=5)
    with pytest.raises(TypeError, match=r"ksize must be an integer"):
        w.update(ksize=3.5)
    with pytest.raises(ValueError, match=r"ksize must be odd \(3, 5, 7 or 9\), got 4"):
        w.update(ksize=4)
    with pytest.raises(ValueError, match=r"c12 must lie in \[-4.0, 4.0\]"):
        w.update(c12=5.0)
    with pytest.raises(TypeError, match=r"c33 must be a finite number"):
        w.update(c33=float("nan"))
    with pytest.raises(ValueError, match=r"image must be one of"):
        w.image("lena")
    with pytest.raises(TypeError, match=r"unknown argument"):
        w.update(sigma=2.0)
    with pytest.raises(ValueError, match=r"size must lie in \[32, 256\]"):
        FilterExplorer(size=8)
    with pytest.raises(ValueError, match=r"conv2d: kernel of shape \(5, 5\) does not fit"):
        conv2d(np.zeros((3, 3)), np.ones((5, 5)))
    with pytest.raises(ValueError, match=r"conv2d: stride must"):
        conv2d(np.zeros((3, 3)), np.ones((2, 2)), stride=0)
    with pytest.raises(ValueError, match=r"named_kernel: size must be odd"):
        named_kernel("box", 4)
    with pytest.raises(ValueError, match=r"named_kernel: custom must be a 3 x 3"):
        named_kernel("custom")
    with pytest.raises(ValueError, match=r"output_size: the kernel \(span 5\) does not fit"):
        output_size(3, 3, dilation=2)


def test_player_over_kernels(w):
    box = w.widget(kernel="box", stride=2)
    fig = w.fig
    p = w.player("kernel", dpi=30)
    assert isinstance(p, Player) and p.n_frames == len(KERNELS)
    assert "kernel = sobel x" in p.html and "kernel = custom" in p.html
    assert w.fig is fig and w.state["kernel"] == "box"
    box.controls["kernel"].value = "sharpen"
    check_figure_matches(w)


def test_update_is_fast_enough():
    """One update + Agg draw at the default size in well under the 50 ms budget's ballpark
    (CPU time; a loose bound against regressions, the benchmark measures the real median)."""
    import time
    big = FilterExplorer()
    big.figure()
    big.draw()
    ts = []
    for i in range(12):
        t0 = time.process_time()
        big.update(kernel=KERNELS[i % len(KERNELS)], stride=1 + i % 2)
        big.draw()
        ts.append(time.process_time() - t0)
    assert np.median(ts) < 0.15
