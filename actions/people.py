from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.directory import end_search, question_about_results, send_about_results
from actions.replies import LAST_ENTRY, send
from actions.safeguarding import after_emergency
from bot import answers, content, followups, people, turns


def contact_details(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[Dict[Text, Any]]]:
    """"Can you just tell me the number?" or "what's the email?" straight after the list of people:
    where each one's current details are, instead of "only SEND" or the same list again. None: not that."""
    text = (tracker.latest_message or {}).get("text") or ""
    detail = followups.asks_for_detail(text, content.live())
    if not detail or detail.name != "contact" or not turns.ran(tracker.events, "action_talk_to_person"):
        return None
    dispatcher.utter_message(text=people.contact_details_message(), buttons=[people.handoff_button()])
    return []


class ActionTalkToPerson(Action):
    """Who to talk to, with what each service does and where its details come from; a weak guess at
    it in the middle of a conversation may be a follow-up to the last answer (bot/answers.py), and
    "their number" after a page of results asks for those services' details."""

    def name(self) -> Text:
        return "action_talk_to_person"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        crisis = after_emergency(dispatcher, tracker)  # "can i text someone" after the emergency reply
        if crisis is not None:
            return crisis
        details = contact_details(dispatcher, tracker)
        if details is not None:
            return details + end_search(tracker)
        about = question_about_results(tracker)  # "can you give me their phone number" after the results
        if about and about.pointing:
            return send_about_results(dispatcher, tracker, about)
        parse = answers.Parse.of(tracker.latest_message or {})
        in_context = answers.handoff_in_context(parse, tracker.get_slot(LAST_ENTRY), content.live(), tracker.events)
        if in_context:
            return send(in_context, dispatcher) + end_search(tracker)
        dispatcher.utter_message(
            text=people.handoff_message(),
            buttons=[{"title": "Leave a question for a volunteer", "payload": "/leave_question"},
                     {"title": "Other topics", "payload": "/help"}],
        )
        return end_search(tracker)
