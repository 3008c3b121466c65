from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot import fallback


class ActionFallback(Action):
    """Says plainly that the assistant is not sure, offers its best guess if fair, and the menu."""

    def name(self) -> Text:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        message = tracker.latest_message or {}
        issue = (message.get("safety_guard") or {}).get("input_issue")
        reply = fallback.reply(issue, message.get("intent_ranking") or [])
        dispatcher.utter_message(text=reply.text, buttons=reply.buttons)
        return []
