"""First-order optimisers and 2-D test functions (notebook ``04-deep-learning/04-optimisers``).

Each ``*_step`` function applies one update of an optimiser to a parameter array, in
float64, following the conventions of ``torch.optim`` exactly (defaults included), so that
a trajectory equals torch's to rounding. The optimiser's memory lives in a ``state`` dict
that the caller passes back at every step (start with ``{}``); the step counter is
``state["t"]``. :func:`run` runs one optimiser on one of the 2-D test functions
(:data:`FUNCTIONS`) and stops at the first iterate that leaves the finite world, which the
widget :class:`mlnotes.widgets.optim.OptimizerPlayground` draws.

A state belongs to one optimiser and one parameter shape: the step functions record the
optimiser in ``state["optimiser"]`` and refuse a state made by another one or for another
shape. A step that overflows (a huge learning rate or gradient) returns non-finite numbers
with numpy's RuntimeWarning; the step functions do not stop it, and the next call refuses
the non-finite ``theta`` (``run`` stops there and reports the step).
"""
from __future__ import annotations

import math
from typing import Any, Dict, MutableMapping, Tuple

import numpy as np

from .validate import as_array, as_bool, as_choice, as_float, as_size

__all__ = ["OPTIMISERS", "FUNCTIONS", "sgd_step", "adagrad_step", "rmsprop_step", "adadelta_step",
           "adam_step", "adamw_step", "objective", "gradient", "run", "Adam"]

#: Iterates with a coordinate larger than this in absolute value (a max-norm test, not the
#: distance from the origin) count as diverged (the run stops there).
ESCAPE = 1e6


def _prep(func: str, theta: Any, grad: Any, state: Any, lr: Any
          ) -> Tuple[np.ndarray, np.ndarray, MutableMapping[str, Any], float]:
    theta = as_array(theta, "theta", func)
    grad = as_array(grad, "grad", func, shape=theta.shape)
    if not isinstance(state, MutableMapping):
        raise TypeError(f"{func}: state must be a dict (empty at the first step), got {type(state).__name__}")
    owner = state.setdefault("optimiser", func)
    if owner != func:
        raise ValueError(f"{func}: state was made by {owner}; start {func} with an empty dict")
    for key, buf in state.items():
        if isinstance(buf, np.ndarray) and buf.shape != theta.shape:
            raise ValueError(f"{func}: state[{key!r}] has shape {buf.shape}, theta has {theta.shape} "
                             f"(a state belongs to one parameter array)")
    lr = as_float(lr, "lr", func, positive=True)
    return theta, grad, state, lr


def _rate(v: Any, name: str, func: str) -> float:
    """A decay rate in [0, 1)."""
    v = as_float(v, name, func)
    if not 0.0 <= v < 1.0:
        raise ValueError(f"{func}: {name} must lie in [0, 1), got {v!r}")
    return v


def _buf(state: MutableMapping[str, Any], key: str, like: np.ndarray, value: float = 0.0) -> np.ndarray:
    if key not in state:
        state[key] = np.full_like(like, value)
    return state[key]


def sgd_step(theta: Any, grad: Any, state: MutableMapping[str, Any], lr: float = 1e-3,
             momentum: float = 0.0, nesterov: bool = False, weight_decay: float = 0.0) -> np.ndarray:
    r"""One step of ``torch.optim.SGD`` (dampening 0).

    .. math:: \mathbf g \leftarrow \mathbf g + \lambda\theta,\quad
              \mathbf b_t = \mu\mathbf b_{t-1} + \mathbf g\ (\mathbf b_1 = \mathbf g),\quad
              \theta \leftarrow \theta - \eta\,(\mathbf g + \mu\mathbf b_t \text{ if Nesterov else } \mathbf b_t)

    With ``momentum=0`` it is plain gradient descent; ``nesterov=True`` then raises, as in
    torch. Returns the new parameters.
    """
    theta, g, state, lr = _prep("sgd_step", theta, grad, state, lr)
    momentum = _rate(momentum, "momentum", "sgd_step")
    nesterov = as_bool(nesterov, "nesterov", "sgd_step")
    weight_decay = as_float(weight_decay, "weight_decay", "sgd_step", nonneg=True)
    if nesterov and momentum == 0:
        raise ValueError("sgd_step: nesterov=True needs momentum > 0")
    return _sgd(theta, g, state, lr, momentum, nesterov, weight_decay)


