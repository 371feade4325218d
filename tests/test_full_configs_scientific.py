"""Part VII's page-defined models in their full configurations, run reduced.

The same check as ``test_full_configs.py`` (read its docstring); a file of its own so that
stage 1's two workers share the runs of the three parts.
"""
import pathlib

import pytest
from test_full_configs import PAGE_MODELS_VII, run_reduced


@pytest.mark.parametrize("path", PAGE_MODELS_VII, ids=[pathlib.Path(p).stem for p in PAGE_MODELS_VII])
def test_full_configuration_runs_reduced(path):
    run_reduced(path)
