"""Named topics (content/named_topics.yml): a short message that names a topic in its own words gets that
topic's FAQ entry when the model read it as something else ("my son keeps losing his break times as a
punishment" read as short breaks for carers). Staff edit the file; `python -m bot content check` proves it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional

from bot import yamlfile
from bot.paths import content_dir
from bot.yamlfile import ContentError, Problem


@dataclass(frozen=True)
class Topic:
    """`entry` answers a message that matches every pattern of `words` and not `unless`, when the model's best
    FAQ guess is not already one of `fits`; with `instead_of`, only a message the model read as one of those."""

    entry: str
    words: tuple[re.Pattern[str], ...]
    fits: frozenset[str]
    unless: Optional[re.Pattern[str]]
    instead_of: Optional[frozenset[str]]
    examples: tuple[str, ...]
    not_examples: tuple[str, ...]
    line: int

    def named_in(self, text: str) -> bool:
        """The message names this topic by its words alone (the model's guess aside)."""
        return all(words.search(text) for words in self.words) and not (self.unless and self.unless.search(text))


@dataclass(frozen=True)
class Rules:
    max_words: int
    topics: tuple[Topic, ...]

    def entry_for(self, text: str, guess: Optional[str]) -> Optional[str]:
        """The entry id a message names, given the model's best FAQ guess (an entry id or None); None when no
        topic applies. A guess that answers the topic as well stands."""
        if text.startswith("/") or len(text.split()) > self.max_words:
            return None
        for topic in self.topics:
            if not topic.named_in(text) or (topic.instead_of is not None and guess not in topic.instead_of):
                continue
            return guess if guess in topic.fits else topic.entry
        return None


def default_path() -> Path:
    return content_dir() / "named_topics.yml"


class _Reader:
    """Builds the rules from the parsed file, collecting every problem with its line."""

    def __init__(self, data: Any, path: Path):
        self.data, self.path, self.problems = data, path, []

    def problem(self, line: int, message: str, hint: str) -> None:
        self.problems.append(Problem(self.path, line, message, hint))

    def pattern(self, source: Any, line: int, where: str) -> Optional[re.Pattern[str]]:
        if isinstance(source, dict) and set(source) == {"shared"}:
            name = str(source["shared"])
            shared = self.data.get("shared") or {}
            if name not in shared:
                self.problem(line, f"{where} uses shared pattern '{name}', which is not under 'shared'",
                             "add it under 'shared:' at the top or correct the name")
                return None
            source = shared[name]
        if not isinstance(source, str) or not source.strip():
            self.problem(line, f"{where} must be a pattern in single quotes", "write the pattern as text, e.g. '\\bdetentions?\\b'")
            return None
        try:
            return re.compile(source, re.IGNORECASE)
        except re.error as exc:
            self.problem(line, f"{where} is not a valid pattern: {exc}",
                         "check brackets are closed and special characters are escaped with \\")
            return None

    def ids(self, node: Any, key: str, line: int, label: str) -> Optional[frozenset[str]]:
        value = node.get(key)
        if value is None:
            return None
        if isinstance(value, dict) and set(value) == {"group"}:
            groups = self.data.get("groups") or {}
            name = str(value["group"])
            if name not in groups:
                self.problem(line, f"{label} '{key}' uses group '{name}', which is not under 'groups'",
                             "add it under 'groups:' at the top or correct the name")
                return frozenset()
            value = groups[name]
        if not isinstance(value, list) or not value:
            self.problem(line, f"{label} '{key}' must be a list of entry ids", "write it as [entry_one, entry_two]")
            return frozenset()
        return frozenset(str(v) for v in value)

    def topic(self, node: Any, index: int, line: int) -> Optional[Topic]:
        label = f"topic {index + 1}"
        if not isinstance(node, dict):
            self.problem(line, f"{label} is not a mapping", "start each topic with '- entry: ENTRY_ID'")
            return None
        entry = str(node.get("entry") or "").strip()
        if not entry:
            self.problem(line, f"{label} has no 'entry'", "add 'entry:' with the FAQ entry id it answers with")
        words_node = node.get("words")
        if not isinstance(words_node, list) or not words_node:
            self.problem(line, f"{label} has no 'words'", "add 'words:' with at least one pattern")
            words_node = []
        words = [self.pattern(w, yamlfile.line_of(words_node, i), f"{label} 'words' item {i + 1}")
                 for i, w in enumerate(words_node)]
        unless = (self.pattern(node["unless"], yamlfile.line_of(node, "unless"), f"{label} 'unless'")
                  if node.get("unless") is not None else None)
        fits = self.ids(node, "fits", yamlfile.line_of(node, "fits"), label)
        if fits is None:
            self.problem(line, f"{label} has no 'fits'", "list the entries that answer it as well, the entry itself first")
        if not entry or None in words or fits is None:
            return None
        return Topic(entry, tuple(w for w in words if w is not None), fits | {entry}, unless,
                     self.ids(node, "instead_of", yamlfile.line_of(node, "instead_of"), label),
                     tuple(str(e) for e in node.get("examples") or []),
                     tuple(str(e) for e in node.get("not_examples") or []), line)


def parse(data: Any, path: Path) -> Rules:
    """Validate the file and build the rules; raise ContentError naming the file, line and problem."""
    if not isinstance(data, dict) or not isinstance(data.get("topics"), list):
        raise ContentError([Problem(path, 1, "the file must be a mapping with a 'topics' list",
                                    "compare with the layout described at the top of the file")])
    reader = _Reader(data, path)
    max_words = data.get("max_words", 30)
    if not isinstance(max_words, int) or max_words < 1:
        reader.problem(yamlfile.line_of(data, "max_words"), "'max_words' must be a whole number above 0", "write e.g. 30")
    topics = [reader.topic(node, i, yamlfile.line_of(data["topics"], i)) for i, node in enumerate(data["topics"])]
    if reader.problems:
        raise ContentError(reader.problems)
    return Rules(max_words, tuple(t for t in topics if t is not None))


def load(path: Optional[Path] = None) -> Rules:
    """The rules, re-read only when the file changes (edits go live without a restart)."""
    return yamlfile.load_parsed(path or default_path(), parse)


def check(entry_ids: Iterable[str], path: Optional[Path] = None) -> list[Problem]:
    """Every problem in the file: its layout and patterns, entry ids the FAQ does not have, and examples the
    words do not move (or not-examples they do)."""
    path = path or default_path()
    try:
        rules = load(path)
    except ContentError as exc:
        return exc.problems
    known = set(entry_ids)
    problems = []
    for number, topic in enumerate(rules.topics, 1):
        named = {topic.entry} | topic.fits | (topic.instead_of or frozenset())
        problems += [Problem(path, topic.line, f"topic {number} names entry '{unknown}', which is not in content/faq",
                             "correct the id (`python -m bot content list` shows them)")
                     for unknown in sorted(named - known)]
        problems += [Problem(path, topic.line, f"topic {number} example '{e}' does not match its words "
                             f"(or matches 'unless')", "widen a pattern or correct the example")
                     for e in topic.examples if not topic.named_in(e)]
        problems += [Problem(path, topic.line, f"topic {number} not-example '{e}' matches its words",
                             "narrow a pattern or add an 'unless'")
                     for e in topic.not_examples if topic.named_in(e)]
        if not topic.examples:
            problems.append(Problem(path, topic.line, f"topic {number} has no examples",
                                    "add the message it is for under 'examples:'"))
    return problems
