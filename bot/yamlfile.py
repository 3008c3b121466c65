"""Load staff-edited YAML files keeping line numbers, so errors can name the line."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, TypeVar

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError

from bot.errors import CHECK_FAILED, MedwayError

T = TypeVar("T")


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) in a content file."""

    path: Path
    line: int
    message: str
    hint: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}: {self.severity}: {self.message}"
        return f"{text}\n    fix: {self.hint}" if self.hint else text


class ContentError(MedwayError):
    """A content file cannot be used; carries every problem found."""

    exit_code = CHECK_FAILED

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def load(path: Path) -> Any:
    """Parse a YAML file into ruamel's round-trip nodes (dicts and lists that know their lines)."""
    yaml = YAML(typ="rt")
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise ContentError([Problem(path, line, f"not valid YAML: {exc.problem or exc.context}",
                                    "check the indentation of this line and the one above; if the text contains ': ' or starts "
                                    "with a quote or #, put the whole text in double quotes")]) from exc
    except UnicodeDecodeError as exc:
        raise ContentError([Problem(path, 1, "the file is not UTF-8 text", "save it as UTF-8")]) from exc


def line_of(node: Any, key: Any = None) -> int:
    """The 1-based line of a mapping key or list item in a node from `load`, or of the node itself."""
    lc = getattr(node, "lc", None)
    if lc is None:
        return 1
    try:
        if key is None:
            return lc.line + 1
        if isinstance(key, int):
            return lc.item(key)[0] + 1
        return lc.key(key)[0] + 1
    except (KeyError, IndexError, TypeError):
        return lc.line + 1


@lru_cache(maxsize=32)
def _parsed(path: Path, mtime_ns: int, parse: Callable[[Any, Path], Any]) -> Any:
    return parse(load(path), path)


def load_parsed(path: Path, parse: Callable[[Any, Path], T]) -> T:
    """`parse(load(path), path)`, read again only when the file changes: staff edits go live without
    a restart, and a message does not re-read the file."""
    return _parsed(path, path.stat().st_mtime_ns, parse)
