from datetime import date

import pytest

from bot import deadlines
from bot.deadlines import DateProblem

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize("text, expected", [
    ("I asked for an assessment on 3 March", date(2026, 3, 3)),
    ("the decision letter came on 10/06/2025", date(2025, 6, 10)),
    ("we sent it on the 3rd of March 2025", date(2025, 3, 3)),
    ("letter dated March 3rd, 2025", date(2025, 3, 3)),
    ("request sent 2026-01-31", date(2026, 1, 31)),
    ("on 1/2/26", date(2026, 2, 1)),           # day first, as written in the UK
    ("sent it yesterday", date(2026, 11, 21)),
    ("I posted it today", date(2026, 11, 22)),
    ("we applied on 25 December", date(2025, 12, 25)),  # no year and later than today: last year
    ("applied on 29 Feb 2024", date(2024, 2, 29)),
])
def test_dates_are_found_in_what_parents_write(text, expected):
    assert deadlines.find_date(text, TODAY) == expected


def test_no_date_is_none():
    assert deadlines.find_date("when will I hear back", TODAY) is None
    assert deadlines.find_date("my son is 7", TODAY) is None


@pytest.mark.parametrize("text, reason", [
    ("sent on 31/02/2026", "couldn't read"),
    ("sent on 29 Feb 2025", "couldn't read"),
    ("the letter is dated 3 March 2027", "in the future"),
    ("we asked on 4 May 2015", "more than 5 years"),
])
def test_impossible_future_and_ancient_dates_are_explained(text, reason):
    with pytest.raises(DateProblem) as problem:
        deadlines.find_date(text, TODAY)
    assert reason in str(problem.value)


def test_assessment_deadlines_are_6_16_and_20_weeks_from_receipt():
    due = [d.due for d in deadlines.assessment_deadlines(date(2026, 3, 3))]
    assert due == [date(2026, 4, 14), date(2026, 6, 23), date(2026, 7, 21)]


def test_appeal_deadline_is_two_months_and_handles_month_ends():
    assert deadlines.appeal_deadline(date(2025, 6, 10)).due == date(2025, 8, 10)
    assert deadlines.appeal_deadline(date(2025, 12, 31)).due == date(2026, 2, 28)
    assert deadlines.appeal_deadline(date(2023, 12, 31)).due == date(2024, 2, 29)  # leap year


def test_a_later_mediation_certificate_extends_the_deadline():
    letter = date(2025, 10, 1)
    assert deadlines.appeal_deadline(letter, date(2025, 11, 29)).due == date(2025, 12, 29)
    assert deadlines.appeal_deadline(letter, date(2025, 10, 5)).due == date(2025, 12, 1)


def test_assessment_reply_states_dates_and_caveats():
    text = deadlines.assessment_reply("I asked for an assessment on 3 March", TODAY)
    assert "Tuesday 14 April 2026" in text and "Tuesday 21 July 2026" in text
    assert "(this date has passed)" in text
    assert "exceptions" in text and "received your request" in text


def test_replies_ask_for_a_date_or_explain_a_bad_one():
    assert "Tell me the date" in deadlines.assessment_reply("when will we hear?", TODAY)
    assert "couldn't read" in deadlines.appeal_reply("letter dated 32/13/2025", TODAY)


def test_appeal_reply_mentions_the_mediation_rule_and_late_appeals():
    text = deadlines.appeal_reply("the decision letter came on 10/06/2025", TODAY)
    assert "Sunday 10 August 2025" in text and "mediation certificate" in text and "late appeals" in text
    text = deadlines.appeal_reply("mediation certificate dated 1 November 2026", TODAY, certificate=True)
    assert "Tuesday 1 December 2026" in text


def test_both_dates_in_one_message_are_read_and_the_later_deadline_counts():
    today = date(2025, 11, 30)
    text = "decision letter is dated 1 October and the mediation certificate is dated 29 November, when must I appeal?"
    assert deadlines.appeal_dates(text, today) == (date(2025, 10, 1), date(2025, 11, 29))
    reply = deadlines.appeal_reply(text, today, certificate=True)
    assert "Monday 1 December 2025" in reply and "Monday 29 December 2025" in reply
    assert "Friday 2 January 2026" in reply  # 29 December is in the Christmas period
    # written in late November of the next year, a letter after the certificate is last year's letter
    assert deadlines.appeal_dates(text, date(2026, 11, 28)) == (date(2025, 10, 1), date(2025, 11, 29))


