"""Interactive figures: each widget has compute methods, ``figure``, ``widget()`` and ``player()``."""
from .base import Choice, Control, FloatSlider, IntSlider, Player, Toggle, Widget

__all__ = ["Control", "IntSlider", "FloatSlider", "Choice", "Toggle", "Widget", "Player"]
