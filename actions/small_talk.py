from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.faq import LAST_ENTRY, send
from bot import answers, content, repeats


class ActionSmallTalk(Action):
    """Greeting, thanks and goodbye from their domain responses (`utter_<intent>`), never the same
    words as the turn before: the variation the last turn did not send. A weak guess at thanks after
    an answer is first read as a follow-up to it ("ok and if that doesn't work")."""

    def name(self) -> Text:
        return "action_small_talk"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "thanks":
            in_context = answers.unsure_in_context(answers.Parse.of(tracker.latest_message or {}),
                                                   tracker.get_slot(LAST_ENTRY), content.live(), tracker.events)
            if in_context:
                return send(in_context, dispatcher)
        variations = (domain.get("responses") or {}).get(f"utter_{intent}") or []
        if not variations:
            dispatcher.utter_message(response="utter_default")
            return []
        chosen = repeats.fresh_variation(variations, tracker.events)
        dispatcher.utter_message(text=chosen.get("text"), buttons=chosen.get("buttons") or [])
        return []
