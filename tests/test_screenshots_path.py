"""A test run leaves the tree as it was: the browser tests' screenshots go where git ignores them."""
import subprocess

import pytest

from harness.assistant import ROOT
from tests.browser import SCREENSHOTS


def test_screenshots_are_written_to_an_ignored_folder():
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    shot = SCREENSHOTS / "widget-320px.png"
    assert subprocess.run(["git", "check-ignore", "-q", str(shot)], cwd=ROOT).returncode == 0
    assert not shot.is_relative_to(ROOT / "docs")
