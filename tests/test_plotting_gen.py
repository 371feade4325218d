"""Tests of the plotting helpers used by the generative-models notebooks."""
import matplotlib

matplotlib.use("Agg")
import numpy as np
import pytest

from mlnotes import plotting


def test_score_quiver_caps_long_arrows_and_keeps_short_ones():
    fig, ax = plotting.figure()
    pts = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]])
    field = np.array([[10.0, 0.0], [0.3, 0.4], [0.0, 0.0]])
    q = plotting.score_quiver(ax, pts, field, color="C0", label_text="exact", longest=2.5)
    U, V = np.asarray(q.U), np.asarray(q.V)
    assert np.allclose(np.hypot(U, V), [2.5, 0.5, 0.0])      # capped, kept, zero stays zero
    assert np.allclose(U[0], 2.5) and np.allclose(V[1] / U[1], 0.4 / 0.3)  # direction kept
    assert q.get_label() == "exact"


def test_score_quiver_rejects_bad_shapes():
    fig, ax = plotting.figure()
    with pytest.raises(ValueError, match="shape"):
        plotting.score_quiver(ax, np.zeros((3, 2)), np.zeros((2, 2)))
