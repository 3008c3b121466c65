"""`python -m bot triage`: a forum inbox export in, suggested answers and flags out, with the real model."""
from __future__ import annotations

import codecs
import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.triage import reader
from bot.triage.classify import SAFEGUARDING, Triage, several_questions
from bot.triage.reader import Question
from harness.assistant import ROOT

INBOX = ROOT / "tests" / "data" / "forum-questions.csv"
PERSONAL = ("Oliver", "12/03/2015", "jo.bloggs@example.com", "07700 900123")


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    """The committed export plus the rows a real export breaks on: binary junk and a pasted essay."""
    path = tmp_path_factory.mktemp("triage") / "inbox.csv"
    shutil.copy(INBOX, path)
    with path.open("ab") as out:
        out.write(b'2026-11-22,"\x00\x01\x02\x03\xff\xfe\x00\x00",binary\n')
        out.write(b'2026-11-22,"' + b"my son needs help with reading. " * 200 + b'",long\n')
    return path


@pytest.fixture(scope="module")
def triaged(inbox) -> tuple[list[dict[str, str]], str, Path]:
    assert main(["triage", str(inbox), "--quiet"]) == 0
    rows = list(csv.DictReader((inbox.parent / "inbox-triage.csv").open(encoding="utf-8-sig")))
    html = (inbox.parent / "inbox-triage.html").read_text(encoding="utf-8")
    return rows, html, inbox


def _expected() -> dict[int, str]:
    """Row number in the file -> what the question is (an FAQ entry id, or a kind of question)."""
    with INBOX.open(newline="") as source:
        return {number: row["expected"] for number, row in enumerate(csv.DictReader(source), start=2)}


def test_every_row_is_answered_or_reported(triaged):
    rows, _, _ = triaged
    expected = _expected()
    assert len(expected) >= 100
    assert {int(r["row"]) for r in rows} == set(expected) | {len(expected) + 2, len(expected) + 3}
    unreadable = {int(r["row"]): r["reasons"] for r in rows if r["topic"] == "Could not be read"}
    assert unreadable == {max(expected): "empty",
                          len(expected) + 2: "binary or corrupted data, not text",
                          len(expected) + 3: "longer than 5,000 characters (split it into separate questions)"}


def test_safeguarding_is_always_flagged_and_sorted_first(triaged):
    rows, html, _ = triaged
    urgent_rows = {n for n, kind in _expected().items() if kind == "safeguarding"}
    first = rows[:len(urgent_rows)]
    assert {int(r["row"]) for r in first} == urgent_rows
    for row in first:
        assert (row["safeguarding"], row["needs_person"], row["topic"]) == ("yes", "yes", SAFEGUARDING)
        assert "999" in row["suggested_answer"] and "NHS 111" in row["suggested_answer"]
    assert all(r["safeguarding"] == "no" for r in rows[len(urgent_rows):])
    headings = re.findall(r'<h2 id="topic-\d+">([^<]*)</h2>', html)
    assert headings[0] == f"{SAFEGUARDING} ({len(urgent_rows)})"


def test_suggested_answers_match_what_the_question_is_about(triaged):
    rows, _, _ = triaged
    expected = _expected()
    faq = [r for r in rows if expected.get(int(r["row"])) not in (None, "safeguarding", "several", "other", "empty")]
    assert len(faq) >= 80
    right = [r for r in faq if r["entry"] == expected[int(r["row"])]]
    assert len(right) / len(faq) >= 0.9
    confident = [r for r in faq if r["needs_person"] == "no"]
    assert len(confident) >= 60
    assert sum(r["entry"] == expected[int(r["row"])] for r in confident) / len(confident) >= 0.97
    for row in right[:5]:
        assert row["source"] and row["suggested_answer"].count("Source:") == 1
        assert row["link"].startswith("http")


def test_several_questions_in_one_and_unanswerable_messages_need_a_person(triaged):
    rows, _, _ = triaged
    by_row = {int(r["row"]): r for r in rows}
    for number, kind in _expected().items():
        if kind == "several":
            assert by_row[number]["needs_person"] == "yes"
            assert "several questions in one" in by_row[number]["reasons"]
    by_question = {r["question"]: r for r in rows}
    assert by_question["hello"]["needs_person"] == "yes"
    assert "not in English" in by_question["Bonjour, je cherche de l'aide pour mon enfant handicapé"]["reasons"]
    assert "only symbols or emoji" in by_question["👍👍👍"]["reasons"]
    assert by_question["anyone know a good plumber in Chatham"]["needs_person"] == "yes"


def test_outputs_hold_no_personal_details_no_formulas_and_no_markup(triaged):
    rows, html, inbox = triaged
    written = (inbox.parent / "inbox-triage.csv").read_text(encoding="utf-8-sig")
    for detail in PERSONAL:
        assert detail not in written and detail not in html
    assert any("[email]" in r["question"] and "[name]" in r["question"] for r in rows)
    assert any(r["question"].startswith("'=HYPERLINK") for r in rows)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_plain_text_lists_and_whole_file_problems(tmp_path):
    text = tmp_path / "questions.txt"
    text.write_text("How do I ask for an EHC needs assessment?\n\n\nwhat is a personal budget\n", encoding="utf-8")
    questions, unreadable = reader.read(text)
    assert questions == [Question(1, "How do I ask for an EHC needs assessment?"), Question(4, "what is a personal budget")]
    assert unreadable == []

    excel = tmp_path / "excel.csv"
    excel.write_bytes("Question\r\nwhat does \x93SEN support\x94 mean?\r\n".encode("latin-1"))
    assert [q.text for q in reader.read(excel)[0]] == ["what does \u201cSEN support\u201d mean?"]

    headless = tmp_path / "headless.csv"
    headless.write_text("what is an EHCP?,x\nwho is the SENCO?,y\n", encoding="utf-8")
    assert [q.row for q in reader.read(headless)[0]] == [1, 2]

    binary = tmp_path / "photo.csv"
    binary.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(reader.TriageFileError, match="binary"):
        reader.read(binary)


