"""Low-rank approximation of images with the SVD (notebook ``01-linear-algebra/06-svd-compression``).

An image with ``c`` channels of ``m x n`` pixels is compressed by keeping, per channel, the
``k`` largest singular values and their singular vectors:

.. math::  \\mathbf{A}_k = \\sum_{i=1}^{k} \\sigma_i \\mathbf{u}_i \\mathbf{v}_i^\\top ,

which stores ``k (1 + m + n)`` numbers per channel instead of ``m n``. By the Eckart-Young
theorem :math:`\\mathbf{A}_k` is the best rank-``k`` approximation in the Frobenius and the
spectral norm, with errors :math:`\\sqrt{\\sum_{i>k} \\sigma_i^2}` and :math:`\\sigma_{k+1}`.

:class:`SVDCompressor` computes the SVD once per image and then answers
:meth:`~SVDCompressor.reconstruct` and :meth:`~SVDCompressor.stats` for any ``k`` cheaply.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Tuple

import numpy as np

from ..validate import as_size

__all__ = [
    "SVDCompressor",
    "SVDStats",
    "check_image",
    "check_rank",
    "svd_storage",
]


# ----------------------------------------------------------------------------- validation
def check_image(image, name: str = "image") -> np.ndarray:
    """Validate an image and return it as a C-contiguous float64 array (a copy).

    Accepted: a real array of shape ``(m, n)`` (grayscale) or ``(m, n, 3)`` (RGB) with
    ``m, n >= 2`` and only finite values.

    Raises
    ------
    TypeError
        If ``image`` is not a real numeric array.
    ValueError
        If its shape is not ``(m, n)`` or ``(m, n, 3)`` with ``m, n >= 2``, or it holds NaN/inf.
    """
    if not isinstance(name, str):
        raise TypeError(f"check_image: name must be a string, got {name!r}")
    arr = np.asarray(image)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"{name} must be a real numeric array, got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real, got complex dtype {arr.dtype}")
    if arr.ndim == 3 and arr.shape[2] != 3:
        raise ValueError(
            f"{name} must have shape (m, n) (gray) or (m, n, 3) (RGB), got {arr.shape}; "
            "drop an alpha channel with image[..., :3]"
        )
    if arr.ndim not in (2, 3):
        raise ValueError(f"{name} must have shape (m, n) (gray) or (m, n, 3) (RGB), got {arr.shape}")
    if arr.shape[0] < 2 or arr.shape[1] < 2:
        raise ValueError(f"{name} must be at least 2x2 pixels, got {arr.shape[0]}x{arr.shape[1]}")
    arr = np.array(arr, dtype=np.float64, order="C")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must hold only finite values, found {int(np.sum(~np.isfinite(arr)))} NaN/inf")
    return arr


def check_rank(k, max_rank: int, name: str = "k") -> int:
    """Check that ``k`` is an int in ``[1, max_rank]`` and return it as a Python int."""
    if not isinstance(name, str):
        raise TypeError(f"check_rank: name must be a string, got {name!r}")
    max_rank = as_size(max_rank, "max_rank", "check_rank")
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"rank {name} must be an int in [1, {max_rank}], got {k!r}")
    k = int(k)
    if not 1 <= k <= max_rank:
        raise ValueError(f"rank {name} must lie in [1, {max_rank}], got {k}")
    return k


# ---------------------------------------------------------------------------- storage count
def svd_storage(m: int, n: int, k: int, channels: int = 1) -> Tuple[int, int, float]:
    """Numbers stored by a rank-``k`` SVD of ``channels`` matrices of size ``m x n``.

    Each channel keeps ``k`` singular values, ``k`` left vectors of length ``m`` and ``k`` right
    vectors of length ``n``: ``k (1 + m + n)`` numbers, against ``m n`` for the raw pixels.

    Returns
    -------
    stored, original, ratio
        ``channels * k * (1 + m + n)``, ``channels * m * n`` and their quotient.
    """
    m = as_size(m, "m", "svd_storage", hi=10**6)
    n = as_size(n, "n", "svd_storage", hi=10**6)
    channels = as_size(channels, "channels", "svd_storage", hi=4)
    k = check_rank(k, min(int(m), int(n)))
    stored = int(channels) * k * (1 + int(m) + int(n))
    original = int(channels) * int(m) * int(n)
    return stored, original, stored / original


# ------------------------------------------------------------------------------- compressor
@dataclass(frozen=True, eq=False)
class SVDStats:
    """What a rank-``k`` SVD compression of an image costs and loses (see :meth:`SVDCompressor.stats`)."""

    k: int
    shape: Tuple[int, ...]
    stored: int          #: channels * k * (1 + m + n)
    original: int        #: channels * m * n
    ratio: float         #: stored / original
    rel_error: float     #: ||A - A_k||_F / ||A||_F over all channels (unclipped A_k)
    energy: float        #: sum of the top-k sigma^2 over the sum of all sigma^2, all channels
    sigma: np.ndarray    #: the spectrum, shape (channels, min(m, n)), read-only


class SVDCompressor:
    """Rank-``k`` SVD compression of a grayscale or RGB image, with the SVD computed once.

    Each channel :math:`\\mathbf{A}^{(c)} = \\mathbf{U}\\boldsymbol{\\Sigma}\\mathbf{V}^\\top` is
    factorised once (``numpy.linalg.svd``, thin); :meth:`reconstruct` then only multiplies
    the stored :math:`\\mathbf{U}_k\\boldsymbol{\\Sigma}_k` by :math:`\\mathbf{V}_k^\\top`.
    Explained in notebook ``01-linear-algebra/06-svd-compression``.

    Parameters
    ----------
    image : array, shape (m, n) or (m, n, 3)
        Real and finite, at least 2x2 (see :func:`check_image`).
    value_range : (float, float)
        The interval that ``reconstruct(k, clip=True)`` clips to (pixel values of the image).

    Attributes
    ----------
    shape, channels, max_rank
        Image shape, 1 or 3, and ``min(m, n)``: the largest ``k`` accepted.
    sigma : array, shape (channels, max_rank)
        Singular values of each channel, in non-increasing order.
    """

    def __init__(self, image, value_range: Tuple[float, float] = (0.0, 1.0)) -> None:
        img = check_image(image)
        lo, hi = _check_range(value_range)
        self.image = img
        self.image.setflags(write=False)
        self.value_range = (lo, hi)
        self.shape = img.shape
        self.gray = img.ndim == 2
        self.channels = 1 if self.gray else 3
        m, n = img.shape[:2]
        self.max_rank = min(m, n)
        stack = img[None] if self.gray else np.moveaxis(img, -1, 0)       # (c, m, n)
        U, s, Vt = np.linalg.svd(stack, full_matrices=False)               # batched, once
        self.sigma = s
        self._US = U * s[:, None, :]                                       # U_k Sigma_k for any k
        self._Vt = Vt
        self._US32 = self._US.astype(np.float32)
        self._Vt32 = Vt.astype(np.float32)
        self._stack = stack
        self._stack32 = stack.astype(np.float32)
        for a in (self.sigma, self._US, self._Vt, self._US32, self._Vt32, self._stack32):
            a.setflags(write=False)
        # Only ratios of sums of sigma^2 are reported: square sigma / sigma_max, so tiny or huge
        # images neither underflow nor overflow (1e-160 squared is subnormal and loses digits).
        top = float(s.max()) if s.size else 0.0
        e = (s / top) ** 2 if top > 0 else s**2
        self._total = float(e.sum())
        # tail[j] = sum over channels of sum_{i >= j} sigma_i^2 (suffix sums: no cancellation)
        self._tail = np.concatenate([np.cumsum(e.sum(axis=0)[::-1])[::-1], [0.0]])

    # ------------------------------------------------------------------ compute
    def reconstruct(self, k: int, *, clip: bool = False, dtype=np.float64) -> np.ndarray:
        """The rank-``k`` approximation :math:`\\sum_{i\\le k}\\sigma_i\\mathbf{u}_i\\mathbf{v}_i^\\top` per channel.

        Parameters
        ----------
        k : int
            Rank in ``[1, max_rank]``; ``k = max_rank`` gives the image back (up to rounding).
        clip : bool
            Clip the result to :attr:`value_range` (what a display shows). The default,
            ``False``, returns the exact truncation, the one the Eckart-Young theorem is about.
        dtype : float64 or float32
            float32 uses float32 copies of the factors (faster, for display).

        Returns
        -------
        array of the image's shape.
        """
        k = check_rank(k, self.max_rank)
        dt = np.dtype(dtype)
        if dt == np.float64:
            US, Vt = self._US, self._Vt
        elif dt == np.float32:
            US, Vt = self._US32, self._Vt32
        else:
            raise ValueError(f"reconstruct: dtype must be float64 or float32, got {dt}")
        if not isinstance(clip, (bool, np.bool_)):
            raise TypeError(f"reconstruct: clip must be True or False, got {clip!r}")
        out = np.matmul(US[:, :, :k], Vt[:, :k, :])                        # (c, m, n)
        if clip:
            np.clip(out, self.value_range[0], self.value_range[1], out=out)
        return out[0] if self.gray else np.moveaxis(out, 0, -1)

    def stats(self, k: int) -> SVDStats:
        """Storage and error of the rank-``k`` approximation, from the spectrum alone.

        ``stored = c k (1 + m + n)``, ``original = c m n``, ``ratio = stored / original``,
        ``rel_error`` :math:`= \\sqrt{\\sum_{i>k}\\sigma_i^2 / \\sum_i \\sigma_i^2}` (equal to
        :math:`\\|\\mathbf{A}-\\mathbf{A}_k\\|_F/\\|\\mathbf{A}\\|_F` by Eckart-Young),
        ``energy`` :math:`= \\sum_{i\\le k}\\sigma_i^2 / \\sum_i \\sigma_i^2`; sums run over channels.
        For an all-zero image ``rel_error = 0`` and ``energy = 1``.
        """
        k = check_rank(k, self.max_rank)
        m, n = self.shape[:2]
        stored, original, ratio = svd_storage(m, n, k, self.channels)
        if self._total > 0:
            tail = float(self._tail[k])
            rel_error = float(np.sqrt(tail / self._total))
            energy = float((self._total - tail) / self._total)
        else:
            rel_error, energy = 0.0, 1.0
        return SVDStats(k=k, shape=self.shape, stored=stored, original=original, ratio=ratio,
                        rel_error=rel_error, energy=energy, sigma=self.sigma)

    def energy_curve(self) -> np.ndarray:
        """Energy kept for ``k = 1, ..., max_rank`` (all channels together); ends at 1."""
        if self._total == 0:
            return np.ones(self.max_rank)
        return 1.0 - self._tail[1:] / self._total

    def error_image(self, k: int, *, dtype=np.float64, approx=None) -> np.ndarray:
        """Per-pixel error magnitude of the unclipped rank-``k`` approximation, shape ``(m, n)``.

        ``|A - A_k|`` for gray, the Euclidean norm over the three channels for RGB. Pass
        ``approx = reconstruct(k, dtype=dtype)`` when it is already at hand to skip the product.
        """
        dt = np.dtype(dtype)
        if dt not in (np.float32, np.float64):
            raise ValueError(f"error_image: dtype must be float64 or float32, got {dt}")
        if approx is None:
            approx = self.reconstruct(k, dtype=dt)
        elif np.shape(approx) != self.shape:
            raise ValueError(f"error_image: approx must have the image's shape {self.shape}, got {np.shape(approx)}")
        # channel-first (c, m, n): the sum over channels runs over contiguous planes
        stack = self._stack32 if dt == np.float32 else self._stack
        diff = stack - (approx[None] if self.gray else np.moveaxis(approx, -1, 0))
        return np.abs(diff[0]) if self.gray else np.sqrt(np.einsum("cij,cij->ij", diff, diff))

    def __repr__(self) -> str:
        kind = "gray" if self.gray else "RGB"
        return f"SVDCompressor({kind} {self.shape[0]}x{self.shape[1]}, max_rank={self.max_rank})"


def _check_range(value_range) -> Tuple[float, float]:
    try:
        lo, hi = (float(v) for v in value_range)
    except (TypeError, ValueError):
        raise ValueError(f"value_range must be a pair (low, high) of numbers, got {value_range!r}") from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"value_range must be finite with low < high, got {value_range!r}")
    return lo, hi
