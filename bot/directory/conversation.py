"""What the assistant says in a directory search: Rasa-free, so tests and other channels share it.

The form's slots hold plain strings: a need list ("autism,parent_groups"), an age ("7"), a
place ("Gillingham"), ANY when the parent skipped the question, or a string starting with "?"
naming why an answer could not be used (shown to the parent, then the question is asked again).
"""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any, Iterable, Optional

from sqlalchemy.engine import Engine

from bot import people, redaction, safety
from bot.directory import cards, clean, search
from bot.directory.query import STOPWORDS, Understood, is_skip, parse_place, understand
from bot.directory.vocabulary import cached
from bot.redaction import words_left

ANY = "any"
PAGE_SIZE = 4
SLOTS = ("service_need", "child_age", "service_area")

# Each is followed by the question itself (the form asks it again), so none asks it a second time.
PROBLEMS = {
    "?age_out_of_range": "That age doesn't look right: services here are for children and young people "
                         "from birth to 25.",
    "?age": "Sorry, I didn't catch an age.",
    "?outside_medway": "That postcode is outside Medway, and this directory covers Medway only "
                       "(ME1 to ME5, ME7, ME8 and the Hoo Peninsula).",
    "?place": "Sorry, I don't know that place.",
    "?need": "Sorry, I didn't recognise that kind of help.",
    "?more": "There are no results to show more of yet: I need a little more before I search.",
    "?change": "Sorry, I didn't catch what to change.",
    "?cost": "Each service in the results will say what it costs. If you only want free ones, say free only.",
    "?why_service_need": "I ask what kind of help you are looking for so I can show services that offer it.",
    "?why_child_age": "I ask your child's age so I only show services that take children of that age.",
    "?why_service_area": "I ask where in Medway you are so I can show the services nearest you first.",
}


# What the search's age and place questions read from a message, and the problem that says a value was given but
# cannot be used ("300" is an age, out of range).
_GIVEN = {"child_age": ("age", "age_out_of_range"), "service_area": ("place", "outside_medway")}


def slot_value(slot: str, understood: Understood, text: str, requested: bool) -> dict[str, Any]:
    """The slot values one message gives; when the slot was asked for, an answer or a reason it was not one."""
    if requested and is_skip(text):
        return {slot: ANY}
    if slot == "service_need":
        if understood.needs:
            return {slot: ",".join(understood.needs), "service_keywords": " ".join(understood.keywords) or None,
                    "service_free": understood.free_only or None}
        if requested and understood.keywords:
            return {slot: ANY, "service_keywords": " ".join(understood.keywords)}
        return {slot: "?need"} if requested else {}
    field, problem = _GIVEN[slot]
    if getattr(understood, field) is not None:
        return {slot: str(getattr(understood, field))}
    if problem in understood.problems:
        return {slot: f"?{problem}"}
    return {slot: f"?{field}"} if requested else {}


def _understood(text: str, requested_slot: Optional[str]) -> Understood:
    """What a cleaned message says about the search, without the words that name a child or a school."""
    understood = understand(text, bare_number_is_age=requested_slot == "child_age",
                            misspelt_place=requested_slot == "service_area")
    if understood.keywords:  # a child's name or school is no search word, and must not be kept in a slot
        kept = words_left(text)
        understood = replace(understood, keywords=tuple(w for w in understood.keywords if w in kept))
    return understood


# "Anywhere" says where, whichever question it answers.
_ANYWHERE = re.compile(r"^\W*(?:anywhere|any ?where in medway|all of medway|the whole of medway|any area|any town)"
                       r"(?:\W+(?:really|please|thanks|is fine|is ok|at all|i don'?t mind))*\W*$")
# A question about cost before there are results ("how much do they cost?").
_COST = re.compile(r"\b(?:cost|costs|price|prices|charge|charges|how much|expensive|cheap|cheaper|cheapest|afford|pay)\b")



