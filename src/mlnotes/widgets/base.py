"""The widget contract shared by every interactive figure of the book.

A widget is a small class with three layers (see the book's design notes):

1. **compute** methods that return numbers (defined by each subclass);
2. a **figure**: :meth:`Widget.figure` builds a matplotlib Figure for a state and
   :meth:`Widget.update` moves it to another state by changing artists in place;
3. **controls**: :meth:`Widget.widget` wires ipywidgets to :meth:`Widget.update`
   (works with ipywidgets 7.7 as on Colab and with 8), and :meth:`Widget.player`
   pre-renders a sweep as a scrubbable HTML animation for the static book.

A subclass declares ``controls`` (a dict of :class:`Control` specs) and implements
``_draw(fig, state)`` (create axes and artists once) and ``_update(state)``
(change artists in place).
"""
from __future__ import annotations

import asyncio
import base64
import copy
import html as _html
import io
import math
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .. import plotting

__all__ = [
    "Control",
    "IntSlider",
    "FloatSlider",
    "Choice",
    "Toggle",
    "Widget",
    "Player",
]


class Control:
    """Specification of one control: its allowed values, default and label."""

    default: Any = None
    description: str = ""

    def validate(self, name: str, value: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def make(self, name: str, value: Any):  # pragma: no cover - abstract
        raise NotImplementedError


#: ipywidgets style of every control: the label takes the width it needs (never cut to "observati…").
_STYLE = {"description_width": "initial"}


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def _check_name(name: Any) -> None:
    if not isinstance(name, str):
        raise TypeError(f"Control: name must be a string (the control's name), got {name!r}")


def _same_kind(a: Any, b: Any) -> bool:
    """Whether ``a == b`` is a plain comparison (strings with strings, numbers with numbers)."""
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str)
    if _is_number(a) and _is_number(b):
        return True
    return type(a) is type(b) and not isinstance(a, np.ndarray)


def _as_real(name: str, value: Any, what: str) -> float:
    """``value`` as a finite float, or a TypeError naming the control (``what``: allowed values)."""
    if not _is_number(value):
        raise TypeError(f"{name} must be {what}, got {value!r}")
    try:
        v = float(value)
    except OverflowError:  # an int beyond float range: out of any slider's range
        raise ValueError(f"{name} must be {what}, got {value!r}") from None
    if not math.isfinite(v):
        raise TypeError(f"{name} must be {what}, got {value!r}")
    return v


@dataclass
class IntSlider(Control):
    """An integer in ``[min, max]`` moved by ``step``."""

    min: int
    max: int
    default: int
    step: int = 1
    description: str = ""

    def __post_init__(self) -> None:
        for f in ("min", "max", "default", "step"):
            v = getattr(self, f)
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
                raise TypeError(f"IntSlider: {f} must be an int, got {v!r}")
        if not -10**9 <= self.min <= self.default <= self.max <= 10**9 or not 1 <= self.step <= \
                max(1, self.max - self.min):
            raise ValueError(f"IntSlider: need -1e9 <= min <= default <= max <= 1e9 and 1 <= step <= "
                             f"max - min, got min={self.min}, "
                             f"default={self.default}, max={self.max}, step={self.step}")
        if not isinstance(self.description, str):
            raise TypeError(f"IntSlider: description must be a string, got {self.description!r}")

    def validate(self, name: str, value: Any) -> int:
        _check_name(name)
        what = f"an integer in [{self.min}, {self.max}]"
        if isinstance(value, (np.integer, int)) and not isinstance(value, (bool, np.bool_)):
            value = int(value)
        elif _as_real(name, value, what) != int(value):
            raise TypeError(f"{name} must be {what}, got {value!r}")
        value = int(value)
        if not self.min <= value <= self.max:
            raise ValueError(f"{name} must lie in [{self.min}, {self.max}], got {value}")
        return value

    def make(self, name: str, value: Any):
        import ipywidgets as W  # noqa: PLC0415

        value = self.validate(name, value)
        return W.IntSlider(value=value, min=self.min, max=self.max, step=self.step,
                           description=self.description or name, continuous_update=True, style=_STYLE)


