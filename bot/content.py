"""FAQ content: staff-edited files in content/faq/, checked, turned into training data, answered from.

One source of truth: each entry's example questions become NLU training examples for the intent
`faq_<id>` (written to generated files by `python -m bot content build`), and its answer is read
from the file at run time, so editing an answer needs no retraining.
"""
from __future__ import annotations

import fnmatch
import logging
import os
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from bot import people, yamlfile
from bot.paths import PROJECT_ROOT, content_dir
from bot.yamlfile import ContentError, Problem

logger = logging.getLogger(__name__)
INTENT_PREFIX = "faq_"
MIN_QUESTIONS = 10
TITLE_MAX_CHARS = 40
FIND_SERVICE_MAX_CHARS = 24  # the button reads "Find <words> services" in at most about 40 characters
ANSWER_WORDS_WARN = 150
ANSWER_WORDS_MAX = 180
REVIEW_AFTER_DAYS = 365
_ID = re.compile(r"^[a-z][a-z0-9_]{1,60}$")
_REQUIRED = ("id", "title", "questions", "answer", "source", "last_reviewed")

GENERATED_HEADER = (
    "# GENERATED from content/faq/*.yml by `python -m bot content build`. Do not edit by hand:\n"
    "# edit the content files and run `make content`. `make test` fails if this file is out of date.\n"
)


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class FollowUp:
    """Short things a parent may type after an entry's answer, and the entry that answers them.

    `target` is an entry id (the entry itself when the file leaves `answer_with` out); `fact`, if
    given, is a few words of the target's answer: the reply quotes the sentence that holds them."""
    asks: tuple[str, ...]
    target: str
    fact: str
    line: int


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    topic: str
    questions: tuple[str, ...]
    answer: str
    links: tuple[Link, ...]
    source: str
    last_reviewed: date
    related: tuple[str, ...]
    path: Path
    line: int
    follow_ups: tuple[FollowUp, ...] = ()
    find_service: str = ""
    """Words for a directory search offered after the answer ("speech therapy"), or none."""
    keywords: tuple[str, ...] = ()
    """Terms that alone name this entry ("s41", "reg 13"): volunteers type them bare."""
    under_threes: str = ""
    """The entry answered instead when the message says the child is under 3 ("my 2 year old", "our
    toddler"): first steps that start with the school do not fit a baby."""

    @property
    def intent(self) -> str:
        return INTENT_PREFIX + self.id


KEYWORD_MAX_WORDS = 4
_LEGAL_REFERENCE = re.compile(r"\b(?:section|sec|s)\s*\.?\s*(\d+[a-z]?)\b|\b(?:regulation|reg)\s*\.?\s*(\d+)\b")
_ASKS_MEANING = re.compile(r"^(?:(?:what|whats|what's) (?:is|are|does|do)? ?(?:an?|the)? ?|(?:the )?meaning of (?:an?|the )?|"
                           r"explain (?:an?|the )?|tell me about (?:an?|the )?|define )")
_LEADS_ON = re.compile(r"^(?:(?:and|so|ok|okay|but) )*(?:(?:what|how) about )?")
"""Words that carry a term on from the answer before: "and section i", "what about s41"."""
_MEANS = re.compile(r"\s+(?:means?|mean please|stand for|stands for|about)$|\s+(?:anyway|exactly|again|please|then)$")


def keyword_key(text: str) -> str:
    """A bare term as a parent or volunteer might type it, reduced to one form: "What does S.41 mean?",
    "section 41" and "s41" all become "s41"; "reg 13" and "regulation 13" become "reg13"."""
    text = " ".join(re.sub(r"[?!.,:;\"']+(?=\s|$)", " ", text.lower()).split())
    text = _MEANS.sub("", _ASKS_MEANING.sub("", _LEADS_ON.sub("", text))).strip()
    return _LEGAL_REFERENCE.sub(lambda m: f"s{m.group(1)}" if m.group(1) else f"reg{m.group(2)}", text)


