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
    with_cards = [r for r in replies if r.get("custom", {}).get("service_cards")]
    assert len(with_cards) == 1, "the cards are sent once"
    copy = with_cards[0]["text"]
    assert all(name in copy for name in names), "with a plain-text copy as the message's text, for any client"
    others = "\n".join(r.get("text", "") for r in replies if r is not with_cards[0])
    assert not any(name in others for name in names), "and nowhere else"
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


# Leaving the search: a message that is not an answer to the form's question is answered as itself.

NOT_AN_ANSWER = ("didn't catch an age", "didn't recognise that kind of help", "don't know that place")
FORM_QUESTIONS = ("What kind of help", "How old", "Which part of Medway")


def asks_nothing(text):
    return not any(q in text for q in FORM_QUESTIONS + NOT_AN_ANSWER)


def test_a_question_while_asked_for_an_age_is_answered_and_the_search_lets_go(chat):
    assert "How old" in chat.say("find speech therapy")
    reply = chat.say("how long does an EHC assessment take?")
    assert "20 weeks" in reply, "the FAQ answer about timescales"
    assert asks_nothing(reply), reply
    assert "Hello" in chat.say("hello") and asks_nothing(chat.say("what is an ehcp")), "the search is over"


def test_a_question_while_asked_for_the_kind_of_help_is_answered(chat):
    assert "What kind of help" in chat.say("find a service")
    reply = chat.say("what is an ehcp")
    assert "Education, Health and Care" in reply and asks_nothing(reply), reply


@pytest.mark.parametrize("text,expected", [
    ("thanks", "You're welcome"),
    ("goodbye", "Goodbye"),
    ("start again", "We have started again"),
    ("can I talk to a person", "SENDIASS"),
    ("when are my bins collected", "I can only help with questions about special educational needs"),
    ("are you a bot", "automated assistant"),
])
def test_thanks_goodbye_start_again_a_person_or_out_of_scope_leave_the_search(chat, text, expected):
    assert "How old" in chat.say("find speech therapy")
    reply = chat.say(text)
    assert expected in reply and asks_nothing(reply), reply
    assert "Hello" in chat.say("hello"), "the search does not carry on afterwards"


@pytest.mark.parametrize("text", ["cancel", "never mind", "no thanks", "forget it", "stop"])
def test_calling_off_the_search_ends_it(chat, text):
    assert "How old" in chat.say("find speech therapy")
    reply = chat.say(text)
    assert "stopped the search" in reply and asks_nothing(reply), reply
    assert "Hello" in chat.say("hello")


@pytest.mark.parametrize("text", ["find a service", "/find_service"])
def test_asking_to_find_a_service_again_during_the_search_asks_the_question_again(chat, text):
    assert "How old" in chat.say("find speech therapy")
    reply = chat.say(text)
    assert "How old" in reply and asks_nothing(reply.replace("How old", "")) and "not sure" not in reply, reply


def test_an_answer_to_another_question_is_kept_and_the_question_asked_again(chat):
    assert "How old" in chat.say("find speech therapy")
    reply = chat.say("in Strood")
    assert "How old" in reply and asks_nothing(reply.replace("How old", "")), reply
    assert "age 7, near Strood" in chat.say("7")


def test_i_dont_know_skips_the_question_and_a_greeting_is_returned_before_asking_again(chat):
    assert "What kind of help" in chat.say("find a service")
    assert "How old" in chat.say("I don't know")
    messages = chat.send("hello")
    assert "Hello" in messages[0]["text"] and "How old" in messages[-1]["text"]
    assert not any(problem in m.get("text", "") for m in messages for problem in NOT_AN_ANSWER)
    assert "Which part of Medway" in chat.say("he's 9")


def test_safeguarding_while_asked_for_an_age_comes_first_and_ends_the_search(chat):
    chat.say("find speech therapy")
    replies = chat.send("I'm scared he is going to hurt himself tonight")
    assert "999" in replies[0]["text"]
    assert asks_nothing("\n".join(r.get("text", "") for r in replies))


@pytest.mark.parametrize("text", ["he's 6", "hes 6", "she is 6", "6", "thanks, he's 6"])
def test_an_age_is_an_answer_whatever_the_model_guesses(chat, text):
    assert "How old" in chat.say("find speech therapy")
    reply = chat.say(text)
    assert "Which part of Medway" in reply and asks_nothing(reply.replace("Which part of Medway", "")), reply
    assert "age 6" in chat.say("anywhere")


def test_a_town_or_a_kind_of_help_is_an_answer_whatever_the_model_guesses(chat):
    # The model reads a bare town as out of scope and "she is 6" as safeguarding: the text decides.
    chat.say("find a service")
    assert "How old" in chat.say("autism")
    assert "Which part of Medway" in chat.say("skip")
    replies = chat.send("Chatham")
    assert cards_in(replies), [r.get("text") for r in replies]


def test_what_the_first_message_says_is_not_asked_again(chat):
    replies = chat.send("speech therapy for my son hes 6 near Chatham")
    text = "\n".join(r.get("text", "") for r in replies)
    assert cards_in(replies) and asks_nothing(text), text
    assert "age 6, near Chatham" in text


def test_what_was_said_earlier_in_the_conversation_is_not_asked_again(chat):
    reply = chat.say("my daughter is 9 and autistic, what is an EHCP?")
    assert "Education, Health and Care" in reply
    reply = chat.say("find a service")
    assert "Which part of Medway" in reply and "How old" not in reply and "What kind of help" not in reply, reply
    replies = chat.send("Rochester")
    assert "Autism, age 9, near Rochester" in "\n".join(r.get("text", "") for r in replies)


def test_a_search_near_a_town_lists_that_towns_services_first(chat):
    chat.say("find a service")
    chat.say("skip")
    chat.say("skip")
    found = cards_in(chat.send("near Gillingham"))
    assert found and "Gillingham" in (found[0]["cards"][0]["where"] or ""), found[0]["cards"][0]
    found = cards_in(chat.send("/restart") and chat.send("speech therapy for my 4 year old near Gillingham"))
    assert found and "Gillingham" in (found[0]["cards"][0]["where"] or ""), found[0]["cards"][0]


def test_a_misspelt_town_is_understood_when_asked_which_part_of_medway(chat):
    chat.say("find autism support")
    chat.say("skip")
    replies = chat.send("Gilingham")
    found = cards_in(replies)
    assert found and (found[0]["cards"][0]["where"] or "").startswith("Gillingham"), [r.get("text") for r in replies]


def test_a_few_words_after_the_results_narrow_them_and_keep_the_rest(chat):
    assert cards_in(chat.send("any autism groups in Strood for my 9 year old"))
    replies = chat.send("free if possible")
    found = cards_in(replies)
    text = "\n".join(r.get("text", "") for r in replies)
    assert found and all(c["free"] for c in found[0]["cards"]), text
    assert "age 9" in text and "free only" in text and "Strood" in text
    replies = chat.send("what about in Rochester")
    text = "\n".join(r.get("text", "") for r in replies)
    assert cards_in(replies) and "near Rochester" in text and "free only" in text and "age 9" in text
    chat.say("what is mediation")
    assert not cards_in(chat.send("free if possible")), "after an answer, the old search is not run again unasked"
