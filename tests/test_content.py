"""The FAQ content: checks, the facts that must be in it, and the files generated from it."""
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from bot import content

ROOT = Path(__file__).resolve().parent.parent
FACTS = ROOT / "docs" / "reference" / "send-facts.md"

# Key statutory figures and the entries that must state them (send-facts.md sections in brackets).
KEY_FIGURES = {
    "ehcp_timescales": ["6 weeks", "16 weeks", "20 weeks"],          # 3.3, 3.5, 3.6
    "ehcp_no_plan": ["16 weeks", "2 months", "1 month"],              # 3.5, 6.2
    "ehcp_draft_plan": ["15 days", "calendar days", "20 weeks"],      # 4.1
    "ehcp_naming_school": ["15 days"],                                # 4.5
    "annual_review": ["12 months", "2 weeks", "4 weeks", "3 to 6 months", "Year 9"],  # 5.1-5.3
    "plan_amendments": ["4 weeks", "8 weeks"],                        # 5.4
    "phase_transfer": ["15 February", "31 March"],                    # 5.5
    "moving_area": ["15 working days", "6 weeks", "3 months"],        # 5.7
    "appeals_tribunal": ["2 months", "1 month", "Christmas and August"],  # 6.2
    "mediation": ["3 working days", "30 days", "1 month"],            # 6.4
    "ehcp_refused_assessment": ["2 months", "1 month"],               # 6.2
    "school_transport": ["2 miles", "under 8", "3 miles", "8 or over"],  # 9.5
    "benefits": ["3 months", "6 more", "35 hours"],                   # 9.6
    "short_breaks": ["01634 331 351"],                                # 9.2
    "exclusions": ["sixth day"],                                      # 10.2
}


@pytest.fixture(scope="module")
def library():
    return content.load()


def test_shipped_content_has_no_errors(library):
    problems = content.check()
    assert not [p for p in problems if p.severity == "error"], "\n".join(map(str, problems))
    assert len(library.entries) >= 40


@pytest.mark.parametrize("entry_id, figures", KEY_FIGURES.items())
def test_key_figures_are_in_the_right_entries(library, entry_id, figures):
    answer = library.entries[entry_id].answer
    for figure in figures:
        assert figure in answer, f"{entry_id} should say '{figure}'"


def test_no_entry_says_working_days_for_the_draft_plan(library):
    assert "15 working days" not in library.entries["ehcp_draft_plan"].answer


def test_every_phone_number_in_content_comes_from_the_checked_facts():
    facts = FACTS.read_text()
    # Local and freephone numbers (0...) must be in the checked facts; 999, 111 and 116 123 are
    # national short numbers whose sources are given in content/safeguarding.yml.
    for path in (ROOT / "content").rglob("*.yml"):
        for number in re.findall(r"\b0\d{3,4} ?\d{3} ?\d{3,4}\b", path.read_text()):
            assert number in facts or number.startswith("01632 960"), f"{path.name}: {number} is not in send-facts.md"


def test_every_entry_has_a_source_a_review_date_and_a_way_on(library):
    for entry in library.entries.values():
        assert entry.source and isinstance(entry.last_reviewed, date)
        assert entry.related or entry.links


def test_generated_training_files_are_current():
    stale = content.stale_training_files()
    assert not stale, f"run `make content` and commit: {stale}"


def test_reply_shows_answer_links_source_and_review_date(library):
    entry = library.entries["ehcp_timescales"]
    text = content.reply_text(entry)
    assert text.startswith(entry.answer.strip())
    assert "Read more:\n- SEND Regulations 2014, regulation 5: https://" in text
    assert f"\n\nSource: {entry.source}. Last checked " in text
    buttons = content.follow_up_buttons(entry, library)
    assert buttons[-1]["payload"] == "/human_handoff"
    assert all(b["payload"].startswith("/faq_") for b in buttons[:-1])


def test_the_review_date_reads_as_a_parent_writes_it(tmp_path):
    write_topic(tmp_path, "a.yml", {"id": "first", "reviewed": "2026-03-01"})
    text = content.reply_text(content.load(tmp_path).entries["first"])
    assert text.endswith("Source: SEND Regulations 2014 reg 5. Last checked 1 March 2026.")


ENTRY = """\
  - id: {id}
    title: A title
    questions: [{questions}]
    answer: {answer}
    source: {source}
    last_reviewed: {reviewed}
    related: [{related}]
"""


def write_topic(folder: Path, name: str, *entries: dict) -> Path:
    defaults = dict(questions=", ".join(f"question {i} for {{id}}" for i in range(10)), answer="A short answer.",
                    source="SEND Regulations 2014 reg 5", reviewed="2026-11-01", related="")
    text = "topic: Test topic\nentries:\n"
    for entry in entries:
        values = {**defaults, **entry}
        values["questions"] = values["questions"].format(id=values["id"])
        text += ENTRY.format(**values)
    path = folder / name
    path.write_text(text)
    return path


def problems_in(folder, today=date(2026, 11, 22)):
    return {(p.path.name, p.line, p.severity, p.message) for p in content.check(folder, today)}


def test_problems_name_file_line_and_fix(tmp_path):
    write_topic(tmp_path, "a.yml", {"id": "first", "related": "missing_one"},
                {"id": "second", "source": '""', "answer": " ".join(["word"] * 200)})
    write_topic(tmp_path, "b.yml", {"id": "first", "reviewed": "2025-01-01"},
                {"id": "third", "questions": "question 1 for first, q2, q3, q4, q5, q6, q7, q8, q9, q10"})
    found = problems_in(tmp_path)
    messages = "\n".join(f"{f}:{line}:{sev}: {m}" for f, line, sev, m in sorted(found))
    assert "a.yml:3:error: entry 'first' lists unknown related entry 'missing_one'" in messages
    assert "a.yml:10:error: entry 'second' has no 'source'" in messages
    assert "a.yml:10:error: answer of 'second'" not in messages  # no source: entry not built, reported once
    assert "b.yml:3:error: id 'first' is also used at" in messages
    assert "b.yml:3:warning: 'first' was last reviewed on 2025-01-01, over 12 months ago" in messages
    assert "b.yml:10:error: question 'question 1 for first' is in both 'first' and 'third'" in messages


