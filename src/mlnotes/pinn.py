"""Burgers' equation: its exact solution (Cole–Hopf) and a small physics-informed network.

Explained in ``notebooks/07-scientific-ml/02-physics-informed-networks.ipynb`` (which writes
both algorithms on the page and checks them against this module); used by the
:class:`mlnotes.widgets.pinn.PINNTraining` widget.

The problem (the standard PINN benchmark of Raissi, Perdikaris & Karniadakis, 2019)::

    u_t + u u_x = nu u_xx,   x in [-1, 1], t in [0, 1],   u(0, x) = -sin(pi x),   u(t, +-1) = 0,

with ``nu = 0.01 / pi`` (:data:`NU`).

* :func:`burgers_exact`: the Cole–Hopf transform ``u = -2 nu phi_x / phi`` turns the equation
  into the heat equation ``phi_t = nu phi_xx``; its solution is a Gaussian convolution, computed
  by Gauss–Hermite quadrature.
* :func:`train_burgers`: a tanh multilayer perceptron ``u_theta(t, x)`` trained on
  ``MSE_u + MSE_f`` (initial/boundary data and the PDE residual by autograd), Adam then L-BFGS,
  with snapshots of its prediction on the benchmark grid (:func:`benchmark_grid`).
"""
from __future__ import annotations

import functools
import math
import time
from typing import Any, Dict, Optional, Sequence, Tuple

import numpy as np

from .validate import as_array, as_float, as_int, as_seed, as_size

__all__ = ["NU", "burgers_exact", "benchmark_grid", "rel_l2", "train_burgers", "default_history"]

#: Viscosity of the standard benchmark, ``0.01 / pi``.
NU = 0.01 / math.pi
#: Largest number of quadrature nodes accepted by :func:`burgers_exact`.
MAX_QUAD = 2000
#: Bounds of the grids and networks :func:`train_burgers` accepts (a CPU-sized module).
MAX_GRID, MAX_WIDTH, MAX_DEPTH = 4096, 1024, 32


