"""Statutory dates that follow from a date a parent gives ("I asked for an assessment on 3 March").

Rules (see content/faq and docs/reference/send-facts.md):
- EHC needs assessment request received: decision whether to assess within 6 weeks (SEN Regs reg 5),
  notice of no plan within 16 weeks (reg 10), final plan within 20 weeks (reg 13(2)).
- Decision letter: appeal within 2 months of its date, or 1 month after the mediation certificate,
  whichever is later. A deadline ending between 25 December and 1 January moves to the next working day
  in January; one ending in August to the first working day in September (SEN appeals; IPSEA, facts-ehcp R6).
Dates are found in free text by a pattern for the span and parsed by python-dateutil. A message can give
both dates ("the letter is dated 1 October and the certificate 29 November"): the words just before each
date say which it is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable, Optional

from dateutil import parser as date_parser
from dateutil.relativedelta import relativedelta

from bot import redaction

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
    """The first date written in the text that is not a date of birth, or None if there is none.

    A date without a year is taken as the most recent such date (a request "on 3 March" made in
    February means last March). Raises DateProblem for impossible or future dates.
    """
    match = _SPANS.search(redaction.birth_dates_hidden(text))
    return _parse(match, today) if match else None


_CERTIFICATE = re.compile(r"mediat|certificate|\bcert\b", re.IGNORECASE)
_LETTER = re.compile(r"letter|decision|\bplan\b|refus|cease|statement", re.IGNORECASE)


def appeal_dates(text: str, today: date, certificate: bool = False) -> tuple[Optional[date], Optional[date]]:
    """(decision letter, mediation certificate) dates in the text, either None when not given.

    Each date is read by the words since the previous date (at most 60 characters before it): a
    mention of mediation or the certificate makes it the certificate's, of a letter or decision the
    letter's; a date with neither follows the intent (`certificate`). Raises DateProblem as find_date.
    """
    letter = cert = None
    letter_has_year = True
    start = 0
    text = redaction.birth_dates_hidden(text)
    for match in _SPANS.finditer(text):
        before = text[max(start, match.start() - 60):match.start()]
        start = match.end()
        last_cert = max((m.end() for m in _CERTIFICATE.finditer(before)), default=-1)
        last_letter = max((m.end() for m in _LETTER.finditer(before)), default=-1)
        is_cert = last_cert > last_letter if max(last_cert, last_letter) >= 0 else certificate
        day = _parse(match, today)
        if is_cert and cert is None:
            cert = day
        elif not is_cert and letter is None:
            letter, letter_has_year = day, _has_year(match.group(0))
    if letter and cert and cert < letter and not letter_has_year and letter - relativedelta(years=1) <= cert:
        letter -= relativedelta(years=1)  # "letter 1 October, certificate 29 November" written in late November
    return letter, cert


def _has_year(span: str) -> bool:
    return bool(re.search(r"\d{4}|[/.-]\d{2,4}$", span))


def _parse(match: re.Match, today: date) -> date:
    span = match.group(0).lower()
    if span == "today":
        return today
    if span == "yesterday":
        return today - timedelta(days=1)
    has_year = _has_year(span)
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


def _next_working_day(day: date) -> date:
    """`day` or the first weekday after it that is not England's New Year bank holiday (or its substitute)."""
    while True:
        new_year = date(day.year, 1, 1)
        substitute = new_year + timedelta(days=(7 - new_year.weekday()) % 7) if new_year.weekday() >= 5 else new_year
        if day.weekday() < 5 and day not in (new_year, substitute):
            return day
        day += timedelta(days=1)


def tribunal_holiday_move(due: date) -> Optional[date]:
    """The later day an SEN appeal deadline moves to, or None when it does not move.

    A deadline ending on 25 December to 1 January moves to the next working day in January; one ending
    in August to the first working day in September (IPSEA; docs/reference/facts-ehcp.md R6).
    """
    if due.month == 8:
        return _next_working_day(date(due.year, 9, 1))
    if (due.month, due.day) >= (12, 25):
        return _next_working_day(date(due.year + 1, 1, 2))
    if (due.month, due.day) == (1, 1):
        return _next_working_day(date(due.year, 1, 2))
    return None


def _format(day: date) -> str:
    return f"{day:%A %-d %B %Y}"


RULE = ("An appeal must reach the SEND Tribunal within 2 months of the date on the council's decision letter "
        "(not the day it arrived), or 1 month from the date on the mediation certificate, whichever is later.")
HOLIDAYS = ("A deadline that ends between 25 December and 1 January moves to the next working day in January; "
            "one that ends in August moves to the first working day in September.")
