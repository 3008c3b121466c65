from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot import content


class ActionAnswerFaq(Action):
    """Answers a `faq_<id>` intent from content/faq/, read at run time (no retraining for new wording)."""

    def name(self) -> Text:
        return "action_answer_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        library = content.live()
        entry = library.by_intent((tracker.latest_message.get("intent") or {}).get("name"))
        if entry is None:
            dispatcher.utter_message(response="utter_default")
            return []
        # A long message that asked two things: this answers the main one and offers the other.
        also = library.by_intent((tracker.latest_message.get("other_question") or {}).get("name"))
        text = content.reply_text(entry)
        if also and also.id != entry.id:
            text += "\n\n" + content.also_asked_text(also)
        dispatcher.utter_message(text=text, buttons=content.follow_up_buttons(entry, library, also=also))
        # Lets the web widget ask "Was this helpful?" about this answer.
        dispatcher.utter_message(json_message={"feedback_for": entry.id})
        return []
