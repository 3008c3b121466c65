"""What the assistant sends for an FAQ answer, a follow-up, a fallback or an out-of-scope message.

The actions (actions/faq.py, actions/fallback.py) pass in what the tracker holds: the message,
the model's ranking, the `last_entry` slot and the events; they get back the messages to send
and the entry now being talked about. Context (bot/followups.py) and repeats (bot/repeats.py)
are decided here, once, for every caller.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Optional

from bot import content, deadlines, distress, fallback, followups, glossary, named_topics, repeats, turns
from bot.content import Entry, Library
from bot.directory.conversation import only_age, only_place
from bot.reading import about_an_under_three, describes_the_child
from bot.repeats import FEEDBACK_KEY

SEND_GENERAL_MIN = 0.2
SEND_GENERAL_SHORT = 3
"""A weak guess that a message of a few words tells something about the child ("the form", 0.14) is not
thanked for: it is not understood."""
SEND_GENERAL_LEAD = 0.15
SEND_GENERAL_LEAD_RATIO = 1.4
"""A message of more than a few words read as a general SEND remark is answered outright by the entry the
model ranks next when that entry has at least SEND_GENERAL_LEAD and SEND_GENERAL_LEAD_RATIO times the next
entry's confidence ("school keep putting my son in the corridor when he gets upset": removal from class 0.34
against 0.03; "i think he has adhd": the assessments 0.20 against 0.12, then 0.19 against 0.13 after the
merges of 2026-12-01, so 1.5 became 1.4). Set by hand on the scripted conversations and 46 remarks of the
play23 helper's own: no tuning, dev, select or held-out question is read as a general remark. An answer that opens with emergency routes is never given on such a guess ("he hates
school": the children's mental health services 0.18)."""
_EMERGENCY_OPENING = "If anyone is in immediate danger"


@dataclass
class Message:
    text: str = ""
    buttons: list[dict[str, str]] = field(default_factory=list)
    custom: Optional[dict[str, Any]] = None


@dataclass
class Outcome:
    messages: list[Message]
    entry: Optional[str] = None
    """The FAQ entry this reply was about: the conversation's topic from now on (None: unchanged)."""
    response: Optional[str] = None
    """A fixed reply from the domain to send instead of `messages` (utter_out_of_scope)."""


@dataclass(frozen=True)
class Parse:
    """The parts of Rasa's parse data a reply depends on."""
    text: str
    intent: Optional[str]
    confidence: float
    ranking: tuple[dict[str, Any], ...] = ()
    model_intent: Optional[str] = None
    """The model's own top intent, before the FallbackClassifier or the safety guard replaced it."""

    @classmethod
    def of(cls, message: dict[str, Any]) -> "Parse":
        intent = message.get("intent") or {}
        ranking = tuple(r for r in message.get("intent_ranking") or [] if r.get("name") != "nlu_fallback")
        top = ranking[0] if ranking else {}
        return cls(str(message.get("text") or ""), intent.get("name"), float(intent.get("confidence") or 0.0),
                   ranking, top.get("name") or intent.get("name"))

    @property
    def model_confidence(self) -> float:
        return float(self.ranking[0].get("confidence") or 0.0) if self.ranking else self.confidence


def _entry_messages(entry: Entry, library: Library, text: str, also: Optional[Entry] = None) -> list[Message]:
    buttons = content.follow_up_buttons(entry, library, also=also)
    return [Message(text, buttons), Message(custom={FEEDBACK_KEY: entry.id})]


def answer(entry: Entry, library: Library, events: Iterable[dict[str, Any]] = (),
           also: Optional[Entry] = None) -> Outcome:
    """An entry's answer; if the previous turn gave the same entry, a short notice instead."""
    text = content.reply_text(entry)
    if also and also.id != entry.id:
        text += "\n\n" + content.also_asked_text(also)
    times = repeats.times_in_a_row(list(events), entry=entry.id, text=text)
    if times:
        return Outcome(_entry_messages(entry, library, repeats.same_answer_text(entry.title, times)), entry.id)
    return Outcome(_entry_messages(entry, library, text, also), entry.id)


