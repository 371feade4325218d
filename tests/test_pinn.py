"""Burgers' equation: the exact solution (Cole–Hopf + Gauss–Hermite) and the PINN trainer."""
import math

import numpy as np
import pytest

from mlnotes import pinn


@pytest.fixture(scope="module")
def grid():
    return pinn.benchmark_grid()


def fd_burgers(nx, t_end, nu=pinn.NU):
    """An independent reference: method of lines on the 2-periodic grid x_j = -1 + 2j/nx,
    fourth-order central differences (flux form (u^2/2)_x), classical RK4 in time."""
    x = -1 + 2 * np.arange(nx) / nx
    h = 2 / nx
    u = -np.sin(np.pi * x)

    def d1(v):
        return (-np.roll(v, -2) + 8 * np.roll(v, -1) - 8 * np.roll(v, 1) + np.roll(v, 2)) / (12 * h)

    def d2(v):
        return (-np.roll(v, -2) + 16 * np.roll(v, -1) - 30 * v + 16 * np.roll(v, 1) - np.roll(v, 2)) / (12 * h * h)

    def rhs(v):
        return -d1(0.5 * v * v) + nu * d2(v)

    n = int(np.ceil(t_end / min(0.5 * 2.5 * h * h / (nu * 16 / 3), 0.5 * h)))
    dt = t_end / n
    for _ in range(n):
        k1 = rhs(u)
        k2 = rhs(u + dt / 2 * k1)
        k3 = rhs(u + dt / 2 * k2)
        k4 = rhs(u + dt * k3)
        u = u + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return x, u


def test_initial_condition_is_exact():
    x = np.linspace(-1, 1, 257)
    assert np.array_equal(pinn.burgers_exact(0.0, x), -np.sin(np.pi * x))
    # just after t = 0 the quadrature takes over and agrees to rounding
    assert np.abs(pinn.burgers_exact(1e-9, x) + np.sin(np.pi * x)).max() < 1e-6


def test_benchmark_grid_shapes_values_and_copies(grid):
    t, x, U = grid
    assert t.shape == (100,) and x.shape == (256,) and U.shape == (100, 256)
    assert np.array_equal(t, np.linspace(0, 1, 100)) and np.array_equal(x, np.linspace(-1, 1, 256))
    assert np.array_equal(U[37], pinn.burgers_exact(t[37], x))
    mine = pinn.benchmark_grid()[2]
    mine[0, 0] = 99.0                                  # a copy: the cache is untouched
    assert pinn.benchmark_grid()[2][0, 0] == U[0, 0] != 99.0
    assert np.abs(U).max() <= 1.0 + 1e-12


def test_steepest_slope_matches_the_published_value():
    # Basdevant et al. (1986), the reference of the benchmark: the slope at x = 0 is steepest
    # at t = 1.6037 / pi, where u_x(t, 0) = -152.00516 (measured here: -152.0051604)
    h = 1e-6
    ux = lambda t: (pinn.burgers_exact(t, h) - pinn.burgers_exact(t, -h)) / (2 * h)  # noqa: E731
    t0 = 1.6037 / np.pi
    assert abs(ux(t0) + 152.00516) < 1e-4
    assert ux(t0) < min(ux(t0 - 0.01), ux(t0 + 0.01)) - 0.01


def test_quadrature_has_converged_on_the_standard_grid(grid):
    # the default rule against one twice as large: equal to < 1e-10 (measured 2e-15), so the
    # quadrature error is far below the 1e-8 asked; a rule that is too small differs visibly
    t, x, U = grid
    rows = slice(None, None, 3)
    T, X = t[rows, None], x[None, :]
    n = pinn._auto_quad(pinn.NU)
    U2 = pinn.burgers_exact(T, X, n_quad=2 * n)
    assert np.abs(U[rows] - U2).max() < 1e-10
    assert np.abs(pinn.burgers_exact(T, X, n_quad=30) - U2).max() > 1e-3


