"""The policies' states of earlier turns, carried on from one prediction to the next (issue 19).

For every prediction (two or three a message, each asked by RulePolicy up to twice and by
MemoizationPolicy once) Rasa 3.6 rebuilds the state of *every* earlier turn of the conversation
(`Domain.states_for_tracker_history`): it replays all the conversation's events into a fresh
tracker and describes it before each action. That is the part of a message that grows most with
the conversation (README "Benchmarks": 2.2 ms CPU a message over turns 1 to 10, 9.9 ms over turns 41
to 50).

Here the replay is kept per conversation and carried on with the events added since: the next call
checks that the events it was built from are, one for one, the start of the tracker's applied events
now: the same objects within a message; on the next message, an event that was read from the
tracker store both times is the same if its type and time are (the store only ever adds rows, or
deletes old ones), any other must have equal attributes or, failing that, the same dictionary as
stored in JSON (a turn's own events, compared with what was stored of them). It then replays only the
new events and describes the new turns, exactly as Rasa's loop does (its code is followed line for
line in `_describe`). Anything else (a rewind, a restart, an undone form step, a redacted message
that no longer equals what was replayed, another model's domain) starts the replay afresh, as Rasa
would. Callers get copies, so they may change the states they are given as before.

Privacy: what is kept is what the tracker store holds, never more. When a turn had personal
details, the tracker store redacts them as it saves the turn and calls `forget` for that
conversation (addons/tracker_store.py), so its next message is replayed afresh from the stored,
redacted events.

Kept for at most MAX_CONVERSATIONS conversations (the least recently used is dropped). Installed by
addons.rasa_speedups.install(); `MEDWAY_RASA_SPEEDUPS=0` (all the speed-ups) or
`MEDWAY_KEEP_HISTORY_STATES=0` (this one) turns it off, and
`MEDWAY_CHECK_HISTORY_STATES=1` also runs Rasa's own method on every call and fails loudly if the
two differ (tests/test_history_states.py compares them directly).
"""
from __future__ import annotations

import itertools
import json
import operator
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from rasa.shared.core import constants
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

MAX_CONVERSATIONS = 64

_original = Domain.states_for_tracker_history
_kept: "OrderedDict[tuple, _Replay]" = OrderedDict()
_lock = threading.Lock()


@dataclass
class _Replay:
    domain: Domain
    events: list[Event]  # the applied events replayed so far
    stored: list[bool] = field(default_factory=list)  # for each, whether it was read from the tracker store
    tracker: DialogueStateTracker = None  # type: ignore[assignment]  # a copy of the tracker's start with `events` applied
    states: list[State] = field(default_factory=list)  # one per turn described so far (before each action)
    last_ml_action_sub_state: Any = None
    turn_was_hidden: bool = False
    parts: list[dict] = field(default_factory=list)  # the distinct parts of `states` (`_copies`)
    where: dict[int, int] = field(default_factory=dict)  # each part's position in `parts`, by its id
    layouts: list[tuple] = field(default_factory=list)  # for each of `states` laid out so far: (key, position)s
    odd: bool = False  # a part that is not a dictionary: copied by `_copy` instead


def mark_stored(tracker: DialogueStateTracker) -> None:
    """Note that the tracker's events were just read from the tracker store (addons/tracker_store.py)."""
    tracker._medway_stored = {id(event): event for event in tracker.events}  # kept alive: ids stay theirs


def _stored(tracker: DialogueStateTracker, event: Event) -> bool:
    return getattr(tracker, "_medway_stored", {}).get(id(event)) is event


def _same(kept: Event, now: Event, both_stored: bool) -> bool:
    if kept is now:
        return True
    if type(kept) is not type(now):
        return False
    if both_stored:  # rows are only ever added (or deleted when old): the same row, read again
        return bool(kept.timestamp == now.timestamp)
    try:
        # as stored: the tracker store keeps JSON, where the kept event's tuples come back as lists
        return bool(kept.__dict__ == now.__dict__
                    or json.dumps(kept.as_dict(), sort_keys=True) == json.dumps(now.as_dict(), sort_keys=True))
    except Exception:  # something in them that cannot be compared: not known to be the same
        return False