@dataclass
class FloatSlider(Control):
    """A real number in ``[min, max]``; ``log=True`` gives a logarithmic slider."""

    min: float
    max: float
    default: float
    step: Optional[float] = None
    log: bool = False
    description: str = ""

    def __post_init__(self) -> None:
        for f in ("min", "max", "default", "step"):
            v = getattr(self, f)
            if f == "step" and v is None:
                continue
            _as_real(f"FloatSlider: {f}", v, "a finite number")
        if not isinstance(self.log, (bool, np.bool_)):
            raise TypeError(f"FloatSlider: log must be True or False, got {self.log!r}")
        if not isinstance(self.description, str):
            raise TypeError(f"FloatSlider: description must be a string, got {self.description!r}")
        if self.log and self.min <= 0:
            raise ValueError(f"FloatSlider: a log slider needs min > 0, got {self.min}")
        if not self.min <= self.default <= self.max:
            raise ValueError(f"FloatSlider: need min <= default <= max, got min={self.min}, "
                             f"default={self.default}, max={self.max}")
        if self.step is not None and not self.step > 0:
            raise ValueError(f"FloatSlider: step must be > 0, got {self.step}")

    def validate(self, name: str, value: Any) -> float:
        _check_name(name)
        value = _as_real(name, value, f"a finite number in [{self.min}, {self.max}]")
        if not self.min <= value <= self.max:
            raise ValueError(f"{name} must lie in [{self.min}, {self.max}], got {value}")
        return value

    def make(self, name: str, value: Any):
        import ipywidgets as W  # noqa: PLC0415

        value = self.validate(name, value)
        label = self.description or name
        if self.log:
            lo, hi = math.log10(self.min), math.log10(self.max)
            return W.FloatLogSlider(value=value, base=10, min=lo, max=hi, step=(hi - lo) / 100,
                                    description=label, continuous_update=True, style=_STYLE)
        step = self.step if self.step is not None else (self.max - self.min) / 100
        return W.FloatSlider(value=value, min=self.min, max=self.max, step=step,
                             description=label, continuous_update=True, style=_STYLE)


@dataclass
class Choice(Control):
    """One of a fixed list of options (strings or numbers)."""

    options: Sequence[Any]
    default: Any
    description: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.options, (str, bytes)) or not isinstance(self.options, (list, tuple)) \
                or not self.options:
            raise TypeError(f"Choice: options must be a non-empty list, got {self.options!r}")
        if not isinstance(self.description, str):
            raise TypeError(f"Choice: description must be a string, got {self.description!r}")
        self.validate("Choice: default", self.default)

    def validate(self, name: str, value: Any) -> Any:
        _check_name(name)
        for option in self.options:
            if _same_kind(value, option) and value == option:
                return option
        raise ValueError(f"{name} must be one of {list(self.options)}, got {value!r}")

    def make(self, name: str, value: Any):
        import ipywidgets as W  # noqa: PLC0415

        value = self.validate(name, value)
        return W.Dropdown(options=list(self.options), value=value, description=self.description or name,
                          style=_STYLE)


@dataclass
class Toggle(Control):
    """A boolean switch."""

    default: bool = False
    description: str = ""

    def __post_init__(self) -> None:
        self.validate("Toggle: default", self.default)
        if not isinstance(self.description, str):
            raise TypeError(f"Toggle: description must be a string, got {self.description!r}")

    def validate(self, name: str, value: Any) -> bool:
        _check_name(name)
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{name} must be True or False, got {value!r}")
        return bool(value)

    def make(self, name: str, value: Any):
        import ipywidgets as W  # noqa: PLC0415

        value = self.validate(name, value)
        return W.Checkbox(value=value, description=self.description or name, indent=False)