def test_agrees_with_an_independent_trapezoid_quadrature(grid):
    # the ratio of integrals in the original variable y, plain trapezoid rule on 20,001 points
    # of [x - 12 s, x + 12 s] (spectrally accurate: smooth integrand, decayed at both ends),
    # log-sum-exp; shares nothing with the Gauss-Hermite rule. Measured 5e-14; the issue asks
    # for better than 1e-8.
    t, x, U = grid
    rows = np.arange(1, t.size, 3)
    cols = np.union1d(np.arange(0, x.size, 5), np.flatnonzero(np.abs(x) < 0.05))
    nu = pinn.NU
    for i in rows:
        s = math.sqrt(4 * nu * t[i])
        xc = x[cols, None]
        y = xc + s * np.linspace(-12, 12, 20_001)
        a = -np.cos(np.pi * y) / (2 * np.pi * nu) - ((xc - y) / s) ** 2
        p = np.exp(a - a.max(axis=1, keepdims=True))
        p[:, [0, -1]] /= 2
        ref = (-np.sin(np.pi * y) * p).sum(1) / p.sum(1)
        assert np.abs(ref - U[i, cols]).max() < 1e-12, t[i]


def test_agrees_with_an_independent_finite_difference_solution():
    # before the shock (t = 0.25) the 4th-order FD solution converges to burgers_exact at its
    # order: error ratio ~16 per halving of h (measured 15.5); after it (t = 1) they agree to the
    # FD's own accuracy (the gap between two FD resolutions)
    errs = []
    for nx in (256, 512):
        x, u = fd_burgers(nx, 0.25)
        errs.append(np.abs(u - pinn.burgers_exact(0.25, x)).max())
    assert errs[1] < 5e-6 and 12 < errs[0] / errs[1] < 20, errs
    x1, u1 = fd_burgers(256, 1.0)
    x2, u2 = fd_burgers(512, 1.0)
    gap = np.abs(u2[::2] - u1).max()                 # the FD's error estimate (measured 7e-3)
    err = np.abs(u2 - pinn.burgers_exact(1.0, x2)).max()   # measured 1.8e-3
    assert err < 0.5 * gap and err < 3e-3, (err, gap)


def test_boundary_values_and_antisymmetry(grid):
    t, x, U = grid
    assert np.abs(U[:, [0, -1]]).max() < 1e-12
    assert np.abs(U + U[:, ::-1]).max() < 1e-12
    xs = np.linspace(0.01, 1, 40)
    for tt in (0.05, 0.4, 1.0, 3.0):
        assert np.abs(pinn.burgers_exact(tt, -xs) + pinn.burgers_exact(tt, xs)).max() < 1e-12


def test_pde_residual_by_finite_differences_vanishes_at_second_order():
    # f = u_t + u u_x - nu u_xx by central differences of step h on t in [0.1, 1] (shock
    # included): f is the differences' truncation error, O(h^2) (measured 1.3e-2 at h = 1e-3,
    # 1.3e-4 at h = 1e-4), against |u_t| up to 5
    t = np.linspace(0.1, 1, 10)[:, None]
    x = np.linspace(-0.98, 0.98, 99)[None, :]

    def residual(h):
        u = lambda dt, dx: pinn.burgers_exact(t + dt, x + dx)  # noqa: E731
        u0 = u(0, 0)
        ut = (u(h, 0) - u(-h, 0)) / (2 * h)
        ux = (u(0, h) - u(0, -h)) / (2 * h)
        uxx = (u(0, h) - 2 * u0 + u(0, -h)) / h ** 2
        return np.abs(ut + u0 * ux - pinn.NU * uxx).max(), np.abs(ut).max()

    (f1, ut), (f2, _) = residual(1e-3), residual(1e-4)
    slope = math.log10(f1 / f2)
    assert 1.8 < slope < 2.2, slope
    assert f2 < 1e-3 < 1 < ut