def _sgd(theta, g, state, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
    state["t"] = state.get("t", 0) + 1
    g = g + weight_decay * theta
    if momentum > 0:
        b = g.copy() if "b" not in state else momentum * state["b"] + g
        state["b"] = b
        g = g + momentum * b if nesterov else b
    return theta - lr * g


def adagrad_step(theta: Any, grad: Any, state: MutableMapping[str, Any], lr: float = 1e-2,
                 eps: float = 1e-10, initial_accumulator_value: float = 0.0) -> np.ndarray:
    r"""One step of ``torch.optim.Adagrad`` (no lr decay, no weight decay).

    .. math:: \mathbf s_t = \mathbf s_{t-1} + \mathbf g^2,\ \mathbf s_0 = \text{initial value};\quad
              \theta \leftarrow \theta - \eta\,\mathbf g / (\sqrt{\mathbf s_t} + \epsilon)

    (per coordinate; ``eps`` outside the square root).
    """
    theta, g, state, lr = _prep("adagrad_step", theta, grad, state, lr)
    eps = as_float(eps, "eps", "adagrad_step", positive=True)
    init = as_float(initial_accumulator_value, "initial_accumulator_value", "adagrad_step", nonneg=True)
    return _adagrad(theta, g, state, lr, eps, init)


def _adagrad(theta, g, state, lr, eps=1e-10, init=0.0):
    state["t"] = state.get("t", 0) + 1
    s = _buf(state, "s", theta, init) + g * g
    state["s"] = s
    return theta - lr * g / (np.sqrt(s) + eps)


def rmsprop_step(theta: Any, grad: Any, state: MutableMapping[str, Any], lr: float = 1e-2,
                 alpha: float = 0.99, eps: float = 1e-8) -> np.ndarray:
    r"""One step of ``torch.optim.RMSprop`` (not centred, no momentum).

    .. math:: \mathbf s_t = \alpha\mathbf s_{t-1} + (1-\alpha)\mathbf g^2,\ \mathbf s_0 = 0;\quad
              \theta \leftarrow \theta - \eta\,\mathbf g / (\sqrt{\mathbf s_t} + \epsilon)
    """
    theta, g, state, lr = _prep("rmsprop_step", theta, grad, state, lr)
    alpha = _rate(alpha, "alpha", "rmsprop_step")
    eps = as_float(eps, "eps", "rmsprop_step", positive=True)
    return _rmsprop(theta, g, state, lr, alpha, eps)


def _rmsprop(theta, g, state, lr, alpha=0.99, eps=1e-8):
    state["t"] = state.get("t", 0) + 1
    s = alpha * _buf(state, "s", theta) + (1 - alpha) * g * g
    state["s"] = s
    return theta - lr * g / (np.sqrt(s) + eps)


def adadelta_step(theta: Any, grad: Any, state: MutableMapping[str, Any], lr: float = 1.0,
                  rho: float = 0.9, eps: float = 1e-6) -> np.ndarray:
    r"""One step of ``torch.optim.Adadelta``.

    .. math:: \mathbf s_t = \rho\mathbf s_{t-1} + (1-\rho)\mathbf g^2,\quad
              \Delta_t = \frac{\sqrt{\mathbf u_{t-1} + \epsilon}}{\sqrt{\mathbf s_t + \epsilon}}\,\mathbf g,\quad
              \mathbf u_t = \rho\mathbf u_{t-1} + (1-\rho)\Delta_t^2,\quad
              \theta \leftarrow \theta - \eta\,\Delta_t

    (``eps`` inside both square roots; ``lr`` is a plain multiplier, 1 in the paper; torch's
    ``weight_decay`` and ``maximize`` are not supported.)
    """
    theta, g, state, lr = _prep("adadelta_step", theta, grad, state, lr)
    rho = _rate(rho, "rho", "adadelta_step")
    eps = as_float(eps, "eps", "adadelta_step", positive=True)
    return _adadelta(theta, g, state, lr, rho, eps)


def _adadelta(theta, g, state, lr, rho=0.9, eps=1e-6):
    state["t"] = state.get("t", 0) + 1
    s = rho * _buf(state, "s", theta) + (1 - rho) * g * g
    u = _buf(state, "u", theta)
    delta = np.sqrt(u + eps) / np.sqrt(s + eps) * g
    state["s"], state["u"] = s, rho * u + (1 - rho) * delta * delta
    return theta - lr * delta


def _adam(func: str, theta: Any, grad: Any, state: Any, lr: Any, beta1: Any, beta2: Any, eps: Any,
          weight_decay: Any, decoupled: bool) -> np.ndarray:
    theta, g, state, lr = _prep(func, theta, grad, state, lr)
    b1, b2 = _rate(beta1, "beta1", func), _rate(beta2, "beta2", func)
    eps = as_float(eps, "eps", func, positive=True)
    wd = as_float(weight_decay, "weight_decay", func, nonneg=True)
    return _adam_kernel(theta, g, state, lr, b1, b2, eps, wd, decoupled)


def _adam_kernel(theta, g, state, lr, b1=0.9, b2=0.999, eps=1e-8, wd=0.0, decoupled=False):
    t = state["t"] = state.get("t", 0) + 1
    if decoupled:
        theta = theta * (1 - lr * wd)
    else:
        g = g + wd * theta
    m = b1 * _buf(state, "m", theta) + (1 - b1) * g
    v = b2 * _buf(state, "v", theta) + (1 - b2) * g * g
    state["m"], state["v"] = m, v
    m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps)


