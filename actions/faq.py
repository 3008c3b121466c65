from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.deadlines import send_dates
from actions.directory import after_results
from actions.replies import LAST_ENTRY, send
from actions.safeguarding import after_emergency
from bot import answers, content, deadlines, followups


class ActionAnswerFaq(Action):
    """Answers a `faq_<id>` intent from content/faq/, read at run time (no retraining for new wording);
    a short or unsure follow-up is read against the last answer, and a repeat is not sent word for word."""

    def name(self) -> Text:
        return "action_answer_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        crisis = after_emergency(dispatcher, tracker)  # "what do i do" after the emergency reply
        if crisis is not None:
            return crisis
        message = tracker.latest_message or {}
        # A long message that asked two things: this answers the main one and offers the other.
        other = (message.get("other_question") or {}).get("name")
        parse = answers.Parse.of(message)
        # After the results: "he's 12 actually" reads like a question about ages, "is the first one free?" like
        # free childcare; a question that names a result is about it however sure the model is.
        refined = await after_results(dispatcher, tracker, explicit_only=parse.confidence >= followups.UNSURE)
        if refined is not None:
            return refined
        dated = deadlines.dated_question(parse.text)  # a long post with a date that asks when it is due
        if dated:
            return send_dates(dispatcher, dated, parse.text)
        library = content.live()
        instead = answers.read_instead(parse, library)
        if instead is not None:
            outcome = answers.answer(instead, library, tracker.events)
        else:
            outcome = answers.faq(parse, tracker.get_slot(LAST_ENTRY), library, tracker.events, other_question=other)
        return send(outcome, dispatcher, tracker)
