"""People a parent can talk to (content/people.yml), and the reply that lists them."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from bot import yamlfile
from bot.paths import content_dir
from bot.yamlfile import ContentError, Problem

REQUIRED = ("id", "name", "what", "how", "url", "source")
HANDOFF_TITLE = "Talk to a person"
HANDOFF_PAYLOAD = "/human_handoff"


def handoff_button() -> dict[str, str]:
    """The button offered under answers, guesses and the crisis reply: always a way to reach a person."""
    return {"title": HANDOFF_TITLE, "payload": HANDOFF_PAYLOAD}


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    what: str
    how: str
    url: str
    source: str


@dataclass(frozen=True)
class People:
    intro: str
    people: tuple[Person, ...]
    outro: str


def default_path() -> Path:
    return content_dir() / "people.yml"


def parse(data: Any, path: Path) -> People:
    problems: list[Problem] = []
    people: list[Person] = []
    if not hasattr(data, "get"):
        raise ContentError([Problem(path, 1, "the file must be a mapping with 'people'", "see the top of the file")])
    for index, node in enumerate(data.get("people") or []):
        values = {}
        for key in REQUIRED:
            value = node.get(key) if hasattr(node, "get") else None
            if not isinstance(value, str) or not value.strip():
                problems.append(Problem(path, yamlfile.line_of(node), f"person {index + 1} has no '{key}'",
                                        f"add a '{key}:' line"))
            values[key] = " ".join(str(value or "").split())
        if values["url"] and not values["url"].startswith("https://"):
            problems.append(Problem(path, yamlfile.line_of(node, "url"), f"person {index + 1}: url must start with https://",
                                    "give the full public address"))
        people.append(Person(**values))
    if not people:
        problems.append(Problem(path, 1, "nobody is listed", "add entries under 'people:'"))
    for key in ("intro", "outro"):
        if not str(data.get(key) or "").strip():
            problems.append(Problem(path, 1, f"the file has no '{key}'", f"add an '{key}:' paragraph"))
    if problems:
        raise ContentError(problems)
    return People(" ".join(str(data["intro"]).split()), tuple(people), " ".join(str(data["outro"]).split()))



def load(path: Optional[Path] = None) -> People:
    """The people from the file, re-read only when it changes."""
    return yamlfile.load_parsed(path or default_path(), parse)


def handoff_message(people: Optional[People] = None) -> str:
    """Plain-text reply: who to talk to, what they do and where to find them."""
    people = people or load()
    lines = [people.intro, ""]
    for person in people.people:
        lines += [person.name, f"{person.what} {person.how}", person.url, ""]
    lines.append(people.outro)
    return "\n".join(lines)


def contact_details_message(people: Optional[People] = None) -> str:
    """The reply to "can you just tell me the number" after the list of people: where each one's
    current details are (numbers are given only when read on a public page, so none are made up)."""
    people = people or load()
    lines = ["I don't have their phone numbers or emails to hand: these services keep their current details "
             "on these pages:", ""]
    lines += [f"- {person.name}: {person.url}" for person in people.people]
    return "\n".join(lines)