@dataclass(frozen=True)
class Library:
    entries: dict[str, Entry]
    keywords: dict[str, str] = field(default_factory=dict)
    """keyword_key of each entry's keywords -> entry id."""

    def by_keyword(self, text: str) -> Optional[Entry]:
        """The entry a message names by a keyword alone ("s41", "what is reg 13"), or None."""
        if len(text.split()) > KEYWORD_MAX_WORDS + 4:
            return None
        found = self.keywords.get(keyword_key(text))
        return self.entries.get(found) if found else None

    def by_intent(self, intent: Optional[str]) -> Optional[Entry]:
        if not intent or not intent.startswith(INTENT_PREFIX):
            return None
        return self.entries.get(intent[len(INTENT_PREFIX):])

    def topics(self) -> dict[str, list[Entry]]:
        grouped: dict[str, list[Entry]] = {}
        for entry in self.entries.values():
            grouped.setdefault(entry.topic, []).append(entry)
        return grouped


def faq_dir() -> Path:
    return content_dir() / "faq"


def normalise_question(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())


def _text(node: Any, key: str) -> str:
    value = node.get(key)
    return " ".join(str(value).split()) if isinstance(value, str) else ""


_LIST_ITEM = re.compile(r"^(-|\d+\.)\s")


def _answer(node: Any) -> str:
    """Answer text with paragraphs and list items kept, and wrapped lines joined."""
    blocks = []
    for paragraph in re.split(r"\n\s*\n", str(node.get("answer") or "").strip()):
        lines: list[str] = []
        for line in paragraph.splitlines():
            line = " ".join(line.split())
            if not line:
                continue
            if lines and not _LIST_ITEM.match(line):
                lines[-1] += " " + line
            else:
                lines.append(line)
        if lines:
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _parse_entry(node: Any, topic: str, path: Path, problems: list[Problem]) -> Optional[Entry]:
    line = yamlfile.line_of(node)
    if not hasattr(node, "get"):
        problems.append(Problem(path, line, "an entry must be a mapping of fields", "start each entry with '- id: ...'"))
        return None
    where = f"entry '{node.get('id', '?')}'"
    for key in _REQUIRED:
        if node.get(key) in (None, "", []):
            hint = "cite the statute, regulation or Code of Practice paragraph, or the public page" \
                if key == "source" else f"add '{key}:'"
            problems.append(Problem(path, line, f"{where} has no '{key}'", hint))
    entry_id = str(node.get("id") or "")
    if entry_id and not _ID.match(entry_id):
        problems.append(Problem(path, yamlfile.line_of(node, "id"), f"id '{entry_id}' is not a simple name",
                                "use lower-case letters, digits and underscores, starting with a letter"))
    questions = node.get("questions") or []
    if not isinstance(questions, list) or not all(isinstance(q, str) and q.strip() for q in questions):
        problems.append(Problem(path, yamlfile.line_of(node, "questions"), f"{where}: questions must be a list of text",
                                "write each question on its own line starting with '- '"))
        questions = []
    elif 0 < len(questions) < MIN_QUESTIONS:
        problems.append(Problem(path, yamlfile.line_of(node, "questions"),
                                f"{where} has {len(questions)} example questions; at least {MIN_QUESTIONS} are needed",
                                "add questions the way parents write them: short, long, misspelt, with background"))
    reviewed = node.get("last_reviewed")
    if reviewed not in (None, "") and not isinstance(reviewed, date):
        problems.append(Problem(path, yamlfile.line_of(node, "last_reviewed"), f"{where}: last_reviewed is not a date",
                                "write it as YYYY-MM-DD, for example 2026-11-22"))
        reviewed = None
    links = []
    for index, link in enumerate(node.get("links") or []):
        url = str(link.get("url") or "") if hasattr(link, "get") else ""
        title = str(link.get("title") or "") if hasattr(link, "get") else ""
        if not title or not re.match(r"^https?://[^\s]+$", url):
            problems.append(Problem(path, yamlfile.line_of(node.get("links"), index),
                                    f"{where}: link {index + 1} needs a title and an http(s) address",
                                    "write '- title: ...' and 'url: https://...'"))
            continue
        links.append(Link(title, url))
    related = node.get("related") or []
    if not isinstance(related, list):
        problems.append(Problem(path, yamlfile.line_of(node, "related"), f"{where}: related must be a list of ids",
                                "write related: [other_id, another_id]"))
        related = []
    follow_ups = _parse_follow_ups(node, entry_id, where, path, problems)
    find_service = node.get("find_service") or ""
    if not isinstance(find_service, str) or len(find_service) > FIND_SERVICE_MAX_CHARS:
        problems.append(Problem(path, yamlfile.line_of(node, "find_service"),
                                f"{where}: find_service must be a few words (at most {FIND_SERVICE_MAX_CHARS} characters)",
                                "write what to search for, for example: find_service: speech therapy"))
        find_service = ""
    keywords = node.get("keywords") or []
    if not isinstance(keywords, list) or not all(isinstance(k, str) and 0 < len(k.split()) <= KEYWORD_MAX_WORDS
                                                 for k in keywords):
        problems.append(Problem(path, yamlfile.line_of(node, "keywords"),
                                f"{where}: keywords must be a list of terms of 1 to {KEYWORD_MAX_WORDS} words",
                                "write keywords: [s41, section 41 school]"))
        keywords = []
    under_threes = node.get("under_threes") or ""
    if not isinstance(under_threes, str) or not (under_threes == "" or _ID.match(under_threes)):
        problems.append(Problem(path, yamlfile.line_of(node, "under_threes"), f"{where}: under_threes must be one entry's id",
                                "write under_threes: first_steps_toddler"))
        under_threes = ""
    if any(node.get(key) in (None, "", []) for key in _REQUIRED) or not isinstance(reviewed, date):
        return None
    return Entry(entry_id, _text(node, "title"), topic, tuple(q.strip() for q in questions), _answer(node),
                 tuple(links), _text(node, "source"), reviewed, tuple(str(r) for r in related), path, line,
                 follow_ups, find_service.strip(), tuple(k.strip() for k in keywords), under_threes)


