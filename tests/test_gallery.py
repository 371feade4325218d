"""The widget gallery (book/widgets.ipynb) lists every widget of mlnotes.widgets.

A new widget class fails this test until the gallery has, for it: a section with one
sentence and a {doc} link to its notebook, a live cell (tags remove-cell and live-widget,
constructing it and calling .widget(); the JupyterLab test in tests/browser runs these
cells) and a player cell.
"""
import json
import pathlib
import re

import mlnotes.widgets as W

ROOT = pathlib.Path(__file__).resolve().parent.parent
GALLERY = ROOT / "book" / "widgets.ipynb"


def widget_classes():
    names = []
    for name in W.__all__:
        obj = getattr(W, name)
        if isinstance(obj, type) and issubclass(obj, W.Widget) and obj is not W.Widget:
            names.append(name)
    return names


def cells():
    return json.loads(GALLERY.read_text(encoding="utf-8"))["cells"]


def text(cell):
    return "".join(cell["source"])


def test_there_are_widgets():
    assert len(widget_classes()) >= 6


def test_every_widget_has_a_gallery_entry():
    cs = cells()
    missing = []
    for name in widget_classes():
        i_live = [i for i, c in enumerate(cs) if c["cell_type"] == "code"
                  and re.search(rf"\b{name}\(", text(c)) and ".widget(" in text(c)
                  and {"remove-cell", "live-widget"} <= set(c["metadata"].get("tags", []))]
        if not i_live:
            missing.append(f"{name}: no live cell")
            continue
        i = i_live[0]
        intro = cs[i - 1]
        if intro["cell_type"] != "markdown" or "{doc}`" not in text(intro) or f"`{name}`" not in text(intro):
            missing.append(f"{name}: the markdown cell above its live cell needs a sentence, "
                           f"a {{doc}} link and `{name}`")
        after = cs[i + 1] if i + 1 < len(cs) else None
        if after is None or after["cell_type"] != "code" or ".player(" not in text(after):
            missing.append(f"{name}: no player cell after its live cell")
    assert not missing, "gallery incomplete: " + "; ".join(missing)


def test_gallery_links_point_at_notebooks():
    for c in cells():
        for target in re.findall(r"\{doc\}`([^`]+)`", text(c)):
            assert (GALLERY.parent / (target + ".ipynb")).resolve().exists(), target
