"""Bundled data sets: nothing here touches the network.

* images from matplotlib's sample data, as float arrays in [0, 1];
* scikit-learn's 8x8 handwritten digits;
* 2-D toy sets (moons, Swiss roll, ring, a mixture of eight Gaussians, ...) with a seed.
"""
from __future__ import annotations

import gzip
from typing import Dict, Tuple

import numpy as np

from .validate import as_bool, as_choice, as_float, as_positive, as_seed, as_size

__all__ = ["IMAGES", "image", "digits", "toy2d", "TOY2D", "eight_gaussians_params"]

#: Names accepted by :func:`image`, with what each one is.
IMAGES: Dict[str, str] = {
    "hopper": "Grace Hopper portrait, colour, 600x512x3",
    "hopper_gray": "Grace Hopper portrait, luminance, 600x512",
    "mri": "MRI slice of a head, grayscale, 256x256",
    "terrain": "Jacksboro fault elevation map scaled to [0, 1], grayscale, 344x403",
    "hopper_512": "Grace Hopper portrait cropped to 512x512, colour",
    "hopper_gray_512": "Grace Hopper portrait cropped to 512x512, luminance",
}

#: Names accepted by :func:`toy2d`.
TOY2D = ("moons", "swiss_roll", "ring", "eight_gaussians", "two_gaussians", "checkerboard")

_LUMA = np.array([0.299, 0.587, 0.114])


def _sample(name: str):
    from matplotlib.cbook import get_sample_data  # noqa: PLC0415

    return get_sample_data(name, asfileobj=False)


def image(name: str = "hopper_gray") -> np.ndarray:
    """Load a bundled image as a float64 array with values in [0, 1].

    Parameters
    ----------
    name : str
        One of :data:`IMAGES`. Colour images have shape ``(H, W, 3)``, grayscale ``(H, W)``.
    """
    as_choice(name, "name", "image", tuple(IMAGES))
    if name not in IMAGES:
        raise ValueError(f"image: name must be one of {sorted(IMAGES)}, got {name!r}")
    if name.startswith("hopper"):
        import matplotlib.image as mpimg  # noqa: PLC0415

        rgb = mpimg.imread(_sample("grace_hopper.jpg")).astype(np.float64) / 255.0
        if name.endswith("_512"):
            rgb = rgb[44:556, :512]
        if "gray" in name:
            return np.clip(rgb @ _LUMA, 0.0, 1.0)
        return rgb
    if name == "mri":
        with gzip.open(_sample("s1045.ima.gz")) as f:
            raw = np.frombuffer(f.read(), dtype=np.uint16).reshape(256, 256).astype(np.float64)
        return raw / raw.max()
    # terrain
    dem = np.load(_sample("jacksboro_fault_dem.npz"))["elevation"].astype(np.float64)
    return (dem - dem.min()) / (dem.max() - dem.min())


def digits(return_images: bool = False) -> Tuple[np.ndarray, np.ndarray]:
    """scikit-learn's handwritten digits (1797 images of 8x8 pixels, classes 0-9).

    Returns
    -------
    X, y
        ``X`` has shape ``(1797, 64)`` with values in [0, 1] (or ``(1797, 8, 8)`` when
        ``return_images``), ``y`` the integer labels.
    """
    from sklearn.datasets import load_digits  # noqa: PLC0415

    as_bool(return_images, "return_images", "digits")
    d = load_digits()
    X = d.data.astype(np.float64) / 16.0
    if return_images:
        X = X.reshape(-1, 8, 8)
    return X, d.target.astype(np.int64)


def eight_gaussians_params(radius: float = 2.0, std: float = 0.2) -> Tuple[np.ndarray, float]:
    """Means (8x2, equally spaced on a circle) and the common std of :func:`toy2d` 'eight_gaussians'."""
    radius = as_positive(radius, "radius", "eight_gaussians_params")
    std = as_positive(std, "std", "eight_gaussians_params")
    ang = np.arange(8) * (2 * np.pi / 8)
    return radius * np.stack([np.cos(ang), np.sin(ang)], axis=1), std


def toy2d(name: str, n: int = 1000, seed: int = 0, noise: float = None) -> np.ndarray:
    """Sample a 2-D toy data set of ``n`` points, shape ``(n, 2)``.

    Parameters
    ----------
    name : str
        One of :data:`TOY2D`.
    n : int
        Number of points, at least 1.
    seed : int
        Seed of the generator; the same seed gives the same points.
    noise : float, optional
        Standard deviation of added Gaussian noise (a per-set default when ``None``).
    """
    as_choice(name, "name", "toy2d", TOY2D)
    n = as_size(n, "n", "toy2d")
    seed = as_seed(seed, "seed", "toy2d", allow_none=False)
    if noise is not None:
        noise = as_float(noise, "noise", "toy2d", nonneg=True)
    rng = np.random.default_rng(seed)
    if name == "moons":
        from sklearn.datasets import make_moons  # noqa: PLC0415

        X, _ = make_moons(n, noise=0.08 if noise is None else noise, random_state=seed)
        return (X - np.array([0.5, 0.25])) * 1.5
    if name == "swiss_roll":
        from sklearn.datasets import make_swiss_roll  # noqa: PLC0415

        X, _ = make_swiss_roll(n, noise=0.5 if noise is None else noise, random_state=seed)
        return X[:, [0, 2]] / 5.0
    if name == "ring":
        ang = rng.uniform(0, 2 * np.pi, n)
        X = 2.0 * np.stack([np.cos(ang), np.sin(ang)], axis=1)
        return X + rng.normal(0, 0.1 if noise is None else noise, X.shape)
    if name == "eight_gaussians":
        means, std = eight_gaussians_params()
        std = std if noise is None else noise
        return means[rng.integers(0, 8, n)] + rng.normal(0, std, (n, 2))
    if name == "two_gaussians":
        means = np.array([[-1.5, 0.0], [1.5, 0.0]])
        return means[rng.integers(0, 2, n)] + rng.normal(0, 0.4 if noise is None else noise, (n, 2))
    # checkerboard: uniform on the black squares of a 4x4 board on [-2, 2]^2
    x = rng.uniform(-2, 2, n)
    y = rng.uniform(0, 1, n) + rng.integers(0, 2, n) * 2 - 2
    y = y + (np.floor(x) % 2)
    X = np.stack([x, y], axis=1)
    if noise:
        X = X + rng.normal(0, noise, X.shape)
    return X