LATE = ("If the deadline has passed, the Tribunal can still accept a late appeal in special circumstances, "
        "if it is fair and just: send it with your reasons and get advice from Medway SENDIASS or IPSEA quickly.")
ASK_REQUEST_DATE = ("The council must decide whether to assess within 6 weeks of receiving your request, and send "
                    "the final EHC plan within 20 weeks (or tell you by 16 weeks that it will not issue one).\n"
                    "Tell me the date the council received your request for an EHC needs assessment, for example "
                    "\"I sent the request on 3 March 2026\", and I will work out the dates.")
ASK_LETTER_DATE = (f"{RULE} {HOLIDAYS}\n{LATE}\n"
                   "Tell me the date on the decision letter (or on your mediation certificate), for example "
                   "\"the letter is dated 10 June 2026\", and I will work out your deadline.")


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


INTENTS = ("deadline_assessment", "deadline_appeal", "deadline_mediation")

_ASKS_WHEN = re.compile(r"\b(deadline|appeal by|by when|how long (?:do|have) (?:i|we)|how long have (?:i|we) got|"
                        r"when do (?:i|we) (?:need|have) to|time limit|last day|how long (?:do|does) (?:they|the council|"
                        r"the la|medway) (?:have|get)|when (?:should|will) (?:i|we) hear)\b", re.IGNORECASE)
_ABOUT_AN_APPEAL = re.compile(r"appeal|tribunal|mediat|certificate|refus|won'?t issue|will not issue|not issue|"
                              r"(?:won'?t|will not|not going to|decided not to|not to) (?:assess|do an assessment)|"
                              r"said no|say(?:ing)? no", re.IGNORECASE)
_DATE_OF_A_LETTER = re.compile(r"\b(dated|letter|decision|refus\w*|sent|received|request\w*|certificate|came|"
                               r"applied|wrote|written)\b[^.?!]*$", re.IGNORECASE)
_ABOUT_A_REQUEST = re.compile(r"request|asked for|applied|sent (?:the|our|my|in)|assess", re.IGNORECASE)


def dated_question(text: str) -> Optional[str]:
    """The deadline intent for a message that gives a date and asks when something is due, however
    long ("the letter was dated 3rd October refusing to assess, when is my deadline?"), or None."""
    text = redaction.birth_dates_hidden(text)
    found = _SPANS.search(text)
    if not found or not _ASKS_WHEN.search(text) or not _DATE_OF_A_LETTER.search(text[:found.start()][-60:]):
        return None  # "by 15 February the LA must..." is a rule's date, not the date of the parent's letter
    if _ABOUT_AN_APPEAL.search(text):
        return "deadline_appeal"
    return "deadline_assessment" if _ABOUT_A_REQUEST.search(text) else None


_IN_A_MONTH = re.compile(r"\b(?:in|since|back in|from|early|late|end of|start of|beginning of) " + _MONTH + r"\b|"
                         r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|many) months\b",
                         re.IGNORECASE)
_ASKED_TO_ASSESS = re.compile(r"\b(?:request\w*|asked|applied|appl(?:y|ication)|sent|put in)\b[^.?!]*\b(?:assess\w*|ehc|ehcp|ehcna|"
                              r"statutory|sa)\b|\b(?:assessment|ehcna|ehcp|ehc) (?:request|application)", re.IGNORECASE)
_NO_ANSWER = re.compile(r"\b(?:nothing|no (?:answer|reply|response|word|decision|news|update|letter)|not heard|heard nothing|"
                        r"still waiting|(?:hasnt|has not|havent|have not|not) (?:replied|answered|decided|responded|got back))\b",
                        re.IGNORECASE)
_ELSEWHERE = re.compile(r"appeal|tribunal|mediat|draft|final plan|annual review", re.IGNORECASE)


def waiting_since_a_month(text: str) -> bool:
    """A request for an EHC needs assessment made in a month long gone with no answer yet ("we asked for an
    ehc assessment in may and its now october and nothing"): the council's missed 6 weeks, not the legal test."""
    return bool(_IN_A_MONTH.search(text) and _ASKED_TO_ASSESS.search(text) and _NO_ANSWER.search(text)
                and not _ELSEWHERE.search(text) and not _SPANS.search(redaction.birth_dates_hidden(text)))


_OWN_LATENESS = re.compile(r"\b(?:i|we|ive|weve|i've|we've|id|we'd|i'd|my|our)\b[^.?!]{0,20}?\b(?:missed|(?:was|were) (?:supposed|meant) to|should have|"
                           r"didn'?t (?:get|send|know|realise|realize)|did not (?:get|send|know)|forgot|ran out|run out|"
                           r"out of time|too late|(?:is|was|are|were) late)\b", re.IGNORECASE)