def test_the_command_fails_clearly_on_a_missing_or_empty_file(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    for target, message in ((tmp_path / "nope.csv", "cannot read the file"), (empty, "no questions found")):
        run = subprocess.run([sys.executable, "-m", "bot", "triage", str(target)], cwd=ROOT,
                             capture_output=True, text=True)
        assert run.returncode == 2 and message in run.stderr
        assert "Traceback" not in run.stderr


def test_several_questions_means_two_real_questions():
    assert several_questions("What is an EHCP? Who can ask for one?")
    assert not several_questions("What is an EHCP?")
    assert not several_questions("Help?? what is an EHCP?")
    assert not several_questions("My son (8, autistic?) needs help. What is an EHCP?")


@pytest.mark.model
def test_a_batch_is_triaged_in_one_model_call_and_keeps_its_order():
    triage = Triage()
    questions = [Question(i, text) for i, text in enumerate(["what is an EHCP", "my son wants to kill himself",
                                                              "what is a personal budget"], start=1)]
    results = triage.run(questions)
    assert [r.row for r in results] == [2, 1, 3]
    assert [r.entry for r in results] == ["", "ehcp_overview", "personal_budgets"]


def test_a_huge_first_cell_is_reported_not_a_crash(tmp_path):
    for name, start in (("headless.csv", ""), ("headed.csv", "question\n")):
        path = tmp_path / name
        path.write_text(start + '"' + "x" * 140_000 + '"\nwhat is an EHCP?\n', encoding="utf-8")
        questions, unreadable = reader.read(path)
        first = 2 if start else 1
        assert questions == [Question(first + 1, "what is an EHCP?")]
        assert [(u.row, "longer than" in u.reason) for u in unreadable] == [(first, True)]


def test_an_unclosed_quote_is_reported_and_the_rows_after_it_are_kept(tmp_path):
    path = tmp_path / "inbox.csv"
    path.write_text('question\n"what is an EHCP\nwho is the SENCO?\n"what is a personal budget?"\nlast one\n', encoding="utf-8")
    questions, unreadable = reader.read(path)
    assert questions == [Question(3, "who is the SENCO?"), Question(4, "what is a personal budget?"), Question(5, "last one")]
    assert [u.row for u in unreadable] == [2] and "quot" in unreadable[0].reason
    path.write_text('question\n"what is an EHCP\nwho is the SENCO?\n', encoding="utf-8")
    questions, unreadable = reader.read(path)
    assert questions == [Question(3, "who is the SENCO?")]
    assert [u.row for u in unreadable] == [2] and "never closed" in unreadable[0].reason
    path.write_text('question\n"Help" said my son, is that ok?\nwho is the SENCO?\n', encoding="utf-8")
    assert reader.read(path) == ([Question(2, "Help said my son"), Question(3, "who is the SENCO?")], [])


def test_rows_are_numbered_as_a_spreadsheet_shows_them_after_a_cell_of_several_lines(tmp_path):
    path = tmp_path / "inbox.csv"
    path.write_text('date,question\n2026-11-01,"line one\nline two\nline three"\n2026-11-02,second question\n\n2026-11-03,x\x00\x00\x00\n',
                    encoding="utf-8")
    questions, unreadable = reader.read(path)
    assert questions == [Question(2, "line one line two line three"), Question(3, "second question")]
    assert [u.row for u in unreadable] == [5]


def test_utf16_files_from_excel_are_read(tmp_path):
    text = "question\r\nwhat does \u201cSEN support\u201d mean?\r\nwho pays for transport?\r\n"
    for codec, data in (("utf-16", text.encode("utf-16")), ("utf-16-le", text.encode("utf-16-le")),
                        ("utf-16-be", text.encode("utf-16-be"))):
        path = tmp_path / f"{codec}.csv"
        path.write_bytes(data)
        questions, unreadable = reader.read(path)
        assert [q.text for q in questions] == ["what does \u201cSEN support\u201d mean?", "who pays for transport?"], codec
        assert unreadable == []
    damaged = tmp_path / "damaged.csv"
    damaged.write_bytes(codecs.BOM_UTF16_LE + "question\r\n".encode("utf-16-le") + b"\x00\xdc\x41\x00")
    with pytest.raises(reader.TriageFileError, match="UTF-16"):
        reader.read(damaged)


@pytest.mark.model
def test_risk_the_patterns_alone_once_missed_is_flagged_with_its_kind():
    """Issue 17: triage trusted only the patterns, so these were listed as "Not answered by the FAQ"."""
    triage = Triage()
    texts = {"my 13 year old swallowed a load of my painkillers an hour ago": "medical",
             "my son punches and kicks me when he doesn't get his way": "violence",
             "my husband hits me and the kids have seen it": "abuse",
             "the little girl next door is left home alone every night and is always hungry": "neglect"}
    results = triage.run([Question(i, t) for i, t in enumerate(texts, start=1)])
    for result in results:
        assert result.safeguarding and result.topic == SAFEGUARDING, result.question
        assert "999" in result.answer.splitlines()[0]
    kinds = [r.reasons[0] for r in sorted(results, key=lambda r: r.row)]
    for reason, label in zip(kinds, ("a medical emergency", "violence at home", "abuse", "neglected")):
        assert label in reason, reason
