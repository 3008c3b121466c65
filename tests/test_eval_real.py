"""Real questions parents wrote (tests/eval/real/): held out from everything the assistant learns from,
and answered end to end through the running assistant, judged by the facts in the reply."""
from itertools import combinations
from pathlib import Path

import pytest

from bot import content
from tests.eval import real

ROOT = Path(__file__).resolve().parent.parent
# The floor below which `make test` fails. Issue 18's target is 90%; raise this as the content grows,
# never lower it to make a change pass.
FLOOR = 0.73
FOLDERS = (real.REAL, real.TUNING, real.DEV, real.SELECT)
"""Evaluation, threshold tuning, content development (fitted) and model selection (unfitted)."""


def learnt_from() -> list[str]:
    """Every line the model or the replies are made from: training data and content files."""
    return [line for folder in ("data", "content") for path in sorted((ROOT / folder).rglob("*.yml"))
            for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_sets_load_and_are_big_enough():
    evaluation, tuning = real.load(real.REAL), real.load(real.TUNING)
    assert len(evaluation) >= 300, f"{len(evaluation)} real questions; issue 18 asks for at least 300"
    assert 0 < len(tuning) < len(evaluation)
    assert len({item.source.split("/")[2] for item in evaluation}) >= 20, "questions from at least 20 sites"


def test_no_question_is_in_two_sets_or_twice_in_one():
    sets = {folder.name: [item.question.lower() for item in real.load(folder)] for folder in FOLDERS}
    for name, questions in sets.items():
        assert len(set(questions)) == len(questions), f"a question twice in {name}"
    for one, other in combinations(sets, 2):
        assert not set(sets[one]) & set(sets[other]), f"questions in both {one} and {other}"
    others = [q for name, questions in sets.items() if name != "select" for q in questions]
    assert not real.near_copies(sets["select"], others), "select repeats another set"


def test_no_real_question_or_near_copy_is_in_training_data_or_content():
    questions = [item.question for folder in FOLDERS for item in real.load(folder)]
    leaks = real.near_copies(questions, learnt_from())
    assert not leaks, "real questions (or near copies) found in data/ or content/:\n" + "\n".join(
        f"{q!r} ~ {line!r}" for q, line in leaks)


def test_near_copy_check_catches_a_lightly_edited_copy():
    question = "My son's EHCP annual review was in March and we still have not had the amended plan, what can we do?"
    assert real.near_copies([question], ["  - my sons EHCP annual review was in March and we still have not had the "
                                         "amended plan what can i do"])
    assert not real.near_copies([question], ["  - the annual review happened but no amended plan came"])
    assert real.near_copies(["What is SEN?"], ["      - what is SEN"])
    assert not real.near_copies(["What is SEN?"], ["      - what is SEN support"])
    assert not real.near_copies(["What is a personal budget?"], ["      - what is a personal budget in an EHC plan"])


@pytest.mark.server
def test_a_generic_reply_passes_no_question(assistant):
    """A pattern that the "not sure" reply or the greeting already satisfies measures nothing."""
    generic = [assistant.chat().say(text) for text in ("qwzx blorp", "hello")]
    trivial = [item.where for folder in FOLDERS for item in real.load(folder)
               if any(item.holds(reply) for reply in generic)]
    assert not trivial, f"items any generic reply passes: {trivial}"


@pytest.mark.server
def test_real_questions_are_answered_with_the_facts_parents_need(assistant, capsys):
    def ask(question: str) -> str:
        return assistant.chat().say(question)

    items = real.load(real.REAL)
    model = real.score(items, ask)
    baseline = real.score(items, real.bm25_answerer(content.load()))
    table = real.report(model, baseline, "Real questions from parents: replies with the key facts")
    with capsys.disabled():  # shown by every `make test`, not only when it fails
        print("\n" + table.split("\n\nQuestions whose reply")[0])
        print(f"Real questions: assistant {model['ALL'].accuracy:.1%}, BM25 keyword search "
              f"{baseline['ALL'].accuracy:.1%} on {model['ALL'].total} questions (report: {real.REPORT})")
    assert model["ALL"].accuracy >= FLOOR
