"""Registry of the bad-input battery (tests/test_battery.py).

Each public callable gets a ``Spec``: a factory of a valid call's keyword arguments and
the kind of each argument that the battery perturbs. ``KINDS`` maps a kind to the bad
values it generates from the valid value; every generated value is invalid, so the
callable must refuse each one with a TypeError/ValueError naming the argument.
Register a new public function here when you add it (the battery fails otherwise).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Optional

import numpy as np
import torch  # noqa: F401 - imported once here, never under the battery's alarm

from mlnotes import data, gp, info, plotting, runtime, validate

NAN, INF = float("nan"), float("inf")


# ----------------------------------------------------------------------------- kinds
def _with(v, value):
    a = np.array(v, dtype=float, copy=True)
    a.flat[0] = value
    return a


def _array_bad(v):
    a = np.asarray(v, dtype=float)
    out = [None, "abc", {"a": 1}, np.zeros((0,) * max(a.ndim, 1)), _with(a, NAN), _with(a, INF),
           a + 1j, np.array([object()] * a.size, dtype=object).reshape(a.shape)]
    return out


def _fixed_rank_bad(v):
    a = np.asarray(v, dtype=float)
    return _array_bad(v) + [a[..., None, None], np.float64(1.5) if a.ndim else a[None, None]]


def _square_bad(v):
    a = np.asarray(v, dtype=float)
    return _fixed_rank_bad(v) + [np.ones((a.shape[0], a.shape[0] + 1))]


def _symmetric_bad(v):
    a = np.asarray(v, dtype=float)
    asym = a.copy()
    asym[0, -1] += 1.0 + abs(a).max()
    return _square_bad(v) + ([asym] if a.shape[0] > 1 else [])


def _psd_bad(v):
    a = np.asarray(v, dtype=float)
    shift = 2 * np.abs(np.linalg.eigvalsh(a)).max() + 1
    return _symmetric_bad(v) + [a - shift * np.eye(len(a))]


def _pd_bad(v):
    a = np.asarray(v, dtype=float)
    return _psd_bad(v) + [np.zeros_like(a)]


def _prob_bad(v):
    a = np.asarray(v, dtype=float)
    neg = a.copy()
    neg[0], neg[-1] = -0.25, neg[-1] + neg[0] + 0.25
    return _fixed_rank_bad(v) + [neg, a * 2]


KINDS: Dict[str, Callable[[Any], list]] = {
    "array": _fixed_rank_bad,            # an array of a fixed rank
    "array0": lambda v: [b for b in _fixed_rank_bad(v) if not (isinstance(b, np.ndarray) and b.size == 0)],
                                         # the same, where an empty array is valid
    "anyarray": _array_bad,              # an array of any rank (elementwise functions)
    "anyarray0": lambda v: [b for b in _array_bad(v) if not (isinstance(b, np.ndarray) and b.size == 0)],
    "square": _square_bad,
    # the same where complex entries are valid (the mathematics holds over C)
    "carray": lambda v: [b for b in _fixed_rank_bad(v) if not np.iscomplexobj(b)],
    "csquare": lambda v: [b for b in _square_bad(v) if not np.iscomplexobj(b)],
    "symmetric": _symmetric_bad,
    "psd": _psd_bad,
    "pd": _pd_bad,
    "prob": _prob_bad,                   # a probability vector
    "weights": lambda v: _prob_bad(v)[:-1],   # non-negative masses (any positive total)
    "size": lambda v: [0, -1, 2.5, 10**12, "3", None, True],
    "count": lambda v: [-1, 2.5, "3", True],   # an int >= 0 with no upper bound that matters
    "int": lambda v: [2.5, "3", None, True, 10**12, -10**12],
    "positive": lambda v: [0.0, -1.0, NAN, INF, "1", None, True],
    "nonneg": lambda v: [-1.0, NAN, INF, "1", None],
    "real": lambda v: [NAN, INF, -INF, "1", None, 1j],
    "probability": lambda v: [-0.1, 1.1, NAN, "0.5", None],
    "seed": lambda v: [-1, 1.5, "abc", 2**70, True],
    "rng": lambda v: [-1, 1.5, "abc", [1, 2]],
    "device": lambda v: ["gpu", "cuda:99", 3] + ([] if torch.cuda.is_available() else ["cuda"]),
    "choice": lambda v: ["__nope__", 3, None, np.arange(2)],
    "bool": lambda v: ["yes", 2, None],
    "mapping": lambda v: [None, 3, "abc", [1, 2]],
    "iterable": lambda v: [None, 3],
    "str": lambda v: [3, None, 1.5],
    "kernel": lambda v: [None, "rbf", 3, np.eye(2)],      # a mlnotes.gp.Kernel
    "callable": lambda v: [None, 3, "abc"],
    "ax": lambda v: [None, 3, "abc"],                      # a matplotlib Axes
    "fig": lambda v: [None, 3, "abc"],                     # a matplotlib Figure
    "pair": lambda v: [None, "ab", 3, (1.0,), (2.0, 1.0), (NAN, 1.0), (0.0, INF), (1j, 2.0)],
    "frames": lambda v: [None, 3, [], list(range(1000))],  # values swept by a player
    # widget controls: a value of the wrong type or outside any slider's range
    "slider": lambda v: [NAN, INF, -INF, 10**400, -10**400, 1e300, -1e300, "1", None, True,
                         np.arange(2), 1j],
    "intslider": lambda v: [NAN, INF, 10**400, -10**400, 10**12, -10**12, 2.5, "1", None, True,
                            np.arange(2), 1j],
    "toggle": lambda v: ["yes", 2, None, np.arange(2)],
}


@dataclass
class Spec:
    fn: Callable[..., Any]
    valid: Callable[[], Dict[str, Any]] = dict
    kinds: Dict[str, str] = field(default_factory=dict)
    names: Dict[str, str] = field(default_factory=dict)   # argument -> name used in messages
    check: Optional[Callable[[Any], None]] = None          # replaces the finite-output check
    optional: frozenset = frozenset()                      # arguments for which None is valid

    def bad_values(self, arg):
        """The bad values of ``arg``'s kind, built from its valid value."""
        values = KINDS[self.kinds[arg]](self.valid()[arg])
        return [v for v in values if not (v is None and arg in self.optional)]


def finite_numbers(out) -> bool:
    """True when every number inside ``out`` (arrays, tuples, lists, dicts) is finite."""
    if isinstance(out, (bool, np.bool_, str, bytes)) or out is None:
        return True
    if isinstance(out, (int, float, complex, np.number)):
        return bool(np.isfinite(out))
    if isinstance(out, np.ndarray):
        return out.dtype.kind not in "fc" or bool(np.all(np.isfinite(out)))
    if isinstance(out, dict):
        return all(finite_numbers(v) for v in out.values())
    if isinstance(out, (tuple, list)):
        return all(finite_numbers(v) for v in out)
    return True


def _spd(n=4, seed=0):
    a = np.random.default_rng(seed).normal(size=(n, n))
    return a @ a.T + n * np.eye(n)


def _ax():
    return plotting.figure()[1]


# ----------------------------------------------------------------------------- modules
#: Every module of the package; the battery fails when one is missing here.
MODULES = [
    "mlnotes",
    "mlnotes.runtime",
    "mlnotes.data",
    "mlnotes.plotting",
    "mlnotes.validate",
]

#: Public names that take no arguments a user can get wrong, or are constants.
SKIP_NAMES = {
    "mlnotes.runtime.Timer.elapsed",
}

REGISTRY: Dict[str, Spec] = {
    # mlnotes
    "mlnotes.setup": Spec(lambda seed: __import__("mlnotes").setup(seed), lambda: {"seed": 0},
                          {"seed": "seed"}, names={"seed": "n"}),
    # runtime
    "mlnotes.runtime.seed": Spec(runtime.seed, lambda: {"n": 3}, {"n": "seed"}),
    "mlnotes.runtime.rng": Spec(runtime.rng, lambda: {"n": 3}, {"n": "seed"}),
    "mlnotes.runtime.generator": Spec(runtime.generator, lambda: {"rng": 3, "owner": "f"},
                                      {"rng": "rng"}),
    "mlnotes.runtime.device": Spec(runtime.device, lambda: {"prefer": "cpu"},
                                   {"prefer": "device"}, names={"prefer": "prefer"}),
    "mlnotes.runtime.available_devices": Spec(runtime.available_devices),
    "mlnotes.runtime.full_config": Spec(runtime.full_config),
    "mlnotes.runtime.choose": Spec(runtime.choose, lambda: {"cpu": {"a": 1}, "full": {"a": 2}},
                                   {"cpu": "mapping", "full": "mapping"}),
    "mlnotes.runtime.Timer": Spec(runtime.Timer, lambda: {"label": "x", "verbose": False},
                                  {"label": "str", "verbose": "bool"}, optional=frozenset({"label"})),
    "mlnotes.runtime.timer": Spec(runtime.timer, lambda: {"label": "x", "verbose": False},
                                  {"label": "str", "verbose": "bool"}, optional=frozenset({"label"})),
    "mlnotes.runtime.limit_threads": Spec(runtime.limit_threads, lambda: {"n": 1}, {"n": "size"},
                                          optional=frozenset({"n"})),
    "mlnotes.runtime.single_thread": Spec(runtime.single_thread),
    "mlnotes.runtime.progress": Spec(runtime.progress, lambda: {"iterable": range(3), "total": 3},
                                     {"iterable": "iterable", "total": "count"}),
    "mlnotes.runtime.in_colab": Spec(runtime.in_colab),
    "mlnotes.runtime.describe": Spec(runtime.describe),
    # data
    "mlnotes.data.image": Spec(data.image, lambda: {"name": "hopper_gray"}, {"name": "choice"}),
    "mlnotes.data.digits": Spec(data.digits, lambda: {"return_images": False},
                                {"return_images": "bool"}),
    "mlnotes.data.toy2d": Spec(data.toy2d, lambda: {"name": "moons", "n": 50, "seed": 0, "noise": 0.1},
                               {"name": "choice", "n": "size", "seed": "seed", "noise": "nonneg"},
                               optional=frozenset({"noise"})),
    "mlnotes.data.eight_gaussians_params": Spec(data.eight_gaussians_params,
                                                lambda: {"radius": 2.0, "std": 0.2},
                                                {"radius": "positive", "std": "positive"}),
    # plotting
    "mlnotes.plotting.use_style": Spec(plotting.use_style),
    "mlnotes.plotting.figure": Spec(plotting.figure, lambda: {"nrows": 1, "ncols": 2, "width": 4.0},
                                    {"nrows": "size", "ncols": "size", "width": "positive"},
                                    optional=frozenset({"width"})),
    "mlnotes.plotting.label": Spec(plotting.label, lambda: {"ax": _ax(), "xlabel": "x"},
                                   {"ax": "iterable", "xlabel": "str"}),
    "mlnotes.plotting.imshow_gray": Spec(plotting.imshow_gray,
                                         lambda: {"ax": _ax(), "img": np.eye(4)},
                                         {"ax": "iterable", "img": "array"}),
    "mlnotes.plotting.show": Spec(plotting.show, lambda: {"fig": plotting.figure()[0]},
                                  {"fig": "iterable"}),
    # validate: the validators themselves refuse every bad value of their kind
    "mlnotes.validate.as_array": Spec(validate.as_array,
                                      lambda: {"x": np.ones((2, 3)), "name": "A", "func": "f", "ndim": 2},
                                      {"x": "array"}, names={"x": "A"}),
    "mlnotes.validate.as_square": Spec(validate.as_square, lambda: {"x": np.eye(3), "name": "A", "func": "f"},
                                       {"x": "square"}, names={"x": "A"}),
    "mlnotes.validate.as_symmetric": Spec(validate.as_symmetric,
                                          lambda: {"x": _spd(), "name": "A", "func": "f"},
                                          {"x": "symmetric"}, names={"x": "A"}),
    "mlnotes.validate.as_psd": Spec(validate.as_psd, lambda: {"x": _spd(), "name": "A", "func": "f"},
                                    {"x": "psd"}, names={"x": "A"}),
    "mlnotes.validate.as_prob_vector": Spec(validate.as_prob_vector,
                                            lambda: {"p": np.array([0.2, 0.3, 0.5]), "name": "p", "func": "f"},
                                            {"p": "prob"}),
    "mlnotes.validate.as_int": Spec(validate.as_int, lambda: {"v": 3, "name": "k", "func": "f",
                                                              "lo": 0, "hi": 10}, {"v": "int"}, names={"v": "k"}),
    "mlnotes.validate.as_size": Spec(validate.as_size, lambda: {"v": 3, "name": "n", "func": "f"},
                                     {"v": "size"}, names={"v": "n"}),
    "mlnotes.validate.as_float": Spec(validate.as_float, lambda: {"v": 0.5, "name": "t", "func": "f"},
                                      {"v": "real"}, names={"v": "t"}),
    "mlnotes.validate.as_positive": Spec(validate.as_positive, lambda: {"v": 0.5, "name": "s", "func": "f"},
                                         {"v": "positive"}, names={"v": "s"}),
    "mlnotes.validate.as_probability": Spec(validate.as_probability,
                                            lambda: {"v": 0.5, "name": "q", "func": "f"},
                                            {"v": "probability"}, names={"v": "q"}),
    "mlnotes.validate.as_shape": Spec(validate.as_shape, lambda: {"shape": (2, 3), "name": "shape", "func": "f"},
                                      {"shape": "size"}),
    "mlnotes.validate.as_seed": Spec(validate.as_seed, lambda: {"v": 3, "name": "seed", "func": "f"},
                                     {"v": "seed"}, names={"v": "seed"}),
    "mlnotes.validate.as_choice": Spec(validate.as_choice,
                                       lambda: {"v": "a", "name": "mode", "func": "f", "allowed": ("a", "b")},
                                       {"v": "choice"}, names={"v": "mode"}),
    "mlnotes.validate.as_bool": Spec(validate.as_bool, lambda: {"v": True, "name": "flag", "func": "f"},
                                     {"v": "bool"}, names={"v": "flag"}),
    "mlnotes.validate.as_device": Spec(validate.as_device, lambda: {"v": "cpu", "name": "device", "func": "f"},
                                       {"v": "device"}, names={"v": "device"}),
}


