"""Statutory dates that follow from a date a parent gives ("I asked for an assessment on 3 March").

Rules (see content/faq and docs/reference/send-facts.md):
- EHC needs assessment request received: decision whether to assess within 6 weeks (SEN Regs reg 5),
  notice of no plan within 16 weeks (reg 10), final plan within 20 weeks (reg 13(2)).
- Decision letter: appeal within 2 months of its date, or 1 month after the mediation certificate,
  whichever is later.
Dates are found in free text by a pattern for the span and parsed by python-dateutil.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Optional

from dateutil import parser as date_parser
from dateutil.relativedelta import relativedelta

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_SPANS = re.compile(
    rf"\b(\d{{1,2}}[/.-]\d{{1,2}}(?:[/.-]\d{{2,4}})?"                                   # 10/06/2025, 3.3
    rf"|\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH}(?:,?\s+\d{{4}})?"                  # 3rd of March 2025
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"                            # March 3rd, 2025
    rf"|\d{{4}}-\d{{2}}-\d{{2}})\b"                                                      # 2025-06-10
    r"|\b(today|yesterday)\b",
    re.IGNORECASE,
)

CAVEAT = ("These are the latest dates the law allows; there are a few exceptions (for example if your "
          "child is away for 4 weeks or more). Time runs from when the council received your request, "
          "so keep proof of when you sent it.")


class DateProblem(ValueError):
    """A date the parent gave that cannot be used, with the reason in plain words."""


@dataclass(frozen=True)
class Deadline:
    what: str
    due: date
    rule: str


def find_date(text: str, today: date) -> Optional[date]:
    """The first date written in the text, or None if there is none.

    A date without a year is taken as the most recent such date (a request "on 3 March" made in
    February means last March). Raises DateProblem for impossible or future dates.
    """
    match = _SPANS.search(text)
    if not match:
        return None
    span = match.group(0).lower()
    if span == "today":
        return today
    if span == "yesterday":
        return today - timedelta(days=1)
    has_year = bool(re.search(r"\d{4}|[/.-]\d{2,4}$", span))
    try:
        parsed = date_parser.parse(re.sub(r"\bof\b", "", span), dayfirst=True,
                                   default=datetime(today.year, 1, 1)).date()
    except (ValueError, OverflowError) as exc:
        raise DateProblem(f"I couldn't read '{match.group(0)}' as a date. Could you write it like 3 March 2026?") from exc
    if not has_year and parsed > today:
        parsed = parsed - relativedelta(years=1)
    if parsed > today:
        raise DateProblem(f"{parsed:%-d %B %Y} is in the future. Which date did it actually happen?")
    if parsed < today - relativedelta(years=5):
        raise DateProblem(f"{parsed:%-d %B %Y} is more than 5 years ago, so these time limits will have passed. "
                          "Medway SENDIASS can advise on what you can do now.")
    return parsed


def assessment_deadlines(received: date) -> list[Deadline]:
    return [
        Deadline("decision on whether to assess", received + timedelta(weeks=6), "SEN Regulations 2014, reg 5"),
        Deadline("if they assess but will not issue a plan, they must tell you by", received + timedelta(weeks=16),
                 "SEN Regulations 2014, reg 10"),
        Deadline("final EHC plan, if one is issued", received + timedelta(weeks=20), "SEN Regulations 2014, reg 13(2)"),
    ]


def appeal_deadline(decision_letter: date, mediation_certificate: Optional[date] = None) -> Deadline:
    """2 months from the decision letter, or 1 month from the mediation certificate, whichever is later."""
    by_letter = decision_letter + relativedelta(months=2)
    if mediation_certificate and mediation_certificate + relativedelta(months=1) > by_letter:
        return Deadline("appeal to the SEND Tribunal", mediation_certificate + relativedelta(months=1),
                        "1 month after the mediation certificate")
    return Deadline("appeal to the SEND Tribunal", by_letter, "2 months after the date on the decision letter")


def _format(day: date) -> str:
    return f"{day:%A %-d %B %Y}"


ASK_REQUEST_DATE = ("Tell me the date the council received your request for an EHC needs assessment, for example "
                    "\"I sent the request on 3 March 2026\", and I will work out the dates.")
ASK_LETTER_DATE = ("Tell me the date on the decision letter (or on your mediation certificate), for example "
                   "\"the letter is dated 10 June 2026\", and I will work out the appeal deadline.")


def _date_or_reply(text: str, today: date, ask: str) -> tuple[Optional[date], str]:
    """The date in the message, or else the reply to send instead: a question, or why the date won't do."""
    try:
        given = find_date(text, today)
    except DateProblem as problem:
        return None, str(problem)
    return (given, "") if given else (None, ask)


def assessment_reply(text: str, today: date) -> str:
    received, reply = _date_or_reply(text, today, ASK_REQUEST_DATE)
    if received is None:
        return reply
    lines = [f"If the council received your request on {_format(received)}:"]
    for deadline in assessment_deadlines(received):
        passed = " (this date has passed)" if deadline.due < today else ""
        lines.append(f"- {deadline.what}: {_format(deadline.due)}{passed}")
    return "\n".join(lines + ["", CAVEAT])


def appeal_reply(text: str, today: date, certificate: bool = False) -> str:
    given, reply = _date_or_reply(text, today, ASK_LETTER_DATE)
    if given is None:
        return reply
    if certificate:
        due = given + relativedelta(months=1)
        lines = [f"With a mediation certificate dated {_format(given)}, you can appeal until at least {_format(due)}.",
                 "If 2 months from the date on the decision letter is later, you have until then instead."]
    else:
        due = appeal_deadline(given).due
        lines = [f"With a decision letter dated {_format(given)}, the appeal must reach the SEND Tribunal by "
                 f"{_format(due)}.",
                 "If you get a mediation certificate, you have until 1 month after its date if that is later."]
    if due < today:
        lines.append("That date may have passed: the Tribunal can accept late appeals in special circumstances, "
                     "so get advice from Medway SENDIASS or IPSEA quickly.")
    lines.append("Deadlines are extended over Christmas and August. You need a mediation certificate first unless "
                 "the appeal is only about the school named.")
    return "\n".join(lines)
