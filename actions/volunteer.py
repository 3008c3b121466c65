"""Leave a question for a forum volunteer: the question, explicit consent, then an optional email.

Nothing is stored unless the parent says yes. The question is redacted before it is stored; the
email (if given) is kept so a volunteer can reply, and both go after the retention period.
"""
import asyncio
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.directory import INTERRUPTIONS
from bot import safety, volunteer_queue
from bot.input_checks import unusual
from bot.volunteer_consent import answer_to_consent, changed_to_yes, wants_no_email

SLOTS = ("volunteer_question", "volunteer_consent", "volunteer_email")


def _recognised(slot: str, text: str) -> bool:
    """A plain answer to the question asked: a yes or no, an email, or no email."""
    if slot == "volunteer_consent":
        return answer_to_consent(text) is not None
    if slot == "volunteer_email":
        return wants_no_email(text) or volunteer_queue.valid_email(text)
    return False


def _answer(tracker: Tracker, slot: str) -> Optional[str]:
    """The latest message as the answer to `slot`, unless it is a button or an interruption.

    A message matching a safeguarding pattern always stops the form. Otherwise a plain answer
    ("yes", an email address) is taken whatever the model made of it, and anything else the
    model reads as safeguarding, a restart or a hand-off stops the form instead.
    """
    message = tracker.latest_message or {}
    text = (message.get("text") or "").strip()
    intent = (message.get("intent") or {}).get("name")
    if tracker.get_slot("requested_slot") != slot or text.startswith("/") or safety.match(text):
        return None
    if intent in INTERRUPTIONS and not _recognised(slot, text):
        return None
    return text


class ValidateVolunteerQuestionForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_volunteer_question_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        """"Cancel" or "never mind" at any step, or a bare "no" when asked for the question, ends the form
        with nothing kept (it was taken as the question, or asked again for ever): action_leave_question
        then says nothing has been kept. "Actually yes, please leave it" when asked for the question is
        asked for the question again, never kept as the question."""
        requested = tracker.get_slot("requested_slot")
        text = ((tracker.latest_message or {}).get("text") or "").strip()
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        asked_question = requested == "volunteer_question" and not text.startswith("/")
        if asked_question and changed_to_yes(text):  # "actually yes please leave it" is not the question
            dispatcher.utter_message(text="Of course.")
            return [SlotSet("volunteer_question", None)]
        bare_no = asked_question and answer_to_consent(text) == "no" and len(text.split()) <= 3
        if bare_no or (requested in SLOTS and intent == "stop" and not text.startswith("/")
                       and not _recognised(requested, text)):
            return [SlotSet(slot, None) for slot in SLOTS] + [SlotSet("requested_slot", None)]
        return await super().run(dispatcher, tracker, domain)

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        """No consent, no email question."""
        if tracker.get_slot("volunteer_consent") == "no":
            return [s for s in domain_slots if s != "volunteer_email"]
        return domain_slots

    async def extract_volunteer_question(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                         domain: DomainDict) -> Dict[Text, Any]:
        text = _answer(tracker, "volunteer_question")
        return {} if text is None else {"volunteer_question": text}

    async def extract_volunteer_consent(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                        domain: DomainDict) -> Dict[Text, Any]:
        text = _answer(tracker, "volunteer_consent")
        return {} if text is None else {"volunteer_consent": text}

    async def extract_volunteer_email(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                      domain: DomainDict) -> Dict[Text, Any]:
        text = _answer(tracker, "volunteer_email")
        return {} if text is None else {"volunteer_email": text}

    async def validate_volunteer_question(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                          domain: DomainDict) -> Dict[Text, Any]:
        text = str(value or "").strip()
        if unusual(text) or len(text.split()) < 2:
            dispatcher.utter_message(response="utter_volunteer_question_unclear")
            return {"volunteer_question": None}
        if len(text) > volunteer_queue.MAX_QUESTION_CHARS:
            dispatcher.utter_message(response="utter_volunteer_question_too_long")
            return {"volunteer_question": None}
        return {"volunteer_question": text}

    async def validate_volunteer_consent(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                         domain: DomainDict) -> Dict[Text, Any]:
        consent = answer_to_consent(str(value or ""))
        if consent is None:
            dispatcher.utter_message(response="utter_volunteer_consent_unclear")
        return {"volunteer_consent": consent}

    async def validate_volunteer_email(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: DomainDict) -> Dict[Text, Any]:
        text = str(value or "").strip()
        if wants_no_email(text):
            return {"volunteer_email": "none"}
        if volunteer_queue.valid_email(text):
            return {"volunteer_email": text}
        dispatcher.utter_message(response="utter_volunteer_email_invalid")
        return {"volunteer_email": None}


class ActionLeaveQuestion(Action):
    """Stores the question only with consent, says what happens next, and clears the form's slots."""

    def name(self) -> Text:
        return "action_leave_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        question = tracker.get_slot("volunteer_question")
        clear = [SlotSet(slot, None) for slot in SLOTS]
        if tracker.get_slot("volunteer_consent") != "yes" or not question:
            dispatcher.utter_message(response="utter_volunteer_not_saved")
            return clear
        email = tracker.get_slot("volunteer_email")
        email = email if email and email != "none" else None
        await asyncio.to_thread(volunteer_queue.add, volunteer_queue.shared(), question, email)
        dispatcher.utter_message(response="utter_volunteer_saved_reply" if email else "utter_volunteer_saved")
        return clear