_WHY = re.compile(r"^\W*(?:(?:sorry|ok|but|so)\W+)?(?:what do (?:you|u) mean|what does that mean|what are you asking(?: me)?|"
                  r"why(?: do (?:you|u) (?:need|want|ask)(?: to know| that| this| for that| me that)?| does (?:it|that) matter)?|"
                  r"i don'?t (?:understand|get it|get what you mean|know what you mean)|what(?: is| s|'s) that for|what\?*|"
                  r"huh|eh|pardon|sorry)\W*$")


def asks_why(text: str) -> bool:
    """"What do you mean?", "why do you need to know?" while the search asks a question: it is explained, and asked
    again, and the search carries on."""
    return bool(_WHY.match((clean.text(text) or "").lower()))


def _about_cost(text: str) -> bool:
    """Whether a message only asks about cost ("how much do they cost", "cheap ones"), nothing else
    ("do i have to pay for an assessment" is a question of its own)."""
    lowered = text.lower()
    return bool(_COST.search(lowered)) and all(_COST.fullmatch(w) or w == "much" for w in understand(lowered).keywords)


def read_message(text: str, requested_slot: Optional[str]) -> dict[str, Any]:
    """Every search slot one message fills (a bare number counts as an age only when we asked for it)."""
    text = clean.text(text) or ""  # markup is never a search word
    if _ANYWHERE.match(text.lower()):
        return {"service_area": ANY}  # "anywhere" when asked the age: the place, and the age asked again
    understood = _understood(text, requested_slot)
    values: dict[str, Any] = {}
    for slot in SLOTS:
        values.update(slot_value(slot, understood, text, requested_slot == slot))
    if understood.free_only:
        values["service_free"] = True
    others = [s for s in SLOTS if s != requested_slot and s in values and not str(values[s]).startswith("?")]
    if understood.free_only and requested_slot != "service_need":
        others.append("service_free")  # "is it free?" when asked the age: free only, and the age asked again
    if others and values.get(requested_slot) in _NOTHING_GIVEN:
        del values[requested_slot]  # "in Strood" when asked the age: the place is kept, the age asked again
    elif values.get(requested_slot) in _NOTHING_GIVEN and _only_search_words(text):
        values[requested_slot] = ASK_AGAIN  # "find a service": nothing wrong to explain
    elif values.get(requested_slot) in _NOTHING_GIVEN and _about_cost(text):
        values[requested_slot] = "?cost"  # "how much do they cost?": each result will say
    return values


# An answer that gave nothing for the question asked ("?age_out_of_range" says something about it).
_NOTHING_GIVEN = ("?age", "?place", "?need")


def answer_values(text: str, requested_slot: str, need: Optional[str]) -> dict[str, Any]:
    """The slots a message typed while the search asks for `requested_slot` fills.

    "Show more" before any results is no answer ("?more" explains). A kind of help named beside the
    answer asked for ("he's 11 and uses a wheelchair" when asked the age) describes the child: the
    `need` already asked for stays. Named alone ("actually it's autism"), it changes the need."""
    if is_more_request(text):
        return {requested_slot: "?more"}
    if asks_why(text) and requested_slot in SLOTS:
        return {requested_slot: f"?why_{requested_slot}"}
    values = read_message(text, requested_slot)
    answer = values.get(requested_slot)
    if (requested_slot != "service_need" and need and need != ANY and "service_need" in values
            and answer is not None and not str(answer).startswith("?")):
        for slot in ("service_need", "service_keywords"):
            values.pop(slot, None)
        if values.get("service_free") is None:
            values.pop("service_free", None)
    return values


def _piece(slot: str, value: Any) -> Optional[str]:
    """One search value in a few words ("near Chatham", "age 7"), or None when it says nothing."""
    if value is None or (isinstance(value, str) and value.startswith("?")):
        return None
    if slot == "service_area":
        return "anywhere in Medway" if value == ANY else f"near {value}"
    if slot == "child_age":
        return "any age" if value == ANY else f"age {value}"
    if slot == "service_free":
        return "free services only" if value else None
    if slot == "service_need":
        return "any kind of help" if value == ANY else query_from({"service_need": value}).what()
    return None


