from datetime import datetime
from typing import Any, Dict, List, Text
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import LAST_ENTRY, send
from bot import answers, content, deadlines

UK = ZoneInfo("Europe/London")


def send_dates(dispatcher: CollectingDispatcher, intent: str, text: str) -> List[Dict[Text, Any]]:
    """The statutory dates from the date the parent wrote, with the related answers as buttons."""
    reply = deadlines.reply_to(intent, text, datetime.now(UK).date())
    related = ["ehcp_timescales", "ehcp_deadline_missed"] if intent == "deadline_assessment" else ["appeals_tribunal", "mediation"]
    dispatcher.utter_message(text=reply, buttons=content.buttons_for(related, content.live()))
    # the dates are that entry's time limits worked out: "and if they say no" or "they've missed one" next
    # is read against it, as after its answer
    return [SlotSet(LAST_ENTRY, related[0])]


class ActionDeadlines(Action):
    """Statutory dates from a date the parent wrote in their message."""

    def name(self) -> Text:
        return "action_deadlines"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        text = tracker.latest_message.get("text") or ""
        earlier = [str(e.get("text") or "") for e in reversed(tracker.events) if e.get("event") == "user"][1:]
        # "when is my deadline?" after "the letter saying they won't assess was dated 10 October"
        joined = deadlines.with_earlier_date(text, earlier, datetime.now(UK).date())
        if joined != text:
            intent, text = deadlines.dated_question(joined + " when is the deadline") or intent, joined
        else:  # no date anywhere: "when do we get the decision" after the Tribunal answer
            in_context = answers.deadline_in_context(answers.Parse.of(tracker.latest_message or {}),
                                                     tracker.get_slot(LAST_ENTRY), content.live(), tracker.events)
            if in_context:
                return send(in_context, dispatcher, tracker)
        return send_dates(dispatcher, intent, text)
