"""The policies' kept history states (addons/history_states.py) are exactly Rasa's, call after call."""
from __future__ import annotations

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Restarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from addons import history_states

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [greet, ask, find_service, inform]
entities: [area]
slots:
  area:
    type: text
    mappings: [{type: from_entity, entity: area}]
  last_entry:
    type: text
    influence_conversation: false
    mappings: [{type: custom}]
forms:
  service_search_form:
    required_slots: [area]
actions: [action_answer, validate_service_search_form]
responses:
  utter_greet: [{text: hi}]
""")


def _user(text: str, intent: str, entities: list | None = None) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 1.0}, entities or [],
                       parse_data={"text": text, "intent": {"name": intent, "confidence": 1.0},
                                   "entities": entities or [], "text_tokens": [(0, len(text))]})


TURNS = [
    [_user("hello", "greet"), ActionExecuted("utter_greet", hide_rule_turn=True), BotUttered("hi"),
     ActionExecuted("action_listen")],
    [_user("what is an ehcp", "ask"), ActionExecuted("action_answer"), BotUttered("an answer"),
     SlotSet("last_entry", "ehcp"), ActionExecuted("action_listen")],
    [_user("speech therapy", "find_service"), ActionExecuted("service_search_form"),
     ActiveLoop("service_search_form"), SlotSet("requested_slot", "area"), ActionExecuted("action_listen")],
    [_user("Gillingham", "inform", [{"entity": "area", "value": "Gillingham", "start": 0, "end": 10}]),
     ActionExecuted("service_search_form"), SlotSet("area", "Gillingham"), ActiveLoop(None),
     SlotSet("requested_slot", None), ActionExecuted("action_answer"), ActionExecuted("action_listen")],
    [_user("oops", "ask"), UserUtteranceReverted()],
    [_user("what is an ehcp", "ask"), ActionExecuted("action_answer"), BotUttered("an answer"),
     ActionExecuted("action_listen")],
    [Restarted(), ActionExecuted("action_listen"), _user("hello", "greet"), ActionExecuted("utter_greet")],
]

CALLS = [{}, {"ignore_rule_only_turns": True, "rule_only_data": {"slots": ["last_entry"], "active_loops": []}},
         {"omit_unset_slots": True}]


def _expected(tracker: DialogueStateTracker, **kwargs) -> list:
    return history_states._original(DOMAIN, tracker, **kwargs)


@pytest.mark.parametrize("marked", [True, False], ids=["read by our tracker store", "read otherwise"])
def test_kept_states_equal_rasas_within_a_turn_and_across_turns_read_again(marked):
    events: list = []
    for number, turn in enumerate(TURNS):
        # each turn starts from the stored conversation (new objects, JSON round trip), as a Rasa server does
        stored = [e.as_dict() for e in events]
        tracker = DialogueStateTracker.from_dict(f"conversation-{marked}", stored, DOMAIN.slots)
        if marked:
            history_states.mark_stored(tracker)
        for event in turn:
            tracker.update(event)
            kept = history_states.applied_events(tracker)
            assert [id(e) for e in kept] == [id(e) for e in history_states._original_applied_events(tracker)]
            for kwargs in CALLS:
                got = history_states.states_for_tracker_history(DOMAIN, tracker, **kwargs)
                assert got == _expected(tracker, **kwargs), (number, event, kwargs)
                got[-1].clear()  # a caller changing what it was given changes nothing kept
        events = list(tracker.events)


def test_a_changed_earlier_event_starts_the_replay_afresh():
    sender = "conversation-changed"
    first = DialogueStateTracker.from_events(sender, [e for turn in TURNS[:2] for e in turn], DOMAIN.slots)
    history_states.states_for_tracker_history(DOMAIN, first)
    changed = [e for turn in TURNS[:2] for e in turn]
    changed[0] = _user("hello", "ask")  # the first message now reads as another intent
    second = DialogueStateTracker.from_events(sender, changed, DOMAIN.slots)
    assert history_states.states_for_tracker_history(DOMAIN, second) == _expected(second)


def test_a_turn_with_personal_details_is_not_kept_after_it_is_saved(tmp_path):
    import asyncio

    from addons.tracker_store import RedactingSQLTrackerStore

    store = RedactingSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    for text, kept in (("hello", True), ("call me on 07700 900123", False)):
        tracker = DialogueStateTracker.from_events(f"conversation-{text}", [_user(text, "greet")], DOMAIN.slots)
        history_states.states_for_tracker_history(DOMAIN, tracker)
        asyncio.run(store.save(tracker))
        assert any(key[0] == tracker.sender_id for key in history_states._kept) is kept, text


def _sharing(states: list) -> list:
    """Which parts of the states are one and the same dictionary: each part as the first place it is found."""
    first: dict[int, tuple] = {}
    return [first.setdefault(id(part), (number, key)) for number, state in enumerate(states)
            for key, part in state.items()]


def test_copies_share_parts_as_a_list_rasa_builds_afresh():
    # the copies are made from each kept state's layout of parts (`_copies`): the same sharing as Rasa's list
    tracker = DialogueStateTracker.from_events("conversation-sharing", [], DOMAIN.slots)
    for event in [e for turn in TURNS for e in turn]:
        tracker.update(event)
        for kwargs in CALLS:
            got = history_states.states_for_tracker_history(DOMAIN, tracker, **kwargs)
            expected = _expected(tracker, **kwargs)
            assert got == expected and _sharing(got) == _sharing(expected), (event, kwargs)
            assert _sharing(got) == _sharing(history_states._copy(expected))
