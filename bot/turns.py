"""The assistant's turn before the parent's latest message, read from Rasa's event dictionaries: many
replies depend on what was just said (a page of results, an answer, the emergency routes)."""
from __future__ import annotations

from typing import Any, Iterable


def turn_before(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events between the parent's message before the latest one and the latest one."""
    events = list(events)
    users = [i for i, event in enumerate(events) if event.get("event") == "user"]
    if not users:
        return []
    start = users[-2] + 1 if len(users) > 1 else 0
    return events[start:users[-1]]


def ran(events: Iterable[dict[str, Any]], action: str) -> bool:
    """Whether `action` ran in the turn before the parent's latest message."""
    return any(e.get("event") == "action" and e.get("name") == action for e in turn_before(events))


def slot_set(events: Iterable[dict[str, Any]], slot: str) -> Any:
    """The last value the turn before the parent's latest message gave `slot` (None: it was not set)."""
    return next((e.get("value") for e in reversed(turn_before(events))
                 if e.get("event") == "slot" and e.get("name") == slot), None)
