"""The directory search through the real model and servers, as a parent types it."""
import pytest

pytestmark = pytest.mark.server


def cards_in(replies):
    return [r["custom"]["service_cards"] for r in replies if r.get("custom", {}).get("service_cards")]


def test_one_sentence_fills_the_whole_search(chat):
    replies = chat.send("is there speech therapy for my 4 year old near Gillingham?")
    found = cards_in(replies)
    assert found, [r.get("text") for r in replies]
    names = [c["name"] for c in found[0]["cards"]]
    assert 3 <= len(names) <= 5 and names[0].startswith("Gillingham"), "services in the town come first"
    assert any(name.endswith("Children's Speech and Language Therapy") for name in names)
    assert all("Speech" in name for name in names)
    text = "\n".join(r.get("text", "") for r in replies)
    assert "Speech, language and communication, age 4, near Gillingham" in text
    assert "sample" in text.lower(), "sample data is always said to be sample"
    texts = [r.get("text") for r in replies]
    assert all(block in texts for block in found[0]["text"].split("\n\n")), "a plain-text copy for other channels"
    buttons = [b["title"] for r in replies for b in r.get("buttons", [])]
    assert {"Show more", "Change the search", "Start again"} <= set(buttons)
    more = cards_in(chat.send("/directory_more"))
    assert more and more[0]["first_number"] == len(names) + 1
    assert not set(c["name"] for c in more[0]["cards"]) & set(names)


def test_the_form_asks_only_for_what_is_missing_and_everything_can_be_skipped(chat):
    assert "How old" in chat.say("any autism support groups in Strood?")
    replies = chat.send("skip")
    found = cards_in(replies)
    assert found and all("Autism" in c["name"] for c in found[0]["cards"])
    chat.send("/restart")
    assert "What kind of help" in chat.say("find a service")
    assert "How old" in chat.say("skip")
    assert "Which part of Medway" in chat.say("don't mind")
    assert cards_in(chat.send("anywhere"))


def test_bad_answers_are_explained_and_asked_again(chat):
    chat.say("I need a service for my child")
    chat.say("autism")
    reply = chat.say("300")
    assert "doesn't look right" in reply and "How old" in reply
    assert "Which part of Medway" in chat.say("twelve")
    reply = chat.say("CT1 2AB")
    assert "outside Medway" in reply and "Which part of Medway" in reply
    reply = chat.say("'; DROP TABLE service; --")
    assert "don't know that place" in reply
    assert cards_in(chat.send("ME7"))


def test_safeguarding_during_a_search_comes_first_and_ends_the_search(chat):
    chat.say("find a service")
    chat.say("autism")
    replies = chat.send("my son says he wants to kill himself")
    assert "999" in replies[0]["text"], "emergency routes come first"
    assert "How old" not in "\n".join(r.get("text", "") for r in replies)
    assert "Hello" in chat.say("hello"), "the search does not carry on afterwards"


def test_nothing_found_says_so_and_relaxes_one_filter(chat):
    replies = chat.send("free vision support for my 24 year old in Strood")
    text = "\n".join(r.get("text", "") for r in replies)
    assert "couldn't find anything for" in text and cards_in(replies)


def test_a_search_near_a_town_lists_that_towns_services_first(chat):
    chat.say("find a service")
    chat.say("skip")
    chat.say("skip")
    found = cards_in(chat.send("near Gillingham"))
    assert found and "Gillingham" in (found[0]["cards"][0]["where"] or ""), found[0]["cards"][0]
    found = cards_in(chat.send("/restart") and chat.send("speech therapy for my 4 year old near Gillingham"))
    assert found and "Gillingham" in (found[0]["cards"][0]["where"] or ""), found[0]["cards"][0]


NOT_AN_ANSWER = ("didn't catch an age", "didn't recognise that kind of help", "don't know that place")
FORM_QUESTIONS = ("What kind of help", "How old", "Which part of Medway")


def asks_nothing(text):
    return not any(q in text for q in FORM_QUESTIONS + NOT_AN_ANSWER)


def test_what_the_first_message_says_is_not_asked_again(chat):
    replies = chat.send("speech therapy for my son hes 6 near Chatham")
    text = "\n".join(r.get("text", "") for r in replies)
    assert cards_in(replies) and asks_nothing(text), text
    assert "age 6, near Chatham" in text
