"""Choose bot.safety.MODEL_THRESHOLD on the tuning list only (never on risk.yml or everyday.yml).

    .venv/bin/python -m tests.eval.safeguarding.tune

For each threshold: how many tuning risk messages the decision catches, and how many tuning
everyday messages it flags. The threshold chosen is the lowest with no false alarm on the
tuning list, plus one step (0.05) of margin, so the model catches as much as it can without
crying wolf.

Then the check-in table (bot.safety.CHECK_IN_MIN): for each lower bound, how many tuning risk
messages the model alone reads as `safeguarding` from it without a guard phrase (those would at least
be asked whether anyone is in danger, were no pattern to catch them), and how many tuning everyday
messages would be asked.

Last, the guard table (bot.safety.GUARD_MAX_WORDS): for each longest message a guard phrase may
overrule the model in, the tuning risk messages caught (with `guard_risk`, longer stories holding a
guard phrase) and the everyday ones alarmed and asked (with `guard_everyday`).
"""
from __future__ import annotations

from bot import safety
from bot.triage.classify import load_model
from tests.eval.safeguarding import sets


def table(model=None) -> list[tuple[float, int, int, int, int]]:
    model = model or load_model()
    tuning = sets.tuning()
    risk, everyday = tuning["risk"], tuning["everyday"]
    top = {t: model.rank(t, 1)[0] for t in risk + everyday}
    rows = []
    for step in range(20, 100, 5):
        threshold = step / 100
        caught = sum(safety.assess(t, *top[t], threshold=threshold).is_risk for t in risk)
        flagged = sum(safety.assess(t, *top[t], threshold=threshold).is_risk for t in everyday)
        rows.append((threshold, caught, len(risk), flagged, len(everyday)))
    return rows


def check_in_table(model=None) -> list[tuple[float, int, int, int, int]]:
    model = model or load_model()
    tuning = sets.tuning()
    risk, everyday = tuning["risk"], tuning["everyday"]
    top = {t: model.rank(t, 1)[0] for t in risk + everyday}
    rules = safety.load()

    def reached(text: str, low: float) -> bool:
        intent, confidence = top[text]
        return intent == safety.SAFEGUARDING_INTENT and confidence >= low and safety.guard_veto(text, rules) is None

    rows = []
    for step in range(30, 80, 10):
        low = step / 100
        asked = sum(reached(t, low) and not safety.assess(t, *top[t], rules=rules).is_risk for t in everyday)
        rows.append((low, sum(reached(t, low) for t in risk), len(risk), asked, len(everyday)))
    return rows


def guard_table(model=None) -> list[tuple[int, int, int, int, int, int]]:
    model = model or load_model()
    tuning = sets.tuning()
    risk = tuning["risk"] + tuning.get("guard_risk", [])
    everyday = tuning["everyday"] + tuning.get("guard_everyday", [])
    top = {t: model.rank(t, 1)[0] for t in risk + everyday}
    rules = safety.load()
    rows = []
    for words in (8, 10, 12, 15, 20, 25, 30, 40, 60, 1000):
        caught = sum(safety.assess(t, *top[t], rules=rules, guard_max_words=words).is_risk for t in risk)
        alarmed = sum(safety.assess(t, *top[t], rules=rules, guard_max_words=words).is_risk for t in everyday)
        asked = sum(safety.needs_check_in(t, *top[t], rules=rules, guard_max_words=words) for t in everyday)
        rows.append((words, caught, len(risk), alarmed, asked, len(everyday)))
    return rows


def main() -> None:
    rows = table()
    print("threshold  risk caught  everyday flagged")
    for threshold, caught, n_risk, flagged, n_everyday in rows:
        print(f"  {threshold:.2f}     {caught:3}/{n_risk}      {flagged:3}/{n_everyday}")
    best = min((r for r in rows if r[3] == 0), key=lambda r: (-r[1], r[0]), default=None)
    if best:
        print(f"lowest threshold with the most risk caught and no false alarm: {best[0]:.2f}; "
              f"with one step of margin: {best[0] + 0.05:.2f} (bot.safety.MODEL_THRESHOLD is {safety.MODEL_THRESHOLD:.2f})")
    print("check-in from  risk the model reaches  everyday asked")
    for low, reached, n_risk, asked, n_everyday in check_in_table():
        print(f"  {low:.2f}         {reached:3}/{n_risk}              {asked:3}/{n_everyday}")
    print(f"(bot.safety.CHECK_IN_MIN is {safety.CHECK_IN_MIN:.2f})")
    print("guards overrule up to  risk caught  everyday alarmed  everyday asked")
    for words, caught, n_risk, alarmed, asked, n_everyday in guard_table():
        print(f"  {words:4} words           {caught:3}/{n_risk}      {alarmed:3}/{n_everyday}          {asked:3}/{n_everyday}")
    print(f"(bot.safety.GUARD_MAX_WORDS is {safety.GUARD_MAX_WORDS})")


if __name__ == "__main__":
    main()
