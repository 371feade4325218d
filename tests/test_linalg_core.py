"""Part I helpers (mlnotes.linalg: maps, norms, spectral, matfun, decomp) against numpy/scipy.

Unit tests on fixed cases, hypothesis property tests on random matrices, and bad-input
tests that check the error names the argument.
"""
import numpy as np
import pytest
import scipy.linalg as sla
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mlnotes import linalg as L
from mlnotes.linalg import decomp, maps, matfun, norms, spectral

SETTINGS = settings(max_examples=40, deadline=None)
finite = st.floats(-10, 10, allow_nan=False, allow_infinity=False, width=64)


def matrices(m_max=6, n_max=6, square=False):
    """Random real matrices with entries in [-10, 10]."""
    if square:
        return st.integers(1, m_max).flatmap(lambda n: hnp.arrays(np.float64, (n, n), elements=finite))
    return st.tuples(st.integers(1, m_max), st.integers(1, n_max)).flatmap(
        lambda s: hnp.arrays(np.float64, s, elements=finite))


def seeded(n, m=None, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, m if m is not None else n))


# ============================================================================ the package
def test_every_module_defines_all_and_exports_it():
    for mod in (maps, norms, spectral, matfun, decomp):
        assert mod.__all__, mod.__name__
        for name in mod.__all__:
            assert getattr(L, name) is getattr(mod, name), name


# ============================================================================ maps: products
@SETTINGS
@given(st.tuples(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5)), st.integers(0, 2**16))
def test_both_views_of_the_product_equal_matmul(shape, seed):
    m, k, p = shape
    rng = np.random.default_rng(seed)
    A, B = rng.standard_normal((m, k)), rng.standard_normal((k, p))
    assert np.allclose(maps.matmul_inner(A, B), A @ B, atol=1e-12)
    assert np.allclose(maps.matmul_outer(A, B), A @ B, atol=1e-12)