_SECOND_PART = re.compile(
    r"\b(?:second|other|2nd|next) (?:bit|part|question|thing|half)\b|"
    r"\b(?:didn'?t|did not|haven'?t|have not|never) answer(?:ed)? (?:my |the )?(?:second|other|2nd|rest)\b|"
    r"\bwhat about the (?:rest|other)\b", re.IGNORECASE)
"""A parent pointing back at the part of their message the answer left out."""
_MISSED_PART = re.compile(r"\b(?:my|the) (?:second|other|2nd) question\b|"
                          r"\b(?:didn'?t|did not|haven'?t|have not|never) answer", re.IGNORECASE)
"""Said without an offer of the other question before it: the parent says a question went unanswered."""

MISSED_PART_TEXT = ("I may have answered only part of your message. Could you type the other question again, "
                    "on its own?")


def second_part(parse: Parse, library: Library, events: Iterable[dict[str, Any]] = ()) -> Optional[Outcome]:
    """"What about the second bit?" after an answer that offered the other question as a button:
    that answer; without such an offer, a request to ask it again (None: not such a message)."""
    if parse.text.startswith("/") or not _SECOND_PART.search(parse.text):
        return None
    for event in turns.turn_before(events):
        if event.get("event") == "bot" and content.ALSO_ASKED_START in str(event.get("text") or ""):
            payload = str(((event.get("data") or {}).get("buttons") or [{}])[0].get("payload") or "")
            entry = library.by_intent(payload.lstrip("/"))
            if entry is not None:
                return answer(entry, library, events)
    if not _MISSED_PART.search(parse.text):
        return None
    return Outcome([Message(MISSED_PART_TEXT, fallback.reply("", []).buttons)])


def _a_new_question(events: list[dict[str, Any]], entry: Entry, library: Library) -> bool:
    """The parent's message says a different `ask:` of the entry than the message before it: a new question
    (which the same part of the answer may answer), not the same one again wanting more."""
    said = [str(e.get("text") or "") for e in events if e.get("event") == "user"]
    if len(said) < 2:
        return False
    now = followups.nearest_own_ask(said[-1], entry, library)
    return now is not None and now != followups.nearest_own_ask(said[-2], entry, library)


def follow_up(reading: followups.Reading, last_entry: str, library: Library,
              events: Iterable[dict[str, Any]] = ()) -> Outcome:
    """A follow-up read in context: another entry's answer, or the part of this one it asks about."""
    events = list(events)
    target = library.entries[reading.target]
    if reading.target != last_entry and not reading.fact:
        return answer(target, library, events)
    text = followups.fact_text(target, reading.fact) if reading.fact else followups.no_more_text(target)
    times = repeats.times_in_a_row(events, text=text)
    if times and reading.fact and _a_new_question(events, target, library):  # "can i get a tutor" after "whose duty"
        text = followups.same_part_text(target, reading.fact)
    elif times:  # what the answer says next, or its pages; the notice only when it has neither
        text = followups.again_text(target, reading.fact) or repeats.same_answer_text(target.title, times)
    return Outcome([Message(text, content.follow_up_buttons(target, library))], target.id)


def defined(parse: Parse, library: Library, events: Iterable[dict[str, Any]] = ()) -> Optional[Outcome]:
    """"Whats a senco": the short definition (content/glossary.yml), with the full answer as a button;
    asked again straight after, None (the full answer). None: not a message that only asks a meaning."""
    term = glossary.load().lookup(parse.text)
    if term is None or term.more not in library.entries:
        return None
    text = glossary.reply_text(term)
    if repeats.times_in_a_row(list(events), text=text):
        return None
    entry = library.entries[term.more]
    return Outcome([Message(text, content.buttons_for([entry.id, *entry.related[:2]], library))], entry.id)


