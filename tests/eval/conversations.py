"""The multi-turn evaluation: scripted conversations in parents' words, judged by what each reply says.

Each file in conversations/ holds one theme. A conversation holds when every turn holds: every `must`
pattern matches the text of all the assistant's replies to that turn, no `must_not` pattern does, every
`buttons_must` pattern matches one of the button titles, and the reply is not word for word the reply to
the turn before (issue 17: no identical reply twice in a row).
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from bot import yamlfile

HERE = Path(__file__).parent
FOLDER = HERE / "conversations"
REPORT = HERE.parents[1] / "results" / "eval" / "conversations.md"
MIN_TURNS, MAX_TURNS = 2, 6
TURN_KEYS = {"say", "must", "must_not", "buttons_must"}
CONVERSATION_KEYS = {"id", "why", "turns"}


class BadConversation(ValueError):
    """A conversation file that cannot be used, with its file and line."""


@dataclass(frozen=True)
class Reply:
    """What a parent reads after one message: the texts joined, and the button titles."""

    text: str
    buttons: tuple[str, ...]


@dataclass(frozen=True)
class Turn:
    say: str
    must: tuple[re.Pattern, ...]
    must_not: tuple[re.Pattern, ...]
    buttons_must: tuple[re.Pattern, ...]
    where: str

    def problems(self, reply: Reply, previous: str | None) -> list[str]:
        """What is wrong with a reply to this turn (nothing when it holds)."""
        found = [f"missing /{p.pattern}/" for p in self.must if not p.search(reply.text)]
        found += [f"must not say /{p.pattern}/" for p in self.must_not if p.search(reply.text)]
        found += [f"no button /{p.pattern}/" for p in self.buttons_must
                  if not any(p.search(title) for title in reply.buttons)]
        if previous is not None and reply.text.strip() and reply.text.strip() == previous.strip():
            found.append("the same reply as the turn before, word for word")
        return found


@dataclass(frozen=True)
class Conversation:
    id: str
    why: str
    theme: str
    turns: tuple[Turn, ...]
    where: str


def _patterns(node: Any, key: str, where: str) -> tuple[re.Pattern, ...]:
    values = node.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise BadConversation(f"{where}: {key} must be a list of regular expressions")
    try:
        return tuple(re.compile(v, re.IGNORECASE) for v in values)
    except re.error as error:
        raise BadConversation(f"{where}: {key}: {error} in {values!r}") from None


def _turn(node: Any, where: str) -> Turn:
    if not isinstance(node, dict) or not isinstance(node.get("say"), str) or not node["say"].strip():
        raise BadConversation(f"{where}: a turn needs `say`, the words the parent types, as text "
                              f"(quote a number: say: \"7\")")
    unknown = set(node) - TURN_KEYS
    if unknown:
        raise BadConversation(f"{where}: unknown keys {sorted(unknown)}; a turn has {sorted(TURN_KEYS)}")
    turn = Turn(node["say"].strip(), _patterns(node, "must", where), _patterns(node, "must_not", where),
                _patterns(node, "buttons_must", where), where)
    if not (turn.must or turn.must_not or turn.buttons_must):
        raise BadConversation(f"{where}: a turn needs at least one must, must_not or buttons_must pattern")
    return turn


def _conversation(node: Any, path: Path, theme: str) -> Conversation:
    name = path.relative_to(path.parents[1])
    where = f"{name}:{yamlfile.line_of(node)}"
    if not isinstance(node, dict):
        raise BadConversation(f"{where}: each conversation is a mapping with id, why and turns")
    unknown = set(node) - CONVERSATION_KEYS
    if unknown:
        raise BadConversation(f"{where}: unknown keys {sorted(unknown)}; "
                              f"a conversation has {sorted(CONVERSATION_KEYS)}")
    if not re.fullmatch(r"[a-z0-9_]+", str(node.get("id", ""))):
        raise BadConversation(f"{where}: id must be lower-case letters, digits and _")
    if not str(node.get("why", "")).strip():
        raise BadConversation(f"{where}: `why` must say what the conversation checks")
    turns = node.get("turns")
    if not isinstance(turns, list) or not MIN_TURNS <= len(turns) <= MAX_TURNS:
        raise BadConversation(f"{where}: a conversation has {MIN_TURNS} to {MAX_TURNS} turns")
    return Conversation(str(node["id"]), str(node["why"]).strip(), theme,
                        tuple(_turn(turn, f"{name}:{yamlfile.line_of(turns, i)} ({node['id']} turn {i + 1})")
                              for i, turn in enumerate(turns)), where)


def load(folder: Path = FOLDER) -> list[Conversation]:
    """Every conversation in folder/*.yml (the file name is the theme), checked; ids unique across files."""
    found: list[Conversation] = []
    for path in sorted(folder.glob("*.yml")):
        try:
            data = yamlfile.load(path)
        except yamlfile.ContentError as error:
            raise BadConversation(str(error)) from None
        if not isinstance(data, list):
            raise BadConversation(f"{path.relative_to(path.parents[1])}:1: the file must be a list of conversations")
        found += [_conversation(node, path, path.stem) for node in data]
    seen: dict[str, str] = {}
    for conversation in found:
        if conversation.id in seen:
            raise BadConversation(f"{conversation.where}: id {conversation.id!r} "
                                  f"is also used at {seen[conversation.id]}")
        seen[conversation.id] = conversation.where
    return found


def messages(conversations: Iterable[Conversation]) -> list[str]:
    """Every message the parents type, in order."""
    return [turn.say for conversation in conversations for turn in conversation.turns]


@dataclass
class Failure:
    conversation: Conversation
    turn: Turn
    problems: list[str]
    said: str


@dataclass
class Score:
    held: int = 0
    total: int = 0

    @property
    def share(self) -> float:
        return self.held / self.total if self.total else 0.0


@dataclass
class Results:
    scores: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    failures: list[Failure] = field(default_factory=list)


def run(conversation: Conversation, send: Callable[[str], Reply]) -> list[Failure]:
    """Play one conversation to the end in a fresh chat; the turns that did not hold."""
    failures, previous = [], None
    for turn in conversation.turns:
        reply = send(turn.say)
        problems = turn.problems(reply, previous)
        if problems:
            failures.append(Failure(conversation, turn, problems, reply.text))
        previous = reply.text
    return failures


def score(conversations: Iterable[Conversation], new_chat: Callable[[], Callable[[str], Reply]]) -> Results:
    """Play every conversation in its own chat; the share that held, per theme and overall ('ALL')."""
    results = Results()
    for conversation in conversations:
        failures = run(conversation, new_chat())
        results.failures += failures
        for key in (conversation.theme, "ALL"):
            results.scores[key].total += 1
            results.scores[key].held += not failures
    return results


def report(results: Results) -> str:
    """The figures per theme and every failed turn with what was missing and what was said; also written to REPORT."""
    lines = ["# Multi-turn conversations: did each reply hold?", "", "| theme | conversations | held | share |",
             "| --- | ---: | ---: | ---: |"]
    for theme in sorted(results.scores, key=lambda t: (t == "ALL", t)):
        value = results.scores[theme]
        name = "**overall**" if theme == "ALL" else theme
        lines.append(f"| {name} | {value.total} | {value.held} | {value.share:.0%} |")
    lines += ["", "Turns that did not hold:", ""]
    for failure in results.failures:
        said = " / ".join(line.strip() for line in failure.said.splitlines() if line.strip())
        lines += [f"- **{failure.conversation.id}** ({failure.turn.where}) parent: {failure.turn.say!r}",
                  f"  - {'; '.join(failure.problems)}",
                  f"  - said: {said[:400]!r}"]
    if not results.failures:
        lines.append("- none")
    text = "\n".join(lines) + "\n"
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text, encoding="utf-8")
    return text