# ----------------------------------------------------------------------------- helpers
_INSTANCES: Dict[str, Any] = {}


def _once(key, factory):
    """One shared instance per key (widgets are costly to build; their state is re-set)."""
    if key not in _INSTANCES:
        _INSTANCES[key] = factory()
    return _INSTANCES[key]


def _ax3d():
    return plotting.figure(subplot_kw={"projection": "3d"})[1]


def _grid():
    g = np.linspace(-1.0, 1.0, 5)
    return np.meshgrid(g, g)


# ----------------------------------------------------------------------------- plotting (appended functions)
REGISTRY.update({
    "mlnotes.plotting.frequency_tree": Spec(
        plotting.frequency_tree,
        lambda: {"ax": _ax(), "root": "100", "children": ["10", "90"], "leaves": [["9", "1"], ["9", "81"]]},
        {"ax": "ax", "root": "str", "children": "iterable", "leaves": "iterable"}),
    "mlnotes.plotting.quiver_field": Spec(
        plotting.quiver_field,
        lambda: {"ax": _ax(), "vy": np.ones((6, 6)), "vx": np.zeros((6, 6)), "step": 2, "longest": 3.0},
        {"ax": "ax", "vy": "array", "vx": "array", "step": "size", "longest": "positive"}),
    "mlnotes.plotting.surface3d": Spec(
        plotting.surface3d,
        lambda: {"ax": _ax3d(), "X": _grid()[0], "Y": _grid()[1], "Z": _grid()[0] ** 2, "title": "t",
                 "zlabel": "f", "elev": 20.0, "azim": 30.0, "levels": 5},
        {"ax": "ax", "X": "array", "Y": "array", "Z": "array", "title": "str", "zlabel": "str",
         "elev": "real", "azim": "real", "levels": "size"}),
    "mlnotes.plotting.code_tree": Spec(
        plotting.code_tree,
        lambda: {"ax": _ax(), "code": {"a": "0", "b": "10", "c": "11"},
                 "probs": {"a": 0.5, "b": 0.25, "c": 0.25}},
        {"ax": "ax", "code": "mapping", "probs": "mapping"}),
    "mlnotes.plotting.gp_band": Spec(
        plotting.gp_band,
        lambda: {"ax": _ax(), "x": np.linspace(0, 1, 5), "mean": np.zeros(5), "sd": np.ones(5),
                 "samples": np.zeros((2, 5)), "x_obs": np.array([0.5]), "y_obs": np.array([0.1]),
                 "title": "t"},
        {"ax": "ax", "x": "array", "mean": "array", "sd": "array", "x_obs": "array", "y_obs": "array",
         "title": "str"}, optional=frozenset({"x_obs", "y_obs"})),
    "mlnotes.plotting.score_quiver": Spec(
        plotting.score_quiver,
        lambda: {"ax": _ax(), "points": np.ones((4, 2)), "field": np.ones((4, 2)), "label_text": "s",
                 "longest": 2.0},
        {"ax": "ax", "points": "array", "field": "array", "label_text": "str", "longest": "positive"}),
})


# ----------------------------------------------------------------------------- gp, info
_X1 = np.linspace(-1.0, 1.0, 6)


def _kernel_specs():
    """Each kernel class: its constructor, the inherited ``diag`` and ``to_sklearn``."""
    classes = {
        "Kernel": (lambda **kw: gp.RBF(), {}, {}),
        "RBF": (gp.RBF, {"length_scale": 0.5, "variance": 2.0}, {"length_scale": "positive", "variance": "positive"}),
        "Laplace": (gp.Laplace, {"length_scale": 0.5, "variance": 2.0},
                    {"length_scale": "positive", "variance": "positive"}),
        "Linear": (gp.Linear, {"variance": 2.0, "bias": 0.5}, {"variance": "positive", "bias": "nonneg"}),
        "Periodic": (gp.Periodic, {"length_scale": 0.5, "period": 2.0, "variance": 2.0},
                     {"length_scale": "positive", "period": "positive", "variance": "positive"}),
        "Polynomial": (gp.Polynomial, {"degree": 2, "offset": 1.0, "variance": 2.0},
                       {"degree": "size", "offset": "nonneg", "variance": "positive"}),
        "Constant": (gp.Constant, {"value": 2.0}, {"value": "positive"}),
        "Sum": (gp.Sum, {"k1": gp.RBF(), "k2": gp.Linear()}, {"k1": "kernel", "k2": "kernel"}),
        "Product": (gp.Product, {"k1": gp.RBF(), "k2": gp.Linear()}, {"k1": "kernel", "k2": "kernel"}),
    }
    out = {}
    for name, (cls, valid, kinds) in classes.items():
        q = f"mlnotes.gp.{name}"
        if name == "Kernel":
            out[q] = Spec(gp.Kernel)
        else:
            out[q] = Spec(cls, (lambda v=valid: dict(v)), kinds)
        out[q + ".diag"] = Spec(lambda x, cls=cls, v=valid: cls(**v).diag(x), lambda: {"x": _X1}, {"x": "array0"})
        out[q + ".to_sklearn"] = Spec(lambda cls=cls, v=valid: cls(**v).to_sklearn())
    return out


MODULES += ["mlnotes.gp", "mlnotes.info"]
REGISTRY.update(_kernel_specs())
REGISTRY.update({
    "mlnotes.gp.make_kernel": Spec(gp.make_kernel, lambda: {"spec": "rbf+periodic", "length_scale": 0.5,
                                                            "variance": 2.0, "period": 1.5},
                                   {"spec": "choice", "length_scale": "positive", "variance": "positive",
                                    "period": "positive"}),
    "mlnotes.gp.kernel_matrix": Spec(gp.kernel_matrix, lambda: {"kernel": gp.RBF(), "x1": _X1, "x2": _X1[:3]},
                                     {"kernel": "kernel", "x1": "array0", "x2": "array0"},
                                     optional=frozenset({"x2"})),
    "mlnotes.gp.cholesky": Spec(gp.cholesky, lambda: {"K": _spd(), "jitter": 0.0, "max_jitter": 1e-4,
                                                      "what": "matrix", "scale": 1.0},
                                {"K": "psd", "jitter": "nonneg", "max_jitter": "positive", "what": "str",
                                 "scale": "positive"}, optional=frozenset({"scale"})),
    "mlnotes.gp.prior_cholesky": Spec(gp.prior_cholesky, lambda: {"x": _X1, "kernel": gp.RBF(), "jitter": 1e-10,
                                                                  "max_jitter": 1e-4},
                                      {"x": "array", "kernel": "kernel", "jitter": "nonneg",
                                       "max_jitter": "positive"}),
    "mlnotes.gp.sample_prior": Spec(gp.sample_prior, lambda: {"x": _X1, "kernel": gp.RBF(), "n_samples": 2,
                                                              "rng": 0, "jitter": 1e-10, "chol": None},
                                    {"x": "array", "kernel": "kernel", "n_samples": "size", "rng": "rng",
                                     "jitter": "nonneg"}),
    "mlnotes.gp.posterior": Spec(gp.posterior, lambda: {"x_train": _X1[:3], "y_train": np.ones(3), "x_test": _X1,
                                                        "kernel": gp.RBF(), "noise": 0.01, "jitter": 0.0},
                                 {"x_train": "array", "y_train": "array", "x_test": "array", "kernel": "kernel",
                                  "noise": "nonneg", "jitter": "nonneg"}),
    "mlnotes.gp.sample_posterior": Spec(gp.sample_posterior,
                                        lambda: {"x_train": _X1[:3], "y_train": np.ones(3), "x_test": _X1,
                                                 "kernel": gp.RBF(), "n_samples": 2, "rng": 0, "noise": 0.01,
                                                 "jitter": 1e-10},
                                        {"x_train": "array", "y_train": "array", "x_test": "array",
                                         "kernel": "kernel", "n_samples": "size", "rng": "rng",
                                         "noise": "nonneg", "jitter": "nonneg"}),
    "mlnotes.gp.log_marginal_likelihood": Spec(gp.log_marginal_likelihood,
                                               lambda: {"x_train": _X1[:3], "y_train": np.ones(3),
                                                        "kernel": gp.RBF(), "noise": 0.01},
                                               {"x_train": "array", "y_train": "array", "kernel": "kernel",
                                                "noise": "nonneg"}),
    "mlnotes.gp.random_fourier_features": Spec(gp.random_fourier_features,
                                               lambda: {"x": _X1, "n_features": 8, "length_scale": 0.5,
                                                        "variance": 2.0, "rng": 0},
                                               {"x": "array", "n_features": "size", "length_scale": "positive",
                                                "variance": "positive", "rng": "rng"}),
    # info
    "mlnotes.info.entropy": Spec(info.entropy, lambda: {"p": np.array([0.2, 0.3, 0.5]), "base": 2.0},
                                 {"p": "prob", "base": "positive"}, optional=frozenset({"base"})),
    "mlnotes.info.cross_entropy": Spec(info.cross_entropy,
                                       lambda: {"p": np.array([0.2, 0.3, 0.5]), "q": np.array([0.4, 0.4, 0.2]),
                                                "base": 2.0},
                                       {"p": "prob", "q": "prob", "base": "positive"},
                                       optional=frozenset({"base"})),
    "mlnotes.info.kl_divergence": Spec(info.kl_divergence,
                                       lambda: {"p": np.array([0.2, 0.3, 0.5]), "q": np.array([0.4, 0.4, 0.2]),
                                                "base": 2.0},
                                       {"p": "prob", "q": "prob", "base": "positive"},
                                       optional=frozenset({"base"})),
})


# ----------------------------------------------------------------------------- widgets
def _bind(get, meth):
    """``getattr(get(), meth)(**kwargs)`` as a keyword-only callable for a Spec."""
    def call(**kwargs):
        return getattr(get(), meth)(**kwargs)
    call.__name__ = meth
    return call


def _widget_specs(qual, cls, factory, ctor, ctor_kinds, state, control_kinds, compute,
                  player=None, ctor_optional=frozenset(), names=None):
    """Specs of a widget class: its constructor, the state methods (``validate``,
    ``figure``, ``update``, ``widget``) with every control perturbed, ``defaults``,
    ``draw``, ``player`` and the compute methods ``{name: (valid, kinds, optional)}``."""
    def get():
        return _once(qual, factory)

    names = names or {}
    out = {qual: Spec(cls, ctor, ctor_kinds, optional=ctor_optional)}
    for meth in ("validate", "figure", "update", "widget"):
        out[f"{qual}.{meth}"] = Spec(_bind(get, meth), (lambda: dict(state)), dict(control_kinds))
    out[f"{qual}.defaults"] = Spec(_bind(get, "defaults"))
    out[f"{qual}.busy_message"] = Spec(_bind(get, "busy_message"), lambda: {"state": dict(state)},
                                       {"state": "mapping"})
    out[f"{qual}.background_key"] = Spec(_bind(get, "background_key"), lambda: {"state": dict(state)},
                                         {"state": "mapping"}, check=lambda key: hash(key))
    out[f"{qual}.frame"] = Spec(lambda: (get().figure(**state), get().frame())[1])
    out[f"{qual}.encode_frame"] = Spec(lambda: (get().figure(**state), get().draw(), get().encode_frame())[2])
    out[f"{qual}.draw"] = Spec(lambda: (get().figure(**state), get().draw())[1])
    param, values = player
    out[f"{qual}.player"] = Spec(
        _bind(get, "player"), lambda: {"param": param, "values": list(values), "fps": 4.0, "dpi": 20},
        {"param": "choice", "values": "frames", "fps": "positive", "dpi": "size"},
        optional=frozenset({"values"}))   # None: the default sweep
    for meth, (valid, kinds, *opt) in compute.items():
        out[f"{qual}.{meth}"] = Spec(_bind(get, meth), (lambda v=valid: dict(v)), kinds,
                                     optional=frozenset(opt[0]) if opt else frozenset(),
                                     names=dict(names.get(meth, {})))
    return out


