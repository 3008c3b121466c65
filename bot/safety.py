"""Safeguarding backstop: a deterministic check for messages about risk, and the emergency reply.

The NLU model is trained to recognise these messages; this module makes sure a known phrasing
is never missed, whatever the model predicts. The patterns and the contacts are data, in
`content/safeguarding.yml`, so staff can change them without touching code.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from bot import yamlfile
from bot.paths import content_dir
from bot.yamlfile import ContentError, Problem

_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Route:
    """One emergency contact, with the public page it was taken from."""

    name: str
    what: str
    phone: str
    source: str
    url: str = ""


@dataclass(frozen=True)
class Pattern:
    id: str
    description: str
    regex: re.Pattern
    examples: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    intro: str
    outro: str
    routes: tuple[Route, ...]
    patterns: tuple[Pattern, ...]
    not_examples: tuple[str, ...]
    last_reviewed: Optional[date]


def default_path() -> Path:
    return content_dir() / "safeguarding.yml"


def normalise(text: str) -> str:
    """Lower-case, fold curly quotes and compatibility characters, collapse white space."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    return " ".join(text.split())


def _required_text(node: Any, key: str, path: Path, problems: list[Problem], where: str) -> str:
    value = node.get(key) if hasattr(node, "get") else None
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(path, yamlfile.line_of(node), f"{where} has no '{key}'",
                                f"add a '{key}:' line with text"))
        return ""
    return value.strip()


def parse(data: Any, path: Path) -> Rules:
    """Validate the file's contents and build the rules; raise ContentError naming every problem."""
    problems: list[Problem] = []
    if not hasattr(data, "get"):
        raise ContentError([Problem(path, 1, "the file must be a mapping with 'routes' and 'patterns'",
                                    "compare with the layout described at the top of the file")])
    intro = _required_text(data, "intro", path, problems, "the file")
    outro = _required_text(data, "outro", path, problems, "the file")

    routes: list[Route] = []
    for index, node in enumerate(data.get("routes") or []):
        where = f"route {index + 1}"
        name = _required_text(node, "name", path, problems, where)
        what = _required_text(node, "what", path, problems, where)
        phone = _required_text(node, "phone", path, problems, where)
        source = _required_text(node, "source", path, problems, where)
        if source and not source.startswith("https://"):
            problems.append(Problem(path, yamlfile.line_of(node, "source"), f"{where}: source must be a https:// address",
                                    "give the public page the number was read on"))
        routes.append(Route(name, what, phone, source, str(node.get("url") or "")))
    if not routes:
        problems.append(Problem(path, yamlfile.line_of(data, "routes") if "routes" in data else 1,
                                "there are no emergency routes", "list at least 999 under 'routes:'"))

    patterns: list[Pattern] = []
    seen: set[str] = set()
    for index, node in enumerate(data.get("patterns") or []):
        where = f"pattern {index + 1}"
        pid = _required_text(node, "id", path, problems, where)
        if pid and not _ID.match(pid):
            problems.append(Problem(path, yamlfile.line_of(node, "id"), f"id '{pid}' is not a simple name",
                                    "use lower-case letters, digits and underscores"))
        if pid in seen:
            problems.append(Problem(path, yamlfile.line_of(node, "id"), f"id '{pid}' is used twice", "make ids unique"))
        seen.add(pid)
        source = _required_text(node, "pattern", path, problems, where)
        try:
            regex = re.compile(source)
        except re.error as exc:
            problems.append(Problem(path, yamlfile.line_of(node, "pattern"), f"{where} ('{pid}') is not a valid pattern: {exc}",
                                    "check brackets are closed and special characters are escaped with \\"))
            continue
        examples = tuple(str(e) for e in node.get("examples") or [])
        patterns.append(Pattern(pid, str(node.get("description") or ""), regex, examples))
    if not patterns:
        problems.append(Problem(path, 1, "there are no patterns", "add at least one under 'patterns:'"))

    reviewed = data.get("last_reviewed")
    if problems:
        raise ContentError(problems)
    return Rules(intro, outro, tuple(routes), tuple(patterns),
                 tuple(str(e) for e in data.get("not_examples") or []),
                 reviewed if isinstance(reviewed, date) else None)


@lru_cache(maxsize=8)
def _load_cached(path: Path, mtime_ns: int) -> Rules:
    return parse(yamlfile.load(path), path)


def load(path: Optional[Path] = None) -> Rules:
    """The rules from the file, re-read only when the file changes (so edits go live without a restart)."""
    path = path or default_path()
    return _load_cached(path, path.stat().st_mtime_ns)


def match(text: str, rules: Optional[Rules] = None) -> Optional[str]:
    """The id of the first pattern the message matches, or None."""
    if not text:
        return None
    rules = rules or load()
    plain = normalise(text)
    for pattern in rules.patterns:
        if pattern.regex.search(plain):
            return pattern.id
    return None


def emergency_message(rules: Optional[Rules] = None) -> str:
    """The emergency routes as plain text: intro, one line a route, then the way back."""
    rules = rules or load()
    lines = [rules.intro, ""]
    for route in rules.routes:
        lines.append(f"- {route.name}: {route.phone}. {route.what}")
    lines += ["", rules.outro]
    return "\n".join(lines)


def self_check(path: Optional[Path] = None) -> list[Problem]:
    """Prove the file's examples match and its ordinary questions do not."""
    path = path or default_path()
    try:
        rules = load(path)
    except ContentError as exc:
        return exc.problems
    problems: list[Problem] = []
    data = yamlfile.load(path)
    nodes = {str(n.get("id")): n for n in data.get("patterns") or []}
    for pattern in rules.patterns:
        for example in pattern.examples:
            if not pattern.regex.search(normalise(example)):
                problems.append(Problem(path, yamlfile.line_of(nodes[pattern.id], "examples"),
                                        f"example '{example}' does not match pattern '{pattern.id}'",
                                        "widen the pattern or correct the example"))
    for example in rules.not_examples:
        hit = match(example, rules)
        if hit:
            problems.append(Problem(path, yamlfile.line_of(data, "not_examples"),
                                    f"ordinary question '{example}' matches pattern '{hit}'",
                                    "narrow that pattern so everyday wording does not trigger it"))
    return problems
