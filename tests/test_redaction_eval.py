"""Redaction measured on tests/eval/redaction/: personal details removed, clean SEND messages kept as typed."""
from bot.redaction import nhs_number_is_valid, redact
from tests.eval import redaction_score

REMOVED_TARGET = 0.95
UNCHANGED_TARGET = 0.98


def test_the_measured_set_is_large_and_its_spans_are_in_their_messages():
    personal, clean = redaction_score.load()
    assert len(personal) >= 150 and len(clean) >= 150
    assert all(span in item["text"] for item in personal for span in item["remove"])
    assert not {item["text"] for item in personal} & set(clean)


def test_the_set_s_nhs_numbers_pass_their_check_digit():
    assert nhs_number_is_valid("9434765919") and not nhs_number_is_valid("9434765918")
    assert not nhs_number_is_valid("12345")


def test_redaction_meets_its_targets_on_the_measured_set(capsys):
    score = redaction_score.score(redact)
    with capsys.disabled():  # shown in every `make test`, not only when it fails
        print("\n" + score.summary())
    misses = [f"kept {span!r}: {after}" for _, span, after in score.leaks]
    misses += [f"changed {before!r} to {after!r}" for before, after in score.changed]
    assert score.removed_share >= REMOVED_TARGET, "\n".join(misses)
    assert score.unchanged_share >= UNCHANGED_TARGET, "\n".join(misses)
