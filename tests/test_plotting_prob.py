"""Plotting helpers used by the probability notebooks."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from mlnotes import plotting  # noqa: E402


def test_frequency_tree_draws_every_node_in_order():
    fig, ax = plotting.figure()
    texts = plotting.frequency_tree(ax, "N", ["a", "b"], [["a1", "a2"], ["b1", "b2"]])
    assert [t.get_text() for t in texts] == ["N", "a", "a1", "a2", "b", "b1", "b2"]
    assert len(ax.lines) == 6
    ys = [t.get_position()[1] for t in texts]
    assert ys[2] > ys[3] > ys[5] > ys[6]          # leaves top to bottom, no overlap
    plt.close("all")


@pytest.mark.parametrize("kw, name", [
    (dict(children=["a"]), "children"), (dict(children=None), "children"),
    (dict(leaves=[["a1"], ["b1", "b2"]]), "leaves"), (dict(leaves=3), "leaves"),
    (dict(root=3), "root"), (dict(root=None), "root"), (dict(ax=None), "ax"),
    (dict(children=["a", 2]), "children"),
])
def test_frequency_tree_rejects_bad_input_naming_it(kw, name):
    fig, ax = plotting.figure()
    args = dict(ax=ax, root="N", children=["a", "b"], leaves=[["a1", "a2"], ["b1", "b2"]])
    args.update(kw)
    with pytest.raises(TypeError, match=f"frequency_tree: {name}"):
        plotting.frequency_tree(**args)
    plt.close("all")