class Player:
    """A pre-rendered sweep of a widget: an HTML animation with a slider, no kernel needed.

    Displays itself in Jupyter through ``_repr_html_``; ``html`` holds the markup and
    ``n_frames`` the number of frames.
    """

    def __init__(self, markup: str, n_frames: int, param: str) -> None:
        for name, v in (("markup", markup), ("param", param)):
            if not isinstance(v, str):
                raise TypeError(f"Player: {name} must be a string, got {v!r}")
        if isinstance(n_frames, (bool, np.bool_)) or not isinstance(n_frames, (int, np.integer)) \
                or not 1 <= n_frames <= 10_000:
            raise ValueError(f"Player: n_frames must be an int in [1, 10000], got {n_frames!r}")
        self.html = markup
        self.n_frames = int(n_frames)
        self.param = param

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"Player({self.n_frames} frames over {self.param!r}, {len(self.html) // 1024} KiB)"


def _pin_axis_labels(*axes: Any) -> None:
    """Keep each axis label where the last layout put it.

    Matplotlib places axis labels anew on every draw, after measuring the tick labels; that
    costs several milliseconds per axis. A widget whose layout is frozen after the first
    draw calls this once, in :meth:`Widget.figure`, after the layout.
    """
    for ax in axes:
        for axis in (ax.xaxis, ax.yaxis):
            xy = axis.label.get_transform().transform(axis.label.get_position())
            axis.set_label_coords(*ax.transAxes.inverted().transform(xy))


def _snap_up(value: float, base: float = 1.0) -> float:
    """The smallest ``base * 10**(k / 10)`` (k an integer) at or above ``value`` (> 0).

    Axis limits and colour scales of the widgets move along this ladder (rungs about 26 %
    apart), so that most slider moves keep them and repaint only the animated artists.
    A value that is not positive (an empty or all-zero panel) gets ``base``.
    """
    if not value > 0:
        return base
    k = math.ceil(10.0 * math.log10(value / base) - 1e-9)
    return base * 10.0 ** (k / 10.0)


