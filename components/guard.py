"""The last step of the NLU pipeline: a deterministic safety net over the model's prediction.

1. A message matching a safeguarding pattern (content/safeguarding.yml) becomes the
   `safeguarding` intent whatever the model said, so the emergency routes always come first.
2. Empty, symbol-only or non-Latin-script input becomes `nlu_fallback`, with the reason, so the
   fallback can say what went wrong instead of the model guessing.

Both decisions are added to the parse data (`safety_guard`) with the model's own prediction,
so tests and staff can see which part caught a message.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot import input_checks, redaction, safety

SAFEGUARDING_INTENT = "safeguarding"
GUARD_KEY = "safety_guard"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyGuard(GraphComponent):
    """Overrides the predicted intent for risk messages and for input that has no words to read."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SafetyGuard":
        safety.load()  # fail at start-up, not on a parent's message, if the rules file is broken
        redaction.install_log_filter()  # the Rasa server's logs never keep what parents typed verbatim
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._guard(message)
        return messages

    @staticmethod
    def _guard(message: Message) -> None:
        text = message.get(TEXT) or ""
        model_intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        pattern = safety.match(text)
        issue = None if pattern else input_checks.unusual(text)
        if pattern:
            override = SAFEGUARDING_INTENT
        elif issue:
            override = DEFAULT_NLU_FALLBACK_INTENT_NAME
        else:
            message.set(GUARD_KEY, {"model_intent": model_intent}, add_to_output=True)
            return
        message.set(INTENT, {INTENT_NAME_KEY: override, PREDICTED_CONFIDENCE_KEY: 1.0}, add_to_output=True)
        message.set(GUARD_KEY, {"model_intent": model_intent, "pattern": pattern, "input_issue": issue},
                    add_to_output=True)
