"""A tiny transformer encoder that returns its attention weights, two algorithmic tasks and a
fast training loop.

Explained in ``notebooks/06-architectures/03-transformers.ipynb``; used there and by the
:class:`mlnotes.widgets.attention.AttentionExplorer` widget.

The model (:class:`TinyTransformer`) reads a sequence of ``L`` tokens from ``{0, ..., V-1}`` and
predicts one output token per position (an encoder only, no causal mask):

* ``h_0 = E[x] + P``: a token embedding ``E`` (V x d) plus a learned position embedding ``P``
  (L x d);
* ``n_layers`` post-norm encoder layers (:class:`EncoderLayer`, the layout of
  ``nn.TransformerEncoderLayer(norm_first=False)`` with ReLU and no dropout)::

      h <- LayerNorm(h + MultiHead(h)),   h <- LayerNorm(h + W_2 relu(W_1 h + b_1) + b_2),

  where head ``j`` computes ``A_j = softmax(Q_j K_j^T / sqrt(d_k))`` (``d_k = d / H``) and
  ``A_j V_j``; the layer returns the weights ``A`` so that they can be drawn;
* a linear read-out to V logits per position.

Tasks (:data:`TASKS`): ``"reverse"`` (output ``x_{L-1}, ..., x_0``) and ``"sort"`` (output the
tokens in increasing order). Inputs are uniform random tokens (:func:`task_batch`).
"""
from __future__ import annotations

import functools
import math
import time
from typing import Any, Dict, List, Optional, Tuple, Union

import numpy as np

try:
    import torch
    from torch import nn
except ImportError as exc:  # pragma: no cover - torch is installed in the book's environment
    raise ImportError("mlnotes.attention needs torch: pip install torch") from exc

from .optim import Adam
from .validate import as_bool, as_choice, as_float, as_seed, as_size

__all__ = ["TASKS", "EncoderLayer", "TinyTransformer", "task_targets", "task_batch", "token_accuracy",
           "train_transformer", "default_model"]

#: The algorithmic tasks of :func:`task_batch` and :func:`train_transformer`.
TASKS = ("reverse", "sort")
#: Bounds of the sizes accepted (a tiny model: anything larger belongs on a GPU page).
MAX_LENGTH, MAX_VOCAB, MAX_WIDTH = 256, 10_000, 4096


# ----------------------------------------------------------------------------- helpers
def _tokens(x: Any, name: str, func: str, *, vocab: Optional[int] = None,
            max_length: Optional[int] = None) -> "torch.Tensor":
    """``x`` as a (B, L) int64 tensor of tokens in ``[0, vocab)``, or a clear error."""
    if isinstance(x, torch.Tensor):
        t = x.detach()
        if t.dtype == torch.bool or t.is_floating_point() or t.is_complex():
            raise TypeError(f"{func}: {name} must hold integer tokens, got a tensor of {t.dtype}")
        t = t.to(torch.int64)
    else:
        if x is None or isinstance(x, (str, bytes, dict)):
            raise TypeError(f"{func}: {name} must be an integer array of tokens, got {type(x).__name__}")
        try:
            a = np.asarray(x)
        except Exception as exc:
            raise TypeError(f"{func}: {name} must be an integer array of tokens ({exc})") from None
        if a.dtype == bool or not np.issubdtype(a.dtype, np.integer):
            raise TypeError(f"{func}: {name} must hold integer tokens, got dtype {a.dtype}")
        t = torch.as_tensor(a.astype(np.int64))
    if t.ndim != 2 or t.shape[0] < 1 or t.shape[1] < 1:
        raise ValueError(f"{func}: {name} must be a non-empty 2-D array (batch, length), got shape "
                         f"{tuple(t.shape)}")
    if max_length is not None and t.shape[1] > max_length:
        raise ValueError(f"{func}: {name} must have at most {max_length} positions (the model's length), "
                         f"got {t.shape[1]}")
    if vocab is not None and (int(t.min()) < 0 or int(t.max()) >= vocab):
        raise ValueError(f"{func}: {name} must hold tokens in [0, {vocab - 1}], got values in "
                         f"[{int(t.min())}, {int(t.max())}]")
    return t


def _check_model(model: Any, func: str) -> "TinyTransformer":
    if not isinstance(model, TinyTransformer):
        raise TypeError(f"{func}: model must be a mlnotes.attention.TinyTransformer, got {type(model).__name__}")
    return model


