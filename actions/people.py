from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.directory import end_search
from bot import people


class ActionTalkToPerson(Action):
    """Who to talk to, with what each service does and where its details come from."""

    def name(self) -> Text:
        return "action_talk_to_person"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(
            text=people.handoff_message(),
            buttons=[{"title": "Leave a question for a volunteer", "payload": "/leave_question"},
                     {"title": "Other topics", "payload": "/help"}],
        )
        return end_search(tracker)