def adam_step(theta: Any, grad: Any, state: MutableMapping[str, Any], lr: float = 1e-3,
              beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
              weight_decay: float = 0.0) -> np.ndarray:
    r"""One step of ``torch.optim.Adam`` (weight decay as an L2 term added to the gradient).

    .. math:: \mathbf m_t = \beta_1\mathbf m_{t-1} + (1-\beta_1)\mathbf g,\quad
              \mathbf v_t = \beta_2\mathbf v_{t-1} + (1-\beta_2)\mathbf g^2,\quad
              \theta \leftarrow \theta - \eta\,\frac{\mathbf m_t/(1-\beta_1^t)}
              {\sqrt{\mathbf v_t/(1-\beta_2^t)} + \epsilon}
    """
    return _adam("adam_step", theta, grad, state, lr, beta1, beta2, eps, weight_decay, False)


def adamw_step(theta: Any, grad: Any, state: MutableMapping[str, Any], lr: float = 1e-3,
               beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
               weight_decay: float = 1e-2) -> np.ndarray:
    r"""One step of ``torch.optim.AdamW``: :func:`adam_step` on the gradient alone, after the
    decoupled decay :math:`\theta \leftarrow (1 - \eta\lambda)\,\theta`."""
    return _adam("adamw_step", theta, grad, state, lr, beta1, beta2, eps, weight_decay, True)


#: Optimiser names of :func:`run` and the widget, in the order of the notebook.
OPTIMISERS = ("SGD", "momentum", "Nesterov", "AdaGrad", "RMSprop", "AdaDelta", "Adam", "AdamW")


# --------------------------------------------------------------------------- test functions
def _rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def _rosenbrock_grad(x, y):
    return -2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)


def _beale(x, y):
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2