FOLLOW_UP_MAX_WORDS = 15


def _parse_follow_ups(node: Any, entry_id: str, where: str, path: Path, problems: list[Problem]) -> tuple[FollowUp, ...]:
    """`follow_ups:` of an entry: a list of {ask: text or list of texts, answer_with: id, fact: words}."""
    items = node.get("follow_ups")
    if items in (None, "", []):
        return ()
    if not isinstance(items, list):
        problems.append(Problem(path, yamlfile.line_of(node, "follow_ups"), f"{where}: follow_ups must be a list",
                                "write each follow-up as '- ask: ...' with 'answer_with: <entry id>' under it"))
        return ()
    parsed = []
    for index, item in enumerate(items):
        line = yamlfile.line_of(items, index)
        if not hasattr(item, "get"):
            problems.append(Problem(path, line, f"{where}: follow-up {index + 1} must be a mapping",
                                    "write '- ask: what a parent might type' and 'answer_with: <entry id>'"))
            continue
        unknown = sorted(str(k) for k in item.keys() if k not in ("ask", "answer_with", "fact"))
        if unknown:
            problems.append(Problem(path, line, f"{where}: follow-up {index + 1} has unknown field '{unknown[0]}'",
                                    "use only ask, answer_with and fact"))
        asks = item.get("ask")
        asks = [asks] if isinstance(asks, str) else asks
        if not isinstance(asks, list) or not asks or not all(isinstance(a, str) and a.strip() for a in asks):
            problems.append(Problem(path, line, f"{where}: follow-up {index + 1} has no 'ask'",
                                    "write 'ask:' with a phrase a parent might type next, or a list of them"))
            continue
        for ask in asks:
            if len(ask.split()) > FOLLOW_UP_MAX_WORDS:
                problems.append(Problem(path, line, f"{where}: follow-up '{ask}' has {len(ask.split())} words",
                                        f"a follow-up is short (at most {FOLLOW_UP_MAX_WORDS} words): a whole "
                                        "question belongs under 'questions:' of the entry that answers it"))
        target = item.get("answer_with")
        target = entry_id if target in (None, "") else target
        fact = item.get("fact")
        if fact is not None and not (isinstance(fact, str) and fact.strip()):
            problems.append(Problem(path, line, f"{where}: follow-up {index + 1}: fact must be a few words of text",
                                    "copy a few words from the answer that holds the fact, or leave 'fact' out"))
            fact = None
        parsed.append(FollowUp(tuple(" ".join(a.split()) for a in asks), str(target),
                               " ".join(str(fact or "").split()), line))
    return tuple(parsed)