def test_product_shape_mismatch_is_refused():
    with pytest.raises(ValueError, match="A has 3 columns but B has 2 rows"):
        maps.matmul_inner(np.ones((2, 3)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="must be 2-D"):
        maps.matmul_outer(np.ones(3), np.ones((3, 2)))


def test_columns_are_images_of_the_basis():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    M = maps.matrix_of(lambda x: A @ x, 2)
    assert np.array_equal(M, A)
    assert np.array_equal(A @ [1, 0], [3, 1]) and np.array_equal(A @ [0, 1], [1, 2])


def test_inner_is_linear_in_first_argument_and_conjugate_in_second():
    rng = np.random.default_rng(1)
    u, v = rng.standard_normal(5) + 1j * rng.standard_normal(5), rng.standard_normal(5) + 1j * rng.standard_normal(5)
    a = 2.0 - 3.0j
    assert np.isclose(maps.inner(a * u, v), a * maps.inner(u, v))
    assert np.isclose(maps.inner(u, a * v), np.conj(a) * maps.inner(u, v))
    assert np.isclose(maps.inner(u, u).imag, 0) and maps.inner(u, u).real > 0
    assert isinstance(maps.inner(np.ones(3), np.ones(3)), float)
    with pytest.raises(ValueError, match="same shape"):
        maps.inner(np.ones(3), np.ones(4))


# ============================================================================ maps: adjoint pairs
@pytest.mark.parametrize("shape", [(9,), (6, 5), (4, 3, 5)])
def test_grad_and_minus_div_are_adjoint(shape):
    gap = maps.adjoint_gap(maps.grad, lambda p: -maps.div(p), shape, (len(shape),) + shape, trials=4)
    assert gap < 1e-10


def test_grad_div_and_laplacian_match_their_explicit_matrices():
    shape, h = (5, 7), 0.3
    rng = np.random.default_rng(2)
    f = rng.standard_normal(shape)
    p = rng.standard_normal((2,) + shape)
    G = maps.gradient_matrix(shape, h)
    assert np.allclose(G @ f.ravel(), maps.grad(f, h).ravel(), atol=1e-12)
    assert np.allclose(-G.T @ p.ravel(), maps.div(p, h).ravel(), atol=1e-12)
    Lm = maps.laplacian_matrix(shape, h)
    assert np.allclose(Lm, Lm.T) and np.linalg.eigvalsh(Lm).max() < 1e-10  # symmetric, negative semidefinite
    assert np.allclose(Lm @ f.ravel(), maps.laplacian(f, h).ravel(), atol=1e-10)
    assert np.allclose(maps.matrix_of(lambda x: maps.grad(x, h), shape), G)


def test_laplacian_interior_is_the_five_point_stencil():
    rng = np.random.default_rng(3)
    f = rng.standard_normal((6, 8))
    lap = maps.laplacian(f, h=0.5)
    stencil = (f[2:, 1:-1] + f[:-2, 1:-1] + f[1:-1, 2:] + f[1:-1, :-2] - 4 * f[1:-1, 1:-1]) / 0.25
    assert np.allclose(lap[1:-1, 1:-1], stencil)


def test_gradient_of_a_linear_ramp_is_constant_inside():
    x = np.arange(6.0)
    g = maps.grad(np.add.outer(2 * x, -x), h=1.0)  # f = 2 i - j
    assert np.allclose(g[0][:-1], 2.0) and np.allclose(g[1][:, :-1], -1.0)
    assert np.all(g[0][-1] == 0) and np.all(g[1][:, -1] == 0)


def test_numpy_gradient_is_not_adjoint_to_its_own_divergence():
    def np_div(p):
        return np.gradient(p[0], axis=0) + np.gradient(p[1], axis=1)

    gap = maps.adjoint_gap(lambda f: np.stack(np.gradient(f)), lambda p: -np_div(p), (6, 6), (2, 6, 6))
    assert gap > 1e-3


def test_unitary_dft_is_adjoint_to_its_inverse_but_numpy_default_is_not():
    n = 12
    assert maps.adjoint_gap(maps.dft, maps.idft, (n,), (n,), complex_data=True) < 1e-14
    assert maps.adjoint_gap(maps.dft, maps.idft, (4, 6), (4, 6), complex_data=True) < 1e-14
    unscaled = maps.adjoint_gap(lambda x: maps.dft(x, "backward"), lambda y: maps.idft(y, "backward"),
                                (n,), (n,), complex_data=True)
    assert unscaled > 0.5
    fixed = maps.adjoint_gap(lambda x: maps.dft(x, "backward"), lambda y: n * maps.idft(y, "backward"),
                             (n,), (n,), complex_data=True)
    assert fixed < 1e-14


@pytest.mark.parametrize("norm", ["ortho", "backward", "forward"])
def test_dft_matrix_matches_fft(norm):
    rng = np.random.default_rng(4)
    x = rng.standard_normal(10) + 1j * rng.standard_normal(10)
    F = maps.dft_matrix(10, norm)
    assert np.allclose(F @ x, np.fft.fft(x, norm=norm))
    if norm == "ortho":
        assert np.allclose(F.conj().T @ F, np.eye(10))


@SETTINGS
@given(st.integers(2, 7), st.integers(2, 7), st.integers(1, 6), st.integers(1, 6), st.integers(0, 2**16))
def test_splatting_is_the_adjoint_of_bilinear_warping(n0, n1, k0, k1, seed):
    rng = np.random.default_rng(seed)
    phi = np.stack([rng.uniform(-2, n0 + 1, (k0, k1)), rng.uniform(-2, n1 + 1, (k0, k1))])
    gap = maps.adjoint_gap(lambda f: maps.warp_bilinear(f, phi), lambda g: maps.splat_bilinear(g, phi, (n0, n1)),
                           (n0, n1), (k0, k1))
    assert gap < 1e-10
    W = maps.warp_matrix(phi, (n0, n1))
    f, g = rng.standard_normal((n0, n1)), rng.standard_normal((k0, k1))
    assert np.allclose(W @ f.ravel(), maps.warp_bilinear(f, phi).ravel())
    assert np.allclose(W.T @ g.ravel(), maps.splat_bilinear(g, phi, (n0, n1)).ravel())
    assert np.allclose(W.sum(axis=1), 1.0)  # interpolation weights sum to one


def test_warp_on_integer_positions_picks_pixels_and_matches_scipy():
    from scipy.ndimage import map_coordinates

    rng = np.random.default_rng(5)
    f = rng.standard_normal((5, 6))
    r, c = np.meshgrid(np.arange(5.0), np.arange(6.0), indexing="ij")
    assert np.allclose(maps.warp_bilinear(f, np.stack([r, c])), f)
    phi = np.stack([rng.uniform(0, 4, 20), rng.uniform(0, 5, 20)])
    assert np.allclose(maps.warp_bilinear(f, phi), map_coordinates(f, phi, order=1))


def test_adjoint_gap_detects_a_wrong_adjoint_and_bad_shapes():
    A = seeded(4, 3)
    assert maps.adjoint_gap(lambda x: A @ x, lambda y: A.T @ y, 3, 4) < 1e-14
    assert maps.adjoint_gap(lambda x: A @ x, lambda y: 2 * A.T @ y, 3, 4) > 0.1
    with pytest.raises(ValueError, match="op returned shape"):
        maps.adjoint_gap(lambda x: A @ x, lambda y: A.T @ y, 3, 5)
    with pytest.raises(TypeError, match="op must be callable"):
        maps.adjoint_gap(A, lambda y: y, 3, 4)


# ============================================================================ maps: rank and span
def rank_deficient(m, n, r, seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, r)) @ rng.standard_normal((r, n))