def _beale_grad(x, y):
    a, b, c = 1.5 - x + x * y, 2.25 - x + x * y ** 2, 2.625 - x + x * y ** 3
    return (2 * a * (y - 1) + 2 * b * (y ** 2 - 1) + 2 * c * (y ** 3 - 1),
            2 * a * x + 4 * b * x * y + 6 * c * x * y ** 2)


def _saddle(x, y):
    return x * x + 0.25 * y ** 4 - 0.5 * y * y


def _saddle_grad(x, y):
    return 2 * x, y ** 3 - y


def _quadratic(x, y):
    return 0.5 * (x * x + 50.0 * y * y)


def _quadratic_grad(x, y):
    return x, 50.0 * y


#: The 2-D test functions: formula, start, plotting box, minimiser and minimum.
FUNCTIONS: Dict[str, Dict[str, Any]] = {
    "rosenbrock": dict(formula="(1-x)^2 + 100(y-x^2)^2", f=_rosenbrock, grad=_rosenbrock_grad,
                       start=(-1.5, 2.0), extent=(-2.0, 2.0, -1.0, 3.0), argmin=(1.0, 1.0), fmin=0.0),
    "beale": dict(formula="(1.5-x+xy)^2 + (2.25-x+xy^2)^2 + (2.625-x+xy^3)^2", f=_beale,
                  grad=_beale_grad, start=(1.0, 1.5), extent=(-1.0, 4.0, -1.5, 2.0),
                  argmin=(3.0, 0.5), fmin=0.0),
    "saddle": dict(formula="x^2 + y^4/4 - y^2/2", f=_saddle, grad=_saddle_grad, start=(1.8, 1e-3),
                   extent=(-2.0, 2.0, -1.8, 1.8), argmin=(0.0, 1.0), fmin=-0.25),
    "quadratic": dict(formula="(x^2 + 50 y^2)/2", f=_quadratic, grad=_quadratic_grad,
                      start=(-4.0, 1.0), extent=(-5.0, 5.0, -1.5, 1.5), argmin=(0.0, 0.0), fmin=0.0),
}


def _points(func: str, function: Any, xy: Any) -> Tuple[Dict[str, Any], np.ndarray]:
    function = as_choice(function, "function", func, tuple(FUNCTIONS))
    xy = as_array(xy, "xy", func)
    if xy.shape[-1:] != (2,):
        raise ValueError(f"{func}: xy must have a last axis of length 2 (points of the plane), got shape {xy.shape}")
    return FUNCTIONS[function], xy


def objective(function: str, xy: Any) -> np.ndarray:
    """Value of the test function ``function`` (a key of :data:`FUNCTIONS`) at points ``xy``
    (shape ``(..., 2)``); returns shape ``(...)``."""
    spec, xy = _points("objective", function, xy)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.asarray(spec["f"](xy[..., 0], xy[..., 1]), dtype=np.float64)


def gradient(function: str, xy: Any) -> np.ndarray:
    """Gradient of the test function at points ``xy`` (shape ``(..., 2)``), same shape."""
    spec, xy = _points("gradient", function, xy)
    with np.errstate(over="ignore", invalid="ignore"):
        gx, gy = spec["grad"](xy[..., 0], xy[..., 1])
    return np.stack(np.broadcast_arrays(gx, gy), axis=-1).astype(np.float64)


#: optimiser -> (unchecked kernel of its *_step function, whether ``beta`` is its momentum or
#: beta1); the kernels take the arguments of the step functions in their order.
_STEPS = {"SGD": (_sgd, False), "momentum": (_sgd, True), "Nesterov": (_sgd, True),
          "AdaGrad": (_adagrad, False), "RMSprop": (_rmsprop, False), "AdaDelta": (_adadelta, False),
          "Adam": (_adam_kernel, True), "AdamW": (_adam_kernel, True)}


