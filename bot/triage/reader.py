"""Reading a volunteer's file of questions: a CSV export or a plain list, one question a line.

A CSV's question column is the one headed question, message, text, body, post or content (any
case); without such a header, the first column. A row that cannot be read (binary data, empty,
far too long, broken quoting) is reported with its number and the reason, never dropped silently.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from bot.errors import MedwayError
from bot.input_checks import MAX_MESSAGE_CHARS, clean

QUESTION_HEADERS = ("question", "questions", "message", "text", "body", "post", "content", "query")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))  # not tab, newline, return
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")


@dataclass(frozen=True)
class Question:
    row: int
    text: str


@dataclass(frozen=True)
class Unreadable:
    row: int
    reason: str


class TriageFileError(MedwayError):
    """The file as a whole cannot be read (missing, not text at all)."""


def _decode(data: bytes, path: Path) -> str:
    control = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if data and control > len(data) * 0.1:
        raise TriageFileError(f"{path}: this is not a text or CSV file (it is mostly binary data)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Line by line: a few mangled lines must not cost the volunteer the whole file.
    lines = []
    for line in data.split(b"\n"):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(line.decode("cp1252", errors="replace"))
    return "\n".join(lines).lstrip("\ufeff")


def _check(row: int, raw: str) -> Question | Unreadable:
    bad = len(_BINARY.findall(raw))
    if bad > 2 or (bad and bad > len(raw) / 20):
        return Unreadable(row, "binary or corrupted data, not text")
    text = clean(raw)
    if not text:
        return Unreadable(row, "empty")
    if len(text) > MAX_MESSAGE_CHARS:
        return Unreadable(row, f"longer than {MAX_MESSAGE_CHARS:,} characters (split it into separate questions)")
    return Question(row, " ".join(text.split()))


def _csv_rows(text: str) -> tuple[list[Question], list[Unreadable]]:
    questions: list[Question] = []
    problems: list[Unreadable] = []
    reader = csv.reader(io.StringIO(text.replace("\x00", "\ufffd"), newline=""))
    column = 0
    try:
        first = next(reader)
    except StopIteration:
        return questions, problems
    headers = [h.strip().lower() for h in first]
    named = [i for i, h in enumerate(headers) if h in QUESTION_HEADERS]
    if named:
        column = named[0]
    else:
        found = _check(1, first[0] if first else "")
        (questions if isinstance(found, Question) else problems).append(found)
    while True:
        row = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Unreadable(row, f"broken CSV row: {exc}"))
            continue
        if not fields:
            continue  # a blank line between rows
        if column >= len(fields):
            problems.append(Unreadable(row, f"no '{headers[column]}' column in this row"))
            continue
        found = _check(row, fields[column])
        (questions if isinstance(found, Question) else problems).append(found)
    return questions, problems


def _lines(text: str) -> tuple[list[Question], list[Unreadable]]:
    questions: list[Question] = []
    problems: list[Unreadable] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue  # blank lines separate questions in a plain list
        found = _check(number, line)
        (questions if isinstance(found, Question) else problems).append(found)
    return questions, problems


def read(path: Path) -> tuple[list[Question], list[Unreadable]]:
    """The questions in the file, with their row (CSV) or line number, and the rows that could not be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TriageFileError(f"{path}: cannot read the file ({exc.strerror})") from exc
    text = _decode(data, path)
    return _csv_rows(text) if path.suffix.lower() == ".csv" else _lines(text)
