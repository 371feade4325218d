"""The optimal-transport explorer, driven like a reader would."""
import numpy as np
import pytest

from mlnotes import ot
from mlnotes.widgets.base import Player
from mlnotes.widgets.ot import DENSITIES_1D, EPS_GRID, SETS_2D, VIEWS, TransportExplorer


@pytest.fixture
def w():
    return TransportExplorer(n=40)


def _segments(widget):
    return np.array(widget._lines.get_segments())


def _atoms(widget):
    """The points drawn in the displacement panel (all mass classes)."""
    return np.vstack([np.c_[ln.get_xdata(), ln.get_ydata()] for ln in widget._disp_layers])


def test_controls_drive_the_figure(w):
    box = w.widget()
    ctl = box.controls
    assert set(ctl) == {"source", "target", "n", "eps", "t", "view"}
    ctl["eps"].value = 0.0                      # exact OT: an assignment
    prob = w.problem("moons", "eight_gaussians", 40)
    P = ot.exact_plan(None, None, ot.cost_matrix(prob["X"], prob["Y"]))
    assert np.allclose(w.solve("moons", "eight_gaussians", 40, 0.0)["plan"], P)
    seg = _segments(w)
    assert len(seg) == 40                       # one line per matched pair
    i, j = np.nonzero(P)
    assert {tuple(r) for r in np.round(seg.reshape(-1, 4), 9)} == \
        {tuple(r) for r in np.round(np.c_[prob["X"][i], prob["Y"][j]], 9)}
    ctl["t"].value = 0.25                       # displacement points move to (1-t) x + t T(x)
    assert np.allclose(np.sort(_atoms(w), 0),
                       np.sort(0.75 * prob["X"][i] + 0.25 * prob["Y"][j], 0))
    mix = w._sc_mix.get_offsets()
    assert len(mix) == 80 and np.allclose(w._sc_mix.get_sizes()[:40] / w._sc_mix.get_sizes()[40:], 3.0)
    ctl["eps"].value = EPS_GRID[5]              # entropic: the numbers come from mlnotes.ot.sinkhorn
    r = ot.sinkhorn(None, None, prob["C"], EPS_GRID[5] * prob["median"], tol=1e-10)
    shown = w.solve("moons", "eight_gaussians", 40, EPS_GRID[5])
    assert np.abs(shown["plan"] - r.plan).sum() < 1e-3       # the widget stops at ||P1 - a||_1 <= 1e-4
    nums = w.numbers()
    assert nums["bias"] > 0 and np.isclose(nums["cost"], np.sum(shown["plan"] * prob["C"]))
    assert f"{nums['cost']:.4f}" in w._text.get_text()
    ctl["view"].value = "plan matrix"
    M = w._mat.get_array()
    Pm = shown["plan"][np.ix_(prob["order_x"], prob["order_y"])]
    assert np.allclose(M, Pm / Pm.max()) and w._ax_mat.get_visible() and not w._ax_main.get_visible()
    ctl["n"].value = 60
    assert w._mat.get_array().shape == (60, 60)


def test_one_d_densities_and_kind_switch(w):
    box = w.widget()
    box.controls["source"].value = "1d gaussian"        # the target follows to a 1-D density
    assert w.state["target"] in DENSITIES_1D and box.controls["target"].value == w.state["target"]
    box.controls["eps"].value = 0.0
    prob = w.problem(w.state["source"], w.state["target"], 40)
    x = prob["X"][:, 0]
    P = ot.monotone_plan(x, x, prob["a"], prob["b"])
    assert np.allclose(w.solve(w.state["source"], w.state["target"], 40, 0.0)["plan"], P)
    assert np.isclose(w.numbers()["W2"], ot.wasserstein_1d(x, x, prob["a"], prob["b"], 2), rtol=1e-9)
    box.controls["t"].value = 0.0               # at t = 0 the displacement curve is the source density
    dx = x[1] - x[0]
    assert np.allclose(w._curve_disp.get_ydata(), prob["a"] / dx, atol=1e-9)
    box.controls["t"].value = 1.0
    assert np.allclose(w._curve_disp.get_ydata(), prob["b"] / dx, atol=1e-9)
    assert np.allclose(w._curve_mix.get_ydata(), prob["b"] / dx)
    box.controls["target"].value = "moons"      # back to 2-D: the source follows
    assert w.state["source"] in SETS_2D


def test_entropic_bias_shrinks_with_eps():
    w = TransportExplorer(n=30)
    w.figure()
    biases = [w.numbers(eps=e)["bias"] for e in (1.0, 0.1, 0.01)]
    assert biases[0] > biases[1] > biases[2] > -1e-9
    assert w.numbers(eps=0.0)["bias"] == 0.0


def test_warm_start_cache_walks_the_grid():
    w = TransportExplorer(n=30)
    w.figure(eps=EPS_GRID[-1])
    w.update(eps=EPS_GRID[3])
    cached = set(w.problem("moons", "eight_gaussians", 30)["sinkhorn"])
    assert set(EPS_GRID[3:]) <= cached          # every grid value above was solved on the way


