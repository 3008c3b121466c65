"""Remove personal details from what parents type before it is logged, stored or shown to staff.

Redacted: email addresses; UK phone numbers in any format (`bot.phone_numbers`); NHS numbers
(after the word NHS, or any 10-digit number that passes the NHS modulus-11 check); full postcodes
(the district, such as ME7, is kept: it says which part of Medway without identifying a home);
street addresses ("14 Maple Avenue", "Flat 2", "we live on Bush Road"); dates of birth (a date
only when the words before it say it is a birth date, because other dates drive the deadline
helper); people's names and a school named beside them (`bot.names`). Everything else is left
alone: SEND words, ages, towns and ordinary dates carry the meaning staff need.
"""
from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from typing import Iterable, Iterator

from bot import names, phone_numbers

EMAIL = "[email]"
PHONE = "[phone]"
NHS_NUMBER = "[NHS number]"
BIRTH_DATE = "[date of birth]"
NAME = "[name]"
SCHOOL = "[school]"
ADDRESS = "[address]"
POSTCODE = "[postcode]"

Span = tuple[int, int]

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_TEN_DIGITS = r"\d{3}[ -]?\d{3}[ -]?\d{4}"
_NHS_CUED = re.compile(rf"(?i:\bnhs\b(?:\s*(?:no\.?|number|num|#))?(?:\s+is)?[\s:.-]*)(?P<number>{_TEN_DIGITS})(?!\d)")
_NHS_BARE = re.compile(rf"(?<![\w+])(?P<number>{_TEN_DIGITS})(?!\w)")
_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(?!\d(?:st|nd|rd|th)\b)(\d[A-Z]{2})\b", re.IGNORECASE)

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (rf"(?:\d{{4}}[/.-]\d{{1,2}}[/.-]\d{{1,2}}|\d{{1,2}}[/.-]\d{{1,2}}(?:[/.-]\d{{2,4}})?"
         rf"|(?:the\s+)?{_DAY}(?:\s+of)?\s+{_MONTH}(?:,?\s+\d{{4}}|\s+\d{{2}}\b)?"
         rf"|{_MONTH}\s+{_DAY}(?:,?\s+\d{{4}})?|{_MONTH}\s+\d{{4}})")
_BIRTH = re.compile(
    rf"(?i:\b(?:d\.?o\.?b\b\.?|date\s+of\s+birth|birth\s*date|born(?:\s+(?:in|at)\s+[A-Z][\w'’-]*)?|birthday|b'day)"
    rf"[\s:=,(–-]*(?:(?:is|was|on|in)\b[\s:=,–-]*)*)(?P<date>{_DATE})(?![\w/])", re.IGNORECASE)

_STREET_TYPE = (r"(?:road|rd|street|avenue|ave|lane|close|drive|way|crescent|gardens|place|court|grove|terrace|hill|"
                r"rise|walk|mews|square|row|view|green|parade|approach|causeway|vale|meadows?|wharf|yard|gate|fields)")
_NOT_STREET = (r"(?:and|the|a|an|or|to|in|at|on|of|for|is|are|was|he|she|it|we|my|his|her|our|minutes?|mins?|hours?|hrs?|days?|"
               r"weeks?|months?|years?|miles?|times?|km|metres?|school|hospital|bus|car|year)")
_STREET_WORD = rf"(?!{_NOT_STREET}\b)[A-Za-z][\w'’-]*"
_ADDRESS = re.compile(
    rf"(?i:\b(?:(?:flat|apartment|unit)\s+\d+[a-z]?,?\s+)?\d{{1,4}}[a-z]?,?\s+(?:the\s+)?"
    rf"(?:{_STREET_WORD}\s+){{0,3}}(?:{_STREET_TYPE}|(?<=\s)st\b(?<!\d\sst)))\b")
_FLAT = re.compile(r"(?i:\b(?:flat|apartment)\s+\d+[a-z]?)\b")
_LIVE_ON = re.compile(
    rf"(?i:\b(?:live|living|lives|moved|move)\s+(?:on|in|at|to)\s+)"
    rf"(?P<street>(?:[A-Z][\w'’-]*\s+){{1,3}}(?i:{_STREET_TYPE}))\b")


