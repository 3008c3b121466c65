"""Conversation-level evaluation: held-out parent questions -> the FAQ entry the assistant answers with."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import yaml

from bot import content
from tests.eval.bm25 import BM25

HELD_OUT = Path(__file__).with_name("held_out")
REPORT = Path(__file__).resolve().parents[2] / "results" / "eval" / "faq_accuracy.md"


def load_questions() -> list[tuple[str, str]]:
    """(question, entry id) from every file in held_out/: one file per content author or topic."""
    pairs = []
    for path in sorted(HELD_OUT.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        pairs += [(question, entry_id) for entry_id, questions in data.items() for question in questions]
    return pairs


@dataclass
class Score:
    right: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0


def score(predict: Callable[[str], str], library: content.Library) -> dict[str, Score]:
    """Accuracy per topic (the content file's topic) and overall ('ALL')."""
    scores: dict[str, Score] = defaultdict(Score)
    for question, expected in load_questions():
        got = predict(question)
        for key in (library.entries[expected].topic, "ALL"):
            scores[key].total += 1
            if got == expected:
                scores[key].right += 1
            elif key == "ALL":
                scores[key].misses.append(f"{expected} <- {question!r} (got {got})")
    return dict(scores)


def bm25_predictor(library: content.Library) -> Callable[[str], str]:
    return BM25(list(content.search_documents(library))).best


def report(model: dict[str, Score], baseline: dict[str, Score]) -> str:
    return write_report(REPORT, model, baseline, "Questions the assistant answered with another entry (or not at all):")


def write_report(path: Path, model: dict[str, Score], baseline: dict[str, Score], misses: str,
                 title: str = "") -> str:
    """A table of the assistant against BM25 per topic, then every miss; written to `path`, returned."""
    lines = ([f"# {title}", ""] if title else []) + ["| topic | questions | assistant | BM25 keyword search |",
                                                    "| --- | ---: | ---: | ---: |"]
    for topic in sorted(model, key=lambda t: (t == "ALL", t)):
        lines.append(f"| {'**overall**' if topic == 'ALL' else topic} | {model[topic].total} | "
                     f"{model[topic].accuracy:.0%} | {baseline[topic].accuracy:.0%} |")
    lines += ["", misses, ""]
    lines += [f"- {miss}" for miss in model["ALL"].misses] or ["- none"]
    text = "\n".join(lines) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return text