def run(function: str = "rosenbrock", optimiser: str = "Adam", lr: float = 1e-2, steps: int = 100,
        beta: float = 0.9) -> Tuple[np.ndarray, np.ndarray, int]:
    """Run ``optimiser`` (one of :data:`OPTIMISERS`) for ``steps`` steps on a test function
    from its start point, with torch's defaults except the learning rate ``lr`` and ``beta``
    (the momentum of ``'momentum'``/``'Nesterov'``, :math:`\\beta_1` of Adam and AdamW; the
    other optimisers ignore it; with ``beta=0``, ``'momentum'`` and ``'Nesterov'`` are plain
    gradient descent, ``'SGD'``).

    Returns ``(path, loss, diverged)``: the iterates (``(k + 1, 2)``, start included), the
    function values along them, and the step at which the run left the finite world (an
    iterate or value that is not finite or an iterate beyond :data:`ESCAPE`), or -1. A
    diverged run stops at its last finite iterate, so every returned number is finite.
    """
    spec = FUNCTIONS[as_choice(function, "function", "run", tuple(FUNCTIONS))]
    optimiser = as_choice(optimiser, "optimiser", "run", OPTIMISERS)
    lr = as_float(lr, "lr", "run", positive=True)
    steps = as_size(steps, "steps", "run", hi=100_000)
    beta = _rate(beta, "beta", "run")
    step, uses_beta = _STEPS[optimiser]
    args: Tuple[Any, ...] = (beta,) if uses_beta else ()
    if optimiser == "Nesterov":
        args = (beta, True)
    elif optimiser == "AdamW":
        args = (beta, 0.999, 1e-8, 1e-2, True)
    f, grad = spec["f"], spec["grad"]
    x, y = (float(v) for v in spec["start"])
    path, loss, state = [(x, y)], [f(x, y)], {}
    theta = np.array((x, y))
    diverged = -1
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            # f and its gradient on Python floats (cheaper than numpy scalars; same IEEE results)
            theta = step(theta, np.array(grad(x, y)), state, lr, *args)
            x, y = theta.tolist()
            try:
                value = f(x, y)
            except OverflowError:   # Python floats raise where numpy would give inf
                value = math.inf
            if not (math.isfinite(value) and abs(x) < ESCAPE and abs(y) < ESCAPE):
                diverged = t
                break
            path.append((x, y))
            loss.append(value)
    return np.array(path), np.array(loss), diverged


