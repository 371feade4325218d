"""mlnotes: the thin helper package of the mlnotes interactive machine-learning textbook.

Modules: ``runtime`` (seeding, device, CPU/GPU configuration), ``plotting`` (the book's
figure style), ``data`` (bundled data sets), ``widgets`` (interactive figures and their
static players), and one module per subject.
"""
from . import data, plotting, runtime

__version__ = "0.1.0"

#: Where the book and its notebooks live (used by the Colab badges and setup cells).
REPOSITORY = "https://github.com/mlnotes-book/mlnotes"

__all__ = ["data", "plotting", "runtime", "setup", "REPOSITORY", "__version__"]


def setup(seed: int = 0) -> str:
    """What every notebook's setup cell does: book figure style, seeds, device.

    Returns the chosen device string (``"cpu"``, ``"cuda"`` or ``"mps"``).
    """
    plotting.use_style()
    runtime.seed(seed)
    return runtime.device()