@SETTINGS
@given(st.integers(1, 7), st.integers(1, 7), st.integers(0, 7), st.integers(0, 2**16))
def test_rank_and_null_space_from_row_echelon_match_numpy(m, n, r, seed):
    r = min(r, m, n)
    A = rank_deficient(m, n, r, seed) if r > 0 else np.zeros((m, n))
    assert maps.rank_gauss(A) == np.linalg.matrix_rank(A) == r
    N = maps.null_space_rref(A)
    assert N.shape == (n, n - r)
    assert np.allclose(A @ N, 0, atol=1e-9)
    if n - r:
        assert np.linalg.matrix_rank(N) == n - r


def test_row_echelon_of_a_known_matrix():
    A = np.array([[1.0, 2, 3], [2, 4, 6], [1, 0, 1]])
    R, piv = maps.row_echelon(A)
    assert piv == [0, 1]
    assert np.allclose(R, [[1, 0, 1], [0, 1, 1], [0, 0, 0]])
    assert np.allclose(maps.null_space_rref(A).ravel(), [-1, -1, 1])


def test_in_span():
    A = np.array([[1.0, 0], [0, 1], [1, 1]])
    assert maps.in_span(A, np.array([2.0, 3.0, 5.0]))
    assert not maps.in_span(A, np.array([2.0, 3.0, 4.0]))
    with pytest.raises(ValueError, match="y must have 3 entries"):
        maps.in_span(A, np.ones(2))


@pytest.mark.parametrize("call,exc,msg", [
    (lambda: maps.matrix_of(lambda x: x, 30_000), ValueError, "at most 20000"),
    (lambda: maps.matrix_of("not a function", 3), TypeError, "op must be callable"),
    (lambda: maps.diff_matrix(1), ValueError, r"n must lie in \[2, inf\]"),
    (lambda: maps.diff_matrix(4, h=0), ValueError, "h must be > 0"),
    (lambda: maps.grad(np.ones((1, 5))), ValueError, "at least 2 points"),
    (lambda: maps.div(np.ones((3, 4, 4))), ValueError, r"p must have shape \(d, n_1"),
    (lambda: maps.dft(np.ones(4), norm="unitary"), ValueError, "norm must be one of"),
    (lambda: maps.dft_matrix(0), ValueError, r"n must lie in \[1, 4096\]"),
    (lambda: maps.warp_bilinear(np.ones((4, 4)), np.ones((3, 5))), ValueError, r"phi must have shape \(2, \.\.\.\)"),
    (lambda: maps.splat_bilinear(np.ones(3), np.ones((2, 4)), (4, 4)), ValueError, "g must have shape"),
    (lambda: maps.gradient_matrix((100, 100)), ValueError, "at most 4096"),
    (lambda: maps.row_echelon(np.ones(3)), ValueError, "A must be 2-D"),
    (lambda: maps.row_echelon(np.array([[1.0, np.nan]])), ValueError, "finite"),
    (lambda: maps.row_echelon([["a"]]), TypeError, "must hold numbers"),
])
def test_maps_bad_input(call, exc, msg):
    with pytest.raises(exc, match=msg):
        call()


# ============================================================================ norms
@SETTINGS
@given(hnp.arrays(np.float64, st.integers(1, 8), elements=finite.filter(lambda v: v == 0 or abs(v) > 1e-20)),
       st.sampled_from([0.5, 1, 1.5, 2, 3, 10, np.inf]))