def _heads(d_model: Any, n_heads: Any, func: str) -> Tuple[int, int]:
    d_model = as_size(d_model, "d_model", func, hi=MAX_WIDTH)
    n_heads = as_size(n_heads, "n_heads", func, hi=MAX_WIDTH)
    if d_model % n_heads:
        raise ValueError(f"{func}: d_model must be a multiple of n_heads, got d_model = {d_model}, "
                         f"n_heads = {n_heads}")
    return d_model, n_heads


# ------------------------------------------------------------------------------ model
class EncoderLayer(nn.Module):
    r"""One post-norm transformer encoder layer with explicit query, key and value projections.

    .. math:: A_j = \operatorname{softmax}\bigl(Q_j K_j^\top / \sqrt{d_k}\bigr),\quad
              \mathrm{MH}(h) = [A_1 V_1, \dots, A_H V_H]\, W_O^\top + b_O,

    with :math:`Q = h W_Q^\top + b_Q` (likewise K, V) split into ``n_heads`` blocks of
    :math:`d_k = d / H` columns; then ``h <- norm1(h + MH(h))`` and
    ``h <- norm2(h + linear2(relu(linear1(h))))``. With the same weights it computes what
    ``nn.TransformerEncoderLayer(d_model, n_heads, d_ff, dropout=0, batch_first=True)`` computes
    (see :meth:`from_torch`).

    Parameters
    ----------
    d_model : int, the width d; n_heads : int dividing d; d_ff : int, the feed-forward width.
    """

    def __init__(self, d_model: int = 32, n_heads: int = 2, d_ff: int = 64) -> None:
        super().__init__()
        d_model, n_heads = _heads(d_model, n_heads, "EncoderLayer")
        d_ff = as_size(d_ff, "d_ff", "EncoderLayer", hi=MAX_WIDTH)
        self.d_model, self.n_heads, self.d_ff = d_model, n_heads, d_ff
        self.q, self.k, self.v = (nn.Linear(d_model, d_model) for _ in range(3))
        self.out = nn.Linear(d_model, d_model)
        self.linear1, self.linear2 = nn.Linear(d_model, d_ff), nn.Linear(d_ff, d_model)
        self.norm1, self.norm2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)

    def forward(self, h: "torch.Tensor", need_weights: bool = True
                ) -> Tuple["torch.Tensor", Optional["torch.Tensor"]]:
        """``(new h, attention weights)`` for ``h`` of shape (B, L, d); the weights are (B, H, L, L),
        row ``i`` of head ``j`` the distribution over the positions that position ``i`` reads.

        With ``need_weights=False`` the weights are not formed (``None`` is returned in their
        place) and ``F.scaled_dot_product_attention`` computes the same mixture faster (equal
        to rounding); training uses this path."""
        if not isinstance(h, torch.Tensor):
            raise TypeError(f"EncoderLayer.forward: h must be a torch.Tensor of shape (batch, length, "
                            f"{self.d_model}), got {type(h).__name__}")
        if h.ndim != 3 or h.shape[-1] != self.d_model:
            raise ValueError(f"EncoderLayer.forward: h must be a tensor of shape (batch, length, "
                             f"{self.d_model}), got {tuple(h.shape)}")
        B, L, d = h.shape
        H, dk = self.n_heads, d // self.n_heads

        def split(x: "torch.Tensor") -> "torch.Tensor":
            return x.view(B, L, H, dk).transpose(1, 2)             # (B, H, L, dk)

        q, k, v = split(self.q(h)), split(self.k(h)), split(self.v(h))
        if need_weights:
            A = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(dk), dim=-1)
            mix = A @ v
        else:
            A, mix = None, nn.functional.scaled_dot_product_attention(q, k, v)
        mix = mix.transpose(1, 2).reshape(B, L, d)
        h = self.norm1(h + self.out(mix))
        h = self.norm2(h + self.linear2(torch.relu(self.linear1(h))))
        return h, A

    @classmethod
    def from_torch(cls, layer: "nn.TransformerEncoderLayer") -> "EncoderLayer":
        """An :class:`EncoderLayer` holding copies of the weights of a torch encoder layer.

        ``layer`` must be post-norm (``norm_first=False``) with a ReLU activation; its packed
        ``self_attn.in_proj_weight`` is split into the query, key and value rows (in that order).
        The copy has the layer's dtype and device. Dropout is not copied (evaluate ``layer`` in
        ``eval()`` mode or with ``dropout=0`` to compare).
        """
        if not isinstance(layer, nn.TransformerEncoderLayer):
            raise TypeError(f"EncoderLayer.from_torch: layer must be a nn.TransformerEncoderLayer, got "
                            f"{type(layer).__name__}")
        if layer.norm_first:
            raise ValueError("EncoderLayer.from_torch: layer must be post-norm (norm_first=False)")
        act = getattr(layer, "activation", None)
        if not (act is torch.nn.functional.relu or isinstance(act, nn.ReLU)):
            raise ValueError(f"EncoderLayer.from_torch: layer must use the ReLU activation, got {act!r}")
        att = layer.self_attn
        if att.in_proj_weight is None or att.in_proj_bias is None or att.out_proj.bias is None \
                or layer.linear1.bias is None:
            raise ValueError("EncoderLayer.from_torch: layer must have packed projections with biases "
                             "(the defaults)")
        p = att.in_proj_weight
        new = cls(att.embed_dim, att.num_heads, layer.linear1.out_features).to(dtype=p.dtype, device=p.device)
        d = att.embed_dim
        with torch.no_grad():
            for i, lin in enumerate((new.q, new.k, new.v)):
                lin.weight.copy_(att.in_proj_weight[i * d:(i + 1) * d])
                lin.bias.copy_(att.in_proj_bias[i * d:(i + 1) * d])
            for mine, theirs in ((new.out, att.out_proj), (new.linear1, layer.linear1),
                                 (new.linear2, layer.linear2), (new.norm1, layer.norm1),
                                 (new.norm2, layer.norm2)):
                mine.weight.copy_(theirs.weight)
                mine.bias.copy_(theirs.bias)
            new.norm1.eps, new.norm2.eps = layer.norm1.eps, layer.norm2.eps
        return new


