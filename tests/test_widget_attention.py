"""The attention explorer, driven like a reader: controls in, figure data out."""
import numpy as np
import pytest
import torch

from blit_check import repaints_with_equal_pixels

from mlnotes import attention as att
from mlnotes.widgets import AttentionExplorer
from mlnotes.widgets.base import Player


@pytest.fixture(scope="module")
def w():
    return AttentionExplorer()          # the gallery's default: the cached reversal model


def _outline_cells(line):
    xs, ys = (np.asarray(a, float) for a in line.get_data())
    if xs.size == 0:
        return set()
    cx = np.nanmean(xs.reshape(-1, 6)[:, :5], axis=1)
    cy = np.nanmean(ys.reshape(-1, 6)[:, :5], axis=1)
    return {(int(round(i)), int(round(j))) for i, j in zip(cy, cx)}


def check_figure_matches(w):
    """Every artist shows what the compute methods say for the widget's state."""
    st = w.state
    seq, layer, head = st["sequence"], st["layer"], st["head"]
    A = w.attention(seq, layer, head)
    assert np.array_equal(np.asarray(w._im.get_array()), A)
    assert np.array_equal(np.asarray(w._im_avg.get_array()), w.mean_attention(layer, head))
    assert np.allclose(A.sum(1), 1.0, atol=1e-6)
    # the weights are the model's for this input, layer and head
    x = torch.as_tensor(w.tokens(seq))[None]
    with torch.no_grad():
        logits, ws = w.model(x, return_attention=True)
    ref = ws[layer][0].double().numpy()
    assert np.allclose(A, ref.mean(0) if head == "mean" else ref[head], atol=1e-6)
    y, p = w.outputs(seq)
    assert np.array_equal(p, logits[0].argmax(-1).numpy())
    assert np.array_equal(y, att.task_targets(w.task, x)[0].numpy())
    toks = [str(t) for t in w.tokens(seq)]
    assert [t.get_text() for t in w._row_in] == toks and [t.get_text() for t in w._col_in] == toks
    for i, t in enumerate(w._row_out):
        assert t.get_text().startswith(f"\u2192 {p[i]}")
        assert ("not" in t.get_text()) == (p[i] != y[i])
    mask = w.source_mask(seq)
    assert _outline_cells(w._src) == set(zip(*np.nonzero(mask)))
    what = "mean over heads" if head == "mean" else f"head {head}"
    assert w._titles[0].get_text() == f"this input: layer {layer}, {what}"
    assert f"{int((p == y).sum())}/{w.length} right" in w._footer.get_text()


def test_controls_drive_the_figure(w):
    box = w.widget()
    check_figure_matches(w)
    for name, value in [("head", 1), ("layer", 1), ("head", "mean"), ("sequence", w.labels[3]),
                        ("layer", 0), ("head", 0), ("sequence", w.labels[-1]), ("head", "mean")]:
        box.controls[name].value = value
        assert w.state[name] == value
        check_figure_matches(w)
    w.draw()


def test_every_control_changes_the_pixels(w):
    """What the JupyterLab stage checks: each control, moved, changes the image."""
    w.figure(sequence=w.labels[0], layer=0, head=0)
    w.draw()
    before = np.asarray(w.fig.canvas.buffer_rgba()).copy()
    for name, value in [("sequence", w.labels[2]), ("layer", 1), ("head", 1), ("head", "mean")]:
        w.update(**{name: value})
        w.draw()
        now = np.asarray(w.fig.canvas.buffer_rgba()).copy()
        assert not np.array_equal(now, before), name
        before = now


def test_the_trained_model_reverses_through_the_anti_diagonal(w):
    """The teaching claim: the first layer copies position L-1-i into position i."""
    assert w.held_out_accuracy() >= 0.99
    L = w.length
    for seq in w.labels:
        y, p = w.outputs(seq)
        assert np.array_equal(p, y)
        assert np.array_equal(y, w.tokens(seq)[::-1])
    best = max(range(w.n_heads), key=lambda h: np.trace(w.mean_attention(0, h)[:, ::-1]))
    anti = np.diagonal(w.mean_attention(0, best)[:, ::-1])
    assert anti.min() > 0.8, anti            # measured > 0.97
    assert np.allclose(w.mean_attention(0, "mean"), w.mean_attention(0, 0) / 2 + w.mean_attention(0, 1) / 2)
    assert w.source_mask(w.labels[0]).sum() == L