def _widget_modules():
    from mlnotes.widgets import base, clt, gp as wgp, matrix_map, stable, svd  # noqa: PLC0415
    from mlnotes.widgets import diffusion as wdiff, ot as wot  # noqa: PLC0415
    return base, clt, wgp, matrix_map, stable, svd, wdiff, wot


_base, _wclt, _wgp, _wmm, _wstable, _wsvd, _wdiff, _wot = _widget_modules()

MODULES += ["mlnotes.widgets", "mlnotes.widgets.base", "mlnotes.widgets.clt", "mlnotes.widgets.diffusion",
            "mlnotes.widgets.gp", "mlnotes.widgets.matrix_map", "mlnotes.widgets.ot", "mlnotes.widgets.stable",
            "mlnotes.widgets.svd"]

_MM = {"a": 1.0, "b": 0.5, "c": -0.5, "d": 2.0}
_MMK = {k: "slider" for k in _MM}
_ALPHA = {"alpha": 1.5, "beta": 0.2}
_ALPHAK = {"alpha": "slider", "beta": "slider"}

# controls (base): constructors, validate and make
REGISTRY.update({
    "mlnotes.widgets.base.Control": Spec(_base.Control),
    "mlnotes.widgets.base.Control.validate": Spec(
        lambda name, value: _base.IntSlider(0, 10, 5).validate(name, value), lambda: {"name": "k", "value": 3},
        {"name": "str", "value": "intslider"}, names={"value": "k"}),
    "mlnotes.widgets.base.Control.make": Spec(
        lambda name, value: _base.IntSlider(0, 10, 5).make(name, value), lambda: {"name": "k", "value": 3},
        {"name": "str", "value": "intslider"}, names={"value": "k"}),
    "mlnotes.widgets.base.IntSlider": Spec(_base.IntSlider, lambda: {"min": 0, "max": 10, "default": 5, "step": 1,
                                                                     "description": "k"},
                                           {"min": "int", "max": "int", "default": "int", "step": "size",
                                            "description": "str"}),
    "mlnotes.widgets.base.FloatSlider": Spec(_base.FloatSlider, lambda: {"min": 0.5, "max": 2.0, "default": 1.0,
                                                                         "step": 0.1, "log": True,
                                                                         "description": "s"},
                                             {"min": "positive", "max": "positive", "default": "positive",
                                              "step": "positive", "log": "bool", "description": "str"},
                                             optional=frozenset({"step"})),
    "mlnotes.widgets.base.Choice": Spec(_base.Choice, lambda: {"options": ["a", "b"], "default": "a",
                                                               "description": "c"},
                                        {"options": "iterable", "default": "choice", "description": "str"}),
    "mlnotes.widgets.base.Toggle": Spec(_base.Toggle, lambda: {"default": True, "description": "t"},
                                        {"default": "toggle", "description": "str"}),
    "mlnotes.widgets.base.Player": Spec(_base.Player, lambda: {"markup": "<div></div>", "n_frames": 2,
                                                               "param": "k"},
                                        {"markup": "str", "n_frames": "size", "param": "str"}),
    "mlnotes.widgets.base.Widget": Spec(_base.Widget),
})
for _cls, _valid, _kind in ((_base.IntSlider, {"min": 0, "max": 10, "default": 5}, "intslider"),
                            (_base.FloatSlider, {"min": 0.0, "max": 2.0, "default": 1.0}, "slider"),
                            (_base.Choice, {"options": ["a", "b"], "default": "a"}, "choice"),
                            (_base.Toggle, {"default": True}, "toggle")):
    _q = f"mlnotes.widgets.base.{_cls.__name__}"
    _v0 = {"choice": "b", "toggle": False}.get(_kind, 1)
    for _m in ("validate", "make"):
        REGISTRY[f"{_q}.{_m}"] = Spec(
            (lambda name, value, c=_cls, v=_valid, m=_m: getattr(c(**v), m)(name, value)),
            (lambda v0=_v0: {"name": "ctl", "value": v0}), {"name": "str", "value": _kind},
            names={"value": "ctl"})

# the base Widget's methods, driven through the cheapest concrete widget
REGISTRY.update(_widget_specs(
    "mlnotes.widgets.base.Widget", _base.Widget, lambda: _wmm.MatrixMapWidget(n_circle=41), dict, {},
    _MM, _MMK, {}, player=("a", [0.5, 1.0])))
REGISTRY["mlnotes.widgets.base.Widget"] = Spec(_base.Widget)

REGISTRY.update(_widget_specs(
    "mlnotes.widgets.matrix_map.MatrixMapWidget", _wmm.MatrixMapWidget, lambda: _wmm.MatrixMapWidget(n_circle=41),
    lambda: {"n_circle": 41}, {"n_circle": "size"}, _MM, _MMK,
    {**{m: (_MM, _MMK) for m in ("matrix", "square", "circle", "grid_lines", "eigen_directions", "summary",
                                 "limit")},
     "apply": ({**_MM, "points": np.ones((2, 3))}, {**_MMK, "points": "array"})},
    player=("a", [0.5, 1.0])))

REGISTRY.update(_widget_specs(
    "mlnotes.widgets.svd.SVDCompression", _wsvd.SVDCompression, lambda: _wsvd.SVDCompression(),
    lambda: {"custom": np.random.default_rng(0).uniform(size=(8, 8)), "k": 4}, {"custom": "array", "k": "size"},
    {"image": "mri", "k": 5, "log_scale": True}, {"image": "choice", "k": "intslider", "log_scale": "toggle"},
    {"image": ({"name": "mri"}, {"name": "choice"}),
     "max_rank": ({"name": "mri"}, {"name": "choice"}),
     "compressor": ({"name": "mri"}, {"name": "choice"}, {"name"}),
     "reconstruct": ({"k": 5, "image": "mri", "clip": True}, {"k": "intslider", "image": "choice", "clip": "bool"},
                     {"image"}),
     "stats": ({"k": 5, "image": "mri"}, {"k": "intslider", "image": "choice"}, {"image"})},
    player=("k", [1, 5]), ctor_optional=frozenset({"custom"}),
    names={m: {"name": "image"} for m in ("image", "max_rank", "compressor")}))

REGISTRY.update(_widget_specs(
    "mlnotes.widgets.stable.StableExplorer", _wstable.StableExplorer,
    lambda: _wstable.StableExplorer(n_samples=400, n_points=41, precompute=False),
    lambda: {"n_samples": 200, "x_max": 5.0, "n_points": 21, "seed": 0, "precompute": False},
    {"n_samples": "size", "x_max": "positive", "n_points": "size", "seed": "seed", "precompute": "bool"},
    _ALPHA, _ALPHAK,
    {"slider_alphas": ({}, {}),
     **{m: (_ALPHA, _ALPHAK) for m in ("density", "samples", "histogram", "outside_fraction", "tail")},
     "precompute": ({"alphas": np.array([1.5, 1.2]), "betas": np.array([0.0])}, {"alphas": "array0",
                                                                                 "betas": "array0"}),
     "tail_asymptote": ({"alpha": 1.5}, {"alpha": "slider"})},
    player=("alpha", [1.0, 1.5])))
REGISTRY["mlnotes.widgets.stable.tail_constant"] = Spec(_wstable.tail_constant, lambda: {"alpha": 1.5},
                                                        {"alpha": "slider"})

REGISTRY.update(_widget_specs(
    "mlnotes.widgets.clt.CLTExplorer", _wclt.CLTExplorer, lambda: _wclt.CLTExplorer(reps=400, n_max=32),
    lambda: {"reps": 200, "n_max": 16, "seed": 0}, {"reps": "size", "n_max": "size", "seed": "seed"},
    {"n": 4, "dist": "exponential"}, {"n": "intslider", "dist": "choice"},
    {**{m: ({"n": 4, "dist": "exponential"}, {"n": "intslider", "dist": "choice"})
        for m in ("z_values", "histogram", "ks")},
     "ks_curve": ({"dist": "exponential"}, {"dist": "choice"}),
     "noise_level": ({}, {})},
    player=("n", [1, 4])))

_GPS = {"kernel": "rbf", "length_scale": 1.0, "variance": 1.0, "period": 3.0, "noise": 0.01, "n_obs": 5, "seed": 0}
_GPK = {"kernel": "choice", "length_scale": "slider", "variance": "slider", "period": "slider", "noise": "slider",
        "n_obs": "intslider", "seed": "intslider"}
REGISTRY.update(_widget_specs(
    "mlnotes.widgets.gp.GPWidget", _wgp.GPWidget, lambda: _wgp.GPWidget(n_grid=50),
    lambda: {"n_grid": 50, "n_samples": 3, "x_range": (-2.0, 2.0), "draws_seed": 0, "max_obs": 10},
    {"n_grid": "size", "n_samples": "size", "x_range": "pair", "draws_seed": "seed", "max_obs": "size"},
    _GPS, _GPK,
    {"kernel": (_GPS, _GPK), "compute": (_GPS, _GPK),
     "observations": ({"n_obs": 5, "seed": 1, "noise": 0.01}, {"n_obs": "intslider", "seed": "intslider",
                                                              "noise": "slider"})},
    player=("length_scale", [0.5, 1.0])))
REGISTRY["mlnotes.widgets.gp.hidden_function"] = Spec(_wgp.hidden_function, lambda: {"x": np.linspace(0, 1, 5)},
                                                      {"x": "anyarray0"})

_DS = {"dataset": "eight_gaussians", "schedule": "linear", "t": 100, "score": True}
_DSK = {"dataset": "choice", "schedule": "choice", "t": "intslider", "score": "toggle"}
_DC = {"dataset": "eight_gaussians", "schedule": "linear"}
_DCK = {"dataset": "choice", "schedule": "choice"}
REGISTRY.update(_widget_specs(
    "mlnotes.widgets.diffusion.DiffusionSteps", _wdiff.DiffusionSteps,
    lambda: _wdiff.DiffusionSteps(n=200, train_steps=150, grid=6, seed=0),
    lambda: {"runs": {}, "trajectories": {}, "n": 100, "train_steps": 10, "grid": 4, "seed": 0},
    {"runs": "mapping", "trajectories": "mapping", "n": "size", "train_steps": "size", "grid": "size",
     "seed": "seed"},
    _DS, _DSK,
    {"run": (_DC, _DCK),
     **{m: ({**_DC, "t": 100}, {**_DCK, "t": "intslider"}) for m in ("forward_samples", "reverse_samples",
                                                                   "score_field")},
     "curves": ({"schedule": "linear"}, {"schedule": "choice"})},
    player=("t", [0, 500]), ctor_optional=frozenset({"runs", "trajectories"})))

_OTS = {"source": "moons", "target": "eight_gaussians", "n": 40, "eps": 0.1, "t": 0.5, "view": "plan lines"}
_OTK = {"source": "choice", "target": "choice", "n": "intslider", "eps": "slider", "t": "slider", "view": "choice"}
REGISTRY.update(_widget_specs(
    "mlnotes.widgets.ot.TransportExplorer", _wot.TransportExplorer, lambda: _wot.TransportExplorer(n=40),
    lambda: {"source": "moons", "target": "ring", "n": 40, "seed": 0},
    {"source": "choice", "target": "choice", "n": "intslider", "seed": "seed"},
    _OTS, _OTK,
    {"problem": ({"source": "moons", "target": "ring", "n": 40}, {"source": "choice", "target": "choice",
                                                                 "n": "intslider"}),
     "solve": ({"source": "moons", "target": "ring", "n": 40, "eps": 0.1},
               {"source": "choice", "target": "choice", "n": "intslider", "eps": "slider"}),
     "displacement": ({"t": 0.5, **{k: v for k, v in _OTS.items() if k != "t"}}, _OTK),
     "mixture": ({"t": 0.5, **{k: v for k, v in _OTS.items() if k != "t"}}, _OTK),
     "density_1d": ({**_OTS, "source": "1d gaussian", "target": "1d two bumps"}, _OTK),
     "numbers": (_OTS, _OTK)},
    player=("t", [0.0, 1.0])))


# ----------------------------------------------------------------------------- prob, linalg
from mlnotes import prob  # noqa: E402
from mlnotes.linalg import decomp, maps, matfun, norms, spectral  # noqa: E402
from mlnotes.linalg import svd as lsvd  # noqa: E402

MODULES += ["mlnotes.prob", "mlnotes.linalg", "mlnotes.linalg.decomp", "mlnotes.linalg.maps",
            "mlnotes.linalg.matfun", "mlnotes.linalg.norms", "mlnotes.linalg.spectral", "mlnotes.linalg.svd"]