def _describe(domain: Domain, replay: _Replay, tr: DialogueStateTracker, hide_rule_turn: bool,
              omit_unset_slots: bool, ignore_rule_only_turns: bool, rule_only_data: Optional[dict]) -> None:
    """One pass of the loop in Rasa 3.6's Domain.states_for_tracker_history, on `replay`."""
    states = replay.states
    if ignore_rule_only_turns:
        if not replay.turn_was_hidden:
            replay.last_ml_action_sub_state = domain._get_prev_action_sub_state(tr)
        if not tr.followup_action and not tr.latest_action_name == tr.active_loop_name:
            replay.turn_was_hidden = hide_rule_turn
        if replay.turn_was_hidden:
            return
    state = domain.get_active_state(tr, omit_unset_slots=omit_unset_slots)
    if ignore_rule_only_turns:
        domain._remove_rule_only_features(state, rule_only_data)
        if states:
            domain._substitute_rule_only_user_input(state, states[-1])
        if replay.last_ml_action_sub_state:
            state[constants.PREVIOUS_ACTION] = replay.last_ml_action_sub_state
    states.append(domain._clean_state(state))


def _copy(states: list[State]) -> list[State]:
    """The states and their parts (intent, slots, previous action...) copied, parts shared between
    states still shared, as in a list Rasa builds afresh (the values inside are strings and tuples)."""
    copies: dict[int, Any] = {}
    result = []
    for state in states:
        copied = {}
        for key, part in state.items():
            if isinstance(part, dict):
                if id(part) not in copies:
                    copies[id(part)] = dict(part)
                part = copies[id(part)]
            copied[key] = part
        result.append(copied)
    return result


def _layout(state: State, where: dict[int, int], parts: list[dict], extra: Optional[dict[int, int]] = None,
            offset: int = 0) -> Optional[tuple]:
    """The state's keys with their parts' positions (a part new to `where` is added to `extra` if given, else
    to `where`, and appended to `parts`; positions in `extra` start at `offset`); None if a part is not a dict."""
    layout = []
    for key, part in state.items():
        if type(part) is not dict:
            return None
        position = where.get(id(part))
        if position is None and extra is not None:
            position = extra.get(id(part))
        if position is None:
            position = len(parts) + offset
            (where if extra is None else extra)[id(part)] = position
            parts.append(part)
        layout.append((key, position))
    return tuple(layout)


def _copies(replay: _Replay, states: list[State]) -> list[State]:
    """`_copy(states)`, where `states` are the replay's kept states and what follows them: each kept
    state's layout of parts is worked out once, so a call copies the distinct parts and fills new states
    from them (about three times as fast as `_copy` at turn 50), sharing parts as `_copy` does."""
    kept = replay.states
    if replay.odd or len(states) < len(kept) or not all(map(operator.is_, states, kept)):
        return _copy(states)
    for state in kept[len(replay.layouts):]:
        layout = _layout(state, replay.where, replay.parts)
        if layout is None:
            replay.odd = True
            return _copy(states)
        replay.layouts.append(layout)
    extra: dict[int, int] = {}
    extra_parts: list[dict] = []
    extra_layouts = []
    for state in states[len(kept):]:  # the state after the last event (not kept), sharing parts with the kept
        layout = _layout(state, replay.where, extra_parts, extra, len(replay.parts))
        if layout is None:
            return _copy(states)
        extra_layouts.append(layout)
    copied = list(map(dict, replay.parts)) + list(map(dict, extra_parts))
    return [{key: copied[position] for key, position in layout} for layout in replay.layouts + extra_layouts]


