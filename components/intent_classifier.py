"""Rasa graph component around bot.intent_model.IntentModel (TF-IDF and sentence embeddings)."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from threadpoolctl import threadpool_limits

from bot import content, sentence_encoder
from bot.intent_model import IntentModel

logger = logging.getLogger(__name__)
MODEL_FILE = "intent_model.pkl"
OTHER_QUESTION_KEY = "other_question"
"""Parse data key for a second FAQ question in the same message, offered as a button."""


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class TfidfIntentClassifier(GraphComponent, IntentClassifier):
    """Classifies intents from the message text; its features are its own (no Rasa featurizer needed)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"C": 50.0, "dense_weight": 0.7, "dense_C": 50.0, "random_seed": 2014, "ranking_length": 10}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Optional[IntentModel] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "TfidfIntentClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        sentence_encoder.use_threads()  # `rasa train` is a batch job: embed the examples on every core
        self.model = IntentModel(c=self.config["C"], seed=self.config["random_seed"],
                                 dense_weight=self.config["dense_weight"], dense_c=self.config["dense_C"]).fit(
            [m.get(TEXT) for m in examples], [m.get(INTENT) for m in examples])
        with self._model_storage.write_to(self._resource) as directory:
            self.model.save(directory / MODEL_FILE)
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "TfidfIntentClassifier":
        # A server scores one message per request, many requests at once: OpenBLAS's second thread for
        # the embedding model's one-row product only waits and spins (py-spy put 11% of the Rasa
        # server's time under load in that product). scikit-learn already requires threadpoolctl.
        threadpool_limits(1, user_api="blas")
        try:
            with model_storage.read_from(resource) as directory:
                return cls(config, model_storage, resource, IntentModel.load(directory / MODEL_FILE))
        except ValueError:
            logger.warning("No trained intent model found; every message will be unclassified.")
            return cls(config, model_storage, resource)

    def process(self, messages: List[Message]) -> List[Message]:
        texts = [m.get(TEXT) or "" for m in messages]
        rankings = self.model.rank_many(texts, self.config["ranking_length"]) if self.model else [[] for _ in texts]
        library = content.live()
        for message, text, ranking in zip(messages, texts, rankings):
            named = library.by_keyword(text)  # "s41", "what is reg 13": a term that names one entry
            if named and ranking:
                ranking = [(named.intent, 1.0)] + [(n, c) for n, c in ranking if n != named.intent][:-1]
            if not ranking:
                continue
            name, confidence = ranking[0]
            message.set(INTENT, {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [{INTENT_NAME_KEY: n, PREDICTED_CONFIDENCE_KEY: c} for n, c in ranking],
                        add_to_output=True)
            main = library.by_intent(name)
            near = [content.INTENT_PREFIX + related for related in main.related] if main else []
            other = self.model.other_question(text, name, prefix=content.INTENT_PREFIX, near=near)
            if other:
                message.set(OTHER_QUESTION_KEY, {INTENT_NAME_KEY: other[0], PREDICTED_CONFIDENCE_KEY: other[1]},
                            add_to_output=True)
        return messages
