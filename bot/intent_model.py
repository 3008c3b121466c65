"""The intent classifier: TF-IDF over words and character n-grams, then logistic regression.

Measured on the held-out FAQ questions (tests/eval), this beat Rasa's DIET by about 10 points
with this amount of data (10 to 25 examples for each of about 60 intents), trains in seconds
instead of minutes, and needs no downloaded weights. Character n-grams within words make it
tolerant of misspellings ("assesment", "ehcp", "senco"). Rasa-free, so the forum triage tool
can load and use the same model.
"""
from __future__ import annotations

import pickle
import unicodedata
from pathlib import Path
from typing import Iterable, Sequence

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_union


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'")


class IntentModel:
    """Fit on (text, intent) examples; rank intents for new texts with probabilities."""

    def __init__(self, c: float = 50.0, seed: int = 2014):
        features = make_union(
            TfidfVectorizer(preprocessor=_normalise, ngram_range=(1, 2), sublinear_tf=True),
            TfidfVectorizer(preprocessor=_normalise, analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
        )
        self.pipeline = Pipeline([("features", features),
                                  ("classifier", LogisticRegression(C=c, max_iter=5000, random_state=seed))])

    def fit(self, texts: Sequence[str], intents: Sequence[str]) -> "IntentModel":
        if len(set(intents)) < 2:
            raise ValueError("an intent model needs examples of at least two intents")
        self.pipeline.fit(list(texts), list(intents))
        return self

    @property
    def intents(self) -> list[str]:
        return list(self.pipeline.classes_)

    def rank_many(self, texts: Iterable[str], top: int = 10) -> list[list[tuple[str, float]]]:
        """For each text, the `top` most likely intents with their probabilities, best first."""
        texts = list(texts)
        if not texts:
            return []
        probabilities = self.pipeline.predict_proba(texts)
        classes = self.pipeline.classes_
        return [[(str(classes[i]), float(row[i])) for i in row.argsort()[::-1][:top]] for row in probabilities]

    def rank(self, text: str, top: int = 10) -> list[tuple[str, float]]:
        return self.rank_many([text], top)[0]

    def save(self, path: Path) -> None:
        path.write_bytes(pickle.dumps(self.pipeline))

    @classmethod
    def load(cls, path: Path) -> "IntentModel":
        """Load a model this project trained (a trusted file inside our own model archive)."""
        return cls.from_bytes(path.read_bytes())

    @classmethod
    def from_bytes(cls, data: bytes) -> "IntentModel":
        """A model from `save`'s bytes; only ever our own trained model, never a file from elsewhere."""
        model = cls.__new__(cls)
        model.pipeline = pickle.loads(data)
        return model
