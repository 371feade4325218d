"""A 2x2 matrix as a map of the plane (notebook ``01-linear-algebra/01-matrices-as-maps``).

Four sliders set the entries of :math:`A = \\begin{bmatrix} a & b\\\\ c & d\\end{bmatrix}`. The
figure shows what :math:`A` does to the plane: the unit square becomes the parallelogram
spanned by the columns :math:`A e_1 = (a, c)` and :math:`A e_2 = (b, d)` (area
:math:`|\\det A|`, filled in another colour when :math:`\\det A < 0` because orientation
flips), the unit circle becomes an ellipse, a grid of lines becomes a sheared grid, and
the real eigen-directions (if any) are drawn as lines that the map sends into themselves.

Usage::

    w = MatrixMapWidget()
    w.widget()                                   # live sliders (Jupyter / Colab)
    w.player("c", values=np.linspace(-1, 2, 13), a=1, b=1, d=1)   # static player
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping

import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import plotting
from ..linalg.spectral import eig2x2
from ..validate import as_array
from .base import FloatSlider, Widget, _snap_up

__all__ = ["MatrixMapWidget"]

_GRID = np.arange(-2, 3)  # grid lines x = k and y = k for k in -2..2


class MatrixMapWidget(Widget):
    """Interactive picture of :math:`x \\mapsto Ax` for a 2x2 matrix.

    Compute methods (pure, no figure): :meth:`matrix`, :meth:`apply`, :meth:`square`,
    :meth:`circle`, :meth:`grid_lines`, :meth:`eigen_directions`, :meth:`summary`, :meth:`limit`.
    """

    controls = {
        "a": FloatSlider(-3.0, 3.0, 3.0, step=0.05, description="a = A[0,0]"),
        "b": FloatSlider(-3.0, 3.0, 1.0, step=0.05, description="b = A[0,1]"),
        "c": FloatSlider(-3.0, 3.0, 1.0, step=0.05, description="c = A[1,0]"),
        "d": FloatSlider(-3.0, 3.0, 2.0, step=0.05, description="d = A[1,1]"),
    }

    def __init__(self, n_circle: int = 181) -> None:
        super().__init__()
        if isinstance(n_circle, bool) or not isinstance(n_circle, (int, np.integer)) or not 8 <= n_circle <= 5000:
            raise ValueError(f"MatrixMapWidget: n_circle must be an int in [8, 5000], got {n_circle!r}")
        t = np.linspace(0.0, 2.0 * np.pi, int(n_circle))
        self._circle = np.stack([np.cos(t), np.sin(t)])  # computed once
        self._square = np.array([[0.0, 1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 1.0, 0.0]])
        s = np.linspace(-2.0, 2.0, 2)
        self._grid = [np.stack([np.full_like(s, k), s]) for k in _GRID] + \
                     [np.stack([s, np.full_like(s, k)]) for k in _GRID]

    # ------------------------------------------------------------------ compute
    def matrix(self, **state: Any) -> np.ndarray:
        """The 2x2 matrix of ``state`` (missing entries take the current/default values)."""
        st = self.validate(**state)
        return np.array([[st["a"], st["b"]], [st["c"], st["d"]]])

    def apply(self, points: np.ndarray, **state: Any) -> np.ndarray:
        """Images :math:`A p` of points given as columns of a ``(2, k)`` array."""
        pts = as_array(points, "points", "apply")
        if pts.ndim != 2 or pts.shape[0] != 2:
            raise ValueError(f"apply: points must have shape (2, k), got {pts.shape}")
        return self.matrix(**state) @ pts

    def square(self, **state: Any) -> np.ndarray:
        """Corners of the image of the unit square, closed (shape ``(2, 5)``)."""
        return self.apply(self._square, **state)

    def circle(self, **state: Any) -> np.ndarray:
        """The image of the unit circle (an ellipse, or a segment when :math:`A` is singular)."""
        return self.apply(self._circle, **state)

    def grid_lines(self, **state: Any) -> List[np.ndarray]:
        """Images of the grid lines :math:`x = k` and :math:`y = k`, :math:`k = -2..2`."""
        A = self.matrix(**state)
        return [A @ g for g in self._grid]

    def eigen_directions(self, **state: Any) -> List[np.ndarray]:
        """Unit vectors spanning the real eigenspaces (0, 1 or 2 of them; all of them for :math:`cI`).

        For a multiple of the identity every direction is an eigen-direction; the two
        coordinate axes are returned. A defective matrix (a shear) has exactly one.
        """
        A = self.matrix(**state)
        lam = eig2x2(A)
        if abs(lam[0].imag) > 1e-12:
            return []
        dirs: List[np.ndarray] = []
        tol = 1e-9 * max(1.0, np.abs(A).max())
        for lv in np.unique(np.round(lam.real, 12)):
            M = A - lv * np.eye(2)
            if np.abs(M).max() <= tol:  # A = lambda I
                return [np.array([1.0, 0.0]), np.array([0.0, 1.0])]
            # a null vector of the rank-1 matrix M is orthogonal to its largest row
            row = M[np.argmax(np.abs(M).sum(axis=1))]
            v = np.array([-row[1], row[0]])
            dirs.append(v / np.linalg.norm(v))
        return dirs

    def summary(self, **state: Any) -> Dict[str, Any]:
        """Numbers shown in the figure: det, trace, eigenvalues and the kind of spectrum."""
        A = self.matrix(**state)
        lam = eig2x2(A)
        det = float(A[0, 0] * A[1, 1] - A[0, 1] * A[1, 0])
        if abs(lam[0].imag) > 1e-12:
            kind = "complex pair (a rotation part: no real eigen-direction)"
        elif abs(lam[0] - lam[1]) <= 1e-12 * max(1.0, abs(lam[0])):
            kind = "repeated" + (" (defective: one direction)" if len(self.eigen_directions(**state)) == 1 else "")
        else:
            kind = "two real eigen-directions"
        return {"det": det, "trace": float(A[0, 0] + A[1, 1]), "eigenvalues": lam, "kind": kind,
                "orientation": "kept" if det > 0 else ("flipped" if det < 0 else "lost (singular)")}

    def limit(self, **state: Any) -> float:
        """Half-width of the (square, symmetric) axes: everything drawn fits with a margin of
        at least 15 %. It moves on a ladder of rungs about 26 % apart from 2.2, so that most
        slider moves keep the axes and repaint only what changed."""
        pts = np.hstack([self.square(**state), self.circle(**state)])
        return _snap_up(max(2.2, 1.15 * float(np.abs(pts).max())), 2.2)

    # ------------------------------------------------------------------ figure
    def _figsize(self) -> tuple:
        return (8.6, 4.4)

    def _draw(self, fig, state: Mapping[str, Any]) -> None:
        ax, tax = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.6, 1.0]})
        self.ax, self.tax = ax, tax
        grey = "0.6"
        ax.plot(self._square[0], self._square[1], color=grey, lw=1, ls="--", label="unit square")
        ax.plot(self._circle[0], self._circle[1], color=grey, lw=1, ls=":", label="unit circle")
        self.grid_artists = [ax.plot([], [], color=plotting.PALETTE[5], lw=0.6, alpha=0.5)[0] for _ in self._grid]
        self.poly = ax.fill([0, 1, 1, 0], [0, 0, 1, 1], alpha=0.25, color=plotting.PALETTE[0],
                            label="image of the square")[0]
        (self.poly_edge,) = ax.plot([], [], color=plotting.PALETTE[0], lw=1.5)
        (self.ellipse,) = ax.plot([], [], color=plotting.PALETTE[2], lw=1.8, label="image of the circle")
        self.eig_lines = [ax.plot([], [], color=plotting.PALETTE[4], lw=1.4, ls="-.",
                                  label="eigen-direction" if i == 0 else None)[0] for i in range(2)]
        self.arrows = ax.quiver([0, 0], [0, 0], [1, 0], [0, 1], color=[plotting.PALETTE[3], plotting.PALETTE[1]],
                                angles="xy", scale_units="xy", scale=1, width=0.012, zorder=5)
        ax.set_aspect("equal")
        ax.xaxis.set_major_locator(MaxNLocator(5))   # fewer tick labels: cheaper redraws
        ax.yaxis.set_major_locator(MaxNLocator(5))
        ax.axhline(0, color="0.3", lw=0.6)
        ax.axvline(0, color="0.3", lw=0.6)
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.legend(loc="upper left", fontsize=7)
        tax.axis("off")
        self.text = tax.text(0.0, 1.0, "", va="top", ha="left", family="monospace", fontsize=9,
                             transform=tax.transAxes)
        # What a slider changes is animated: painted over a cached background (Widget.draw)
        # until the limits move to another rung of their ladder; above the spines (zorder
        # 2.5) as in a full draw, and the legend below, so that both give the same pixels.
        for z, art in enumerate((*self.grid_artists, self.poly, self.poly_edge, self.ellipse,
                                 *self.eig_lines, self.arrows, self.text)):
            art.set_animated(True)
            art.set_zorder(2.6 + 0.01 * z)
        ax.get_legend().set_zorder(2.55)

    def _update(self, state: Mapping[str, Any]) -> None:
        st = dict(state)
        sq = self.square(**st)
        self.poly.set_xy(sq.T)
        s = self.summary(**st)
        self.poly.set_facecolor(plotting.PALETTE[0] if s["det"] >= 0 else plotting.PALETTE[3])
        self.poly_edge.set_data(sq[0], sq[1])
        el = self.circle(**st)
        self.ellipse.set_data(el[0], el[1])
        for art, g in zip(self.grid_artists, self.grid_lines(**st)):
            art.set_data(g[0], g[1])
        A = self.matrix(**st)
        self.arrows.set_UVC(A[0, :], A[1, :])  # columns A e1 = (a, c), A e2 = (b, d)
        lim = self.limit(**st)
        dirs = self.eigen_directions(**st)
        for i, line in enumerate(self.eig_lines):
            if i < len(dirs):
                v = dirs[i] * 2 * lim
                line.set_data([-v[0], v[0]], [-v[1], v[1]])
            else:
                line.set_data([], [])
        if self.ax.get_xlim() != (-lim, lim):   # new limits repaint the figure
            self.ax.set_xlim(-lim, lim)
            self.ax.set_ylim(-lim, lim)
        lam = s["eigenvalues"]
        lam_s = ", ".join(f"{z.real + 0.0:.3g}" if abs(z.imag) < 1e-12 else f"{z.real + 0.0:.3g}{z.imag:+.3g}i"
                          for z in lam)
        # few lines on purpose: text layout is the most expensive part of a redraw
        self.text.set_text(
            "A e1 = ({a:.2f}, {c:.2f})  red\nA e2 = ({b:.2f}, {d:.2f})  orange\n"
            "det A = {det:.3g}: areas x {area:.3g},\n  orientation {ori}\n"
            "trace A = {tr:.3g}\neigenvalues {lam}\n{kind}".format(
                a=A[0, 0], b=A[0, 1], c=A[1, 0], d=A[1, 1], det=s["det"], tr=s["trace"], lam=lam_s,
                kind=_wrap(s["kind"], 30), area=abs(s["det"]), ori=s["orientation"]))


def _wrap(text: str, width: int) -> str:
    words, lines, cur = text.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    lines.append(cur)
    return "\n".join(lines)
