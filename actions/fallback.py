from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.directory import after_results, keep_results_in_view
from actions.people import contact_details
from actions.replies import LAST_ENTRY, send
from actions.safeguarding import after_emergency
from bot import answers, content


class ActionFallback(Action):
    """A change to the search results just shown ("free if possible"), or a follow-up read against the
    last answer if it fits; otherwise says plainly that the
    assistant is not sure, offers its best guess if fair, and the menu."""

    def name(self) -> Text:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        crisis = after_emergency(dispatcher, tracker)  # "what do i do" after the emergency reply
        if crisis is not None:
            return crisis
        message = tracker.latest_message or {}
        issue = (message.get("safety_guard") or {}).get("input_issue")
        refined = None if issue else await after_results(dispatcher, tracker)
        if refined is None and not issue:
            refined = contact_details(dispatcher, tracker)
        if refined is not None:
            return refined
        outcome = answers.not_understood(answers.Parse.of(message), tracker.get_slot(LAST_ENTRY), content.live(),
                                         issue, tracker.events)
        return send(outcome, dispatcher, tracker) + ([] if outcome.entry else keep_results_in_view(tracker))


class ActionOutOfScope(Action):
    """"Only SEND" for a message plainly about something else; in a SEND conversation a message
    that may be a follow-up ("whose job is it?") is read against the last answer instead."""

    def name(self) -> Text:
        return "action_out_of_scope"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        crisis = after_emergency(dispatcher, tracker)  # "what do i do" after the emergency reply
        if crisis is not None:
            return crisis
        refined = await after_results(dispatcher, tracker)
        if refined is not None:
            return refined
        details = contact_details(dispatcher, tracker)
        if details is not None:
            return details
        responses = (domain.get("responses") or {}).get("utter_out_of_scope") or [{}]
        outcome = answers.out_of_scope(answers.Parse.of(tracker.latest_message or {}), tracker.get_slot(LAST_ENTRY),
                                       content.live(), str(responses[0].get("text") or ""), tracker.events)
        return send(outcome, dispatcher, tracker) + ([] if outcome.entry else keep_results_in_view(tracker))


class ActionSendGeneral(Action):
    """A SEND message the FAQ has no entry for; after an answer it may be a follow-up to it
    ("and how long till i hear?" after how to ask for an assessment)."""

    def name(self) -> Text:
        return "action_send_general"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        crisis = after_emergency(dispatcher, tracker)  # "what do i do" after the emergency reply
        if crisis is not None:
            return crisis
        refined = await after_results(dispatcher, tracker)
        if refined is not None:
            return refined
        outcome = answers.send_general(answers.Parse.of(tracker.latest_message or {}), tracker.get_slot(LAST_ENTRY),
                                       content.live(), tracker.events)
        return send(outcome, dispatcher, tracker)