def pointed_elsewhere(parse: Parse, last_entry: Optional[str], library: Library,
                      events: Iterable[dict[str, Any]] = ()) -> Optional[Outcome]:
    """Messages answered the same way whatever the model guessed: "and my other question?", a request
    about the answer itself ("is that the law?", "write me a letter"), a term's meaning ("whats a senco").
    None: none of these."""
    events = list(events)
    return second_part(parse, library, events) or about_the_answer(parse, last_entry, library, events) \
        or defined(parse, library, events)


def faq(parse: Parse, last_entry: Optional[str], library: Library, events: Iterable[dict[str, Any]] = (),
        other_question: Optional[str] = None) -> Outcome:
    """The reply to an FAQ intent: read in context when it looks like a follow-up the model is weak on."""
    events = list(events)
    pointed = pointed_elsewhere(parse, last_entry, library, events)
    if pointed:
        return pointed
    entry = library.by_intent(parse.intent)
    reading = followups.reread(parse.text, parse.ranking, last_entry, library, parse.intent, parse.confidence)
    if reading and (entry is None or reading.target != entry.id or reading.target == last_entry):
        return follow_up(reading, str(last_entry), library, events)
    if entry is None:
        return Outcome([], response="utter_default")
    if not last_entry and followups.needs_context(parse.text, parse.confidence):
        return not_understood(parse, last_entry, library, None, events)
    if entry.under_threes and about_an_under_three(parse.text):
        entry = library.entries[entry.under_threes]
    if entry.id == last_entry and not other_question and not repeats.asked_in_the_same_words(events) \
            and repeats.times_in_a_row(events, entry=entry.id, text=content.reply_text(entry)):
        part = followups.part_asked(parse.text, entry, library)  # "do we lose the plan if we home educate"
        if part:
            return follow_up(followups.Reading(entry.id, parse.confidence, parse.confidence, 0.0, part), entry.id,
                             library, events)
    return answer(entry, library, events, also=library.by_intent(other_question))


def _as_follow_up(parse: Parse, last_entry: Optional[str], library: Library,
                  events: list[dict[str, Any]], general: bool = False) -> Optional[Outcome]:
    """A message without an answer of its own, read against the answer before it (None: it is not a
    follow-up to it); the model's own top intent and confidence, before any fallback replaced them.
    `general`: the model is sure only that it is a general SEND remark, which has no answer of its own,
    so it is read as an unsure guess ("the closer one cant cope with his autism though" after the
    nearest-school transport answer matches that answer's ask phrase)."""
    confidence = 0.0 if general else parse.model_confidence
    reading = followups.reread(parse.text, parse.ranking, last_entry, library, parse.model_intent, confidence)
    return follow_up(reading, str(last_entry), library, events) if reading else None


def deadline_in_context(parse: Parse, last_entry: Optional[str], library: Library,
                        events: Iterable[dict[str, Any]] = ()) -> Optional[Outcome]:
    """A "when" question that gives no date, read against the answer before it: "when do we get the
    decision" after the Tribunal answer is about the Tribunal, not the EHC time limits. None: not a
    follow-up to it (or a date is given), so the statutory dates as usual."""
    if parse.text.startswith("/") or not last_entry:
        return None
    try:
        if deadlines.find_date(parse.text, date.today()) is not None:
            return None
    except deadlines.DateProblem:
        return None
    return _as_follow_up(parse, last_entry, library, list(events))


DISTRESS_GUESS_MIN = 0.05
"""A message of distress alone ("i'm not ok") is answered with the model's first FAQ guess from this
confidence (the acknowledgement comes first): "not sure" would leave a struggling person with a menu."""


def distressed_guess(parse: Parse, library: Library) -> Optional[Entry]:
    """The entry to answer a message of distress the model cannot place, or None (not distress, or no fair guess)."""
    if parse.text.startswith("/") or not distress.load().heard(parse.text):
        return None
    for item in parse.ranking:
        entry = library.by_intent(item.get("name"))
        if entry is not None:
            return entry if float(item.get("confidence") or 0.0) >= DISTRESS_GUESS_MIN else None
    return None


