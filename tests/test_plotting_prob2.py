"""Plotting helpers of the later probability notebooks (information theory, GPs)."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from mlnotes import plotting  # noqa: E402


def test_code_tree_places_leaves_in_order_and_sums_inner_nodes():
    code = {"A": "0", "B": "10", "C": "110", "D": "111"}
    probs = {"A": 0.5, "B": 0.25, "C": 0.15, "D": 0.1}
    fig, ax = plotting.figure()
    texts = plotting.code_tree(ax, code, probs)
    labels = [t.get_text() for t in texts]
    assert labels[:4] == ["A: 0  (0.5)", "B: 10  (0.25)", "C: 110  (0.15)", "D: 111  (0.1)"]
    assert labels[4:] == ["0.25", "0.5", "1"]          # inner nodes "11", "1", root ""
    xs = [t.get_position()[0] for t in texts]
    assert xs == [1, 2, 3, 3, 2, 1, 0]                  # depth = code-word length
    ys = [t.get_position()[1] for t in texts[:4]]
    assert ys == sorted(ys, reverse=True)               # leaves top to bottom
    assert len(ax.lines) == 6                           # one edge per non-root node
    plt.close("all")


def test_code_tree_rejects_mismatched_symbols():
    fig, ax = plotting.figure()
    with pytest.raises(ValueError, match="code_tree"):
        plotting.code_tree(ax, {"A": "0"}, {"B": 1.0})
    plt.close("all")


def test_gp_band_draws_mean_band_samples_and_data():
    import numpy as np
    x = np.linspace(0, 1, 11)
    fig, ax = plotting.figure()
    line = plotting.gp_band(ax, x, np.sin(x), 0.1 * np.ones(11), samples=[x, -x],
                            x_obs=[0.5], y_obs=[0.2], title="t")
    assert np.allclose(line.get_ydata(), np.sin(x))
    assert len(ax.lines) == 4                        # 2 samples, mean, observations
    band = ax.collections[0].get_paths()[0].vertices
    assert np.isclose(band[:, 1].max(), np.sin(1.0) + 0.2)   # mean + 2 sd
    with pytest.raises(ValueError, match="gp_band"):
        plotting.gp_band(ax, x, x[:3], x)
    plt.close("all")
