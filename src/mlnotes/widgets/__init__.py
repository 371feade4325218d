"""Interactive figures: each widget has compute methods, ``figure``, ``widget()`` and ``player()``.

The widgets themselves are imported on first use (``mlnotes.widgets.SVDCompression``), so
that importing the package does not load torch for the diffusion widget.
"""
from importlib import import_module

from .base import Choice, Control, FloatSlider, IntSlider, Player, Toggle, Widget

_WIDGETS = {
    "MatrixMapWidget": "matrix_map",   # notebooks 01-01, 01-03
    "SVDCompression": "svd",           # notebook 01-06
    "StableExplorer": "stable",        # notebook 02-02
    "CLTExplorer": "clt",              # notebook 02-03
    "GPWidget": "gp",                  # notebook 02-05
    "DiffusionSteps": "diffusion",     # notebook 05-05
    "TransportExplorer": "ot",         # notebook 04-06
    "KMeansStepper": "kmeans",         # notebook 03-04
    "ClassifierPlayground": "playground",  # Part III (host page: the lead decides)
    "OptimizerPlayground": "optim",    # notebook 04-04
    "FilterExplorer": "filters",       # notebook 04-02
    "ROCExplorer": "roc",              # notebook 04-09
    "LatentExplorer": "latent",        # notebook 05-03
    "GANTraining": "gan",              # notebook 05-04
    "AttentionExplorer": "attention",  # notebook 06-03
    "PINNTraining": "pinn",            # notebook 07-02
}

__all__ = ["Control", "IntSlider", "FloatSlider", "Choice", "Toggle", "Widget", "Player", *_WIDGETS]


def __getattr__(name):
    if name in _WIDGETS:
        return getattr(import_module(f".{_WIDGETS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
