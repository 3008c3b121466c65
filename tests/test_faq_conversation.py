"""FAQ answers and the deadline helper through the real model and servers."""

import re

import pytest

from bot import content

pytestmark = pytest.mark.server


@pytest.mark.parametrize("question, expected", [
    ("The draft EHCP arrived this morning, how long have I got to send comments back?", "at least 15 days"),
    ("does my son need a diagnosis before the school will help him", "A diagnosis is not needed"),
    ("My daughter is moving up to secondary in September. When does the council have to name her new school?",
     "15 February"),
    ("how far from school do you have to live to get free transport", "2 miles if under 8"),
    ("can they send my son home at lunch without calling it an exclusion", "unlawful"),
])
def test_parents_questions_get_the_right_answer_with_its_source(chat, question, expected):
    messages = chat.send(question)
    assert expected in messages[0]["text"]
    assert "Source:" in messages[0]["text"] and "Last checked" in messages[0]["text"]
    assert messages[0]["buttons"][-1]["payload"] == "/human_handoff"


def test_asking_how_to_contact_sendiass_explains_the_service_and_where_to_find_it(chat):
    reply = chat.say("how do I contact SENDIASS")
    assert "free, confidential and impartial" in reply and "https://www.medway.gov.uk" in reply


def test_related_question_buttons_open_their_answers(chat):
    library = content.load()
    first = chat.send("what is mediation")[0]["buttons"][0]
    related = library.by_intent(first["payload"].lstrip("/"))
    assert related is not None and related.id in library.entries["mediation"].related
    assert first["title"] == related.title
    assert chat.say(first["payload"]).startswith(related.answer.strip())


def test_an_answer_edit_goes_live_without_retraining_or_restarting(chat, assistant):
    path = assistant.content_dir / "faq" / "disagreements.yml"
    original = path.read_text()
    try:
        path.write_text(original.replace("Before most appeals you must", "Updated today. Before most appeals you must"))
        assert chat.say("do I have to go to mediation before an appeal").startswith("Updated today.")
    finally:
        path.write_text(original)
    assert chat.say("do I have to go to mediation before an appeal").startswith("Before most appeals")


def test_assessment_dates_from_a_date_in_the_message(chat):
    text = chat.say("I sent my request for an EHC needs assessment on 3 March 2026, when should I hear?")
    assert "Tuesday 14 April 2026" in text and "Tuesday 21 July 2026" in text
    assert "exceptions" in text


def test_appeal_deadline_from_a_decision_letter(chat):
    text = chat.say("the decision letter refusing to assess was dated 10/06/2025, when do I have to appeal by?")
    assert "Sunday 10 August 2025" in text and "mediation certificate" in text


def test_a_nonsense_date_is_explained_not_crashed_on(chat):
    text = chat.say("we applied for an assessment on 31/02/2026")
    assert "couldn't read" in text


def test_safeguarding_still_wins_over_an_faq_question(chat):
    first = chat.send("my son has been self harming, how long does an EHC needs assessment take?")[0]["text"]
    assert "999" in first.splitlines()[0] and first.index("999") < first.index("NHS 111"), first  # the emergency reply


TWO_QUESTIONS = ("My daughter is 11 and autistic. She started secondary school in September and it has been "
                 "really hard, she comes home exhausted and the school say she is fine in class. "
                 "Can I ask the council for an EHC needs assessment myself? "
                 "And would she get free transport to a special school?")


@pytest.mark.server
def test_a_long_message_asking_two_things_offers_the_second_as_a_button(chat):
    """One of the two things asked (an assessment, transport) is answered, and the other, a topic of
    its own, is the first button, rather than an entry the answer links anyway."""
    replies = chat.send(TWO_QUESTIONS)
    text = "\n".join(r.get("text", "") for r in replies)
    assert "You also asked about something else" in text
    first_button = [b["title"] for r in replies for b in r.get("buttons", [])][0]
    answered_transport = "transport" in text.split("You also asked")[0].lower()
    if answered_transport:
        assert "EHC needs assessment" in first_button, first_button
    else:
        assert "EHC needs assessment" in text and first_button == "Free school transport", first_button


@pytest.mark.server
def test_a_long_message_is_answered_by_its_own_question(chat):
    text = "\n".join(r.get("text", "") for r in chat.send(TWO_QUESTIONS))
    assert "You can ask the council yourself" in text


@pytest.mark.server
def test_a_referral_question_gets_the_route_first_then_an_offer_to_search(chat):
    replies = chat.send("how do I get my son referred to speech and language therapy?")
    text = "\n".join(r.get("text", "") for r in replies)
    assert re.search(r"\bGP\b|health visitor|refer", text) and "How old" not in text
    buttons = [b for r in replies for b in r.get("buttons", [])]
    assert buttons[0]["title"] == "Find speech therapy services"
    after = chat.say(buttons[0]["payload"])
    assert "How old" in after or "Here are services" in after
