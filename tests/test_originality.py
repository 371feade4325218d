"""The book's wording is its own: the shared checker must find no run of words from the notes."""
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHECKER = ROOT.parent / "shared" / "tools" / "check_originality.py"


def test_no_wording_taken_from_the_notes():
    if not CHECKER.exists():
        pytest.skip(f"originality checker not found at {CHECKER} (../shared is absent); not checked")
    out = subprocess.run([sys.executable, str(CHECKER), "notebooks", "chapters", "book"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.stdout.strip() == "", out.stdout
    assert out.returncode == 0
