"""Shared test settings: headless matplotlib, no progress bars, one thread per worker."""
import os

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("MLNOTES_PROGRESS", "0")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

from hypothesis import HealthCheck, settings  # noqa: E402

# Timing-based health checks are noise on a shared 2-core machine; the properties stay.
# The default profile is derandomized, so a test run is repeatable (CI included); to search
# for new counterexamples, run with HYPOTHESIS_PROFILE=explore.
settings.register_profile("mlnotes", deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", deadline=None, max_examples=500,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "mlnotes"))