def test_a_single_date_follows_the_words_before_it_then_the_intent():
    assert deadlines.appeal_dates("I declined mediation and got the certificate on 9 June", TODAY) == \
        (None, date(2026, 6, 9))
    assert deadlines.appeal_dates("the refusal letter is dated 4 May", TODAY, certificate=True) == \
        (date(2026, 5, 4), None)
    assert deadlines.appeal_dates("dated 4 May", TODAY, certificate=True) == (None, date(2026, 5, 4))


@pytest.mark.parametrize("due, moved", [
    (date(2025, 8, 10), date(2025, 9, 1)),      # August: first working day in September
    (date(2026, 8, 31), date(2026, 9, 1)),
    (date(2027, 8, 2), date(2027, 9, 1)),
    (date(2025, 12, 29), date(2026, 1, 2)),     # 25 December to 1 January: next working day in January
    (date(2026, 12, 25), date(2027, 1, 4)),     # 2 January 2027 is a Saturday
    (date(2022, 1, 1), date(2022, 1, 4)),       # 1 January 2022 a Saturday: Monday 3rd was the bank holiday
    (date(2025, 12, 24), None),
    (date(2026, 9, 1), None),
])
def test_appeal_deadlines_move_over_christmas_and_august(due, moved):
    assert deadlines.tribunal_holiday_move(due) == moved


def test_asked_without_a_date_the_reply_still_gives_the_rule():
    text = deadlines.appeal_reply("I think I've missed the deadline to appeal the cease letter", TODAY)
    assert "2 months" in text and "1 month" in text and "later" in text
    assert "August" in text and "late appeal" in text and "Tell me the date" in text
    text = deadlines.assessment_reply("when will we hear?", TODAY)
    assert "6 weeks" in text and "20 weeks" in text and "Tell me the date" in text


def test_a_dated_question_needs_the_date_of_a_letter_or_request_and_a_question_about_when():
    assert deadlines.dated_question("letter dated 3rd October refusing to assess, when is my deadline") == "deadline_appeal"
    assert deadlines.dated_question("we sent the request on 2 September, how long does the council have") == \
        "deadline_assessment"
    assert deadlines.dated_question("by 15 February the LA must issue the final plan, what is the deadline") is None
    assert deadlines.dated_question("the letter was dated 3rd October and I am upset") is None


def test_a_date_of_birth_is_not_the_date_of_the_request():
    text = "my son dob 03/04/2016 is autistic, we sent the request for an assessment on 2 September, when should we hear by"
    assert deadlines.find_date(text, date(2026, 12, 1)) == date(2026, 9, 2)
    assert deadlines.dated_question(text) == "deadline_assessment"
    assert deadlines.appeal_dates("born 4th May 2014, the refusal letter was dated 1 October", date(2026, 12, 1)) == (
        date(2026, 10, 1), None)


@pytest.mark.parametrize("text, waiting", [
    ("we asked for an ehc assessment in may and its now october and nothing, is that allowed", True),
    ("its been 5 months since we applied for an ehc needs assessment and no word", True),
    ("we sent the appeal in may and heard nothing from the tribunal", False),
    ("we asked for an assessment on 3 may and nothing", False),  # a date: the dates are worked out instead
    ("i may ask for an assessment, nothing has worked at school", False),
])
def test_a_request_made_months_ago_with_no_answer_is_a_missed_deadline(text, waiting):
    assert deadlines.waiting_since_a_month(text) is waiting


@pytest.mark.parametrize("text, late", [
    ("i was supposed to get the send35 in by last friday but i was stuck in hospital, will the tribunal still take it", True),
    ("we missed the deadline to appeal to the tribunal, the letter came in june", True),
    ("the council missed the tribunal deadline for their response", False),
    ("I sent the SEND35 off a fortnight ago and have heard nothing, what happens next", False),
])
def test_a_parents_own_late_appeal_is_told_apart_from_the_tribunals_steps(text, late):
    assert deadlines.missed_own_appeal_deadline(text) is late
