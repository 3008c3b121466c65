"""Finding the question in a long message (bot/reading.py)."""
import pytest

from bot import reading

STORY = ("My son is 9 and has autism and ADHD. He has been at his primary school since reception and "
         "things were fine until this year. His new teacher does not understand him and he is refusing "
         "to go in most mornings. The SENCO keeps saying they are monitoring it. ")


def test_a_short_message_is_read_whole():
    assert reading.question_parts("how long does an EHC assessment take?") == []


def test_the_asking_sentences_of_a_long_message_are_found():
    parts = reading.question_parts(STORY + "Can I ask the council for an EHC needs assessment myself?")
    assert parts == ["Can I ask the council for an EHC needs assessment myself?"]


def test_questions_without_a_question_mark_count():
    parts = reading.question_parts(STORY + "any advice on what to do next would be great")
    assert parts == ["any advice on what to do next would be great"]
    assert reading.asks("what can I do about the school")


def test_a_long_message_that_asks_nothing_is_read_by_its_last_sentences():
    parts = reading.question_parts(STORY + "I am at a loss.")
    assert parts == ["The SENCO keeps saying they are monitoring it.", "I am at a loss."]


def test_two_questions_are_kept_apart():
    parts = reading.question_parts(STORY + "How do I ask for an assessment? And can he get free transport to school?")
    assert parts == ["How do I ask for an assessment?", "And can he get free transport to school?"]


def test_a_short_message_joining_two_questions_is_read_as_two():
    parts = reading.question_parts("how long does an ehc assessment take and can i get a personal budget")
    assert parts == ["how long does an ehc assessment take", "can i get a personal budget"]


def test_a_second_half_that_points_back_is_not_a_second_question():
    assert reading.question_parts("can I ask for an assessment myself and how long does it take?") == []
    assert reading.question_parts("what is an ehcp and how do i get one") == []
    assert reading.question_parts("my son is autistic and can he get transport") == []


def test_a_long_message_is_read_from_after_the_childs_details():
    text = ("my son Ben Taylor d.o.b 14/06/2016 NHS number 943 476 5919, he is autistic and non verbal, "
            "the school have stopped his one to one even though it is in his plan")
    assert reading.without_details(text) == "the school have stopped his one to one even though it is in his plan"


def test_details_are_kept_when_nothing_identifies_the_child_or_the_message_is_short():
    story = "my son is 8, he is autistic and non verbal, the school have stopped his one to one even though it is in his plan"
    assert reading.without_details(story) == story
    short = "my son Ben dob 14/06/2016 needs speech therapy"
    assert reading.without_details(short) == short


def test_a_name_inside_the_story_does_not_drop_it():
    text = ("we asked the council in March, my son Ben has still not been assessed, "
            "they said 6 weeks and it has been 10, what can I do")
    assert reading.without_details(text) == text


def test_the_parents_own_details_before_the_childs_are_dropped_too():
    text = ("hi I'm Jo, my number is 07700 900123, my daughter Ava dob 1/2/2014 has ADHD, "
            "the council say they will not assess her for an ehcp")
    assert reading.without_details(text) == "the council say they will not assess her for an ehcp"


@pytest.mark.parametrize("text,under_three", [
    ("i think my 2 year old might be autistic", True), ("our toddler still has no words", True),
    ("he is 20 months and not pointing", True), ("my 2yo doesnt talk", True), ("she's 30 months old", True),
    ("my 9 year old has tics", False), ("hes 3 and in nursery", False), ("she is 40 months old", False),
    ("we have waited 2 months for the school to reply", False), ("i think my son might be dyslexic", False),
])
def test_a_message_about_a_baby_or_toddler_is_told_apart(text, under_three):
    assert reading.about_an_under_three(text) is under_three


def test_a_volunteers_introduction_is_not_read_as_the_question():
    assert reading.without_introduction("hi im a volunteer on the forum, a mum asks if she can get a personal budget") \
        == "a mum asks if she can get a personal budget"
    assert reading.without_introduction("I am a forum volunteer. A parent wants to know about transport") \
        == "A parent wants to know about transport"
    for kept in ("hi, im a mum of two, my son has adhd", "im a volunteer", "can a volunteer answer my question"):
        assert reading.without_introduction(kept) == kept


def test_a_request_for_the_menu_says_so_and_a_question_about_the_last_answer_does_not():
    for menu in ("what else can you do", "menu", "I don't know what to ask", "email me that", "what is this"):
        assert reading.asks_for_the_menu(menu), menu
    for question in ("how do we get it", "how do we apply", "who pays"):
        assert not reading.asks_for_the_menu(question), question


def test_a_few_words_about_the_child_with_no_question_are_told_apart_from_a_question():
    for told in ("she is 12 and has cerebral palsy", "he's non verbal", "my son has adhd", "ok she has a learning disability"):
        assert reading.describes_the_child(told), told
    for other in ("she is 12, can she get it", "he has autism but can walk", "they have no idea",
                  "my son has been excluded again what can i do", "i have a learning disability"):
        assert not reading.describes_the_child(other), other


def test_a_goodbye_says_so_and_a_question_with_see_in_it_does_not():
    for bye in ("ok bye", "that's everything, thanks", "I'm done for today", "speak soon", "got to go, the kids are home"):
        assert reading.says_goodbye(bye), bye
    for question in ("who do we see", "can we see a paediatrician", "what happens next"):
        assert not reading.says_goodbye(question), question