def placed(parse: Parse, last_entry: Optional[str], library: Library) -> Optional[Outcome]:
    """The offer of a search near a Medway place, for a message that gives only the place (None: it says more)."""
    place = only_place(parse.text)
    if place is None:
        return None
    entry = library.entries.get(last_entry or "")
    reply = fallback.place_reply(place, entry.find_service if entry else "")
    return Outcome([Message(reply.text, reply.buttons)])


def not_understood(parse: Parse, last_entry: Optional[str], library: Library, issue: Optional[str],
                   events: Iterable[dict[str, Any]] = ()) -> Outcome:
    """The fallback: first a follow-up read in context, then "not sure" with guesses and the menu;
    the same "not sure" twice in a row becomes a plainer offer of a person."""
    events = list(events)
    pointed = None if issue else pointed_elsewhere(parse, last_entry, library, events)
    if pointed:
        return pointed
    age = None if issue else only_age(parse.text)
    if age is not None:  # "12" after an answer: nothing was asked
        reply = fallback.age_reply(age)
        return Outcome([Message(reply.text, reply.buttons)])
    place = None if issue else placed(parse, last_entry, library)
    if place is not None:  # "we live in Rainham" after an answer: a search near there
        return place
    named = None if issue else named_answer(parse, last_entry, library, events)
    if named:  # "the school want my son to go to a PRU": the entry it names, not "not sure"
        return named
    in_context = None if issue else _as_follow_up(parse, last_entry, library, events)
    if in_context:
        return in_context
    if not issue and turns.ran(events, "action_safeguarding"):  # "i just need a break from it"
        reply = fallback.after_crisis_reply(parse.ranking)
        return Outcome([Message(reply.text, reply.buttons)])
    guess = None if issue else distressed_guess(parse, library)
    if guess is not None:  # "i'm not ok": a kind word and the answer it most likely needs, not "not sure"
        return answer(guess, library, events)
    reply = fallback.reply(issue, parse.ranking)
    times = repeats.times_in_a_row(events, text=reply.text)
    text = repeats.same_reply_text(times) if times else reply.text
    buttons = reply.buttons
    if times:  # a person first, then the rest of the menu
        buttons = sorted(buttons, key=lambda b: b["payload"] not in ("/human_handoff", "/leave_question"))
    return Outcome([Message(text, buttons)])


def unsure_in_context(parse: Parse, last_entry: Optional[str], library: Library,
                      events: Iterable[dict[str, Any]] = (), even_if_sure: bool = False) -> Optional[Outcome]:
    """A weak guess at "talk to a person" or "thanks" after an answer is first read as a follow-up to
    it: "they just ring me up and say come and get him" after the exclusions answer is about
    exclusions, not a request for a phone call; "ok and if that doesn't work" after SEN support asks
    the next step, it is not thanks. `even_if_sure`: read it so whatever the model's confidence ("do I
    have to do it?" read as "cancel"). None: answer the intent (a button, a sure guess, or no follow-up
    reading)."""
    if parse.text.startswith("/") or (parse.model_confidence >= followups.UNSURE and not even_if_sure):
        return None
    return _as_follow_up(parse, last_entry, library, list(events))


def close_to_an_ask(parse: Parse, last_entry: Optional[str], library: Library) -> bool:
    """One of the last answer's `ask:` phrases says the message closely ("can i get my own" after the
    independent EP answer): a follow-up, however sure the model is of "help" or "talk to a person"."""
    entry = library.entries.get(last_entry or "")
    return entry is not None and not parse.text.startswith("/") and any(
        r.phrase >= followups.CLOSE_PHRASE for r in followups.score(parse.text, (), entry, library))


def handoff_in_context(parse: Parse, last_entry: Optional[str], library: Library,
                       events: Iterable[dict[str, Any]] = ()) -> Optional[Outcome]:
    """"Talk to a person" read as a follow-up first: when the guess is weak, when it asks who to write
    to, or when it points back to the answer in words close to one of its follow-ups ("how do i contact
    them" after the SENCO answer wants the SENCO, not the advice services). None: the list of people."""
    detail = followups.asks_for_detail(parse.text, library)
    entry = library.entries.get(last_entry or "")
    sure_anyway = (bool(detail) and detail.name == "write") or (
        entry is not None and followups.points_back_to_an_ask(parse.text, entry, library)) \
        or close_to_an_ask(parse, last_entry, library)
    return unsure_in_context(parse, last_entry, library, events, even_if_sure=sure_anyway)


