"""Follow-ups in content (checked with file and line), read in context, and repeated replies (bot/)."""
from datetime import date

import pytest

from bot import answers, content, followups, repeats

FOLLOW_UPS_FILE = """\
topic: Test topic
entries:
  - id: first
    title: First
    questions: [{questions}]
    answer: The deadline is 15 days. Ask SENDIASS for help.
    source: SEND Regulations 2014 reg 13
    last_reviewed: 2026-11-01
    follow_ups:
      - ask: [how long, is that working days]
        fact: 15 days
      - ask: what if they say no
        answer_with: nowhere
      - ask: can I appeal
        answer_with: second
        fact: not in that answer
      - answer_with: second
      - just a phrase
      - ask: [what if the council takes a very long time to reply to my letter about my son again]
        colour: blue
  - id: second
    title: Second
    questions: [{questions2}]
    answer: You can appeal to the Tribunal.
    source: SEND Regulations 2014 reg 5
    last_reviewed: 2026-11-01
    follow_ups: how long
"""


def test_follow_up_mistakes_are_reported_with_file_line_and_fix(tmp_path):
    questions = ", ".join(f"first question {i}" for i in range(10))
    questions2 = ", ".join(f"second question {i}" for i in range(10))
    (tmp_path / "a.yml").write_text(FOLLOW_UPS_FILE.format(questions=questions, questions2=questions2))
    found = sorted((p.line, p.message, p.hint) for p in content.check(tmp_path, date(2026, 11, 22)) if p.severity == "error")
    messages = "\n".join(f"a.yml:{line}: {message}" for line, message, _ in found)
    assert "a.yml:12: entry 'first': follow-up answer_with 'nowhere' is not an entry" in messages
    assert "a.yml:14: entry 'first': fact 'not in that answer' is not in the answer of 'second'" in messages
    assert "a.yml:17: entry 'first': follow-up 4 has no 'ask'" in messages
    assert "a.yml:18: entry 'first': follow-up 5 must be a mapping" in messages
    assert "a.yml:19: entry 'first': follow-up 6 has unknown field 'colour'" in messages
    assert "a.yml:19: entry 'first': follow-up 'what if the council" in messages
    assert "a.yml:27: entry 'second': follow_ups must be a list" in messages
    assert "fact '15 days'" not in messages  # the fact is in the entry's own answer
    assert all(fix for _, _, fix in found)


@pytest.fixture(scope="module")
def library():
    return content.load()


def ranking(*pairs):
    return [{"name": name, "confidence": confidence} for name, confidence in pairs]


def test_the_shipped_follow_ups_point_to_entries_and_facts_that_exist(library):
    with_follow_ups = [e for e in library.entries.values() if e.follow_ups]
    assert {"ehcp_who_can_request", "ehcp_timescales", "ehcp_draft_plan", "ehcp_refused_assessment", "annual_review",
            "school_transport", "appeals_tribunal", "mediation"} <= {e.id for e in with_follow_ups}


@pytest.mark.parametrize("last, text, target, fact", [
    ("ehcp_who_can_request", "what if they say no?", "ehcp_refused_assessment", ""),
    ("ehcp_who_can_request", "how long does that take?", "ehcp_timescales", ""),
    ("ehcp_draft_plan", "is that working days or normal days?", "ehcp_draft_plan", "calendar days, not working days"),
    ("mediation", "how long", "mediation", "within 30 days"),
    ("annual_review", "whose job is it", "annual_review", "council"),
])
def test_a_follow_up_reaches_the_entry_or_fact_it_means_even_with_no_help_from_the_model(library, last, text,
                                                                                          target, fact):
    reading = followups.reread(text, [], last, library)
    assert reading is not None and reading.target == target
    assert fact in reading.fact


@pytest.mark.parametrize("text, fact", [
    ("12 months?", "at least every 12 months"), ("so 4 weeks?", "within 4 weeks of the meeting"),
    ("early review?", "ask for an early review"),
])
def test_a_figure_or_phrase_of_the_answer_echoed_as_a_question_gets_the_sentence_that_says_it(library, text, fact):
    sure_elsewhere = ranking(("faq_attendance_fines", 0.9))
    reading = followups.reread(text, sure_elsewhere, "annual_review", library, "faq_attendance_fines", 0.9)
    assert reading is not None and reading.target == "annual_review" and fact in reading.fact


