"""What the assistant says in a directory search: Rasa-free, so tests and other channels share it.

The form's slots hold plain strings: a need list ("autism,parent_groups"), an age ("7"), a
place ("Gillingham"), ANY when the parent skipped the question, or a string starting with "?"
naming why an answer could not be used (shown to the parent, then the question is asked again).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy.engine import Engine

from bot.directory import cards, clean, search
from bot.directory.query import Understood, is_skip, understand

__all__ = ["is_skip", "read_message", "results", "problem_message", "query_from", "ANY", "SLOTS"]
from bot.directory.vocabulary import cached

ANY = "any"
PAGE_SIZE = 4
SLOTS = ("service_need", "child_age", "service_area")

PROBLEMS = {
    "?age_out_of_range": "That age doesn't look right: services here are for children and young people "
                         "from birth to 25. How old is your child, in years? You can also skip this.",
    "?age": "Sorry, I didn't catch an age. Type it in years, like 7, or skip.",
    "?outside_medway": "That postcode is outside Medway, and this directory covers Medway only "
                       "(ME1 to ME5, ME7, ME8 and the Hoo Peninsula). Which Medway town is nearest? "
                       "You can also choose anywhere.",
    "?place": "Sorry, I don't know that place. Choose a Medway town, type a postcode like ME7, or choose anywhere.",
    "?need": "Sorry, I didn't recognise that kind of help. Try words like speech therapy, autism, "
             "short breaks or parent group, or skip.",
}


def slot_value(slot: str, understood: Understood, text: str, requested: bool) -> dict[str, Any]:
    """The slot values one message gives; when the slot was asked for, an answer or a reason it was not one."""
    if requested and is_skip(text):
        return {slot: ANY}
    if slot == "service_need":
        if understood.needs:
            return {slot: ",".join(understood.needs), "service_keywords": " ".join(understood.keywords) or None,
                    "service_free": understood.free_only or None}
        if requested:
            if understood.keywords:
                return {slot: ANY, "service_keywords": " ".join(understood.keywords)}
            return {slot: "?need"}
        return {}
    if slot == "child_age":
        if understood.age is not None:
            return {slot: str(understood.age)}
        if "age_out_of_range" in understood.problems:
            return {slot: "?age_out_of_range"}
        return {slot: "?age"} if requested else {}
    if understood.place:
        return {slot: understood.place}
    if "outside_medway" in understood.problems:
        return {slot: "?outside_medway"}
    return {slot: "?place"} if requested else {}


def read_message(text: str, requested_slot: Optional[str]) -> dict[str, Any]:
    """Every search slot one message fills (a bare number counts as an age only when we asked for it)."""
    text = clean.text(text) or ""  # markup is never a search word
    understood = understand(text, bare_number_is_age=requested_slot == "child_age")
    values: dict[str, Any] = {}
    for slot in SLOTS:
        values.update(slot_value(slot, understood, text, requested_slot == slot))
    if understood.free_only:
        values["service_free"] = True
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
    described = query.describe(cached())
    change = {"title": "Change the search", "payload": "/directory_change"}
    again = {"title": "Start again", "payload": "/restart"}
    person = {"title": "Talk to a person", "payload": "/human_handoff"}
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
                 f"Here {'is' if len(found_cards) == 1 else 'are'} what I found:")
    elif page:
        intro = f"More services for {result.query.describe(cached())}:"
    else:
        intro = f"Here are services for {described}:"
    if any(c["sample"] for c in found_cards):
        intro += " (These are sample entries for trying the assistant, not real services.)"
    text = cards.as_text(found_cards, first_number=start + 1)
    more = start + PAGE_SIZE < result.total
    buttons = ([{"title": "Show more", "payload": "/directory_more"}] if more else []) + [change, again]
    payload = {"service_cards": {"cards": found_cards, "text": text, "first_number": start + 1,
                                 "total": result.total, "relaxed": result.relaxed}}
    return Reply(intro, text, payload, buttons, page + 1)


def problem_message(value: Any) -> Optional[str]:
    """What to tell the parent about an answer that could not be used, or None when it was fine."""
    return PROBLEMS.get(str(value)) if isinstance(value, str) and value.startswith("?") else None
