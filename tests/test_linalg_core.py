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

# ============================================================================ maps: adjoint pairs

def test_gradient_of_a_linear_ramp_is_constant_inside():
    x = np.arange(6.0)
    g = maps.grad(np.add.outer(2 * x, -x), h=1.0)  # f = 2 i - j
    assert np.allclose(g[0][:-1], 2.0) and np.allclose(g[1][:, :-1], -1.0)
    assert np.all(g[0][-1] == 0) and np.all(g[1][:, -1] == 0)


def test_warp_on_integer_positions_picks_pixels_and_matches_scipy():
    from scipy.ndimage import map_coordinates

    rng = np.random.default_rng(5)
    f = rng.standard_normal((5, 6))
    r, c = np.meshgrid(np.arange(5.0), np.arange(6.0), indexing="ij")
    assert np.allclose(maps.warp_bilinear(f, np.stack([r, c])), f)
    phi = np.stack([rng.uniform(0, 4, 20), rng.uniform(0, 5, 20)])
    assert np.allclose(maps.warp_bilinear(f, phi), map_coordinates(f, phi, order=1))


# ============================================================================ maps: rank and span
def rank_deficient(m, n, r, seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, r)) @ rng.standard_normal((r, n))


@SETTINGS
@given(st.integers(1, 7), st.integers(1, 7), st.integers(0, 7), st.integers(0, 2**16))
def test_rank_from_row_echelon_matches_numpy(m, n, r, seed):
    r = min(r, m, n)
    A = rank_deficient(m, n, r, seed) if r > 0 else np.zeros((m, n))
    assert maps.rank_gauss(A) == np.linalg.matrix_rank(A) == r


def test_row_echelon_of_a_known_matrix():
    A = np.array([[1.0, 2, 3], [2, 4, 6], [1, 0, 1]])
    R, piv = maps.row_echelon(A)
    assert piv == [0, 1]
    assert np.allclose(R, [[1, 0, 1], [0, 1, 1], [0, 0, 0]])


@pytest.mark.parametrize("call,exc,msg", [
    (lambda: maps.grad(np.ones((1, 5))), ValueError, "at least 2 points"),
    (lambda: maps.warp_bilinear(np.ones((4, 4)), np.ones((3, 5))), ValueError, r"phi must have shape \(2, \.\.\.\)"),
    (lambda: maps.row_echelon(np.ones(3)), ValueError, "A must be 2-D"),
    (lambda: maps.row_echelon(np.array([[1.0, np.nan]])), ValueError, "finite"),
    (lambda: maps.row_echelon([["a"]]), TypeError, "must hold numbers"),
])
def test_maps_bad_input(call, exc, msg):
    with pytest.raises(exc, match=msg):
        call()


# ============================================================================ norms

def test_rotation_and_householder_are_orthogonal():
    R, H = norms.rotation2d(0.7), norms.householder(np.array([1.0, 2.0, -1.0]))
    assert np.allclose(R.T @ R, np.eye(2)) and np.isclose(np.linalg.det(R), 1)
    assert np.allclose(H.T @ H, np.eye(3)) and np.isclose(np.linalg.det(H), -1)


@pytest.mark.parametrize("call,exc,msg", [
    (lambda: norms.householder(np.zeros(3)), ValueError, "v must be nonzero"),
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


@pytest.mark.parametrize("call,exc,msg", [
    (lambda: matfun.expm_series(np.ones((2, 3))), ValueError, "A must be a square matrix"),
    (lambda: matfun.expm_series(np.eye(2), terms=0), ValueError, r"terms must lie in \[1, 10000\]"),
    (lambda: matfun.expm_series(np.eye(2), squarings=-1), ValueError, r"squarings must lie in \[0, 200\]"),
    (lambda: matfun.expm_series(np.eye(2), terms=2.5), TypeError, "terms must be an int"),
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
    assert np.allclose(A @ decomp.adjugate(A), decomp.det_cofactor(A) * np.eye(A.shape[0]), atol=1e-8 * scale)


def test_adjugate_of_a_singular_matrix():
    A = np.array([[1.0, 2.0], [2.0, 4.0]])
    assert np.allclose(decomp.adjugate(A), [[4, -2], [-2, 1]])


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
    x = Ap @ y
    assert np.allclose(x, np.linalg.lstsq(A, y, rcond=None)[0], atol=1e-8)


@pytest.mark.parametrize("call,exc,msg", [
    (lambda: decomp.forward_substitution(np.triu(np.ones((3, 3))), np.ones(3)), ValueError, "L must be lower triangular"),
    (lambda: decomp.forward_substitution(np.tril(np.ones((3, 3))), np.ones(4)), ValueError, "b must have 3 rows"),
    (lambda: decomp.forward_substitution(np.diag([1.0, 0.0]), np.ones(2)), ValueError, "L is singular"),
    (lambda: decomp.lu(np.ones((2, 3))), ValueError, "A must be a square matrix"),
    (lambda: decomp.det_cofactor(np.eye(9)), ValueError, "n must be at most 8"),
    (lambda: decomp.pinv_svd(np.eye(2), rtol=-1.0), ValueError, "rtol must be >= 0"),
    (lambda: decomp.cholesky(np.array([[1.0, 2.0], [2.0, 1.0j]])), TypeError, "A must be real"),
])
def test_decomp_bad_input(call, exc, msg):
    with pytest.raises(exc, match=msg):
        call()