def _parse_file(path: Path, problems: list[Problem]) -> list[Entry]:
    try:
        data = yamlfile.load(path)
    except ContentError as exc:
        problems.extend(exc.problems)
        return []
    if not hasattr(data, "get") or not isinstance(data.get("entries"), list):
        problems.append(Problem(path, 1, "the file needs 'topic:' and a list of 'entries:'",
                                "copy the layout of another file in content/faq/"))
        return []
    topic = _text(data, "topic")
    if not topic:
        problems.append(Problem(path, 1, "the file has no 'topic:'", "add a topic title on the first line"))
    return [e for node in data["entries"] if (e := _parse_entry(node, topic, path, problems))]


def _one_entry_each(entries: list[Entry], what: str, items: Callable[[Entry], Iterable[str]],
                    key: Callable[[str], str], problems: list[Problem], hint: str) -> None:
    """Report an example question or keyword (compared by `key`) that two entries both claim."""
    owner: dict[str, Entry] = {}
    for entry in entries:
        for item in items(entry):
            found = owner.setdefault(key(item), entry)
            if found.id != entry.id:
                problems.append(Problem(entry.path, entry.line, f"{what} '{item}' is in both '{found.id}' and '{entry.id}'",
                                        hint))


def _cross_checks(entries: list[Entry], problems: list[Problem], all_files_read: bool = True) -> None:
    seen: dict[str, Entry] = {}
    for entry in entries:
        if entry.id in seen:
            other = seen[entry.id]
            problems.append(Problem(entry.path, entry.line, f"id '{entry.id}' is also used at {other.path}:{other.line}",
                                    "give each entry its own id"))
        seen[entry.id] = entry
    _one_entry_each(entries, "question", lambda e: e.questions, normalise_question, problems,
                    "keep each example question in one entry only")
    _one_entry_each(entries, "keyword", lambda e: e.keywords, keyword_key, problems,
                    "a keyword names one entry: keep it in the one that answers it")
    if not all_files_read:
        return  # an entry in the unreadable file may be the target: fix that file first
    for entry in entries:
        for target in entry.related:
            if target == entry.id or target not in seen:
                problems.append(Problem(entry.path, entry.line, f"entry '{entry.id}' lists unknown related entry '{target}'",
                                        f"use one of the ids in content/faq, for example '{next(iter(seen))}'"))
        if entry.under_threes and entry.under_threes not in seen:
            problems.append(Problem(entry.path, entry.line, f"entry '{entry.id}': under_threes '{entry.under_threes}' is not an entry",
                                    f"use one of the ids in content/faq, for example '{next(iter(seen))}'"))
        for follow_up in entry.follow_ups:
            target = seen.get(follow_up.target)
            if target is None:
                problems.append(Problem(entry.path, follow_up.line,
                                        f"entry '{entry.id}': follow-up answer_with '{follow_up.target}' is not an entry",
                                        f"use one of the ids in content/faq, for example '{next(iter(seen))}'"))
            elif follow_up.fact and follow_up.fact.lower() not in " ".join(target.answer.split()).lower():
                problems.append(Problem(entry.path, follow_up.line,
                                        f"entry '{entry.id}': fact '{follow_up.fact}' is not in the answer of '{target.id}'",
                                        "copy the words exactly from that answer (any case), or leave 'fact' out"))


def _files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.yml"))


_YES_OR_NO = re.compile(r"(yes|no)\b\s*[.,;:!]", re.IGNORECASE)
"""An answer opening "Yes." or "No," (but "No one ..." or "No later than ..." is fine)."""