def states_for_tracker_history(self: Domain, tracker: DialogueStateTracker, omit_unset_slots: bool = False,
                               ignore_rule_only_turns: bool = False,
                               rule_only_data: Optional[dict[str, Any]] = None) -> list[State]:
    """Domain.states_for_tracker_history, carrying on from the last call for the same conversation."""
    if tracker.is_rule_tracker or not tracker.sender_id:
        return _original(self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    key = (tracker.sender_id, omit_unset_slots, ignore_rule_only_turns,
           repr(sorted(rule_only_data.items())) if ignore_rule_only_turns and rule_only_data else None)
    applied = tracker.applied_events()
    with _lock:
        replay = _kept.pop(key, None)  # taken: a concurrent call for the same conversation starts afresh
    if (replay is None or replay.domain is not self or len(replay.events) > len(applied)
            or not (all(map(operator.is_, replay.events, applied))  # within a message: the same objects (fast)
                    or all(_same(kept, now, was and _stored(tracker, now))
                           for kept, was, now in zip(replay.events, replay.stored, applied)))):
        replay = _Replay(self, [], [], tracker.init_copy())
    if replay.events and replay.events[0] is not applied[0]:  # read again: the objects of now from here on
        replay.events = applied[:len(replay.events)]  # so that the next call compares by identity
        replay.stored = [_stored(tracker, event) for event in replay.events]
    for event in applied[len(replay.events):]:
        if isinstance(event, ActionExecuted):
            _describe(self, replay, replay.tracker, event.hide_rule_turn, omit_unset_slots,
                      ignore_rule_only_turns, rule_only_data)
        replay.tracker.update(event)
        replay.events.append(event)
        replay.stored.append(_stored(tracker, event))
    # the state after the last event, described on a copy of the turn's flags (it is not kept)
    last = _Replay(self, [], [], replay.tracker, list(replay.states), replay.last_ml_action_sub_state,
                   replay.turn_was_hidden)
    _describe(self, last, replay.tracker, False, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    result = _copies(replay, last.states)
    with _lock:
        _kept[key] = replay
        while len(_kept) > MAX_CONVERSATIONS:
            _kept.popitem(last=False)
    if os.environ.get("MEDWAY_CHECK_HISTORY_STATES") == "1":
        expected = _original(self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
        if expected != result:
            raise AssertionError(f"kept history states differ from Rasa's for {tracker.sender_id!r}")
    return result


def forget(sender_id: str) -> None:
    """Drop what is kept for a conversation: the tracker store calls this when a turn it saves had
    personal details that it redacted, so that memory never keeps more than the store does."""
    with _lock:
        for key in [key for key in _kept if key[0] == sender_id]:
            del _kept[key]


_original_applied_events = DialogueStateTracker.applied_events


def _apply(tracker: DialogueStateTracker, events: Iterable[Event], loop_names: set, applied: list[Event]) -> list[Event]:
    """The loop of Rasa 3.6's DialogueStateTracker.applied_events, from `applied` on."""
    for event in events:
        if isinstance(event, (Restarted, SessionStarted)):
            applied = []
        elif isinstance(event, ActionReverted):
            tracker._undo_till_previous(ActionExecuted, applied)
        elif isinstance(event, UserUtteranceReverted):
            tracker._undo_till_previous(UserUttered, applied)
            tracker._undo_till_previous(ActionExecuted, applied)
        elif (isinstance(event, ActionExecuted) and event.action_name in loop_names
              and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)):
            tracker._undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)
    return applied


def applied_events(self: DialogueStateTracker) -> list[Event]:
    """DialogueStateTracker.applied_events, carried on from its last call on this tracker when events
    were only added since (and no form or loop new to the conversation began among them, which would
    change how earlier events count): called about ten times a message, each over the whole session."""
    events = self.events
    count = len(events)
    kept = self.__dict__.get("_medway_applied")
    if (kept is not None and kept[0] is events and count >= kept[1]
            and (kept[1] == 0 or events[kept[1] - 1] is kept[2])):
        added = list(itertools.islice(events, kept[1], count))
        if not any(isinstance(e, ActiveLoop) and e.name and e.name not in kept[3] for e in added):
            applied = _apply(self, added, kept[3], list(kept[4]))
            self._medway_applied = (events, count, events[-1] if count else None, kept[3], applied)
            return list(applied)
    loop_names = {event.name for event in events if isinstance(event, ActiveLoop) and event.name}
    applied = _apply(self, events, loop_names, [])
    self._medway_applied = (events, count, events[-1] if count else None, loop_names, applied)
    return list(applied)


def install() -> None:
    """Called by addons.rasa_speedups.install(); `MEDWAY_KEEP_HISTORY_STATES=0` leaves this one out (for measuring)."""
    if os.environ.get("MEDWAY_KEEP_HISTORY_STATES", "1") == "0":
        return
    Domain.states_for_tracker_history = states_for_tracker_history  # type: ignore[method-assign]
    DialogueStateTracker.applied_events = applied_events  # type: ignore[method-assign]
