"""actions/posted_body.py: the action server decodes only the events it was not posted before, and gets
exactly the value Sanic's `request.json` decodes from the whole body."""
import json

import pytest
import ujson

from actions import posted_body
from addons import posted_events


def _body(sender: str, events: list[dict], latest_whole: bool = True) -> bytes:
    """A body as our Rasa server posts it (addons.posted_events.serialize)."""
    texts = [ujson.dumps(event) for event in events]
    state = {"sender_id": sender, "slots": {"area": "Chatham"}, "latest_message": {"text": "x"}}
    posted = posted_events.PostedEvents(events, ",".join(texts))
    return posted_events.serialize({"next_action": "action_x", "sender_id": sender,
                                    "tracker": {**state, "events": posted}, "version": "3.6.21",
                                    "domain": {"slots": {"area": {}}}}).encode()


def _user(text: str, when: float) -> dict:
    return {"event": "user", "timestamp": when, "text": text, "parse_data": {"intent": {"name": "ask"}}}


def _bot(text: str, when: float) -> dict:
    return {"event": "bot", "timestamp": when, "text": text, "data": {"buttons": [{"title": "Yes", "payload": "/yes"}]}}


def test_the_same_value_as_the_whole_body_through_a_conversation():
    sender = "posted-body"
    posted_body.forget(sender)
    events: list[dict] = [{"event": "session_started", "timestamp": 1.0}]
    steps = [[_user("hello", 2.0), _bot("Hello.", 2.1)], [_user("my son’s EHCP 😟 \\ \"quoted\" ]},", 3.0)],
             [_bot("An EHC plan is {a plan}", 3.1), {"event": "slot", "timestamp": 3.2, "name": "area", "value": "x"}],
             [_user("more", 4.0), _bot("1. Service 01634 123456", 4.1)], [_user("is it free", 5.0)]]
    for added in steps:
        events += added
        body = _body(sender, events)
        decoded = posted_body.decode(body)
        assert decoded == posted_body._whole(body) == posted_events.without_mark(json.loads(body.decode()))
        assert posted_body.EVENTS_AT not in decoded
        assert decoded["tracker"]["events"] == json.loads(json.dumps(events))
    joined, kept = posted_body._kept[sender]
    latest_user = max(i for i, event in enumerate(events) if event["event"] == "user")
    assert [value for _, value in kept] == events[:latest_user]  # nothing from the latest message on
    assert joined == b",".join(text for text, _ in kept)
    # an earlier event replaced (the store's redacted copy of a reply), then events dropped
    events[4] = _bot("1. Service [phone number]", 4.1)
    assert posted_body.decode(_body(sender, events))["tracker"]["events"] == events
    del events[3:]
    assert posted_body.decode(_body(sender, events))["tracker"]["events"] == events
    events.append(_user("another", 6.0))
    assert posted_body.decode(_body(sender, events))["tracker"]["events"] == events


def test_a_body_without_the_mark_or_that_does_not_fit_is_decoded_whole():
    plain = ujson.dumps({"next_action": "action_x", "sender_id": "p", "tracker": {"events": [{"event": "x"}]}}).encode()
    assert posted_body.decode(plain) == json.loads(plain)
    wrong_place = plain[:-1] + b',"' + posted_body.EVENTS_AT.encode() + b'":3}'
    assert posted_body.decode(wrong_place) == json.loads(plain)
    with pytest.raises(ValueError):
        posted_body.decode(b'{"a": ')


def test_the_mark_is_named_alike_on_both_sides():
    assert posted_body.EVENTS_AT == posted_events.EVENTS_AT


def test_at_most_so_many_conversations_are_kept():
    for number in range(posted_body.MAX_CONVERSATIONS + 5):
        posted_body.decode(_body(f"many-{number}", [_user("a", 1.0), _bot("b", 1.1), _user("c", 2.0)]))
    assert len(posted_body._kept) <= posted_body.MAX_CONVERSATIONS
