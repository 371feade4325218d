"""Matrices as linear maps, products, adjoints on grids, span and rank.

The notebook ``notebooks/01-linear-algebra/01-matrices-as-maps.ipynb`` explains
everything here. Each linear operator comes twice: as a *matrix-free* function that
acts on an array, and as an *explicit matrix* built independently (Kronecker
products, closed-form entries), so the notebook can check that both agree and that
each adjoint pair satisfies :math:`\\langle A x, y\\rangle = \\langle x, A^H y\\rangle`.

Conventions: the inner product is :math:`\\langle u, v\\rangle = \\sum_i u_i \\bar v_i`
(linear in the first argument) over all entries of two arrays of the same shape;
matrices act on arrays flattened in C order.
"""
from __future__ import annotations

from typing import Callable, List, Tuple

import numpy as np

from ._checks import as_array, as_float, as_int, as_shape

__all__ = [
    "inner",
    "matrix_of",
    "adjoint_gap",
    "matmul_inner",
    "matmul_outer",
    "diff_matrix",
    "grad",
    "div",
    "laplacian",
    "gradient_matrix",
    "laplacian_matrix",
    "dft",
    "idft",
    "dft_matrix",
    "warp_bilinear",
    "splat_bilinear",
    "warp_matrix",
    "row_echelon",
    "rank_gauss",
    "null_space_rref",
    "in_span",
]

_MAX_PROBE = 20_000  # largest dimension matrix_of will probe column by column


# --------------------------------------------------------------------------- inner products
def inner(u: np.ndarray, v: np.ndarray) -> complex | float:
    """Inner product :math:`\\langle u, v\\rangle = \\sum_i u_i \\overline{v_i}` of two arrays.

    Linear in ``u``, conjugate-linear in ``v``; real inputs give a float.
    (Notebook 01, "Adjoints".)
    """
    u = as_array(u, "u", "inner")
    v = as_array(v, "v", "inner")
    if u.shape != v.shape:
        raise ValueError(f"inner: u and v must have the same shape, got {u.shape} and {v.shape}")
    val = np.vdot(v, u)  # vdot conjugates its first argument
    return float(val.real) if not (np.iscomplexobj(u) or np.iscomplexobj(v)) else complex(val)


def matrix_of(op: Callable[[np.ndarray], np.ndarray], shape_in, *, complex_input: bool = False
              ) -> np.ndarray:
    """The explicit matrix of a matrix-free linear map, one column per basis vector.

    Column :math:`j` is :math:`A e_j`: the first view of a matrix in notebook 01
    ("columns are the images of the basis").

    Parameters
    ----------
    op : callable
        A linear function taking an array of shape ``shape_in``.
    shape_in : int or tuple of int
        Shape of the input array; at most 20 000 entries.
    complex_input : bool
        Probe with complex basis vectors (needed when ``op`` is only complex-linear).

    Returns
    -------
    ndarray of shape (m, n)
        ``m`` = size of the output, ``n`` = prod(shape_in).
    """
    if not callable(op):
        raise TypeError(f"matrix_of: op must be callable, got {type(op).__name__}")
    shape_in = as_shape(shape_in, "shape_in", "matrix_of")
    n = int(np.prod(shape_in))
    if n > _MAX_PROBE:
        raise ValueError(f"matrix_of: prod(shape_in) must be at most {_MAX_PROBE}, got {n}")
    cols = []
    dtype = np.complex128 if complex_input else np.float64
    for j in range(n):
        e = np.zeros(n, dtype=dtype)
        e[j] = 1.0
        cols.append(np.asarray(op(e.reshape(shape_in))).ravel())
    return np.stack(cols, axis=1)