def test_random_and_extreme_states_do_not_raise():
    w = TransportExplorer(n=20)
    w.figure()
    rng = np.random.default_rng(0)
    for _ in range(15):
        kind = DENSITIES_1D if rng.random() < 0.4 else SETS_2D
        st = {"source": kind[rng.integers(len(kind))], "target": kind[rng.integers(len(kind))],
              "n": int(rng.choice([10, 20, 30])), "eps": float(rng.choice(EPS_GRID)),
              "t": float(rng.uniform(0, 1)), "view": VIEWS[rng.integers(3)]}
        w.update(**st)
        w.draw()
        nums = w.numbers()
        assert np.isfinite(nums["cost"]) and nums["marginal_error"] < 1e-3
    for eps in (EPS_GRID[1], 1.0, 0.0):
        for t in (0.0, 1.0):
            w.update(eps=eps, t=t, n=10, source="ring", target="checkerboard")
            w.draw()
            assert np.all(np.isfinite(_atoms(w)))


def test_bad_states_and_arguments():
    w = TransportExplorer(n=20)
    with pytest.raises(ValueError, match="eps must be 0"):
        w.figure(eps=1e-5)
    with pytest.raises(TypeError, match="eps must be 0"):
        w.figure(eps="exact")
    with pytest.raises(ValueError, match="t must lie in"):
        w.figure(t=1.5)
    with pytest.raises(ValueError, match="both be 2-D sets or both 1-D"):
        w.figure(source="moons", target="1d uniform")
    with pytest.raises(ValueError, match="view must be one of"):
        w.figure(view="3d")
    with pytest.raises(ValueError, match="both be 2-D sets or both 1-D"):
        TransportExplorer(source="1d gaussian", target="ring")
    with pytest.raises(ValueError, match="n must lie in"):
        TransportExplorer(n=5000)
    with pytest.raises(ValueError, match="seed must be"):
        TransportExplorer(seed=-1)


def test_players():
    w = TransportExplorer(n=20)
    p = w.player("eps", values=[1.0, 0.1, 0.0])
    assert isinstance(p, Player) and p.n_frames == 3 and "mlnotes-player" in p.html
    p = w.player("t", values=[0.0, 0.5, 1.0], view="interpolation", eps=0.0)
    assert p.n_frames == 3
    assert w.player("t", n=10).n_frames == 11


def test_displacement_panel_draws_all_the_mass():
    w = TransportExplorer(n=60)
    w.figure(eps=1.0, t=0.0)
    prob = w.problem("moons", "eight_gaussians", 60)
    for eps in (1.0, EPS_GRID[8], EPS_GRID[1]):
        w.update(eps=eps, t=0.0)
        pts, mass = w.displacement(0.0)
        assert abs(mass.sum() - 1.0) < 1e-8          # every entry of P_eps, all the mass
        assert len(_atoms(w)) == len(mass)            # ... and every atom is drawn
        # at t = 0 the atoms sit on the source points, each point with its mass 1/n
        idx = np.array([np.flatnonzero((prob["X"] == p).all(1))[0] for p in pts])
        err = w.numbers()["marginal_error"]          # Sinkhorn's own L1 marginal error
        assert np.abs(np.bincount(idx, mass, 60) - 1 / 60).sum() <= err + 1e-8
        assert "P_eps" in w._ax_disp.get_title()
        assert "3n heaviest" in w._ax_main.get_title()    # 3n = 180 segments drawn
        assert len(w._lines.get_segments()) == min(180, len(mass))
    w.update(eps=0.0)
    assert "McCann" in w._ax_disp.get_title() and "heaviest" not in w._ax_main.get_title()


def test_one_d_displacement_is_the_quantile_geodesic_density():
    w = TransportExplorer(source="1d gaussian", target="1d two bumps", n=120)
    w.figure(eps=0.0)
    prob = w.problem("1d gaussian", "1d two bumps", 120)
    x = prob["X"][:, 0]
    dx = x[1] - x[0]
    W = w.numbers(eps=0.0)["W2"]
    for t in (0.3, 0.5, 0.8):
        w.update(t=t)
        d = w._curve_disp.get_ydata()
        assert np.allclose(d, w.density_1d(t)) and abs(d.sum() * dx - 1) < 1e-12
        # a point of the geodesic: W2(mu, rho_t) = t W2(mu, nu) (5e-3: grid discretisation)
        assert abs(ot.wasserstein_1d(x, x, prob["a"], d * dx / (d.sum() * dx), 2) - t * W) < 5e-3 * W
        for eps in (0.0, EPS_GRID[1], EPS_GRID[8]):     # a density, not a comb (was 0.87)
            dens = w.density_1d(t, eps=eps)
            assert np.abs(np.diff(dens)).max() < 0.3 * dens.max()


def test_printed_bias_is_accurate_at_small_eps():
    w = TransportExplorer(source="1d gaussian", target="1d two bumps", n=60)
    prob = w.problem("1d gaussian", "1d two bumps", 60)
    nums = w.numbers(eps=EPS_GRID[1])
    ref = ot.sinkhorn(prob["a"], prob["b"], prob["C"], EPS_GRID[1] * prob["median"], tol=1e-13,
                      max_iter=400_000)
    assert ref.converged
    true_bias = ref.cost - prob["exact_cost"]
    assert abs(nums["bias"] - true_bias) < 2e-2 * true_bias      # the widget's target is 1 %


def test_iterations_count_the_whole_annealing_chain():
    w = TransportExplorer(n=30)
    w.figure(eps=EPS_GRID[4])
    its = [w.numbers(eps=e)["n_iter"] for e in EPS_GRID[4:]]
    assert all(a > b for a, b in zip(its, its[1:]))  # a smaller eps adds its own leg
    w2 = TransportExplorer(n=30)                        # the same total, whatever the cache
    assert w2.numbers(eps=EPS_GRID[4])["n_iter"] == its[0]
    assert "Sinkhorn it. in all" in w._text.get_text()
