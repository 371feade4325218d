"""plotting helpers appended for Part I, notebooks 01-03."""
import numpy as np
import pytest

from mlnotes import plotting


def test_quiver_field_draws_the_subsampled_field_with_the_longest_arrow_as_asked():
    fig, ax = plotting.figure()
    vy, vx = np.mgrid[0:10, 0:12].astype(float)  # arrows grow away from the origin
    q = plotting.quiver_field(ax, vy, vx, step=3, longest=2.0)
    assert q.U.size == len(range(1, 11, 3)) * len(range(1, 9, 3))  # rows 1..8, cols 1..10
    assert np.allclose(q.U, vx[1:-1:3, 1:-1:3].ravel())
    assert np.allclose(q.V, vy[1:-1:3, 1:-1:3].ravel())
    # longest arrow (norm of the whole field) spans `longest` grid cells
    assert q.scale == pytest.approx(np.hypot(vy, vx).max() / 2.0)
    fig.canvas.draw()


def test_quiver_field_accepts_a_zero_field():
    fig, ax = plotting.figure()
    q = plotting.quiver_field(ax, np.zeros((5, 5)), np.zeros((5, 5)))
    assert np.isfinite(q.scale) and q.scale > 0


@pytest.mark.parametrize("kw", [dict(vy=np.zeros((5, 5)), vx=np.zeros((5, 6))),
                                dict(vy=np.zeros(5), vx=np.zeros(5)),
                                dict(vy=np.full((5, 5), np.nan), vx=np.zeros((5, 5))),
                                dict(step=0), dict(step=1.5), dict(step=10**12), dict(longest=-1.0),
                                dict(longest="1"), dict(longest=True)])
def test_quiver_field_rejects_bad_input(kw):
    fig, ax = plotting.figure()
    args = dict(vy=np.zeros((5, 5)), vx=np.zeros((5, 5)))
    args.update(kw)
    with pytest.raises((ValueError, TypeError), match="quiver_field: "):
        plotting.quiver_field(ax, **args)


def test_surface3d_draws_surface_floor_contours_and_labels():
    fig, ax = plotting.figure(subplot_kw={"projection": "3d"})
    t = np.linspace(-1, 1, 11)
    X, Y = np.meshgrid(t, t)
    Z = X**2 - Y**2  # a saddle
    surf = plotting.surface3d(ax, X, Y, Z, title="saddle", elev=30, azim=20)
    assert surf in ax.collections
    assert len(ax.collections) > 1  # the contour lines on the floor
    assert ax.get_zlim() == pytest.approx((Z.min() - 0.5, Z.max()))
    assert ax.get_title() == "saddle" and ax.get_zlabel() == "$f$"
    assert (ax.elev, ax.azim) == (30, 20)
    fig.canvas.draw()


def test_surface3d_flat_surface_and_bad_input():
    fig, ax = plotting.figure(subplot_kw={"projection": "3d"})
    X, Y = np.meshgrid(np.arange(3.0), np.arange(3.0))
    plotting.surface3d(ax, X, Y, np.zeros((3, 3)))  # flat: no contours, still a z range
    assert ax.get_zlim() == pytest.approx((-0.5, 0.0))
    with pytest.raises(ValueError, match="surface3d: "):
        plotting.surface3d(ax, X, Y, np.zeros((2, 3)))
    with pytest.raises(ValueError, match="surface3d: "):
        plotting.surface3d(ax, X, Y, np.full((3, 3), np.nan))
    fig2, ax2 = plotting.figure()
    with pytest.raises(TypeError, match="surface3d: "):
        plotting.surface3d(ax2, X, Y, X + Y)