class Widget:
    """Base class of the book's widgets; see the module docstring for the contract."""

    #: name -> Control spec; subclasses override.
    controls: Dict[str, Control] = {}
    #: Compute the constrained layout for the first state only (fast updates); set False
    #: for a widget whose labels change size a lot between states.
    freeze_layout: bool = True

    def __init__(self) -> None:
        self.fig: Optional[Figure] = None
        self.state: Dict[str, Any] = {}
        self._controls: Dict[str, Any] = {}
        self._animated: List[Any] = []
        self._background: Any = None
        self._backgrounds: Dict[Any, Any] = {}   # background_key -> pixels (see draw)

    # ------------------------------------------------------------------ state
    def defaults(self) -> Dict[str, Any]:
        """The default state: each control's default value."""
        return {k: c.default for k, c in self.controls.items()}

    def validate(self, **state: Any) -> Dict[str, Any]:
        """Merge ``state`` into the current (or default) state and check every value.

        Raises ``ValueError``/``TypeError`` naming the offending argument and its allowed values.
        """
        unknown = set(state) - set(self.controls)
        if unknown:
            raise TypeError(
                f"{type(self).__name__}: unknown argument(s) {sorted(unknown)}; "
                f"allowed: {sorted(self.controls)}"
            )
        merged = dict(self.state or self.defaults())
        merged.update(state)
        owner = type(self).__name__
        return {k: self.controls[k].validate(f"{owner}: {k}", v) for k, v in merged.items()}

    # ----------------------------------------------------------------- figure
    def _draw(self, fig: Figure, state: Mapping[str, Any]) -> None:  # pragma: no cover - abstract
        """Create the axes and artists of ``fig`` for ``state`` (called once per figure)."""
        raise NotImplementedError

    def _update(self, state: Mapping[str, Any]) -> None:  # pragma: no cover - abstract
        """Change the existing artists to show ``state`` (no new axes)."""
        raise NotImplementedError

    def _figsize(self) -> tuple:
        return (9.0, 3.6)

    def figure(self, **state: Any) -> Figure:
        """Build a new figure showing ``state`` (missing values take the defaults)."""
        self.state = {}
        st = self.validate(**state)
        fig = Figure(figsize=self._figsize(), layout="constrained")
        FigureCanvasAgg(fig)
        with plotting_style():
            self._draw(fig, st)
        self.fig = fig
        self.state = st
        self._update(st)
        if self.freeze_layout:
            # Lay the figure out once, then keep it: re-running constrained layout on every
            # update would cost more than drawing the artists.
            fig.draw_without_rendering()
            fig.set_layout_engine("none")
        self._background = None
        self._backgrounds = {}
        self._animated = self._animated_artists(fig)
        return fig

    @staticmethod
    def _animated_artists(fig: Figure) -> List[Any]:
        """The artists marked ``animated``, in the order a full draw paints them."""
        out = []
        for ax in fig.axes:
            kids = [a for a in ax.get_children() if a.get_animated()]
            out += sorted(kids, key=lambda a: a.get_zorder())   # stable, as Axes.draw
        loose = [a for a in fig.findobj(lambda a: a.get_animated()) if a.axes is None]
        if loose:
            raise TypeError(f"Widget: animated artists must belong to an axes, got {loose[:3]}")
        return out

    #: How many backgrounds :meth:`draw` keeps (one per :meth:`background_key`; 0: none).
    max_backgrounds: int = 8

    def background_key(self, state: Mapping[str, Any]) -> Optional[Any]:
        """A hashable value that fixes every non-animated pixel of the figure in ``state``, or
        None (the default): backgrounds are then not kept between states. A subclass that
        returns a key must make it name everything its non-animated artists show; the pixel
        comparison of ``tests/blit_check.py`` checks it."""
        self._check_state_mapping(state)
        return None

    def update(self, **state: Any) -> Figure:
        """Move the current figure to a new state, changing artists in place."""
        if self.fig is None:
            return self.figure(**state)
        st = self.validate(**state)
        self._update(st)
        self.state = st
        return self.fig

    def draw(self) -> None:
        """Render the current figure on the Agg canvas (what a display would pay).

        A subclass may mark the artists that change on its cheapest, most frequent update
        (a time slider, a step counter) ``animated``. Matplotlib then leaves them out of a
        normal draw, and changing them does not mark the figure stale. So when the figure is
        not stale, the pixels of everything else are the cached background: it is restored
        and only the animated artists are painted on it, in their draw order. Any change to
        another artist (limits, titles, visibility) marks the figure stale and repaints it
        whole. Saving a figure (the players) draws animated artists as usual. The result has
        the same pixels as a full draw when the animated artists are the top-most ones in
        their axes (``tests/test_widgets_base.py`` compares them).

        A subclass whose background takes only a few values (an image and a scale chosen by a
        dropdown and a checkbox) may also name them in :meth:`background_key`: the background
        of each key is kept (up to ``max_backgrounds``), so going back to a state already shown
        repaints only the animated artists instead of the whole figure.
        """
        if self.fig is None:
            return
        canvas = self.fig.canvas
        if not self._animated:
            canvas.draw()
            return
        if self.fig.stale or self._background is None:
            key = self.background_key(self.state)
            kept = self._backgrounds.get(key) if key is not None else None
            if kept is None:
                canvas.draw()
                self._background = canvas.copy_from_bbox(self.fig.bbox)
                if key is not None and self.max_backgrounds > 0:
                    while len(self._backgrounds) >= self.max_backgrounds:
                        self._backgrounds.pop(next(iter(self._backgrounds)))   # the oldest
                    self._backgrounds[key] = self._background
            else:
                self._background = kept
                canvas.restore_region(kept)
                # what a full draw does first: an equal-aspect axes whose limits were set
                # again (a new image's extent) takes back its drawn position
                renderer = canvas.get_renderer()
                for ax in self.fig.axes:
                    locator = ax.get_axes_locator()
                    ax.apply_aspect(locator(ax, renderer) if locator else None)
                self.fig.stale = False   # the pixels of every non-animated artist are current
        else:
            canvas.restore_region(self._background)
        for art in self._animated:
            if art.get_visible() and art.axes.get_visible():
                art.axes.draw_artist(art)

    # --------------------------------------------------------------- controls
    #: Image format of the live figure: "jpeg" (quality 85, no chroma subsampling: lines and
    #: text look the same as in a PNG, and it encodes in 2-3 ms instead of 10-19 ms for the
    #: book's figures, with fewer bytes for all but the flattest) or "png" (lossless).
    live_format: str = "jpeg"
    #: Delay (s) between a slider event and its render in a kernel: long enough for the kernel to
    #: read the slider events queued behind it (a drag), so that only the latest is rendered.
    coalesce_s: float = 0.01

    def busy_message(self, state: Mapping[str, Any]) -> Optional[str]:
        """What a state change is about to do, when it takes more than about a second (else None).

        :meth:`widget` shows it in its status line while the work runs, then how long it took.
        """
        self._check_state_mapping(state)
        return None

    def _check_state_mapping(self, state: Any) -> Dict[str, Any]:
        """A mapping of control values, validated (for methods that take a whole state)."""
        if not isinstance(state, Mapping):
            raise TypeError(f"{type(self).__name__}: state must be a mapping of control values, "
                            f"got {type(state).__name__}")
        return self.validate(**state)

    def frame(self) -> bytes:
        """The current figure encoded as the live widget shows it (``live_format``).

        Draws the Agg canvas once and encodes its pixels with Pillow; ``savefig`` would draw
        the figure a second time and cost about half as much again.
        """
        self.draw()
        return self.encode_frame()

    def encode_frame(self) -> bytes:
        """The pixels of the last canvas draw, encoded as ``live_format`` (no drawing)."""
        from PIL import Image  # noqa: PLC0415 - matplotlib depends on Pillow

        canvas = self.fig.canvas
        w, h = canvas.get_width_height(physical=True)
        img = Image.frombuffer("RGBA", (w, h), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buf = io.BytesIO()
        if self.live_format == "jpeg":
            # 4:4:4 keeps coloured lines and text sharp; quality 85 is visually lossless here
            img.convert("RGB").save(buf, format="jpeg", quality=85, subsampling=0)
        else:
            img.save(buf, format="png", compress_level=1)
        return buf.getvalue()

    def widget(self, **state: Any):
        """Interactive version: ipywidgets controls above the figure and a status line.

        Works with ipywidgets 7.7 (Colab) and 8. Each control change calls :meth:`update` and
        sends the re-encoded figure to an ``Image`` widget (binary, no Output-area round trip).
        Work announced by :meth:`busy_message` is shown in the status line while it runs.
        """
        import ipywidgets as W  # noqa: PLC0415

        self.figure(**state)
        self._controls = {k: c.make(k, self.state[k]) for k, c in self.controls.items()}
        image = W.Image(value=self.frame(), format=self.live_format, layout=W.Layout(max_width="100%"))
        status = W.HTML(value="")

        # Coalescing: a slider dragged with continuous updates sends a burst of values. Each
        # event only records that the controls changed; the render runs on the kernel's event
        # loop ``coalesce_s`` later, once the messages already queued (those that arrived during
        # the previous render) have been read, and always shows the latest values, so a
        # drag never builds a backlog of stale frames. Events arriving while a render runs are
        # picked up by its loop (one more render, of the latest values). Without a running
        # event loop (scripts, tests) and for dropdowns and checkboxes, it renders at once.
        flags = {"busy": False, "scheduled": False}
        shown: Dict[str, Any] = {"values": {k: w.value for k, w in self._controls.items()}}

        def render_latest() -> None:
            flags["scheduled"] = False
            if flags["busy"]:
                return
            flags["busy"] = True
            try:
                while True:
                    values = {k: w.value for k, w in self._controls.items()}
                    if values == shown["values"]:
                        break
                    shown["values"] = values
                    render(values)
            finally:
                flags["busy"] = False

        def on_change(change: Dict[str, Any]) -> None:
            if flags["busy"]:
                return  # the running render loop shows the latest values when it finishes
            if getattr(change.get("owner"), "continuous_update", False):
                try:
                    loop = asyncio.get_running_loop()
                except RuntimeError:
                    loop = None
                if loop is not None:
                    if not flags["scheduled"]:
                        flags["scheduled"] = True
                        loop.call_later(self.coalesce_s, render_latest)
                    return
            render_latest()

        def render(values: Dict[str, Any]) -> None:
            busy = self.busy_message(values)
            t0 = time.perf_counter()
            if busy:
                status.value = f"<i>\u23f3 {_html.escape(busy)}\u2026</i>"
            try:
                self.update(**values)
                image.value = self.frame()
            except Exception as exc:
                status.value = (f"<span style='color:#b00020'>{type(exc).__name__}: "
                                f"{_html.escape(str(exc))}</span>")
                raise
            if busy:
                status.value = f"\u2713 {_html.escape(busy)}: done in {time.perf_counter() - t0:.1f} s"
            elif status.value:
                status.value = ""

        for w in self._controls.values():
            w.observe(on_change, names="value")
        box = W.VBox([W.HBox(list(self._controls.values()), layout=W.Layout(flex_flow="row wrap")),
                      status, image])
        box.controls = self._controls  # tests and readers can drive the controls directly
        box.image, box.status = image, status
        return box

    # ----------------------------------------------------------------- player
    def player(self, param: str, values: Optional[Sequence[Any]] = None, *, bounce: bool = False,
               fps: float = 4.0, dpi: int = 64, **fixed: Any) -> Player:
        """Pre-render a sweep of ``param`` over ``values`` as a scrubbable HTML animation.

        Parameters
        ----------
        param : str
            The control to sweep.
        values : sequence, optional
            The values to show (default: about 16 evenly spaced slider positions or every option).
        bounce : bool
            Also play the sweep backwards (forwards then back).
        fps : float
            Frames per second when playing.
        dpi : int
            Resolution of the frames (JPEG), which sets the page weight.
        **fixed
            Values of the other controls during the sweep.
        """
        if not isinstance(param, str) or param not in self.controls:
            raise ValueError(f"player: param must be one of {sorted(self.controls)}, got {param!r}")
        if values is None:
            values = _default_values(self.controls[param])
        if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__iter__"):
            raise TypeError(f"player: values must be a list of values of {param!r}, got {values!r}")
        values = list(values)
        if not 1 <= len(values) <= 120:
            raise ValueError(f"player: values must hold between 1 and 120 frames, got {len(values)}")
        if not (_is_number(fps) and math.isfinite(fps) and fps > 0):
            raise ValueError(f"player: fps must be a positive number, got {fps!r}")
        if not (isinstance(dpi, (int, np.integer)) and 20 <= dpi <= 200):
            raise ValueError(f"player: dpi must be an int in [20, 200], got {dpi!r}")
        states = [self.validate(**{**fixed, param: v}) for v in values]
        if bounce:
            states = states + states[-2:0:-1]
        # Render on a shallow copy: its own figure and artists, shared caches. A live
        # widget() made earlier keeps driving its own figure.
        twin = copy.copy(self)
        twin._controls = {}
        fig = twin.figure(**states[0])
        frames: List[str] = []
        for st in states:
            twin._update(st)
            buf = io.BytesIO()
            fig.savefig(buf, format="jpeg", dpi=dpi, pil_kwargs={"quality": 80})
            frames.append(base64.b64encode(buf.getvalue()).decode("ascii"))
        labels = [_label(param, st[param]) for st in states]
        return Player(_player_html(frames, labels, param, fps), len(frames), param)


class plotting_style:
    """Context manager applying the book style while a widget draws."""

    def __enter__(self):
        import matplotlib as mpl  # noqa: PLC0415

        self._ctx = mpl.rc_context(plotting.STYLE)
        self._ctx.__enter__()
        return self

    def __exit__(self, *exc):
        self._ctx.__exit__(*exc)


def _default_values(ctrl: Control) -> List[Any]:
    if isinstance(ctrl, IntSlider):
        n = (ctrl.max - ctrl.min) // ctrl.step + 1
        idx = np.unique(np.linspace(0, n - 1, min(n, 16)).round().astype(int))
        return [ctrl.min + int(i) * ctrl.step for i in idx]
    if isinstance(ctrl, FloatSlider):
        if ctrl.log:
            return list(np.geomspace(ctrl.min, ctrl.max, 16))
        return list(np.linspace(ctrl.min, ctrl.max, 16))
    if isinstance(ctrl, Choice):
        return list(ctrl.options)
    if isinstance(ctrl, Toggle):
        return [False, True]
    raise TypeError(f"player: no default sweep for {type(ctrl).__name__}")  # pragma: no cover


def _label(param: str, v: Any) -> str:
    if isinstance(v, float):
        return f"{param} = {v:.3g}"
    return f"{param} = {v}"


_PLAYER_COUNTER = [0]


def _player_html(frames: List[str], labels: List[str], param: str, fps: float) -> str:
    """Self-contained HTML/JS for a frame player: a slider, play/pause, and the frame label.

    No external resource is loaded; frames are inline JPEG data URIs.
    """
    _PLAYER_COUNTER[0] += 1
    uid = f"mlnp{_PLAYER_COUNTER[0]}_{abs(hash(frames[0][:64])) % 10**8}"
    import json  # noqa: PLC0415

    data = json.dumps(["data:image/jpeg;base64," + f for f in frames])
    labs = json.dumps(labels)
    n = len(frames)
    delay = int(1000 / fps)
    return f"""<div class="mlnotes-player" id="{uid}" data-frames="{n}" data-param="{_html.escape(param)}">
<img class="mlnotes-player-frame" alt="{_html.escape(labels[0])}" src="data:image/jpeg;base64,{frames[0]}" style="max-width:100%;height:auto;">
<div class="mlnotes-player-controls" style="display:flex;align-items:center;gap:0.6em;font-family:sans-serif;font-size:0.9em;">
<button type="button" class="mlnotes-player-play" aria-label="play or pause">&#9654;</button>
<input type="range" class="mlnotes-player-slider" min="0" max="{n - 1}" step="1" value="0" aria-label="{_html.escape(param)}" style="flex:1;">
<span class="mlnotes-player-label">{_html.escape(labels[0])}</span>
</div>
<script>
(function() {{
  var root = document.getElementById("{uid}");
  if (!root) return;
  var frames = {data};
  var labels = {labs};
  var img = root.querySelector(".mlnotes-player-frame");
  var slider = root.querySelector(".mlnotes-player-slider");
  var label = root.querySelector(".mlnotes-player-label");
  var button = root.querySelector(".mlnotes-player-play");
  var timer = null;
  function show(i) {{
    i = ((i % frames.length) + frames.length) % frames.length;
    img.src = frames[i]; img.alt = labels[i]; label.textContent = labels[i]; slider.value = i;
  }}
  slider.addEventListener("input", function() {{ show(parseInt(slider.value, 10)); }});
  button.addEventListener("click", function() {{
    if (timer) {{ clearInterval(timer); timer = null; button.innerHTML = "&#9654;"; return; }}
    button.innerHTML = "&#10074;&#10074;";
    timer = setInterval(function() {{ show(parseInt(slider.value, 10) + 1); }}, {delay});
  }});
}})();
</script>
</div>"""
