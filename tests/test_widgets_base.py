"""The shared widget contract, exercised on a small widget defined here."""
import re

import ipywidgets
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlnotes.widgets import Choice, FloatSlider, IntSlider, Player, Toggle, Widget


class Wave(Widget):
    controls = {
        "k": IntSlider(1, 12, 3, description="frequency"),
        "amp": FloatSlider(0.1, 10.0, 1.0, log=True),
        "kind": Choice(["sin", "cos"], "sin"),
        "dots": Toggle(False),
    }

    def __init__(self):
        super().__init__()
        self.x = np.linspace(0, 2 * np.pi, 200)
        self.draws = 0

    def curve(self, k, amp, kind):
        return amp * (np.sin if kind == "sin" else np.cos)(k * self.x)

    def _draw(self, fig, st):
        self.draws += 1
        self.ax = fig.subplots()
        (self.line,) = self.ax.plot(self.x, self.x)
        (self.marks,) = self.ax.plot([], [], "o")

    def _update(self, st):
        y = self.curve(st["k"], st["amp"], st["kind"])
        self.line.set_ydata(y)
        self.marks.set_data(self.x[::20] if st["dots"] else [], y[::20] if st["dots"] else [])
        self.ax.set_ylim(-st["amp"] * 1.1, st["amp"] * 1.1)


def test_figure_and_update_change_artists_in_place():
    w = Wave()
    fig = w.figure(k=2)
    assert np.allclose(w.line.get_ydata(), w.curve(2, 1.0, "sin"))
    line = w.line
    assert w.update(k=5, kind="cos") is fig
    assert w.line is line and w.draws == 1  # same artist, no redraw from scratch
    assert np.allclose(line.get_ydata(), w.curve(5, 1.0, "cos"))
    assert w.state == {"k": 5, "amp": 1.0, "kind": "cos", "dots": False}
    w.draw()
    # laid out once for the first state, then frozen (no constrained layout per update)
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    assert not isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine)


def test_update_without_figure_builds_one():
    w = Wave()
    fig = w.update(k=4)
    assert fig is w.fig and w.state["k"] == 4


@pytest.mark.parametrize("state,exc,msg", [
    (dict(k=0), ValueError, "k must lie in [1, 12], got 0"),
    (dict(k=2.5), TypeError, "k must be an integer in [1, 12]"),
    (dict(amp=0.0), ValueError, "amp must lie in [0.1, 10.0]"),
    (dict(amp=float("nan")), TypeError, "amp must be a finite number"),
    (dict(kind="tan"), ValueError, "kind must be one of ['sin', 'cos']"),
    (dict(dots=1), TypeError, "dots must be True or False"),
    (dict(frequency=3), TypeError, "unknown argument(s) ['frequency']"),
])
def test_bad_state_is_named(state, exc, msg):
    with pytest.raises(exc, match=re.escape(msg)):
        Wave().figure(**state)


def test_widget_controls_drive_the_figure():
    w = Wave()
    box = w.widget(k=2)
    assert isinstance(box, ipywidgets.VBox)
    c = box.controls
    assert isinstance(c["amp"], ipywidgets.FloatLogSlider)
    assert isinstance(c["kind"], ipywidgets.Dropdown) and isinstance(c["dots"], ipywidgets.Checkbox)
    c["k"].value = 9
    c["kind"].value = "cos"
    c["amp"].value = 3.0
    c["dots"].value = True
    assert w.state == {"k": 9, "amp": 3.0, "kind": "cos", "dots": True}
    assert np.allclose(w.line.get_ydata(), w.curve(9, 3.0, "cos"))
    assert len(w.marks.get_xdata()) == 10


@given(k=st.integers(1, 12), amp=st.floats(0.1, 10.0), kind=st.sampled_from(["sin", "cos"]), dots=st.booleans())
@settings(max_examples=30, deadline=None)
def test_random_states_never_raise(k, amp, kind, dots):
    w = Wave()
    w.figure()
    w.update(k=k, amp=amp, kind=kind, dots=dots)
    assert np.allclose(w.line.get_ydata(), w.curve(k, amp, kind))


def test_player_renders_frames_and_is_self_contained():
    w = Wave()
    p = w.player("k", [1, 2, 3, 4], bounce=True, amp=2.0)
    assert isinstance(p, Player)
    assert p.n_frames == 6  # 1 2 3 4 3 2
    html = p._repr_html_()
    assert html.count("data:image/jpeg;base64,") == 6 + 1  # frames + the first shown frame
    assert 'class="mlnotes-player"' in html and 'data-frames="6"' in html
    assert "http" not in html  # nothing fetched from the network


def test_player_leaves_a_live_widget_alone():
    w = Wave()
    box = w.widget(k=2)
    fig, line = w.fig, w.line
    w.player("k", [5, 6])
    assert w.fig is fig and w.line is line and w.state["k"] == 2
    box.controls["k"].value = 7
    assert np.allclose(line.get_ydata(), w.curve(7, 1.0, "sin"))


def test_player_default_sweeps():
    w = Wave()
    assert w.player("kind").n_frames == 2
    assert w.player("k").n_frames == 12
    assert w.player("amp").n_frames == 16
    assert w.player("dots").n_frames == 2