@pytest.mark.parametrize("text", ["12 months", "the ombudsman?", "what is section F?", "really?", "why?",
                                  "is it 12 months for everyone or just some?"])
def test_other_short_messages_are_not_echoes(library, text):
    assert followups.echoed_part(text, library.entries["annual_review"]) == ""


@pytest.mark.parametrize("last, text, fact", [
    ("admissions_sen", "he doesnt have an ehcp", "must not refuse your child"),
    ("admissions_sen", "she hasn't got a plan", "in the normal way"),
    ("early_years", "who pays for that", "SEN inclusion fund"),
])
def test_no_plan_and_who_pays_get_the_part_of_the_answer_that_says_it_whatever_the_model_is_sure_of(library, last,
                                                                                                    text, fact):
    sure_elsewhere = ranking(("faq_ehcp_provision_not_delivered", 0.9))
    reading = followups.reread(text, sure_elsewhere, last, library, "faq_ehcp_provision_not_delivered", 0.9)
    assert reading is not None and reading.target == last and fact in reading.fact


@pytest.mark.parametrize("last, text, fact", [
    ("school_trips_clubs", "is that allowed", "must not leave your child out"),
    ("part_time_timetable", "can they do that", "needs your agreement"),
])
def test_is_that_allowed_gets_the_first_sentence_that_says_what_the_law_allows(library, last, text, fact):
    weak_stop = ranking(("stop", 0.34))
    reading = followups.reread(text, weak_stop, last, library, "stop", 0.34)
    assert reading is not None and reading.target == last and fact in reading.fact


@pytest.mark.parametrize("last, text, fact, guess", [
    ("annual_review", "so who is meant to sort it out", "The council is responsible for the review", 0.9),
    ("ehcp_provision_not_delivered", "whose job is it", "legal duty to secure", 0.9),
    ("ehcp_timescales", "they have missed the first one, what now", "If a deadline is missed, complain", 0.16),
    ("ehcp_refused_assessment", "they have missed the first one, what now", "If it is late", 0.16),
])
def test_who_is_responsible_and_a_missed_deadline_get_the_sentence_that_says_it(library, last, text, fact, guess):
    elsewhere = ranking(("faq_best_interests", guess))
    reading = followups.reread(text, elsewhere, last, library, "faq_best_interests", guess)
    assert reading is not None and reading.target == last and fact in reading.fact


def test_a_sure_guess_at_the_reforms_needs_the_reforms_named_after_another_answer(library):
    sure_reforms = ranking(("faq_reforms_apply_now", 0.58))
    reading = followups.reread("can i still ask for an ehc assessment", sure_reforms, "kinship_carers", library,
                               "faq_reforms_apply_now", 0.58)
    assert reading is not None and reading.target == "ehcp_who_can_request"
    assert followups.reread("can i still ask for one now the white paper is out", sure_reforms, "kinship_carers",
                            library, "faq_reforms_apply_now", 0.58) is None


def test_is_that_right_is_a_check_of_the_answer_not_a_question_of_law(library):
    assert followups.asks_for_detail("is that right", library) is None
    assert followups.checks_the_answer("is that right")


def test_no_plan_after_an_answer_that_does_not_say_is_read_as_usual(library):
    sure = ranking(("faq_notional_sen_budget", 0.9))
    assert followups.reread("he doesnt have an ehcp", sure, "annual_review", library, "faq_notional_sen_budget",
                            0.9) is None


def test_the_model_ranking_restricted_to_the_candidates_decides_when_no_phrase_matches(library):
    # "and if they refuse?" is no ask phrase of ehcp_timescales; the model spreads it thinly, but
    # among the candidates it clearly means the refusal.
    spread = ranking(("faq_ehcp_naming_school", 0.20), ("faq_ehcp_refused_assessment", 0.19), ("faq_ehcp_no_plan", 0.1))
    reading = followups.reread("and so if the LA refuse?", spread, "ehcp_timescales", library)
    assert reading is not None and reading.target == "ehcp_refused_assessment"