def adjoint_gap(op: Callable, op_adj: Callable, shape_in, shape_out, *, trials: int = 3,
                seed: int = 0, complex_data: bool = False) -> float:
    """Largest relative gap of the adjoint identity over random inputs.

    Computes, for random :math:`x` (shape ``shape_in``) and :math:`y` (shape ``shape_out``),

    .. math:: \\frac{|\\langle A x, y\\rangle - \\langle x, A^H y\\rangle|}
                    {\\max(|\\langle A x, y\\rangle|, |\\langle x, A^H y\\rangle|)}

    (the "dot-product test") and returns the maximum over ``trials`` draws: near machine
    precision for a true adjoint pair, of order one for a wrong one (``2 A^T`` gives 0.5).
    (Notebook 01, "Adjoints on a grid".)
    """
    for name, f in (("op", op), ("op_adj", op_adj)):
        if not callable(f):
            raise TypeError(f"adjoint_gap: {name} must be callable, got {type(f).__name__}")
    shape_in = as_shape(shape_in, "shape_in", "adjoint_gap")
    shape_out = as_shape(shape_out, "shape_out", "adjoint_gap")
    trials = as_int(trials, "trials", "adjoint_gap", lo=1, hi=1000)
    rng = np.random.default_rng(as_int(seed, "seed", "adjoint_gap", lo=0))
    worst = 0.0
    for _ in range(trials):
        x = rng.standard_normal(shape_in)
        y = rng.standard_normal(shape_out)
        if complex_data:
            x = x + 1j * rng.standard_normal(shape_in)
            y = y + 1j * rng.standard_normal(shape_out)
        ax = np.asarray(op(x))
        if ax.shape != tuple(shape_out):
            raise ValueError(f"adjoint_gap: op returned shape {ax.shape}, expected shape_out {tuple(shape_out)}")
        ahy = np.asarray(op_adj(y))
        if ahy.shape != tuple(shape_in):
            raise ValueError(f"adjoint_gap: op_adj returned shape {ahy.shape}, expected shape_in {tuple(shape_in)}")
        lhs = np.vdot(y, ax)
        rhs = np.vdot(ahy, x)
        scale = np.linalg.norm(ax) * np.linalg.norm(y) + np.linalg.norm(x) * np.linalg.norm(ahy)
        den = max(abs(lhs), abs(rhs), np.finfo(float).eps * scale)
        if den == 0.0:  # both sides vanish identically (the zero map): nothing to compare
            continue
        worst = max(worst, float(abs(lhs - rhs) / den))
    return worst


# --------------------------------------------------------------------------- the product
def _check_product(A, B, func):
    A = as_array(A, "A", func, ndim=2)
    B = as_array(B, "B", func, ndim=2)
    if A.shape[1] != B.shape[0]:
        raise ValueError(f"{func}: A has {A.shape[1]} columns but B has {B.shape[0]} rows; "
                         "they must be equal")
    return A, B