def _hermite_ratio(s: np.ndarray, n: int) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Normalised Hermite polynomials ``h_n(s)``, ``h_{n-1}(s)`` (``h_k = H_k / sqrt(2^k k!)``) up to
    a common positive factor ``exp(-L)``, and ``L``; the three-term recurrence is rescaled as it
    runs, so nothing overflows at the outer nodes of a large rule."""
    h_prev, h = np.zeros_like(s), np.ones_like(s)
    L = np.zeros_like(s)
    for k in range(n):
        h_prev, h = h, math.sqrt(2.0 / (k + 1)) * s * h - math.sqrt(k / (k + 1)) * h_prev
        big = np.maximum(np.abs(h), np.abs(h_prev))
        scale = np.where(big > 1e100, big, 1.0)
        h, h_prev, L = h / scale, h_prev / scale, L + np.log(scale)
    return h, h_prev, L


@functools.lru_cache(maxsize=16)
def _hermgauss(n: int) -> Tuple[np.ndarray, np.ndarray]:
    """Gauss–Hermite nodes and log-weights (weight function ``exp(-s^2)``), ``n``-point rule.

    Nodes: eigenvalues of the Jacobi matrix (Golub–Welsch), polished by Newton steps on
    ``h_n``; weights ``w_i = sqrt(pi) / (n h_{n-1}(s_i)^2)``, kept as logarithms: the outer
    weights (down to ``exp(-2 n)``) underflow as numbers but are accurate as logarithms, and
    the quadrature multiplies them by ``exp(+50)``-sized factors.
    """
    from scipy.linalg import eigh_tridiagonal  # noqa: PLC0415

    s = eigh_tridiagonal(np.zeros(n), np.sqrt(np.arange(1, n) / 2.0), eigvals_only=True)
    for _ in range(3):
        h, h1, _ = _hermite_ratio(s, n)
        s = s - h / (math.sqrt(2.0 * n) * h1)
    _, h1, L = _hermite_ratio(s, n)
    logw = 0.5 * math.log(math.pi) - math.log(n) - 2.0 * (np.log(np.abs(h1)) + L)
    s = (s - s[::-1]) / 2     # exactly symmetric
    logw = (logw + logw[::-1]) / 2
    s.setflags(write=False)
    logw.setflags(write=False)
    return s, logw


def _auto_quad(nu: float) -> int:
    # The integrand exp(-s^2 - cos(pi y(s)) / (2 pi nu)) has peaks of width ~ sqrt(nu) in s; the
    # rule needs more nodes as nu falls (measured on the benchmark grid, max error < 1e-13:
    # 80 nodes at nu = NU, 200 at NU / 4, 800 at NU / 16). Twice the measured count at NU,
    # growing like 1 / nu.
    return int(min(MAX_QUAD, max(64, math.ceil(160 * (NU / nu)))))


def burgers_exact(t: Any, x: Any, *, nu: float = NU, n_quad: Optional[int] = None) -> np.ndarray:
    r"""Exact solution of Burgers' equation with ``u(0, x) = -sin(pi x)``, by Cole–Hopf.

    With ``phi`` solving the heat equation ``phi_t = nu phi_xx`` from
    ``phi(0, y) = exp(-cos(pi y) / (2 pi nu))`` (so that ``-2 nu phi_x / phi = -sin(pi x)`` at
    ``t = 0``), ``u = -2 nu phi_x / phi``. Writing ``phi`` as a Gaussian convolution and
    substituting ``y = x - sqrt(4 nu t) s``:

    .. math::

        u(t, x) = -\frac{\int \sin(\pi y)\, f(y)\, e^{-s^2} ds}{\int f(y)\, e^{-s^2} ds},
        \qquad f(y) = \exp\!\Big(-\frac{\cos \pi y}{2 \pi \nu}\Big),\ y = x - \sqrt{4\nu t}\, s,

    both integrals by ``n_quad``-point Gauss–Hermite quadrature. The exponents (up to
    ``1 / (2 pi nu) = 50`` at the default ``nu``) are shifted by their maximum at each point
    before ``exp``, so nothing overflows. The data are odd and 2-periodic, so ``u`` is odd in
    ``x`` and vanishes at ``x = +-1``. Explained in
    ``notebooks/07-scientific-ml/02-physics-informed-networks.ipynb``.

    Parameters
    ----------
    t, x : numbers or arrays, broadcast together
        Times (``>= 0``) and positions (finite; the domain of the benchmark is ``[-1, 1]``).
        At ``t = 0`` the result is ``-sin(pi x)`` exactly.
    nu : float > 0
        Viscosity, default :data:`NU` ``= 0.01 / pi``.
    n_quad : int in [2, 2000], optional
        Number of Gauss–Hermite nodes; default ``160 * NU / nu`` clipped to [64, 2000] (160 at
        ``nu = NU``: twice what reaches 1e-13 on the benchmark grid; below ``nu = NU / 16``
        pass a larger ``n_quad`` and check convergence yourself).

    Returns
    -------
    u : float64 array of the broadcast shape of ``t`` and ``x``.
    """
    f = "burgers_exact"
    t = as_array(t, "t", f, min_size=0)
    x = as_array(x, "x", f, min_size=0)
    nu = as_float(nu, "nu", f, positive=True)
    if n_quad is None:
        n_quad = _auto_quad(nu)
    n_quad = as_int(n_quad, "n_quad", f, lo=2, hi=MAX_QUAD)
    if np.any(t < 0):
        raise ValueError(f"{f}: t must be >= 0, got a minimum of {t.min():g}")
    try:
        T, X = np.broadcast_arrays(t, x)
    except ValueError:
        raise ValueError(f"{f}: t and x must broadcast together, got shapes {t.shape} and {x.shape}") from None
    shape = T.shape
    T, X = T.ravel(), X.ravel()
    out = -np.sin(np.pi * X)
    live = np.nonzero(T > 0)[0]
    s, logw = _hermgauss(n_quad)
    c = 1.0 / (2.0 * np.pi * nu)
    chunk = max(1, 2_000_000 // n_quad)
    for i0 in range(0, live.size, chunk):
        idx = live[i0:i0 + chunk]
        y = X[idx, None] - np.sqrt(4.0 * nu * T[idx, None]) * s[None, :]
        e = logw[None, :] - c * np.cos(np.pi * y)
        e -= e.max(axis=1, keepdims=True)
        g = np.exp(e)
        out[idx] = -np.einsum("ij,ij->i", np.sin(np.pi * y), g) / g.sum(axis=1)
    return out.reshape(shape)


@functools.lru_cache(maxsize=8)
def _grid(nt: int, nx: int) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    t = np.linspace(0.0, 1.0, nt)
    x = np.linspace(-1.0, 1.0, nx)
    U = burgers_exact(t[:, None], x[None, :])
    for a in (t, x, U):
        a.setflags(write=False)
    return t, x, U


def benchmark_grid(nt: int = 100, nx: int = 256) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The grid of the standard benchmark and the exact solution on it.

    ``t = linspace(0, 1, nt)``, ``x = linspace(-1, 1, nx)`` and ``U[i, j] = u(t_i, x_j)`` by
    :func:`burgers_exact` (rows are times, columns positions; shape ``(nt, nx)``). The default
    100 x 256 grid is the one of Raissi et al. (2019). Results are cached; copies are returned.
    """
    nt = as_size(nt, "nt", "benchmark_grid", lo=2, hi=MAX_GRID)
    nx = as_size(nx, "nx", "benchmark_grid", lo=2, hi=MAX_GRID)
    return tuple(a.copy() for a in _grid(nt, nx))  # type: ignore[return-value]