def acknowledgement(text: str, requested_slot: Optional[str], before: dict[str, Any], after: dict[str, Any]) -> Optional[str]:
    """What to say after an answer typed while the search asks for `requested_slot`: "Near Chatham,
    thanks." when it filled the search but not the question (which then comes once, not word for word
    again), or that the need asked for was kept when another was named beside the answer. None: nothing."""
    if requested_slot not in SLOTS:
        return None
    named = read_message(text, requested_slot).get("service_need") if requested_slot != "service_need" else None
    need = before.get("service_need")
    if (named and not named.startswith("?") and need not in (None, ANY) and after.get("service_need") == need
            and not set(named.split(",")) <= set(need.split(","))):
        return f"I've kept the search to what you asked for: {_piece('service_need', need)}."
    if after.get(requested_slot) is not None:
        return None
    pieces = [_piece(slot, after.get(slot)) for slot in (*SLOTS, "service_free")
              if slot != requested_slot and after.get(slot) != before.get(slot)]
    said = ", ".join(p for p in pieces if p)
    if said == _piece("service_free", True):
        return "I'll look for free services only."  # "is it free?" is a wish, not a fact to thank for
    return f"{said[0].upper()}{said[1:]}, thanks." if said else None


_MORE = re.compile(r"^\W*(?:/?(?:directory_more|show_more)|(?:can you |could you |please |pls )?(?:show|see|give|get|load)"
                   r"(?: me| us)?(?: some| any)? more(?: results| services| options| please| pls)*|"
                   r"(?:any |some )?more(?: results| services| options)?(?: please| pls)?|next(?: page| results)?)\W*$")


def is_more_request(text: str) -> bool:
    """"Show more", "more please", the Show more button: more results."""
    return bool(_MORE.match((clean.text(text) or "").lower()))
def names_search_terms(text: str) -> bool:
    """Whether a message names a kind of help, an age or a place (what a search is made of)."""
    understood = _understood(clean.text(text) or "", None)
    return bool(understood.needs) or understood.age is not None or understood.place is not None


# A message with nothing in it for the search: the question is asked again without "Sorry, I didn't ...".
ASK_AGAIN = "?again"
_WORDS = re.compile(r"[a-z']+|\d+")


def _only_search_words(text: str) -> bool:
    """Words, all of them the everyday words of a search ("find a service for my child")."""
    words = _WORDS.findall(text.lower())
    return bool(words) and all(w in STOPWORDS for w in words)


# Leaving the search ---------------------------------------------------------------------------------
# While the search waits for an answer, a parent may ask something else, thank, say goodbye, ask for
# a person or start again. Such a message is not an answer: the form's validation fills nothing, the
# form steps aside, and the rules in data/rules/directory.yml (and the generated FAQ rules) answer it
# and end the search. What decides is what the text gives (an age, a town, a kind of help, "skip")
# together with the model's intent, never the intent alone: the model reads "she is 9" as
# safeguarding and "Chatham" as out of scope, and both are plain answers.

# Intents that are something other than an answer to the search's question (faq_* and deadline_*
# too). Any other intent but a greeting (find_service, acknowledge, nlu_fallback ...) is taken as an
# attempt at an answer, explained and asked again when it gives nothing usable.
LEAVING_INTENTS = frozenset({
    "thanks", "goodbye", "restart", "human_handoff", "safeguarding", "out_of_scope", "bot_challenge", "help",
    "ask_send_general", "leave_question", "directory_change", "feedback_helpful", "feedback_not_helpful", "stop",
})
LEAVING_PREFIXES = ("faq_", "deadline_")
# A greeting is answered and the search carries on: the form steps aside, Rasa's general rule
# greets, and the form asks its question again.
ASIDE_INTENTS = frozenset({"greet"})
# Words an answer may carry besides the answer itself ("thanks, she's 9", "in Chatham please").
MAX_EXTRA_WORDS = 2
_QUESTION = re.compile(r"\?|^\W*(how|what|whats|what's|when|where|why|who|whose|which|can|could|is|are|do|does|did|"
                       r"will|would|should|shall|may|am|have|has|tell me)\b")


