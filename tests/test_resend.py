"""channels/resend.py: which stored replies answer a resent message, and which message ids are accepted."""
import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from channels.resend import checked_message_id, stored_replies


def test_the_replies_after_the_stored_message_up_to_the_next_are_sent_again():
    events = [UserUttered("hi", message_id="a.1"), ActionExecuted("utter_greet"), BotUttered("Hello"),
              UserUttered("what is an ehcp", message_id="a.2"), BotUttered("An EHCP is", {"buttons": [{"title": "More"}]}),
              BotUttered(None, {"custom": {"feedback_for": "x"}}), UserUttered("bye", message_id="a.3")]
    assert stored_replies(events, "a.2") == [{"text": "An EHCP is", "buttons": [{"title": "More"}]},
                                             {"text": None, "custom": {"feedback_for": "x"}}]
    assert stored_replies(events, "a.1") == [{"text": "Hello"}]
    assert stored_replies(events, "a.3") == []
    assert stored_replies(events, "a.4") is None


@pytest.mark.parametrize("value", ["", "has space", "x" * 81, 5, ["a"]])
def test_a_malformed_message_id_is_refused(value):
    with pytest.raises(ValueError):
        checked_message_id(value)


def test_a_message_id_like_a_uuid_or_a_turn_is_accepted():
    assert checked_message_id(None) is None
    assert checked_message_id("3f2b9c1e-0d2a-4e5b-9a7c-1d2e3f4a5b6c") == "3f2b9c1e-0d2a-4e5b-9a7c-1d2e3f4a5b6c"
    assert checked_message_id("bench-1.10") == "bench-1.10"
