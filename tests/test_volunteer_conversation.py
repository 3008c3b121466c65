"""Leaving a question for a forum volunteer, through the real model and action server."""
from __future__ import annotations

from sqlalchemy import select

from bot import conversations, volunteer_queue


def _queue(assistant) -> list[volunteer_queue.Entry]:
    return volunteer_queue.listed(volunteer_queue.connect(assistant.queue_url), include_done=True)


def _stored(assistant) -> str:
    engine = conversations.connect(assistant.tracker_url)
    with engine.connect() as connection:
        text = "\n".join(connection.execute(select(conversations.events.c.data)).scalars())
    engine.dispose()
    return text


def _titles(replies) -> list[str]:
    return [b["title"] for r in replies for b in r.get("buttons", [])]


def test_not_understood_offers_to_leave_a_question(chat):
    assert "Leave a question for a volunteer" in _titles(chat.send("does the panel meet on a tuesday or thursday"))


def test_with_consent_the_redacted_question_and_email_reach_the_queue(assistant, chat):
    before = len(_queue(assistant))
    assert "What would you like to ask the volunteers" in chat.say("can I leave a question for a volunteer?")
    asked = chat.say("Does the Medway SEN panel meet in the school holidays? My son is called Tom Jones")
    assert "Do you want to leave your question?" in asked and "deleted after 90 days" in asked
    assert "type your email address" in chat.say("yes")
    assert "That doesn't look like an email address" in chat.say("jo.parent at example")
    assert "with your email so they can reply" in chat.say("jo.parent@example.com")

    entries = _queue(assistant)
    assert len(entries) == before + 1
    newest = max(entries, key=lambda e: e.id)
    assert newest.question == "Does the Medway SEN panel meet in the school holidays? My son is called [name]"
    assert newest.contact_email == "jo.parent@example.com" and newest.done_at is None
    stored = _stored(assistant)
    assert "jo.parent@example.com" not in stored and "Tom Jones" not in stored


def test_without_consent_nothing_is_kept(assistant, chat):
    before = _queue(assistant)
    chat.say("/leave_question")
    chat.say("can my daughter's taxi wait at school until 4pm?")
    assert "Please choose yes" in chat.say("hmm what do you mean")
    replies = chat.send("no")
    assert "Nothing has been kept" in replies[0]["text"]
    assert _queue(assistant) == before
    # The form is over: the next message is answered as usual, not taken as an email.
    assert "Personal budget" in chat.say("what is a personal budget") or _queue(assistant) == before


def test_cancel_at_the_question_step_ends_the_form_with_nothing_kept(assistant, chat):
    before = _queue(assistant)
    chat.say("/leave_question")
    replies = chat.send("never mind")
    assert "Nothing has been kept" in replies[0]["text"]  # not taken as the question, not asked again
    assert _queue(assistant) == before
    assert "mediation" in chat.say("what is mediation").lower()


def test_no_email_is_fine_and_a_safeguarding_message_ends_the_form(assistant, chat):
    before = len(_queue(assistant))
    chat.say("/leave_question")
    chat.say("who decides which school is named in section I?")
    chat.say("yes please")
    assert "without contact details" in chat.say("skip")
    assert len(_queue(assistant)) == before + 1

    chat.say("/leave_question")
    reply = chat.say("my son says he wants to kill himself")
    assert reply.index("999") < reply.index("NHS 111")
    assert "What would you like to ask" not in reply

    chat.say("/leave_question")
    chat.say("how do I complain about the school?")
    reply = chat.say("yes, and my daughter has been self harming")
    assert "999" in reply.splitlines()[0] and reply.index("999") < reply.index("NHS 111"), reply
    assert len(_queue(assistant)) == before + 1
    assert "Do you want to leave your question" not in chat.say("what is an EHC plan")
