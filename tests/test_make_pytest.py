"""scripts/pytest, through which make runs pytest: collecting no tests fails, and says so."""
import subprocess

from harness.assistant import ROOT


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "scripts" / "pytest"), "-p", "no:cacheprovider", *args],
                          cwd=ROOT, capture_output=True, text=True)


def test_no_tests_collected_fails_loudly():
    run = _run("-m", "no_such_marker", "tests/test_free_port.py")
    assert run.returncode == 5
    assert "pytest collected NO TESTS (exit status 5)" in run.stderr


def test_tests_that_pass_pass():
    run = _run("-q", "tests/test_free_port.py")
    assert run.returncode == 0, run.stdout
    assert "NO TESTS" not in run.stderr
