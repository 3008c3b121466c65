from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.directory import end_search
from bot import safety


class ActionSafeguarding(Action):
    """Emergency routes first, from content/safeguarding.yml."""

    def name(self) -> Text:
        return "action_safeguarding"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(
            text=safety.emergency_message(),
            buttons=[{"title": "Talk to a person", "payload": "/human_handoff"},
                     {"title": "Other topics", "payload": "/help"}],
        )
        return end_search(tracker)
