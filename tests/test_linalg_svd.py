"""Tests of mlnotes.linalg.svd: rank-k image compression and the Eckart-Young check."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mlnotes import data
from mlnotes.linalg import SVDCompressor, check_image, svd_storage


def truncate(A, k):
    """Reference rank-k truncation, straight from numpy's SVD."""
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return (U[:, :k] * s[:k]) @ Vt[:k]

# ------------------------------------------------------------------------------- strategies
finite = st.floats(-10, 10, allow_nan=False, allow_infinity=False, width=64)


@st.composite
def images(draw):
    m = draw(st.integers(2, 9))
    n = draw(st.integers(2, 9))
    shape = draw(st.sampled_from([(m, n), (m, n, 3)]))
    return draw(arrays(np.float64, shape, elements=finite))


def direct_rel_error(img, approx):
    # rescale first: np.linalg.norm squares entries, and 1e-160 squared is subnormal
    scale = np.abs(img).max()
    if scale == 0:
        return 0.0
    return np.linalg.norm((img - approx) / scale) / np.linalg.norm(img / scale)


# --------------------------------------------------------------------------- properties
@settings(max_examples=60, deadline=None)
@given(images())
def test_full_rank_reconstruction_is_the_image(img):
    comp = SVDCompressor(img)
    scale = max(1.0, np.abs(img).max())
    assert np.allclose(comp.reconstruct(comp.max_rank), img, atol=1e-10 * scale, rtol=0)
    assert comp.stats(comp.max_rank).rel_error <= 1e-7


@settings(max_examples=60, deadline=None)
@given(images())
def test_error_is_non_increasing_in_k(img):
    comp = SVDCompressor(img)
    ks = range(1, comp.max_rank + 1)
    from_stats = np.array([comp.stats(k).rel_error for k in ks])
    direct = np.array([direct_rel_error(img, comp.reconstruct(k)) for k in ks])
    assert np.all(np.diff(from_stats) <= 1e-12)
    assert np.all(np.diff(direct) <= 1e-9)
    # Eckart-Young: the error read off the spectrum is the error of the matrix (atol 1e-9)
    assert np.allclose(from_stats, direct, atol=1e-9, rtol=0)


@settings(max_examples=60, deadline=None)
@given(images(), st.data())
def test_stats_formulas(img, data_):
    comp = SVDCompressor(img)
    k = data_.draw(st.integers(1, comp.max_rank))
    s = comp.stats(k)
    m, n = img.shape[:2]
    c = 1 if img.ndim == 2 else 3
    assert (s.stored, s.original) == (c * k * (1 + m + n), c * m * n)
    assert s.ratio == pytest.approx(s.stored / s.original, rel=1e-15)
    # singular values: per channel, as numpy computes them, non-increasing
    chans = [img] if img.ndim == 2 else [img[..., i] for i in range(3)]
    ref = np.array([np.linalg.svd(ch, compute_uv=False) for ch in chans])
    assert s.sigma.shape == (c, min(m, n))
    assert np.allclose(s.sigma, ref, atol=1e-10 * max(1.0, ref.max()))
    total = np.sum(ref**2)
    if total > 0:
        assert s.energy == pytest.approx(np.sum(ref[:, :k] ** 2) / total, abs=1e-12)
        assert s.rel_error**2 + s.energy == pytest.approx(1.0, abs=1e-12)
    assert comp.energy_curve()[k - 1] == pytest.approx(s.energy, abs=1e-12)


# -------------------------------------------------------------------------- exact values
def test_notes_storage_example():
    # N, Example 4: a 450 x 333 image, 50 terms
    assert svd_storage(450, 333, 50) == (39_200, 149_850, 39_200 / 149_850)
    assert round(100 * svd_storage(450, 333, 50)[2]) == 26
    assert svd_storage(450, 333, 50, channels=3)[:2] == (117_600, 449_550)


def test_clipping_only_changes_out_of_range_pixels():
    comp = SVDCompressor(data.image("hopper_gray_512"))
    raw, clipped = comp.reconstruct(5), comp.reconstruct(5, clip=True)
    assert raw.min() < 0.0 or raw.max() > 1.0          # truncation does leave [0, 1]
    assert clipped.min() >= 0.0 and clipped.max() <= 1.0
    assert np.array_equal(clipped, np.clip(raw, 0.0, 1.0))
    # float32 fast path agrees with float64 (atol 1e-4 on values of order 1)
    assert np.allclose(comp.reconstruct(5, dtype=np.float32), raw, atol=1e-4)
    assert comp.reconstruct(5, dtype=np.float32).dtype == np.float32


def test_colour_is_per_channel_and_error_image():
    img = data.image("mri")[::4, ::4]
    rgb = np.stack([img, img**2, 1 - img], axis=-1)
    comp = SVDCompressor(rgb)
    k = 6
    expected = np.stack([truncate(rgb[..., c], k) for c in range(3)], axis=-1)
    assert np.allclose(comp.reconstruct(k), expected, atol=1e-12)
    err = comp.error_image(k)
    assert err.shape == rgb.shape[:2]
    assert np.allclose(err, np.linalg.norm(rgb - expected, axis=-1), atol=1e-12)
    assert np.allclose(comp.error_image(k, dtype=np.float32), err, atol=1e-5)
    gray = SVDCompressor(img)
    assert np.allclose(gray.error_image(k), np.abs(img - truncate(img, k)), atol=1e-12)


