"""Group similar questions so one wording stands for many ("when does panel meet" and "SEN panel dates?").

Character n-grams within words (typo-tolerant, as in the intent model), then a single pass:
the most often asked wording leads a group, and each other wording joins the most similar
leader when the cosine similarity reaches the threshold, or leads a new group.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sklearn.feature_extraction.text import TfidfVectorizer

SIMILAR = 0.5
"""Cosine similarity for two wordings to count as one question; checked in tests/test_insight.py
on pairs that must and must not group."""


@dataclass
class Group:
    """One question in its wordings, most asked first."""

    wordings: list[tuple[str, int]] = field(default_factory=list)

    @property
    def representative(self) -> str:
        return self.wordings[0][0]

    @property
    def count(self) -> int:
        return sum(n for _, n in self.wordings)


def _key(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").split()).rstrip("?.! ")


def group(texts: list[str], threshold: float = SIMILAR) -> list[Group]:
    """Groups of similar texts, the most asked group first."""
    counts: Counter[str] = Counter()
    first_wording: dict[str, str] = {}
    for text in texts:
        key = _key(text)
        if key:
            counts[key] += 1
            first_wording.setdefault(key, " ".join(text.split()))
    if not counts:
        return []
    keys = [k for k, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit_transform(keys)
    leaders: list[int] = []
    groups: list[Group] = []
    for i, key in enumerate(keys):
        best, best_score = -1, threshold
        if leaders:
            scores = (vectors[leaders] @ vectors[i].T).toarray().ravel()
            top = int(scores.argmax())
            if scores[top] >= best_score:
                best = top
        if best < 0:
            leaders.append(i)
            groups.append(Group())
            best = len(groups) - 1
        groups[best].wordings.append((first_wording[key], counts[key]))
    return sorted(groups, key=lambda g: (-g.count, g.representative))
