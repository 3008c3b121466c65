"""Suggest an answer for each question, with the assistant's own model and content.

The intent model is read once from the trained Rasa model archive (`models/medway.tar.gz`), so
triage agrees with what the assistant would say, and questions are classified in batches.
Safeguarding is decided by `bot.safety.assess`, from the patterns and the model's own
`safeguarding` intent, exactly as the assistant decides it, and always needs a person.
"""
from __future__ import annotations

import re
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

from bot import content, people, safety
from bot.input_checks import EMPTY, NO_CONTENT, NO_WORDS, NOT_ENGLISH, unusual
from bot.intent_model import IntentModel
from bot.paths import PROJECT_ROOT
from bot.redaction import redact
from bot.triage.reader import Question

MODEL = PROJECT_ROOT / "models" / "medway.tar.gz"
MODEL_MEMBER = "intent_model.pkl"

CONFIDENT = 0.5
"""Below this a suggestion is flagged for a person to check. The assistant itself answers from
0.2 (config.yml), but a volunteer's time is cheaper than a wrong answer posted in the forum:
on the 168 held-out questions in tests/eval, 137 reached 0.5 and 136 of those were right
(from 0.2, 163 reached it and 94% were right)."""

SAFEGUARDING = "Safeguarding: urgent"
NOT_ANSWERED = "Not answered by the FAQ"

# Intents that are not FAQ entries, answered by the entry a volunteer would point to.
_ANSWERED_BY = {"find_service": "local_offer", "deadline_assessment": "ehcp_timescales",
                "deadline_appeal": "appeals_tribunal", "deadline_mediation": "mediation"}
_UNREADABLE_REASONS = {EMPTY: "empty", NO_WORDS: "no words, only symbols or emoji",
                       NOT_ENGLISH: "not in English", NO_CONTENT: "too short to understand"}
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+|\n+")


@dataclass(frozen=True)
class Result:
    """One question's triage: what it is about, a suggested answer, and whether a person must look."""

    row: int
    question: str
    topic: str
    entry: str
    title: str
    confidence: float
    answer: str
    source: str
    link: str
    needs_person: bool
    reasons: tuple[str, ...]
    safeguarding: bool


def load_model(archive: Path = MODEL) -> IntentModel:
    """The intent classifier inside a model archive that `rasa train` wrote for this project."""
    if not archive.exists():
        raise FileNotFoundError(f"no trained model at {archive}: run `make train` first")
    with tarfile.open(archive) as tar:
        for member in tar:
            if member.name.endswith("/" + MODEL_MEMBER):
                data = tar.extractfile(member)
                if data is not None:
                    return IntentModel.from_bytes(data.read())
    raise FileNotFoundError(f"{archive} has no {MODEL_MEMBER}: it was not trained with this project's config.yml")


def several_questions(text: str) -> bool:
    """True when the text asks two or more separate questions."""
    asked = [s for s in _SENTENCE_END.split(text) if s.rstrip().endswith("?") and len(s.split()) >= 3]
    return len(asked) >= 2


class Triage:
    """Loaded once (model, FAQ content, safeguarding patterns); then any number of batches."""

    def __init__(self, model: Optional[IntentModel] = None, library: Optional[content.Library] = None,
                 rules: Optional[safety.Rules] = None):
        self.model = model or load_model()
        self.library = library or content.load()
        self.rules = rules or safety.load()
        self.emergency = safety.emergency_message(self.rules)
        self.handoff = people.handoff_message()

    def _safeguarding(self, question: Question, cleaned: str, decision: safety.Decision) -> Result:
        kind = self.rules.kinds.get(decision.kind or "general")
        label = kind.label if kind else "someone at risk"
        return Result(question.row, cleaned, SAFEGUARDING, "", "Emergency routes", 1.0,
                      safety.emergency_message(self.rules, decision.kind),
                      "content/safeguarding.yml", "", True,
                      (f"safeguarding ({label}; {decision.reason}): contact the family now with the emergency routes",),
                      True)

    def _answer(self, question: Question, cleaned: str, intent: str, confidence: float) -> Result:
        reasons: list[str] = []
        issue = unusual(question.text)
        if issue:
            reasons.append(_UNREADABLE_REASONS.get(issue, issue))
        if several_questions(question.text):
            reasons.append("several questions in one")
        if confidence < CONFIDENT:
            reasons.append(f"low confidence ({confidence:.0%})")
        entry = self.library.by_intent(intent) or self.library.entries.get(_ANSWERED_BY.get(intent, ""))
        if issue:
            entry = None  # no words to answer: a guess would only look confident
        if entry is not None:
            return Result(question.row, cleaned, entry.topic, entry.id, entry.title, confidence,
                          content.reply_text(entry), entry.source, entry.links[0].url if entry.links else "",
                          bool(reasons), tuple(reasons), False)
        if intent == "human_handoff" and not issue:
            return Result(question.row, cleaned, "Talk to a person", "", "People to talk to", confidence,
                          self.handoff, "content/people.yml", "", bool(reasons), tuple(reasons), False)
        reasons.append(f"no FAQ answer for this (the model read it as '{intent}')")
        return Result(question.row, cleaned, NOT_ANSWERED, "", "", confidence, "", "", "", True, tuple(reasons), False)

    def run(self, questions: Sequence[Question], batch: int = 500,
            progress: Optional[Callable[[int], None]] = None) -> list[Result]:
        """Triage every question: safeguarding first, then the rest in the file's order."""
        results: list[Result] = []
        for start in range(0, len(questions), batch):
            chunk = questions[start:start + batch]
            cleaned = [redact(q.text) for q in chunk]
            # The model reads what the person wrote, as the assistant's does; only the report is redacted.
            rankings = self.model.rank_many([q.text for q in chunk], top=2)
            for question, text, ranking in zip(chunk, cleaned, rankings):
                intent, confidence = ranking[0]
                decision = safety.assess(question.text, intent, confidence, self.rules)
                if decision.is_risk:
                    results.append(self._safeguarding(question, text, decision))
                    continue
                if intent == safety.SAFEGUARDING_INTENT and len(ranking) > 1:
                    intent, confidence = ranking[1]  # turned down, as the assistant does: its next guess
                results.append(self._answer(question, text, intent, confidence))
            if progress:
                progress(len(chunk))
        return sorted(results, key=lambda r: (not r.safeguarding, r.row))


def topics(results: Iterable[Result]) -> dict[str, list[Result]]:
    """Results grouped by topic: safeguarding first, then the largest groups, unanswered last."""
    groups: dict[str, list[Result]] = {}
    for result in results:
        groups.setdefault(result.topic, []).append(result)
    return dict(sorted(groups.items(), key=lambda item: (item[0] != SAFEGUARDING, item[0] == NOT_ANSWERED,
                                                         -len(item[1]), item[0])))