_P3 = np.array([0.2, 0.3, 0.5])
_U = np.linspace(-1.2, 1.2, 7)
_A3 = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])
_IMG = np.random.default_rng(1).uniform(size=(6, 5))
_A2 = np.array([[2.0, 1.0], [1.0, 3.0]])

REGISTRY.update({
    "mlnotes.prob.check_prob_vector": Spec(prob.check_prob_vector, lambda: {"p": _P3, "name": "p", "owner": "f",
                                                                            "atol": 1e-9},
                                           {"p": "prob", "name": "str", "owner": "str", "atol": "nonneg"}),
    "mlnotes.prob.softmax": Spec(prob.softmax, lambda: {"z": np.array([1.0, 2.0, 3.0]), "axis": -1},
                                 {"z": "anyarray", "axis": "int"}),
    "mlnotes.prob.log_softmax": Spec(prob.log_softmax, lambda: {"z": np.array([1.0, 2.0, 3.0]), "axis": -1},
                                     {"z": "anyarray", "axis": "int"}),
    "mlnotes.prob.stable_pdf": Spec(prob.stable_pdf, lambda: {"x": _U, "alpha": 1.5, "beta": 0.3},
                                    {"x": "anyarray0", "alpha": "slider", "beta": "slider"}),
    "mlnotes.prob.stable_rvs": Spec(prob.stable_rvs, lambda: {"alpha": 1.5, "beta": 0.3, "size": 5, "rng": 0},
                                    {"alpha": "slider", "beta": "slider", "size": "size", "rng": "rng"}),
    "mlnotes.prob.stable_from_uniforms": Spec(prob.stable_from_uniforms,
                                              lambda: {"alpha": 1.5, "beta": 0.3, "v": _U,
                                                       "w": np.linspace(0.5, 2.0, 7)},
                                              {"alpha": "slider", "beta": "slider", "v": "anyarray",
                                               "w": "anyarray"}),
    "mlnotes.prob.standardized_means": Spec(prob.standardized_means,
                                            lambda: {"draws": np.ones((4, 10)), "n": 5, "mean": 1.0, "std": 2.0},
                                            {"draws": "array", "n": "size", "mean": "real", "std": "positive"}),
    "mlnotes.prob.ks_distance_normal": Spec(prob.ks_distance_normal, lambda: {"z": _U, "assume_sorted": True},
                                            {"z": "array", "assume_sorted": "bool"}),
    # linalg
    "mlnotes.linalg.decomp.forward_substitution": Spec(decomp.forward_substitution,
                                                       lambda: {"L": np.tril(_A3), "b": np.ones(3),
                                                                "unit_diagonal": False},
                                                       {"L": "csquare", "b": "carray", "unit_diagonal": "bool"},
                                                       names={"L": "L"}),
    "mlnotes.linalg.decomp.cholesky": Spec(decomp.cholesky, lambda: {"A": _A3}, {"A": "pd"}),
    "mlnotes.linalg.decomp.lu": Spec(decomp.lu, lambda: {"A": _A3}, {"A": "square"}),
    "mlnotes.linalg.decomp.det_cofactor": Spec(decomp.det_cofactor, lambda: {"A": _A3}, {"A": "csquare"}),
    "mlnotes.linalg.decomp.adjugate": Spec(decomp.adjugate, lambda: {"A": _A3}, {"A": "csquare"}),
    "mlnotes.linalg.decomp.pinv_svd": Spec(decomp.pinv_svd, lambda: {"A": _A3[:, :2], "rtol": 1e-12},
                                           {"A": "carray", "rtol": "nonneg"}, optional=frozenset({"rtol"})),
    "mlnotes.linalg.maps.grad": Spec(maps.grad, lambda: {"f": _IMG, "h": 0.5}, {"f": "array", "h": "positive"}),
    "mlnotes.linalg.maps.warp_bilinear": Spec(maps.warp_bilinear,
                                              lambda: {"f": _IMG, "phi": np.stack(np.meshgrid(np.arange(5.0),
                                                                                              np.arange(6.0)))[::-1]},
                                              {"f": "array", "phi": "anyarray"}),   # positions of any shape
    "mlnotes.linalg.maps.row_echelon": Spec(maps.row_echelon, lambda: {"A": _A3[:2], "tol": 1e-10},
                                            {"A": "array", "tol": "nonneg"}, optional=frozenset({"tol"})),
    "mlnotes.linalg.maps.rank_gauss": Spec(maps.rank_gauss, lambda: {"A": _A3[:2], "tol": 1e-10},
                                           {"A": "array", "tol": "nonneg"}, optional=frozenset({"tol"})),
    "mlnotes.linalg.matfun.expm_series": Spec(matfun.expm_series, lambda: {"A": _A3 / 4, "terms": 20, "squarings": 2},
                                              {"A": "csquare", "terms": "size", "squarings": "count"},
                                              optional=frozenset({"squarings"})),
    "mlnotes.linalg.norms.rotation2d": Spec(norms.rotation2d, lambda: {"theta": 0.3}, {"theta": "real"}),
    "mlnotes.linalg.norms.householder": Spec(norms.householder, lambda: {"v": np.array([1.0, 2.0, 2.0])},
                                             {"v": "array"}),
    "mlnotes.linalg.spectral.eig2x2": Spec(spectral.eig2x2, lambda: {"A": _A2}, {"A": "square"}),
    "mlnotes.linalg.spectral.definiteness": Spec(spectral.definiteness, lambda: {"A": _A2, "tol": 1e-10},
                                                 {"A": "symmetric", "tol": "nonneg"}, optional=frozenset({"tol"})),
    "mlnotes.linalg.spectral.quadratic_form": Spec(spectral.quadratic_form,
                                                   lambda: {"A": _A2, "X": np.ones((2, 4)), "b": np.ones(2),
                                                            "c": 1.0},
                                                   {"A": "square", "X": "array", "b": "array", "c": "real"},
                                                   optional=frozenset({"b"})),
    "mlnotes.linalg.spectral.quadratic_form_grid": Spec(spectral.quadratic_form_grid,
                                                        lambda: {"A": _A2, "b": np.ones(2), "c": 1.0, "lim": 2.0,
                                                                 "n": 5},
                                                        {"A": "square", "b": "array", "c": "real",
                                                         "lim": "positive", "n": "size"},
                                                        optional=frozenset({"b"})),
    "mlnotes.linalg.svd.check_image": Spec(lsvd.check_image, lambda: {"image": _IMG, "name": "image"},
                                           {"image": "array", "name": "str"}),
    "mlnotes.linalg.svd.check_rank": Spec(lsvd.check_rank, lambda: {"k": 2, "max_rank": 5, "name": "k"},
                                          {"k": "size", "max_rank": "size", "name": "str"}),
    "mlnotes.linalg.svd.svd_storage": Spec(lsvd.svd_storage, lambda: {"m": 6, "n": 5, "k": 2, "channels": 1},
                                           {"m": "size", "n": "size", "k": "size", "channels": "size"}),
    "mlnotes.linalg.svd.SVDStats": Spec(lambda: lsvd.SVDCompressor(_IMG).stats(2)),   # a record made by stats()
    "mlnotes.linalg.svd.SVDCompressor": Spec(lsvd.SVDCompressor, lambda: {"image": _IMG, "value_range": (0.0, 1.0)},
                                             {"image": "array", "value_range": "pair"}),
    "mlnotes.linalg.svd.SVDCompressor.reconstruct": Spec(
        lambda k, clip: _once("svdc", lambda: lsvd.SVDCompressor(_IMG)).reconstruct(k, clip=clip),
        lambda: {"k": 2, "clip": True}, {"k": "size", "clip": "bool"}),
    "mlnotes.linalg.svd.SVDCompressor.stats": Spec(
        lambda k: _once("svdc", lambda: lsvd.SVDCompressor(_IMG)).stats(k), lambda: {"k": 2}, {"k": "size"}),
    "mlnotes.linalg.svd.SVDCompressor.energy_curve": Spec(
        lambda: _once("svdc", lambda: lsvd.SVDCompressor(_IMG)).energy_curve()),
    "mlnotes.linalg.svd.SVDCompressor.error_image": Spec(
        lambda k, approx: _once("svdc", lambda: lsvd.SVDCompressor(_IMG)).error_image(k, approx=approx),
        lambda: {"k": 2, "approx": None}, {"k": "size", "approx": "array"}, optional=frozenset({"approx"})),
})


# ----------------------------------------------------------------------------- diffusion
from mlnotes import diffusion as dfn  # noqa: E402

MODULES += ["mlnotes.diffusion"]

_T = 50
_X0 = np.random.default_rng(2).normal(size=(4, 2))
_EPS = np.random.default_rng(3).normal(size=(4, 2))
_MEANS = np.array([[1.0, 0.0], [-1.0, 0.0]])


def _sch():
    return _once("schedule", lambda: dfn.make_schedule("linear", _T))


def _den():
    import torch as _torch  # noqa: PLC0415
    _torch.manual_seed(0)
    return _once("denoiser", lambda: dfn.Denoiser(2, hidden=16, depth=2, emb_dim=8))


def _small_cfg():
    return dict(dfn.CONFIGS["toy"]["cpu"], steps=12, n_train=200, n_eval=50, hidden=16, depth=2, emb_dim=8, T=_T,
                batch_size=32, device="cpu", full=False)


def _fitted():
    return _once("fit", lambda: dfn.fit(_small_cfg(), seed=0, progress=False, verbose=False))


def _score0(x):
    return -np.asarray(x)


def _score_lvl(x, i):
    return -np.asarray(x)


_SCH_METHODS = {
    "q_sample": ({"x0": _X0, "t": 10, "noise": _EPS}, {"x0": "array", "t": "int", "noise": "array"}),
    "q_step": ({"x_prev": _X0, "t": 10, "noise": _EPS}, {"x_prev": "array", "t": "int", "noise": "array"}),
    "posterior": ({"x0": _X0, "x_t": _EPS, "t": 10}, {"x0": "array", "x_t": "array", "t": "int"}),
    "convert": ({"value": _EPS, "x_t": _X0, "t": 10, "source": "eps", "target": "x0"},
                {"value": "array", "x_t": "array", "t": "int", "source": "choice", "target": "choice"}),
    "reverse_mean": ({"x_t": _X0, "t": 10, "eps": _EPS, "clip": 3.0},
                     {"x_t": "array", "t": "int", "eps": "array", "clip": "positive"}, {"clip"}),
    "reverse_variance": ({"t": 10, "kind": "small"}, {"t": "int", "kind": "choice"}),
    "reverse_step": ({"x_t": _X0, "t": 10, "eps": _EPS, "noise": _EPS, "variance": "small", "clip": 3.0},
                     {"x_t": "array", "t": "int", "eps": "array", "noise": "array", "variance": "choice",
                      "clip": "positive"}, {"clip", "noise"}),
    "prior_kl": ({"x0": _X0}, {"x0": "anyarray"}),   # a batch of samples of any shape
}