def test_too_few_questions_and_long_answers(tmp_path):
    write_topic(tmp_path, "a.yml", {"id": "short", "questions": "one, two"},
                {"id": "wordy", "answer": " ".join(["word"] * 160)},
                {"id": "very_wordy", "answer": " ".join(["word"] * 200)})
    messages = [m for _, _, _, m in problems_in(tmp_path)]
    assert any("has 2 example questions; at least 10" in m for m in messages)
    assert any("'wordy' has 160 words (aim for 150)" in m for m in messages)
    assert any("'very_wordy' has 200 words (limit 180)" in m for m in messages)


def test_a_yaml_mistake_is_one_clear_error(tmp_path):
    (tmp_path / "a.yml").write_text("topic: T\nentries:\n  - id: x\n    title: Cost: free\n")
    found = problems_in(tmp_path)
    assert len(found) == 1
    ((name, line, severity, message),) = found
    assert (name, line, severity) == ("a.yml", 4, "error") and "not valid YAML" in message


def test_a_question_already_used_by_another_intent_is_reported(tmp_path, library):
    nlu = tmp_path / "nlu"
    nlu.mkdir()
    question = library.entries["mediation"].questions[0]
    (nlu / "other.yml").write_text(f"nlu:\n- intent: something_else\n  examples: |\n    - {question.upper()}\n")
    problems = content.clashes_with_training_data(library, nlu)
    assert len(problems) == 1 and "mediation" in problems[0].message and "other.yml" in problems[0].message


def test_answer_edits_are_read_without_restarting(tmp_path):
    folder = tmp_path / "faq"
    shutil.copytree(ROOT / "content" / "faq", folder)
    before = content.load(folder).entries["mediation"].answer
    path = folder / "disagreements.yml"
    path.write_text(path.read_text().replace("Before most appeals you must", "EDITED. Before most appeals you must"))
    after = content.load(folder).entries["mediation"].answer
    assert not before.startswith("EDITED") and after.startswith("EDITED")


def test_a_mistake_saved_in_a_live_file_keeps_the_last_good_answers(tmp_path, monkeypatch):
    folder = tmp_path / "faq"
    shutil.copytree(ROOT / "content" / "faq", folder)
    monkeypatch.setattr(content, "faq_dir", lambda: folder)
    good = content.live()
    broken = folder / "ehcp_requests.yml"
    broken.write_text(broken.read_text().replace("  - id: ehcp_overview", "  - id: ehcp overview!"))
    with pytest.raises(content.ContentError):
        content.load(folder)
    assert content.live() is good


def test_an_answer_that_opens_with_yes_or_no_is_refused_with_its_file_and_line(tmp_path):
    write_topic(tmp_path, "a.yml", {"id": "plain", "answer": "No one needs a diagnosis. Nobody is told no."},
                {"id": "polar", "answer": '"No. A diagnosis is not needed."'})
    found = [(f, line, sev, m) for f, line, sev, m in problems_in(tmp_path) if "opens with" in m]
    assert found == [("a.yml", 10, "error", "answer of 'polar' opens with 'No'")]


@pytest.mark.parametrize("typed, entry_id", [
    ("s41", "ehcp_naming_school"), ("What does S.41 mean?", "ehcp_naming_school"),
    ("section 41", "ehcp_naming_school"), ("reg 13", "ehcp_timescales"), ("what is regulation 13", "ehcp_timescales"),
    ("s19", "which_section_19"), ("notional budget", "notional_sen_budget"),
    ("and section i", "ehcp_naming_school"), ("what about s41", "ehcp_naming_school")])
def test_a_bare_term_names_its_entry(library, typed, entry_id):
    assert library.by_keyword(typed).id == entry_id


def test_a_question_that_only_contains_a_term_is_left_to_the_model(library):
    assert library.by_keyword("can my son go to an s41 school if the council says the local one is fine") is None
    assert library.by_keyword("how long") is None


def test_a_keyword_in_two_entries_is_refused(tmp_path):
    path = write_topic(tmp_path, "a.yml", {"id": "first"}, {"id": "second"})
    path.write_text(path.read_text().replace("    related: []\n", "    related: []\n    keywords: [s41]\n"))
    messages = [m for _, _, _, m in problems_in(tmp_path)]
    assert "keyword 's41' is in both 'first' and 'second'" in messages


def test_an_under_threes_entry_that_does_not_exist_is_refused_with_its_file(tmp_path):
    path = write_topic(tmp_path, "a.yml", {"id": "first"}, {"id": "second"})
    path.write_text(path.read_text().replace("    related: []\n", "    related: []\n    under_threes: nobody\n", 1))
    found = [(name, message) for name, _, _, message in problems_in(tmp_path)]
    assert ("a.yml", "entry 'first': under_threes 'nobody' is not an entry") in found


def test_the_content_signature_lists_the_files_as_loading_reads_them(tmp_path):
    for name in ("b.yml", "a.yml", "A.yml", ".hidden.yml", "notes.txt", "old.yml.bak"):
        (tmp_path / name).write_text("")
    (tmp_path / "folder.yml").mkdir()
    assert content._signature(tmp_path) == tuple((p.name, p.stat().st_mtime_ns) for p in content._files(tmp_path))
