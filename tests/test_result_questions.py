"""Questions about the search results just shown, answered from the cards (bot/directory/result_questions.py)."""
import pytest

from bot.directory import result_questions

CARDS = [{"name": "Gillingham Speech and Language Drop-in", "where": "Gillingham ME7", "cost": "Free",
          "how_to_access": "No referral needed: drop in.", "phone": "01632 960125", "email": None,
          "url": "https://example.org/sample/126", "ages": "Ages 0 to 5", "sample": True},
         {"name": "Rainham Children's Speech and Language Therapy", "where": None, "cost": "Free (NHS)",
          "how_to_access": None, "phone": None, "email": None, "url": None, "ages": "Ages 0 to 18", "sample": False}]


@pytest.mark.parametrize("text, lines", [
    ("where is the first one", ["Where, from the results above:",
                                "1. Gillingham Speech and Language Drop-in (sample data: not a real service): Gillingham ME7"]),
    ("is the 2nd one free?", ["Cost, from the results above:",
                              "2. Rainham Children's Speech and Language Therapy: Free (NHS)"]),
    ("whats the number for the drop-in", ["How to contact them, from the results above:",
                                          "1. Gillingham Speech and Language Drop-in (sample data: not a real service): "
                                          "01632 960125 · https://example.org/sample/126"]),
    ("where's the rainham one", ["Where, from the results above:",
                                 "2. Rainham Children's Speech and Language Therapy: the directory does not give where "
                                 "it is; ask Medway SENDIASS"]),
    ("do i need a referral for the last one", ["How to get it, from the results above:",
                                               "2. Rainham Children's Speech and Language Therapy: the directory does not "
                                               "give how to get it; ask Medway SENDIASS"]),
])
def test_a_question_that_names_a_result_is_answered_for_it_alone(text, lines):
    answer = result_questions.answer(text, CARDS)
    assert answer.text.splitlines() == lines and answer.explicit


def test_a_question_about_them_all_is_answered_for_each_and_never_invents_opening_times():
    answer = result_questions.answer("anything on saturdays?", CARDS)
    assert not answer.explicit and answer.text.splitlines()[1:] == [
        "1. Gillingham Speech and Language Drop-in (sample data: not a real service): the directory does not give "
        "opening times; ask them: 01632 960125 · https://example.org/sample/126",
        "2. Rainham Children's Speech and Language Therapy: the directory does not give opening times; ask Medway SENDIASS"]
    assert result_questions.answer("is it free", CARDS).text.count("Free") == 2
    assert result_questions.answer("what about in the summer", CARDS).text.startswith("Opening times")
    numbered = result_questions.answer("where is number 5", CARDS, first_number=5)
    assert numbered.text.splitlines()[1].startswith("5. Gillingham")


@pytest.mark.parametrize("text", [
    "any free ones?", "what about strood", "he's 12 actually", "thanks", "can my 12 year old get an ehcp",
    "how do I ask the council for an EHC needs assessment for my son who has autism and is struggling at school",
    "/directory_more", "", "where is the fifth one and what about the rest of them please tell me now thanks",
])
def test_a_change_to_the_search_or_another_question_is_not_about_the_results(text):
    assert result_questions.answer(text, CARDS) is None


def test_no_results_no_answer():
    assert result_questions.answer("where is the first one", []) is None


@pytest.mark.parametrize("text", ["what about at weekends", "is it free", "when are they open", "is the first one free"])
def test_a_question_about_results_when_none_were_found_says_nothing_was_found(text):
    assert result_questions.about_nothing_found(text).text == result_questions.NOTHING_FOUND


@pytest.mark.parametrize("text", ["what about strood", "he's 12 actually", "thanks", "can my 12 year old get an ehcp"])
def test_a_change_or_another_message_after_nothing_found_is_not_about_the_results(text):
    assert result_questions.about_nothing_found(text) is None


def test_anything_cheaper_gives_the_cost_of_each_result_the_search_cannot_sort_by_price():
    for text in ("anything cheaper", "cheaper ones?"):
        assert result_questions.answer(text, CARDS).text.splitlines()[0] == "Cost, from the results above:"


@pytest.mark.parametrize("text, first_number, line", [
    ("is it ok for a 13 year old", 1, "2. Rainham Children's Speech and Language Therapy: Ages 0 to 18, so it takes a 13 year old"),
    ("is it suitable for a 15 year old", 1, "1. Gillingham Speech and Language Drop-in (sample data: not a real service): "
                                            "Ages 0 to 5, so not for a 15 year old"),
    ("is the second one wheelchair accessible", 1, "2. Rainham Children's Speech and Language Therapy: the directory "
                                                   "does not say whether the venue is accessible; ask Medway SENDIASS"),
    ("can i just turn up to the first one", 1, "1. Gillingham Speech and Language Drop-in (sample data: not a real "
                                               "service): No referral needed: drop in."),
    ("the second one", 1, "2. Rainham Children's Speech and Language Therapy: Ages 0 to 18 · Free (NHS)"),
    ("where is the second one", 9, "10. Rainham Children's Speech and Language Therapy: the directory does not give "
                                   "where it is; ask Medway SENDIASS"),  # "second" is on this page; numbered 10
])
def test_ages_access_turning_up_a_result_on_its_own_and_positions_on_a_later_page(text, first_number, line):
    assert line in result_questions.answer(text, CARDS, first_number).text.splitlines()
