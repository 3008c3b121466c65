"""Bad input on the REST channel: a sensible reply or a clear 4xx, never a 5xx or a crash."""
import json

import pytest

pytestmark = pytest.mark.server


def first_text(response):
    assert response.status_code == 200, response.text
    messages = response.json()
    assert messages, "the assistant must always answer"
    return messages[0]["text"]


def test_empty_message_is_answered(chat):
    text = first_text(chat.post({"sender": chat.sender, "message": ""}))
    assert "didn't receive any words" in text


def test_whitespace_only_message_is_answered(chat):
    assert "didn't receive any words" in first_text(chat.post({"sender": chat.sender, "message": "   \n  "}))


def test_missing_message_is_treated_as_empty(chat):
    assert "didn't receive any words" in first_text(chat.post({"sender": chat.sender}))


def test_ten_thousand_characters_get_a_clear_413(chat):
    response = chat.post({"sender": chat.sender, "message": "my son needs help " * 556})
    assert response.status_code == 413
    assert "5,000 characters" in response.text


def test_a_long_but_allowed_message_is_answered(chat):
    story = ("My son is nine and has been struggling at school for two years. " * 60)[:4900]
    assert chat.send(story)


def test_emoji_only(chat):
    assert "emoji" in first_text(chat.post({"sender": chat.sender, "message": "😭😭🙏"}))


@pytest.mark.parametrize("text", [
    "<script>alert('hi')</script>",
    "<img src=x onerror=alert(1)>",
    "'; DROP TABLE events; --",
    "1 OR 1=1; SELECT * FROM users",
])
def test_html_and_sql_are_just_text(chat, text):
    messages = chat.send(text)
    assert messages
    assert all("<script" not in m.get("text", "") and "onerror" not in m.get("text", "") for m in messages)


def test_html_around_a_real_question_is_still_understood(chat):
    assert "Education, Health and Care" in chat.say("<b>what is an ehcp</b>")


@pytest.mark.parametrize("text", ["مرحبا، أحتاج مساعدة بخصوص ابني", "我的孩子需要帮助", "Мій син має аутизм"])
def test_other_scripts_are_told_english_only(chat, text):
    messages = chat.send(text)
    assert "only understand English" in messages[0]["text"]
    assert any(b["payload"] == "/human_handoff" for b in messages[0]["buttons"])


@pytest.mark.parametrize("text", ["Dzień dobry, potrzebuję pomocy dla mojego syna",
                                  "Bună ziua, fiul meu are nevoie de ajutor la școală"])
def test_latin_script_other_language_is_not_guessed_at(chat, text):
    reply = chat.say(text)
    assert "only understand English" in reply, reply


def test_control_characters_are_removed_before_storing(chat, assistant):
    import requests
    chat.send("hello\x00\x07 there")
    tracker = requests.get(f"{assistant.url}/conversations/{chat.sender}/tracker",
                           params={"token": assistant.token}, timeout=30).json()
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == ["hello there"]


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe\x00binary", b""])
def test_invalid_json_is_a_400(chat, raw):
    response = chat.post(raw=raw)
    assert response.status_code == 400, response.text


@pytest.mark.parametrize("body, needle", [
    ([1, 2, 3], "JSON object"),
    ("hello", "JSON object"),
    ({"message": "hello"}, "sender"),
    ({"sender": "", "message": "hello"}, "sender"),
    ({"sender": "x" * 500, "message": "hello"}, "sender"),
    ({"sender": "a", "message": 42}, "text"),
    ({"sender": "a", "message": {"text": "hi"}}, "text"),
])
def test_malformed_bodies_get_a_400_that_says_why(chat, body, needle):
    response = chat.post(raw=json.dumps(body).encode())
    assert response.status_code == 400
    assert needle in response.text


PAYLOADS_NO_BUTTON_SENDS = [("/safeguarding", "safeguarding"), ("/goodbye", "goodbye"), ("/ /safeguarding", "safeguarding"),
                            ('/leave_question{"consent": "yes"}', 'leave_question{"consent": "yes"}')]


def read_by_the_model(tracker, text):
    """Whether the stored user message was classified by the model, not taken as an intent payload."""
    event = next(e for e in tracker["events"] if e["event"] == "user" and e["text"] == text)
    return len(event["parse_data"].get("intent_ranking") or []) > 1


@pytest.mark.parametrize("typed, stored", PAYLOADS_NO_BUTTON_SENDS)
def test_payloads_no_button_sends_are_read_as_words(chat, assistant, typed, stored):
    chat.send(typed)
    tracker = assistant.tracker(chat.sender)
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == [stored]
    assert read_by_the_model(tracker, stored)


def test_the_input_channel_is_the_channel_not_what_the_client_says(chat, assistant):
    chat.post({"sender": chat.sender, "message": "hello", "input_channel": "x" * 3000})
    assert [e["input_channel"] for e in assistant.tracker(chat.sender)["events"] if e["event"] == "user"] == ["rest"]


def test_the_server_still_answers_after_all_that(chat):
    assert "Medway SEND assistant" in chat.say("hello")


def test_metadata_is_kept_only_from_the_allow_list_and_redacted(chat, assistant):
    metadata = {"language": "en\x00 jo@example.org", "page": "x" * 2_100_000, "email": "jo@example.org",
                "nested": [[[{"a": "b"}]]]}
    assert chat.post({"sender": chat.sender, "message": "hello", "metadata": metadata}).status_code == 200
    chat.post({"sender": chat.sender, "message": "hello", "metadata": "jo@example.org"})
    stored = [e.get("metadata") or {} for e in assistant.tracker(chat.sender)["events"] if e["event"] == "user"]
    assert [{k: v for k, v in m.items() if k not in ("model_id", "assistant_id")} for m in stored] == [
        {"language": "en [email]"}, {}]


def test_lone_surrogates_escaped_in_json_are_removed_and_the_question_answered(chat, assistant):
    raw = json.dumps({"sender": chat.sender, "message": "what is \ud800mediation\udfff"}).encode()
    assert b"\\ud800" in raw
    response = chat.post(raw=raw)
    assert "mediation adviser" in first_text(response)
    assert [e["text"] for e in assistant.tracker(chat.sender)["events"] if e["event"] == "user"] == ["what is mediation"]
