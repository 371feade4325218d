"""``AttentionExplorer``: where each position of a trained transformer looks, layer by layer, head by head.

Explained in ``notebooks/06-architectures/03-transformers.ipynb``. A
:class:`mlnotes.attention.TinyTransformer` trained on an algorithmic task (reversing or sorting a
sequence of tokens) reads one of a few held-out input sequences. The left panel is the heat-map
of the attention weights ``A[i, j]`` of one layer and head (or their mean over the heads): row
``i`` is the distribution over the key positions ``j`` that position ``i`` reads, so every row
sums to 1. The input tokens label the columns and the rows; the predicted output token of each
row is written at its right end (red where it is wrong). Outlined cells mark where the token that
output ``i`` must produce sits in the input (for reversal: position ``L - 1 - i``; for sorting:
every position holding the ``i``-th smallest token). The right panel is the same layer and head
averaged over 1000 held-out inputs: the pattern the model uses on any input.

Nothing is trained on construction when a model is given; ``AttentionExplorer()`` uses
:func:`mlnotes.attention.default_model` (a second of training, once per process).
"""
from __future__ import annotations

from typing import Any, List, Mapping, Tuple

import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from .. import plotting
from ..validate import as_choice
from .base import Choice, IntSlider, Widget, _pin_axis_labels

__all__ = ["AttentionExplorer"]

_WRONG = "#D55E00"      # a wrong output token
_RIGHT = "#009E73"      # a right one
_SOURCE = "#D55E00"     # the outline of the cells the output must copy
#: Most sequences offered, and longest sequence drawn (the labels must stay legible).
MAX_INPUTS, MAX_LENGTH = 24, 24
_CELL_RGBA = {"plain": to_rgba("white"), "right": to_rgba("#D9F0E8"), "wrong": to_rgba("#F9D9C7")}


def _label(row: np.ndarray) -> str:
    return " ".join(str(int(t)) for t in row)