def is_leaving_intent(intent: Optional[str]) -> bool:
    return bool(intent) and (intent in LEAVING_INTENTS or intent.startswith(LEAVING_PREFIXES))


def _gives(slot: str, understood: Understood) -> bool:
    """Whether the message says something about `slot`, usable or not ("300" is an age, out of range)."""
    if slot == "service_need":
        return bool(understood.needs)
    field, problem = _GIVEN[slot]
    return getattr(understood, field) is not None or problem in understood.problems


def answers_question(text: str, intent: Optional[str], requested_slot: Optional[str]) -> bool:
    """Whether a message typed while the search asks for `requested_slot` is an answer to it.

    False means the parent said something else (a question, thanks, goodbye, a worry): the search
    lets go and the message is answered as itself. A safeguarding pattern always lets go.
    """
    if requested_slot is None:
        return True
    text = clean.text(text) or ""
    if is_more_request(text) or intent == "directory_more":
        return True  # "Show more" before any results: explained, and the question asked once
    if text.lstrip().startswith("/"):
        return intent == "find_service"  # "Find a service" again: the question is asked again
    if not text.strip() or safety.match(text):
        return False  # a risk is never an answer
    if requested_slot == CHANGE_SLOT:
        return (_change_part(text) is not None or bool(refinement(text))
                or not is_leaving_intent(intent) and intent not in ASIDE_INTENTS
                or any(_gives(slot, understand(text)) for slot in SLOTS))
    if is_skip(text) or (_about_cost(text) or asks_why(text)) and requested_slot in SLOTS:
        return True  # "how much do they cost?", "why do you need to know?" are explained, and the question asked again
    if not is_leaving_intent(intent) and intent not in ASIDE_INTENTS:
        return True
    understood = understand(text, bare_number_is_age=requested_slot == "child_age",
                            misspelt_place=requested_slot == "service_area")
    extra = len(understood.keywords)
    lowered = text.lower()
    question = bool(_QUESTION.search(lowered)) and not _CHANGE_QUESTION.search(lowered)  # "what about Hoo?" answers
    if understood.free_only and not understood.keywords and not understood.needs:
        return True  # "is it free": free only, said back and the question asked again, whatever the model guessed
    if _gives(requested_slot, understood):
        if intent == "safeguarding":
            return extra == 0  # only a bare answer ("she is 9") overrides the model's worry
        return extra == 0 or (extra <= MAX_EXTRA_WORDS and not question)
    if any(_gives(slot, understood) for slot in SLOTS):
        # An answer to another of the search's questions ("in Strood" when asked the age), not a
        # question about it ("what are short breaks?").
        return not question and extra <= (0 if intent == "safeguarding" else MAX_EXTRA_WORDS)
    # The model puts words it does not know under out_of_scope: a word or two that is not a question
    # ("swimming", "Maidstone") is a try at an answer, explained and asked again.
    return intent == "out_of_scope" and not question and 0 < extra <= MAX_EXTRA_WORDS + 1


# Changing the search just shown ------------------------------------------------------------------
# After the results, parents narrow them in a few words: "free if possible", "what about Strood?",
# "she's 12 actually". The model reads such words as out of scope or as a general remark; the
# actions that answer those (actions/fallback.py) ask `refinement` first and search again.

