"""One figure style for the whole book.

Notebooks call :func:`use_style` once (the setup cell does it through
``mlnotes.setup``) and build figures with :func:`figure`, so that every plot has
the same size, fonts, colours and grid.
"""
from __future__ import annotations

from typing import Tuple, Union

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["PALETTE", "STYLE", "use_style", "figure", "label", "imshow_gray", "show"]

#: Colour cycle (colour-blind safe, Okabe & Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")

STYLE = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.autolayout": False,
    "figure.constrained_layout.use": True,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=list(PALETTE)),
    "image.cmap": "viridis",
    "legend.frameon": False,
    "lines.linewidth": 1.8,
}


def use_style() -> None:
    """Apply the book's matplotlib style to the current session.

    Inside IPython it also activates the inline backend, which registers the PNG
    formatter for every :class:`Figure`, so a figure made by :func:`figure` and left as
    the last expression of a cell is displayed as an image (not as its repr).
    """
    mpl.rcParams.update(STYLE)
    try:
        from IPython import get_ipython  # noqa: PLC0415
    except ImportError:  # pragma: no cover
        return
    shell = get_ipython()
    if shell is not None and hasattr(shell, "kernel"):
        shell.run_line_magic("matplotlib", "inline")
        mpl.rcParams.update(STYLE)  # the inline backend resets a few rc values


def figure(nrows: int = 1, ncols: int = 1, *, width: float = None, height: float = None,
           **subplot_kw) -> Tuple[Figure, Union[np.ndarray, "mpl.axes.Axes"]]:
    """Create a figure with the book style, detached from pyplot's global state.

    Figures made here are not registered with ``pyplot`` and are garbage collected like
    any object, so widgets and tests never leak figures. Display one in a notebook by
    leaving it as the last expression of a cell, or with :func:`show`.

    Parameters
    ----------
    nrows, ncols : int
        Grid of axes, each at least 1.
    width, height : float, optional
        Size in inches; by default 3.2 inches per column (min 6.4) and 3.0 per row.
    **subplot_kw
        Passed to :meth:`Figure.subplots` (for example ``subplot_kw={"projection": "3d"}``).

    Returns
    -------
    fig, axes
        ``axes`` is a single Axes for a 1x1 grid, else an array.
    """
    for name, v in (("nrows", nrows), ("ncols", ncols)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"figure: {name} must be a positive int, got {v!r}")
    for name, v in (("width", width), ("height", height)):
        if v is not None and not (np.isscalar(v) and np.isfinite(v) and v > 0):
            raise ValueError(f"figure: {name} must be a positive number of inches, got {v!r}")
    with mpl.rc_context(STYLE):
        w = width if width is not None else max(6.4, 3.2 * ncols)
        h = height if height is not None else 3.0 * nrows + (0.4 if nrows == 1 else 0.0)
        fig = Figure(figsize=(w, h), layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(nrows, ncols, squeeze=True, **subplot_kw)
    return fig, axes


def label(ax, xlabel: str = "", ylabel: str = "", title: str = "") -> None:
    """Set the labels and title of an Axes in one call."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)


def imshow_gray(ax, img: np.ndarray, title: str = "", vmin: float = 0.0, vmax: float = 1.0):
    """Show a grayscale or RGB image in ``ax`` without ticks or grid; returns the AxesImage."""
    img = np.asarray(img)
    if img.ndim not in (2, 3):
        raise ValueError(f"imshow_gray: img must be 2-D (gray) or 3-D (RGB), got shape {img.shape}")
    if img.ndim == 3:
        im = ax.imshow(np.clip(img, vmin, vmax), interpolation="nearest")
    else:
        im = ax.imshow(img, cmap="gray", vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    if title:
        ax.set_title(title)
    return im


def show(fig: Figure) -> None:
    """Display a figure made by :func:`figure` in a notebook (no-op outside IPython)."""
    try:
        from IPython.display import display  # noqa: PLC0415
    except ImportError:  # pragma: no cover
        return
    display(fig)