def test_lp_norm_matches_numpy(x, p):
    assert np.isclose(norms.lp_norm(x, p), np.linalg.norm(x, ord=p), rtol=1e-12, atol=1e-300)


def test_lp_norm_does_not_underflow_where_the_naive_formula_does():
    x = np.array([3e-200, 4e-200])
    assert np.sqrt(np.sum(x ** 2)) == 0.0
    assert norms.lp_norm(x, 2) == pytest.approx(5e-200, rel=1e-14)


@SETTINGS
@given(hnp.arrays(np.float64, 4, elements=finite), hnp.arrays(np.float64, 4, elements=finite),
       st.sampled_from([1, 1.5, 2, 4, np.inf]))
def test_triangle_inequality_holds_for_p_at_least_one(x, y, p):
    assert norms.lp_norm(x + y, p) <= norms.lp_norm(x, p) + norms.lp_norm(y, p) + 1e-9


def test_triangle_inequality_fails_below_one():
    e1, e2 = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    assert norms.lp_norm(e1 + e2, 0.5) == pytest.approx(4.0)
    assert norms.lp_norm(e1 + e2, 0.5) > norms.lp_norm(e1, 0.5) + norms.lp_norm(e2, 0.5)


def test_lp_norm_does_not_overflow():
    assert norms.lp_norm(np.array([1e300, 1e300]), 2) == pytest.approx(np.sqrt(2) * 1e300)


@pytest.mark.parametrize("p", [0.5, 1, 2, 3, np.inf])
def test_unit_ball_boundary_has_unit_norm(p):
    pts = norms.unit_ball_boundary(p, 100)
    assert pts.shape == (100, 2)
    assert np.allclose([norms.lp_norm(q, p) for q in pts], 1.0)


@SETTINGS
@given(matrices())
def test_matrix_norms(A):
    assert np.isclose(norms.frobenius_norm(A), np.linalg.norm(A, "fro"))
    assert np.isclose(norms.frobenius_norm(A) ** 2, np.trace(A.T @ A), rtol=1e-10, atol=1e-10)
    assert norms.max_norm(A) == np.abs(A).max()
    for p in (1, 2, np.inf):
        assert np.isclose(norms.operator_norm(A, p), np.linalg.norm(A, p), rtol=1e-7, atol=1e-7)


def test_angle_and_orthogonal_matrices():
    assert norms.angle(np.array([1.0, 0]), np.array([1.0, 1])) == pytest.approx(np.pi / 4)
    assert norms.angle(np.array([1.0, 2]), np.array([-2.0, -4])) == pytest.approx(np.pi)
    R, H = norms.rotation2d(0.7), norms.householder(np.array([1.0, 2.0, -1.0]))
    assert np.allclose(R.T @ R, np.eye(2)) and np.isclose(np.linalg.det(R), 1)
    assert np.allclose(H.T @ H, np.eye(3)) and np.isclose(np.linalg.det(H), -1)


@SETTINGS
@given(st.integers(1, 6), st.integers(1, 6), st.integers(0, 2**16))
def test_gram_schmidt_spans_the_column_space(m, n, seed):
    A = np.random.default_rng(seed).standard_normal((m, n))
    Q = norms.gram_schmidt(A)
    r = np.linalg.matrix_rank(A)
    assert Q.shape == (m, r)
    assert np.allclose(Q.T @ Q, np.eye(r), atol=1e-10)
    assert np.allclose(Q @ (Q.T @ A), A, atol=1e-9)  # projecting onto span(Q) leaves A unchanged
    if n <= m:
        Qn, _ = np.linalg.qr(A)
        assert np.allclose(np.abs(Q.T @ Qn), np.eye(n), atol=1e-8)  # same columns up to sign


@pytest.mark.parametrize("call,exc,msg", [
    (lambda: norms.lp_norm(np.ones(3), 0), ValueError, "p must be > 0"),
    (lambda: norms.lp_norm(np.ones(3), "2"), TypeError, "p must be a positive number"),
    (lambda: norms.lp_norm(np.ones((2, 2)), 2), ValueError, "x must be 1-D"),
    (lambda: norms.operator_norm(np.ones((2, 2)), 3), ValueError, "p must be one of 1, 2, numpy.inf"),
    (lambda: norms.angle(np.zeros(2), np.ones(2)), ValueError, "must be nonzero"),
    (lambda: norms.angle(np.ones(2), np.ones(3)), ValueError, "same length"),
    (lambda: norms.householder(np.zeros(3)), ValueError, "v must be nonzero"),
    (lambda: norms.unit_ball_boundary(2, 3), ValueError, r"n_points must lie in \[8, 100000\]"),
])
def test_norms_bad_input(call, exc, msg):
    with pytest.raises(exc, match=msg):
        call()


