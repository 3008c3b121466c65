"""Remove personal details from what parents type before it is logged or shown to staff.

Redacted: email addresses, UK phone numbers, NHS numbers, full postcodes (the district, such
as ME7, is kept: it says which part of Medway without identifying a home), dates of birth (a
date is only redacted when the words around it say it is a birth date, because other dates
drive the deadline helper), and names after "my son is called", "my daughter's name is",
"my name is" and the like. Everything else is left alone: SEND words, ages, places and
ordinary dates carry the meaning staff need.
"""
from __future__ import annotations

import logging
import re
from typing import Optional

EMAIL = "[email]"
PHONE = "[phone]"
NHS_NUMBER = "[NHS number]"
BIRTH_DATE = "[date of birth]"
NAME = "[name]"

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_NHS = re.compile(r"\bnhs\s*(?:no\.?|number)?(?:\s+is)?[:\s]*\d{3}[ -]?\d{3}[ -]?\d{4}\b", re.IGNORECASE)
_PHONE = re.compile(r"(?<![\w/])(?:\+44\s?\(?0?\)?\s?\d|0\d)(?:[\s-]?\d){8,9}(?!\d)")
_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b", re.IGNORECASE)
_DATE = (r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?"
         r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+\d{4})")
_BIRTH = re.compile(rf"\b(?:d\.?o\.?b\.?|date of birth|birthday is|born(?: on)?)\s*(?:is|:|was)?\s*{_DATE}", re.IGNORECASE)

# Words that can follow "called" without being a name ("he is called names at school").
_NOT_NAMES = frozenset("""names name stupid horrible nasty weird a an the in into to up out back every all
things him her me them us that this it at by for from on with because when if""".split())
# The cue is matched in any case; a surname only when capitalised, so "Jack and" keeps "and".
_NAME_CUE = re.compile(
    r"\b(?P<cue>(?i:(?:(?:my|our|his|her)\s+(?:son|daughter|child|boy|girl|kid|grandson|granddaughter|"
    r"stepson|stepdaughter|foster (?:son|daughter|child)|twins?)(?:'s name)?\s+(?:is called|is named|called|named|is)"
    r"|(?:my|our) (?:name|child's name|son's name|daughter's name) is|i am called|i'm called|call me)))"
    r"\s+(?P<name>[A-Za-z][a-z'-]+(?:\s+[A-Z][a-z'-]+)?)"
)
# After a bare "my son is", only a capitalised word is a name ("my son is Tom"), and never a word
# describing the child, however it is written ("my child is Deaf", "my son is Autistic").
_IS_ONLY = re.compile(r"\bis$", re.IGNORECASE)
_DESCRIPTIONS = frozenset("""deaf autistic blind disabled dyslexic dyspraxic nonverbal non-verbal epileptic diabetic
adopted fostered home year reception still now very really not struggling ok okay fine happy sad anxious
asd adhd sen send mainstream""".split())


def _name(match: re.Match) -> str:
    cue, name = match.group("cue"), match.group("name")
    first = name.split()[0]
    if first.lower() in _NOT_NAMES:
        return match.group(0)
    if _IS_ONLY.search(cue) and (not first[0].isupper() or first.lower() in _DESCRIPTIONS):
        return match.group(0)
    return f"{cue} {NAME}"


def redact(text: str) -> str:
    """The text with personal details replaced by labels such as [email] or [name]."""
    text = _EMAIL.sub(EMAIL, text)
    text = _BIRTH.sub(BIRTH_DATE, text)
    text = _NHS.sub(NHS_NUMBER, text)
    text = _PHONE.sub(PHONE, text)
    text = _POSTCODE.sub(lambda m: f"{m.group(1).upper()} [postcode]", text)
    return _NAME_CUE.sub(_name, text)


class RedactingFilter(logging.Filter):
    """A logging filter that redacts each record's final message (Rasa's structlog ends in logging too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def install_log_filter(logger: Optional[logging.Logger] = None) -> None:
    """Redact every record that reaches the logger's handlers (the root logger's by default)."""
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