def test_a_clear_new_question_is_not_taken_for_a_follow_up(library):
    sure = ranking(("faq_mediation", 0.98))
    assert followups.reread("what is mediation", sure, "school_transport", library, "faq_mediation", 0.98) is None
    long_question = "can my son get a personal budget for his speech therapy as part of his plan"
    assert followups.reread(long_question, ranking(("faq_personal_budgets", 0.9)), "ehcp_draft_plan", library,
                            "faq_personal_budgets", 0.9) is None


def test_no_topic_means_no_rereading(library):
    assert followups.reread("what if they say no", [], None, library) is None
    assert followups.reread("what if they say no", [], "no_such_entry", library) is None


def test_only_send_needs_a_plain_message_and_high_confidence_in_a_send_conversation(library):
    assert followups.plainly_out_of_scope("when are my bins collected", 0.7, None, library)
    assert not followups.plainly_out_of_scope("is that working days", 0.5, None, library)
    assert not followups.plainly_out_of_scope("when are my bins collected", 0.3, None, library)
    assert not followups.plainly_out_of_scope("whose job is it", 0.73, "annual_review", library)
    assert not followups.plainly_out_of_scope("who pays for it", 0.9, "annual_review", library)
    assert followups.plainly_out_of_scope("when are my bins collected", 0.85, "annual_review", library)


def user(text):
    return {"event": "user", "text": text}


def bot(text="", entry=None):
    return {"event": "bot", "text": text or None, "data": {"custom": {"feedback_for": entry} if entry else None}}


def test_repeats_are_counted_turn_by_turn_and_reset_by_a_restart():
    events = [user("a"), bot("Answer", ), bot(entry="mediation"), user("a"), bot("Same"), bot(entry="mediation"), user("a")]
    assert repeats.times_in_a_row(events, entry="mediation") == 2
    assert repeats.times_in_a_row(events, entry="appeals_tribunal") == 0
    assert repeats.times_in_a_row(events, text="same") == 1
    assert repeats.times_in_a_row(events[:3] + [user("b"), bot("Other"), user("a")], entry="mediation") == 0
    assert repeats.times_in_a_row(events[:3] + [{"event": "restart"}, user("a")], entry="mediation") == 0


def test_the_same_entry_asked_in_other_words_gets_the_part_an_ask_phrase_names(library):
    entry = library.entries["home_education"]
    text = content.reply_text(entry)
    events = [user("can i home educate him"), bot(text), bot(entry=entry.id), user("Will he lose his EHCP?")]
    parse = answers.Parse("Will he lose his EHCP?", "faq_home_education", 0.9)
    reply = answers.faq(parse, entry.id, library, events).messages[0].text
    assert "the council keeps the plan" in reply and "same answer" not in reply
    events[-1] = user("can i  home educate HIM")  # the same words again: the notice, as before
    parse = answers.Parse("can i  home educate HIM", "faq_home_education", 0.9)
    assert "same answer as before" in answers.faq(parse, entry.id, library, events).messages[0].text
    assert repeats.asked_in_the_same_words(events) and not repeats.asked_in_the_same_words(events[:3])


def test_an_answer_with_a_phone_number_is_a_repeat_though_the_store_kept_it_redacted(library):
    entry = library.entries["short_breaks"]
    first = answers.answer(entry, library, [user("what are short breaks")])
    assert "01634 331 351" in first.messages[0].text
    stored = bot(first.messages[0].text.replace("01634 331 351", "[phone]"))  # as the tracker store keeps it
    events = [user("what are short breaks"), stored, bot(entry="short_breaks"), user("respite")]
    assert answers.answer(entry, library, events).messages[0].text.startswith("That's the same answer as before")


def test_an_answer_given_just_before_becomes_a_short_notice(library):
    entry = library.entries["mediation"]
    first = answers.answer(entry, library, [user("what is mediation")])
    events = [user("what is mediation"), bot(first.messages[0].text), bot(entry="mediation"), user("what is mediation")]
    second = answers.answer(entry, library, events)
    assert first.messages[0].text.startswith("Before most appeals")
    assert second.messages[0].text.startswith("That's the same answer as before")
    assert second.messages[0].buttons[-1]["payload"] == "/human_handoff"
    assert second.entry == "mediation" and second.messages[1].custom == {"feedback_for": "mediation"}