def check(directory: Optional[Path] = None, today: Optional[date] = None) -> list[Problem]:
    """Every problem in the content, errors and warnings, each with file, line and a fix."""
    directory = directory or faq_dir()
    today = today or date.today()
    problems: list[Problem] = []
    entries = [e for path in _files(directory) for e in _parse_file(path, problems)]
    if not entries and not problems:
        problems.append(Problem(directory, 1, "no FAQ entries found", "add YAML files to content/faq/"))
    _cross_checks(entries, problems, all_files_read=not any("not valid YAML" in p.message for p in problems))
    for entry in entries:
        if len(entry.title) > TITLE_MAX_CHARS:
            problems.append(Problem(entry.path, entry.line, f"title of '{entry.id}' has {len(entry.title)} characters "
                                    f"(limit {TITLE_MAX_CHARS}): it is shown on a button", "shorten the title"))
        words = len(entry.answer.split())
        if words > ANSWER_WORDS_MAX:
            problems.append(Problem(entry.path, entry.line, f"answer of '{entry.id}' has {words} words (limit {ANSWER_WORDS_MAX})",
                                    "keep the key fact first and move detail to a related entry or a link"))
        elif words > ANSWER_WORDS_WARN:
            problems.append(Problem(entry.path, entry.line, f"answer of '{entry.id}' has {words} words (aim for {ANSWER_WORDS_WARN})",
                                    "shorten it if you can", "warning"))
        opening = _YES_OR_NO.match(entry.answer.lstrip())
        if opening:
            problems.append(Problem(entry.path, entry.line, f"answer of '{entry.id}' opens with '{opening.group(1)}'",
                                    "start with the fact itself: parents ask the same thing both ways round "
                                    "('is a diagnosis needed?', 'now he has a diagnosis, what next?')"))
        if entry.last_reviewed < today - timedelta(days=REVIEW_AFTER_DAYS):
            problems.append(Problem(entry.path, entry.line,
                                    f"'{entry.id}' was last reviewed on {entry.last_reviewed}, over 12 months ago",
                                    "check the answer against its source and update last_reviewed", "warning"))
        if entry.last_reviewed > today:
            problems.append(Problem(entry.path, entry.line, f"'{entry.id}' has a review date in the future",
                                    "use the date you checked it"))
    return problems


def _signature(directory: Path) -> tuple[tuple[str, int], ...]:
    """The name and modification time of each of `_files`, in the same order; read at every message,
    so with os.scandir (0.04 ms against pathlib's 0.09)."""
    with os.scandir(directory) as entries:
        return tuple(sorted((e.name, e.stat().st_mtime_ns) for e in entries if fnmatch.fnmatchcase(e.name, "*.yml")))


@lru_cache(maxsize=4)
def _load_cached(directory: Path, signature: tuple) -> Library:
    problems: list[Problem] = []
    entries = [e for path in _files(directory) for e in _parse_file(path, problems)]
    _cross_checks(entries, problems)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ContentError(errors)
    return Library({e.id: e for e in entries}, {keyword_key(k): e.id for e in entries for k in e.keywords})


_last_good: dict[Path, Library] = {}


def load(directory: Optional[Path] = None, keep_last_good: bool = False) -> Library:
    """The FAQ library, re-read whenever a content file changes (answers go live without retraining).

    With `keep_last_good` (the running assistant), a file saved with a mistake does not stop every
    answer: the last library that loaded keeps answering and the problems are logged, once per
    version of the files. Checks and tools always see the error.
    """
    directory = directory or faq_dir()
    try:
        library = _load_cached(directory, _signature(directory))
    except ContentError as error:
        if not keep_last_good or directory not in _last_good:
            raise
        signature = _signature(directory)
        if _logged_errors.get(directory) != signature:
            _logged_errors[directory] = signature
            logger.error("content/faq has errors; still answering from the last good version:\n%s", error)
        return _last_good[directory]
    _last_good[directory] = library
    return library


_logged_errors: dict[Path, tuple] = {}


def live() -> Library:
    """The library the running assistant answers from: `load` that keeps the last good version."""
    return load(keep_last_good=True)


# Generated training files ------------------------------------------------------------------------

GENERATED_NLU = PROJECT_ROOT / "data" / "nlu" / "faq.yml"
GENERATED_RULES = PROJECT_ROOT / "data" / "rules" / "faq.yml"
GENERATED_DOMAIN = PROJECT_ROOT / "domain" / "faq.yml"


# Forms that a question from the FAQ ends: it is answered as itself, not taken as the form's answer.
# (The volunteer form is not one: there a question is the answer it asks for.)
FORMS_A_QUESTION_ENDS = ("service_search_form",)


def _quote(text: str) -> str:
    return text.replace("\n", " ")


