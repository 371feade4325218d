"""The check every widget with a cached background passes (see ``Widget.draw``).

Drive a widget and a twin through the same states; after each, draw the widget as the live
view does (the animated artists over the cached background when nothing else changed) and
compare its pixels with a full draw of the twin (saving a figure draws every artist).
"""
import io

import numpy as np


def saved_pixels(fig):
    """A full draw of every artist (saving draws the animated ones too), as an RGBA array."""
    buf = io.BytesIO()
    fig.savefig(buf, format="rgba", dpi=fig.dpi)
    width, height = fig.canvas.get_width_height(physical=True)
    return np.frombuffer(buf.getvalue(), np.uint8).reshape(height, width, 4)


def repaints_with_equal_pixels(make, steps, monkeypatch, **first):
    """Run ``steps`` (dicts of control values) on ``make()`` and a twin; assert that every
    drawn frame has the pixels of a full draw. Return the widget and, per step, how many full
    repaints (canvas draws) ``Widget.draw`` made (0: only the animated artists were painted)."""
    w, twin = make(), make()
    fig, twin_fig = w.figure(**first), twin.figure(**first)
    full_draws = []
    real = type(fig.canvas).draw
    monkeypatch.setattr(type(fig.canvas), "draw", lambda c: (full_draws.append(1), real(c))[1])
    w.draw()
    repaints = []
    for st in steps:
        w.update(**st)
        twin.update(**st)
        before = len(full_draws)
        w.draw()
        repaints.append(len(full_draws) - before)
        got = np.asarray(fig.canvas.buffer_rgba())
        assert np.array_equal(got, saved_pixels(twin_fig)), f"pixels differ after {st}"
    return w, repaints