REGISTRY.update({
    "mlnotes.diffusion.Schedule": Spec(dfn.Schedule, lambda: {"betas": np.linspace(1e-3, 0.02, 20), "name": "s"},
                                       {"betas": "array", "name": "str"}),
    "mlnotes.diffusion.Schedule.linear": Spec(dfn.Schedule.linear, lambda: {"T": 20, "beta_start": 1e-4,
                                                                            "beta_end": 0.02},
                                              {"T": "size", "beta_start": "probability", "beta_end": "probability"}),
    "mlnotes.diffusion.Schedule.cosine": Spec(dfn.Schedule.cosine, lambda: {"T": 20, "s": 0.008, "max_beta": 0.999},
                                              {"T": "size", "s": "positive", "max_beta": "probability"}),
    **{f"mlnotes.diffusion.Schedule.{m}": Spec(_bind(_sch, m), (lambda v=v: dict(v)), k,
                                               optional=frozenset(o[0]) if o else frozenset())
       for m, (v, k, *o) in _SCH_METHODS.items()},
    "mlnotes.diffusion.make_schedule": Spec(dfn.make_schedule, lambda: {"name": "cosine", "T": 20},
                                            {"name": "choice", "T": "size"}),
    "mlnotes.diffusion.gaussian_kl": Spec(dfn.gaussian_kl, lambda: {"mu1": _X0, "var1": np.ones((4, 2)),
                                                                    "mu2": _EPS, "var2": 2 * np.ones((4, 2))},
                                          {"mu1": "anyarray", "var1": "anyarray", "mu2": "anyarray",
                                           "var2": "anyarray"}),   # elementwise, broadcasting
    "mlnotes.diffusion.sinusoidal_embedding": Spec(
        lambda t, dim, max_period: dfn.sinusoidal_embedding(t, dim, max_period).numpy(),
        lambda: {"t": __import__("torch").arange(4), "dim": 8, "max_period": 100.0},
        {"t": "array", "dim": "size", "max_period": "positive"}),
    "mlnotes.diffusion.Denoiser": Spec(dfn.Denoiser, lambda: {"dim": 2, "hidden": 8, "depth": 2, "emb_dim": 4},
                                       {"dim": "size", "hidden": "size", "depth": "size", "emb_dim": "size"}),
    "mlnotes.diffusion.Denoiser.forward": Spec(
        lambda x, t: _den().forward(x, t).detach().numpy(),
        lambda: {"x": __import__("torch").zeros(4, 2), "t": __import__("torch").arange(4)},
        {"x": "array", "t": "array"}),
    "mlnotes.diffusion.train": Spec(
        lambda model, data, schedule, steps, batch_size, lr, seed, device: dfn.train(
            model, data, schedule, steps=steps, batch_size=batch_size, lr=lr, seed=seed, device=device,
            progress=False),
        lambda: {"model": dfn.Denoiser(2, hidden=8, depth=1, emb_dim=4), "data": np.ones((16, 2)),
                 "schedule": _sch(), "steps": 3, "batch_size": 8, "lr": 1e-3, "seed": 0, "device": "cpu"},
        {"model": "callable", "data": "array", "schedule": "iterable", "steps": "size", "batch_size": "size",
         "lr": "positive", "seed": "seed", "device": "device"}),
    "mlnotes.diffusion.sample": Spec(
        lambda model, schedule, n, dim, seed, device, variance, clip: dfn.sample(
            model, schedule, n, dim=dim, seed=seed, device=device, variance=variance, clip=clip),
        lambda: {"model": _den(), "schedule": _sch(), "n": 4, "dim": 2, "seed": 0, "device": "cpu",
                 "variance": "small", "clip": 3.0},
        {"model": "callable", "schedule": "iterable", "n": "size", "dim": "size", "seed": "seed",
         "device": "device", "variance": "choice", "clip": "positive"}, optional=frozenset({"clip", "dim"})),
    "mlnotes.diffusion.sliced_wasserstein": Spec(dfn.sliced_wasserstein,
                                                 lambda: {"X": _X0, "Y": _EPS, "n_projections": 20, "p": 2.0,
                                                          "seed": 0, "projections": None},
                                                 {"X": "array", "Y": "array", "n_projections": "size",
                                                  "p": "positive", "seed": "seed"}),
    "mlnotes.diffusion.mixture_log_density": Spec(dfn.mixture_log_density,
                                                  lambda: {"x": _X0, "means": _MEANS, "std": 0.5, "alpha_bar": 0.5,
                                                           "weights": np.array([0.3, 0.7])},
                                                  {"x": "array", "means": "array", "std": "positive",
                                                   "alpha_bar": "probability", "weights": "prob"},
                                                  optional=frozenset({"weights"})),
    "mlnotes.diffusion.mixture_score": Spec(dfn.mixture_score,
                                            lambda: {"x": _X0, "means": _MEANS, "std": 0.5, "alpha_bar": 0.5,
                                                     "weights": np.array([0.3, 0.7])},
                                            {"x": "array", "means": "array", "std": "positive",
                                             "alpha_bar": "probability", "weights": "prob"},
                                            optional=frozenset({"weights"})),
    "mlnotes.diffusion.mixture_posterior_mean": Spec(dfn.mixture_posterior_mean,
                                                     lambda: {"x": _X0, "means": _MEANS, "std": 0.5,
                                                              "alpha_bar": 0.5, "weights": np.array([0.3, 0.7])},
                                                     {"x": "array", "means": "array", "std": "positive",
                                                      "alpha_bar": "probability", "weights": "prob"},
                                                     optional=frozenset({"weights"})),
    "mlnotes.diffusion.langevin": Spec(dfn.langevin, lambda: {"score": _score0, "x_init": _X0, "step_size": 0.01,
                                                              "n_steps": 5, "seed": 0},
                                       {"score": "callable", "x_init": "array", "step_size": "positive",
                                        "n_steps": "size", "seed": "seed"}),
    "mlnotes.diffusion.annealed_langevin": Spec(dfn.annealed_langevin,
                                                lambda: {"score": _score_lvl, "x_init": _X0,
                                                         "levels": np.array([1.0, 0.5]), "step_size": 0.01,
                                                         "n_steps": 3, "seed": 0},
                                                {"score": "callable", "x_init": "array", "levels": "array",
                                                 "step_size": "positive", "n_steps": "size", "seed": "seed"}),
    "mlnotes.diffusion.error_by_density": Spec(dfn.error_by_density,
                                               lambda: {"log_density": np.linspace(-3, 0, 40),
                                                        "error": np.linspace(0, 1, 40), "n_bins": 4},
                                               {"log_density": "anyarray", "error": "anyarray", "n_bins": "size"}),
    "mlnotes.diffusion.config": Spec(dfn.config, lambda: {"name": "toy", "steps": 10, "verbose": False},
                                     {"name": "choice", "steps": "size", "verbose": "bool"},
                                     optional=frozenset({"steps"})),
    "mlnotes.diffusion.fit": Spec(lambda cfg, seed: dfn.fit(cfg, seed=seed, progress=False, verbose=False),
                                  lambda: {"cfg": _small_cfg(), "seed": 0}, {"cfg": "mapping", "seed": "seed"}),
    "mlnotes.diffusion.FitResult": Spec(lambda: _fitted()),   # a record made by fit()
    "mlnotes.diffusion.FitResult.sample": Spec(
        lambda n, seed, return_trajectory: _fitted().sample(n, seed=seed, return_trajectory=return_trajectory),
        lambda: {"n": 4, "seed": 0, "return_trajectory": False},
        {"n": "size", "seed": "seed", "return_trajectory": "bool"}),
    "mlnotes.diffusion.FitResult.eps": Spec(lambda x, t: _fitted().eps(x, t), lambda: {"x": _X0, "t": 10},
                                            {"x": "array", "t": "int"}),
    "mlnotes.diffusion.FitResult.score": Spec(lambda x, t: _fitted().score(x, t), lambda: {"x": _X0, "t": 10},
                                              {"x": "array", "t": "int"}),
    "mlnotes.diffusion.FitResult.to_images": Spec(lambda x: _fitted().to_images(x), lambda: {"x": np.zeros((2, 64))},
                                                  {"x": "array"}),
})


# ----------------------------------------------------------------------------- ot
from mlnotes import ot as mot  # noqa: E402

MODULES += ["mlnotes.ot"]

_OX = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
_OY = np.array([[2.0, 0.0], [2.0, 1.0], [3.0, 1.0]])
_OW = np.array([0.2, 0.3, 0.5])
_OC = ((_OX[:, None] - _OY[None]) ** 2).sum(-1)
_O1 = np.array([0.0, 1.0, 3.0])
_O2 = np.array([0.5, 2.0, 2.5])

REGISTRY.update({
    "mlnotes.ot.uniform": Spec(mot.uniform, lambda: {"n": 4}, {"n": "size"}),
    "mlnotes.ot.cost_matrix": Spec(mot.cost_matrix, lambda: {"X": _OX, "Y": _OY, "p": 2.0},
                                   {"X": "array", "Y": "array", "p": "positive"}),
    "mlnotes.ot.exact_plan": Spec(mot.exact_plan, lambda: {"a": _OW, "b": _OW[::-1].copy(), "C": _OC, "method": "lp"},
                                  {"a": "weights", "b": "weights", "C": "array", "method": "choice"},
                                  optional=frozenset({"a", "b"})),
    "mlnotes.ot.exact_cost": Spec(mot.exact_cost, lambda: {"a": _OW, "b": _OW[::-1].copy(), "C": _OC, "method": "lp"},
                                  {"a": "weights", "b": "weights", "C": "array", "method": "choice"},
                                  optional=frozenset({"a", "b"})),
    "mlnotes.ot.monotone_plan": Spec(mot.monotone_plan, lambda: {"x": _O1, "y": _O2, "a": _OW, "b": _OW},
                                     {"x": "array", "y": "array", "a": "weights", "b": "weights"},
                                     optional=frozenset({"a", "b"})),
    "mlnotes.ot.SinkhornResult": Spec(lambda: mot.sinkhorn(_OW, _OW, _OC, 0.5)),   # a record made by sinkhorn()
    "mlnotes.ot.sinkhorn": Spec(mot.sinkhorn, lambda: {"a": _OW, "b": _OW[::-1].copy(), "C": _OC, "eps": 0.5,
                                                       "max_iter": 500, "tol": 1e-9, "check_every": 1},
                                {"a": "weights", "b": "weights", "C": "array", "eps": "positive", "max_iter": "size",
                                 "tol": "positive", "check_every": "size"}, optional=frozenset({"a", "b"})),
    "mlnotes.ot.quantile_function": Spec(mot.quantile_function, lambda: {"x": _O1, "t": np.array([0.1, 0.5, 0.9]),
                                                                         "a": _OW},
                                         {"x": "array", "t": "array", "a": "weights"}, optional=frozenset({"a"})),
    "mlnotes.ot.wasserstein_1d": Spec(mot.wasserstein_1d, lambda: {"x": _O1, "y": _O2, "a": _OW, "b": _OW, "p": 2.0},
                                      {"x": "array", "y": "array", "a": "weights", "b": "weights", "p": "positive"},
                                      optional=frozenset({"a", "b"})),
    "mlnotes.ot.wasserstein": Spec(mot.wasserstein, lambda: {"X": _OX, "Y": _OY, "a": _OW, "b": _OW, "p": 2.0},
                                   {"X": "array", "Y": "array", "a": "weights", "b": "weights", "p": "positive"},
                                   optional=frozenset({"a", "b"})),
    "mlnotes.ot.plan_atoms": Spec(mot.plan_atoms, lambda: {"plan": np.diag(_OW), "threshold": 0.0},
                                  {"plan": "array", "threshold": "nonneg"}),
    "mlnotes.ot.displacement_interpolation": Spec(mot.displacement_interpolation,
                                                  lambda: {"X": _OX, "Y": _OY, "plan": np.diag(_OW), "t": 0.5,
                                                           "threshold": 0.0},
                                                  {"X": "array", "Y": "array", "plan": "array",
                                                   "t": "probability", "threshold": "nonneg"}),
    "mlnotes.ot.mixture_interpolation": Spec(mot.mixture_interpolation,
                                             lambda: {"X": _OX, "Y": _OY, "a": _OW, "b": _OW, "t": 0.5},
                                             {"X": "array", "Y": "array", "a": "weights", "b": "weights",
                                              "t": "probability"}, optional=frozenset({"a", "b"})),
    "mlnotes.ot.barycenter_1d": Spec(mot.barycenter_1d, lambda: {"xs": [_O1, _O2], "weights": None,
                                                                 "lambdas": np.array([0.5, 0.5])},
                                     {"xs": "iterable", "lambdas": "weights"}, optional=frozenset({"lambdas"})),
    "mlnotes.ot.free_support_barycenter": Spec(mot.free_support_barycenter,
                                               lambda: {"Ys": [_OX, _OY], "X_init": _OX, "weights": None,
                                                        "lambdas": np.array([0.5, 0.5]), "b": _OW, "max_iter": 20,
                                                        "tol": 1e-9},
                                               {"Ys": "iterable", "X_init": "array", "lambdas": "weights", "b": "weights",
                                                "max_iter": "size", "tol": "positive"},
                                               optional=frozenset({"lambdas", "b"})),
})


# ----------------------------------------------------------------------------- widgets.kmeans
from mlnotes.widgets import kmeans as _wkm  # noqa: E402

MODULES += ["mlnotes.widgets.kmeans"]
_KX = np.array([[0.0, 0.0], [0.1, 0.0], [3.0, 3.0], [3.1, 3.0], [0.0, 3.0], [0.1, 3.1]])
_KS = {"dataset": "blobs", "k": 3, "init": "k-means++", "seed": 1, "step": 2}
_KK = {"dataset": "choice", "k": "intslider", "init": "choice", "seed": "intslider", "step": "intslider"}
_KR = {k: v for k, v in _KS.items() if k != "step"}
_KRK = {k: v for k, v in _KK.items() if k != "step"}
REGISTRY.update(_widget_specs(
    "mlnotes.widgets.kmeans.KMeansStepper", _wkm.KMeansStepper, lambda: _wkm.KMeansStepper(n=60, grid=30),
    lambda: {"n": 60, "grid": 30}, {"n": "size", "grid": "size"}, _KS, _KK,
    {"points": ({"dataset": "moons"}, {"dataset": "choice"}),
     "run": (_KR, _KRK), "state_at": (_KS, _KK), "cells": (_KS, _KK)},
    player=("step", [0, 2])))