def test_reconstruction_has_rank_k_and_is_optimal_on_a_random_matrix():
    rng = np.random.default_rng(1)
    A = rng.normal(size=(30, 20))
    comp = SVDCompressor(A, value_range=(A.min(), A.max()))
    for k in (1, 5, 19):
        Ak = comp.reconstruct(k)
        assert np.linalg.matrix_rank(Ak) == k
        best = np.linalg.norm(A - Ak)
        for _ in range(50):  # random rank-k competitors never do better
            B = rng.normal(size=(30, k)) @ rng.normal(size=(k, 20))
            assert np.linalg.norm(A - B) > best


def test_zero_image_and_integer_input():
    comp = SVDCompressor(np.zeros((4, 5)))
    assert comp.stats(2).rel_error == 0.0 and comp.stats(2).energy == 1.0
    assert np.array_equal(comp.reconstruct(4), np.zeros((4, 5)))
    assert np.array_equal(comp.energy_curve(), np.ones(4))
    ints = SVDCompressor(np.arange(12, dtype=np.uint8).reshape(3, 4))
    assert np.allclose(ints.reconstruct(3), np.arange(12).reshape(3, 4))


def test_svd_is_computed_once(monkeypatch):
    calls = []
    real = np.linalg.svd
    monkeypatch.setattr(np.linalg, "svd", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    comp = SVDCompressor(np.random.default_rng(0).random((12, 10, 3)))
    assert len(calls) == 1
    for k in range(1, 11):
        comp.reconstruct(k)
        comp.stats(k)
        comp.error_image(k)
    assert len(calls) == 1


def test_image_is_copied_and_read_only():
    img = np.ones((3, 3))
    comp = SVDCompressor(img)
    img[0, 0] = 5.0
    assert comp.image[0, 0] == 1.0
    with pytest.raises(ValueError):
        comp.image[0, 0] = 2.0


# ---------------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize("k, err, msg", [
    (0, ValueError, r"rank k must lie in \[1, 6\], got 0"),
    (7, ValueError, r"rank k must lie in \[1, 6\], got 7"),
    (-3, ValueError, r"rank k must lie in \[1, 6\], got -3"),
    (2.0, TypeError, r"rank k must be an int in \[1, 6\], got 2.0"),
    (True, TypeError, r"rank k must be an int"),
    ("3", TypeError, r"rank k must be an int"),
])
def test_bad_rank(k, err, msg):
    comp = SVDCompressor(np.random.default_rng(0).random((6, 8)))
    for call in (comp.reconstruct, comp.stats, comp.error_image):
        with pytest.raises(err, match=msg):
            call(k)


@pytest.mark.parametrize("image, err, msg", [
    (np.zeros(5), ValueError, r"image must have shape \(m, n\) \(gray\) or \(m, n, 3\)"),
    (np.zeros((4, 4, 4)), ValueError, r"drop an alpha channel"),
    (np.zeros((4, 4, 1)), ValueError, r"got \(4, 4, 1\)"),
    (np.zeros((2, 2, 3, 1)), ValueError, r"image must have shape"),
    (np.zeros((1, 5)), ValueError, r"at least 2x2 pixels, got 1x5"),
    (np.zeros((5, 1, 3)), ValueError, r"at least 2x2 pixels, got 5x1"),
    (np.array([[1.0, np.nan], [0.0, 1.0]]), ValueError, r"finite values, found 1 NaN/inf"),
    (np.array([[1.0, np.inf], [-np.inf, 1.0]]), ValueError, r"finite values, found 2"),
    (np.ones((3, 3), dtype=complex), TypeError, r"image must be real"),
    (np.array([["a", "b"], ["c", "d"]]), TypeError, r"real numeric array"),
    ([[1, None], [2, 3]], TypeError, r"real numeric array"),
])
def test_bad_image(image, err, msg):
    with pytest.raises(err, match=msg):
        SVDCompressor(image)
    with pytest.raises(err, match=msg.replace("image", "photo")):
        check_image(image, name="photo")


def test_other_bad_arguments():
    img = np.random.default_rng(0).random((5, 4))
    with pytest.raises(ValueError, match=r"value_range must be finite with low < high"):
        SVDCompressor(img, value_range=(1.0, 0.0))
    with pytest.raises(ValueError, match=r"value_range must be a pair"):
        SVDCompressor(img, value_range=3)
    comp = SVDCompressor(img)
    with pytest.raises(ValueError, match=r"dtype must be float64 or float32, got int64"):
        comp.reconstruct(2, dtype=np.int64)
    with pytest.raises(ValueError, match=r"approx must have the image's shape"):
        comp.error_image(2, approx=np.zeros((4, 5)))
    with pytest.raises(ValueError, match=r"rank k must lie in \[1, 4\], got 5"):
        comp.reconstruct(5)
    with pytest.raises(ValueError, match=r"svd_storage: m must lie in \[1, 1000000\], got 0"):
        svd_storage(0, 3, 1)
    with pytest.raises(ValueError, match=r"rank k must lie in \[1, 333\], got 334"):
        svd_storage(450, 333, 334)


@pytest.mark.parametrize("scale", [1e-160, 1e30])
def test_stats_do_not_depend_on_the_scale_of_the_image(scale):
    img = np.array([[0.0, 1.0, 0.3], [1.0, 1.0, 0.7], [0.2, 0.5, 0.9]])
    ref, tiny = SVDCompressor(img), SVDCompressor(img * scale)
    for k in (1, 2, 3):
        assert tiny.stats(k).rel_error == pytest.approx(ref.stats(k).rel_error, rel=1e-12, abs=1e-15)
        assert tiny.stats(k).energy == pytest.approx(ref.stats(k).energy, rel=1e-12)
