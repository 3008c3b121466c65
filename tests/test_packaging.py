"""The packaged code stands without the tests: `bench` (packaged, run by `make bench` and `make scale-demo`)
imports its throwaway servers from `harness`, never from tests/."""
import subprocess
import sys
from pathlib import Path

from harness.assistant import ROOT

# Every benchmark module imported in a Python where the tests package cannot be imported.
WITHOUT_TESTS = """
import importlib, sys
class NoTests:
    def find_spec(self, name, path=None, target=None):
        if name == "tests" or name.startswith("tests."):
            raise ImportError("the tests are not installed here: " + name)
sys.meta_path.insert(0, NoTests())
for module in sys.argv[1:]:
    importlib.import_module(module)
"""


def test_the_benchmarks_import_nothing_from_the_tests():
    modules = [f"bench.{path.stem}" for path in sorted((ROOT / "bench").glob("*.py")) if path.stem != "__init__"]
    result = subprocess.run([sys.executable, "-c", WITHOUT_TESTS, *modules], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]


def test_the_harness_lives_outside_the_tests():
    assert Path(sys.modules["harness.assistant"].__file__).parent.name == "harness"
