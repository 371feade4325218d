"""Filter explorer: 2-D convolution (cross-correlation) of an image with a small kernel.

Used in ``notebooks/04-deep-learning/02-convolution-and-pooling.ipynb``. The reader picks a
bundled image (downsampled to ``size x size`` pixels, 128 by default), a kernel (identity,
box, Gaussian, Sobel, Laplacian, sharpen, or a custom 3 x 3 set by nine sliders), the
stride and the zero padding. The figure shows the input, the kernel, the output, and the
magnitude spectra of the input and of the output.

The convolution is :func:`conv2d`, written with numpy: the image is zero-padded, every
``k_h x k_w`` window that the stride visits is gathered (``im2col`` without copying, through
``sliding_window_view``) and contracted with the kernel. Like ``torch.nn.functional.conv2d``
it computes a *cross-correlation* (the kernel is not flipped):

.. math:: y_{ij} = \\sum_{m=0}^{k_h-1}\\sum_{n=0}^{k_w-1} k_{mn}\\, x^{\\mathrm{pad}}_{s i + m,\\, s j + n},
   \\qquad H_{\\mathrm{out}} = \\lfloor (H + 2p - k_h)/s \\rfloor + 1 .
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Tuple

import numpy as np
from matplotlib.figure import Figure

from .. import data
from ..validate import as_array, as_int, as_size
from .base import Choice, FloatSlider, IntSlider, Widget

__all__ = ["FilterExplorer", "KERNELS", "IMAGES", "conv2d", "output_size", "named_kernel",
           "magnitude_spectrum"]

#: Kernels offered by the widget, in menu order.
KERNELS = ("identity", "box", "gaussian", "sobel x", "sobel y", "laplacian", "sharpen", "custom")
#: Bundled images offered by the widget (see :data:`mlnotes.data.IMAGES`).
IMAGES = ("hopper_gray", "mri", "terrain")
#: Names of the nine entries of the custom 3 x 3 kernel, row by row.
CUSTOM = tuple(f"c{i}{j}" for i in (1, 2, 3) for j in (1, 2, 3))
#: Default custom kernel: an "emboss" filter.
CUSTOM_DEFAULT = (-2.0, -1.0, 0.0, -1.0, 1.0, 1.0, 0.0, 1.0, 2.0)
#: Colour limits of the spectra, in dB (20 log10 of |FFT| / number of pixels).
DB_RANGE = (-90.0, 0.0)

_FIXED = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "sobel x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "sobel y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "laplacian": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
}


def named_kernel(name: str, size: int = 3, custom: Any = None) -> np.ndarray:
    """The kernel called ``name`` (one of :data:`KERNELS`) as a float64 array.

    ``box``: ``size x size`` ones divided by ``size**2``; ``gaussian``: the sampled
    :math:`\\exp(-(m^2 + n^2) / 2\\sigma^2)` on ``size x size`` offsets, :math:`\\sigma =
    \\text{size}/4`, normalised to sum 1; ``sobel x``/``sobel y``: horizontal/vertical
    derivative; ``laplacian``: the 5-point Laplacian; ``sharpen``: identity minus Laplacian;
    ``custom``: the 3 x 3 array ``custom`` (required then). ``size`` (odd, 1 to 15) is
    used by ``box`` and ``gaussian`` only.
    """
    if not isinstance(name, str) or name not in KERNELS:
        raise ValueError(f"named_kernel: name must be one of {list(KERNELS)}, got {name!r}")
    size = as_size(size, "size", "named_kernel", hi=15)
    if size % 2 == 0:
        raise ValueError(f"named_kernel: size must be odd (1, 3, ..., 15), got {size}")
    if name == "box":
        return np.full((size, size), 1.0 / size**2)
    if name == "gaussian":
        r = np.arange(size) - size // 2
        g = np.exp(-(r[:, None] ** 2 + r[None, :] ** 2) / (2 * (size / 4.0) ** 2))
        return g / g.sum()
    if name == "custom":
        if custom is None:
            raise ValueError("named_kernel: custom must be a 3 x 3 array when name is 'custom'")
        return as_array(custom, "custom", "named_kernel", shape=(3, 3)).copy()
    return np.array(_FIXED[name], dtype=np.float64)


def output_size(n: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Output length of a convolution along one axis: ``floor((n + 2p - d(k-1) - 1)/s) + 1``.

    Raises ``ValueError`` when the (dilated) kernel does not fit in the padded input.
    """
    n = as_size(n, "n", "output_size")
    k = as_size(k, "k", "output_size")
    stride = as_size(stride, "stride", "output_size")
    padding = as_int(padding, "padding", "output_size", lo=0, hi=10**6)
    dilation = as_size(dilation, "dilation", "output_size")
    span = dilation * (k - 1) + 1
    if span > n + 2 * padding:
        raise ValueError(f"output_size: the kernel (span {span}) does not fit in the padded input "
                         f"(n + 2 padding = {n + 2 * padding})")
    return (n + 2 * padding - span) // stride + 1