def test_sort_model_and_marked_wrong_tokens():
    torch.manual_seed(0)
    untrained = att.TinyTransformer(vocab=6, length=5, d_model=8, n_heads=2, n_layers=1)
    inputs = np.array([[3, 1, 4, 1, 5], [0, 0, 2, 2, 5], [5, 4, 3, 2, 1]])
    s = AttentionExplorer(untrained, task="sort", inputs=inputs)
    assert s.labels == ["3 1 4 1 5", "0 0 2 2 5", "5 4 3 2 1"]
    assert s.controls["layer"].max == 0 and s.controls["head"].options == [0, 1, "mean"]
    mask = s.source_mask("3 1 4 1 5")           # sorted: 1 1 3 4 5; the two 1s give two cells each
    assert mask.sum() == 7 and mask[0, 1] and mask[0, 3] and mask[2, 0]
    s.figure(sequence="3 1 4 1 5", head="mean")
    check_figure_matches(s)
    y, p = s.outputs("3 1 4 1 5")
    assert (p != y).any()                       # an untrained model errs: the marks are exercised
    s.update(sequence="5 4 3 2 1")
    check_figure_matches(s)


def test_blitting_gives_the_pixels_of_a_full_draw(monkeypatch):
    m = att.default_model()[0]
    probe = AttentionExplorer(m)
    L = probe.labels
    steps = [dict(head=1), dict(layer=1), dict(head="mean"), dict(sequence=L[4]), dict(head=0),
             dict(layer=0), dict(sequence=L[6]), dict(head=1)]
    _, repaints = repaints_with_equal_pixels(lambda: AttentionExplorer(m), steps, monkeypatch)
    # layer and head repaint only the animated artists; a new input repaints all
    assert [r for st, r in zip(steps, repaints) if "sequence" not in st] == [0] * 6, repaints
    assert repaints[3] == repaints[6] == 1, repaints


def test_random_and_extreme_states_match(w):
    rng = np.random.default_rng(0)
    w.figure()
    heads = [0, 1, "mean"]
    for _ in range(20):
        st = {"sequence": w.labels[int(rng.integers(len(w.labels)))], "layer": int(rng.integers(2)),
              "head": heads[int(rng.integers(3))]}
        w.update(**st)
        check_figure_matches(w)
    w.draw()


def test_bad_values_name_the_control(w):
    with pytest.raises(ValueError, match=r"sequence must be one of .*got '9 9'"):
        w.update(sequence="9 9")
    with pytest.raises(ValueError, match=r"layer must lie in \[0, 1\], got 2"):
        w.update(layer=2)
    with pytest.raises(ValueError, match=r"head must be one of \[0, 1, 'mean'\], got 2"):
        w.update(head=2)
    with pytest.raises(TypeError, match=r"unknown argument"):
        w.update(token=3)
    with pytest.raises(ValueError, match=r"AttentionExplorer.attention: layer must lie in"):
        w.attention(w.labels[0], layer=5)
    with pytest.raises(ValueError, match=r"AttentionExplorer.tokens: sequence must be one of"):
        w.tokens("1 2 3")
    m = att.default_model()[0]
    with pytest.raises(TypeError, match="AttentionExplorer: model must be a mlnotes.attention.TinyTransformer"):
        AttentionExplorer("model")
    with pytest.raises(ValueError, match=r"AttentionExplorer: task must be one of \['reverse', 'sort'\]"):
        AttentionExplorer(m, task="copy")
    with pytest.raises(ValueError, match=r"AttentionExplorer: inputs must hold tokens in \[0, 9\]"):
        AttentionExplorer(m, inputs=[[0, 1, 2, 10]])
    with pytest.raises(ValueError, match=r"inputs must have at most 8 positions"):
        AttentionExplorer(m, inputs=np.zeros((2, 9), dtype=int))
    with pytest.raises(TypeError, match=r"inputs must hold integer tokens"):
        AttentionExplorer(m, inputs=np.zeros((2, 8)))
    with pytest.raises(ValueError, match="inputs must be distinct sequences"):
        AttentionExplorer(m, inputs=np.zeros((2, 8), dtype=int))


def test_player_over_heads_and_inputs(w):
    box = w.widget(head=1)
    fig = w.fig
    p = w.player("head", dpi=30)
    assert isinstance(p, Player) and p.n_frames == 3 and "head = mean" in p.html
    p2 = w.player("sequence", dpi=30, layer=1)
    assert p2.n_frames == len(w.labels) == 8
    assert w.fig is fig and w.state["head"] == 1
    box.controls["layer"].value = 1
    check_figure_matches(w)
