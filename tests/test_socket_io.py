"""The socket.io channel over a real socket.io client: the same checks as REST, whole turns stored."""
import pytest
import socketio
import sqlalchemy as sa

from harness.assistant import SocketChat
from tests.conftest import THIRD_PARTY_ORIGIN
from tests.test_bad_input import PAYLOADS_NO_BUTTON_SENDS, read_by_the_model

pytestmark = pytest.mark.server

PREFIX = "socketio~"


@pytest.fixture
def socket_chat(assistant):
    chat = SocketChat(assistant.url, origin=THIRD_PARTY_ORIGIN)
    yield chat
    chat.close()


def user_texts(tracker):
    return [e["text"] for e in tracker["events"] if e["event"] == "user"]


def bot_events(tracker):
    return [e for e in tracker["events"] if e["event"] == "bot"]


def stored_senders(assistant):
    with sa.create_engine(assistant.tracker_url).connect() as db:
        return {row[0] for row in db.execute(sa.text("SELECT DISTINCT sender_id FROM events"))}


def test_an_faq_answer_arrives_with_its_feedback_prompt_and_the_turn_is_stored(assistant, socket_chat):
    replies = socket_chat.send("how long do I have to comment on the draft plan?")
    assert any("at least 15 days" in m.get("text", "") for m in replies)
    assert {"custom": {"feedback_for": "ehcp_draft_plan"}} in replies
    assert "mediation adviser" in socket_chat.say("what is mediation")
    tracker = assistant.tracker(PREFIX + socket_chat.session_id)
    assert user_texts(tracker) == ["how long do I have to comment on the draft plan?", "what is mediation"]
    assert any((e.get("data") or {}).get("custom") == {"feedback_for": "ehcp_draft_plan"} for e in bot_events(tracker))
    assert any("mediation adviser" in (e.get("text") or "") for e in bot_events(tracker))


def test_directory_cards_arrive_and_the_search_goes_on(assistant, socket_chat):
    replies = socket_chat.send("is there speech therapy for my 4 year old near Gillingham?")
    cards = [m["custom"]["service_cards"] for m in replies if "service_cards" in m.get("custom", {})]
    assert cards and "Speech and Language" in cards[0]["cards"][0]["name"]
    more = [m for m in socket_chat.send("/directory_more") if "service_cards" in m.get("custom", {})]
    assert more and more[0]["custom"]["service_cards"]["first_number"] == 5
    tracker = assistant.tracker(PREFIX + socket_chat.session_id)
    assert sum(1 for e in bot_events(tracker) if "service_cards" in ((e.get("data") or {}).get("custom") or {})) == 2


def test_an_over_long_message_with_a_nul_byte_is_refused_and_not_stored(assistant, socket_chat):
    replies = socket_chat.send("my son needs help\x00 " * 1000)
    assert "5,000 characters" in replies[0]["text"]
    assert "needs a person" not in str(replies)
    assert "mediation adviser" in socket_chat.say("what is mediation")
    assert user_texts(assistant.tracker(PREFIX + socket_chat.session_id)) == ["what is mediation"]


def test_control_characters_are_removed_before_storing(assistant, socket_chat):
    socket_chat.send("hello\x00\x07 there")
    assert user_texts(assistant.tracker(PREFIX + socket_chat.session_id)) == ["hello there"]


@pytest.mark.parametrize("bad", ["../" * 1700, "a/../../b", "", 42, {"x": 1}, "x" * 129],
                         ids=["5100 chars of ../", "a/../../b", "empty", "a number", "an object", "129 chars"])
def test_a_bad_session_id_gets_a_fresh_one(assistant, bad):
    chat = SocketChat(assistant.url, session_id=bad)
    try:
        assert chat.session_id != bad and len(chat.session_id) == 32
        assert "Medway SEND assistant" in chat.say("hello")
    finally:
        chat.close()
    assert not [s for s in stored_senders(assistant) if "/" in s or len(s) > 128 + len(PREFIX)]


def test_a_message_that_is_not_text_gets_a_reason(socket_chat):
    assert "must be text" in socket_chat.emit({"message": {"text": "hi"}, "session_id": socket_chat.session_id})[0]["text"]
    assert "object" in socket_chat.emit(["hello"])[0]["text"]
    assert "Medway SEND assistant" in socket_chat.say("hello")


def test_a_socket_io_client_cannot_write_into_a_rest_conversation(assistant):
    rest = assistant.chat()
    rest.say("hello")
    intruder = SocketChat(assistant.url, session_id=rest.sender)
    try:
        intruder.say("what is mediation")
    finally:
        intruder.close()
    assert user_texts(assistant.tracker(rest.sender)) == ["hello"]
    assert user_texts(assistant.tracker(PREFIX + rest.sender)) == ["what is mediation"]


def test_a_socket_only_writes_to_the_session_it_joined(assistant, socket_chat):
    other = SocketChat(assistant.url)
    try:
        other.say("hello")
        socket_chat.emit({"message": "what is mediation", "session_id": other.session_id})
    finally:
        other.close()
    assert user_texts(assistant.tracker(PREFIX + other.session_id)) == ["hello"]


def test_a_socket_that_moves_to_another_session_hears_no_more_of_the_first(assistant, socket_chat):
    first = socket_chat.session_id
    socket_chat.request_session()
    same_session = SocketChat(assistant.url, session_id=first)
    try:
        assert "Medway SEND assistant" in same_session.say("hello")
    finally:
        same_session.close()
    assert socket_chat.unprompted() == []


def test_browsers_connect_only_from_the_allowed_origins(assistant):
    with pytest.raises(socketio.exceptions.ConnectionError):
        SocketChat(assistant.url, origin="https://evil.example")
    SocketChat(assistant.url, origin=THIRD_PARTY_ORIGIN).close()


@pytest.mark.parametrize("typed, stored", PAYLOADS_NO_BUTTON_SENDS)
def test_payloads_no_button_sends_are_read_as_words(assistant, socket_chat, typed, stored):
    socket_chat.send(typed)
    tracker = assistant.tracker(PREFIX + socket_chat.session_id)
    assert user_texts(tracker) == [stored]
    assert read_by_the_model(tracker, stored)


def test_payloads_the_buttons_send_still_work(assistant, socket_chat):
    socket_chat.send("how long do I have to comment on the draft plan?")
    assert "Thank you for your feedback" in socket_chat.say("/feedback_helpful")
    assert "SENDIASS" in socket_chat.say("/human_handoff")
    intents = [e["parse_data"]["intent"]["name"] for e in assistant.tracker(PREFIX + socket_chat.session_id)["events"]
               if e["event"] == "user"]
    assert intents[1:] == ["feedback_helpful", "human_handoff"]
