from bot import fallback
from bot.input_checks import EMPTY, NO_WORDS, NOT_ENGLISH

LABELS = {"faq_ehcp_overview": "EHC plans", "human_handoff": "Talk to a person"}


def payloads(reply):
    return [b["payload"] for b in reply.buttons]


def test_a_fair_guess_is_offered_first_in_plain_words():
    reply = fallback.reply(None, [{"name": "nlu_fallback", "confidence": 1.0},
                                  {"name": "faq_ehcp_overview", "confidence": 0.55},
                                  {"name": "greet", "confidence": 0.2}], LABELS)
    assert "not sure" in reply.text and "Did you mean: EHC plans?" in reply.text
    assert payloads(reply)[0] == "/faq_ehcp_overview"
    assert payloads(reply).count("/faq_ehcp_overview") == 1
    assert "/human_handoff" in payloads(reply)


def test_no_guess_when_confidence_is_low_or_intent_has_no_label():
    reply = fallback.reply(None, [{"name": "faq_ehcp_overview", "confidence": 0.03},
                                  {"name": "out_of_scope", "confidence": 0.9}], LABELS)
    assert "Did you mean" not in reply.text
    assert payloads(reply) == [payload for _, payload in fallback.MENU]


def test_the_share_of_a_turned_down_safeguarding_reading_does_not_hide_the_guesses():
    ranking = [{"name": "safeguarding", "confidence": 0.52}, {"name": "faq_ehcp_overview", "confidence": 0.03}]
    assert "Did you mean: EHC plans?" in fallback.reply(None, ranking, LABELS).text
    assert "Did you mean" not in fallback.reply(None, ranking[1:], LABELS).text


def test_each_input_problem_is_explained():
    assert "didn't receive any words" in fallback.reply(EMPTY, [], LABELS).text
    assert "emoji" in fallback.reply(NO_WORDS, [], LABELS).text
    text = fallback.reply(NOT_ENGLISH, [], LABELS).text
    assert "English" in text and "person" in text
    assert "/human_handoff" in payloads(fallback.reply(NOT_ENGLISH, [], LABELS))


def test_shipped_labels_are_short_enough_for_buttons():
    labels = fallback.labels()
    assert labels and all(len(label) <= 40 for label in labels.values())


def test_several_fair_guesses_are_offered_best_first():
    names = {"faq_ceasing_plan": "Ending (ceasing) a plan", "faq_annual_review": "Annual reviews",
             "faq_mediation": "Mediation", "human_handoff": "Talk to a person"}
    reply = fallback.reply(None, [{"name": "nlu_fallback", "confidence": 0.2},
                                  {"name": "faq_ceasing_plan", "confidence": 0.19},
                                  {"name": "safeguarding", "confidence": 0.14},
                                  {"name": "faq_annual_review", "confidence": 0.13},
                                  {"name": "faq_mediation", "confidence": 0.03}], names)
    assert "Did you mean one of these?" in reply.text
    assert payloads(reply)[:2] == ["/faq_ceasing_plan", "/faq_annual_review"]
    assert "/faq_mediation" not in payloads(reply) and "/safeguarding" not in payloads(reply)


def test_guess_floor_stays_below_the_fallback_threshold():
    """A fallback's best guess is always under the threshold; a floor above it would offer none."""
    import yaml

    from bot.paths import PROJECT_ROOT
    pipeline = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text())["pipeline"]
    threshold = next(c["threshold"] for c in pipeline if c["name"] == "FallbackClassifier")
    assert fallback.SUGGEST_MIN_CONFIDENCE < threshold


def test_a_story_without_a_question_is_offered_the_answers_it_may_be_about():
    names = {"faq_exclusions": "Exclusions and being sent home", "faq_bullying": "Bullying", "human_handoff": "Talk to a person"}
    reply = fallback.general_reply([{"name": "ask_send_general", "confidence": 0.41},
                                    {"name": "faq_exclusions", "confidence": 0.10},
                                    {"name": "faq_bullying", "confidence": 0.03}], names)
    assert "Thank you for telling me" in reply.text and "SENDIASS" in reply.text
    assert payloads(reply)[0] == "/faq_exclusions" and "/faq_bullying" not in payloads(reply)
    assert "/human_handoff" in payloads(reply) and "/leave_question" in payloads(reply)
    assert fallback.general_reply([{"name": "ask_send_general", "confidence": 0.99},
                                   {"name": "faq_bullying", "confidence": 0.004}], names) is None
