"""The intent classifier: two logistic regressions, blended.

1. TF-IDF over words and character n-grams: tolerant of misspellings ("assesment", "ehcp",
   "senco"); it beat Rasa's DIET by about 10 points with 10 to 25 examples an intent.
2. Sentence embeddings (all-MiniLM-L6-v2, bot/sentence_encoder.py): words parents use that the
   examples do not ("the LA" for "the council", "statemented" for "has an EHC plan").

The blend weight was chosen on the tuning set of real questions (tests/eval/tuning); README
gives the figures of each option. Rasa-free, so the forum triage tool loads the same model.
"""
from __future__ import annotations

import math
import os
import pickle
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_union
from sklearn.utils.extmath import softmax

from bot import reading, sentence_encoder

OTHER_QUESTION_MIN = 0.4
"""A second question in a message is offered only when the model is at least this sure of it."""


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'")


PROBE_TEXTS = ["", "zzqx", "what is an ehcp", "Can I ask for an assessment myself? And free transport, free transport?"]
"""Texts on which `TfidfScores` is checked against scikit-learn's own path when a model is laid out."""
FAST_BATCH = 8
"""`TfidfScores` scores fewer texts than this at once (a server's message: 0.1 to 0.5 ms a text against
0.7 to 1.6); scikit-learn's overhead is shared by a larger batch (a triage run), which it then scores faster."""


class TfidfScores:
    """The TF-IDF pipeline's `predict_proba`, operation for operation as scikit-learn 1.1 and SciPy 1.10
    compute it (the same bits), without their per-call checks and sparse matrices: 0.1 ms a message
    against 0.7. Each vectorizer's counts (indices ascending), log(count) + 1, times the IDF, then, as
    SciPy's product with the IDF diagonal leaves them, in descending index order: the L2 norm summed in
    that order, the rows of the two vectorizers side by side, the classifier's scores summed in that
    order from zero, plus the intercept, softmax."""

    def __init__(self, pipeline: Pipeline) -> None:
        union, classifier = pipeline.named_steps["features"], pipeline.named_steps["classifier"]
        self._parts: list[tuple[Any, dict[str, int], np.ndarray, int]] = []
        offset = 0
        for _name, vectorizer in union.transformer_list:
            idf = vectorizer._tfidf._idf_diag.diagonal()
            self._parts.append((vectorizer.build_analyzer(), vectorizer.vocabulary_, idf, offset))
            offset += len(vectorizer.vocabulary_)
        self._weights = classifier.coef_.T  # (features, intents)
        self._intercept = classifier.intercept_

    def _row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """One text's non-zero features (indices, values) in the order SciPy stores them."""
        indices, values = [], []
        for analyze, vocabulary, idf, offset in self._parts:
            counts = Counter(j for j in map(vocabulary.get, analyze(text)) if j is not None)
            order = sorted(counts, reverse=True)
            index = np.array(order, dtype=np.int64)
            value = np.array([counts[j] for j in order], dtype=np.float64)
            np.log(value, value)
            value += 1
            value = value * idf[index]
            squares = 0.0
            for v in value.tolist():
                squares += v * v
            if squares != 0.0:
                value = value / math.sqrt(squares)
            indices.append(index + offset)
            values.append(value)
        return np.concatenate(indices), np.concatenate(values)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        scores = np.zeros((len(texts), self._weights.shape[1]))
        for row, text in enumerate(texts):
            index, value = self._row(text)
            if len(index):
                scores[row] = np.add.accumulate(value[:, None] * self._weights[index], axis=0)[-1]
        return softmax(scores + self._intercept, copy=False)

    @classmethod
    def checked(cls, pipeline: Pipeline) -> Optional["TfidfScores"]:
        """The fast path if it gives exactly scikit-learn's figures on PROBE_TEXTS (else None: another
        library version); never with MEDWAY_RASA_SPEEDUPS=0 (for measuring the difference)."""
        if os.environ.get("MEDWAY_RASA_SPEEDUPS", "1") == "0":
            return None
        try:
            scores = cls(pipeline)
            same = np.array_equal(scores.predict_proba(PROBE_TEXTS), pipeline.predict_proba(PROBE_TEXTS))
        except (AttributeError, KeyError, ValueError):
            return None
        return scores if same else None


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
        self.tfidf_scores: Optional[TfidfScores] = None

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
        self.tfidf_scores = TfidfScores.checked(self.pipeline)

    def _probabilities(self, texts: list[str]) -> np.ndarray:
        """One row per text, one column per intent (in `intents` order)."""
        fast = self.tfidf_scores is not None and len(texts) < FAST_BATCH
        sparse = (self.tfidf_scores if fast else self.pipeline).predict_proba(texts)
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
