"""Shared test settings: headless matplotlib, no progress bars, one thread per worker."""
import os

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("MLNOTES_PROGRESS", "0")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

from hypothesis import HealthCheck, settings  # noqa: E402

# Timing-based health checks are noise on a shared 2-core machine; the properties stay.
settings.register_profile("mlnotes", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("mlnotes")