REGISTRY.update({
    "mlnotes.widgets.kmeans.KMeansRun": Spec(lambda: _wkm.lloyd(_KX, _KX[:2])),   # a record made by lloyd()
    "mlnotes.widgets.kmeans.lloyd": Spec(_wkm.lloyd, lambda: {"X": _KX, "centres": _KX[:2], "max_iter": 20},
                                         {"X": "array", "centres": "array", "max_iter": "size"}),
    "mlnotes.widgets.kmeans.init_centres": Spec(_wkm.init_centres, lambda: {"X": _KX, "k": 2, "init": "random",
                                                                            "seed": 0},
                                                {"X": "array", "k": "size", "init": "choice", "seed": "seed"}),
})


# ----------------------------------------------------------------------------- widgets.playground
from mlnotes.widgets import playground as _wpg  # noqa: E402

MODULES += ["mlnotes.widgets.playground"]
_PG = {"dataset": "moons", "model": "kNN", "k": 5, "degree": 3, "C": 1.0, "gamma": 1.0, "depth": 3, "trees": 5}
_PGK = {"dataset": "choice", "model": "choice", "k": "intslider", "degree": "intslider", "C": "slider",
        "gamma": "slider", "depth": "intslider", "trees": "intslider"}
REGISTRY.update(_widget_specs(
    "mlnotes.widgets.playground.ClassifierPlayground", _wpg.ClassifierPlayground,
    lambda: _wpg.ClassifierPlayground(n=100, grid=20),
    lambda: {"n": 100, "grid": 20}, {"n": "size", "grid": "size"}, _PG, _PGK,
    {"split": ({"dataset": "xor"}, {"dataset": "choice"}),
     "grid_points": ({"dataset": "xor"}, {"dataset": "choice"}),
     "extent": ({"dataset": "xor"}, {"dataset": "choice"}),
     "key": (_PG, _PGK), "fit_predict": (_PG, _PGK),
     "colours": ({"labels": np.array([0, 1, 1])}, {"labels": "anyarray0"})},
    player=("k", [1, 5])))
REGISTRY["mlnotes.widgets.playground.ClassifierPlayground.image"] = Spec(
    lambda: (_once("mlnotes.widgets.playground.ClassifierPlayground",
                   lambda: _wpg.ClassifierPlayground(n=100, grid=20)).figure(**_PG),
             _INSTANCES["mlnotes.widgets.playground.ClassifierPlayground"].image())[1])
REGISTRY["mlnotes.widgets.playground.make_dataset"] = Spec(_wpg.make_dataset, lambda: {"name": "xor", "n": 100,
                                                                                     "seed": 0},
                                                           {"name": "choice", "n": "size", "seed": "seed"})


# ----------------------------------------------------------------------------- widgets.filters
from mlnotes.widgets import filters as _wfl  # noqa: E402

MODULES += ["mlnotes.widgets.filters"]
_FS = {"image": "mri", "kernel": "custom", "ksize": 3, "stride": 2, "padding": 1,
       **{c: 0.5 for c in _wfl.CUSTOM}}
_FK = {"image": "choice", "kernel": "choice", "ksize": "intslider", "stride": "intslider",
       "padding": "intslider", **{c: "slider" for c in _wfl.CUSTOM}}
_FX = np.random.default_rng(0).uniform(size=(6, 7))
REGISTRY.update(_widget_specs(
    "mlnotes.widgets.filters.FilterExplorer", _wfl.FilterExplorer, lambda: _wfl.FilterExplorer(size=48),
    lambda: {"size": 48}, {"size": "size"}, _FS, _FK,
    {"image": ({"name": "mri"}, {"name": "choice"}),
     "kernel": (_FS, _FK), "output": (_FS, _FK), "spectra": (_FS, _FK)},
    player=("kernel", ["box", "laplacian"]), names={"image": {"name": "image"}}))
REGISTRY.update({
    "mlnotes.widgets.filters.named_kernel": Spec(_wfl.named_kernel, lambda: {"name": "custom", "size": 3,
                                                                           "custom": np.eye(3)},
                                                 {"name": "choice", "size": "size", "custom": "array"}),
    "mlnotes.widgets.filters.output_size": Spec(_wfl.output_size, lambda: {"n": 8, "k": 3, "stride": 2,
                                                                         "padding": 1, "dilation": 2},
                                                {"n": "size", "k": "size", "stride": "size", "padding": "count",
                                                 "dilation": "size"}),
    "mlnotes.widgets.filters.conv2d": Spec(_wfl.conv2d, lambda: {"image": _FX, "kernel": np.ones((3, 2)),
                                                               "stride": 2, "padding": 1},
                                           {"image": "array", "kernel": "array", "stride": "size",
                                            "padding": "count"}),
    "mlnotes.widgets.filters.magnitude_spectrum": Spec(_wfl.magnitude_spectrum, lambda: {"image": _FX},
                                                       {"image": "array"}),
})


# ----------------------------------------------------------------------------- metrics, widgets.roc
from mlnotes import metrics as _met  # noqa: E402
from mlnotes.widgets import roc as _wroc  # noqa: E402

MODULES += ["mlnotes.metrics", "mlnotes.widgets.roc"]
_MY = np.array([0, 0, 1, 1, 0, 1])
_MS = np.array([0.1, 0.4, 0.35, 0.8, 0.4, 0.9])
REGISTRY.update({
    "mlnotes.metrics.confusion_counts": Spec(_met.confusion_counts, lambda: {"y_true": _MY, "scores": _MS,
                                                                            "threshold": 0.4},
                                             {"y_true": "array", "scores": "array", "threshold": "real"}),
    "mlnotes.metrics.classification_rates": Spec(_met.classification_rates,
                                                 lambda: {"tp": 3.0, "fp": 1.0, "fn": 2.0, "tn": 4.0},
                                                 {"tp": "nonneg", "fp": "nonneg", "fn": "nonneg", "tn": "nonneg"}),
    "mlnotes.metrics.roc_curve": Spec(_met.roc_curve, lambda: {"y_true": _MY, "scores": _MS},
                                      {"y_true": "array", "scores": "array"}),
    "mlnotes.metrics.pr_curve": Spec(_met.pr_curve, lambda: {"y_true": _MY, "scores": _MS, "prevalence": 0.2},
                                     {"y_true": "array", "scores": "array", "prevalence": "probability"},
                                     optional=frozenset({"prevalence"})),
    "mlnotes.metrics.trapezoid_area": Spec(_met.trapezoid_area, lambda: {"x": np.array([0.0, 0.5, 1.0]),
                                                                        "y": np.array([0.0, 0.8, 1.0])},
                                           {"x": "array", "y": "array"}),
    "mlnotes.metrics.roc_auc": Spec(_met.roc_auc, lambda: {"y_true": _MY, "scores": _MS},
                                    {"y_true": "array", "scores": "array"}),
})
_RS = {"source": "skewed", "separation": 1.0, "threshold": 0.2, "prevalence": 0.2}
_RK = {"source": "choice", "separation": "slider", "threshold": "slider", "prevalence": "slider"}
_RC = {"source": "skewed", "separation": 1.0}
_RCK = {"source": "choice", "separation": "slider"}
REGISTRY.update(_widget_specs(
    "mlnotes.widgets.roc.ROCExplorer", _wroc.ROCExplorer, lambda: _wroc.ROCExplorer(n=400),
    lambda: {"n": 400}, {"n": "size"}, _RS, _RK,
    {"scores": (_RC, _RCK), "densities": (_RC, _RCK), "roc": (_RC, _RCK),
     "pr": ({**_RC, "prevalence": 0.2}, {**_RCK, "prevalence": "slider"}),
     "point": (_RS, _RK)},
    player=("threshold", [0.0, 1.0])))
REGISTRY["mlnotes.widgets.roc.digits_scores"] = Spec(_wroc.digits_scores)


# ----------------------------------------------------------------------------- optim
from mlnotes import optim as _opt  # noqa: E402
from mlnotes.widgets import optim as _wopt  # noqa: E402

MODULES += ["mlnotes.optim", "mlnotes.widgets.optim"]
_T2 = np.array([0.5, -1.0])
_G2 = np.array([0.3, 2.0])
_STEPK = {"theta": "anyarray", "grad": "anyarray", "state": "mapping", "lr": "positive"}
REGISTRY.update({
    "mlnotes.optim.sgd_step": Spec(_opt.sgd_step, lambda: {"theta": _T2, "grad": _G2, "state": {}, "lr": 0.1,
                                                           "momentum": 0.9, "nesterov": True, "weight_decay": 0.1},
                                   {**_STEPK, "momentum": "probability", "nesterov": "bool",
                                    "weight_decay": "nonneg"}),
    "mlnotes.optim.adagrad_step": Spec(_opt.adagrad_step, lambda: {"theta": _T2, "grad": _G2, "state": {}, "lr": 0.1,
                                                                   "eps": 1e-10, "initial_accumulator_value": 0.1},
                                       {**_STEPK, "eps": "nonneg", "initial_accumulator_value": "nonneg"}),
    "mlnotes.optim.rmsprop_step": Spec(_opt.rmsprop_step, lambda: {"theta": _T2, "grad": _G2, "state": {}, "lr": 0.1,
                                                                   "alpha": 0.99, "eps": 1e-8},
                                       {**_STEPK, "alpha": "probability", "eps": "nonneg"}),
    "mlnotes.optim.adadelta_step": Spec(_opt.adadelta_step, lambda: {"theta": _T2, "grad": _G2, "state": {},
                                                                     "lr": 1.0, "rho": 0.9, "eps": 1e-6},
                                        {**_STEPK, "rho": "probability", "eps": "positive"}),
    **{f"mlnotes.optim.{n}": Spec(getattr(_opt, n), lambda: {"theta": _T2, "grad": _G2, "state": {}, "lr": 0.1,
                                                             "beta1": 0.9, "beta2": 0.999, "eps": 1e-8,
                                                             "weight_decay": 0.01},
                                  {**_STEPK, "beta1": "probability", "beta2": "probability", "eps": "nonneg",
                                   "weight_decay": "nonneg"})
       for n in ("adam_step", "adamw_step")},
    "mlnotes.optim.objective": Spec(_opt.objective, lambda: {"function": "beale", "xy": np.ones((3, 2))},
                                    {"function": "choice", "xy": "anyarray"}),
    "mlnotes.optim.gradient": Spec(_opt.gradient, lambda: {"function": "saddle", "xy": np.ones((3, 2))},
                                   {"function": "choice", "xy": "anyarray"}),
    "mlnotes.optim.run": Spec(_opt.run, lambda: {"function": "beale", "optimiser": "Adam", "lr": 0.01, "steps": 20,
                                                 "beta": 0.9},
                              {"function": "choice", "optimiser": "choice", "lr": "positive", "steps": "size",
                               "beta": "probability"}),
})
_OPS = {"function": "beale", "lr": 0.01, "beta": 0.9, "steps": 20,
        **{k: k in ("sgd", "adam", "nesterov") for k in _wopt.KEYS.values()}}
_OPK = {"function": "choice", "lr": "slider", "beta": "slider", "steps": "intslider",
        **{k: "toggle" for k in _wopt.KEYS.values()}}
REGISTRY.update(_widget_specs(
    "mlnotes.widgets.optim.OptimizerPlayground", _wopt.OptimizerPlayground,
    lambda: _wopt.OptimizerPlayground(grid=30), lambda: {"grid": 30}, {"grid": "size"}, _OPS, _OPK,
    {"run": ({"function": "beale", "optimiser": "Adam", "lr": 0.01, "beta": 0.9},
             {"function": "choice", "optimiser": "choice", "lr": "slider", "beta": "slider"}),
     "shown": (_OPS, _OPK),
     "background": ({"function": "saddle"}, {"function": "choice"})},
    player=("lr", [0.01, 0.1])))


# ----------------------------------------------------------------------------- classical
from mlnotes import classical as _cls  # noqa: E402

