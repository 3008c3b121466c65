import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.directory import after_results
from actions.replies import LAST_ENTRY, send
from actions.safeguarding import after_emergency
from bot import answers, content, followups, repeats, turns
from bot.directory import conversation
from bot.volunteer_consent import changed_to_yes

# "We're safe now" is answered with utter_glad_safe only after the emergency reply or when the model
# is sure: a weak guess at it ("can they fine us if she's too anxious to go") is not told "I hope
# you are all safe now".
_RESPONSES = {"reassure_safe": "utter_glad_safe", "acknowledge": "utter_anything_else", "stop": "utter_anything_else",
              "help": "utter_help"}
# "Do I have to do it?" after the mediation answer is no "cancel", however sure the model is.
_QUESTION = re.compile(r"^\W*(?:ok |so |and |but )?(?:what|how|do|does|did|can|could|will|would|is|are|why|when|where|who|"
                       r"should)\b", re.IGNORECASE)


_CALLING_OFF = re.compile(r"^\W*(?:can|could|shall) (?:i|we|you) (?:just )?(?:ask (?:something|anything) else|stop|cancel|"
                          r"leave it|go back|start again|finish)\b", re.IGNORECASE)
"""Questions that do call something off."""


def _after_emergency_reply(tracker: Tracker) -> bool:
    return any(e.get("event") == "action" and e.get("name") == "action_safeguarding" for e in tracker.events)


class ActionSmallTalk(Action):
    """Greeting, thanks, goodbye, "ok" and "we're safe now" from their domain responses (`utter_<intent>`),
    never the same words as the turn before: the variation the last turn did not send. A weak guess
    at thanks after an answer is first read as a follow-up to it ("ok and if that doesn't work"); a
    weak guess at "cancel", or at "we're safe" with no emergency reply before, is answered as not understood."""

    def name(self) -> Text:
        return "action_small_talk"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        crisis = after_emergency(dispatcher, tracker)  # "what do i do" after the emergency reply
        if crisis is not None:
            return crisis
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        parse = answers.Parse.of(tracker.latest_message or {})
        # after the results, "what about hoo" reads as a greeting and "the second one" as "ok" or "cancel"
        if (intent == "greet" and conversation.names_search_terms(parse.text)) or intent in ("acknowledge", "stop"):
            refined = await after_results(dispatcher, tracker)
            if refined is not None:
                return refined
        if turns.ran(tracker.events, "action_leave_question") and changed_to_yes(parse.text):
            return [FollowupAction("volunteer_question_form")]  # "actually yes i do want to leave it"
        pointed = answers.second_part(parse, content.live(), tracker.events) or \
            answers.about_the_answer(parse, tracker.get_slot(LAST_ENTRY), content.live(), tracker.events)
        if pointed:  # "and my other question?", "is that the law?", "write me a letter"
            return send(pointed, dispatcher)
        if intent == "acknowledge":  # "is that right?", "really?" after an answer
            checked = answers.checking(parse, tracker.get_slot(LAST_ENTRY), content.live())
            if checked:
                return send(checked, dispatcher)
        asks = bool(_QUESTION.match(parse.text))
        # "is that safe?" after an answer asks about it: only after the emergency reply is it "we're safe now"
        asks_if_safe = intent == "reassure_safe" and asks and not _after_emergency_reply(tracker)
        if intent in ("thanks", "acknowledge", "stop", "help", "goodbye") or asks_if_safe:  # "do i have to do it" after mediation is no "ok"
            detail = followups.asks_for_detail(parse.text, content.live())
            sure_but_not = (intent == "stop" and asks) or \
                (intent == "help" and (bool(detail) and detail.name in ("steps", "next")
                                       or answers.close_to_an_ask(parse, tracker.get_slot(LAST_ENTRY), content.live()))) or \
                (intent == "goodbye" and asks and not _CALLING_OFF.match(parse.text)) or asks_if_safe  # "can she go back later"
            in_context = answers.unsure_in_context(parse, tracker.get_slot(LAST_ENTRY), content.live(), tracker.events,
                                                   even_if_sure=sure_but_not)
            if in_context:
                return send(in_context, dispatcher)
        # Not "cancel": a question ("can i ask for a different one" after the draft plan) or a weak guess
        # ("wot can i do"); "Is there anything else?" would end the conversation on it.
        not_a_stop = intent == "stop" and (parse.model_confidence < followups.UNSURE or (
            asks and not _CALLING_OFF.match(parse.text)))
        if not_a_stop or asks_if_safe or (intent == "reassure_safe" and parse.model_confidence < followups.UNSURE
                                          and not _after_emergency_reply(tracker)):
            return send(answers.not_understood(parse, tracker.get_slot(LAST_ENTRY), content.live(), None,
                                               tracker.events), dispatcher, tracker)
        variations = (domain.get("responses") or {}).get(_RESPONSES.get(intent, f"utter_{intent}")) or []
        if not variations:
            dispatcher.utter_message(response="utter_default")
            return []
        chosen = repeats.fresh_variation(variations, tracker.events)
        dispatcher.utter_message(text=chosen.get("text"), buttons=chosen.get("buttons") or [])
        return []
