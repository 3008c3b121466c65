"""The real-question evaluation: questions parents wrote on public pages, judged by what the reply says.

A reply is right when every `must` pattern of the question matches the text a parent reads (all the
assistant's messages for that question, joined) and no `must_not` pattern does. See real/README.md.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import yaml

from bot import content
from tests.eval.bm25 import BM25
from tests.eval.evaluate import Score, write_report

HERE = Path(__file__).parent
REAL = HERE / "real"        # measures the assistant: never trained on, never tuned on
TUNING = HERE / "tuning"    # the smaller set thresholds may be tuned on
DEV = HERE / "dev"          # content development sets: content was written for their misses (fitted)
SELECT = HERE / "select"    # chooses between models only: no content is ever written from its misses
REPORT = HERE.parents[1] / "results" / "eval" / "real_questions.md"
TOPICS = ("assessment", "plans", "reviews", "disagreements", "sen_support", "school_life", "transport",
          "adulthood", "health", "family", "local_offer", "reforms")


@dataclass(frozen=True)
class Item:
    question: str
    source: str
    topic: str
    must: tuple[re.Pattern, ...]
    must_not: tuple[re.Pattern, ...]
    where: str

    def holds(self, reply: str) -> bool:
        return all(p.search(reply) for p in self.must) and not any(p.search(reply) for p in self.must_not)


class BadItem(ValueError):
    """An evaluation file entry that cannot be used, with its file and position."""


def _patterns(values: object, where: str) -> tuple[re.Pattern, ...]:
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise BadItem(f"{where}: must be a list of regular expressions")
    try:
        return tuple(re.compile(v, re.IGNORECASE) for v in values)
    except re.error as error:
        raise BadItem(f"{where}: {error}") from None


def load(folder: Path = REAL) -> list[Item]:
    """Every item in folder/*.yml, checked: a question, a source address, a known topic, patterns."""
    items = []
    for path in sorted(folder.glob("*.yml")):
        for number, raw in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or [], start=1):
            where = f"{path.relative_to(HERE)} item {number}"
            if not isinstance(raw, dict) or not str(raw.get("question", "")).strip():
                raise BadItem(f"{where}: no question")
            if not str(raw.get("source", "")).startswith("http"):
                raise BadItem(f"{where}: the source must be the page's address")
            if raw.get("topic") not in TOPICS:
                raise BadItem(f"{where}: topic {raw.get('topic')!r} is not one of {', '.join(TOPICS)}")
            must = _patterns(raw.get("must"), f"{where} must")
            if not must:
                raise BadItem(f"{where}: at least one must pattern is needed")
            items.append(Item(str(raw["question"]).strip(), raw["source"], raw["topic"], must,
                              _patterns(raw.get("must_not", []), f"{where} must_not"), where))
    return items


def score(items: Iterable[Item], answer: Callable[[str], str]) -> dict[str, Score]:
    """Accuracy per topic and overall ('ALL'), each question asked on its own."""
    scores: dict[str, Score] = defaultdict(Score)
    for item in items:
        reply = answer(item.question)
        right = item.holds(reply)
        for key in (item.topic, "ALL"):
            scores[key].total += 1
            scores[key].right += right
        if not right:
            missing = [p.pattern for p in item.must if not p.search(reply)]
            found = [p.pattern for p in item.must_not if p.search(reply)]
            first_line = reply.strip().splitlines()[0][:90] if reply.strip() else "(no reply)"
            scores["ALL"].misses.append(f"{item.where} [{item.topic}] {item.question[:90]!r}: missing {missing}"
                                        f"{f', must not say {found}' if found else ''}; replied {first_line!r}")
    return dict(scores)


def bm25_answerer(library: content.Library) -> Callable[[str], str]:
    """A site search: the answer of the entry whose published text best matches the question."""
    search = BM25(list(content.search_documents(library)))
    return lambda question: content.reply_text(library.entries[search.best(question)])


def report(model: dict[str, Score], baseline: dict[str, Score], title: str) -> str:
    return write_report(REPORT, model, baseline, "Questions whose reply lacked a key fact:", title)


_WORD = re.compile(r"[a-z0-9]+")
SHORT_WORDS = 10


def _words(text: str) -> list[str]:
    return _WORD.findall(re.sub(r"['’]", "", text.lower()))


def trigrams(text: str) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i:i + 3]) for i in range(len(words) - 2)}


def near_copies(questions: Iterable[str], lines: Iterable[str], share: float = 0.8) -> list[tuple[str, str]]:
    """(question, line) pairs where one line of the training data or content holds `share` of a
    question's word trigrams: the question, or a near copy of it, leaked into what the model learns."""
    lines = [line for line in lines if line.strip()]
    index: dict[tuple[str, ...], set[int]] = defaultdict(set)
    for number, line in enumerate(lines):
        for gram in trigrams(line):
            index[gram].add(number)
    exact = {" ".join(_words(line)): line for line in lines}
    found = []
    for question in questions:
        words = " ".join(_words(question))
        if len(words.split()) < SHORT_WORDS:  # short questions are worded alike by anyone: only the same words count
            if words in exact:
                found.append((question, exact[words].strip()))
            continue
        grams = trigrams(question)
        counts: dict[int, int] = defaultdict(int)
        for gram in grams:
            for number in index.get(gram, ()):
                counts[number] += 1
        best = max(counts, key=counts.__getitem__, default=None)
        if best is not None and counts[best] >= share * len(grams):
            found.append((question, lines[best].strip()))
    return found
