"""The conversation posted to the action server, each event turned into JSON once (issue 19).

Rasa 3.6 posts the whole conversation to the action server at every call of a custom action (one or
two a message): every event is turned into a dictionary (`Event.as_dict`), slimmed
(`addons.rasa_speedups.slim_events`) and serialised again at every call, so a call cost more the
longer the conversation (`bench.growth`: 0.15 ms at turns 1-10, 0.8 ms at turns 41-50 for the
dictionaries alone, then as much again for the JSON): most of what a message added as it grew.

Here each conversation keeps the events it posted last, with each one's posted dictionary and JSON.
The next call checks that those events are, one for one, the same objects as the start of the
tracker's events now (the tracker store hands the same tracker back between turns) with the same
times (Rasa gives the events an action predicted a new time when it logs them, after the action ran
on a copy holding them), and turns only the events added since into dictionaries and JSON; no other
part of an event that is posted slimmed changes once it is in a tracker (Rasa adds its model's id
to `metadata`, which is left out). The latest message and the latest page of search
results are posted differently from the others (whole, and with their cards) and are made afresh
at every call; an event replaced (the store's redacted copy of a reply) or dropped makes everything
from it afresh. The body is the same JSON value as before (`serialize` writes the kept JSON of the
events where ujson would have written them; the keys in another order).

Privacy: what is kept is what the tracker the store keeps between turns holds, never more: when a
turn had personal details that the store redacted, it calls `forget` for that conversation (as it
does for addons/history_states.py). At most MAX_CONVERSATIONS conversations are kept.

Installed by addons.rasa_speedups.install(); `MEDWAY_RASA_SPEEDUPS=0` turns it off with the others,
and `MEDWAY_CHECK_POSTED_EVENTS=1` also makes the body Rasa's way at every call and fails loudly if
the two differ (set in the test session's server, tests/conftest.py).
"""
from __future__ import annotations

import operator
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable

import ujson
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

MAX_CONVERSATIONS = 64
EVENTS_AT = "medway_events_at"  # the key serialize adds: where the events start (actions/posted_body.py)

_kept: "OrderedDict[str, _Kept]" = OrderedDict()
_lock = threading.Lock()


@dataclass
class _Kept:
    events: list[Event] = field(default_factory=list)  # the events posted last, in order
    stamps: list[float] = field(default_factory=list)  # their times then (Rasa sets a new one as it logs an event)
    posted: list[dict[str, Any]] = field(default_factory=list)  # each as posted when it is neither latest
    json: list[str] = field(default_factory=list)  # each of those in JSON
    user: list[int] = field(default_factory=list)  # positions of the user messages
    cards: list[int] = field(default_factory=list)  # positions of the pages of search results

    def cut(self, length: int) -> None:
        """Keep only the first `length` events."""
        del self.events[length:], self.stamps[length:], self.posted[length:], self.json[length:]
        self.user = [index for index in self.user if index < length]
        self.cards = [index for index in self.cards if index < length]


class PostedEvents(list):
    """The events of a body for the action server (their dictionaries), with their JSON, joined by
    commas, already made: `serialize` writes that instead of serialising them again."""

    def __init__(self, posted: list[dict[str, Any]], json: str) -> None:
        super().__init__(posted)
        self.json = json


def _first_difference(kept: _Kept, events: list[Event], stamps: list[float]) -> int:
    for index, (old, new, old_stamp, stamp) in enumerate(zip(kept.events, events, kept.stamps, stamps)):
        if old is not new or old_stamp != stamp:
            return index
    return min(len(kept.events), len(events))


