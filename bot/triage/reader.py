"""Reading a volunteer's file of questions: a CSV export or a plain list, one question a line.

A CSV's question column is the one headed question, message, text, body, post or content (any
case); without such a header, the first column. A row that cannot be read (binary data, empty,
far too long, broken quoting) is reported with its number and the reason, never dropped silently.
CSV rows are numbered as a spreadsheet shows them (a cell of several lines is one row); a quote
that is never closed is reported on its row, and reading starts again on the next line. UTF-8,
Windows-1252 and UTF-16 (Excel's "Unicode text") files are read.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Union

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


def _utf16(data: bytes) -> str | None:
    """The codec when the bytes are UTF-16: a byte order mark, or ASCII-range text with every other byte zero."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    pairs = len(data) // 2
    if pairs < 2 or len(data) % 2:
        return None
    odd_zeros, even_zeros = data[1::2].count(0), data[0::2].count(0)
    if odd_zeros > pairs * 0.6 and even_zeros < pairs * 0.1:
        return "utf-16-le"
    if even_zeros > pairs * 0.6 and odd_zeros < pairs * 0.1:
        return "utf-16-be"
    return None


def _decode(data: bytes, path: Path) -> str:
    codec = _utf16(data)
    if codec:
        try:
            return data.decode(codec).lstrip("\ufeff")
        except UnicodeDecodeError as exc:
            raise TriageFileError(f"{path}: this UTF-16 file is damaged at byte {exc.start:,}; "
                                  "save it again, as CSV UTF-8 if you can") from None
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


@contextmanager
def _field_limit(size: int) -> Iterator[None]:
    """Let the csv module read a cell of `size` characters (its default stops at 131,072)."""
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, size + 1))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _broken(exc: csv.Error) -> str:
    message = str(exc)
    if "unexpected end of data" in message:
        return "a quote opens in this row and is never closed (the rows after it are read on their own)"
    if "expected after" in message:
        return "broken quoting: text after a closing quote (a quote inside a cell is written twice: \"\")"
    return f"broken CSV row: {message}"


def _records(text: str) -> list[tuple[int, Union[list[str], Unreadable]]]:
    """Each record with its row number, or an Unreadable for a record whose quoting is broken.

    A stray quote within one line ('"Help" said my son') is read as the csv module always read it;
    broken quoting across lines is reported, and reading starts again on the line after the one
    the record began on, so one stray quote costs one row, not the rest of the file.
    """
    lines = list(io.StringIO(text.replace("\x00", "\ufffd"), newline=""))
    records: list[tuple[int, Union[list[str], Unreadable]]] = []
    start = 0
    with _field_limit(len(text)):
        while start < len(lines):
            reader = csv.reader(lines[start:], strict=True)
            begun = start
            try:
                for fields in reader:
                    records.append((len(records) + 1, fields))
                    begun = start + reader.line_num
                break
            except csv.Error as exc:
                row = len(records) + 1
                one_line = start + reader.line_num == begun + 1 and "expected after" in str(exc)
                records.append((row, next(csv.reader(lines[begun:begun + 1])) if one_line else Unreadable(row, _broken(exc))))
                start = begun + 1
    return records


def _csv_rows(text: str) -> tuple[list[Question], list[Unreadable]]:
    questions: list[Question] = []
    problems: list[Unreadable] = []
    records = _records(text)
    if not records:
        return questions, problems
    column, headers = 0, []
    first = records[0][1]
    if isinstance(first, list):
        headers = [h.strip().lower() for h in first]
    named = [i for i, h in enumerate(headers) if h in QUESTION_HEADERS]
    if named:
        column, records = named[0], records[1:]
    for row, fields in records:
        if isinstance(fields, Unreadable):
            problems.append(fields)
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