# ----------------------------------------------------------------------------- Adam for torch tensors
class Adam:
    """Adam (Kingma and Ba) on torch tensors, the update of ``torch.optim.Adam`` (no weight decay).

    For every tensor ``p`` with gradient ``g``, at step ``t``::

        m <- b1 m + (1 - b1) g,     v <- b2 v + (1 - b2) g^2,
        p <- p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)

    (the same formula as :func:`adam_step`, explained in ``notebooks/04-deep-learning/04-optimisers``).
    It exists because the first ``torch.optim`` optimiser object of a process imports torch's
    compiler stack, about a second on a CPU, which the GAN and VAE notebooks and their widgets
    cannot afford; it calls torch's public functional ``torch.optim.adam.adam`` or public tensor
    operations, which do not.

    Two code paths, both checked bit for bit against ``torch.optim.Adam`` in
    ``tests/test_optim_adam.py``:

    * ``fused=True`` (the default where torch has the fused kernel: all tensors floating point on
      one CPU or CUDA device with one dtype): one call of ``torch.optim.adam.adam(fused=True)``,
      identical to ``torch.optim.Adam(fused=True)``; about twice as fast as the loop for the GAN
      trainer's few large tensors (125 against 225 microseconds a step for six 3x64x64 tensors).
    * ``fused=False``: a loop over the tensors with the operations of
      ``torch.optim.Adam(foreach=False)``, in the same order, identical to it.

    Parameters
    ----------
    params : iterable of torch tensors (floating-point leaves that require grad), e.g.
        ``model.parameters()``
    lr : float > 0, the learning rate; change ``opt.lr`` between steps for a schedule, or pass
        ``lr`` to :meth:`step`
    betas : pair ``(b1, b2)`` of numbers in [0, 1)
    eps : float >= 0
    fused : bool or None; None picks the fused kernel where it applies (see above)

    Methods: :meth:`zero_grad` (sets every ``.grad`` to None), :meth:`step` (one update; every
    parameter needs a gradient). ``t`` counts the steps taken.
    """

    def __init__(self, params: Any, lr: float = 1e-3, betas: Tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, fused: Any = None) -> None:
        import torch  # noqa: PLC0415 - the rest of this module needs numpy only

        if isinstance(params, torch.Tensor) or isinstance(params, (str, bytes)) or not hasattr(params, "__iter__"):
            raise TypeError(f"Adam: params must be an iterable of tensors, got {type(params).__name__}")
        params = list(params)
        if not params or not all(isinstance(p, torch.Tensor) for p in params):
            raise TypeError("Adam: params must be a non-empty iterable of torch tensors")
        if not all(p.requires_grad and p.is_leaf and torch.is_floating_point(p) for p in params):
            raise ValueError("Adam: params must be floating-point leaf tensors that require grad")
        self.lr = as_float(lr, "lr", "Adam", positive=True)
        if isinstance(betas, (str, bytes)) or not isinstance(betas, (list, tuple)) or len(betas) != 2:
            raise TypeError(f"Adam: betas must be a pair of numbers in [0, 1), got {betas!r}")
        self.betas = (_rate(betas[0], "betas", "Adam"), _rate(betas[1], "betas", "Adam"))
        self.eps = as_float(eps, "eps", "Adam", nonneg=True)
        can_fuse = (len({(p.device, p.dtype) for p in params}) == 1 and params[0].device.type in ("cpu", "cuda")
                    and params[0].dtype in (torch.float16, torch.bfloat16, torch.float32, torch.float64))
        if fused is None:
            fused = can_fuse
        else:
            fused = as_bool(fused, "fused", "Adam")
            if fused and not can_fuse:
                raise ValueError("Adam: fused=True needs all params floating point on one CPU or CUDA device "
                                 "with one dtype")
        self.fused = fused
        self.params = params
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]
        self._steps = [torch.zeros((), dtype=torch.float32, device=p.device) for p in params]
        self.t = 0

    def zero_grad(self) -> None:
        """Forget the gradients (``p.grad = None`` for every parameter)."""
        for p in self.params:
            p.grad = None

    def step(self, lr: Any = None) -> None:
        """One Adam update of every parameter from its ``.grad``; ``lr`` (optional) first sets ``self.lr``."""
        import torch  # noqa: PLC0415

        if lr is not None:
            self.lr = as_float(lr, "lr", "Adam.step", positive=True)
        if any(p.grad is None for p in self.params):
            raise ValueError("Adam.step: every parameter needs a gradient (call backward() first)")
        b1, b2 = self.betas
        self.t += 1
        with torch.no_grad():
            if self.fused:
                from torch.optim.adam import adam  # noqa: PLC0415 - public functional API, no compiler import

                adam(self.params, [p.grad for p in self.params], self.m, self.v, [], self._steps, fused=True,
                     foreach=False, amsgrad=False, beta1=b1, beta2=b2, lr=self.lr, weight_decay=0.0,
                     eps=self.eps, maximize=False)
                return
            step_size = self.lr / (1 - b1 ** self.t)
            c2 = (1 - b2 ** self.t) ** 0.5
            for p, m, v in zip(self.params, self.m, self.v):
                g = p.grad
                m.lerp_(g, 1 - b1)
                v.mul_(b2).addcmul_(g, g, value=1 - b2)
                p.addcdiv_(m, (v.sqrt() / c2).add_(self.eps), value=-step_size)
