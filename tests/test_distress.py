"""Distress that is not danger (bot/distress.py, content/distress.yml): heard once, before the answer."""
import shutil

from bot import distress
from tests.test_cli import ROOT, run


def _said(text: str) -> list[dict]:
    return [{"event": "user", "text": text}]


def _replied(text: str) -> list[dict]:
    return [{"event": "bot", "text": text}]


def test_the_files_examples_hold():
    assert distress.self_check() == []


def test_distress_is_acknowledged_and_everyday_words_are_not():
    words = distress.load().acknowledgement
    assert distress.acknowledgement("honestly we're falling apart and nobody is helping", _said("x")) == words
    assert distress.acknowledgement("my son gets overwhelmed in busy corridors, what can school do") is None
    assert distress.acknowledgement("/faq_sen_support") is None


def test_the_acknowledgement_is_not_repeated_within_three_turns():
    words = distress.load().acknowledgement
    events = _said("i'm falling apart") + _replied(words) + _replied("the answer") + _said("i'm so exhausted")
    assert distress.acknowledgement("i'm so exhausted", events) is None
    later = events + _replied("answer") + sum((_said("ok") + _replied("fine") for _ in range(3)), [])
    assert distress.acknowledgement("i'm so exhausted", later + _said("i'm so exhausted")) == words


def test_a_broken_pattern_names_the_file_and_line(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    path = content / "distress.yml"
    path.write_text(path.read_text().replace("- '\\b(i''?m|im|", "- '\\b((i''?m|im|", 1))
    result = run("safety", "--check", content_dir=content)
    assert result.returncode == 1
    assert f"{path}:" in result.stderr and "not a valid pattern" in result.stderr and "fix:" in result.stderr


def test_numbers_stay_out_of_the_acknowledgement(tmp_path):
    path = tmp_path / "distress.yml"
    path.write_text("acknowledgement: call 0800 1111\npatterns: ['x']\n")
    problems = distress.self_check(path)
    assert problems and "number" in problems[0].message and problems[0].line == 1