def nhs_number_is_valid(digits: str) -> bool:
    """Whether ten digits pass the NHS number's modulus-11 check."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * weight for d, weight in zip(digits, range(10, 1, -1)))
    check = 11 - total % 11
    return (0 if check == 11 else check) == int(digits[9])


def _spans(pattern: re.Pattern, text: str, group: int | str = 0) -> Iterator[Span]:
    for match in pattern.finditer(text):
        yield match.span(group)


def _bare_nhs(text: str) -> Iterator[Span]:
    for match in _NHS_BARE.finditer(text):
        if nhs_number_is_valid(re.sub(r"\D", "", match.group("number"))):
            yield match.span("number")


def _addresses(text: str) -> Iterator[Span]:
    yield from _spans(_ADDRESS, text)
    yield from _spans(_FLAT, text)
    yield from _spans(_LIVE_ON, text, "street")


def _replace(text: str, spans: Iterable[Span], label: str) -> str:
    """The text with each span replaced by label."""
    return _relabel(text, ((start, end, label) for start, end in spans))


def _relabel(text: str, labelled: Iterable[tuple[int, int, str]]) -> str:
    """The text with each (start, end, label) replaced; of spans that overlap, the first is kept."""
    pieces, last = [], 0
    for start, end, label in sorted(set(labelled), key=lambda item: (item[0], -item[1])):
        if start < last:
            continue
        pieces += [text[last:start], label]
        last = end
    return "".join(pieces) + text[last:]


def _postcode(match: re.Match) -> str:
    return f"{match.group(1).upper()} {POSTCODE}"


CLEAN_KEPT = 4096
"""Texts known to hold no personal details, remembered so that they are not read again: mostly the
assistant's own answers, which every turn's save redacts (about 0.7 ms each against a dictionary look-up).
Only texts that redaction leaves unchanged are kept: memory holds nothing the tracker store does not."""
_clean: "OrderedDict[str, None]" = OrderedDict()
_clean_lock = threading.Lock()


def redact(text: str) -> str:
    """The text with personal details replaced by labels such as [email], [phone] or [name]."""
    with _clean_lock:
        if text in _clean:
            _clean.move_to_end(text)
            return text
    redacted = _redact(text)
    if redacted == text:
        with _clean_lock:
            _clean[text] = None
            if len(_clean) > CLEAN_KEPT:
                _clean.popitem(last=False)
    return redacted


def birth_dates_hidden(text: str) -> str:
    """The text with each date of birth replaced by its label and every other date kept: the deadline
    helper must not read "dob 03/04/2016" as the date a request was sent."""
    return _replace(text, _spans(_BIRTH, text, "date"), BIRTH_DATE)


def _redact(text: str) -> str:
    text = _EMAIL.sub(EMAIL, text)
    text = _replace(text, _spans(_NHS_CUED, text, "number"), NHS_NUMBER)
    text = _replace(text, _spans(_BIRTH, text, "date"), BIRTH_DATE)
    text = _replace(text, phone_numbers.find(text), PHONE)
    text = _replace(text, _bare_nhs(text), NHS_NUMBER)
    text = _POSTCODE.sub(_postcode, text)
    text = _replace(text, _addresses(text), ADDRESS)
    people, schools = names.find(text)
    return _relabel(text, [*((s, e, NAME) for s, e in people), *((s, e, SCHOOL) for s, e in schools)])


_LABEL = re.compile(r"\[[^\]]*\]")


def words_left(text: str) -> set[str]:
    """The lower-case words of the text that survive redaction (the labels' own words excluded)."""
    return set(re.findall(r"[^\W_]+", _LABEL.sub(" ", redact(text)).lower()))


class RedactingFilter(logging.Filter):
    """A logging filter that redacts each record's final message (Rasa's structlog ends in logging too).
    logging.yml puts it on the console handler of the Rasa server and the action server."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True

