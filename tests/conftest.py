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


def pytest_collection_modifyitems(config, items):
    """Under ``MLNOTES_IPYWIDGETS_ONLY=1`` keep the tests that touch ipywidgets.

    ``tests/test_ipywidgets7.py`` reruns the widget tests with ipywidgets 7.7.1 (Colab's) first
    on the path. Only the control layer differs between the two versions, so it needs the
    tests whose code builds a live widget or an ipywidgets control (``.widget(``, ``.make(``,
    ``ipywidgets``), not the compute and figure tests a second time. (A widget's ``.controls``
    are the book's own control descriptions; ipywidgets enters only through ``make``.)
    """
    if os.environ.get("MLNOTES_IPYWIDGETS_ONLY") != "1":
        # The ipywidgets-7 rerun is one test of about 80 s and the full-configuration runs are
        # two files of 30-60 s: schedule them first, so that the second pytest worker runs the
        # rest beside them instead of idling at the end.
        items.sort(key=lambda item: 0 if "test_ipywidgets7" in item.nodeid
                   else 1 if "test_full_configs" in item.nodeid else 2)
        return
    import inspect

    keys = (".widget(", ".make(", "ipywidgets")
    keep, drop = [], []
    for item in items:
        try:
            src = inspect.getsource(item.function)
        except (OSError, TypeError, AttributeError):
            src = ""
        # A widget's player test renders its frames with matplotlib alone (Widget.player, one
        # implementation for all widgets); what a player does to a live widget under ipywidgets
        # 7 is tested once, by test_widgets_base's test_player_leaves_a_live_widget_alone.
        # Rerunning every widget's frames took 30 of the rerun's 60 s.
        player = "player" in item.name and "live_widget" not in item.name
        (keep if any(k in src for k in keys) and not player else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