class AttentionExplorer(Widget):
    """Attention maps of a trained :class:`mlnotes.attention.TinyTransformer`, with its outputs.

    Parameters
    ----------
    model : mlnotes.attention.TinyTransformer, optional
        A trained model; default :func:`mlnotes.attention.default_model` ``(task)``.
    task : ``"reverse"`` or ``"sort"``
        The task the model was trained on (it gives the targets and the outlined cells).
    inputs : array (n, L) of ints, optional
        The sequences offered by the ``sequence`` control (1 to 24 distinct rows, tokens in
        ``[0, vocab)``, ``L <= model.length``, ``L <= 24``). Default: six held-out random sequences
        (:func:`mlnotes.attention.task_batch` with a generator seeded 2024), the ascending
        sequence ``0, 1, ..., L-1`` (mod vocab) and a sequence of repeated tokens.

    Controls
    --------
    sequence : the input, written as its tokens (``"3 1 4 1 5 9 2 6"``);
    layer : 0 to ``n_layers - 1``; head : 0 to ``n_heads - 1``, or ``"mean"`` (the average of the
    heads' weights).

    Compute methods: :meth:`tokens`, :meth:`outputs`, :meth:`attention`, :meth:`source_mask`,
    :meth:`held_out_accuracy`.
    """

    def __init__(self, model: Any = None, task: str = "reverse", inputs: Any = None) -> None:
        super().__init__()
        import torch  # noqa: PLC0415

        from .. import attention as att  # noqa: PLC0415

        task = as_choice(task, "task", "AttentionExplorer", att.TASKS)
        if model is None:
            model = att.default_model(task)[0]
        if not isinstance(model, att.TinyTransformer):
            raise TypeError(f"AttentionExplorer: model must be a mlnotes.attention.TinyTransformer, got "
                            f"{type(model).__name__}")
        self.model, self.task = model, task
        length = min(model.length, MAX_LENGTH)
        if inputs is None:
            x, _ = att.task_batch(task, 6, length=length, vocab=model.vocab,
                                  generator=torch.Generator().manual_seed(2024))
            asc = torch.arange(length) % model.vocab
            rep = torch.tensor([(2 * (i * 3 // length) + 1) % model.vocab for i in range(length)])
            x = torch.cat([x, asc[None], rep[None]])
        else:
            x = att._tokens(inputs, "inputs", "AttentionExplorer", vocab=model.vocab, max_length=model.length)
            if x.shape[1] > MAX_LENGTH or x.shape[0] > MAX_INPUTS:
                raise ValueError(f"AttentionExplorer: inputs must have at most {MAX_INPUTS} rows of at most "
                                 f"{MAX_LENGTH} tokens, got shape {tuple(x.shape)}")
        X = x.numpy().astype(np.int64)
        labels = [_label(r) for r in X]
        if len(set(labels)) != len(labels):
            raise ValueError("AttentionExplorer: inputs must be distinct sequences (rows), got repeated rows")
        self.inputs, self.labels = X, labels
        self.length = X.shape[1]
        was_training = model.training
        model.eval()
        try:
            with torch.no_grad():
                logits, weights = model(x, return_attention=True)
                xt, yt = att.task_batch(task, 1000, length=self.length, vocab=model.vocab,
                                        generator=torch.Generator().manual_seed(7))
                lt, wt = model(xt, return_attention=True)
                self._held_out = float((lt.argmax(-1) == yt).double().mean())
                # (layers, heads, L, L): the weights averaged over the held-out inputs
                self._mean_weights = np.stack([w.double().mean(0).cpu().numpy() for w in wt])
        finally:
            model.train(was_training)
        self.predicted = logits.argmax(-1).cpu().numpy().astype(np.int64)
        self.targets = att.task_targets(task, x).numpy().astype(np.int64)
        # (n, layers, heads, L, L) in float64
        self.weights = np.stack([w.double().cpu().numpy() for w in weights], axis=1)
        self.n_layers, self.n_heads = model.n_layers, model.n_heads
        self.n_held_out = 1000
        self._shown_seq: Any = None
        self.controls = {
            "sequence": Choice(list(self.labels), self.labels[0], "input"),
            "layer": IntSlider(0, self.n_layers - 1, 0, description="layer"),
            "head": Choice(list(range(self.n_heads)) + ["mean"], 0, "head"),
        }

    # ------------------------------------------------------------------ compute
    def _index(self, sequence: str, func: str) -> int:
        return self.labels.index(self.controls["sequence"].validate(f"AttentionExplorer.{func}: sequence", sequence))

    def tokens(self, sequence: str) -> np.ndarray:
        """The input tokens of ``sequence`` (an option of the control), shape (L,)."""
        return self.inputs[self._index(sequence, "tokens")].copy()

    def outputs(self, sequence: str) -> Tuple[np.ndarray, np.ndarray]:
        """``(target, predicted)`` output tokens for ``sequence``: what the task asks and the
        argmax of the model's logits at every position, two int arrays of shape (L,)."""
        i = self._index(sequence, "outputs")
        return self.targets[i].copy(), self.predicted[i].copy()

    def attention(self, sequence: str, layer: int = 0, head: Any = 0) -> np.ndarray:
        """The (L, L) attention weights of ``layer`` and ``head`` for ``sequence`` (float64).

        Row ``i``, column ``j``: the weight position ``i`` puts on position ``j``,
        ``softmax_j(q_i . k_j / sqrt(d_k))``; every row sums to 1. ``head="mean"``: the average
        of the heads' matrices (also row-stochastic).
        """
        i = self._index(sequence, "attention")
        layer = self.controls["layer"].validate("AttentionExplorer.attention: layer", layer)
        head = self.controls["head"].validate("AttentionExplorer.attention: head", head)
        w = self.weights[i, layer]
        return w.mean(axis=0) if head == "mean" else w[head].copy()

    def source_mask(self, sequence: str) -> np.ndarray:
        """Boolean (L, L): ``[i, j]`` is True where input position ``j`` holds what output ``i``
        must produce. Reversal: only ``j = L - 1 - i``; sorting: every ``j`` whose token equals
        the ``i``-th smallest (ties give several cells)."""
        i = self._index(sequence, "source_mask")
        x, y = self.inputs[i], self.targets[i]
        if self.task == "reverse":
            return np.eye(self.length, dtype=bool)[::-1].copy()
        return y[:, None] == x[None, :]

    def held_out_accuracy(self) -> float:
        """Token accuracy of the model on 1000 random sequences of the task (generator seed 7)."""
        return self._held_out

    def mean_attention(self, layer: int = 0, head: Any = 0) -> np.ndarray:
        """The (L, L) attention weights of ``layer`` and ``head`` averaged over the 1000 held-out
        sequences of :meth:`held_out_accuracy` (float64; rows sum to 1)."""
        layer = self.controls["layer"].validate("AttentionExplorer.mean_attention: layer", layer)
        head = self.controls["head"].validate("AttentionExplorer.mean_attention: head", head)
        w = self._mean_weights[layer]
        return w.mean(axis=0) if head == "mean" else w[head].copy()

    # ------------------------------------------------------------------- figure
    def _figsize(self) -> tuple:
        return (9.4, 4.4)

    def _draw(self, fig: Figure, state: Mapping[str, Any]) -> None:
        L = self.length
        gs = fig.add_gridspec(1, 2)
        ax = self._ax = fig.add_subplot(gs[0, 0])
        avg = self._avg = fig.add_subplot(gs[0, 1])
        fs = 9 if L <= 12 else 7
        self._shown_seq = None
        for a in (ax, avg):
            a.set_xlim(-0.5, L - 0.5)
            a.set_ylim(L - 0.5, -0.5)
            a.grid(False)
            # the animated image is painted over the cached background: nothing of the
            # background may lie on it (no spines, no tick marks)
            for sp in a.spines.values():
                sp.set_visible(False)
            a.tick_params(length=0, pad=4)
        kw = dict(cmap="Blues", vmin=0.0, vmax=1.0, interpolation="nearest", aspect="equal", animated=True)
        self._im = ax.imshow(np.zeros((L, L)), **kw)
        self._im_avg = avg.imshow(np.zeros((L, L)), **kw)
        self._src, = ax.plot([], [], "-", color=_SOURCE, lw=1.6, animated=True, zorder=3)
        self._src_avg, = avg.plot([], [], "-", color=_SOURCE, lw=1.6, animated=True, zorder=3)
        ax.set_xticks([])
        ax.set_yticks([])
        # token labels just outside the heat-map (they change with the input only: a new input
        # repaints the figure, a new layer or head only the animated images, outlines and titles)
        self._row_in = [ax.text(-0.62, i, "", ha="right", va="center", fontsize=fs, clip_on=False)
                        for i in range(L)]
        self._col_in = [ax.text(j, L - 0.5 + 0.12, "", ha="center", va="top", fontsize=fs, clip_on=False)
                        for j in range(L)]
        self._row_out = [ax.text(L - 0.5 + 0.15, i, "", ha="left", va="center", fontsize=fs,
                                 fontweight="bold", clip_on=False) for i in range(L)]
        ax.set_xlabel("key position j: input token", labelpad=20)
        ax.set_ylabel("query position i: input token", labelpad=20)
        ticks = range(0, L, 1 if L <= 12 else 2)
        avg.set_xticks(ticks)
        avg.set_yticks(ticks)
        avg.set_xlabel("key position j")
        avg.set_ylabel("query position i")
        self._titles = [a.text(0.5, 1.03, "", transform=a.transAxes, ha="center", va="bottom", fontsize=10,
                               animated=True) for a in (ax, avg)]
        for a in (ax, avg):
            a.set_title(" ", y=1.0)    # reserves the room of the animated title
        cb = fig.colorbar(self._im_avg, ax=[ax, avg], fraction=0.03, pad=0.02)
        cb.set_label("attention weight $A_{ij}$")
        self._footer = fig.supxlabel(" ", fontsize=9, color="0.25")

    def figure(self, **state: Any) -> Figure:
        """Build the figure for ``state``; the layout is computed once, then frozen (fast updates)."""
        fig = super().figure(**state)
        _pin_axis_labels(self._ax, self._avg)
        return fig

    @staticmethod
    def _outline(mask: np.ndarray) -> Tuple[List[float], List[float]]:
        xs: List[float] = []
        ys: List[float] = []
        d = 0.44
        for i, j in zip(*np.nonzero(mask)):
            xs += [j - d, j + d, j + d, j - d, j - d, np.nan]
            ys += [i - d, i - d, i + d, i + d, i - d, np.nan]
        return xs, ys

    def _update(self, state: Mapping[str, Any]) -> None:
        seq, layer, head = state["sequence"], state["layer"], state["head"]
        self._im.set_data(self.attention(seq, layer, head))
        self._im_avg.set_data(self.mean_attention(layer, head))
        what = "mean over heads" if head == "mean" else f"head {head}"
        self._titles[0].set_text(f"this input: layer {layer}, {what}")
        self._titles[1].set_text(f"mean over {self.n_held_out} held-out inputs")
        if self._shown_seq == seq:
            return
        x = self.tokens(seq)
        y, p = self.outputs(seq)
        self._src.set_data(*self._outline(self.source_mask(seq)))
        if self.task == "reverse":
            self._src_avg.set_data(*self._outline(self.source_mask(seq)))
        for i in range(self.length):
            self._row_in[i].set_text(str(x[i]))
            self._col_in[i].set_text(str(x[i]))
            ok = p[i] == y[i]
            self._row_out[i].set_text(f"\u2192 {p[i]}" if ok else f"\u2192 {p[i]} (not {y[i]})")
            self._row_out[i].set_color(_RIGHT if ok else _WRONG)
        right = int((p == y).sum())
        self._footer.set_text(f"task: {self.task}; \u2192 predicted output ({right}/{self.length} right on this "
                              f"input; held-out token accuracy {100 * self._held_out:.1f} %); "
                              f"outlined: where the wanted token sits")
        self._shown_seq = seq
