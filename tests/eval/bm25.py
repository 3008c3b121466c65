"""Okapi BM25 over the FAQ's published text: the baseline a council site search gives."""
from __future__ import annotations

import math
import re
from collections import Counter

STOPWORDS = frozenset("""a an the and or but if of to in on at for with by from is are was were be been it its
this that these those i me my we our you your he him his she her they them their do does did can could would
should will what how when where who which why there here as so not no yes just about into than then""".split())


def tokens(text: str) -> list[str]:
    return [t for t in re.findall(r"[a-z0-9]+", text.lower()) if t not in STOPWORDS]


class BM25:
    def __init__(self, documents: list[tuple[str, str]], k1: float = 1.5, b: float = 0.75):
        self.ids = [doc_id for doc_id, _ in documents]
        self.docs = [Counter(tokens(text)) for _, text in documents]
        self.lengths = [sum(d.values()) for d in self.docs]
        self.avg = sum(self.lengths) / len(self.lengths)
        self.k1, self.b = k1, b
        frequency = Counter(term for d in self.docs for term in d)
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in frequency.items()}

    def best(self, query: str) -> str:
        scores = []
        for doc, length in zip(self.docs, self.lengths):
            score = 0.0
            for term in tokens(query):
                tf = doc.get(term, 0)
                if tf:
                    score += self.idf[term] * tf * (self.k1 + 1) / (tf + self.k1 * (1 - self.b + self.b * length / self.avg))
            scores.append(score)
        return self.ids[max(range(len(scores)), key=scores.__getitem__)]
