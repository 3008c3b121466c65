"""Short definitions for a message that only asks what a term means ("whats a senco").

The definitions are content (content/glossary.yml), edited by staff and re-read when the file
changes. The reply is the definition first, then the FAQ entry with the full answer as a button.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from bot import yamlfile
from bot.content import keyword_key
from bot.paths import content_dir
from bot.yamlfile import ContentError, Problem

_ASKS_SUPPORT = re.compile(r"^(?:so |and |ok )?(?:what|is there any|are there any|any|where can i get|how do i get|"
                           r"how can i get|can i get|can we get|can he get|can she get|is there)? ?(?:support|help)"
                           r"(?: is there| is available| available| can we get| can i get| "
                           r"do they get| does he get| does she get)? (?:(?:for|with) (?:a child with |children with |kids with )?)?")
"""'What support is there for' or 'can i get help' before a term: the message names only the term (dyslexia,
finding a job), as a request for its meaning does."""


@dataclass(frozen=True)
class Term:
    terms: tuple[str, ...]
    definition: str
    source: str
    more: str
    """The FAQ entry with the full answer."""


@dataclass(frozen=True)
class Glossary:
    terms: dict[str, Term]
    """keyword_key of each term -> its definition."""

    def lookup(self, text: str) -> Optional[Term]:
        """The term a message only asks the meaning of ("what is a SENCO?") or only asks what help there is
        for ("what support is there for dyslexia"), or None."""
        if not text or text.startswith("/"):
            return None
        return self.terms.get(keyword_key(text)) or self.terms.get(keyword_key(_ASKS_SUPPORT.sub("", text.lower().strip())))


def default_path() -> Path:
    return content_dir() / "glossary.yml"


def parse(data: Any, path: Path) -> Glossary:
    """Validate the file and build the glossary; raise ContentError naming the file, line and problem."""
    items = data.get("entries") if hasattr(data, "get") else None
    if not isinstance(items, list):
        raise ContentError([Problem(path, 1, "the file needs a list under 'entries'", "compare with the layout at its top")])
    problems: list[Problem] = []
    found: dict[str, Term] = {}
    for index, item in enumerate(items):
        line = yamlfile.line_of(items, index)
        terms = item.get("terms") if hasattr(item, "get") else None
        fields = {k: str(item.get(k) or "").strip() for k in ("definition", "source", "more")} if terms else {}
        if not isinstance(terms, list) or not terms or not all(fields.values()):
            problems.append(Problem(path, line, f"entry {index + 1} needs terms, definition, source and more",
                                    "copy an existing entry and fill every field"))
            continue
        term = Term(tuple(str(t) for t in terms), fields["definition"], fields["source"], fields["more"])
        found.update({keyword_key(str(t)): term for t in terms})
    if problems:
        raise ContentError(problems)
    return Glossary(found)


def load(path: Optional[Path] = None) -> Glossary:
    """The glossary, re-read only when the file changes."""
    return yamlfile.load_parsed(path or default_path(), parse)


def reply_text(term: Term) -> str:
    return f"{term.definition}\n\nSource: {term.source}."