class TinyTransformer(nn.Module):
    """A transformer encoder for sequences of ``length`` tokens from ``{0, ..., vocab-1}``.

    Token embedding plus a learned position embedding, ``n_layers`` :class:`EncoderLayer` s and a
    linear read-out to ``vocab`` logits at every position (see the module docstring).

    Parameters
    ----------
    vocab : int >= 2, the number of token values V
    length : int, the longest sequence L (the number of position embeddings)
    d_model : int, the width d; n_heads : int dividing ``d_model``; n_layers : int
    d_ff : int, the feed-forward width (default ``2 * d_model``)
    """

    def __init__(self, vocab: int = 10, length: int = 8, d_model: int = 32, n_heads: int = 2,
                 n_layers: int = 2, d_ff: Optional[int] = None) -> None:
        super().__init__()
        self.vocab = as_size(vocab, "vocab", "TinyTransformer", lo=2, hi=MAX_VOCAB)
        self.length = as_size(length, "length", "TinyTransformer", hi=MAX_LENGTH)
        self.d_model, self.n_heads = _heads(d_model, n_heads, "TinyTransformer")
        self.n_layers = as_size(n_layers, "n_layers", "TinyTransformer", hi=64)
        self.d_ff = 2 * self.d_model if d_ff is None else as_size(d_ff, "d_ff", "TinyTransformer", hi=MAX_WIDTH)
        self.embed = nn.Embedding(self.vocab, self.d_model)
        self.pos = nn.Parameter(torch.randn(self.length, self.d_model))
        self.layers = nn.ModuleList(EncoderLayer(self.d_model, self.n_heads, self.d_ff)
                                    for _ in range(self.n_layers))
        self.head = nn.Linear(self.d_model, self.vocab)

    def forward(self, tokens: Any, return_attention: bool = False
                ) -> Union["torch.Tensor", Tuple["torch.Tensor", List["torch.Tensor"]]]:
        """Logits of shape (B, L, V) for ``tokens`` (B, L) (ints in ``[0, vocab)``, ``L <= length``).

        With ``return_attention=True`` also the list (one entry per layer) of the attention
        weights, each of shape (B, n_heads, L, L) with rows summing to 1.
        """
        x = _tokens(tokens, "tokens", "TinyTransformer.forward", vocab=self.vocab, max_length=self.length)
        return_attention = as_bool(return_attention, "return_attention", "TinyTransformer.forward")
        x = x.to(self.embed.weight.device)
        h = self.embed(x) + self.pos[:x.shape[1]]
        weights = []
        for layer in self.layers:
            h, A = layer(h, need_weights=return_attention)
            weights.append(A)
        logits = self.head(h)
        return (logits, weights) if return_attention else logits

    @torch.no_grad()
    def predict(self, tokens: Any) -> "torch.Tensor":
        """The most likely output token at every position, shape (B, L) (int64, on the CPU)."""
        return self(tokens).argmax(-1).cpu()


