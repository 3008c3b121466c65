"""The action server's side of addons/posted_events.py: each earlier event of a conversation decoded once (issue 19).

Rasa posts the whole conversation at every call of a custom action, and the action server decoded all
of it every time: at turn 50 about 120 kB, 1 ms of CPU a call that grew with every turn. Our Rasa
server (`addons.posted_events.serialize`) ends its body with one more key, EVENTS_AT, giving where the
events' array starts. Here each conversation keeps the JSON text of each event it was posted last and
the value decoded from it; the next body's events that are, byte for byte, the same text at the same
place reuse that value, and only the others are decoded (with ujson, as Sanic decodes a body). A
JSON object's text ends where the object does, so the same text at the same place is the same event.
The rest of the body (with an empty array for the events, then filled) is decoded as before and the
EVENTS_AT key is dropped: actions see the same value as Sanic's `request.json` gives. A body without
the key (another Rasa, `MEDWAY_RASA_SPEEDUPS=0`), or where anything does not fit, is decoded whole.

The kept values are handed to every later call: no action may change an event it is given (none does;
`MEDWAY_CHECK_POSTED_EVENTS=1`, set in the tests, also decodes every body whole and fails loudly if the
two differ, which a changed event would show at the next call).

Privacy: only the events before the latest user message are kept, which the tracker store has saved
(redacted: after a turn it redacted, Rasa reads the conversation back from the store), so memory keeps
nothing the store does not; at most MAX_CONVERSATIONS conversations.
"""
from __future__ import annotations

import json
import os
import re
from collections import OrderedDict
from typing import Any

import ujson

EVENTS_AT = "medway_events_at"  # the same name as addons.posted_events.EVENTS_AT (a test checks)
MAX_CONVERSATIONS = 64

_TAIL = re.compile(rb'\]\},"' + EVENTS_AT.encode() + rb'":(\d+)\}\Z')
_OPENING = b'"events":['
_scanner = json.JSONDecoder()
_kept: "OrderedDict[str, tuple[bytes, list[tuple[bytes, Any]]]]" = OrderedDict()  # (texts joined, each)


def _whole(body: bytes) -> Any:
    call = ujson.loads(body)
    if isinstance(call, dict):
        call.pop(EVENTS_AT, None)
    return call


def _events(body: bytes, start: int, end: int, joined: bytes, kept: list[tuple[bytes, Any]]) -> list[tuple[bytes, Any]]:
    """Each event's text and value, from body[start:end] (the array's inside), reusing `kept` (whose texts
    joined by commas are `joined`) where the same text is at the same place; ValueError where the texts
    are not a list of JSON objects."""
    found: list[tuple[bytes, Any]] = []
    text = None
    position = start
    if kept and body.startswith(joined, start) and body[start + len(joined):start + len(joined) + 1] in (b",", b"]"):
        found, position = list(kept), start + len(joined)  # all of them in one comparison (the usual case)
    while position < end:
        if found:
            if body[position:position + 1] != b",":
                raise ValueError("events not separated by commas")
            position += 1
        index = len(found)
        if index < len(kept) and body.startswith(kept[index][0], position):
            found.append(kept[index])
            position += len(kept[index][0])
            continue
        if body[position:position + 1] != b"{":
            raise ValueError("an event is not an object")
        if text is None:
            text = body.decode("ascii")  # the JSON Rasa posts escapes everything else: offsets stay the same
        _, after = _scanner.raw_decode(text, position)
        if after > end:
            raise ValueError("an event runs past the array")
        found.append((body[position:after], ujson.loads(body[position:after])))
        position = after
    if position != end:
        raise ValueError("the events run past the array")
    return found


def decode(body: bytes) -> Any:
    """The action call posted in `body`, as Sanic's `request.json` decodes it (without EVENTS_AT)."""
    tail = _TAIL.search(body, max(0, len(body) - 40))
    if tail is None:
        return _whole(body)
    start, end = int(tail.group(1)) + 1, tail.start()
    if not (len(_OPENING) <= start <= end) or body[start - len(_OPENING):start] != _OPENING:
        return _whole(body)
    call = ujson.loads(body[:start] + body[end:])
    tracker = call.get("tracker") if isinstance(call, dict) else None
    sender = call.get("sender_id")
    if not isinstance(tracker, dict) or tracker.get("events") != [] or not isinstance(sender, str):
        return _whole(body)
    joined, kept = _kept.pop(sender, (b"", []))
    try:
        found = _events(body, start, end, joined, kept)
    except ValueError:
        return _whole(body)
    call.pop(EVENTS_AT, None)
    tracker["events"] = [value for _, value in found]
    latest_user = next((i for i in range(len(found) - 1, -1, -1)
                        if isinstance(found[i][1], dict) and found[i][1].get("event") == "user"), 0)
    if latest_user != len(kept) or found[:latest_user] != kept:
        joined = b",".join(text for text, _ in found[:latest_user])
    _kept[sender] = (joined, found[:latest_user])
    while len(_kept) > MAX_CONVERSATIONS:
        _kept.popitem(last=False)
    if os.environ.get("MEDWAY_CHECK_POSTED_EVENTS") == "1" and call != _whole(body):
        raise AssertionError(f"the action call decoded in parts differs from the whole body for {sender!r}")
    return call


def forget(sender_id: str) -> None:
    """Drop what is kept for a conversation."""
    _kept.pop(sender_id, None)