def test_a_follow_up_for_the_part_just_quoted_gets_what_the_answer_says_next_and_its_pages(library):
    entry = library.entries["ehcp_deadline_missed"]
    parts = followups.answer_parts(entry.answer)
    steps = next(i for i, part in enumerate(parts) if part.startswith("If the council misses one"))
    reading = followups.Reading(entry.id, 1.0, 1.0, 1.0, parts[steps])
    events = [user("what can i do"), bot(followups.fact_text(entry, parts[steps])), user("and what can i do about it")]
    again = answers.follow_up(reading, entry.id, library, events).messages[0].text
    assert "same answer as before" not in again and parts[steps + 1] in again
    assert all(link.url in again for link in entry.links)
    last = followups.Reading(entry.id, 1.0, 1.0, 1.0, parts[-1])  # nothing after it: the pages alone
    events = [user("q"), bot(followups.fact_text(entry, parts[-1])), user("q again")]
    assert entry.links[0].url in answers.follow_up(last, entry.id, library, events).messages[0].text


def test_an_edited_answer_is_not_a_repeat_and_a_notice_is_never_sent_twice_in_a_row(library):
    entry = library.entries["mediation"]
    full = answers.answer(entry, library).messages[0].text
    edited = [user("q"), bot("An older wording."), bot(entry="mediation"), user("q")]
    assert answers.answer(entry, library, edited).messages[0].text == full
    events, sent = [], []
    for _ in range(4):
        events.append(user("what is mediation"))
        outcome = answers.answer(entry, library, events)
        sent.append(outcome.messages[0].text)
        events += [bot(outcome.messages[0].text), bot(entry="mediation")]
    assert sent[0] == full and all(a != b for a, b in zip(sent, sent[1:]))
    assert sent[1].startswith("That's the same answer as before") and "SENDIASS" in sent[2]


def test_a_not_sure_after_an_answers_notice_is_not_taken_for_a_repeat(library):
    notice = repeats.same_answer_text("Mediation", 2)
    events = [user("what is mediation"), bot(notice), bot(entry="mediation"), user("the thing with the stuff")]
    outcome = answers.not_understood(answers.Parse("the thing with the stuff", "nlu_fallback", 0.13), None, library,
                                     None, events)
    assert "not sure I understood" in outcome.messages[0].text


def test_the_only_send_reply_twice_says_what_it_was(library):
    scope = "Sorry, I can only help with questions about special educational needs and disabilities (SEND) in Medway."
    events = [user("when are my bins collected"), bot(scope), user("when are my bins collected")]
    outcome = answers.out_of_scope(answers.Parse("when are my bins collected", "out_of_scope", 0.9), None, library,
                                   scope, events)
    assert outcome.response is None
    assert outcome.messages[0].text.startswith("That's the same answer as before: I can only help with questions about SEND")


def test_a_not_sure_after_the_only_send_notice_is_not_a_repeat(library):
    notice = repeats.same_reply_text(1, repeats.ONLY_SEND_GIST)
    events = [user("bins"), bot("Sorry, I can only help with SEND."), user("bins"), bot(notice),
              user("the thing with the stuff")]
    outcome = answers.not_understood(answers.Parse("the thing with the stuff", "nlu_fallback", 0.13), None, library,
                                     None, events)
    assert "not sure I understood" in outcome.messages[0].text


def test_a_short_message_pointing_back_with_nothing_before_it_is_not_guessed_at():
    assert followups.needs_context("is that working days or normal days?", 0.3)
    assert followups.needs_context("can they refuse it", 0.2)
    assert not followups.needs_context("can they refuse it", 0.6)  # the model is sure enough
    assert not followups.needs_context("what is SEN support", 0.3)  # points at nothing
    assert not followups.needs_context("my son's school says they cannot meet his needs, what now", 0.3)  # long


