import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlnotes import data


@pytest.mark.parametrize("name", sorted(data.IMAGES))
def test_images_are_floats_in_unit_range(name):
    img = data.image(name)
    assert img.dtype == np.float64
    assert img.ndim in (2, 3)
    assert 0.0 <= img.min() and img.max() <= 1.0
    assert img.std() > 0.05  # a real picture, not a constant
    if "gray" in name or name in ("mri", "terrain"):
        assert img.ndim == 2
    else:
        assert img.shape[2] == 3
    if name.endswith("_512"):
        assert img.shape[:2] == (512, 512)


def test_image_rejects_unknown_name():
    with pytest.raises(ValueError, match="image: name must be one of"):
        data.image("lena")


def test_digits():
    X, y = data.digits()
    assert X.shape == (1797, 64) and y.shape == (1797,)
    assert X.min() == 0 and X.max() == 1
    assert set(np.unique(y)) == set(range(10))
    Xi, _ = data.digits(return_images=True)
    assert Xi.shape == (1797, 8, 8)


@given(name=st.sampled_from(data.TOY2D), n=st.integers(1, 400), seed=st.integers(0, 2**31))
@settings(max_examples=40, deadline=None)
def test_toy2d_shape_finiteness_and_repeatability(name, n, seed):
    X = data.toy2d(name, n, seed=seed)
    assert X.shape == (n, 2)
    assert np.isfinite(X).all()
    assert np.array_equal(X, data.toy2d(name, n, seed=seed))


def test_toy2d_sets_have_their_shape():
    ring = data.toy2d("ring", 2000, noise=0.0)
    assert np.allclose(np.linalg.norm(ring, axis=1), 2.0)
    means, std = data.eight_gaussians_params()
    X = data.toy2d("eight_gaussians", 4000, noise=0.01)
    nearest = np.linalg.norm(X[:, None] - means[None], axis=2).min(axis=1)
    assert nearest.max() < 0.1
    cb = data.toy2d("checkerboard", 4000)
    # every point lies on a square whose row+column parity is even
    assert np.all((np.floor(cb[:, 0]) + np.floor(cb[:, 1])) % 2 == 0)
    assert np.abs(cb).max() <= 2


@pytest.mark.parametrize("kw,match", [
    (dict(name="spiral"), "toy2d: name must be one of"),
    (dict(name="ring", n=0), "toy2d: n must lie in \\[1, "),
    (dict(name="ring", n=2.5), "toy2d: n must be an int"),
    (dict(name="ring", noise=-1), "toy2d: noise must be"),
])
def test_toy2d_rejects_bad_input(kw, match):
    with pytest.raises((TypeError, ValueError), match=match):
        data.toy2d(**kw)