_AN_APPEALS_DEADLINE = re.compile(r"\b(?:deadline|time limit|cut ?off|in time|on time|2 months|two months|by (?:last|yesterday)|"
                                  r"(?:has|had|have) passed|too late|late)\b", re.IGNORECASE)
_OUR_APPEAL = re.compile(r"\b(?:appeal\w*|tribunal|send ?35a?|sendist)\b", re.IGNORECASE)
APPEAL_ENTRIES = ("appeals_tribunal", "tribunal_steps", "appeal_refusal_to_assess", "mediation", "tribunal_order_compliance")
"""The answers a parent's own late appeal is mistaken for: the Tribunal's pages, where "send35" and "tribunal" pull."""


def missed_own_appeal_deadline(text: str) -> bool:
    """A parent who missed her own deadline to appeal ("i was supposed to get the send35 in by last friday but i was
    in hospital"): the late appeal's answer, not the Tribunal's steps."""
    return bool(_OUR_APPEAL.search(text)) and any(_OWN_LATENESS.search(s) and _AN_APPEALS_DEADLINE.search(s)
                                                   for s in re.split(r"[.?!\n]+", text))


def with_earlier_date(text: str, earlier: Iterable[str], today: date) -> str:
    """A question about a deadline with no date of its own ("when is my deadline?") read together with
    the parent's latest earlier message that gave the date of a letter ("LA sent a letter saying they
    will not assess, dated 10 october"); the text unchanged when it has a date or none came before."""
    try:
        if find_date(text, today) is not None:
            return text
    except DateProblem:
        return text
    for said in earlier:
        dated = redaction.birth_dates_hidden(said)
        found = _SPANS.search(dated)
        if found and _DATE_OF_A_LETTER.search(dated[:found.start()][-60:]):
            return f"{said}. {text}"
    return text


def reply_to(intent: str, text: str, today: date) -> str:
    """The reply to one of the deadline INTENTS: the assessment dates, or the appeal deadline (from a
    mediation certificate's date when the intent is deadline_mediation and the words do not say)."""
    if intent == "deadline_assessment":
        return assessment_reply(text, today)
    return appeal_reply(text, today, certificate=intent == "deadline_mediation")


def appeal_reply(text: str, today: date, certificate: bool = False) -> str:
    """The appeal deadline from the decision letter's and/or the mediation certificate's date in `text`.

    `certificate` (the deadline_mediation intent) says whose a date is when the words around it do not.
    """
    try:
        letter, cert = appeal_dates(text, today, certificate)
    except DateProblem as problem:
        return str(problem)
    if letter is None and cert is None:
        return ASK_LETTER_DATE
    lines = []
    by_letter = appeal_deadline(letter).due if letter else None
    by_cert = cert + relativedelta(months=1) if cert else None
    if letter and cert:
        due = appeal_deadline(letter, cert).due
        lines.append(f"2 months from the decision letter dated {_format(letter)} ends on {_format(by_letter)}; "
                     f"1 month from the mediation certificate dated {_format(cert)} ends on {_format(by_cert)}. "
                     "The later date counts.")
    elif cert:
        due = by_cert
        lines.append(f"1 month from the mediation certificate dated {_format(cert)} ends on {_format(due)}. "
                     "If 2 months from the date on the decision letter is later, you have until then instead.")
    else:
        due = by_letter
        lines.append(f"2 months from the decision letter dated {_format(letter)} (the date on the letter, not the "
                     f"day it arrived) ends on {_format(due)}. If you get a mediation certificate, you have until "
                     "1 month after its date if that is later.")
    moved = tribunal_holiday_move(due)
    if moved:
        lines.append("Deadlines that end between 25 December and 1 January move to the next working day in January, "
                     "and those that end in August to the first working day in September.")
        due = moved
    else:
        lines.append(HOLIDAYS)
    if cert and not letter:
        lines.append(f"You have until at least {_format(due)} to get your appeal to the SEND Tribunal.")
    else:
        lines.append(f"Your appeal must reach the SEND Tribunal by {_format(due)}.")
    if due < today:
        lines.append("That date may have passed: the Tribunal can accept late appeals in special circumstances, "
                     "so get advice from Medway SENDIASS or IPSEA quickly.")
    lines.append("You need a mediation certificate first unless the appeal is only about the school named.")
    return "\n".join(lines)