# ============================================================================ spectral
@SETTINGS
@given(hnp.arrays(np.float64, (2, 2), elements=finite))
def test_eig2x2_matches_numpy(A):
    lam = spectral.eig2x2(A)
    ref = np.linalg.eigvals(A)
    assert np.allclose(np.sort_complex(lam), np.sort_complex(ref.astype(complex)), atol=1e-6 * max(1, np.abs(A).max()))
    assert np.isclose(lam.sum().real, np.trace(A), atol=1e-8)


def test_eig2x2_cases():
    assert np.allclose(spectral.eig2x2(np.array([[1.0, 1.0], [0.0, 1.0]])), [1, 1])  # shear
    assert np.allclose(spectral.eig2x2(norms.rotation2d(np.pi / 2)), [1j, -1j])
    assert np.allclose(spectral.eig2x2(np.array([[3.0, 1.0], [1.0, 2.0]])), [(5 + np.sqrt(5)) / 2, (5 - np.sqrt(5)) / 2])
    with pytest.raises(ValueError, match="A must be 2x2"):
        spectral.eig2x2(np.eye(3))


@SETTINGS
@given(st.integers(1, 6), st.integers(0, 2**16))
def test_rayleigh_quotient_lies_between_extreme_eigenvalues(n, seed):
    rng = np.random.default_rng(seed)
    B = rng.standard_normal((n, n))
    A = (B + B.T) / 2
    lam, V = np.linalg.eigh(A)
    X = rng.standard_normal((n, 50))
    R = spectral.rayleigh_quotient(A, X)
    assert np.all(R >= lam[0] - 1e-10) and np.all(R <= lam[-1] + 1e-10)
    assert np.isclose(spectral.rayleigh_quotient(A, V[:, 0]), lam[0])
    assert np.isclose(spectral.rayleigh_quotient(A, V[:, -1]), lam[-1])


def test_power_iteration_finds_the_dominant_eigenpair():
    rng = np.random.default_rng(6)
    Q, _ = np.linalg.qr(rng.standard_normal((8, 8)))
    lam = np.array([10.0, 5, 3, 2, 1, 0.5, -1, -4])
    A = Q @ np.diag(lam) @ Q.T
    l1, v = spectral.power_iteration(A, iters=2000)
    assert l1 == pytest.approx(10.0, rel=1e-9)
    assert abs(v @ Q[:, 0]) == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("A,label", [
    (np.array([[2.0, 0.5], [0.5, 1.0]]), "positive definite"),
    (np.array([[1.0, 1.0], [1.0, 1.0]]), "positive semidefinite"),
    (-np.array([[2.0, 0.5], [0.5, 1.0]]), "negative definite"),
    (-np.array([[1.0, 1.0], [1.0, 1.0]]), "negative semidefinite"),
    (np.array([[1.0, 0.0], [0.0, -1.0]]), "indefinite"),
    (np.diag([1.0, -1.0, 0.0]), "indefinite"),
])
def test_definiteness_table(A, label):
    assert spectral.definiteness(A) == label
    assert label in spectral.DEFINITENESS


@SETTINGS
@given(st.integers(1, 5), st.integers(0, 2**16))
def test_definiteness_agrees_with_the_quadratic_form(n, seed):
    rng = np.random.default_rng(seed)
    B = rng.standard_normal((n, n))
    A = B @ B.T + 1e-3 * np.eye(n)
    X = rng.standard_normal((n, 100))
    assert spectral.definiteness(A) == "positive definite"
    assert np.all(spectral.quadratic_form(A, X) > 0)
    assert spectral.definiteness(-A) == "negative definite"


def test_quadratic_form_grid():
    X1, X2, F = spectral.quadratic_form_grid(np.diag([1.0, 2.0]), lim=1.0, n=5)
    assert F.shape == (5, 5)
    assert np.allclose(F, 0.5 * (X1 ** 2 + 2 * X2 ** 2))


