from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot import repeats


class ActionSmallTalk(Action):
    """Greeting, thanks and goodbye from their domain responses (`utter_<intent>`), never the same
    words as the turn before: the variation the last turn did not send."""

    def name(self) -> Text:
        return "action_small_talk"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        variations = (domain.get("responses") or {}).get(f"utter_{intent}") or []
        if not variations:
            dispatcher.utter_message(response="utter_default")
            return []
        chosen = repeats.fresh_variation(variations, tracker.events)
        dispatcher.utter_message(text=chosen.get("text"), buttons=chosen.get("buttons") or [])
        return []