def rel_l2(pred: Any, exact: Any) -> float:
    """Relative L2 error ``||pred - exact||_2 / ||exact||_2`` over all entries (same shapes)."""
    p = as_array(pred, "pred", "rel_l2")
    e = as_array(exact, "exact", "rel_l2")
    if p.shape != e.shape:
        raise ValueError(f"rel_l2: pred and exact must have the same shape, got {p.shape} and {e.shape}")
    n = float(np.linalg.norm(e))
    if n == 0:
        raise ValueError("rel_l2: exact must not be all zeros (the relative error is undefined)")
    return float(np.linalg.norm(p - e) / n)


# ----------------------------------------------------------------------------- the PINN
def _mlp(hidden: Sequence[int], gen: Any) -> Any:
    import torch  # noqa: PLC0415
    from torch import nn  # noqa: PLC0415

    sizes = [2, *hidden, 1]
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        lin = nn.Linear(a, b)
        with torch.no_grad():   # Xavier-normal weights, zero biases (as Raissi et al.)
            lin.weight.normal_(0.0, math.sqrt(2.0 / (a + b)), generator=gen)
            lin.bias.zero_()
        layers.append(lin)
        if i < len(sizes) - 2:
            layers.append(nn.Tanh())
    return nn.Sequential(*layers)


def _hidden(hidden: Any, func: str) -> Tuple[int, ...]:
    if isinstance(hidden, (str, bytes)) or not isinstance(hidden, (tuple, list)):
        raise TypeError(f"{func}: hidden must be a tuple of layer widths such as (20, 20, 20), got {hidden!r}")
    if not 1 <= len(hidden) <= MAX_DEPTH:
        raise ValueError(f"{func}: hidden must have 1 to {MAX_DEPTH} layers, got {len(hidden)}")
    return tuple(as_size(h, f"hidden[{i}]", func, hi=MAX_WIDTH) for i, h in enumerate(hidden))


