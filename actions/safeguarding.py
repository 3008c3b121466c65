from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.directory import end_search
from actions.replies import send
from bot import answers, content, people, repeats, safety

BUTTONS = [people.handoff_button(), {"title": "Other topics", "payload": "/help"}]


def previous_bot_action(tracker: Tracker) -> Optional[str]:
    """The last action the assistant ran before the message it is answering now."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return None
            seen_user = True
        elif seen_user and event.get("event") == "action" and event.get("name") != "action_listen":
            return event.get("name")
    return None


AFTER_TURNS = 2
"""A request for help this many of the person's messages after the emergency reply still gets its routes."""

STILL_HERE = "The people above will listen. If anyone is in danger right now, call 999."


def _emergency_kind(tracker: Tracker) -> Optional[str]:
    """The kind of risk of an emergency reply in the last AFTER_TURNS turns ("general" if unknown), or None."""
    messages = 0
    events = list(tracker.events)
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if event.get("event") == "user":
            messages += 1
            if messages > AFTER_TURNS:
                return None
        elif messages and event.get("event") == "action" and event.get("name") == "action_safeguarding":
            asked = next((e for e in reversed(events[:index]) if e.get("event") == "user"), {})
            return ((asked.get("parse_data") or {}).get("safety_guard") or {}).get("kind") or "general"
    return None


def after_emergency(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[Dict[Text, Any]]]:
    """Straight after the emergency reply, "can I text someone?", "will they tell my mum?" or "what do I
    do" gets the routes for that risk again, shorter (it got the list of SEND advice services, "not sure"
    or the general menu: a young person in crisis lost every crisis route). None: not such a message."""
    text = ((tracker.latest_message or {}).get("text") or "").strip()
    if not text or text.startswith("/") or not safety.asks_for_help(text) or safety.guarded(text):
        return None  # a guard phrase ("we're safe now", "excluded") makes it an everyday message
    kind = _emergency_kind(tracker)
    if kind is None:
        return None
    reply = safety.follow_up_message(kind)
    if not repeats.times_in_a_row(tracker.events, text=reply):
        dispatcher.utter_message(text=reply, buttons=BUTTONS)
        return end_search(tracker)
    library, chosen = content.live(), safety.load().kinds.get(kind)
    more = library.entries.get(chosen.entry) if chosen else None
    if more is None:
        dispatcher.utter_message(text=STILL_HERE, buttons=BUTTONS)
        return end_search(tracker)
    return send(answers.answer(more, library, tracker.events), dispatcher) + end_search(tracker)


class ActionSafeguarding(Action):
    """Emergency routes first, led by the first line for the kind of risk (content/safeguarding.yml).

    Straight after an emergency reply, a new risk message gets the shorter reply for its kind
    (999 still first, then the routes that fit, such as family support for violence at home),
    not the same block again."""

    def name(self) -> Text:
        return "action_safeguarding"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        guard = (tracker.latest_message or {}).get("safety_guard") or {}
        kind = guard.get("kind")
        if previous_bot_action(tracker) == self.name():
            text = safety.follow_up_message(kind)
        else:
            said = str((tracker.latest_message or {}).get("text") or "")
            text = safety.emergency_message(kind=kind, for_self=safety.speaks_for_self(said))
        dispatcher.utter_message(text=text, buttons=BUTTONS)
        return end_search(tracker)