MODULES += ["mlnotes.classical"]
_CX = np.random.default_rng(0).normal(size=(30, 3)) + np.repeat(np.eye(3) * 3, 10, axis=0)
_CY = np.repeat([0, 1, 2], 10)
_CXY = {"X": _CX, "y": _CY}
_CXK = {"X": "array", "y": "array"}
_NONE_OK = frozenset({"max_depth", "max_features", "seed"})
REGISTRY.update({
    "mlnotes.classical.fit_logistic": Spec(_cls.fit_logistic, lambda: {**_CXY, "C": 1.0, "tol": 1e-8,
                                                                       "max_iter": 50},
                                           {**_CXK, "C": "positive", "tol": "positive", "max_iter": "size"}),
    "mlnotes.classical.fit_svm": Spec(_cls.fit_svm, lambda: {**_CXY, "C": 1.0, "kernel": "rbf", "gamma": 0.5,
                                                             "tol": 1e-3, "max_iter": 10_000},
                                      {**_CXK, "C": "positive", "kernel": "choice", "gamma": "positive",
                                       "tol": "positive", "max_iter": "size"}),
    "mlnotes.classical.fit_gaussian_nb": Spec(_cls.fit_gaussian_nb, lambda: {**_CXY, "var_smoothing": 1e-9},
                                              {**_CXK, "var_smoothing": "nonneg"}),
    "mlnotes.classical.fit_lda": Spec(_cls.fit_lda, lambda: dict(_CXY), dict(_CXK)),
    "mlnotes.classical.fit_qda": Spec(_cls.fit_qda, lambda: {**_CXY, "reg_param": 0.1},
                                      {**_CXK, "reg_param": "probability"}),
    "mlnotes.classical.fit_knn": Spec(_cls.fit_knn, lambda: {**_CXY, "k": 3}, {**_CXK, "k": "size"}),
    "mlnotes.classical.fit_tree": Spec(_cls.fit_tree, lambda: {**_CXY, "max_depth": 3, "max_features": 2,
                                                               "seed": 0},
                                       {**_CXK, "max_depth": "size", "max_features": "size", "seed": "seed"},
                                       optional=_NONE_OK),
    "mlnotes.classical.fit_forest": Spec(_cls.fit_forest, lambda: {**_CXY, "n_trees": 3, "max_features": 2,
                                                                   "max_depth": 3, "seed": 0},
                                         {**_CXK, "n_trees": "size", "max_features": "size",
                                          "max_depth": "size", "seed": "seed"}, optional=_NONE_OK),
    "mlnotes.classical.fit_adaboost": Spec(_cls.fit_adaboost, lambda: {**_CXY, "n_rounds": 3, "max_depth": 1},
                                           {**_CXK, "n_rounds": "size", "max_depth": "size"}),
    "mlnotes.classical.fit_gradient_boosting": Spec(_cls.fit_gradient_boosting,
                                                    lambda: {**_CXY, "n_rounds": 3, "learning_rate": 0.1,
                                                             "max_depth": 2},
                                                    {**_CXK, "n_rounds": "size", "learning_rate": "positive",
                                                     "max_depth": "size"}),
    "mlnotes.classical.predict": Spec(_cls.predict, lambda: {"model": _cls.fit_lda(_CX, _CY), "X": _CX},
                                      {"model": "mapping", "X": "array"}),
})


# ----------------------------------------------------------------------------- vae
from mlnotes import vae as _vae  # noqa: E402

MODULES += ["mlnotes.vae"]
_VX = np.random.default_rng(5).uniform(size=(6, 4))
_VE = np.random.default_rng(6).normal(size=(3, 6, 2))


def _vmodel():
    import torch as _torch  # noqa: PLC0415
    with _torch.random.fork_rng():
        _torch.manual_seed(0)
        return _once("vae", lambda: _vae.VAE(data_dim=4, latent_dim=2, hidden=8, depth=1).double())


def _vcall(meth):
    def call(**kw):
        out = getattr(_vmodel(), meth)(**kw)
        return tuple(o.detach().numpy() for o in out) if isinstance(out, tuple) else \
            (out.detach().numpy() if hasattr(out, "detach") else out)
    call.__name__ = meth
    return call


def _vnp(fn):
    def call(**kw):
        out = fn(**kw)
        return out.detach().numpy() if hasattr(out, "detach") else out
    call.__name__ = fn.__name__
    return call


REGISTRY.update({
    "mlnotes.vae.VAE": Spec(_vae.VAE, lambda: {"data_dim": 4, "latent_dim": 2, "hidden": 8, "depth": 1,
                                               "obs_sigma": 0.3},
                            {"data_dim": "size", "latent_dim": "size", "hidden": "size", "depth": "size",
                             "obs_sigma": "positive"}, optional=frozenset({"obs_sigma"})),
    "mlnotes.vae.VAE.encode": Spec(_vcall("encode"), lambda: {"x": _VX}, {"x": "array"}),
    "mlnotes.vae.VAE.decode": Spec(_vcall("decode"), lambda: {"z": _VE[0]}, {"z": "array"}),
    "mlnotes.vae.VAE.log_likelihood": Spec(_vcall("log_likelihood"), lambda: {"x": _VX, "z": _VE},
                                           {"x": "array", "z": "array"}),
    "mlnotes.vae.VAE.forward": Spec(_vcall("forward"), lambda: {"x": _VX, "eps": _VE[0]},
                                    {"x": "array", "eps": "array"}, optional=frozenset({"eps"})),
    "mlnotes.vae.VAE.sample": Spec(_vcall("sample"), lambda: {"n": 3, "seed": 0, "mean": True},
                                   {"n": "size", "seed": "seed", "mean": "bool"}, optional=frozenset({"seed"})),
    "mlnotes.vae.kl_standard_normal": Spec(_vnp(_vae.kl_standard_normal),
                                           lambda: {"mu": _VE[0], "logvar": _VE[1]},
                                           {"mu": "anyarray", "logvar": "anyarray"}),
    "mlnotes.vae.reparameterise": Spec(_vnp(_vae.reparameterise),
                                       lambda: {"mu": _VE[0], "logvar": _VE[1], "eps": _VE},
                                       {"mu": "anyarray", "logvar": "anyarray", "eps": "anyarray"}),
    "mlnotes.vae.elbo": Spec(_vnp(_vae.elbo), lambda: {"model": _vmodel(), "x": _VX, "samples": 2, "seed": 0,
                                                       "eps": _VE},
                             {"model": "callable", "x": "array", "samples": "size", "seed": "seed",
                              "eps": "array"}, optional=frozenset({"seed", "eps"})),
    "mlnotes.vae.importance_log_likelihood": Spec(
        _vnp(_vae.importance_log_likelihood),
        lambda: {"model": _vmodel(), "x": _VX, "k": 5, "seed": 0, "eps": _VE, "chunk": 4},
        {"model": "callable", "x": "array", "k": "size", "seed": "seed", "eps": "array", "chunk": "size"},
        optional=frozenset({"seed", "eps"})),
    "mlnotes.vae.train_vae": Spec(
        lambda **kw: _vae.train_vae(**kw)[1],
        lambda: {"data": _VX, "config": {"depth": 1, "full": False}, "latent_dim": 2, "hidden": 8, "depth": 1,
                 "epochs": 2, "batch_size": 4, "lr": 1e-3, "obs_sigma": 0.3, "seed": 0, "device": "cpu",
                 "verbose": False},
        {"data": "array", "config": "mapping", "latent_dim": "size", "hidden": "size", "depth": "size",
         "epochs": "size", "batch_size": "size", "lr": "positive", "obs_sigma": "positive", "seed": "seed",
         "device": "device", "verbose": "bool"},
        optional=frozenset({"config", "latent_dim", "hidden", "depth", "epochs", "batch_size", "lr",
                            "obs_sigma", "device"})),
})


# ----------------------------------------------------------------------------- widgets.latent
from mlnotes.widgets import latent as _wlat  # noqa: E402

MODULES += ["mlnotes.widgets.latent"]


def _latent_parts():
    import torch as _torch  # noqa: PLC0415
    with _torch.random.fork_rng():
        _torch.manual_seed(0)
        model = _once("latent-model", lambda: _vae.VAE(data_dim=16, latent_dim=2, hidden=8, depth=1))
    X = np.random.default_rng(7).uniform(size=(12, 16))
    return model, X, np.repeat([0, 1, 2], 4)


_LS = {"start": 0, "end": 2, "t": 0.5, "z1": 0.5, "z2": -0.5}
_LK = {"start": "choice", "end": "choice", "t": "slider", "z1": "slider", "z2": "slider"}
REGISTRY.update(_widget_specs(
    "mlnotes.widgets.latent.LatentExplorer", _wlat.LatentExplorer,
    lambda: _wlat.LatentExplorer(*_latent_parts()),
    lambda: dict(zip(("model", "images", "labels"), _latent_parts()), limit=2.5),
    {"model": "callable", "images": "array", "labels": "array", "limit": "positive"},
    _LS, _LK,
    {"latent_map": ({}, {}),
     "anchor": ({"digit": 1}, {"digit": "choice"}),
     "line_point": ({"start": 0, "end": 2, "t": 0.3}, {"start": "choice", "end": "choice", "t": "slider"}),
     "free_point": ({"z1": 0.5, "z2": -1.0}, {"z1": "slider", "z2": "slider"}),
     "decoded": ({"z": np.array([0.5, -1.0])}, {"z": "array"})},
    player=("t", [0.0, 1.0]), ctor_optional=frozenset({"limit"})))
REGISTRY["mlnotes.widgets.latent.default_model"] = Spec(_wlat.default_model)


# ----------------------------------------------------------------------------- gan
from mlnotes import gan as _gan  # noqa: E402
from mlnotes.widgets import gan as _wgan  # noqa: E402

MODULES += ["mlnotes.gan", "mlnotes.widgets.gan"]
_GX = _gan.ring(40, seed=3)
_GC = _gan.ring_centres()
_GL = np.random.default_rng(4).normal(size=(6, 1))


def _gfit():
    """A tiny two-member run with snapshots (for GANResult, Snapshots and the widget)."""
    return _once("gan-fit", lambda: _gan.train_gan(_GX, steps=4, seed=[0, 1], pack=[1, 2], hidden=8,
                                                    batch_size=8, snapshot_every=2, snapshot_n=16,
                                                    snapshot_grid=6, device="cpu", progress=False))


def _gmlp():
    return _once("gan-mlp", lambda: _gan.StackedMLP([2, 4, 1], 2, seeds=[0, 1]))


def _gadam_step():
    import torch as _torch  # noqa: PLC0415
    w = _torch.ones(3, requires_grad=True)
    opt = _opt.Adam([w], lr=0.1, betas=(0.5, 0.9))
    (w ** 2).sum().backward()
    opt.step()
    return w.detach().numpy()


def _gt(v):
    return __import__("torch").tensor(v)


_GTRAIN = {"data": _GX, "steps": 3, "seed": 0, "labels": np.arange(40) % 4, "pack": 2, "latent_dim": 2,
           "hidden": 8, "depth": 1, "batch_size": 8, "lr": 1e-2, "lr_d": 5e-3, "betas": (0.5, 0.9),
           "schedule": "cosine", "loss": "minimax", "d_steps": 2, "g_steps": 2, "activation": "leaky_relu",
           "output": "linear", "standardize": True, "snapshot_every": 2, "snapshot_n": 8, "snapshot_grid": 4,
           "device": "cpu", "progress": False}
_GTRAINK = {"data": "array", "steps": "size", "seed": "seed", "labels": "array", "pack": "size",
            "latent_dim": "size", "hidden": "size", "depth": "size", "batch_size": "size", "lr": "positive",
            "lr_d": "positive", "betas": "pair", "schedule": "choice", "loss": "choice", "d_steps": "size",
            "g_steps": "size", "activation": "choice", "output": "choice", "standardize": "bool",
            "snapshot_every": "size", "snapshot_n": "size", "snapshot_grid": "size", "device": "device",
            "progress": "bool"}

