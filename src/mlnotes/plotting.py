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

from .validate import as_array, as_float, as_size

__all__ = ["PALETTE", "STYLE", "use_style", "figure", "label", "imshow_gray", "show",
           "frequency_tree", "quiver_field", "surface3d", "code_tree", "gp_band", "score_quiver"]

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
    nrows = as_size(nrows, "nrows", "figure", hi=50)
    ncols = as_size(ncols, "ncols", "figure", hi=50)
    width = None if width is None else as_float(width, "width", "figure", positive=True, hi=100)
    height = None if height is None else as_float(height, "height", "figure", positive=True, hi=100)
    with mpl.rc_context(STYLE):
        w = width if width is not None else max(6.4, 3.2 * ncols)
        h = height if height is not None else 3.0 * nrows + (0.4 if nrows == 1 else 0.0)
        fig = Figure(figsize=(w, h), layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(nrows, ncols, squeeze=True, **subplot_kw)
    return fig, axes


def _check_axes(ax, func: str) -> None:
    if not isinstance(ax, mpl.axes.Axes):
        raise TypeError(f"{func}: ax must be a matplotlib Axes, got {type(ax).__name__}")


def label(ax, xlabel: str = "", ylabel: str = "", title: str = "") -> None:
    """Set the labels and title of an Axes in one call."""
    _check_axes(ax, "label")
    for name, v in (("xlabel", xlabel), ("ylabel", ylabel), ("title", title)):
        if not isinstance(v, str):
            raise TypeError(f"label: {name} must be a string, got {v!r}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)


def imshow_gray(ax, img: np.ndarray, title: str = "", vmin: float = 0.0, vmax: float = 1.0):
    """Show a grayscale or RGB image in ``ax`` without ticks or grid; returns the AxesImage."""
    _check_axes(ax, "imshow_gray")
    img = as_array(img, "img", "imshow_gray", ndim=(2, 3))
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
    if not isinstance(fig, Figure):
        raise TypeError(f"show: fig must be a matplotlib Figure, got {type(fig).__name__}")
    try:
        from IPython.display import display  # noqa: PLC0415
    except ImportError:  # pragma: no cover
        return
    display(fig)



def frequency_tree(ax, root: str, children, leaves) -> list:
    """Draw a two-level frequency tree (root -> 2 children -> 2 leaves each) on ``ax``.

    ``children`` holds two node labels, ``leaves`` two pairs of leaf labels (one pair per
    child). Used for natural-frequency pictures of Bayes' rule
    (``notebooks/02-probability/01-foundations``). Returns the text artists, root first.
    """
    _check_axes(ax, "frequency_tree")
    shapes = (("root", [root], 1), ("children", children, 2), ("leaves", leaves, 2))
    for name, value, size in shapes:
        if not isinstance(value, (list, tuple)) or len(value) != size:
            raise TypeError(f"frequency_tree: {name} must be a list of {size}, got {value!r}")
    for name, labels in (("root", [root]), ("children", children),
                         ("leaves", [t for pair in leaves for t in pair]
                          if all(isinstance(p, (list, tuple)) and len(p) == 2 for p in leaves)
                          else [None])):
        if not all(isinstance(t, str) for t in labels):
            raise TypeError(f"frequency_tree: {name} must hold strings "
                            f"(leaves: 2 pairs of strings), got {labels!r}")
    box = dict(boxstyle="round", fc="white", ec="0.4")
    texts = [ax.text(0.0, 0.5, root, ha="center", va="center", bbox=box)]
    for i, child in enumerate(children):
        cy = 0.75 - 0.5 * i
        ax.plot([0.0, 1.0], [0.5, cy], color="0.5", zorder=0)
        texts.append(ax.text(1.0, cy, child, ha="center", va="center", bbox=box))
        for j, leaf in enumerate(leaves[i]):
            ly = cy + 0.125 - 0.25 * j
            ax.plot([1.0, 2.0], [cy, ly], color="0.5", zorder=0)
            texts.append(ax.text(2.0, ly, leaf, ha="center", va="center", bbox=box))
    ax.set_xlim(-0.5, 2.5)
    ax.set_ylim(0.05, 0.95)
    ax.axis("off")
    return texts


def quiver_field(ax, vy: np.ndarray, vx: np.ndarray, step: int = 3, longest: float = 3.0, color=None):
    """Draw a vector field sampled on a grid as arrows, every ``step`` points; returns the Quiver.

    ``vy``/``vx`` are the row and column components (shape ``(rows, columns)``, as from a
    gradient of an image shown with ``origin="lower"``); the longest arrow is ``longest``
    grid cells long. Notebook 01 of Part I ("Gradient and divergence").
    """
    _check_axes(ax, "quiver_field")
    vy = as_array(vy, "vy", "quiver_field", ndim=2)
    vx = as_array(vx, "vx", "quiver_field", ndim=2)
    if vy.shape != vx.shape or min(vy.shape) < 3:
        raise ValueError(f"quiver_field: vy and vx must have the same shape with at least 3 points per "
                         f"axis, got {vy.shape} and {vx.shape}")
    step = as_size(step, "step", "quiver_field", hi=max(vy.shape))
    longest = as_float(longest, "longest", "quiver_field", positive=True)
    sl = (slice(1, -1, step), slice(1, -1, step))
    rows, cols = np.mgrid[0:vy.shape[0], 0:vy.shape[1]]
    vmax = max(float(np.hypot(vy, vx).max()), np.finfo(float).tiny)
    return ax.quiver(cols[sl], rows[sl], vx[sl], vy[sl], color=color or PALETTE[0], angles="xy",
                     scale_units="xy", scale=vmax / longest, width=0.006)


def code_tree(ax, code: dict, probs: dict) -> list:
    """Draw the binary tree of a prefix code on ``ax``, root on the left, one column per bit.

    ``code`` maps each symbol to its code word (a string of "0"/"1"), ``probs`` maps each
    symbol to its probability; inner nodes show the total probability below them, edges the
    bit they add. Used for the Huffman tree of ``notebooks/02-probability/06-information-theory``.
    Returns the node text artists: leaves in code-word order, then inner nodes, root last.
    """
    _check_axes(ax, "code_tree")
    for name, v in (("code", code), ("probs", probs)):
        if not isinstance(v, dict):
            raise TypeError(f"code_tree: {name} must be a dict keyed by symbol, got {type(v).__name__}")
    if not code or set(code) != set(probs):
        raise ValueError("code_tree: code and probs must name the same non-empty symbols")
    for s, w in code.items():
        if not isinstance(w, str) or not w or set(w) - {"0", "1"}:
            raise ValueError(f"code_tree: code[{s!r}] must be a non-empty string of 0s and 1s, got {w!r}")
    probs = {s: as_float(p, f"probs[{s!r}]", "code_tree", lo=0.0, hi=1.0) for s, p in probs.items()}
    leaves = sorted(code, key=lambda s: code[s])
    y = {code[s]: -float(i) for i, s in enumerate(leaves)}
    mass = {code[s]: float(probs[s]) for s in leaves}
    inner = sorted({w[:k] for w in y for k in range(len(w))}, key=len, reverse=True)
    for word in inner:
        kids = [word + b for b in "01" if word + b in y]
        y[word], mass[word] = float(np.mean([y[k] for k in kids])), sum(mass[k] for k in kids)
    box = dict(boxstyle="round", fc="white", ec="0.4")
    for word in y:
        if word:
            parent = word[:-1]
            ax.plot([len(parent), len(word)], [y[parent], y[word]], color="0.5", zorder=0)
            ax.text(len(word) - 0.5, (y[parent] + y[word]) / 2, word[-1], color=PALETTE[3],
                    ha="center", va="bottom")
    texts = [ax.text(len(code[s]), y[code[s]], f"{s}: {code[s]}  ({probs[s]:g})",
                     ha="left", va="center", bbox=box) for s in leaves]
    texts += [ax.text(len(w), y[w], f"{mass[w]:g}", ha="center", va="center", bbox=box)
              for w in inner]
    ax.set_xlim(-0.5, max(map(len, code.values())) + 1.5)
    ax.set_ylim(-len(leaves) + 0.5, 0.5)
    ax.axis("off")
    return texts


def gp_band(ax, x, mean, sd, samples=(), x_obs=None, y_obs=None, title: str = ""):
    """Draw a Gaussian-process summary on ``ax``: the mean (thick), a band of two standard
    deviations, sample paths (thin) and observations (black dots). Returns the mean line.

    Used by ``notebooks/02-probability/05-gaussian-processes``; ``sd`` is the square root of
    the diagonal of the covariance, computed by the caller.
    """
    _check_axes(ax, "gp_band")
    x, mean, sd = (as_array(a, n, "gp_band", ndim=1) for a, n in ((x, "x"), (mean, "mean"), (sd, "sd")))
    if not x.shape == mean.shape == sd.shape:
        raise ValueError(f"gp_band: x, mean and sd must be 1-D arrays of the same length, got "
                         f"{x.shape}, {mean.shape}, {sd.shape}")
    if np.any(sd < 0):
        raise ValueError("gp_band: sd must be >= 0 (a standard deviation)")
    samples = as_array(samples, "samples", "gp_band", ndim=(1, 2), min_size=0).reshape(-1, len(x)) \
        if len(np.shape(samples)) else np.zeros((0, len(x)))
    if (x_obs is None) != (y_obs is None):
        raise ValueError("gp_band: give both x_obs and y_obs, or neither")
    if x_obs is not None:
        x_obs = as_array(x_obs, "x_obs", "gp_band", ndim=1)
        y_obs = as_array(y_obs, "y_obs", "gp_band", ndim=1, shape=(len(x_obs),))
    if not isinstance(title, str):
        raise TypeError(f"gp_band: title must be a string, got {title!r}")
    ax.fill_between(x, mean - 2 * sd, mean + 2 * sd, color=PALETTE[0], alpha=0.18, lw=0,
                    label="mean ± 2 sd")
    for i, path in enumerate(samples):
        ax.plot(x, path, lw=0.9, color=PALETTE[1 + i % (len(PALETTE) - 1)])
    (line,) = ax.plot(x, mean, lw=2.2, color=PALETTE[0], label="mean")
    if x_obs is not None:
        ax.plot(x_obs, y_obs, "ko", ms=5, label="observations")
    label(ax, "$x$", "$f(x)$", title)
    return line


def score_quiver(ax, points, field, color=None, label_text: str = "", longest: float = 2.5):
    """Arrows of a vector field (e.g. sigma_t times a score) at ``points`` (n, 2).

    Arrows longer than ``longest`` are shortened to that length so that the far field does not
    swamp the picture; ``label_text`` goes to the legend. Returns the quiver artist.
    """
    _check_axes(ax, "score_quiver")
    points = as_array(points, "points", "score_quiver", ndim=2)
    field = as_array(field, "field", "score_quiver", ndim=2)
    if not isinstance(label_text, str):
        raise TypeError(f"score_quiver: label_text must be a string, got {label_text!r}")
    longest = as_float(longest, "longest", "score_quiver", positive=True)
    if points.ndim != 2 or points.shape[1] != 2 or field.shape != points.shape:
        raise ValueError(f"score_quiver: points and field must both have shape (n, 2), "
                         f"got {points.shape} and {field.shape}")
    norms = np.linalg.norm(field, axis=1, keepdims=True)
    f = field * np.minimum(1.0, longest / np.maximum(norms, 1e-300))
    return ax.quiver(*points.T, *f.T, color=color, angles="xy", scale_units="xy", scale=4,
                     width=0.005, label=label_text)


def surface3d(ax, X: np.ndarray, Y: np.ndarray, Z: np.ndarray, title: str = "", zlabel: str = "$f$",
              elev: float = 25.0, azim: float = -60.0, levels: int = 10):
    """Draw ``Z(X, Y)`` as a 3-D surface with its contour lines on the floor; returns the surface.

    ``ax`` must be a 3-D Axes (``plotting.figure(..., subplot_kw={"projection": "3d"})``);
    ``X, Y, Z`` are meshgrids of one shape. The floor sits 0.5 below ``Z.min()``, and the
    axes are labelled ``x_1``, ``x_2`` and ``zlabel``. Notebook 03 of Part I (Fig. 13).
    """
    if not hasattr(ax, "plot_surface"):
        raise TypeError(f"surface3d: ax must be a 3-D Axes, got {type(ax).__name__}")
    X, Y, Z = (as_array(a, n, "surface3d", ndim=2) for a, n in ((X, "X"), (Y, "Y"), (Z, "Z")))
    if not X.shape == Y.shape == Z.shape or min(X.shape) < 2:
        raise ValueError(f"surface3d: X, Y, Z must be meshgrids of one shape (at least 2 x 2), "
                         f"got {X.shape}, {Y.shape}, {Z.shape}")
    for name, v in (("title", title), ("zlabel", zlabel)):
        if not isinstance(v, str):
            raise TypeError(f"surface3d: {name} must be a string, got {v!r}")
    elev = as_float(elev, "elev", "surface3d")
    azim = as_float(azim, "azim", "surface3d")
    levels = as_size(levels, "levels", "surface3d", hi=200)
    floor = Z.min() - 0.5
    surf = ax.plot_surface(X, Y, Z, cmap="viridis", linewidth=0, antialiased=False, alpha=0.9)
    if np.ptp(Z) > 0:
        ax.contour(X, Y, Z, levels=levels, offset=floor, cmap="viridis", linewidths=0.8)
    ax.set_zlim(floor, Z.max() if Z.max() > floor else floor + 1.0)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_zlabel(zlabel)
    if title:
        ax.set_title(title, fontsize=10)
    ax.view_init(elev=elev, azim=azim)
    return surf