@pytest.mark.parametrize("kw,msg", [
    (dict(param="phase"), "player: param must be one of"),
    (dict(param="k", values=[]), "player: values must hold"),
    (dict(param="k", values=[1], fps=0), "player: fps must be"),
    (dict(param="k", values=[1], dpi=5), "player: dpi must be"),
    (dict(param="k", values=[0]), "k must lie in"),
])
def test_player_rejects_bad_arguments(kw, msg):
    with pytest.raises((ValueError, TypeError), match=re.escape(msg)):
        Wave().player(**kw)


def test_log_slider_needs_positive_min():
    with pytest.raises(ValueError, match="log slider needs min > 0"):
        FloatSlider(0.0, 1.0, 0.5, log=True)


def test_every_widget_is_exported_lazily():
    import mlnotes.widgets as W

    for name in W._WIDGETS:
        cls = getattr(W, name)
        assert issubclass(cls, Widget) and cls.__name__ == name
    with pytest.raises(AttributeError):
        W.NoSuchWidget


def test_a_burst_of_slider_values_renders_only_the_first_and_the_last():
    # A drag sends values while an update is being computed: the events arriving meanwhile
    # only record the latest value, then that value is rendered once (no backlog).
    class Burst(Wave):
        def __init__(self):
            super().__init__()
            self.rendered, self.burst = [], []

        def _update(self, st):
            super()._update(st)
            self.rendered.append(st["k"])
            while self.burst:  # events that arrive while this update runs
                self.box.controls["k"].value = self.burst.pop(0)

    w = Burst()
    w.box = w.widget(k=2)
    assert w.box.controls["k"].continuous_update  # sliders update while dragging
    w.rendered.clear()
    w.burst = [4, 5, 6, 7, 8]
    w.box.controls["k"].value = 3
    assert w.rendered == [3, 8] and w.state["k"] == 8
    fresh = Wave()
    fresh.figure(k=8)
    assert w.box.image.value == fresh.frame()  # the image shows the last state


def test_frame_encodes_the_canvas_once_drawn():
    w = Wave()
    w.figure(k=3)
    jpeg = w.frame()   # the default live format
    assert jpeg[:3] == b"\xff\xd8\xff" and w.encode_frame() == jpeg
    w.live_format = "png"
    assert w.frame()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_drag_in_a_kernel_event_loop_renders_the_first_and_the_last_value():
    # As in a kernel: each slider event is a separate callback of a running asyncio loop; the
    # events of a drag arrive while the first update is being computed. Only the first and the
    # last value are rendered, and the image shows the last state.
    import asyncio

    class Slow(Wave):
        def __init__(self):
            super().__init__()
            self.rendered, self.burst = [], []

        def _update(self, st):
            super()._update(st)
            self.rendered.append(st["k"])
            loop = asyncio.get_running_loop()
            for v in self.burst:  # messages that reach the kernel during this update
                loop.call_soon(setattr, self.box.controls["k"], "value", v)
            self.burst = []

    async def drag(w):
        w.box = w.widget(k=2)
        w.rendered.clear()
        w.burst = [4, 5, 6, 7, 8, 9]
        w.box.controls["k"].value = 3
        assert w.rendered == []  # deferred to the event loop
        await asyncio.sleep(0.3)

    w = Slow()
    asyncio.run(drag(w))
    assert w.rendered == [3, 9] and w.state["k"] == 9
    fresh = Wave()
    fresh.figure(k=9)
    assert w.box.image.value == fresh.frame()


# --- Cached background for animated artists (Widget.draw) -------------------------------
def test_cached_background_gives_the_pixels_of_a_full_draw(monkeypatch):
    from blit_check import repaints_with_equal_pixels

    from mlnotes.widgets import TransportExplorer
    from mlnotes.widgets.ot import EPS_GRID

    two_d = [s for s in TransportExplorer.controls["source"].options if not s.startswith("1d")][-1]
    steps = [dict(t=0.3), dict(t=0.8), dict(view="interpolation"), dict(t=0.15),
             dict(eps=0.0), dict(t=0.6), dict(view="plan matrix"), dict(t=0.45),
             dict(source="1d skewed", target="1d two bumps"), dict(t=0.9),
             dict(source=two_d, target=two_d, view="plan lines"), dict(t=0.2),
             dict(n=70), dict(eps=EPS_GRID[5]), dict(n=300), dict(eps=EPS_GRID[4])]
    _, repaints = repaints_with_equal_pixels(lambda: TransportExplorer(n=60), steps, monkeypatch)
    # a move of t alone repaints only the animated artists; other changes repaint the figure
    moves_of_t = [r for st, r in zip(steps, repaints) if set(st) == {"t"}]
    assert moves_of_t and not any(moves_of_t), list(zip(steps, repaints))
    # a new view (its title), the plan matrix (another axes) and a new pair of sets (the
    # limits) repaint the figure
    assert repaints[2] == 1 and repaints[6] == 1 and repaints[8] == 1, repaints
    # the limits hold the clouds at every n and the title does not name n, so moves of n and
    # of eps between two entropic values repaint only the points and segments (the step to
    # eps = EPS_GRID[5] leaves the exact plan: its titles change once)
    assert repaints[12] == 0 and repaints[13] == 1 and not any(repaints[14:]), repaints