def checking(parse: Parse, last_entry: Optional[str], library: Library) -> Optional[Outcome]:
    """"Is that right?" or "really?" after an answer: what the answer rests on (None: not such a
    message, or no answer before it)."""
    entry = library.entries.get(last_entry or "")
    if entry is None or not followups.checks_the_answer(parse.text):
        return None
    return Outcome([Message(followups.checked_text(entry), content.follow_up_buttons(entry, library))], entry.id)


def _steps_part(entry: Entry, library: Library) -> str:
    steps = next(d for d in followups.DETAILS if d.name == "steps")
    return followups.detail_part("what can i do", steps, entry, library)


def about_the_answer(parse: Parse, last_entry: Optional[str], library: Library,
                     events: Iterable[dict[str, Any]] = ()) -> Optional[Outcome]:
    """Requests about the answer itself, whatever the model guessed: "is that the law?" or "where
    does it say that?" (what it rests on and where to read it), "write me a letter" or "what do I say
    to them" (what to put in it; the assistant writes no letters), "can you send me that" (it sends
    nothing). None: not such a message."""
    text = parse.text
    if text.startswith("/"):
        return None
    entry = library.entries.get(last_entry or "")
    if entry is not None and followups.asks_for_the_law(text):
        readings = followups.score(text, parse.ranking, entry, library)
        own = max((r.phrase for r in readings if r.target == entry.id), default=0.0)
        if readings and (readings[0].phrase >= followups.STRONG_PHRASE or own >= followups.OWN_ASK_OVER_DETAIL):
            return None  # the answer's own follow-up ("is that legal?" after exclusions: only two kinds are lawful)
        detail = followups.asks_for_detail(text, library)  # "is that allowed": the sentence that says so, if any
        part = followups.detail_part(text, detail, entry, library) if detail and detail.name == "allowed" else ""
        reply = followups.fact_text(entry, part) if part else followups.law_text(entry)
    elif followups.asks_to_write(text):
        if entry is None and parse.confidence >= followups.SURE and library.by_intent(parse.intent):
            return None  # "our annual review is tomorrow, what should i say": the answer about it, not a letter
        reply = followups.write_text(entry, _steps_part(entry, library) if entry else "")
    elif followups.asks_to_send(text):
        reply = followups.send_text(entry)
    else:
        return None
    if repeats.times_in_a_row(list(events), text=reply):  # "where does it say that" after "is that the law"
        reply = (f"As in my answer just above: the answer about \"{entry.title}\" rests on {entry.source}."
                 if entry else repeats.same_reply_text(1, "the one just above"))
    buttons = content.follow_up_buttons(entry, library) if entry else fallback.reply("", []).buttons
    return Outcome([Message(reply, buttons)], entry.id if entry else None)


def send_general(parse: Parse, last_entry: Optional[str], library: Library,
                 events: Iterable[dict[str, Any]] = ()) -> Outcome:
    """A SEND message without a detailed answer ("and how long till i hear"): after an answer it is
    first read as a follow-up to it; otherwise the answers it may be about, or the general SEND reply
    (utter_send_general)."""
    pointed = pointed_elsewhere(parse, last_entry, library, events) or named_answer(parse, last_entry, library, events)
    if pointed:
        return pointed
    in_context = _as_follow_up(parse, last_entry, library, list(events), general=True)
    if in_context:
        return in_context
    told = about_the_child(parse, last_entry, library)
    if told:
        return told
    if parse.confidence < SEND_GENERAL_MIN and len(followups.words(parse.text)) <= SEND_GENERAL_SHORT:
        return not_understood(parse, last_entry, library, None, events)  # "the form": nothing was told
    lead = leading_entry(parse, library)
    if lead is not None:
        return answer(lead, library, events)
    guesses = fallback.general_reply(parse.ranking)
    return Outcome([Message(guesses.text, guesses.buttons)]) if guesses else Outcome([], response="utter_send_general")