def test_a_message_in_the_answers_own_words_and_none_of_the_guess_is_a_follow_up():
    """After the OT referral answer, "does the school have to refer or can i" is about the referral,
    although the model alone reads "does the school have to" as naming a school."""
    library = content.load()
    entry, guess = library.entries["ot_referral"], library.entries["ehcp_naming_school"]
    assert followups.belongs_here("does the school have to refer or can i", entry, guess)
    assert not followups.belongs_here("can they name a special school in his plan instead", entry, guess)
    assert not followups.belongs_here("does the school have to", entry, guess)  # no word of its own
    ranking = [("faq_ehcp_naming_school", 0.65), ("faq_transport_nearest_school", 0.05), ("faq_ot_referral", 0.04)]
    reading = followups.reread("does the school have to refer or can i", ranking, "ot_referral", library,
                               "faq_ehcp_naming_school", 0.65)
    assert reading and reading.target == "ot_referral" and "referred with your consent" in reading.fact


def test_a_short_question_for_a_plain_detail_gets_the_part_of_the_answer_that_gives_it_or_that_it_does_not():
    library = content.load()
    ranking = [{"name": "find_service", "confidence": 0.3}, {"name": "out_of_scope", "confidence": 0.13}]
    said = followups.reread("is it free?", ranking, "sendiass", library, "find_service", 0.3)
    assert said.target == "sendiass" and "free, confidential and impartial" in said.fact
    paid_back = followups.reread("do i have to pay it back", ranking, "university_dsa", library, "out_of_scope", 0.49)
    assert paid_back.fact == "It is not based on household income and does not have to be paid back."
    unsaid = followups.reread("does it cost anything", ranking, "ot_referral", library, "faq_leisure_discounts", 0.31)
    assert unsaid.target == "ot_referral" and unsaid.fact == ""
    funded = followups.reread("does it cost anything", ranking, "short_breaks", library, "faq_leisure_discounts", 0.31)
    assert funded.target == "short_breaks" and "Short Break Grant" in funded.fact  # who pays: said since play13
    assert followups.asks_for_detail("do I have to pay for it", library).name == "cost"  # "for" names no topic
    assert not followups.asks_for_detail("is the send tribunal free", library)  # a topic of its own: the model reads it
    assert followups.reread("is it free?", ranking, None, library, "find_service", 0.3) is None
    number = followups.reread("can you just tell me the number", [{"name": "out_of_scope", "confidence": 0.9}],
                              "sendiass", library, "out_of_scope", 0.9)
    assert number.target == "sendiass" and number.fact
    assert not followups.plainly_out_of_scope("can you just tell me the number", 0.9, "sendiass", library)
    assert followups.plainly_out_of_scope("when are my bins collected", 0.9, "sendiass", library)


@pytest.mark.parametrize("text, last, predicted, confidence, fact", [
    # "how long" is about the answer just given, not the EHC time limits the model is sure of
    ("how long is the wait", "autism_adhd_assessment", "faq_ehcp_timescales", 0.66, "3 to 4 years"),
    ("how long is the wait", "speech_therapy_referral", "faq_ehcp_timescales", 0.66, ""),  # it says no more
    ("how long does it take", "ehcp_overview", "faq_ehcp_timescales", 0.87, "20 weeks"),
    # "how do I apply" gets the first sentence on applying, not "you can apply again with new evidence"
    ("how do we apply", "blue_badge", "out_of_scope", 0.56, "Apply online through GOV.UK"),
    ("how do i apply for that", "benefits", "out_of_scope", 0.71, "DLA1A Child form"),
])
def test_a_detail_asked_after_an_answer_is_read_in_that_answer(text, last, predicted, confidence, fact):
    reading = followups.reread(text, [{"name": predicted, "confidence": confidence}], last, content.load(),
                               predicted, confidence)
    assert reading.target == last and (fact in reading.fact if fact else reading.fact == "")


@pytest.mark.parametrize("text, expected", [
    ("dd 15 has an ehcp what happens after year 11", "post16_options"),
    ("what is the deadline for naming the college after year 11", None),
    ("when does the council have to name her new school", None),
])
def test_what_happens_after_year_11_is_the_options_not_the_transfer_deadlines(text, expected):
    entry = answers.read_instead(answers.Parse(text, "faq_phase_transfer", 0.6), content.load())
    assert (entry.id if entry else None) == expected