def conv2d(image: Any, kernel: Any, stride: int = 1, padding: int = 0) -> np.ndarray:
    """2-D cross-correlation of one image with one kernel, zero padding, as ``F.conv2d``.

    :math:`y_{ij} = \\sum_{m,n} k_{mn}\\, x^{\\mathrm{pad}}_{s i + m,\\, s j + n}`; the
    output has :func:`output_size` rows and columns. Explained in
    ``notebooks/04-deep-learning/02-convolution-and-pooling.ipynb``.

    Parameters
    ----------
    image : array, shape (H, W)
    kernel : array, shape (k_h, k_w), not larger than the padded image
    stride : int >= 1
    padding : int >= 0, zeros added on every side
    """
    x = as_array(image, "image", "conv2d", ndim=2)
    k = as_array(kernel, "kernel", "conv2d", ndim=2)
    stride = as_size(stride, "stride", "conv2d", hi=10**6)
    padding = as_int(padding, "padding", "conv2d", lo=0, hi=10**4)
    if k.shape[0] > x.shape[0] + 2 * padding or k.shape[1] > x.shape[1] + 2 * padding:
        raise ValueError(f"conv2d: kernel of shape {k.shape} does not fit in the padded image "
                         f"of shape {(x.shape[0] + 2 * padding, x.shape[1] + 2 * padding)}")
    if padding:
        x = np.pad(x, padding)
    windows = np.lib.stride_tricks.sliding_window_view(x, k.shape)[::stride, ::stride]
    return np.tensordot(windows, k, axes=([2, 3], [0, 1]))


def magnitude_spectrum(image: Any) -> np.ndarray:
    """Centred magnitude spectrum in dB: ``20 log10(|fftshift(fft2(x))| / x.size + 1e-12)``.

    Dividing by the number of pixels makes the zero-frequency entry the mean of the image, so
    spectra of images of different sizes (a strided output) share one scale.
    """
    x = as_array(image, "image", "magnitude_spectrum", ndim=2)
    F = np.fft.fftshift(np.fft.fft2(x)) / x.size
    return 20.0 * np.log10(np.abs(F) + 1e-12)


