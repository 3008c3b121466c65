from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.directory import refine_results
from bot import answers, content, followups

LAST_ENTRY = "last_entry"
"""The FAQ entry last answered: the topic a short follow-up is read against (bot/followups.py)."""


def send(outcome: answers.Outcome, dispatcher: CollectingDispatcher) -> List[Dict[Text, Any]]:
    """Send an outcome from bot/answers.py; remember the entry it was about."""
    if outcome.response:
        dispatcher.utter_message(response=outcome.response)
    for message in outcome.messages:
        if message.custom is not None:
            dispatcher.utter_message(json_message=message.custom)
        else:
            dispatcher.utter_message(text=message.text, buttons=message.buttons)
    return [SlotSet(LAST_ENTRY, outcome.entry)] if outcome.entry else []


class ActionAnswerFaq(Action):
    """Answers a `faq_<id>` intent from content/faq/, read at run time (no retraining for new wording);
    a short or unsure follow-up is read against the last answer, and a repeat is not sent word for word."""

    def name(self) -> Text:
        return "action_answer_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        message = tracker.latest_message or {}
        # A long message that asked two things: this answers the main one and offers the other.
        other = (message.get("other_question") or {}).get("name")
        parse = answers.Parse.of(message)
        if parse.confidence < followups.UNSURE:  # "he's 12 actually" after the results reads like a question about ages
            refined = await refine_results(dispatcher, tracker)
            if refined is not None:
                return refined
        outcome = answers.faq(parse, tracker.get_slot(LAST_ENTRY), content.live(),
                              tracker.events, other_question=other)
        return send(outcome, dispatcher)