@pytest.mark.parametrize("text, guess, expected", [
    ("we asked for an ehc assessment in may and its now october and nothing, is that allowed", "faq_ehcp_legal_test",
     "ehcp_deadline_missed"),
    ("i was meant to send the send35 by last friday but was in hospital, will the tribunal still take it",
     "faq_tribunal_steps", "appeal_deadline_missed"),
    ("what does the tribunal look at", "faq_tribunal_steps", None),
])
def test_a_message_the_model_reads_as_a_neighbour_gets_its_own_entry(text, guess, expected):
    entry = answers.read_instead(answers.Parse(text, guess, 0.6), content.load())
    assert (entry.id if entry else None) == expected


@pytest.mark.parametrize("text, guess, expected", [
    ("my son keeps losing his break times as a punishment", "ask_send_general", "school_sanctions"),
    ("they keep taking his breaks off him as a punishment", "faq_short_breaks", "school_sanctions"),
    ("15 detentions this term, he has adhd", "faq_autism_adhd_assessment", "school_sanctions"),
    ("my daughter takes melatonin, can she have it on the residential school trip", "faq_sleep_problems",
     "school_trips_clubs"),
    ("the council want to move my son to a cheaper school at his review", "faq_moving_area", "ehcp_naming_school"),
    ("the council want to move my son to a cheaper school at his review", "faq_transport_nearest_school",
     "ehcp_naming_school"),
    # the model's guess already answers it (that guess), or the words name something else
    ("detentions for my autistic daughter, is that discrimination", "faq_disability_discrimination",
     "disability_discrimination"),
    ("how many short breaks do we get a year", "faq_short_breaks", None),
    ("the council will only pay transport to the cheaper school", "ask_send_general", None),
    ("is melatonin available on the nhs", "faq_sleep_problems", None),
    # a PRU or a late Tribunal decision
    ("the school want my son to go to a PRU", "ask_send_general", "alternative_provision"),
    ("he was permanently excluded, will he go to the pupil referral unit", "faq_exclusions", None),
    ("the tribunal hearing was 5 weeks ago and we still have no decision", "faq_tribunal_order_compliance",
     "tribunal_hearing"),
    ("the tribunal decision went against us, can we appeal it", "faq_tribunal_lost", None),
    ("we won at tribunal but the council still has not named the school", "faq_tribunal_order_compliance", None),
])
def test_a_topic_named_in_its_own_words_gets_its_entry(text, guess, expected):
    entry = answers.named_topic(answers.Parse(text, guess, 0.5, ({"name": guess, "confidence": 0.5},)),
                                content.load())
    assert (entry.id if entry else None) == expected


@pytest.mark.parametrize("text, guess, expected", [
    ("nobody is listening to me, the school just ignore my emails", "faq_young_person_support", "school_complaints"),
    ("no one listens to me about my son, i have tried everyone", "faq_young_person_support", "sendiass"),
    ("nobody at school listens to me", "faq_young_person_support", None),  # a young person's own words
])
def test_a_parent_no_one_listens_to_is_not_given_the_young_peoples_answer(text, guess, expected):
    entry = answers.named_topic(answers.Parse(text, guess, 0.5, ({"name": guess, "confidence": 0.5},)),
                                content.load())
    assert (entry.id if entry else None) == expected


@pytest.mark.parametrize("text, guess, ranking, expected", [
    # a suspension the model reads as the sanctions answer gets the exclusion rules
    ("my son got a 3 day suspension for throwing a chair, he has adhd", "faq_school_sanctions", (), "exclusions"),
    ("he got detentions and now a suspension", "faq_removal_from_class", (), "removal_from_class"),
    # a suspected condition named alone gets the assessments, not "Is it about one of these?"
    ("i think he has adhd", "ask_send_general", ("faq_reasonable_adjustments",), "autism_adhd_assessment"),
    ("i think he has adhd, the school wont help", "ask_send_general", ("faq_reasonable_adjustments",), None),
    # the words name sanctions and the model's own guess answers them: that guess
    ("my autistic son got a detention for not making eye contact", "ask_send_general",
     ("faq_reasonable_adjustments",), "reasonable_adjustments"),
])
def test_a_named_topic_keeps_a_guess_that_answers_it(text, guess, ranking, expected):
    parse = answers.Parse(text, guess, 0.5, tuple({"name": n, "confidence": 0.3} for n in (guess, *ranking)))
    entry = answers.named_topic(parse, content.load())
    assert (entry.id if entry else None) == expected
