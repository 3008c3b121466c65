"""Named topics (bot/named_topics.py, content/named_topics.yml): staff-edited, checked with file and line."""
import shutil

import pytest

from bot import content, named_topics
from tests.test_cli import ROOT, run


def test_the_shipped_file_checks_clean_against_the_faq():
    assert named_topics.check(content.load().entries) == []


@pytest.mark.parametrize("text, guess, expected", [
    ("my son keeps losing his break times as a punishment", "short_breaks", "school_sanctions"),
    # the model's own guess answers it as well: the guess stands
    ("detentions for my autistic daughter, is that discrimination", "disability_discrimination",
     "disability_discrimination"),
    # only instead of the entries named in `instead_of`
    ("my son got a 3 day suspension for throwing a chair", "school_sanctions", "exclusions"),
    ("my son got a 3 day suspension for throwing a chair", "removal_from_class", None),
    # a button payload, or a message longer than max_words, is the model's to read
    ("/faq_short_breaks", "short_breaks", None),
    ("he keeps losing his break times as a punishment " + "and more words " * 10, "short_breaks", None),
])
def test_a_message_naming_a_topic_gets_its_entry(text, guess, expected):
    assert named_topics.load().entry_for(text, guess) == expected


def _broken(tmp_path, old: str, new: str):
    directory = tmp_path / "content"
    shutil.copytree(ROOT / "content", directory)
    path = directory / "named_topics.yml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    line = text[:text.index(old)].count("\n") + 1
    return run("content", "check", content_dir=directory), path, line


@pytest.mark.parametrize("old, new, says", [
    ("- '\\b(detentions?|behaviour points?)\\b'", "- '\\b((detentions?|behaviour points?)\\b'", "not a valid pattern"),
    ("  - entry: alternative_provision", "  - entry: alternative_provisions", "not in content/faq"),
    ("      - 15 detentions this term, he has adhd", "      - 15 late marks this term, he has adhd",
     "does not match its words"),
    ("{shared: a_parent_speaks}", "{shared: a_parent_speak}", "not under 'shared'"),
    ("fits: {group: behaviour}", "fits: {group: behavior}", "not under 'groups'"),
])
def test_a_mistake_fails_the_check_naming_file_line_and_fix(tmp_path, old, new, says):
    result, path, line = _broken(tmp_path, old, new)
    assert result.returncode == 1
    assert says in result.stderr and "fix:" in result.stderr and "Traceback" not in result.stderr
    lines = [x for x in result.stderr.splitlines() if says in x]
    assert lines and lines[0].startswith(f"{path}:"), result.stderr
    reported = int(lines[0].split(":")[1])
    assert abs(reported - line) <= 12, (reported, line)
