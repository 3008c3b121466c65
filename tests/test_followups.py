"""Follow-ups in content (checked with file and line), read in context, and repeated replies (bot/)."""
from datetime import date

from bot import content

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