def posted_events(tracker: DialogueStateTracker, slim: Callable[[dict[str, Any], bool], dict[str, Any]],
                  has_cards: Callable[[dict[str, Any]], bool]) -> PostedEvents:
    """The tracker's events as `slim_events` posts them (`slim(event, keep_cards)` for every event but the
    latest message, which is posted whole; the cards kept on the latest page of results only)."""
    events = list(tracker.events)
    with _lock:
        kept = _kept.pop(tracker.sender_id, None) or _Kept()
    stamps = [event.timestamp for event in events]
    if (len(kept.events) > len(events) or not all(map(operator.is_, kept.events, events))
            or kept.stamps != stamps[:len(kept.stamps)]):
        kept.cut(_first_difference(kept, events, stamps))
    for index in range(len(kept.events), len(events)):
        data = events[index].as_dict()
        if data.get("event") == "user":
            kept.user.append(index)
        if has_cards(data):
            kept.cards.append(index)
        posted = slim(data, False)
        kept.events.append(events[index])
        kept.stamps.append(stamps[index])
        kept.posted.append(posted)
        kept.json.append(ujson.dumps(posted))
    posted, json = list(kept.posted), list(kept.json)
    last_user = kept.user[-1] if kept.user else -1
    last_cards = kept.cards[-1] if kept.cards else -1
    if last_cards >= 0 and last_cards != last_user:
        posted[last_cards] = slim(events[last_cards].as_dict(), True)
        json[last_cards] = ujson.dumps(posted[last_cards])
    if last_user >= 0:
        posted[last_user] = events[last_user].as_dict()
        json[last_user] = ujson.dumps(posted[last_user])
    with _lock:
        _kept[tracker.sender_id] = kept
        while len(_kept) > MAX_CONVERSATIONS:
            _kept.popitem(last=False)
    return PostedEvents(posted, ",".join(json))


def tracker_state(tracker: DialogueStateTracker, slim: Callable[[dict[str, Any], bool], dict[str, Any]],
                  has_cards: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """tracker.current_state(EventVerbosity.ALL) with the events as posted (`posted_events`)."""
    state = tracker.current_state(EventVerbosity.NONE)  # the same, but for the events
    state["events"] = posted_events(tracker, slim, has_cards)
    return state


def forget(sender_id: str) -> None:
    """Drop what is kept for a conversation (the tracker store redacted a turn of it)."""
    with _lock:
        _kept.pop(sender_id, None)


def serialize(body: Any) -> str:
    """ujson.dumps(body), writing a body's PostedEvents from their JSON made already: the same JSON value,
    with one more key, EVENTS_AT: where the events' array starts (its `[`), so that the action server
    decodes only the events it was not posted before (actions/posted_body.py)."""
    tracker = body.get("tracker") if isinstance(body, dict) else None
    events = tracker.get("events") if isinstance(tracker, dict) else None
    if type(events) is not PostedEvents or not body or not all(isinstance(key, str) for key in (*body, *tracker)):
        return ujson.dumps(body)
    head = ujson.dumps({key: value for key, value in body.items() if key not in ("tracker", EVENTS_AT)})[:-1]
    inner = ujson.dumps({key: value for key, value in tracker.items() if key != "events"})[:-1]
    opening = f'{head}{"," if len(head) > 1 else ""}"tracker":{inner}{"," if len(inner) > 1 else ""}"events":['
    return f'{opening}{events.json}]}},"{EVENTS_AT}":{len(opening) - 1}}}'


def without_mark(call: Any) -> Any:
    """A body decoded from `serialize`'s JSON without its EVENTS_AT key (which no action reads)."""
    if isinstance(call, dict):
        call.pop(EVENTS_AT, None)
    return call


def check(ours: dict[str, Any], rasas: dict[str, Any]) -> None:
    """With MEDWAY_CHECK_POSTED_EVENTS=1: fail loudly unless the body and its JSON are Rasa's (slimmed)."""
    if os.environ.get("MEDWAY_CHECK_POSTED_EVENTS") != "1":
        return
    if ours != rasas or without_mark(ujson.loads(serialize(ours))) != ujson.loads(ujson.dumps(rasas)):
        raise AssertionError(f"the body posted to the action server differs from Rasa's for "
                             f"{ours.get('sender_id')!r}")