_QUESTION_START = re.compile(_QUESTION.pattern.removeprefix(r"\?|"))
"""A message that opens as a question ("free ones?" is a change; "is transport free" is a question)."""
_CHANGE_QUESTION = re.compile(r"^\W*(?:and |so |ok |okay )?(?:what about|how about|any|anything|is there|are there|"
                              r"are any|have you got|got any|(?:can|could) (?:we|you|i) (?:try|do|look|search|check)|"
                              r"try)\b")
_NOT_ONLY_FREE = re.compile(r"\b(?:not|doesn'?t have to be|does not have to be|don'?t need to be|needn'?t be)\s+"
                            r"(?:\w+\s+)?free\b|\bfree or (?:not|paid)\b|\bpaid (?:is|ones are) (?:fine|ok)\b|"
                            r"^\W*any (?:cost|price)\W*$|\b(?:include|including|and|or) paid\b")


_INSTEAD = re.compile(r"\b(?:instead|rather|actually)\b")


# The words around an age when a message gives nothing else.
_AGE_WORDS = frozenset(
    "he she they hes shes he's she's they're theyre is are was my our son daughter child boy girl kid ds dd "
    "in yo years year yrs yr y o old aged age actually just only nearly almost turned turning now please oh sorry "
    "twelve eleven ten nine eight seven six five four three two one thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())
_DURATION = re.compile(r"\b(?:months?|weeks?|days?|hours?|minutes?|mins?|term|terms)\b")


def only_age(text: str) -> Optional[int]:
    """The age a message gives when it gives nothing else ("12", "he's 12", "she is 15 years old"), or
    None. "12 months" is a length of time, not an age; "12 in Strood" or "12 with autism" says more."""
    cleaned = (clean.text(text) or "").lower()
    if not cleaned.strip() or cleaned.lstrip().startswith("/") or _DURATION.search(cleaned):
        return None
    if any(word not in _AGE_WORDS for word in re.findall(r"[a-z][a-z']*", cleaned.replace("\u2019", "'"))):
        return None
    understood = understand(cleaned, bare_number_is_age=True)
    return None if understood.problems else understood.age


_PLACE_WORDS = frozenset(
    "we i im i'm we're were are am live living lives based in near at from around the area of just only now "
    "actually sorry oh ok okay yes yeah well so and our my town is it's its please".split())


def only_place(text: str) -> Optional[str]:
    """The Medway place a message gives when it gives nothing else ("we live in Rainham", "ME7", "in
    chatham"), or None. "Rainham Mark Grammar" or "moving to Strood" says more."""
    cleaned = (clean.text(text) or "").lower().replace("\u2019", "'")
    if not cleaned.strip() or cleaned.lstrip().startswith("/"):
        return None
    place, problem, spans = parse_place(cleaned, cached())
    if place is None or problem:
        return None
    remaining = list(cleaned)
    for start, end in spans:
        remaining[start:end] = " " * (end - start)
    return place.name if all(w in _PLACE_WORDS for w in re.findall(r"[a-z][a-z']*", "".join(remaining))) else None


def is_change(text: str) -> bool:
    """Whether a message asks to change the search ("can we try Rochester instead?"), not about a result
    ("the Rochester one?")."""
    lowered = (clean.text(text) or "").lower().replace("\u2019", "'")
    return bool(refinement(text)) and bool(_CHANGE_QUESTION.search(lowered) or _INSTEAD.search(lowered))


def refinement(text: str) -> dict[str, Any]:
    """The search slots a message typed after the results changes (a kind of help, an age, a place,
    free only or not), or nothing when it is not a change to the search: a question about something
    else ("can my 12 year old get an ehcp?"), a risk, a button, or more than a couple of other words."""
    text = clean.text(text) or ""
    if not text.strip() or text.lstrip().startswith("/") or safety.match(text):
        return {}
    lowered = text.lower().replace("\u2019", "'")
    if _QUESTION_START.search(lowered) and not _CHANGE_QUESTION.search(lowered):
        return {}
    understood = _understood(text, None)
    if len(understood.keywords) > MAX_EXTRA_WORDS:
        return {}
    changes: dict[str, Any] = {}
    if understood.needs:
        changes.update(service_need=",".join(understood.needs), service_keywords=" ".join(understood.keywords) or None)
    if understood.age is not None:
        changes["child_age"] = str(understood.age)
    if understood.place:
        changes["service_area"] = understood.place
    elif _ANYWHERE.match(lowered):
        changes["service_area"] = ANY
    if _NOT_ONLY_FREE.search(lowered):
        changes["service_free"] = None
    elif understood.free_only:
        changes["service_free"] = True
    return changes


# Changing the search -------------------------------------------------------------------------------
# "Change the search" after the results asks what to change (the form's extra question, CHANGE_SLOT)
# and keeps the rest: the part chosen is asked again, a new value typed at once is used at once.

CHANGE_SLOT = "search_change"
CHANGED = "changed"  # the answer gave the new value itself
NEW_SEARCH = "new"
_CHANGE_PARTS = (
    (NEW_SEARCH, re.compile(r"\b(?:new search|start (?:a )?new|everything|all of (?:it|them)|from scratch|start over)\b")),
    ("service_area", re.compile(r"\b(?:area|place|town|where|location|postcode|somewhere else|elsewhere)\b")),
    ("child_age", re.compile(r"\b(?:age|how old|older|younger)\b")),
    ("service_free", re.compile(r"\b(?:cost|costs|price|prices|free|paid|pay|cheap|cheaper)\b")),
    ("service_need", re.compile(r"\b(?:kind|type|sort) of\b|\b(?:need|needs|help|support|service|services)\b")),
)


def _change_part(text: str) -> Optional[str]:
    """Which part of the search a message asks to change ("the age", "change the area"), or None."""
    lowered = (clean.text(text) or "").lower()
    return next((part for part, pattern in _CHANGE_PARTS if pattern.search(lowered)), None)


_CHANGE_VERB = re.compile(r"\b(?:change|changing|different|another|other|switch)\b")


def part_to_change(text: str) -> Optional[str]:
    """The search question a short request after the results asks to answer again ("could I change the
    town please", "different age"), or None."""
    lowered = (clean.text(text) or "").lower()
    part = _change_part(lowered) if _CHANGE_VERB.search(lowered) and len(lowered.split()) <= 8 else None
    return part if part in SLOTS else None


def is_changing(requested_slot: Optional[str], intent: Optional[str], slots: dict[str, Any]) -> bool:
    """Whether the search asks what to change: "Change the search" was just pressed after a search,
    or the question is waiting for its answer."""
    if requested_slot == CHANGE_SLOT:
        return True
    return requested_slot is None and intent == "directory_change" and any(slots.get(s) is not None for s in SLOTS)


def change_request(text: str, slots: dict[str, Any]) -> dict[str, Any]:
    """The slots an answer to "What would you like to change?" sets: the part to ask again emptied,
    or the new value typed straight away ("she's 8 now", "Strood", "free only"); CHANGE_SLOT says which
    ("?change": neither, asked again)."""
    changes = refinement(text)
    if changes:
        return {**changes, CHANGE_SLOT: CHANGED}
    part = _change_part(text)
    problems = _understood(clean.text(text) or "", None).problems
    for slot, (_, problem) in _GIVEN.items():
        if part is None and problem in problems:  # "she's 40": explained, and that question asked
            return {slot: f"?{problem}", CHANGE_SLOT: slot}
    if part is None:
        return {CHANGE_SLOT: "?change"}
    if part == NEW_SEARCH:
        return {**{s: None for s in (*SLOTS, "service_keywords", "service_free")}, CHANGE_SLOT: NEW_SEARCH}
    if part == "service_free":
        return {"service_free": None if slots.get("service_free") else True, CHANGE_SLOT: CHANGED}
    lowered = (clean.text(text) or "").lower()
    parts = [p for p, pattern in _CHANGE_PARTS if p in SLOTS and pattern.search(lowered)]  # "the age and the town"
    cleared = {p: None for p in parts or [part]}
    if "service_need" in cleared:
        cleared["service_keywords"] = None
    return {**cleared, CHANGE_SLOT: part}


CHANGE_AGAIN = "Choose what to change below, or type the new age, town or kind of help."


def change_question(slots: dict[str, Any]) -> tuple[str, list[dict[str, str]]]:
    """The question "Change the search" asks, with the search as it stands and a button for each part."""
    cost = ({"title": "Any cost", "payload": "any cost"} if slots.get("service_free")
            else {"title": "Free only", "payload": "free only"})
    buttons = [{"title": "Kind of help", "payload": "change the kind of help"},
               {"title": "Age", "payload": "change the age"},
               {"title": "Area", "payload": "change the area"},
               cost,
               {"title": "New search", "payload": "new search"}]
    pieces = [_piece(slot, slots.get(slot)) for slot in (*SLOTS, "service_free")]
    so_far = ", ".join(p for p in pieces if p)
    return (f"The search so far: {so_far}. " if so_far else "") + (
        "What would you like to change? Choose one, or type the new age, town or kind of help."), buttons


def offered_search(text: str, find_service: str) -> dict[str, Any]:
    """After an answer that offers a search ("tell me what you need and your town"), a reply that gives
    only an age or a town ("she's 5", "we're in Hoo") is that search: its slots, the need from the
    answer's `find_service` words. {}: the message is something else (a question, a story)."""
    given = refinement(text)
    if not find_service or not ({"child_age", "service_area"} & set(given)) or "service_need" in given:
        return {}
    offered = read_message(find_service, None)
    return {"service_need": offered.get("service_need", ANY), "service_keywords": offered.get("service_keywords"),
            "child_age": None, "service_area": None, "service_free": None, **given}


# Earlier messages read when a search starts: enough for a long conversation, bounded in time.
MAX_EARLIER_MESSAGES = 30


EARLIER_READINGS_KEPT = 4096
"""Earlier messages' readings kept (issue 19: a search at turn 44 read 30 messages again, about 3 ms). Kept
only for texts that redaction leaves unchanged (the same rule as bot.redaction's CLEAN_KEPT): memory holds
nothing the tracker store does not."""
_earlier: "OrderedDict[str, tuple[tuple[str, str], ...]]" = OrderedDict()
_earlier_lock = threading.Lock()


def _earlier_reading(text: str) -> tuple[tuple[str, str], ...]:
    """The need, age and place an earlier message gave (read_message with no question asked: the same
    for the same text in this process, whose vocabulary is read once)."""
    with _earlier_lock:
        if text in _earlier:
            _earlier.move_to_end(text)
            return _earlier[text]
    given = {} if (clean.text(text) or "").lstrip().startswith("/") else read_message(text, None)
    reading = tuple((slot, given[slot]) for slot in SLOTS if slot in given and not given[slot].startswith("?"))
    if redaction.redact(text) == text:
        with _earlier_lock:
            _earlier[text] = reading
            if len(_earlier) > EARLIER_READINGS_KEPT:
                _earlier.popitem(last=False)
    return reading


def remembered_values(texts: Iterable[str]) -> dict[str, str]:
    """The need, age and place the parent gave in earlier messages, the latest of each."""
    values: dict[str, str] = {}
    for text in list(texts)[-MAX_EARLIER_MESSAGES:]:
        values.update(_earlier_reading(text))
    return values


def opening_values(text: str, earlier: Iterable[str], filled: Iterable[str]) -> dict[str, Any]:
    """The slots a search starts with: what the message that started it says, and for slots still
    empty, what the parent said earlier in the conversation (never asked again)."""
    text = "" if text.lstrip().startswith("/") else text
    values = read_message(text, None)
    remembered = remembered_values(earlier)
    filled = set(filled)
    for slot in SLOTS:
        if slot not in values and slot not in filled and slot in remembered:
            values[slot] = remembered[slot]
    if "service_need" not in values and "service_need" not in filled:
        # "any swimming for disabled kids in gillingham": a word the needs do not know is what to look for
        keywords = _understood(clean.text(text) or "", None).keywords
        if 0 < len(keywords) <= MAX_EXTRA_WORDS:
            values.update(service_need=ANY, service_keywords=" ".join(keywords))
    return values


def query_from(slots: dict[str, Any]) -> search.Query:
    need, age, area = (slots.get(s) for s in SLOTS)

    def usable(v: Any) -> bool:
        return bool(v) and v != ANY and not str(v).startswith("?")
    return search.Query(
        needs=tuple(need.split(",")) if usable(need) else (),
        age=int(age) if usable(age) and str(age).isdigit() else None,
        place=area if usable(area) else None,
        free_only=bool(slots.get("service_free")),
        keywords=tuple((slots.get("service_keywords") or "").split()),
    )


@dataclass(frozen=True)
class Reply:
    intro: str
    text: str
    payload: Optional[dict[str, Any]]
    buttons: list[dict[str, str]]
    next_page: int


def results(engine: Engine, slots: dict[str, Any], page: int = 0) -> Reply:
    """The reply to a finished search form, or to "show more"."""
    query = query_from(slots)
    result = search.find(engine, query)
    described = query.describe()
    change = {"title": "Change the search", "payload": "/directory_change"}
    again = {"title": "Start again", "payload": "/restart"}
    person = people.handoff_button()
    if not result.found:
        intro = (f"I couldn't find any services for {described}, even after widening the search. "
                 "The directory doesn't list everything: Medway SENDIASS can help you look.")
        return Reply(intro, "", None, [change, person, again], 0)
    start = page * PAGE_SIZE
    shown = result.found[start:start + PAGE_SIZE]
    if not shown:
        return Reply(f"That's all: I found {result.total} services for {described}.", "", None, [change, again], page)
    rows = search.details(engine, [f.service_id for f in shown])
    found_cards = [cards.card(row) for row in rows]
    if result.relaxed:
        intro = (f"I couldn't find anything for {described}, so {result.relaxed}. "
                 f"Here {'is the service' if len(found_cards) == 1 else 'are the services'} I found:")
    elif page:
        intro = f"More services for {result.query.describe()}:"
    else:
        intro = f"Here are services for {described}:"
    note = search.unmatched_note(result) if not page else None
    if note:
        intro = f"{note} {intro}"
    if found_cards and all(c["sample"] for c in found_cards):
        intro += " (These are sample entries for trying the assistant, not real services.)"
    elif any(c["sample"] for c in found_cards):  # only the entries marked as sample are made up
        intro += " (Entries marked as sample data are made up, for trying the assistant.)"
    text = cards.as_text(found_cards, first_number=start + 1)
    more = start + PAGE_SIZE < result.total
    buttons = ([{"title": "Show more", "payload": "/directory_more"}] if more else []) + [change, again]
    payload = {"service_cards": {"cards": found_cards, "text": text, "first_number": start + 1,
                                 "total": result.total, "relaxed": result.relaxed}}
    return Reply(intro, text, payload, buttons, page + 1)


def problem_message(value: Any) -> Optional[str]:
    """What to tell the parent about an answer that could not be used, or None when it was fine."""
    return PROBLEMS.get(str(value)) if isinstance(value, str) and value.startswith("?") else None


def checked(value: Any) -> tuple[Any, Optional[str]]:
    """A slot's value as the form keeps it (None: ask again) and what to tell the parent first, if anything."""
    if isinstance(value, str) and value.startswith("?"):
        return None, problem_message(value)
    return value, None
