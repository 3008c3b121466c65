"""The deterministic safeguarding backstop, on its own (no model)."""
import textwrap

import pytest

from bot import content, safety
from bot.yamlfile import ContentError
from tests.phrasings import SAFEGUARDING

ORDINARY = [
    "How long does the council have to decide on an EHC needs assessment?",
    "my son was excluded for hitting another pupil, is that allowed?",
    "this appeal process is killing me",
    "what does the SENCO do",
    "is there a danger they will refuse the assessment",
    "can my daughter get help cutting her food at lunch",
    "the school say they cannot meet his needs any more",
    "he is dying to go to the holiday club",
    "I want to complain about the delay",
    "what is safeguarding",
    "my child hurt his leg at school and they didn't tell me",
    "where can I find speech therapy near Strood",
]


def test_the_shipped_file_passes_its_own_check():
    assert safety.self_check() == []


@pytest.mark.parametrize("message", SAFEGUARDING)
def test_backstop_spots_held_out_phrasings(message):
    assert safety.match(message), message


@pytest.mark.parametrize("message", ORDINARY)
def test_backstop_leaves_ordinary_questions_alone(message):
    assert safety.match(message) is None


def test_matching_ignores_case_curly_quotes_and_spacing():
    assert safety.match("SHE  DOESN\u2019T WANT TO BE ALIVE") == "suicide"


def test_emergency_message_puts_999_first_and_names_every_route():
    rules = safety.load()
    text = safety.emergency_message(rules)
    lines = [line for line in text.splitlines() if line.startswith("- ")]
    assert "999" in lines[0]
    assert any("111" in line for line in lines)
    assert any("01634 334 466" in line for line in lines), "Medway children's social care"
    assert any("Childline" in line and "0800 1111" in line for line in lines)
    assert any("Samaritans" in line for line in lines)
    assert all(route.source.startswith("https://") for route in rules.routes)


def _write(tmp_path, text):
    path = tmp_path / "safeguarding.yml"
    path.write_text(textwrap.dedent(text))
    return path


def test_a_broken_pattern_is_reported_with_its_line(tmp_path):
    path = _write(tmp_path, """\
        intro: hi
        outro: bye
        routes:
          - {name: Emergency, what: call, phone: "999", source: "https://example.org"}
        patterns:
          - id: broken
            description: unbalanced bracket
            pattern: '(suicide'
        """)
    with pytest.raises(ContentError) as caught:
        safety.load(path)
    problem = caught.value.problems[0]
    assert problem.line == 8 and "not a valid pattern" in problem.message
    assert str(path) in str(problem)


def test_a_route_without_a_source_is_refused(tmp_path):
    path = _write(tmp_path, """\
        intro: hi
        outro: bye
        routes:
          - name: Made-up line
            what: call
            phone: "01632 960000"
        patterns:
          - {id: x, description: x, pattern: 'x'}
        """)
    with pytest.raises(ContentError) as caught:
        safety.load(path)
    assert any("'source'" in p.message for p in caught.value.problems)


def test_an_example_that_does_not_match_fails_the_check(tmp_path):
    path = _write(tmp_path, """\
        intro: hi
        outro: bye
        routes:
          - {name: Emergency, what: call, phone: "999", source: "https://example.org"}
        patterns:
          - id: suicide
            description: x
            pattern: '\\bsuicid\\w*'
            examples:
              - he wants to die
        not_examples:
          - what is suicide prevention training for teachers
        """)
    problems = safety.self_check(path)
    messages = [p.message for p in problems]
    assert any("does not match" in m for m in messages)
    assert any("ordinary question" in m for m in messages)
    assert {p.line for p in problems} == {9, 11}


# The one decision: patterns, the model's own intent, guards.

def test_a_pattern_wins_whatever_the_model_says():
    decision = safety.assess("my son has been fitting for ten minutes", "faq_sen_support", 0.9)
    assert decision.is_risk and decision.kind == "medical" and decision.pattern == "seizure_now"


def test_the_model_alone_counts_only_from_the_threshold():
    text = "please help, something awful is happening to my family"
    assert safety.match(text) is None
    assert safety.assess(text, "safeguarding", safety.MODEL_THRESHOLD).is_risk
    assert not safety.assess(text, "safeguarding", safety.MODEL_THRESHOLD - 0.01).is_risk
    assert not safety.assess(text, "faq_sen_support", 0.99).is_risk


def test_a_guard_phrase_stops_the_model_alone_but_never_a_pattern():
    assert not safety.assess("my son fits in well at his new school", "safeguarding", 0.99).is_risk
    assert safety.assess("he fits in at school but tonight he took an overdose", "safeguarding", 0.99).is_risk


def test_a_guard_phrase_overrules_the_model_only_in_a_short_message():
    """In a long story a guard phrase ("suspended", "fighting the council") can sit beside a real risk."""
    short = "he got suspended again today and I don't know what to do"
    assert len(short.split()) <= safety.GUARD_MAX_WORDS
    assert not safety.assess(short, "safeguarding", 0.95).is_risk
    long = ("we have been fighting the council for his place since the spring and it has worn me down. "
            "tonight I keep thinking everyone in this house would get on better if I just was not in it")
    assert len(long.split()) > safety.GUARD_MAX_WORDS and safety.match(long) is None
    assert safety.assess(long, "safeguarding", 0.95).is_risk
    assert not safety.assess(long, "safeguarding", safety.MODEL_THRESHOLD - 0.01).is_risk
    assert safety.needs_check_in(long, "safeguarding", (safety.CHECK_IN_MIN + safety.MODEL_THRESHOLD) / 2)