def _downsample(img: np.ndarray, size: int) -> np.ndarray:
    """Central square crop, block-averaged to ``size x size`` (a whole factor), then resampled."""
    s = min(img.shape)
    top, left = (img.shape[0] - s) // 2, (img.shape[1] - s) // 2
    sq = img[top:top + s, left:left + s]
    f = max(1, s // size)
    sq = sq[: f * (s // f), : f * (s // f)]
    blocks = sq.reshape(s // f, f, s // f, f).mean(axis=(1, 3))
    idx = np.linspace(0, blocks.shape[0] - 1, size).round().astype(int)
    return np.ascontiguousarray(blocks[np.ix_(idx, idx)])


class FilterExplorer(Widget):
    """Convolve a bundled image with a chosen kernel; see the input, output and their spectra.

    Parameters
    ----------
    size : int
        Side of the (square, grayscale) images in pixels, 32 to 256 (default 128).

    Controls
    --------
    image : one of :data:`IMAGES`;
    kernel : one of :data:`KERNELS`;
    ksize : side of the box and Gaussian kernels (3 to 9, odd);
    stride : 1 to 4; padding : zeros on every side, 0 to 4;
    c11 ... c33 : the entries of the custom 3 x 3 kernel, -4 to 4 (used when kernel = custom).
    """

    controls = {
        "image": Choice(options=list(IMAGES), default="hopper_gray", description="image"),
        "kernel": Choice(options=list(KERNELS), default="gaussian", description="kernel"),
        "ksize": IntSlider(min=3, max=9, default=5, step=2, description="box/Gauss size"),
        "stride": IntSlider(min=1, max=4, default=1, description="stride"),
        "padding": IntSlider(min=0, max=4, default=0, description="padding"),
        **{name: FloatSlider(min=-4.0, max=4.0, default=v, step=0.25, description=name)
           for name, v in zip(CUSTOM, CUSTOM_DEFAULT)},
    }

    def __init__(self, size: int = 128) -> None:
        super().__init__()
        self.size = as_size(size, "size", "FilterExplorer", lo=32, hi=256)
        self._images: Dict[str, np.ndarray] = {}
        self._spectra: Dict[str, np.ndarray] = {}

    def validate(self, **state: Any) -> Dict[str, Any]:
        """As :meth:`Widget.validate`; also refuses an even ``ksize`` (kernels have a centre)."""
        st = super().validate(**state)
        if st["ksize"] % 2 == 0:
            raise ValueError(f"FilterExplorer: ksize must be odd (3, 5, 7 or 9), got {st['ksize']}")
        return st

    # ------------------------------------------------------------------ compute
    def image(self, name: str = "hopper_gray") -> np.ndarray:
        """The bundled image ``name`` as a ``size x size`` float array in [0, 1] (cached)."""
        name = self.controls["image"].validate("FilterExplorer: image", name)
        if name not in self._images:
            self._images[name] = _downsample(data.image(name), self.size)
        return self._images[name]

    def kernel(self, **state: Any) -> np.ndarray:
        """The kernel of ``state`` (missing values: the current or default state)."""
        st = self.validate(**state)
        custom = np.array([st[c] for c in CUSTOM]).reshape(3, 3)
        return named_kernel(st["kernel"], st["ksize"], custom)

    def output(self, **state: Any) -> np.ndarray:
        """:func:`conv2d` of the state's image with its kernel, stride and padding."""
        st = self.validate(**state)
        return conv2d(self.image(st["image"]), self.kernel(**st), st["stride"], st["padding"])

    def spectra(self, **state: Any) -> Tuple[np.ndarray, np.ndarray]:
        """:func:`magnitude_spectrum` of the input image and of the output (dB)."""
        st = self.validate(**state)
        name = st["image"]
        if name not in self._spectra:
            self._spectra[name] = magnitude_spectrum(self.image(name))
        return self._spectra[name], magnitude_spectrum(self.output(**st))

    # ------------------------------------------------------------------- figure
    def _figsize(self) -> tuple:
        return (10.5, 2.6)

    def _draw(self, fig: Figure, state: Mapping[str, Any]) -> None:
        axes = fig.subplots(1, 5, gridspec_kw={"width_ratios": (1, 0.8, 1, 1, 1)})
        self._ax_in, self._ax_k, self._ax_out, self._ax_fin, self._ax_fout = axes
        z = np.zeros((2, 2))
        self._im_in = self._ax_in.imshow(z, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        self._im_k = self._ax_k.imshow(z, cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest")
        self._im_out = self._ax_out.imshow(z, cmap="gray", interpolation="nearest")
        kw = dict(cmap="magma", vmin=DB_RANGE[0], vmax=DB_RANGE[1], interpolation="nearest",
                  extent=(-0.5, 0.5, -0.5, 0.5), origin="lower")
        self._im_fin = self._ax_fin.imshow(z, **kw)
        self._im_fout = self._ax_fout.imshow(z, **kw)
        for ax in axes:
            ax.set_axis_off()             # pictures: no ticks, and no axis to draw per update
        titles = (("input", self._ax_in), ("|FFT| of input, dB", self._ax_fin),
                  ("|FFT| of output, dB", self._ax_fout), ("kernel", self._ax_k),
                  ("output", self._ax_out))
        for text, ax in titles:
            ax.set_title(text, fontsize=9, y=1.0)   # fixed position: no bbox search per draw
        self._shown: Dict[str, Any] = {}

    def _update(self, state: Mapping[str, Any]) -> None:
        img = self.image(state["image"])
        k = self.kernel(**state)
        out = conv2d(img, k, state["stride"], state["padding"])
        if state["image"] not in self._spectra:
            self._spectra[state["image"]] = magnitude_spectrum(img)
        f_in, f_out = self._spectra[state["image"]], magnitude_spectrum(out)
        if self._shown.get("image") != state["image"]:
            self._im_in.set_data(img)
            self._set_extent(self._im_in, img.shape)
            self._im_fin.set_data(f_in)
        self._im_k.set_data(k)
        self._set_extent(self._im_k, k.shape)
        a = float(np.abs(k).max()) or 1.0
        self._im_k.set_clim(-a, a)
        self._im_out.set_data(out)
        self._set_extent(self._im_out, out.shape)
        lo, hi = float(out.min()), float(out.max())
        self._im_out.set_clim(lo, hi if hi > lo else lo + 1e-9)
        self._im_fout.set_data(f_out)
        self._ax_k.set_title(f"kernel {k.shape[0]}x{k.shape[1]}, sum = {k.sum():.2f}", fontsize=9)
        self._ax_out.set_title(f"output {out.shape[0]}x{out.shape[1]}, [{lo:.2f}, {hi:.2f}]", fontsize=9)
        self._shown = {"image": state["image"]}

    @staticmethod
    def _set_extent(im, shape) -> None:
        h, w = shape
        ext = (-0.5, w - 0.5, h - 0.5, -0.5)
        if tuple(im.get_extent()) != ext:
            im.set_extent(ext)
            im.axes.set_xlim(ext[0], ext[1])
            im.axes.set_ylim(ext[2], ext[3])