@pytest.mark.parametrize("call,exc,msg", [
    (lambda: spectral.definiteness(np.array([[1.0, 2.0], [0.0, 1.0]])), ValueError, "A must be symmetric"),
    (lambda: spectral.definiteness(np.ones((2, 3))), ValueError, "square matrix"),
    (lambda: spectral.rayleigh_quotient(np.eye(2), np.zeros(2)), ValueError, "x must be nonzero"),
    (lambda: spectral.rayleigh_quotient(np.eye(2), np.ones(3)), ValueError, "x must have 2 rows"),
    (lambda: spectral.power_iteration(np.eye(2), iters=0), ValueError, r"iters must lie in \[1, 1000000\]"),
    (lambda: spectral.quadratic_form(np.eye(2), np.ones((3, 4))), ValueError, "X must have 2 rows"),
    (lambda: spectral.quadratic_form_grid(np.eye(2), lim=-1), ValueError, "lim must be > 0"),
])
def test_spectral_bad_input(call, exc, msg):
    with pytest.raises(exc, match=msg):
        call()


# ============================================================================ matfun
@SETTINGS
@given(st.integers(1, 5), st.floats(0.01, 3.0), st.integers(0, 2**16))
def test_expm_series_matches_scipy(n, scale, seed):
    A = scale * np.random.default_rng(seed).standard_normal((n, n)) / np.sqrt(n)
    ref = sla.expm(A)
    assert np.allclose(matfun.expm_series(A, terms=40), ref, rtol=1e-10, atol=1e-10)
    assert np.allclose(matfun.expm_series(A, terms=20, squarings=None), ref, rtol=1e-10, atol=1e-10)


def test_expm_series_cancellation_and_its_cure():
    A = np.array([[-30.0, 1.0], [0.0, -30.0]])
    ref = sla.expm(A)
    naive = matfun.expm_series(A, terms=150)
    cured = matfun.expm_series(A, terms=20, squarings=None)
    assert np.abs(naive - ref).max() > 1e3 * np.abs(ref).max()  # cancellation destroys the plain series
    assert np.allclose(cured, ref, rtol=1e-8, atol=1e-20)


@pytest.mark.filterwarnings("ignore:logm result may be inaccurate")
@SETTINGS
@given(st.integers(1, 5), st.floats(0.05, 0.45), st.integers(0, 2**16))
def test_logm_series_inside_the_disc_matches_scipy(n, radius, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, n))
    X *= radius / np.linalg.norm(X, 2)
    A = np.eye(n) + X
    assert np.allclose(matfun.logm_series(A, terms=80), sla.logm(A).real, atol=1e-10)
    assert np.allclose(sla.expm(matfun.logm_series(A, terms=80)), A, atol=1e-10)


def test_logm_series_diverges_outside_the_disc():
    A = np.diag([2.5, 1.2])  # spectral radius of A - I is 1.5
    _, norms_ = matfun.logm_series_history(A, terms=40)
    assert norms_[-1] > 1e4 * norms_[0]
    _, inside = matfun.logm_series_history(np.diag([1.5, 0.8]), terms=40)
    assert inside[-1] < 1e-6


@pytest.mark.parametrize("call,exc,msg", [
    (lambda: matfun.expm_series(np.ones((2, 3))), ValueError, "A must be a square matrix"),
    (lambda: matfun.expm_series(np.eye(2), terms=0), ValueError, r"terms must lie in \[1, 10000\]"),
    (lambda: matfun.expm_series(np.eye(2), squarings=-1), ValueError, r"squarings must lie in \[0, 200\]"),
    (lambda: matfun.logm_series(np.eye(2), terms=2.5), TypeError, "terms must be an int"),
])
def test_matfun_bad_input(call, exc, msg):
    with pytest.raises(exc, match=msg):
        call()


# ============================================================================ decomp
@SETTINGS
@given(st.integers(1, 7), st.integers(1, 3), st.integers(0, 2**16))
def test_triangular_solves_match_scipy(n, k, seed):
    rng = np.random.default_rng(seed)
    T = rng.standard_normal((n, n)) + 3 * np.eye(n) * np.sign(rng.standard_normal(n))
    b = rng.standard_normal((n, k))
    Lo, Up = np.tril(T), np.triu(T)
    assert np.allclose(decomp.forward_substitution(Lo, b), sla.solve_triangular(Lo, b, lower=True))
    assert np.allclose(decomp.back_substitution(Up, b[:, 0]), sla.solve_triangular(Up, b[:, 0]))
    assert np.allclose(decomp.forward_substitution(Lo, b, unit_diagonal=True),
                       sla.solve_triangular(Lo, b, lower=True, unit_diagonal=True))