def test_a_patterns_own_not_phrases_cancel_it():
    assert safety.match("he had food poisoning and missed school") is None
    assert safety.match("my son was missing from the register this morning") is None
    assert safety.match("my son has gone missing from school") == "missing"


def test_the_emergency_reply_leads_with_the_kinds_first_line_then_999():
    rules = safety.load()
    medical = safety.emergency_message(rules, "medical")
    assert medical.startswith("Call 999 now") and "5 minutes" in medical.splitlines()[0]
    for kind in safety.KINDS:
        text = safety.emergency_message(rules, kind)
        assert "999" in text.splitlines()[0], kind
        assert text.index("999") < text.index("NHS 111") < text.index("01634 334 466")
    assert safety.emergency_message(rules, None) == safety.emergency_message(rules, "general")


def test_the_follow_up_for_violence_at_home_names_family_support_and_999_first():
    text = safety.follow_up_message("violence")
    assert text.index("999") < text.index("01634 334 466")
    assert "Early Help" in text and "NSPCC" in text
    assert "Sources: https://medway.gov.uk/" in text
    assert text != safety.emergency_message(kind="violence")


def test_every_kind_and_its_sources_are_in_the_file():
    rules = safety.load()
    assert set(rules.kinds) == set(safety.KINDS)
    assert {p.kind for p in rules.patterns} <= set(safety.KINDS) - {"general"}
    assert all(url.startswith("http") and "nhs.uk" in url or "epilepsy" in url for url in rules.kinds["medical"].sources)


def test_a_kinds_fuller_entry_exists_and_opens_with_999():
    library = content.load()
    entries = {kind.id: kind.entry for kind in safety.load().kinds.values() if kind.entry}
    assert entries, "violence at home names the entry that says more"
    for kind, entry in entries.items():
        assert entry in library.entries, f"kind '{kind}' names entry '{entry}', which is not in content/faq"
        assert library.entries[entry].answer.lstrip().startswith("If anyone is in immediate danger, call 999")


def test_someone_telling_of_their_own_risk_is_spoken_to_with_their_routes_after_999():
    assert safety.speaks_for_self("im 15 and i want to die, nobody at school gets me")
    assert not safety.speaks_for_self("my son says he wants to die")
    assert safety.speaks_for_self("im 17 and in crisis, nobody listens")
    assert not safety.speaks_for_self("i'm in crisis with my daughter, she won't eat")
    text = safety.emergency_message(kind="self_harm", for_self=True)
    assert text.index("999") < text.index("0800 1111") < text.index("01634 334 466")
    assert text.startswith("If you have hurt yourself")
    assert safety.emergency_message(kind="self_harm").startswith("If someone has seriously hurt themselves")


def test_a_request_for_a_way_to_get_help_is_told_from_other_messages():
    for asked in ("is there someone i can text", "would they tell my parents", "what do i do now", "what support is there",
                  "where can i get help with this", "where can i go with them", "is there somewhere safe to stay"):
        assert safety.asks_for_help(asked), asked
    for other in ("i dont want to hurt anyone i just need a break from it", "how long does an assessment take"):
        assert not safety.asks_for_help(other), other


def test_a_route_for_some_kinds_is_shown_only_for_them():
    assert "0808 2000 247" in safety.emergency_message(kind="violence")
    assert "0808 2000 247" not in safety.emergency_message(kind="medical")
    assert "0808 2000 247" in safety.follow_up_message(kind="violence")


def test_a_mental_health_crisis_gets_nhs_111s_mental_health_option_after_999():
    for message in ("my daughter is 16 and in crisis at college, she wont eat",
                    "she has stopped eating and drinking and stays in her room",
                    "her anorexia is getting worse and she is eating nothing"):
        assert safety.assess(message).kind == "mental_health", message
    text = safety.emergency_message(kind="mental_health")
    assert text.index("999") < text.index("mental health option") < text.index("01634 334 466")
    for everyday in ("we had a crisis meeting at school", "the SEND system is in crisis",
                     "she won't eat or drink at school because of the noise", "my son has ARFID and is losing weight"):
        assert safety.match(everyday) is None, everyday


def test_a_doubtful_reading_as_risk_gets_the_check_in_and_nothing_else_does():
    doubtful = "my daughter came home late with a new phone she won't explain"
    assert safety.needs_check_in(doubtful, "safeguarding", (safety.CHECK_IN_MIN + safety.MODEL_THRESHOLD) / 2)
    assert not safety.needs_check_in(doubtful, "safeguarding", safety.MODEL_THRESHOLD)  # the alarm itself
    assert not safety.needs_check_in(doubtful, "safeguarding", 0.3)
    assert not safety.needs_check_in(doubtful, "faq_school_transport", 0.6)
    assert not safety.needs_check_in("he fits in well now but is scared of the dark", "safeguarding", 0.6)  # a guard
    assert not safety.needs_check_in("my son says he wants to die", "safeguarding", 0.6)  # a pattern: the alarm
    rules = safety.load()
    assert "danger" in rules.check_in and rules.check_in_button
