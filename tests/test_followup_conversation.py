"""Follow-ups read in context, and no identical reply twice in a row (issue 17, items 1 and 3),
through the real model and servers: what the parent reads after two turns."""
import pytest

pytestmark = pytest.mark.server

ONLY_SEND = "I can only help with questions about special educational needs"
NOT_SURE = "not sure I understood"
ASK_FOR_ASSESSMENT = "how do I ask the council for an EHC needs assessment"
DRAFT_PLAN = "the draft EHCP arrived today, how long do I have to comment"
TRANSPORT = "can my autistic son get free transport to his special school"
ANNUAL_REVIEW = "what happens at an annual review of the EHCP"
MEDIATION = "do I have to go to mediation before an appeal"


def answer_to(chat, first: str, follow_up: str) -> str:
    opening = chat.say(first)
    assert "Source:" in opening, opening
    return chat.say(follow_up)


@pytest.mark.parametrize("first, follow_up, fact", [
    # the examples from the issue, word for word
    (ASK_FOR_ASSESSMENT, "how long does that take?", "6 weeks"),
    (ASK_FOR_ASSESSMENT, "what if they say no?", "appeal"),
    (DRAFT_PLAN, "is that working days or normal days?", "calendar days, not working days"),
    (TRANSPORT, "ok but he'll be 16 in September, does he still get it?", "compulsory school age"),
    (ANNUAL_REVIEW, "whose job is it to organise it, school or council?", "The council is responsible for the review"),
    # the short follow-ups the issue names
    (ASK_FOR_ASSESSMENT, "how long", "6 weeks"),
    (ASK_FOR_ASSESSMENT, "what if they say no", "First-tier Tribunal"),
    (ASK_FOR_ASSESSMENT, "can I appeal that", "A refusal to assess can be appealed"),
    (DRAFT_PLAN, "is that working days", "15 days"),
    (ANNUAL_REVIEW, "whose job is it", "council"),
    # the same words mean different things after different answers
    (MEDIATION, "how long does it take?", "within 30 days"),
    ("how long does the EHC process take", "what if they say no", "A refusal to assess can be appealed"),
    # a message the model reads as a general SEND remark is still a follow-up after an answer
    (ASK_FOR_ASSESSMENT, "and then how long till i hear", "6 weeks"),
])
def test_a_follow_up_is_read_against_the_answer_before_it(chat, first, follow_up, fact):
    reply = answer_to(chat, first, follow_up)
    assert fact in reply
    assert ONLY_SEND not in reply and NOT_SURE not in reply


def test_a_follow_up_about_the_same_answer_quotes_the_fact_not_the_whole_answer(chat):
    answer = chat.say(DRAFT_PLAN)
    reply = chat.say("is that working days or normal days?")
    assert "calendar days, not working days" in reply and "Source:" in reply
    assert "Check that every need in section B" in answer and "Check that every need in section B" not in reply


def test_a_follow_up_offers_the_related_questions_and_a_person(chat):
    chat.say(ASK_FOR_ASSESSMENT)
    messages = chat.send("what if they say no?")
    assert messages[0]["buttons"][-1]["payload"] == "/human_handoff"


def test_a_new_question_after_an_answer_is_answered_as_itself(chat):
    chat.say(TRANSPORT)
    assert chat.say("what is mediation").startswith("Before most appeals")
    chat.say(DRAFT_PLAN)
    assert "personal budget" in chat.say("can I have a personal budget for his support").lower()


def test_a_message_plainly_about_something_else_still_gets_only_send(chat):
    chat.say(ANNUAL_REVIEW)
    assert ONLY_SEND in chat.say("when are my bins collected")


def test_a_general_send_remark_with_no_answer_before_it_gets_the_general_reply(chat):
    assert "Thank you for telling me" in chat.say("my son has autism and adhd and struggles every day")


def test_without_an_answer_before_it_a_follow_up_is_not_guessed_at(chat):
    assert NOT_SURE in chat.say("is that working days or normal days?")


def test_the_same_question_twice_gets_a_short_notice_not_the_same_wall_of_text(chat):
    first = chat.send("how long does the council have to decide whether to assess")
    second = chat.send("how long does the council have to decide whether to assess")
    assert "6 weeks" in first[0]["text"]
    assert second[0]["text"].startswith("That's the same answer as before")
    assert "6 weeks" not in second[0]["text"] and len(second[0]["text"]) < len(first[0]["text"]) / 2
    payloads = [b["payload"] for b in second[0]["buttons"]]
    assert "/human_handoff" in payloads and len(payloads) > 1
    third = chat.send("how long does the council have to decide whether to assess")[0]["text"]
    assert third != second[0]["text"] and "SENDIASS" in third


def test_the_same_not_sure_twice_says_so_and_offers_a_person(chat):
    first = chat.say("the form")
    second = chat.send("the form")[0]
    assert NOT_SURE in first
    assert second["text"].startswith("That's the same answer as before") and second["text"] != first
    assert second["buttons"][0]["payload"] in ("/human_handoff", "/leave_question")


def test_the_same_answer_after_something_else_is_given_in_full_again(chat):
    first = chat.say("what is mediation")
    chat.say("thank you")
    assert chat.say("what is mediation") == first
