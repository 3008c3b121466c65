"""The assistant's turn before the parent's latest message, read from Rasa's event dictionaries: many
replies depend on what was just said (a page of results, an answer, the emergency routes)."""
from __future__ import annotations

from typing import Any, Iterable


def turn_before(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events between the parent's message before the latest one and the latest one, read from
    the end (a long conversation is not walked whole for every check of every message)."""
    events = events if isinstance(events, list) else list(events)
    turn: list[dict[str, Any]] = []
    seen_latest = False
    for event in reversed(events):
        if event.get("event") == "user":
            if seen_latest:
                break
            seen_latest = True
        elif seen_latest:
            turn.append(event)
    return turn[::-1] if seen_latest else []


def ran(events: Iterable[dict[str, Any]], action: str) -> bool:
    """Whether `action` ran in the turn before the parent's latest message."""
    return any(e.get("event") == "action" and e.get("name") == action for e in turn_before(events))


def slot_set(events: Iterable[dict[str, Any]], slot: str) -> Any:
    """The last value the turn before the parent's latest message gave `slot` (None: it was not set)."""
    return next((e.get("value") for e in reversed(turn_before(events))
                 if e.get("event") == "slot" and e.get("name") == slot), None)