REGISTRY.update({
    "mlnotes.gan.ring_centres": Spec(_gan.ring_centres, lambda: {"modes": 8, "radius": 1.0},
                                     {"modes": "size", "radius": "positive"}),
    "mlnotes.gan.grid_centres": Spec(_gan.grid_centres, lambda: {"side": 5, "spacing": 2.0},
                                     {"side": "size", "spacing": "positive"}),
    "mlnotes.gan.ring": Spec(_gan.ring, lambda: {"n": 20, "modes": 8, "radius": 1.0, "sigma": 0.01, "seed": 0,
                                                 "return_labels": True},
                             {"n": "size", "modes": "size", "radius": "positive", "sigma": "positive",
                              "seed": "seed", "return_labels": "bool"}),
    "mlnotes.gan.grid": Spec(_gan.grid, lambda: {"n": 20, "side": 5, "spacing": 2.0, "sigma": 0.05, "seed": 0,
                                                 "return_labels": False},
                             {"n": "size", "side": "size", "spacing": "positive", "sigma": "positive",
                              "seed": "seed", "return_labels": "bool"}),
    "mlnotes.gan.mode_counts": Spec(_gan.mode_counts, lambda: {"samples": _GX, "centres": _GC, "sigma": 0.01,
                                                               "threshold": 3.0},
                                    {"samples": "array", "centres": "array", "sigma": "positive",
                                     "threshold": "positive"}),
    "mlnotes.gan.mode_coverage": Spec(_gan.mode_coverage, lambda: {"samples": _GX, "centres": _GC, "sigma": 0.01,
                                                                   "threshold": 3.0, "min_count": 2},
                                      {"samples": "array", "centres": "array", "sigma": "positive",
                                       "threshold": "positive", "min_count": "size"}),
    "mlnotes.gan.Coverage": Spec(lambda: _gan.mode_coverage(_GX, _GC, 0.01)),   # a record made by mode_coverage()
    "mlnotes.gan.pack_samples": Spec(_gan.pack_samples, lambda: {"x": np.arange(12.0).reshape(6, 2), "m": 2},
                                     {"x": "array", "m": "size"}),
    "mlnotes.gan.gan_losses": Spec(
        lambda logits_real, logits_fake, loss: tuple(t.numpy() for t in _gan.gan_losses(logits_real, logits_fake,
                                                                                         loss)),
        lambda: {"logits_real": _gt(_GL), "logits_fake": _gt(-_GL), "loss": "minimax"},
        {"logits_real": "array", "logits_fake": "array", "loss": "choice"}),
    "mlnotes.optim.Adam": Spec(lambda params, lr, betas, eps, fused: _opt.Adam(params, lr, betas, eps, fused),
                               lambda: {"params": [__import__("torch").ones(2, requires_grad=True)], "lr": 0.1,
                                        "betas": (0.5, 0.9), "eps": 1e-8, "fused": False},
                               {"params": "iterable", "lr": "positive", "betas": "pair", "eps": "nonneg",
                                "fused": "bool"}, optional=frozenset({"fused"})),   # None: fused where it applies
    "mlnotes.optim.Adam.zero_grad": Spec(
        lambda: _opt.Adam([__import__("torch").ones(2, requires_grad=True)]).zero_grad()),
    "mlnotes.optim.Adam.step": Spec(_gadam_step),
    "mlnotes.gan.StackedMLP": Spec(_gan.StackedMLP, lambda: {"sizes": [2, 4, 1], "members": 2, "activation": "tanh",
                                                            "output": "sigmoid", "seeds": [0, 1], "inputs": [2, 1]},
                                   {"sizes": "iterable", "members": "size", "activation": "choice",
                                    "output": "choice", "seeds": "iterable", "inputs": "iterable"},
                                   optional=frozenset({"seeds", "inputs"})),
    "mlnotes.gan.StackedMLP.forward": Spec(lambda x: _gmlp().forward(x).detach().numpy(),
                                           lambda: {"x": __import__("torch").zeros(2, 5, 2)}, {"x": "array"}),
    "mlnotes.gan.StackedMLP.member": Spec(lambda i: _gmlp().member(i), lambda: {"i": 1}, {"i": "int"}),
    "mlnotes.gan.train_gan": Spec(_gan.train_gan, lambda: dict(_GTRAIN), dict(_GTRAINK),
                                  optional=frozenset({"labels", "lr_d", "standardize", "snapshot_every"})),
    "mlnotes.gan.GANResult": Spec(lambda: _gfit()),        # a record made by train_gan()
    "mlnotes.gan.Snapshots": Spec(lambda: _gfit().snapshots),
    "mlnotes.gan.GANResult.sample_all": Spec(lambda n, seed: _gfit().sample_all(n, seed=seed),
                                             lambda: {"n": 5, "seed": 1}, {"n": "size", "seed": "seed"}),
    "mlnotes.gan.GANResult.sample": Spec(lambda n, seed, member: _gfit().sample(n, seed=seed, member=member),
                                         lambda: {"n": 5, "seed": 1, "member": 1},
                                         {"n": "size", "seed": "seed", "member": "int"}),
    "mlnotes.gan.GANResult.discriminate": Spec(lambda x, member: _gfit().discriminate(x, member=member),
                                               lambda: {"x": _GX[:5], "member": 1}, {"x": "array", "member": "int"}),
    "mlnotes.gan.config": Spec(_gan.config, lambda: {"name": "collapse", "steps": 10, "verbose": False},
                               {"name": "choice", "steps": "size", "verbose": "bool"}, optional=frozenset({"steps"})),
})

_GWS = {"run": "a", "step": 2}
_GWK = {"run": "choice", "step": "intslider"}
REGISTRY.update(_widget_specs(
    "mlnotes.widgets.gan.GANTraining", _wgan.GANTraining,
    lambda: _wgan.GANTraining({"a": (_gfit(), 0), "b": (_gfit(), 1)}, centres=_GC, sigma=0.01),
    lambda: {"runs": {"a": (_gfit(), 0), "b": (_gfit(), 1)}, "centres": _GC, "sigma": 0.01},
    {"runs": "mapping", "centres": "array", "sigma": "positive"},
    _GWS, _GWK,
    {m: (dict(_GWS), dict(_GWK)) for m in ("snapshot", "mode_shares", "losses")},
    player=("step", [0, 4]), ctor_optional=frozenset({"centres", "sigma"})))
REGISTRY["mlnotes.widgets.gan.default_runs"] = Spec(_wgan.default_runs)


# ----------------------------------------------------------------------------- attention
from mlnotes import attention as _att  # noqa: E402
from mlnotes.widgets import attention as _watt  # noqa: E402

MODULES += ["mlnotes.attention", "mlnotes.widgets.attention"]
_AX = np.array([[0, 1, 2, 3], [3, 2, 1, 0]])


def _atiny():
    import torch as _torch  # noqa: PLC0415
    with _torch.random.fork_rng():
        _torch.manual_seed(0)
        return _once("att-tiny", lambda: _att.TinyTransformer(vocab=5, length=4, d_model=8, n_heads=2, n_layers=2))


def _alayer():
    import torch as _torch  # noqa: PLC0415
    with _torch.random.fork_rng():
        _torch.manual_seed(0)
        return _once("att-layer", lambda: _torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True))


def _anp(out):
    if isinstance(out, tuple):
        return tuple(_anp(o) for o in out)
    if isinstance(out, list):
        return [_anp(o) for o in out]
    return out.detach().numpy() if hasattr(out, "detach") else out


REGISTRY.update({
    "mlnotes.attention.EncoderLayer": Spec(_att.EncoderLayer, lambda: {"d_model": 8, "n_heads": 2, "d_ff": 16},
                                           {"d_model": "size", "n_heads": "size", "d_ff": "size"}),
    "mlnotes.attention.EncoderLayer.forward": Spec(
        lambda h, need_weights: _anp(_att.EncoderLayer.from_torch(_alayer())(h, need_weights=need_weights)),
        lambda: {"h": __import__("torch").zeros(2, 3, 8), "need_weights": True}, {"h": "array"}),
    "mlnotes.attention.EncoderLayer.from_torch": Spec(lambda layer: _att.EncoderLayer.from_torch(layer).d_model,
                                                      lambda: {"layer": _alayer()}, {"layer": "callable"}),
    "mlnotes.attention.TinyTransformer": Spec(
        _att.TinyTransformer, lambda: {"vocab": 5, "length": 4, "d_model": 8, "n_heads": 2, "n_layers": 1, "d_ff": 8},
        {"vocab": "size", "length": "size", "d_model": "size", "n_heads": "size", "n_layers": "size", "d_ff": "size"},
        optional=frozenset({"d_ff"})),
    "mlnotes.attention.TinyTransformer.forward": Spec(
        lambda tokens, return_attention: _anp(_atiny()(tokens, return_attention=return_attention)),
        lambda: {"tokens": _AX, "return_attention": True}, {"tokens": "array", "return_attention": "bool"}),
    "mlnotes.attention.TinyTransformer.predict": Spec(lambda tokens: _anp(_atiny().predict(tokens)),
                                                      lambda: {"tokens": _AX}, {"tokens": "array"}),
    "mlnotes.attention.task_targets": Spec(lambda task, tokens: _anp(_att.task_targets(task, tokens)),
                                           lambda: {"task": "sort", "tokens": _AX},
                                           {"task": "choice", "tokens": "array"}),
    "mlnotes.attention.task_batch": Spec(
        lambda **kw: _anp(_att.task_batch(**kw)),
        lambda: {"task": "reverse", "n": 3, "length": 4, "vocab": 5,
                 "generator": __import__("torch").Generator().manual_seed(0)},
        {"task": "choice", "n": "size", "length": "size", "vocab": "size", "generator": "callable"},
        optional=frozenset({"generator"})),
    "mlnotes.attention.token_accuracy": Spec(_att.token_accuracy,
                                             lambda: {"model": _atiny(), "tokens": _AX, "targets": _AX[:, ::-1]},
                                             {"model": "callable", "tokens": "array", "targets": "array"}),
    "mlnotes.attention.train_transformer": Spec(
        lambda **kw: _att.train_transformer(**kw)[1]["accuracy"],
        lambda: {"task": "sort", "length": 4, "vocab": 5, "d_model": 8, "n_heads": 2, "n_layers": 1, "d_ff": 8,
                 "steps": 2, "batch_size": 4, "lr": 1e-2, "eval_size": 5, "seed": 0, "verbose": False},
        {"task": "choice", "length": "size", "vocab": "size", "d_model": "size", "n_heads": "size",
         "n_layers": "size", "d_ff": "size", "steps": "size", "batch_size": "size", "lr": "positive",
         "eval_size": "size", "seed": "seed", "verbose": "bool"},
        optional=frozenset({"d_ff", "steps"})),
    "mlnotes.attention.default_model": Spec(lambda task: _att.default_model(task)[1]["accuracy"],
                                            lambda: {"task": "reverse"}, {"task": "choice"}),
})

_AWS = {"sequence": "0 1 2 3", "layer": 1, "head": "mean"}
_AWK = {"sequence": "choice", "layer": "intslider", "head": "choice"}
REGISTRY.update(_widget_specs(
    "mlnotes.widgets.attention.AttentionExplorer", _watt.AttentionExplorer,
    lambda: _watt.AttentionExplorer(_atiny(), task="reverse", inputs=_AX),
    lambda: {"model": _atiny(), "task": "sort", "inputs": _AX},
    {"model": "callable", "task": "choice", "inputs": "array"},
    _AWS, _AWK,
    {"tokens": ({"sequence": "3 2 1 0"}, {"sequence": "choice"}),
     "outputs": ({"sequence": "3 2 1 0"}, {"sequence": "choice"}),
     "attention": (dict(_AWS), dict(_AWK)),
     "mean_attention": ({"layer": 0, "head": 1}, {"layer": "intslider", "head": "choice"}),
     "source_mask": ({"sequence": "3 2 1 0"}, {"sequence": "choice"}),
     "held_out_accuracy": ({}, {})},
    player=("head", [0, "mean"]), ctor_optional=frozenset({"model", "inputs"})))


# ----------------------------------------------------------------------------- pinn
from mlnotes import pinn as _pinn  # noqa: E402
from mlnotes.widgets import pinn as _wpinn  # noqa: E402

MODULES += ["mlnotes.pinn", "mlnotes.widgets.pinn"]


def _phist():
    t, x, U = _pinn.benchmark_grid(5, 8)
    return {"t": t, "x": x, "exact": U, "snapshots": np.stack([0.5 * U, 0.9 * U, U + 0.01]), "steps": [0, 5, 10]}


REGISTRY.update({
    "mlnotes.pinn.burgers_exact": Spec(_pinn.burgers_exact,
                                       lambda: {"t": np.array([0.0, 0.3]), "x": np.array([-0.5, 0.5]), "nu": 0.01,
                                                "n_quad": 40},
                                       {"t": "anyarray0", "x": "anyarray0", "nu": "positive", "n_quad": "size"},
                                       optional=frozenset({"n_quad"})),
    "mlnotes.pinn.benchmark_grid": Spec(_pinn.benchmark_grid, lambda: {"nt": 4, "nx": 6}, {"nt": "size", "nx": "size"}),
    "mlnotes.pinn.rel_l2": Spec(_pinn.rel_l2, lambda: {"pred": np.array([1.0, 2.0]), "exact": np.array([1.0, 1.0])},
                                {"pred": "array", "exact": "array"}),
    "mlnotes.pinn.train_burgers": Spec(
        lambda **kw: _pinn.train_burgers(**kw)["rel_l2"],
        lambda: {"n_u": 4, "n_f": 4, "hidden": (4,), "adam_steps": 1, "lbfgs_iters": 1, "lr": 1e-2, "seed": 0,
                 "snapshot_every": 1, "nt": 3, "nx": 4, "device": "cpu"},
        {"n_u": "size", "n_f": "size", "hidden": "iterable", "adam_steps": "count", "lbfgs_iters": "count",
         "lr": "positive", "seed": "seed", "snapshot_every": "size", "nt": "size", "nx": "size", "device": "device"},
        optional=frozenset({"device"})),
    "mlnotes.pinn.default_history": Spec(lambda: _pinn.default_history()["rel_l2"]),
})

_PWS = {"step": 1, "time": 0.5}
_PWK = {"step": "intslider", "time": "slider"}
REGISTRY.update(_widget_specs(
    "mlnotes.widgets.pinn.PINNTraining", _wpinn.PINNTraining,
    lambda: _wpinn.PINNTraining(_phist()),
    lambda: {"history": _phist()},
    {"history": "mapping"},
    _PWS, _PWK,
    {"prediction": ({"step": 2}, {"step": "intslider"}),
     "error": ({"step": 2}, {"step": "intslider"}),
     "rel_l2": ({"step": 0}, {"step": "intslider"}),
     "step_label": ({"step": 0}, {"step": "intslider"}),
     "time_index": ({"time": 0.3}, {"time": "slider"}),
     "slice": (dict(_PWS), dict(_PWK)),
     "error_limits": ({}, {})},
    player=("step", [0, 2]), ctor_optional=frozenset({"history"})))
