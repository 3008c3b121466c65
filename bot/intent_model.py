"""The intent classifier: two logistic regressions, blended.

1. TF-IDF over words and character n-grams: tolerant of misspellings ("assesment", "ehcp",
   "senco"); it beat Rasa's DIET by about 10 points with 10 to 25 examples an intent.
2. Sentence embeddings (all-MiniLM-L6-v2, bot/sentence_encoder.py): words parents use that the
   examples do not ("the LA" for "the council", "statemented" for "has an EHC plan").

The blend weight was chosen on the tuning set of real questions (tests/eval/tuning); README
gives the figures of each option. Rasa-free, so the forum triage tool loads the same model.
"""
from __future__ import annotations

import pickle
import unicodedata
from pathlib import Path
from typing import Iterable, Optional, Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_union

from bot import reading, sentence_encoder

OTHER_QUESTION_MIN = 0.4
"""A second question in a message is offered only when the model is at least this sure of it."""


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'")


class IntentModel:
    """Fit on (text, intent) examples; rank intents for new texts with probabilities."""

    def __init__(self, c: float = 50.0, seed: int = 2014, dense_weight: float = 0.7, dense_c: float = 50.0):
        features = make_union(
            TfidfVectorizer(preprocessor=_normalise, ngram_range=(1, 2), sublinear_tf=True),
            TfidfVectorizer(preprocessor=_normalise, analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
        )
        self.pipeline = Pipeline([("features", features),
                                  ("classifier", LogisticRegression(C=c, max_iter=5000, random_state=seed))])
        self.dense_weight = dense_weight
        self.dense = LogisticRegression(C=dense_c, max_iter=5000, random_state=seed) if dense_weight else None

    def fit(self, texts: Sequence[str], intents: Sequence[str]) -> "IntentModel":
        if len(set(intents)) < 2:
            raise ValueError("an intent model needs examples of at least two intents")
        self.pipeline.fit(list(texts), list(intents))
        if self.dense is not None:
            self.dense.fit(sentence_encoder.shared().encode(texts), list(intents))
        self._lay_out_weights()
        return self

    def _lay_out_weights(self) -> None:
        """Store the TF-IDF weights column-major: scipy multiplies a sparse row by `coef_.T` and
        copies the whole (intents x features) matrix first unless `coef_.T` is C-contiguous (about
        9 ms a message on this machine, half the model's time). Same numbers, another layout."""
        classifier = self.pipeline.named_steps["classifier"]
        classifier.coef_ = np.asfortranarray(classifier.coef_)

    def _probabilities(self, texts: list[str]) -> np.ndarray:
        """One row per text, one column per intent (in `intents` order)."""
        sparse = self.pipeline.predict_proba(texts)
        if self.dense is None:
            return sparse
        dense = self.dense.predict_proba(sentence_encoder.shared().encode(texts))
        return (1 - self.dense_weight) * sparse + self.dense_weight * dense

    @property
    def intents(self) -> list[str]:
        return list(self.pipeline.classes_)

    def rank_many(self, texts: Iterable[str], top: int = 10) -> list[list[tuple[str, float]]]:
        """For each text, the `top` most likely intents with their probabilities, best first."""
        # Text-speak at reading only (training it lost held-out questions); a long message that opens with
        # the child's name, date of birth and diagnoses is read from where they end, and a volunteer's from
        # after their introduction.
        texts = [reading.plain(reading.without_details(reading.without_introduction(t))) for t in texts]
        if not texts:
            return []
        probabilities = self._probabilities(texts)
        classes = self.pipeline.classes_
        return [[(str(classes[i]), float(row[i])) for i in row.argsort()[::-1][:top]] for row in probabilities]

    def rank(self, text: str, top: int = 10) -> list[tuple[str, float]]:
        return self.rank_many([text], top)[0]

    def other_question(self, text: str, main: str, prefix: str = "",
                       near: Iterable[str] = ()) -> Optional[tuple[str, float]]:
        """A second thing a long message asks about: the intent (starting with `prefix`) of another
        asking sentence, when it differs from `main` and the model is sure enough of it. Intents `near`
        the main answer (already offered as its follow-up buttons) give way to one further off: "can I
        ask for an assessment myself? and would she get transport?" offers transport."""
        asking = [s for s in reading.question_parts(text) if reading.asks(s)]
        if len(asking) < 2:
            return None
        found = [ranking[0] for ranking in self.rank_many(asking, top=1)]
        found = [(i, c) for i, c in found if i != main and i.startswith(prefix) and c >= OTHER_QUESTION_MIN]
        near = set(near)
        return next((f for f in found if f[0] not in near), found[0] if found else None)

    def save(self, path: Path) -> None:
        path.write_bytes(pickle.dumps({"pipeline": self.pipeline, "dense": self.dense,
                                       "dense_weight": self.dense_weight}))

    @classmethod
    def load(cls, path: Path) -> "IntentModel":
        """Load a model this project trained (a trusted file inside our own model archive)."""
        return cls.from_bytes(path.read_bytes())

    @classmethod
    def from_bytes(cls, data: bytes) -> "IntentModel":
        """A model from `save`'s bytes; only ever our own trained model, never a file from elsewhere."""
        model = cls.__new__(cls)
        saved = pickle.loads(data)
        model.pipeline, model.dense, model.dense_weight = saved["pipeline"], saved["dense"], saved["dense_weight"]
        model._lay_out_weights()
        return model