# ------------------------------------------------------------------------------ tasks
def task_targets(task: str, tokens: Any) -> "torch.Tensor":
    """The correct outputs of ``task`` for ``tokens`` (B, L): reversed (``"reverse"``) or sorted
    in increasing order (``"sort"``) along each row. Returns an int64 tensor (B, L)."""
    task = as_choice(task, "task", "task_targets", TASKS)
    x = _tokens(tokens, "tokens", "task_targets")
    return x.flip(1) if task == "reverse" else x.sort(dim=1).values


def task_batch(task: str, n: int, *, length: int = 8, vocab: int = 10,
               generator: Optional["torch.Generator"] = None) -> Tuple["torch.Tensor", "torch.Tensor"]:
    """``n`` random input sequences of ``task`` and their targets, two int64 tensors (n, length).

    The inputs are independent uniform tokens from ``{0, ..., vocab-1}`` drawn with
    ``torch.randint(vocab, (n, length), generator=generator)``; the targets are
    :func:`task_targets`. Pass a seeded ``torch.Generator`` for reproducible batches.
    """
    task = as_choice(task, "task", "task_batch", TASKS)
    n = as_size(n, "n", "task_batch")
    length = as_size(length, "length", "task_batch", hi=MAX_LENGTH)
    vocab = as_size(vocab, "vocab", "task_batch", lo=2, hi=MAX_VOCAB)
    if n * length > 10**8:
        raise ValueError(f"task_batch: n * length must be at most 1e8, got {n} * {length}")
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"task_batch: generator must be a torch.Generator or None, got {type(generator).__name__}")
    x = torch.randint(vocab, (n, length), generator=generator, device=generator.device if generator else None)
    return x, task_targets(task, x)


def token_accuracy(model: Any, tokens: Any, targets: Any) -> float:
    """The fraction of positions where ``model`` predicts the target token (argmax of the logits)."""
    model = _check_model(model, "token_accuracy")
    x = _tokens(tokens, "tokens", "token_accuracy", vocab=model.vocab, max_length=model.length)
    y = _tokens(targets, "targets", "token_accuracy", vocab=model.vocab)
    if y.shape != x.shape:
        raise ValueError(f"token_accuracy: targets must have the shape of tokens {tuple(x.shape)}, got "
                         f"{tuple(y.shape)}")
    return float((model.predict(x) == y).double().mean())


# ---------------------------------------------------------------------------- training
#: Default steps and learning rate per task (the defaults of :func:`train_transformer`).
DEFAULT_STEPS = {"reverse": 80, "sort": 300}
DEFAULT_LR = 1e-2


