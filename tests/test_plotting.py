import matplotlib as mpl
import numpy as np
import pytest

import mlnotes
from mlnotes import plotting


def test_figure_is_detached_and_styled():
    import matplotlib.pyplot as plt

    n = len(plt.get_fignums())
    fig, axes = plotting.figure(2, 3)
    assert axes.shape == (2, 3)
    assert len(plt.get_fignums()) == n  # not registered with pyplot: nothing leaks
    fig.canvas.draw()  # renders on Agg
    assert fig.get_size_inches()[0] == pytest.approx(9.6)


def test_single_axes_and_explicit_size():
    fig, ax = plotting.figure(width=4, height=2)
    assert hasattr(ax, "plot")
    assert tuple(fig.get_size_inches()) == (4, 2)


@pytest.mark.parametrize("kw", [dict(nrows=0), dict(ncols=-1), dict(nrows=1.5), dict(width=-2), dict(height=np.nan)])
def test_figure_rejects_bad_arguments(kw):
    with pytest.raises((TypeError, ValueError), match="figure: "):
        plotting.figure(**kw)


def test_use_style_sets_palette():
    plotting.use_style()
    assert mpl.rcParams["axes.prop_cycle"].by_key()["color"][0] == plotting.PALETTE[0]


def test_imshow_gray_and_label():
    fig, ax = plotting.figure()
    im = plotting.imshow_gray(ax, np.eye(3), title="eye")
    assert im.get_array().shape == (3, 3)
    plotting.label(ax, "x", "y", "t")
    assert ax.get_xlabel() == "x" and ax.get_title() == "t"
    with pytest.raises(ValueError, match="imshow_gray: img must be"):
        plotting.imshow_gray(ax, np.zeros(3))


def test_setup_returns_device():
    assert mlnotes.setup(0) in ("cpu", "cuda", "mps")
