"""Shared test settings: headless matplotlib, no progress bars, one thread per worker."""
import os

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("MLNOTES_PROGRESS", "0")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