def training_files(library: Library) -> dict[Path, str]:
    """The NLU examples, rules and domain intents that the content implies, as file texts."""
    entries = sorted(library.entries.values(), key=lambda e: e.id)
    nlu = [GENERATED_HEADER, 'version: "3.1"\nnlu:\n']
    for entry in entries:
        nlu.append(f"- intent: {entry.intent}\n  examples: |\n")
        nlu.extend(f"    - {_quote(q)}\n" for q in entry.questions)
    rules = [GENERATED_HEADER, 'version: "3.1"\nrules:\n']
    for entry in entries:
        rules.append(f"- rule: FAQ {entry.id}\n  steps:\n  - intent: {entry.intent}\n  - action: action_answer_faq\n")
    for form in FORMS_A_QUESTION_ENDS:
        for entry in entries:
            # The form's validation fills nothing from a question, so the form steps aside; the
            # question is answered and the form ends (Rasa's unhappy path, data/rules/directory.yml).
            rules.append(f"- rule: FAQ {entry.id} during {form}\n  condition:\n  - active_loop: {form}\n"
                         f"  steps:\n  - intent: {entry.intent}\n  - action: action_answer_faq\n"
                         f"  - action: action_deactivate_loop\n  - active_loop: null\n")
    domain = [GENERATED_HEADER, 'version: "3.1"\nintents:\n']
    domain.extend(f"  - {entry.intent}\n" for entry in entries)
    return {GENERATED_NLU: "".join(nlu), GENERATED_RULES: "".join(rules), GENERATED_DOMAIN: "".join(domain)}


def clashes_with_training_data(library: Library, nlu_dir: Optional[Path] = None) -> list[Problem]:
    """FAQ questions that also appear under another intent in the hand-written NLU files."""
    nlu_dir = nlu_dir or GENERATED_NLU.parent
    elsewhere: dict[str, Path] = {}
    for path in sorted(nlu_dir.glob("*.yml")):
        if path == GENERATED_NLU:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.lstrip().startswith("- ") and not line.lstrip().startswith("- intent:"):
                elsewhere.setdefault(normalise_question(line.lstrip()[2:]), path)
    problems = []
    for entry in library.entries.values():
        for question in entry.questions:
            path = elsewhere.get(normalise_question(question))
            if path:
                problems.append(Problem(entry.path, entry.line,
                                        f"question '{question}' of '{entry.id}' is also a training example in {path.name}",
                                        "remove it from one of the two places"))
    return problems


def stale_training_files(library: Optional[Library] = None) -> list[Path]:
    """Generated files whose text differs from what the content implies now."""
    wanted = training_files(library or load())
    return [path for path, text in wanted.items() if not path.exists() or path.read_text() != text]


def write_training_files(library: Optional[Library] = None) -> list[Path]:
    written = []
    for path, text in training_files(library or load()).items():
        if not path.exists() or path.read_text() != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            written.append(path)
    return written


# Replies -----------------------------------------------------------------------------------------

def reply_text(entry: Entry) -> str:
    """The answer, then where to read more, then its source and review date."""
    parts = [entry.answer]
    if entry.links:
        parts.append("Read more:\n" + "\n".join(f"- {link.title}: {link.url}" for link in entry.links))
    parts.append(f"Source: {entry.source}. Last checked {entry.last_reviewed:%-d %B %Y}.")
    return "\n\n".join(parts)


def buttons_for(entry_ids: Iterable[str], library: Library) -> list[dict[str, str]]:
    """Buttons that open these entries, then one to talk to a person: always a way to go further."""
    buttons = [{"title": library.entries[i].title, "payload": f"/{library.entries[i].intent}"}
               for i in entry_ids if i in library.entries]
    buttons.append(people.handoff_button())
    return buttons


def follow_up_buttons(entry: Entry, library: Library, limit: int = 3,
                      also: Optional[Entry] = None) -> list[dict[str, str]]:
    """An answer's related entries as buttons, then a person; `also`, a second thing the parent
    asked about in the same message, comes first."""
    first = [also.id] if also and also.id != entry.id else []
    buttons = buttons_for(first + [i for i in entry.related if i not in first][:limit], library)
    if entry.find_service:  # the route first (the answer), then local services (issue 18)
        buttons.insert(0, {"title": f"Find {entry.find_service} services",
                           "payload": f"find {entry.find_service} services"})
    return buttons


ALSO_ASKED_START = "You also asked about something else."


def also_asked_text(entry: Entry) -> str:
    """The line that offers the second question of a message that asked two things (its button comes first)."""
    return f"{ALSO_ASKED_START} Choose \"{entry.title}\" below for that answer."


def search_documents(library: Library) -> Iterable[tuple[str, str]]:
    """(entry id, searchable text) pairs: what a plain site search would index."""
    for entry in library.entries.values():
        yield entry.id, f"{entry.title} {entry.answer}"
