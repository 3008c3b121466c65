"""Sending what bot/answers.py decided, shared by the actions that answer in words."""
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import answers, distress, safety

LAST_ENTRY = "last_entry"
"""The FAQ entry last answered: the topic a short follow-up is read against (bot/followups.py)."""


def send(outcome: answers.Outcome, dispatcher: CollectingDispatcher,
         tracker: Optional[Tracker] = None) -> List[Dict[Text, Any]]:
    """Send an outcome from bot/answers.py, after the safety check-in if the guard asked for one (a message
    the model doubtfully read as risk) and a word of acknowledgement if the parent's message (in
    `tracker`) tells of distress; remember the entry it was about."""
    latest = (tracker.latest_message or {}) if tracker else {}
    said = latest.get("text")
    if (latest.get("safety_guard") or {}).get("check_in"):
        rules = safety.load()
        dispatcher.utter_message(text=rules.check_in,
                                 buttons=[{"title": rules.check_in_button, "payload": f"/{safety.DANGER_NOW_INTENT}"}])
    heard = distress.acknowledgement(str(said or ""), tracker.events) if tracker else None
    if heard:
        dispatcher.utter_message(text=heard)
    if outcome.response:
        dispatcher.utter_message(response=outcome.response)
    for message in outcome.messages:
        if message.custom is not None:
            dispatcher.utter_message(json_message=message.custom)
        else:
            dispatcher.utter_message(text=message.text, buttons=message.buttons)
    return [SlotSet(LAST_ENTRY, outcome.entry)] if outcome.entry else []
