from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot import people

# Which entry of content/people.yml answers an intent on its own; other intents list everyone.
SINGLE_ENTRY = {"ask_forum": "forum"}


class ActionTalkToPerson(Action):
    """Who to talk to, with what each service does and where its details come from."""

    def name(self) -> Text:
        return "action_talk_to_person"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        dispatcher.utter_message(
            text=people.handoff_message(only=SINGLE_ENTRY.get(intent)),
            buttons=[{"title": "Other topics", "payload": "/help"}],
        )
        return []
