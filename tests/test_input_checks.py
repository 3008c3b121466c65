import json

import pytest

from bot import input_checks
from bot.input_checks import EMPTY, NO_WORDS, NOT_ENGLISH


@pytest.mark.parametrize("text, expected", [
    ("", EMPTY),
    ("   \n\t ", EMPTY),
    ("😀😀🙏", NO_WORDS),
    ("???!!!", NO_WORDS),
    ("4", None),
    ("ME4", None),
    ("مرحبا، أحتاج مساعدة بخصوص ابني", NOT_ENGLISH),
    ("我的孩子需要帮助", NOT_ENGLISH),
    ("Мій син має аутизм", NOT_ENGLISH),
    ("what is an EHCP", None),
    ("Dzień dobry, potrzebuję pomocy dla mojego syna", NOT_ENGLISH),
    ("Bună ziua, fiul meu are nevoie de ajutor la școală", NOT_ENGLISH),
    ("Labas, mano sūnui reikia pagalbos mokykloje", NOT_ENGLISH),
    ("Hola, mi hijo necesita ayuda en la escuela", NOT_ENGLISH),
    ("Mein Sohn ist im Kindergarten und braucht Hilfe", NOT_ENGLISH),
    ("Oğlum her gün okulda ağlıyor yardım", NOT_ENGLISH),
    ("Czy mój syn może dostać ehcp w szkole", NOT_ENGLISH),
    ("EHCP 😀", None),
    ("/greet", None),
    ("the the the", "no_content"),
    ("and so", "no_content"),
    ("what", None),
])
def test_unusual_input_is_named(text, expected):
    assert input_checks.unusual(text) == expected


@pytest.mark.parametrize("text", [
    "my son hav autizm and skool dont help",
    "EHCP annual review deadline",
    "autism assessment waiting times Medway",
    "senco wont reply",
    "Medway SENDIASS phone",
    "CAMHS referral",
    "SALT OT physio",
    "draft plan section F",
    "ok",
    "Gillingham Chatham Rochester Strood",
    "la la la",
    "Merci beaucoup",  # two words: too short to judge, left to the model
    "i dont mean hurt him, i mean i need a break",  # a parent after the crisis reply, once read as not English
    "why do people say get an ehcp",
    "will ehcps still exist in 2030",
    "ehcp in plain words pls",
    "ehcps being scrapped?",
])
def test_english_jargon_typos_and_short_text_are_never_refused(text):
    assert input_checks.unusual(text) is None


def test_clean_removes_control_characters_and_keeps_text():
    assert input_checks.clean("  hello\x00 there\x1b[31m ") == "hello there[31m"
    assert input_checks.clean("line one\nline two") == "line one\nline two"


@pytest.mark.parametrize("sender, ok", [
    ("a", True),
    ("5f3c2b1a-0000-4000-8000-123456789abc", True),
    ("widget:abc_123", True),
    ("", False),
    (None, False),
    (42, False),
    ("x" * 129, False),
    ("<script>", False),
    ("robert'); drop table events;--", False),
])
def test_sender_ids_are_short_and_plain(sender, ok):
    assert input_checks.valid_sender(sender) is ok


def test_lone_surrogates_are_removed():
    assert input_checks.clean("what is\ud800 mediation\udfff") == "what is mediation"
    assert input_checks.clean(json.loads('"\\ud83d\\ude2d"')) == "\U0001f62d"  # a pair in JSON is one character


def test_metadata_keeps_only_short_allowed_text_redacted():
    assert input_checks.checked_metadata({"language": "en\x00", "page": "x", "email": "jo@example.org"}) == {
        "language": "en"}
    assert input_checks.checked_metadata({"language": "x" * 2_100_000}) == {}
    assert input_checks.checked_metadata({"language": "jo@example.org"}) == {"language": "[email]"}
    for wrong in (None, "jo@example.org", [1], 3, True, {"language": ["en"]}):
        assert input_checks.checked_metadata(wrong) == {}


@pytest.mark.parametrize("typed", ["/ /safeguarding", "/\u00a0/safeguarding", "// / safeguarding"])
def test_slashes_and_spaces_cannot_hide_a_payload(typed):
    assert input_checks.checked_message(typed) == "safeguarding"