def about_the_child(parse: Parse, last_entry: Optional[str], library: Library) -> Optional[Outcome]:
    """Something about the child and no question, after an answer ("she is 12 and has cerebral palsy" after
    short breaks): thanks, and the answer's own next steps, not "I can't answer that in detail" (None: not such
    a message, or no answer before it)."""
    entry = library.entries.get(last_entry or "")
    if entry is None or not describes_the_child(parse.text):
        return None
    text = (f"Thank you for telling me. What would you like to know about \"{entry.title}\" for your child? "
            "Ask in your own words, or choose below.")
    return Outcome([Message(text, content.follow_up_buttons(entry, library))])


def leading_entry(parse: Parse, library: Library) -> Optional[Entry]:
    """The entry a general SEND remark is clearly about: the model's best FAQ guess when it is strong enough
    and well ahead of the next one (None: offer the guesses instead)."""
    guesses = [(str(r.get("name")), float(r.get("confidence") or 0.0)) for r in parse.ranking
               if str(r.get("name") or "").startswith(content.INTENT_PREFIX)]
    if len(followups.words(parse.text)) <= SEND_GENERAL_SHORT or not guesses or guesses[0][1] < SEND_GENERAL_LEAD:
        return None
    if len(guesses) > 1 and guesses[0][1] < SEND_GENERAL_LEAD_RATIO * guesses[1][1]:
        return None
    entry = library.by_intent(guesses[0][0])
    return None if entry is None or entry.answer.lstrip().startswith(_EMERGENCY_OPENING) else entry


_AFTER_YEAR_11 = re.compile(r"\bafter (?:year|yr|y) ?11\b|\bwhen (?:he|she|they) (?:finish(?:es)?|leaves?) "
                            r"(?:year|yr|y) ?11\b", re.IGNORECASE)
_ABOUT_THE_MOVE_ITSELF = re.compile(r"\b(?:deadline|31 march|15 feb\w*|transfer|amend\w*|name[ds]?|naming|"
                                    r"consult\w*|review|by when|date)\b", re.IGNORECASE)


_THREATENED_EXCLUSION = re.compile(
    r"\b(?:threat\w*|warn\w*|(?:will|would|going to|gonna|might|may|could|about to) (?:\w+ )?(?:be )?"
    r"(?:permanently |perm )?exclud\w*|at risk of (?:a )?(?:permanent )?exclusion|if (?:it|he|she|this|that) "
    r"happens again|one more (?:incident|time|chance))\b", re.IGNORECASE)
_EXCLUDED_ALREADY = re.compile(r"\b(?:has|have|had|was|were|got|been) (?:\w+ )?(?:permanently )?excluded\b|"
                               r"\b(?:pex|exclusion) letter\b|\bgovernors\b", re.IGNORECASE)
"""A permanent exclusion threatened ("the head says they will permanently exclude him if it happens again"), not
yet made: what a school may and may not do and what to ask for now, not the governors' review after one."""


_WHOSE_JOB = re.compile(r"\b(?:do|must|should) (?:i|we|parents?) (?:have to|need to|still )?|\b(?:is it|its|it's) (?:my|our|the "
                        r"parents?'?) (?:job|responsibility)|\bwhose (?:job|responsibility)|\bwho is (?:responsible|meant)|"
                        r"\b(?:am i|are we|are parents) (?:responsible|expected)", re.IGNORECASE)
_GETTING_THERE = re.compile(r"\b(?:drop(?:ping)? (?:\w+ )?off|take (?:him|her|them|my \w+) to school|"
                            r"to and from school|get(?:ting)? (?:him|her|them|my \w+) to (?:and from )?school)\b", re.IGNORECASE)
_NOT_TRAVEL = re.compile(r"\b(?:early|sent home|send (?:him|her|them) home|ring|rang|call(?:ed|s)?|phone\w*|lunch\w*|"
                         r"dinner ?time|refus\w*|won'?t|wont|anxi\w*|scared|fine[ds]?|attend\w*)\b", re.IGNORECASE)
