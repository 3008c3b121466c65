"""Through the running assistant: what parents type is stored in the tracker store with personal details
redacted, in the messages and in every slot (the directory's search words and the question left for
volunteers included)."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from bot import conversations

pytestmark = pytest.mark.server

# Twenty messages as parents write them (issue 14's probes among them), and the details each must lose.
MESSAGES = [
    ("My son Jack Thompson goes to Balfour Junior School", ["Jack", "Thompson", "Balfour"]),
    ("we live at 14 Maple Avenue, Gillingham", ["Maple"]),
    ("our twins Ella and Grace both have autism, can they get an EHCP each?", ["Ella", "Grace"]),
    ("my son's name is leo and he has ADHD", ["leo"]),
    ("call me on (01634) 333444", ["333444"]),
    ("my mobile is 07700.900.123", ["07700.900.123", "900.123"]),
    ("you can reach me on 0044 7700 900123", ["7700 900123", "900123"]),
    ("her number on the hospital letter is 943 476 5919", ["943 476 5919", "5919"]),
    ("dob 2015-03-12, is he summer born?", ["2015-03-12"]),
    ("my email is jo.parent@example.com", ["jo.parent", "example.com"]),
    ("Harry has autism and won't go to school", ["Harry"]),
    ("Mrs Patel the SENCO said no to an assessment", ["Patel"]),
    ("thank you. Kind regards, Joanne Baker", ["Joanne", "Baker"]),
    ("I'm Dave, Mia's dad, and I want to know about short breaks", ["Dave", "Mia"]),
    ("NHS no 9458073022", ["9458073022"]),
    ("postcode ME7 1AB, is there speech therapy near us?", ["1AB"]),
    ("my daughter Poppy was born on 3rd March 2014", ["Poppy", "3rd March 2014"]),
    ("ring 020 7946 0123 ext 12 after 3", ["7946", "0123"]),
    ("Flat 2, 27 Maidstone Road, Rochester", ["Flat 2", "Maidstone Road"]),
    ("my son Oscar (7) is at St Mary's Primary School in Chatham", ["Oscar", "St Mary's Primary"]),
]


def _stored_events(assistant, sender: str) -> list[dict]:
    engine = conversations.connect(assistant.tracker_url)
    with engine.connect() as connection:
        rows = connection.execute(select(conversations.events.c.data)
                                  .where(conversations.events.c.sender_id == sender)).scalars().all()
    engine.dispose()
    return [json.loads(row) for row in rows]


def _leaks(stored: str, details: list[str]) -> list[str]:
    return [d for d in details if re.search(rf"(?<!\w){re.escape(d)}(?!\w)", stored)]


@pytest.mark.parametrize("message, details", MESSAGES, ids=[m for m, _ in MESSAGES])
def test_each_message_is_stored_without_its_personal_details(assistant, message, details):
    chat = assistant.chat()
    chat.send(message)
    events = _stored_events(assistant, chat.sender)
    said = [e for e in events if e.get("event") == "user"]
    assert said, "the message was not stored"
    assert "[" in said[-1]["text"]  # something was labelled, e.g. [name] or [phone]
    assert _leaks(json.dumps(events, ensure_ascii=False), details) == []


def test_the_directory_search_words_keep_no_name_or_school(assistant):
    chat = assistant.chat()
    assert "What kind of help" in chat.say("find a service")
    chat.say("swimming lessons for my son Jack Thompson who goes to Balfour Junior School")
    slots = [e for e in _stored_events(assistant, chat.sender) if e.get("event") == "slot"]
    keywords = [e["value"] for e in slots if e["name"] == "service_keywords" and e["value"]]
    assert keywords and "swimming" in keywords[-1]
    assert _leaks(json.dumps(slots), ["Jack", "jack", "Thompson", "thompson", "Balfour", "balfour", "junior"]) == []


def test_a_question_left_in_a_slot_is_stored_redacted(assistant):
    chat = assistant.chat()
    chat.say("/leave_question")
    chat.say("can our twins Ella and Grace at Balfour Junior School get a taxi? ring 07700.900.123")
    chat.say("no")
    slots = json.dumps([e for e in _stored_events(assistant, chat.sender) if e.get("event") == "slot"])
    assert "taxi" in slots
    assert _leaks(slots, ["Ella", "Grace", "Balfour", "07700.900.123", "900.123"]) == []
