"""UK phone numbers as people type them: 07700 900123, (01632) 960444, 07700.900.123, +44 (0) 7700 900123,
0044 7700 900123, 020 7946 0018 ext 12.

A run of digits and separators counts when, read as a UK national number, it has 10 or 11 digits
starting with 0 and ending where a group of digits ends; a longer run is cut there, so a number
followed by "15 days" keeps its "15". Short numbers (999, 111, 0800 1111) are not personal and stay.
"""
from __future__ import annotations

import re
from typing import Iterator

Span = tuple[int, int]

_CANDIDATE = re.compile(
    r"(?<![\w+/])(?P<intl>(?:\+|\b00)\s?44\s?(?:\(0\)\s?)?)?(?P<body>\(?\d(?:[\d.\-()]|[ \t](?=[\d(]))*\d\)?)")
_GROUP = re.compile(r"\d+")
_EXTENSION = re.compile(r"\s*,?\s*(?:ext\.?|extn\.?|extension|x)\s*\d{1,5}\b", re.IGNORECASE)


def _end(body: str, international: bool) -> int:
    """Where the national number ends in body (an offset), or 0 if it is not a UK number."""
    count = 1 if international else 0
    best = 0
    for index, group in enumerate(_GROUP.finditer(body)):
        digits = group.group()
        if index == 0:
            if international:
                digits = digits[1:] if digits.startswith("0") else digits
            elif not digits.startswith("0") or digits == "0":
                return 0
        count += len(digits)
        if count in (10, 11):
            best = group.end()
        if count >= 11:
            break
    return best


def find(text: str) -> Iterator[Span]:
    """Spans of UK phone numbers, with any extension."""
    for match in _CANDIDATE.finditer(text):
        body = match.group("body")
        end = _end(body, bool(match.group("intl")))
        if not end:
            continue
        stop = match.start("body") + end
        extension = _EXTENSION.match(text, stop)
        if extension:
            yield match.start(), extension.end()
        elif not text[stop:stop + 1].isalnum():  # "0123456789abcdef" is an identifier, not a phone number
            yield match.start(), stop
