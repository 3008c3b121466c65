from datetime import datetime
from typing import Any, Dict, List, Text
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot import content, deadlines

UK = ZoneInfo("Europe/London")


class ActionDeadlines(Action):
    """Statutory dates from a date the parent wrote in their message."""

    def name(self) -> Text:
        return "action_deadlines"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        text = tracker.latest_message.get("text") or ""
        reply = deadlines.reply_to(intent, text, datetime.now(UK).date())
        if intent == "deadline_assessment":
            related = ["ehcp_timescales", "ehcp_deadline_missed"]
        else:
            related = ["appeals_tribunal", "mediation"]
        dispatcher.utter_message(text=reply, buttons=content.buttons_for(related, content.live()))
        return []