def matmul_inner(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Matrix product, entry by entry: :math:`(AB)_{ij} = \\langle A_{i,:}, B_{:,j}\\rangle`.

    A deliberately plain double loop (notebook 01, "Two views of the product").
    """
    A, B = _check_product(A, B, "matmul_inner")
    m, p = A.shape[0], B.shape[1]
    C = np.zeros((m, p), dtype=np.result_type(A, B))
    for i in range(m):
        for j in range(p):
            C[i, j] = np.sum(A[i, :] * B[:, j])
    return C


def matmul_outer(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Matrix product as a sum of rank-one terms: :math:`AB = \\sum_k A_{:,k} B_{k,:}`.

    One outer product per column of ``A`` (notebook 01, "Two views of the product").
    """
    A, B = _check_product(A, B, "matmul_outer")
    C = np.zeros((A.shape[0], B.shape[1]), dtype=np.result_type(A, B))
    for k in range(A.shape[1]):
        C += np.outer(A[:, k], B[k, :])
    return C


# --------------------------------------------------------------------------- gradient, divergence
def _grid_array(f, name, func):
    f = as_array(f, name, func)
    if f.ndim < 1:
        raise ValueError(f"{func}: {name} must be an array on a grid (at least 1-D), got a scalar")
    if any(s < 2 for s in f.shape):
        raise ValueError(f"{func}: every grid axis of {name} needs at least 2 points, got shape {f.shape}")
    return f


def diff_matrix(n: int, h: float = 1.0) -> np.ndarray:
    """Forward-difference matrix :math:`D` of size ``n x n`` with a zero last row.

    :math:`(Df)_i = (f_{i+1} - f_i)/h` for :math:`i < n-1` and :math:`(Df)_{n-1} = 0`
    (a Neumann boundary: no flux through the last face). Notebook 01.
    """
    n = as_int(n, "n", "diff_matrix", lo=2)
    h = as_float(h, "h", "diff_matrix", positive=True)
    D = np.zeros((n, n))
    idx = np.arange(n - 1)
    D[idx, idx] = -1.0 / h
    D[idx, idx + 1] = 1.0 / h
    return D


def grad(f: np.ndarray, h: float = 1.0) -> np.ndarray:
    """Discrete gradient by forward differences, zero on the last slice of each axis.

    For ``f`` of shape ``s`` returns an array of shape ``(f.ndim, *s)``; component ``k``
    differentiates along axis ``k``: :math:`(\\nabla f)_k = D_k f` with :func:`diff_matrix`.
    Its adjoint is :math:`-\\operatorname{div}` (:func:`div`). Notebook 01.
    """
    f = _grid_array(f, "f", "grad")
    h = as_float(h, "h", "grad", positive=True)
    out = np.zeros((f.ndim,) + f.shape, dtype=f.dtype)
    for k in range(f.ndim):
        d = np.diff(f, axis=k) / h
        sl = [slice(None)] * f.ndim
        sl[k] = slice(0, f.shape[k] - 1)
        out[k][tuple(sl)] = d
    return out


def div(p: np.ndarray, h: float = 1.0) -> np.ndarray:
    """Discrete divergence, defined as minus the adjoint of :func:`grad`.

    For a vector field ``p`` of shape ``(d, *s)`` with ``d = len(s)``,
    :math:`\\operatorname{div} p = -\\sum_k D_k^\\top p_k`: a backward difference in the
    interior, :math:`p_0/h` on the first slice and :math:`-p_{n-2}/h` on the last.
    Hence :math:`\\langle \\nabla f, p\\rangle = \\langle f, -\\operatorname{div} p\\rangle`
    exactly, with no boundary term left over. Notebook 01.
    """
    p = as_array(p, "p", "div")
    if p.ndim < 2 or p.shape[0] != p.ndim - 1:
        raise ValueError(f"div: p must have shape (d, n_1, ..., n_d) with d = number of grid axes, "
                         f"got shape {p.shape}")
    if any(s < 2 for s in p.shape[1:]):
        raise ValueError(f"div: every grid axis of p needs at least 2 points, got shape {p.shape}")
    h = as_float(h, "h", "div", positive=True)
    d = p.shape[0]
    out = np.zeros(p.shape[1:], dtype=p.dtype)
    for k in range(d):
        q = np.array(p[k], copy=True)
        sl_last = [slice(None)] * d
        sl_last[k] = -1
        q[tuple(sl_last)] = 0.0  # the last slice of the gradient is identically zero
        shifted = np.zeros_like(q)
        src = [slice(None)] * d
        dst = [slice(None)] * d
        src[k] = slice(0, q.shape[k] - 1)
        dst[k] = slice(1, q.shape[k])
        shifted[tuple(dst)] = q[tuple(src)]
        out += (q - shifted) / h
    return out


def laplacian(f: np.ndarray, h: float = 1.0) -> np.ndarray:
    """Discrete Laplacian :math:`\\Delta f = \\operatorname{div}(\\nabla f)` (Neumann boundary).

    In the interior this is the usual stencil :math:`(f_{i+1} - 2f_i + f_{i-1})/h^2` per axis;
    as :math:`-\\nabla^H\\nabla` it is symmetric and negative semidefinite. Notebook 01.
    """
    f = _grid_array(f, "f", "laplacian")
    return div(grad(f, h), h)


def gradient_matrix(shape, h: float = 1.0) -> np.ndarray:
    """Explicit matrix of :func:`grad` on a grid of ``shape``, built from Kronecker products.

    For a 2-D grid ``(n0, n1)``: :math:`G = [D_{n_0} \\otimes I_{n_1};\\ I_{n_0} \\otimes D_{n_1}]`.
    Returns a dense ``(d * N, N)`` array, ``N = prod(shape)`` (at most 4096). Notebook 01.
    """
    shape = as_shape(shape, "shape", "gradient_matrix", min_len=2)
    h = as_float(h, "h", "gradient_matrix", positive=True)
    N = int(np.prod(shape))
    if N > 4096:
        raise ValueError(f"gradient_matrix: prod(shape) must be at most 4096 for a dense matrix, got {N}")
    blocks = []
    for k in range(len(shape)):
        M = np.ones((1, 1))
        for j, n in enumerate(shape):
            M = np.kron(M, diff_matrix(n, h) if j == k else np.eye(n))
        blocks.append(M)
    return np.vstack(blocks)


def laplacian_matrix(shape, h: float = 1.0) -> np.ndarray:
    """Explicit matrix of :func:`laplacian`: :math:`L = -G^\\top G` with :func:`gradient_matrix`."""
    G = gradient_matrix(shape, h)
    return -G.T @ G


# --------------------------------------------------------------------------- Fourier
def dft(x: np.ndarray, norm: str = "ortho") -> np.ndarray:
    """Discrete Fourier transform over every axis of ``x`` (``numpy.fft.fftn``).

    ``norm="ortho"`` (default) scales by :math:`1/\\sqrt{N}` and makes the transform unitary,
    so its adjoint is its inverse; ``norm="backward"`` is numpy's unscaled default, whose
    adjoint is :math:`N` times the inverse. Notebook 01.
    """
    x = as_array(x, "x", "dft")
    if norm not in ("ortho", "backward", "forward"):
        raise ValueError(f"dft: norm must be one of 'ortho', 'backward', 'forward', got {norm!r}")
    return np.fft.fftn(x, norm=norm)


def idft(X: np.ndarray, norm: str = "ortho") -> np.ndarray:
    """Inverse of :func:`dft` with the same ``norm``."""
    X = as_array(X, "X", "idft")
    if norm not in ("ortho", "backward", "forward"):
        raise ValueError(f"idft: norm must be one of 'ortho', 'backward', 'forward', got {norm!r}")
    return np.fft.ifftn(X, norm=norm)


def dft_matrix(n: int, norm: str = "ortho") -> np.ndarray:
    """The ``n x n`` DFT matrix :math:`F_{jk} = e^{-2\\pi i jk/n}` (divided by :math:`\\sqrt n` if ``ortho``)."""
    n = as_int(n, "n", "dft_matrix", lo=1, hi=4096)
    if norm not in ("ortho", "backward", "forward"):
        raise ValueError(f"dft_matrix: norm must be one of 'ortho', 'backward', 'forward', got {norm!r}")
    j = np.arange(n)
    F = np.exp(-2j * np.pi * np.outer(j, j) / n)
    if norm == "ortho":
        F /= np.sqrt(n)
    elif norm == "forward":
        F /= n
    return F


# --------------------------------------------------------------------------- interpolation / splatting
def _bilinear_weights(phi: np.ndarray, shape: Tuple[int, int], func: str):
    phi = as_array(phi, "phi", func, allow_complex=False)
    if phi.ndim < 2 or phi.shape[0] != 2:
        raise ValueError(f"{func}: phi must have shape (2, ...) holding (row, column) sample positions, "
                         f"got shape {phi.shape}")
    n0, n1 = shape
    r = np.clip(phi[0], 0.0, n0 - 1.0)
    c = np.clip(phi[1], 0.0, n1 - 1.0)
    r0 = np.minimum(np.floor(r).astype(int), n0 - 2)
    c0 = np.minimum(np.floor(c).astype(int), n1 - 2)
    tr = r - r0
    tc = c - c0
    idx = [(r0, c0), (r0 + 1, c0), (r0, c0 + 1), (r0 + 1, c0 + 1)]
    wts = [(1 - tr) * (1 - tc), tr * (1 - tc), (1 - tr) * tc, tr * tc]
    return idx, wts


def warp_bilinear(f: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """Sample the image ``f`` at positions ``phi`` by bilinear interpolation: :math:`f \\circ \\phi`.

    ``phi[0]`` holds row and ``phi[1]`` column coordinates (pixel units, clamped to the
    image); the output has shape ``phi.shape[1:]``. Its adjoint is :func:`splat_bilinear`.
    Notebook 01.
    """
    f = as_array(f, "f", "warp_bilinear", ndim=2)
    if min(f.shape) < 2:
        raise ValueError(f"warp_bilinear: f needs at least 2 pixels along each axis, got shape {f.shape}")
    idx, wts = _bilinear_weights(phi, f.shape, "warp_bilinear")
    return sum(w * f[i] for i, w in zip(idx, wts))


def splat_bilinear(g: np.ndarray, phi: np.ndarray, shape) -> np.ndarray:
    """Adjoint of :func:`warp_bilinear`: spread each value ``g[k]`` onto the 4 pixels around ``phi[:, k]``.

    Each value is added to the pixels it was interpolated from, with the same weights
    (scatter-add instead of gather), so
    :math:`\\langle f\\circ\\phi, g\\rangle = \\langle f, \\phi^* g\\rangle`. Notebook 01.
    """
    shape = as_shape(shape, "shape", "splat_bilinear", min_len=2)
    if len(shape) != 2:
        raise ValueError(f"splat_bilinear: shape must be a 2-tuple (rows, columns), got {shape}")
    g = as_array(g, "g", "splat_bilinear")
    idx, wts = _bilinear_weights(phi, shape, "splat_bilinear")
    if g.shape != wts[0].shape:
        raise ValueError(f"splat_bilinear: g must have shape phi.shape[1:] = {wts[0].shape}, got {g.shape}")
    out = np.zeros(shape, dtype=g.dtype)
    for i, w in zip(idx, wts):
        np.add.at(out, i, w * g)
    return out


def warp_matrix(phi: np.ndarray, shape) -> np.ndarray:
    """Explicit matrix :math:`W` with :math:`W\\,\\mathrm{vec}(f) = \\mathrm{vec}(f\\circ\\phi)`.

    Row ``k`` holds the four bilinear weights of sample ``k``; dense, at most 4096 pixels.
    """
    shape = as_shape(shape, "shape", "warp_matrix", min_len=2)
    if len(shape) != 2:
        raise ValueError(f"warp_matrix: shape must be a 2-tuple (rows, columns), got {shape}")
    N = shape[0] * shape[1]
    if N > 4096:
        raise ValueError(f"warp_matrix: the image may hold at most 4096 pixels, got {N}")
    idx, wts = _bilinear_weights(phi, shape, "warp_matrix")
    m = wts[0].size
    W = np.zeros((m, N))
    rows = np.arange(m)
    for (r, c), w in zip(idx, wts):
        np.add.at(W, (rows, (r * shape[1] + c).ravel()), w.ravel())
    return W


# --------------------------------------------------------------------------- span, rank
def _default_tol(A: np.ndarray) -> float:
    # Elimination amplifies rounding errors (leftovers of order 1e-12 * max|A| are common
    # for a rank-deficient matrix), so the default threshold is generous. For a robust
    # numerical rank use the SVD (numpy.linalg.matrix_rank).
    scale = np.abs(A).max() if A.size else 0.0
    return max(A.shape) * 1e-10 * max(scale, np.finfo(float).tiny)


def row_echelon(A: np.ndarray, tol: float | None = None) -> Tuple[np.ndarray, List[int]]:
    """Reduced row echelon form by Gauss–Jordan elimination with partial pivoting.

    Returns ``(R, pivots)``: ``R`` has a leading 1 in each pivot column and zeros above
    and below it; ``pivots`` lists the pivot columns. Entries with absolute value below
    ``tol`` count as zero (default: ``max(m, n) * 1e-10 * max|A|``, generous because
    elimination amplifies rounding errors; the SVD gives a more robust numerical rank).
    Notebook 01, "Span, rank and linear dependence".
    """
    R = as_array(A, "A", "row_echelon", ndim=2, allow_complex=False).copy()
    tol = _default_tol(R) if tol is None else as_float(tol, "tol", "row_echelon", nonneg=True)
    m, n = R.shape
    pivots: List[int] = []
    row = 0
    for col in range(n):
        if row == m:
            break
        k = row + int(np.argmax(np.abs(R[row:, col])))
        if abs(R[k, col]) <= tol:
            R[row:, col] = 0.0
            continue
        R[[row, k]] = R[[k, row]]
        R[row] /= R[row, col]
        others = np.arange(m) != row
        R[others] -= np.outer(R[others, col], R[row])
        pivots.append(col)
        row += 1
    R[np.abs(R) <= tol] = 0.0
    return R, pivots


def rank_gauss(A: np.ndarray, tol: float | None = None) -> int:
    """Rank of ``A`` = number of pivots of its row echelon form = dimension of its column space."""
    return len(row_echelon(A, tol)[1])


def null_space_rref(A: np.ndarray, tol: float | None = None) -> np.ndarray:
    """Basis of :math:`\\{x : Ax = 0\\}` read off the reduced row echelon form, one column per free variable.

    Each column is an explicit linear dependence among the columns of ``A``:
    :math:`\\sum_j x_j A_{:,j} = 0`. Shape ``(n, n - rank)``.
    """
    R, piv = row_echelon(A, tol)
    n = R.shape[1]
    free = [j for j in range(n) if j not in piv]
    N = np.zeros((n, len(free)))
    for k, f in enumerate(free):
        N[f, k] = 1.0
        for i, p in enumerate(piv):
            N[p, k] = -R[i, f]
    return N


def in_span(A: np.ndarray, y: np.ndarray, tol: float | None = None) -> bool:
    """Whether ``y`` is a linear combination of the columns of ``A`` (``Ax = y`` is solvable).

    Uses the rank test :math:`\\operatorname{rank}[A\\;y] = \\operatorname{rank} A`.
    """
    A = as_array(A, "A", "in_span", ndim=2, allow_complex=False)
    y = as_array(y, "y", "in_span", ndim=1, allow_complex=False)
    if y.shape[0] != A.shape[0]:
        raise ValueError(f"in_span: y must have {A.shape[0]} entries (the rows of A), got {y.shape[0]}")
    tol = _default_tol(np.column_stack([A, y])) if tol is None else tol
    return rank_gauss(np.column_stack([A, y]), tol) == rank_gauss(A, tol)