def train_transformer(task: str = "reverse", *, length: int = 8, vocab: int = 10, d_model: int = 32,
                      n_heads: int = 2, n_layers: int = 2, d_ff: Optional[int] = None,
                      steps: Optional[int] = None, batch_size: int = 64, lr: float = DEFAULT_LR,
                      eval_size: int = 1000, seed: int = 0, verbose: bool = False
                      ) -> Tuple[TinyTransformer, Dict[str, Any]]:
    """Train a :class:`TinyTransformer` on ``task`` with cross-entropy on every output token.

    Each step draws a fresh batch (:func:`task_batch`) and takes one Adam step
    (:class:`mlnotes.optim.Adam`, the update of ``torch.optim.Adam``); the learning rate decays
    along a cosine from ``lr`` to ``lr / 20``. The held-out set is ``eval_size`` sequences from a
    separate generator (seed ``seed + 1``) and not filtered out of the training batches: they
    are almost surely unseen only when ``vocab**length`` is large (10^8 inputs for the
    defaults; with ``vocab=2, length=4`` every one of the 16 inputs is also trained on). Seeded: the same arguments give the same model, bit for bit. The
    model is returned in float32 on the CPU in evaluation mode.

    Parameters
    ----------
    task : ``"reverse"`` or ``"sort"``
    length, vocab : the sequence length and the number of token values
    d_model, n_heads, n_layers, d_ff : the architecture (see :class:`TinyTransformer`)
    steps : int, optional
        Adam steps (default :data:`DEFAULT_STEPS` for the task).
    batch_size : int; lr : float, the initial learning rate; eval_size : int
    seed : int, seeds the initial weights and the training batches
    verbose : bool, print the time and the held-out accuracy

    Returns
    -------
    model : TinyTransformer
    history : dict
        ``"loss"`` (training cross-entropy per step, nats, a NumPy array), ``"accuracy"``
        (held-out token accuracy at the end), ``"sequence_accuracy"`` (fraction of held-out
        sequences entirely right), ``"test"`` (the held-out inputs and targets), ``"steps"``,
        ``"seconds"`` (training time) and ``"config"`` (the arguments used).
    """
    func = "train_transformer"
    task = as_choice(task, "task", func, TASKS)
    length = as_size(length, "length", func, hi=MAX_LENGTH)
    vocab = as_size(vocab, "vocab", func, lo=2, hi=MAX_VOCAB)
    d_model, n_heads = _heads(d_model, n_heads, func)
    n_layers = as_size(n_layers, "n_layers", func, hi=64)
    if d_ff is not None:
        d_ff = as_size(d_ff, "d_ff", func, hi=MAX_WIDTH)
    steps = DEFAULT_STEPS[task] if steps is None else as_size(steps, "steps", func, hi=1_000_000)
    batch_size = as_size(batch_size, "batch_size", func, hi=100_000)
    lr = as_float(lr, "lr", func, positive=True)
    eval_size = as_size(eval_size, "eval_size", func, hi=1_000_000)
    seed = as_seed(seed, "seed", func, allow_none=False)
    verbose = as_bool(verbose, "verbose", func)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = TinyTransformer(vocab, length, d_model, n_heads, n_layers, d_ff)
    model.train()
    opt = Adam(model.parameters(), lr)   # torch.optim.Adam's update without its start-up cost
    g = torch.Generator().manual_seed(seed)
    losses = torch.empty(steps)
    t0 = time.perf_counter()
    for step in range(steps):
        x, y = task_batch(task, batch_size, length=length, vocab=vocab, generator=g)
        loss = nn.functional.cross_entropy(model(x).reshape(-1, vocab), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step(lr * (0.05 + 0.475 * (1.0 + math.cos(math.pi * step / steps))))
        losses[step] = loss.detach()
    seconds = time.perf_counter() - t0
    model.eval()
    xt, yt = task_batch(task, eval_size, length=length, vocab=vocab,
                        generator=torch.Generator().manual_seed(seed + 1 if seed < 2**32 - 1 else 0))
    pred = model.predict(xt)
    acc = float((pred == yt).double().mean())
    seq = float((pred == yt).all(dim=1).double().mean())
    if verbose:
        print(f"trained a TinyTransformer on {task!r} ({steps} steps) in {seconds:.2f} s: held-out token "
              f"accuracy {acc:.4f}, sequences {seq:.3f}")
    config = dict(task=task, length=length, vocab=vocab, d_model=d_model, n_heads=n_heads, n_layers=n_layers,
                  d_ff=model.d_ff, steps=steps, batch_size=batch_size, lr=lr, eval_size=eval_size, seed=seed)
    return model, {"loss": losses.double().numpy(), "accuracy": acc, "sequence_accuracy": seq,
                   "test": (xt, yt), "steps": steps, "seconds": seconds, "config": config}


def default_model(task: str = "reverse") -> Tuple[TinyTransformer, Dict[str, Any]]:
    """``train_transformer(task)`` with its defaults, trained once per process and cached (about a
    second for ``"reverse"``); the widget and the gallery use it. Do not modify the returned model."""
    return _default_model(as_choice(task, "task", "default_model", TASKS))


@functools.lru_cache(maxsize=None)
def _default_model(task: str) -> Tuple[TinyTransformer, Dict[str, Any]]:
    return train_transformer(task)
