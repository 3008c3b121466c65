"""Distress that is not danger: "I'm falling apart", "nobody is helping us", "I hate school".

Such a message gets a short acknowledgement (content/distress.yml) before the answer to what it
asks, at most once in three turns. Danger is decided elsewhere, first (bot/safety.py): a message
that matches a safeguarding pattern never reaches the actions that answer questions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional

from bot import yamlfile
from bot.paths import content_dir
from bot.safety import normalise
from bot.yamlfile import ContentError, Problem

TURNS_APART = 3
"""The acknowledgement is not sent again within this many of the parent's messages."""


@dataclass(frozen=True)
class Rules:
    acknowledgement: str
    patterns: tuple[re.Pattern, ...]
    unless: tuple[re.Pattern, ...]
    examples: tuple[str, ...]
    not_examples: tuple[str, ...]

    def heard(self, text: str) -> bool:
        plain = normalise(text)
        return any(p.search(plain) for p in self.patterns) and not any(u.search(plain) for u in self.unless)


def default_path() -> Path:
    return content_dir() / "distress.yml"


def _patterns(data: Any, key: str, path: Path, problems: list[Problem]) -> tuple[re.Pattern, ...]:
    compiled = []
    for index, source in enumerate(data.get(key) or []):
        try:
            compiled.append(re.compile(str(source)))
        except re.error as exc:
            problems.append(Problem(path, yamlfile.line_of(data[key], index),
                                    f"'{key}' item {index + 1} is not a valid pattern: {exc}",
                                    "check brackets are closed and special characters are escaped with \\"))
    return tuple(compiled)


def parse(data: Any, path: Path) -> Rules:
    """Validate the file and build the rules; raise ContentError naming the file, line and problem."""
    if not hasattr(data, "get"):
        raise ContentError([Problem(path, 1, "the file must be a mapping with 'acknowledgement' and 'patterns'",
                                    "compare with the layout described at the top of the file")])
    problems: list[Problem] = []
    acknowledgement = str(data.get("acknowledgement") or "").strip()
    if not acknowledgement:
        problems.append(Problem(path, 1, "the file has no 'acknowledgement'", "add an 'acknowledgement:' line with text"))
    elif re.search(r"\d{3}", acknowledgement):
        problems.append(Problem(path, yamlfile.line_of(data, "acknowledgement"),
                                "the acknowledgement holds a number",
                                "leave numbers to the support pages, which give their sources"))
    patterns = _patterns(data, "patterns", path, problems)
    if not patterns and not problems:
        problems.append(Problem(path, 1, "there are no patterns", "add at least one under 'patterns:'"))
    unless = _patterns(data, "not", path, problems)
    if problems:
        raise ContentError(problems)
    return Rules(acknowledgement, patterns, unless, tuple(str(e) for e in data.get("examples") or []),
                 tuple(str(e) for e in data.get("not_examples") or []))



def load(path: Optional[Path] = None) -> Rules:
    """The rules, re-read only when the file changes (edits go live without a restart)."""
    return yamlfile.load_parsed(path or default_path(), parse)


def acknowledgement(text: str, events: Iterable[dict[str, Any]] = (), rules: Optional[Rules] = None) -> Optional[str]:
    """The words to send before the answer, or None: not distress, or acknowledged in the last few turns."""
    rules = rules or load()
    if not text or text.startswith("/") or not rules.heard(text):
        return None
    messages = 0
    for event in reversed(events if isinstance(events, list) else list(events)):
        if event.get("event") == "user":
            messages += 1
            if messages > TURNS_APART:
                break
        elif event.get("event") == "bot" and rules.acknowledgement in str(event.get("text") or ""):
            return None
    return rules.acknowledgement


def self_check(path: Optional[Path] = None) -> list[Problem]:
    """Prove the file's examples are acknowledged and its ordinary questions are not."""
    path = path or default_path()
    try:
        rules = load(path)
    except ContentError as exc:
        return exc.problems
    data = yamlfile.load(path)
    problems = [Problem(path, yamlfile.line_of(data, "examples"), f"example '{e}' is not acknowledged",
                        "widen a pattern or correct the example") for e in rules.examples if not rules.heard(e)]
    problems += [Problem(path, yamlfile.line_of(data, "not_examples"), f"ordinary question '{e}' is acknowledged",
                         "narrow the pattern so everyday wording does not trigger it")
                 for e in rules.not_examples if rules.heard(e)]
    return problems
