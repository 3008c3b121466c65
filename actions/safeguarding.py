from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.directory import end_search
from bot import people, safety

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
            text = safety.emergency_message(kind=kind)
        dispatcher.utter_message(text=text, buttons=BUTTONS)
        return end_search(tracker)
