"""The deterministic safeguarding backstop, on its own (no model)."""
import textwrap

import pytest

from bot import safety
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
