"""Actions with real rasa-sdk Trackers and dispatchers: the exact messages a parent would get."""
import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionFallback
from actions.people import ActionTalkToPerson
from actions.safeguarding import ActionSafeguarding


def tracker_for(text, intent, extra=None):
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": [], **(extra or {})}
    return Tracker("test-user", {}, latest, [], False, None, {}, "action_listen")


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def test_safeguarding_sends_the_emergency_routes_in_one_message_and_no_events():
    messages, events = run(ActionSafeguarding(), tracker_for("he wants to die", "safeguarding"))
    assert events == [] and len(messages) == 1
    text = messages[0]["text"]
    assert text.index("999") < text.index("111") < text.index("01634 334 466")
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/human_handoff", "/help"]


def test_talk_to_person_lists_each_service():
    messages, _ = run(ActionTalkToPerson(), tracker_for("talk to a person", "human_handoff"))
    assert "SENDIASS" in messages[0]["text"] and "Medway Parents and Carers Forum" in messages[0]["text"]


def test_fallback_explains_an_emoji_only_message():
    tracker = tracker_for("🙂🙂", "nlu_fallback", {"safety_guard": {"input_issue": "no_words"}})
    messages, _ = run(ActionFallback(), tracker)
    assert "emoji" in messages[0]["text"]


def test_fallback_offers_the_models_guess():
    tracker = tracker_for("ehcp thingy", "nlu_fallback",
                          {"intent_ranking": [{"name": "nlu_fallback", "confidence": 1.0},
                                              {"name": "faq_ehcp_overview", "confidence": 0.6}]})
    messages, _ = run(ActionFallback(), tracker)
    assert "Did you mean: What an EHC plan is?" in messages[0]["text"]
    assert messages[0]["buttons"][0]["payload"] == "/faq_ehcp_overview"
