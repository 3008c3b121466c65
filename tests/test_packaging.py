"""The packaged code stands without the tests: `bench` (packaged, run by `make bench` and `make scale-demo`)
imports its throwaway servers from `harness`, never from tests/."""
import re
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



def test_every_package_of_ours_is_in_pyproject():
    """A non-editable install carries only the packages pyproject.toml lists: each Python package of the
    repository (a folder with __init__.py; the tests and migrations aside) must be there."""
    listed = set(re.search(r"^packages = \[(.*)\]$", (ROOT / "pyproject.toml").read_text(), re.M).group(1)
                 .replace('"', "").replace(" ", "").split(","))
    tops = [d for d in ROOT.iterdir() if d.is_dir() and not d.name.startswith(".") and d.name != "tests"]
    ours = {".".join(init.parent.relative_to(ROOT).parts) for top in tops for init in top.glob("**/__init__.py")
            if "migrations" not in init.parts and "node_modules" not in init.parts}
    assert ours - listed == set()