def test_other_viscosities_and_broadcasting():
    # a larger nu smooths the solution; shapes broadcast; a small rule fails at a small nu
    u = pinn.burgers_exact(np.array([0.2, 0.6])[:, None, None], np.linspace(-1, 1, 5)[None, None, :], nu=0.05)
    assert u.shape == (2, 1, 5)
    assert abs(pinn.burgers_exact(0.5, 0.3) + pinn.burgers_exact(0.5, -0.3)) < 1e-14
    x = np.linspace(-1, 1, 65)
    a = pinn.burgers_exact(0.7, x, nu=pinn.NU / 4)
    b = pinn.burgers_exact(0.7, x, nu=pinn.NU / 4, n_quad=1000)
    assert np.abs(a - b).max() < 1e-10


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match=r"burgers_exact: t must be >= 0"):
        pinn.burgers_exact(-0.1, 0.0)
    with pytest.raises(ValueError, match=r"burgers_exact: nu must be > 0"):
        pinn.burgers_exact(0.1, 0.0, nu=0.0)
    with pytest.raises(ValueError, match=r"burgers_exact: n_quad must lie in \[2, 2000\]"):
        pinn.burgers_exact(0.1, 0.0, n_quad=1)
    with pytest.raises(ValueError, match=r"burgers_exact: t and x must broadcast"):
        pinn.burgers_exact(np.zeros(3), np.zeros(4))
    with pytest.raises(TypeError, match=r"train_burgers: hidden must be a tuple"):
        pinn.train_burgers(hidden=20)
    with pytest.raises(ValueError, match=r"train_burgers: hidden\[1\] must lie in"):
        pinn.train_burgers(hidden=(4, 0))
    with pytest.raises(ValueError, match=r"rel_l2: pred and exact must have the same shape"):
        pinn.rel_l2(np.zeros(3), np.ones(4))


TINY = dict(n_u=20, n_f=64, hidden=(8, 8), adam_steps=5, lbfgs_iters=3, lr=1e-2, snapshot_every=2, nt=6, nx=9)


def test_train_burgers_history_keys_shapes_and_reproducibility():
    h = pinn.train_burgers(**TINY)
    assert np.array_equal(h["steps"], [0, 2, 4, 6, 8]) and h["steps"].dtype == np.int64
    assert h["snapshots"].shape == (5, 6, 9) and h["snapshots"].dtype == np.float32
    assert h["exact"].shape == (6, 9) and np.array_equal(h["exact"], pinn.benchmark_grid(6, 9)[2])
    assert h["loss"].shape == (8,) and h["adam_steps"] == 5
    assert h["points"]["u"].shape == (20, 2) and h["points"]["f"].shape == (64, 2)
    pu = h["points"]["u"]
    assert np.all((pu[:, 0] == 0) | (np.abs(pu[:, 1]) == 1))          # initial line or boundary
    f = h["points"]["f"]
    assert f[:, 0].min() >= 0 and f[:, 0].max() <= 1 and np.abs(f[:, 1]).max() <= 1
    want = [pinn.rel_l2(s, h["exact"]) for s in h["snapshots"]]
    assert np.allclose(h["rel_l2"], want, rtol=1e-12)
    again = pinn.train_burgers(**TINY)
    assert np.array_equal(again["snapshots"], h["snapshots"]) and np.array_equal(again["loss"], h["loss"])
    other = pinn.train_burgers(**{**TINY, "seed": 1})
    assert not np.array_equal(other["snapshots"][-1], h["snapshots"][-1])


def test_training_lowers_the_loss_and_lbfgs_moves():
    h = pinn.train_burgers(**{**TINY, "adam_steps": 40, "lbfgs_iters": 10, "snapshot_every": 50})
    loss = h["loss"]
    assert loss[39] < 0.5 * loss[0]                       # Adam
    assert loss[-1] < loss[39]                            # L-BFGS keeps going (no stall)
    assert np.array_equal(h["steps"], [0, 50])


def test_default_history_is_cached_and_learns():
    h = pinn.default_history()
    assert pinn.default_history() is h
    # measured: 1.03 at step 0, 0.28 after 100 Adam steps and 200 L-BFGS iterations
    assert h["rel_l2"][-1] < 0.4 < 0.9 < h["rel_l2"][0]
    assert h["steps"][-1] == 300 and len(h["steps"]) == 21
