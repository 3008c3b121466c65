"""bot.intent_model on a small model of its own (TF-IDF only, so no sentence encoder is loaded)."""
import re
from pathlib import Path

import numpy as np
import pytest

from bot.intent_model import IntentModel
from bot.triage.classify import MODEL, load_model

EXAMPLES = {
    "faq_request": ["can I ask for an assessment myself", "how do I request an assessment",
                    "can parents ask the council to assess", "how to apply for an ehc needs assessment"],
    "faq_legal_test": ["what is the legal test for an assessment", "does the council have to assess",
                       "when must they assess my child", "what are the criteria for assessment"],
    "faq_transport": ["would she get free transport", "can my son get a taxi to school",
                      "is there a bus pass for special school", "free school transport for send"],
}


def model() -> IntentModel:
    texts = [t for examples in EXAMPLES.values() for t in examples]
    intents = [i for i, examples in EXAMPLES.items() for _ in examples]
    return IntentModel(dense_weight=0).fit(texts, intents)


MESSAGE = ("She is nine and has been struggling at school for a long time now, the teachers say she copes but "
           "she comes home exhausted every single day and we are worn out. Can I ask for an assessment myself? "
           "And would she get free transport?")


def test_a_second_question_is_found_in_another_asking_sentence():
    other = model().other_question(MESSAGE, "faq_legal_test", prefix="faq_")
    assert other and other[0] == "faq_request"


def test_a_second_question_near_the_main_answer_gives_way_to_one_further_off():
    other = model().other_question(MESSAGE, "faq_legal_test", prefix="faq_", near=["faq_request"])
    assert other and other[0] == "faq_transport"


def test_a_message_with_one_asking_sentence_has_no_second_question():
    assert model().other_question("Can I ask for an assessment myself?", "faq_request", prefix="faq_") is None


SCORED = ["", "zzqx", "what is an ehcp", "Would SHE get free transport? free transport, free transport!",
          "can I ask for an assessment myself", "Can parents ask the council to assess? " * 20, "taxi\u2019s \u00e9t\u00e9"]


def test_the_fast_tfidf_scores_are_scikit_learns_to_the_bit():
    fitted = model()
    assert fitted.tfidf_scores is not None
    assert np.array_equal(fitted.tfidf_scores.predict_proba(SCORED), fitted.pipeline.predict_proba(SCORED))
    for text in SCORED:  # one at a time, as the server scores a message
        assert np.array_equal(fitted.tfidf_scores.predict_proba([text]), fitted.pipeline.predict_proba([text]))


def test_the_trained_models_fast_scores_are_scikit_learns_to_the_bit():
    if not MODEL.exists():
        pytest.skip("no trained model: run `make train`")
    trained = load_model()
    assert trained.tfidf_scores is not None
    texts = [t for path in sorted(Path("tests/eval/held_out").glob("*.yml"))
             for t in re.findall(r"^\s*- (.+)$", path.read_text(), re.M)][:600] + SCORED
    assert len(texts) > 300
    assert np.array_equal(trained.tfidf_scores.predict_proba(texts), trained.pipeline.predict_proba(texts))


def test_the_fast_scores_are_off_with_the_speedups(monkeypatch):
    monkeypatch.setenv("MEDWAY_RASA_SPEEDUPS", "0")
    assert model().tfidf_scores is None
