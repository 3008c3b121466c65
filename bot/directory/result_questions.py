"""Questions about the search results just shown: "where is the first one?", "is it free?", "whats
the number for the drop-in?", "do I need a referral for it?", "when is it open?".

The reply quotes the cards the parent is looking at, never a detail a card does not hold (without
opening times, say, it says to ask the service). A question names one result (first,
2nd, number 3, the last one, or a word of its name) or points at them ("it", "they") and is then
answered for each result on the page. Rasa-free: the actions pass in the message and the cards.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Optional

from bot.directory.cards import SAMPLE_NOTE

_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_ORDINAL = re.compile(r"\b(first|1st|second|2nd|third|3rd|fourth|4th|last)\b(?:\s+(?:one|service|result|place|group))?"
                      r"|\b(?:number|no\.?|#)\s*(\d{1,2})\b")
_POINTING = re.compile(r"\b(it|its|it's|that|that's|thats|they|them|their|theyre|they're|those|these|this one|that one)\b")
_CHANGE = re.compile(r"^\W*(?:and |so |ok |okay )?(?:what about|how about|any|anything|is there|are there|"
                     r"have you got|got any)\b")
_QUESTION_START = re.compile(r"^\W*(?:and |so |ok |okay |but )?(?:how|what|whats|what's|when|where|wheres|where's|"
                             r"who|which|is|are|do|does|can|could|will|would|should)\b")
_MAX_WORDS = 12
_CHEAPER = re.compile(r"\b(cheap|cheaper|cheapest|affordable)\b")
# Words of a service's name too common to say which one is meant.
_GENERIC = {"medway", "children", "childrens", "children's", "service", "services", "group", "support", "club",
            "centre", "team", "with", "and", "the", "for", "sample", "data", "young", "people", "family", "families",
            "parents", "parent", "carers", "advice", "help", "clinic", "therapy", "language", "speech"}


def _contact(card: dict[str, Any]) -> Optional[str]:
    parts = [p for p in (card.get("phone"), card.get("email"), card.get("url")) if p]
    return " · ".join(parts) or None


def _ask_them(card: dict[str, Any], missing: str, verb: str = "give") -> str:
    contact = _contact(card)
    return f"the directory does not {verb} {missing}; " + (f"ask them: {contact}" if contact else "ask Medway SENDIASS")


@dataclass(frozen=True)
class Aspect:
    label: str
    pattern: re.Pattern
    value: Callable[[dict[str, Any], str], str]
    """The card's answer, given the card and the message (an age asked about, say)."""


def _where(card: dict[str, Any]) -> str:
    return card.get("where") or _ask_them(card, "where it is")


def _how(card: dict[str, Any]) -> str:
    return card.get("how_to_access") or _ask_them(card, "how to get it")


_ASKED_AGE = re.compile(r"\b(\d{1,2}) ?(?:-| )?(?:years?|yrs?|y/?o)\b|\bfor (?:a|my|an) (\d{1,2})\b")
_AGE_RANGE = (re.compile(r"Ages (\d+) to (\d+)"), re.compile(r"Up to age (\d+)"), re.compile(r"Age (\d+) and over"))


def _ages(card: dict[str, Any], text: str) -> str:
    """The card's ages, and whether they take the age asked about ("is it ok for a 13 year old?")."""
    ages = card.get("ages") or ""
    asked = _ASKED_AGE.search(text)
    if not asked or not ages:
        return ages
    age = int(asked.group(1) or asked.group(2))
    between, up_to, over = (pattern.search(ages) for pattern in _AGE_RANGE)
    low, high = ((int(between.group(1)), int(between.group(2))) if between else
                 (0, int(up_to.group(1))) if up_to else (int(over.group(1)), 99) if over else (0, 99))
    return f"{ages}, so {'it takes' if low <= age <= high else 'not for'} a {age} year old"


def _about(card: dict[str, Any]) -> str:
    """The card in one line, for "the second one" on its own."""
    return " · ".join(p for p in (card.get("summary"), card.get("ages"), card.get("cost"), card.get("where"),
                                  card.get("how_to_access"), _contact(card)) if p)


