"""A tracker's copies (addons/tracker_copies.py) are Rasa's copies, copy after copy, as the conversation goes on."""
from __future__ import annotations

from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from addons import tracker_copies
from tests.test_history_states import DOMAIN, TURNS, _user


def _rasas_copy(tracker: DialogueStateTracker) -> DialogueStateTracker:
    return tracker_copies._original_copy(tracker)


def test_each_copy_equals_rasas_after_every_event():
    tracker = DialogueStateTracker("copied", DOMAIN.slots)
    for number, turn in enumerate(TURNS):  # a form, slots, a reverted message, a restart
        for event in turn:
            tracker.update(event)
            made = tracker_copies.copy_tracker(tracker)
            assert tracker_copies.differences(made, _rasas_copy(tracker)) == [], (number, event)


def test_a_copy_changed_by_its_user_changes_neither_the_tracker_nor_the_next_copy():
    tracker = DialogueStateTracker.from_events("changed", [e for turn in TURNS[:3] for e in turn], DOMAIN.slots)
    first = tracker_copies.copy_tracker(tracker)
    assert first.active_loop_name == "service_search_form"
    # what Rasa does with the copy it runs an action on: adds events, which change slots and the loop
    first.update_with_events([ActionExecuted("service_search_form"), SlotSet("area", "Strood"), ActiveLoop(None)],
                             DOMAIN)
    first.active_loop = None
    first.latest_action["action_name"] = "changed in place"
    second = tracker_copies.copy_tracker(tracker)
    assert tracker_copies.differences(second, _rasas_copy(tracker)) == []
    assert second.get_slot("area") is None and second.active_loop_name == "service_search_form"
    assert len(tracker.events) == len(second.events) == len(first.events) - 3


def test_a_replaced_earlier_event_is_replayed_afresh():
    # the tracker store puts a redacted copy of the assistant's message in place of the one shown
    events = [_user("hi", "greet"), ActionExecuted("utter_greet"), BotUttered("call 01634 000000"),
              ActionExecuted("action_listen")]
    tracker = DialogueStateTracker.from_events("replaced", events, DOMAIN.slots)
    tracker_copies.copy_tracker(tracker)
    tracker.events[2] = BotUttered("call [phone]")
    tracker.update(_user("thanks", "greet"))
    made = tracker_copies.copy_tracker(tracker)
    assert tracker_copies.differences(made, _rasas_copy(tracker)) == []
    assert [e.text for e in made.events if isinstance(e, BotUttered)] == ["call [phone]"]


def test_a_difference_is_found():
    tracker = DialogueStateTracker.from_events("found", [e for turn in TURNS[:2] for e in turn], DOMAIN.slots)
    made = tracker_copies.copy_tracker(tracker)
    made.slots["last_entry"].value = "another"
    assert tracker_copies.differences(made, _rasas_copy(tracker)) == ["slots"]


def test_installed_in_the_rasa_server_process():
    import addons.tracker_store  # noqa: F401  (every Rasa server of this project imports it)

    assert DialogueStateTracker.copy is tracker_copies.copy_tracker
