"""Copies of a conversation's tracker, carried on from the last copy instead of replayed (issue 19).

Rasa 3.6 copies the tracker before every action it runs (`MessageProcessor._run_action`, two or
three a message, and once more when a form starts): `DialogueStateTracker.copy` makes a blank
tracker and replays every event of the conversation into it, so each copy costs more as the
conversation grows (about 0.05 ms at turn 5 and 0.2 ms at turn 50).

Here the first copy of a tracker keeps its replay (a blank tracker with the events applied, exactly
as Rasa's copy builds it), and each later copy first checks that the replay's events are, one for
one, the same objects as the start of the tracker's events now, replays only the events added since,
and hands out a duplicate of the replay: its own event list and slots, the loop's state copied, the
rest shared as a replay shares it (the events themselves, the latest message). Anything else (an
event replaced, as the tracker store does with a redacted message, or dropped from the front of a
capped history) replays afresh, as Rasa would. What the replay holds is what the tracker holds: no
more personal data than the tracker it belongs to, and it goes with it.

Installed by addons.rasa_speedups.install(); `MEDWAY_RASA_SPEEDUPS=0` (all the speed-ups) turns it
off, and `MEDWAY_CHECK_TRACKER_COPIES=1` also makes Rasa's own copy every time and fails loudly if the
two differ (tests/test_tracker_copies.py compares them directly).
"""
from __future__ import annotations

import copy
import dataclasses
import itertools
import operator
import os
from collections import deque
from typing import Any

from rasa.shared.core.trackers import DialogueStateTracker

_original_copy = DialogueStateTracker.copy
_REPLAY = "_medway_copy_replay"


def _duplicate(replay: DialogueStateTracker) -> DialogueStateTracker:
    """A tracker in the same state as `replay`, which neither changes when the other is changed."""
    duplicate = object.__new__(type(replay))
    duplicate.__dict__.update(replay.__dict__)
    duplicate.events = deque(replay.events, maxlen=replay.events.maxlen)
    duplicate.slots = {name: copy.copy(slot) for name, slot in replay.slots.items()}
    if replay.active_loop is not None:
        duplicate.active_loop = dataclasses.replace(replay.active_loop)
    if isinstance(replay.latest_action, dict):
        duplicate.latest_action = dict(replay.latest_action)
    return duplicate


def copy_tracker(self: DialogueStateTracker) -> DialogueStateTracker:
    """DialogueStateTracker.copy, replaying only the events added since this tracker's last copy."""
    if type(self.slots) is not dict:  # a tracker without a domain's slots (AnySlotDict): as Rasa does
        return _original_copy(self)
    replay = self.__dict__.get(_REPLAY)
    if (replay is None or len(replay.events) > len(self.events)
            or not all(map(operator.is_, replay.events, self.events))):
        replay = self.init_copy()
        self.__dict__[_REPLAY] = replay
    for event in itertools.islice(self.events, len(replay.events), None):
        replay.update(event)
    made = _duplicate(replay)
    if os.environ.get("MEDWAY_CHECK_TRACKER_COPIES") == "1":
        difference = differences(made, _original_copy(self))
        if difference:
            raise AssertionError(f"the tracker copy of {self.sender_id!r} differs from Rasa's: {difference}")
    return made


def _state(tracker: DialogueStateTracker) -> dict[str, Any]:
    """What a copy must agree on: every attribute, events and the latest messages by identity or value."""
    state = {key: value for key, value in vars(tracker).items() if key != _REPLAY}
    state["events"] = [id(event) for event in tracker.events]
    state["slots"] = {name: (type(slot), vars(slot)) for name, slot in tracker.slots.items()}
    for key in ("latest_message", "latest_bot_utterance"):  # an empty one is made new, at its own time
        event = state[key]
        state[key] = {k: v for k, v in event.as_dict().items() if k != "timestamp"} if event is not None else None
    return state


def differences(made: DialogueStateTracker, expected: DialogueStateTracker) -> list[str]:
    """The attributes in which two copies of a tracker differ (empty when they are the same)."""
    ours, theirs = _state(made), _state(expected)
    return [key for key in sorted(set(ours) | set(theirs)) if ours.get(key) != theirs.get(key)]


def install() -> None:
    """Use the carried-on copy in this process (idempotent)."""
    DialogueStateTracker.copy = copy_tracker  # type: ignore[method-assign]