ASPECTS = (
    Aspect("Opening times", re.compile(r"\b(open|opening|times?|hours|when|days?|weekends?|saturdays?|sundays?|evenings?|"
                                       r"holidays?|summer|half[- ]terms?|easter|christmas|term[- ]times?)\b"),
           lambda c, _: c.get("opening_times") or _ask_them(c, "opening times")),
    Aspect("How to contact them", re.compile(r"\b(number|phone|call|ring|email|e-mail|contact|website|link)\b"),
           lambda c, _: _contact(c) or "the directory gives no phone number, email or website; ask Medway SENDIASS"),
    Aspect("Cost", re.compile(r"\b(free|cost|costs|pay|price|charge|fees?|how much|cheap|cheaper|cheapest|affordable)\b"),
           lambda c, _: c.get("cost") or ""),
    Aspect("Access", re.compile(r"\b(accessible|accessibility|wheelchair access|step[- ]free|lifts?|disabled access|"
                                r"parking|changing places|hoist)\b"),
           lambda c, _: _ask_them(c, "whether the venue is accessible", verb="say")),
    Aspect("How to get it", re.compile(r"\b(refer|referral|referred|book|booking|sign up|join|apply|waiting list|get in|"
                                       r"get a place|get it|get there|turn up|drop in|just go|walk in)\b"),
           lambda c, _: _how(c)),
    Aspect("Where", re.compile(r"\b(where|address|located|location|venue|postcode|how far|closest|nearest)\b"),
           lambda c, _: _where(c)),
    Aspect("Ages", re.compile(r"\b(ages?|how old|too old|too young|suitable|suit|suits)\b|"
                              r"\b(?:ok|okay|alright|good) for (?:a|my|an)\b"), _ages),
)
ABOUT = Aspect("About it", re.compile(r"$^"), lambda c, _: _about(c))
"""A result named on its own ("the second one"): the card in one line."""
_BARE_MAX_WORDS = 5


def _named(text: str, shown: list[dict[str, Any]]) -> list[int]:
    """The results a message names by a distinctive word of their name ("the drop-in", "rainham one")."""
    words = set(re.findall(r"[a-z']+", text))
    found = []
    for index, card in enumerate(shown):
        own = {w for w in re.findall(r"[a-z']+", card["name"].lower()) if len(w) >= 4 and w not in _GENERIC}
        if own & words:
            found.append(index)
    return found if len(found) < len(shown) else []


@dataclass(frozen=True)
class Answer:
    text: str
    explicit: bool
    """The message named a result (an ordinal or a word of its name), not only "it" or "they"."""
    pointing: bool = False
    """It named one or pointed at them ("their number"): not a question that could be about anyone."""


def _lowered(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").split())


@dataclass(frozen=True)
class _Asked:
    aspect: Aspect
    picked: list[int]
    explicit: bool
    pointing: bool


def _asked(lowered: str, shown: list[dict[str, Any]], first_number: int) -> Optional[_Asked]:
    """What a question about results asks (the aspect, and which of the cards `shown`), or None when the
    message is not one (a change to the search, a question about something else)."""
    if not lowered or lowered.startswith("/") or len(lowered.split()) > _MAX_WORDS:
        return None
    aspects = [a for a in ASPECTS if a.pattern.search(lowered)]
    # "any free ones?" changes the search; "anything on saturdays?" or "anything cheaper?" cannot (the
    # search has no days or prices), so the times or costs of the results shown are given
    if aspects and _CHANGE.match(lowered) and aspects[0] is not ASPECTS[0] and not _CHEAPER.search(lowered):
        return None
    picked: list[int] = []
    for match in _ORDINAL.finditer(lowered):
        word, number = match.group(1), match.group(2)
        # "the third one" is the third on the page; "number 10" is the tenth result
        index = len(shown) - 1 if word == "last" else _ORDINALS[word] - 1 if word else int(number) - first_number
        if 0 <= index < len(shown) and index not in picked:
            picked.append(index)
    explicit = bool(picked)
    if not picked:
        picked = _named(lowered, shown)
        explicit = bool(picked)
    if not aspects:
        if not explicit or len(lowered.split()) > _BARE_MAX_WORDS:
            return None
        aspects = [ABOUT]
    pointing = explicit or bool(_POINTING.search(lowered))
    if not picked:
        if not (pointing or _QUESTION_START.match(lowered) or _CHANGE.match(lowered) or _CHEAPER.search(lowered)):
            return None
        picked = list(range(len(shown)))
    return _Asked(aspects[0], picked, explicit, pointing)


def answer(text: str, shown: list[dict[str, Any]], first_number: int = 1) -> Optional[Answer]:
    """The reply to a question about the cards `shown` (numbered from `first_number`), or None
    when the message is not one (a change to the search, a question about something else)."""
    lowered = _lowered(text)
    asked = _asked(lowered, shown, first_number) if shown else None
    if asked is None:
        return None
    lines = [f"{asked.aspect.label}, from the results above:"]
    for index in asked.picked:
        card = shown[index]
        sample = f" ({SAMPLE_NOTE.lower()})" if card.get("sample") else ""
        lines.append(f"{first_number + index}. {card['name']}{sample}: {asked.aspect.value(card, lowered)}")
    return Answer("\n".join(lines), asked.explicit, asked.pointing)


NOTHING_FOUND = ("That search found no services, so I have no results to answer that from. Would you like to change "
                 "the search: another kind of help, age or area? The directory doesn't list everything: Medway "
                 "SENDIASS can help you look.")


def about_nothing_found(text: str) -> Optional[Answer]:
    """The reply to a question about results when the search just found none ("what about at weekends?"):
    that nothing was found, with the offer to change the search. None: the message is not such a question."""
    asked = _asked(_lowered(text), [], 1)
    return Answer(NOTHING_FOUND, asked.explicit, asked.pointing) if asked else None