def train_burgers(*, n_u: int = 100, n_f: int = 2000, hidden: Sequence[int] = (20, 20, 20, 20),
                  adam_steps: int = 1000, lbfgs_iters: int = 0, lr: float = 1e-3, seed: Optional[int] = 0,
                  snapshot_every: int = 100, nt: int = 100, nx: int = 256,
                  device: Optional[str] = None) -> Dict[str, Any]:
    r"""Train a physics-informed network on Burgers' equation and record its predictions.

    The network ``u_theta(t, x)`` is a tanh multilayer perceptron (widths ``hidden``, float32).
    The loss is ``MSE_u + MSE_f``:

    * ``MSE_u``: mean squared misfit at ``n_u`` points drawn at random from the initial line
      (``t = 0``, ``u = -sin(pi x)``; about half of them) and the two boundaries (``x = +-1``,
      ``u = 0``);
    * ``MSE_f``: mean square of the residual ``f = u_t + u u_x - nu u_xx`` (derivatives by
      ``torch.autograd``, ``nu =`` :data:`NU`) at ``n_f`` collocation points uniform in
      ``[0, 1] x [-1, 1]``.

    Adam (learning rate ``lr``) runs ``adam_steps`` steps, then ``torch.optim.LBFGS`` (strong
    Wolfe line search) ``lbfgs_iters`` iterations. The prediction on the ``nt x nx``
    :func:`benchmark_grid` is recorded at step 0, every ``snapshot_every`` steps (L-BFGS
    iterations count as steps) and at the end. Explained in
    ``notebooks/07-scientific-ml/02-physics-informed-networks.ipynb``.

    Returns
    -------
    history : dict
        ``"t"`` (nt,), ``"x"`` (nx,), ``"exact"`` (nt, nx) float64; ``"snapshots"``
        (n_snap, nt, nx) float32; ``"steps"`` (n_snap,) int64; ``"rel_l2"`` (n_snap,) the relative
        L2 error of each snapshot; ``"loss"`` (adam_steps + lbfgs_iters,) the loss at each step;
        ``"adam_steps"`` int; ``"points"`` ``{"u": (n_u, 2), "f": (n_f, 2)}`` with columns
        ``(t, x)``; ``"seconds"`` training time; ``"config"`` the arguments. This is the dict
        :class:`mlnotes.widgets.PINNTraining` shows.
    """
    import torch  # noqa: PLC0415

    from .validate import as_device  # noqa: PLC0415

    fn = "train_burgers"
    n_u = as_size(n_u, "n_u", fn, lo=2, hi=100_000)
    n_f = as_size(n_f, "n_f", fn, lo=1, hi=1_000_000)
    hidden = _hidden(hidden, fn)
    adam_steps = as_size(adam_steps, "adam_steps", fn, lo=0, hi=1_000_000)
    lbfgs_iters = as_size(lbfgs_iters, "lbfgs_iters", fn, lo=0, hi=1_000_000)
    lr = as_float(lr, "lr", fn, positive=True)
    seed = as_seed(seed, "seed", fn, allow_none=False)
    snapshot_every = as_size(snapshot_every, "snapshot_every", fn, hi=1_000_000)
    nt = as_size(nt, "nt", fn, lo=2, hi=MAX_GRID)
    nx = as_size(nx, "nx", fn, lo=2, hi=MAX_GRID)
    device = "cpu" if device is None else as_device(device, "device", fn)
    config = dict(n_u=n_u, n_f=n_f, hidden=hidden, adam_steps=adam_steps, lbfgs_iters=lbfgs_iters,
                  lr=lr, seed=seed, snapshot_every=snapshot_every, nt=nt, nx=nx, device=device)

    t_grid, x_grid, exact = benchmark_grid(nt, nx)
    gen = torch.Generator().manual_seed(seed)
    dt = torch.float32
    # initial/boundary points: t = 0 (half), x = -1 and x = +1 (a quarter each)
    n0 = n_u // 2
    nb = n_u - n0
    x0 = 2 * torch.rand(n0, 1, generator=gen, dtype=torch.float64) - 1
    tb = torch.rand(nb, 1, generator=gen, dtype=torch.float64)
    xb = torch.where(torch.arange(nb)[:, None] % 2 == 0, -1.0, 1.0).to(torch.float64)
    pts_u = torch.cat([torch.cat([torch.zeros_like(x0), x0], 1), torch.cat([tb, xb], 1)])
    val_u = torch.cat([-torch.sin(math.pi * x0), torch.zeros_like(tb)])
    pts_f = torch.cat([torch.rand(n_f, 1, generator=gen, dtype=torch.float64),
                       2 * torch.rand(n_f, 1, generator=gen, dtype=torch.float64) - 1], 1)
    model = _mlp(hidden, gen).to(device)
    Pu, Vu = pts_u.to(device, dt), val_u.to(device, dt)
    tf = pts_f[:, :1].to(device, dt).requires_grad_(True)
    xf = pts_f[:, 1:].to(device, dt).requires_grad_(True)
    grid = torch.stack(torch.meshgrid(torch.as_tensor(t_grid), torch.as_tensor(x_grid), indexing="ij"),
                       -1).reshape(-1, 2).to(device, dt)

    def loss_fn() -> "torch.Tensor":
        mse_u = (model(Pu) - Vu).pow(2).mean()
        u = model(torch.cat([tf, xf], 1))
        u_t, u_x = torch.autograd.grad(u.sum(), (tf, xf), create_graph=True)
        u_xx, = torch.autograd.grad(u_x.sum(), xf, create_graph=True)
        f = u_t + u * u_x - NU * u_xx
        return mse_u + f.pow(2).mean()

    snaps, steps, losses = [], [], []

    def snapshot(step: int) -> None:
        with torch.no_grad():
            snaps.append(model(grid).reshape(nt, nx).cpu().numpy().astype(np.float32))
        steps.append(step)

    t0 = time.perf_counter()
    snapshot(0)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    step = 0
    for _ in range(adam_steps):
        opt.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
        step += 1
        if step % snapshot_every == 0:
            snapshot(step)
    if lbfgs_iters:
        lb = torch.optim.LBFGS(model.parameters(), lr=1.0, max_iter=1, max_eval=25, history_size=50,
                               line_search_fn="strong_wolfe", tolerance_grad=0.0, tolerance_change=0.0)

        def closure() -> "torch.Tensor":
            lb.zero_grad(set_to_none=True)
            loss = loss_fn()
            loss.backward()
            return loss

        for _ in range(lbfgs_iters):
            loss = lb.step(closure)
            losses.append(float(loss.detach()))
            step += 1
            if step % snapshot_every == 0:
                snapshot(step)
    if steps[-1] != step:
        snapshot(step)
    seconds = time.perf_counter() - t0
    snapshots = np.stack(snaps)
    norm = float(np.linalg.norm(exact))
    rel = np.array([float(np.linalg.norm(s - exact) / norm) for s in snapshots])
    return {"t": t_grid, "x": x_grid, "exact": exact, "snapshots": snapshots,
            "steps": np.asarray(steps, dtype=np.int64), "rel_l2": rel,
            "loss": np.asarray(losses, dtype=np.float64), "adam_steps": adam_steps,
            "points": {"u": pts_u.numpy(), "f": pts_f.numpy()}, "seconds": seconds, "config": config}


#: Configuration of :func:`default_history` (a few seconds on one CPU thread).
DEFAULT_CONFIG = dict(n_u=100, n_f=500, hidden=(20, 20, 20, 20), adam_steps=100, lbfgs_iters=200,
                      lr=5e-3, seed=0, snapshot_every=15)


def default_history() -> Dict[str, Any]:
    """``train_burgers(**DEFAULT_CONFIG)``, trained once per process and cached (a few seconds on one
    CPU thread); the widget gallery uses it. Do not modify the returned arrays."""
    return _default_history()


@functools.lru_cache(maxsize=1)
def _default_history() -> Dict[str, Any]:
    import torch  # noqa: PLC0415

    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)   # the same numbers on every machine and no oversubscription
        return train_burgers(**DEFAULT_CONFIG)
    finally:
        torch.set_num_threads(threads)