"""A parent asking whether getting the child to school is theirs to do ("do I have to drop off and collect them
from school"): the free transport rules, which start from the parents' responsibility; not being sent home,
nor a child who will not go."""


def named_topic(parse: Parse, library: Library) -> Optional[Entry]:
    """The entry a message names in its own words (content/named_topics.yml) when the model reads it as
    something else (None: none, or the model's best FAQ guess already answers it)."""
    intents = (parse.intent, *(str(r.get("name") or "") for r in parse.ranking))
    guess = next((i[len(content.INTENT_PREFIX):] for i in intents if i and i.startswith(content.INTENT_PREFIX)), None)
    entry_id = named_topics.load().entry_for(parse.text, guess)
    return library.entries.get(entry_id) if entry_id else None


def named_answer(parse: Parse, last_entry: Optional[str], library: Library,
                 events: Iterable[dict[str, Any]] = ()) -> Optional[Outcome]:
    """The answer of the entry a general remark or an unplaced message names in its own words (None: it names
    none, or the entry just answered, which reads the message as a follow-up instead)."""
    entry = named_topic(parse, library)
    if entry is None or entry.id == last_entry:
        return None
    return answer(entry, library, events)


def read_instead(parse: Parse, library: Library) -> Optional[Entry]:
    """The entry a message belongs to when the model reads it as a neighbour: "what happens after year 11"
    for a child with a plan gets the options after Year 11, not the phase-transfer deadlines; a request for
    an assessment made months ago with no answer yet gets the missed deadline, not the legal test; a
    parent's own appeal sent too late gets the missed appeal deadline, not the Tribunal's steps. None: read
    as the model reads it."""
    guess = library.by_intent(parse.intent)
    if guess is None or parse.text.startswith("/"):
        return None
    named = named_topic(parse, library)
    if named is not None and named.id != guess.id:
        return named
    if (guess.id == "phase_transfer" and _AFTER_YEAR_11.search(parse.text)
            and not _ABOUT_THE_MOVE_ITSELF.search(parse.text)):
        return library.entries.get("post16_options")
    if (guess.id != "school_transport" and _WHOSE_JOB.search(parse.text) and _GETTING_THERE.search(parse.text)
            and not _NOT_TRAVEL.search(parse.text)):
        return library.entries.get("school_transport")
    if (guess.id == "exclusion_challenge" and _THREATENED_EXCLUSION.search(parse.text)
            and not _EXCLUDED_ALREADY.search(parse.text)):
        return library.entries.get("exclusions")
    if deadlines.waiting_since_a_month(parse.text):
        return library.entries.get("ehcp_deadline_missed")
    if guess.id in deadlines.APPEAL_ENTRIES and deadlines.missed_own_appeal_deadline(parse.text):
        return library.entries.get("appeal_deadline_missed")
    return None


def out_of_scope(parse: Parse, last_entry: Optional[str], library: Library, scope_text: str,
                 events: Iterable[dict[str, Any]] = ()) -> Outcome:
    """"Only SEND" for a message plainly about something else; in a SEND conversation, anything
    less plain is read as a follow-up, or gets the ordinary "not sure" reply, as does a message
    that tells of distress ("I hate school, no one helps me" is never "only SEND")."""
    events = list(events)
    about = about_the_answer(parse, last_entry, library, events) or defined(parse, library, events)
    if about:  # "can i get help finding a job": the short answer on help into work, not "only SEND"
        return about
    place = placed(parse, last_entry, library)
    if place is not None:  # "we live in Rainham" is no question about another council service
        return place
    if (followups.plainly_out_of_scope(parse.text, parse.confidence, last_entry, library)
            and not distress.load().heard(parse.text)):
        times = repeats.times_in_a_row(events, text=scope_text)
        if times:
            return Outcome([Message(repeats.same_reply_text(times, repeats.ONLY_SEND_GIST),
                                    fallback.reply("", []).buttons)])
        return Outcome([], response="utter_out_of_scope")
    return not_understood(parse, last_entry, library, None, events)
