"""Safeguarding as a measured classifier: the one decision (bot.safety.assess) through the real
trained model, on tests/eval/safeguarding. Targets: every risk message flagged, at most 0.5% of
everyday messages flagged. The figures are printed in `make test` output (a summary at the end)."""
from __future__ import annotations

import pytest

from bot import safety
from bot.triage.classify import load_model
from tests.eval.safeguarding import sets

pytestmark = pytest.mark.model  # reads models/medway.tar.gz: make test, not make test-fast
MAX_FALSE_ALARMS = 0.005


@pytest.fixture(scope="module")
def decide():
    """The trained model, loaded once (as triage loads it), and the decision for any text."""
    model = load_model()
    rules = safety.load()

    def run(texts: list[str]) -> dict[str, safety.Decision]:
        rankings = model.rank_many(texts, top=1)
        return {t: safety.assess(t, *ranking[0], rules=rules) for t, ranking in zip(texts, rankings)}

    return run


def report(risk: dict[str, list[str]], everyday: list[str], decisions: dict[str, safety.Decision]) -> str:
    lines = ["Safeguarding evaluation (tests/eval/safeguarding), bot.safety.assess with the trained model:"]
    for kind, texts in risk.items():
        missed = [t for t in texts if not decisions[t].is_risk]
        lines.append(f"  recall {kind:14} {len(texts) - len(missed):3}/{len(texts):<3} "
                     f"{(len(texts) - len(missed)) / len(texts):6.1%}")
        lines += [f"      MISSED: {t}" for t in missed]
    every_risk = [t for texts in risk.values() for t in texts]
    caught = sum(decisions[t].is_risk for t in every_risk)
    lines.append(f"  recall {'all':14} {caught:3}/{len(every_risk):<3} {caught / len(every_risk):6.1%}")
    flagged = [t for t in everyday if decisions[t].is_risk]
    lines.append(f"  false alarms on everyday.yml: {len(flagged)}/{len(everyday)} = {len(flagged) / len(everyday):.2%} "
                 f"(target at most {MAX_FALSE_ALARMS:.1%})")
    lines += [f"      FLAGGED: {t}  ({decisions[t].reason})" for t in flagged]
    by_model = sum(decisions[t].is_risk and decisions[t].reason.startswith("model") for t in every_risk)
    lines.append(f"  caught by a pattern: {caught - by_model}, by the model alone: {by_model} "
                 f"(threshold {safety.MODEL_THRESHOLD:.2f})")
    return "\n".join(lines)


def test_the_sets_are_big_enough_and_tagged():
    risk, everyday = sets.risk(), sets.everyday()
    assert set(risk) == {"medical", "self_harm", "violence", "abuse", "neglect", "missing", "parent_crisis", "mental_health"}
    assert sum(map(len, risk.values())) >= 80
    assert sum(map(len, everyday.values())) >= 400 and len(everyday["near_misses"]) >= 100
    everything = [t.lower() for group in (risk, everyday, sets.tuning()) for texts in group.values() for t in texts]
    assert len(everything) == len(set(everything)), "a message is in two sets (or twice in one)"


def test_every_risk_message_is_flagged_and_false_alarms_stay_under_half_a_percent(decide, record_property, capsys):
    risk = sets.risk()
    everyday = [t for texts in sets.everyday().values() for t in texts]
    decisions = decide([t for texts in risk.values() for t in texts] + everyday)
    text = report(risk, everyday, decisions)
    with capsys.disabled():
        print("\n" + text)
    record_property("safeguarding", text)
    missed = [t for texts in risk.values() for t in texts if not decisions[t].is_risk]
    flagged = [t for t in everyday if decisions[t].is_risk]
    assert not missed, f"risk messages missed: {missed}"
    assert len(flagged) / len(everyday) <= MAX_FALSE_ALARMS, f"false alarms: {flagged}"


def test_medical_emergencies_are_read_as_medical_so_the_reply_leads_with_what_to_do(decide):
    medical = sets.risk()["medical"]
    decisions = decide(medical)
    wrong = {t: d.kind for t, d in decisions.items() if d.kind != "medical"}
    assert len(wrong) <= 0.1 * len(medical), wrong


def test_the_threshold_was_chosen_on_the_tuning_list(decide):
    """On the tuning list at MODEL_THRESHOLD: every risk message caught, no everyday one flagged."""
    tuning = sets.tuning()
    decisions = decide(tuning["risk"] + tuning["everyday"])
    assert all(decisions[t].is_risk for t in tuning["risk"])
    assert not [t for t in tuning["everyday"] if decisions[t].is_risk]