@SETTINGS
@given(st.integers(1, 7), st.integers(0, 2**16))
def test_cholesky_matches_scipy_and_solves(n, seed):
    rng = np.random.default_rng(seed)
    B = rng.standard_normal((n, n))
    A = B @ B.T + n * np.eye(n)
    Lc = decomp.cholesky(A)
    assert np.allclose(Lc, sla.cholesky(A, lower=True))
    assert np.all(np.diag(Lc) > 0) and np.allclose(Lc, np.tril(Lc))
    b = rng.standard_normal(n)
    assert np.allclose(decomp.solve_cholesky(A, b), np.linalg.solve(A, b))


@SETTINGS
@given(matrices(6, square=True))
def test_lu_with_partial_pivoting_matches_scipy(A):
    P, Lo, U = decomp.lu(A)
    assert np.allclose(P @ Lo @ U, A, atol=1e-9 * max(1, np.abs(A).max()))
    assert np.allclose(np.diag(Lo), 1) and np.all(np.abs(Lo) <= 1 + 1e-12)
    assert np.allclose(U, np.triu(U))
    if A.shape[0] > 1 and np.linalg.matrix_rank(A) == A.shape[0] and np.linalg.cond(A) < 1e8:
        Ps, Ls, Us = sla.lu(A)
        assert np.allclose(U, Us, atol=1e-8 * max(1, np.abs(A).max()))
        assert np.allclose(P, Ps)


def test_lu_solves_and_needs_pivoting_on_a_permutation():
    A = np.array([[0.0, 1.0], [1.0, 0.0]])
    with pytest.raises(ValueError, match="zero pivot at step 0"):
        decomp.lu_nopivot(A)
    assert np.allclose(decomp.solve_lu(A, np.array([2.0, 3.0])), [3.0, 2.0])
    L0, U0 = decomp.lu_nopivot(np.array([[4.0, 1.0], [2.0, 3.0]]))
    assert np.allclose(L0 @ U0, [[4, 1], [2, 3]])


def test_cholesky_rejects_indefinite_and_nonsymmetric():
    with pytest.raises(ValueError, match="not positive definite"):
        decomp.cholesky(np.array([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(ValueError, match="A must be symmetric"):
        decomp.cholesky(np.array([[2.0, 1.0], [0.0, 2.0]]))


@SETTINGS
@given(matrices(5, square=True))
def test_determinants(A):
    ref = np.linalg.det(A)
    scale = max(1.0, np.abs(A).max()) ** A.shape[0]
    assert np.isclose(decomp.det_cofactor(A), ref, atol=1e-9 * scale)
    sign, logdet = decomp.slogdet_lu(A)
    rs, rl = np.linalg.slogdet(A)
    if rs != 0 and sign != 0 and abs(ref) > 1e-8 * scale:
        assert sign == rs and np.isclose(logdet, rl, atol=1e-8)
    assert np.allclose(A @ decomp.adjugate(A), decomp.det_cofactor(A) * np.eye(A.shape[0]), atol=1e-8 * scale)


def test_adjugate_of_a_singular_matrix_and_slogdet_of_huge_det():
    A = np.array([[1.0, 2.0], [2.0, 4.0]])
    assert np.allclose(decomp.adjugate(A), [[4, -2], [-2, 1]])
    assert decomp.slogdet_lu(A) == (0.0, -np.inf)
    big = 10.0 * np.eye(400)
    with np.errstate(over="ignore"):
        assert np.isinf(np.prod(np.diag(big)))  # det = 10**400 does not fit in a float
    assert decomp.slogdet_lu(big) == (1.0, pytest.approx(400 * np.log(10.0)))


@SETTINGS
@given(st.integers(1, 6), st.integers(1, 6), st.integers(0, 6), st.integers(0, 2**16))
def test_pinv_and_min_norm_least_squares(m, n, r, seed):
    r = min(r, m, n)
    rng = np.random.default_rng(seed)
    A = rank_deficient(m, n, r, seed) if r else np.zeros((m, n))
    y = rng.standard_normal(m)
    Ap = decomp.pinv_svd(A)
    assert np.allclose(Ap, np.linalg.pinv(A), atol=1e-8)
    # the four Penrose conditions
    assert np.allclose(A @ Ap @ A, A, atol=1e-8) and np.allclose(Ap @ A @ Ap, Ap, atol=1e-8)
    assert np.allclose((A @ Ap).T, A @ Ap, atol=1e-8) and np.allclose((Ap @ A).T, Ap @ A, atol=1e-8)
    x = decomp.lstsq_min_norm(A, y)
    assert np.allclose(x, np.linalg.lstsq(A, y, rcond=None)[0], atol=1e-8)


def test_ridge_inverse_tends_to_the_pseudoinverse():
    A = rank_deficient(5, 4, 2, 7)
    errs = [np.abs(decomp.pinv_ridge(A, lam) - np.linalg.pinv(A)).max() for lam in (1e-1, 1e-3, 1e-5)]
    assert errs[0] > errs[1] > errs[2] and errs[2] < 1e-3


@pytest.mark.parametrize("call,exc,msg", [
    (lambda: decomp.forward_substitution(np.triu(np.ones((3, 3))), np.ones(3)), ValueError, "T must be lower triangular"),
    (lambda: decomp.back_substitution(np.tril(np.ones((3, 3))), np.ones(3)), ValueError, "T must be upper triangular"),
    (lambda: decomp.back_substitution(np.triu(np.ones((3, 3))), np.ones(4)), ValueError, "b must have 3 rows"),
    (lambda: decomp.forward_substitution(np.diag([1.0, 0.0]), np.ones(2)), ValueError, "L is singular"),
    (lambda: decomp.solve_lu(np.ones((3, 3)), np.ones(3)), ValueError, "A is singular"),
    (lambda: decomp.lu(np.ones((2, 3))), ValueError, "A must be a square matrix"),
    (lambda: decomp.det_cofactor(np.eye(9)), ValueError, "n must be at most 8"),
    (lambda: decomp.pinv_ridge(np.eye(2), 0.0), ValueError, "lam must be > 0"),
    (lambda: decomp.lstsq_min_norm(np.eye(3), np.ones(2)), ValueError, "y must have 3 rows"),
    (lambda: decomp.cholesky(np.array([[1.0, 2.0], [2.0, 1.0j]])), TypeError, "A must be real"),
])
def test_decomp_bad_input(call, exc, msg):
    with pytest.raises(exc, match=msg):
        call()


@pytest.mark.filterwarnings("ignore:logm result may be inaccurate")
@SETTINGS
@given(st.integers(1, 5), st.floats(0.5, 4.0), st.integers(0, 2**16))
def test_logm_inverse_scaling_matches_scipy_outside_the_disc(n, scale, seed):
    rng = np.random.default_rng(seed)
    B = rng.standard_normal((n, n))
    A = scale * (B @ B.T + 0.1 * np.eye(n))          # SPD, eigenvalues may lie far from 1
    L, s = matfun.logm_inverse_scaling(A)
    assert np.allclose(L, sla.logm(A).real, atol=1e-9 * max(1.0, np.abs(L).max()))
    assert np.allclose(sla.expm(L), A, rtol=1e-8, atol=1e-8)


def test_logm_inverse_scaling_of_a_rotation_and_bad_input():
    R = norms.rotation2d(5 * np.pi / 6)
    L, s = matfun.logm_inverse_scaling(R)
    assert s >= 1 and np.allclose(L, [[0, -5 * np.pi / 6], [5 * np.pi / 6, 0]])
    with pytest.raises(ValueError, match="closed negative real axis"):
        matfun.logm_inverse_scaling(np.diag([-1.0, 2.0]))
    with pytest.raises(ValueError, match="closed negative real axis"):
        matfun.logm_inverse_scaling(np.diag([0.0, 2.0]))
    with pytest.raises(ValueError, match=r"radius must lie in \(0, 1\)"):
        matfun.logm_inverse_scaling(np.eye(2), radius=1.5)
    with pytest.raises(ValueError, match="after 0 roots"):
        matfun.logm_inverse_scaling(4 * np.eye(2), max_roots=0)
