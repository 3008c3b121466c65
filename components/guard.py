"""The last step of the NLU pipeline: the safeguarding decision over the model's prediction.

1. `bot.safety.assess` (patterns from content/safeguarding.yml and the model's own
   `safeguarding` intent with its confidence: the same decision forum triage makes) decides
   whether a message is about risk. A risk message becomes the `safeguarding` intent whatever
   else the model said, so the emergency routes always come first. A message the model alone
   called `safeguarding` that the decision turns down gets the model's next intent instead.
2. Empty, symbol-only or non-Latin-script input becomes `nlu_fallback`, with the reason, so the
   fallback can say what went wrong instead of the model guessing.
3. A message that only gives an age ("12", "he's 12") asks nothing: it becomes `nlu_fallback`
   (no reason), so the fallback reads it against search results shown or asks what it is about,
   instead of the model's guess (a bare "12" read as options after 16). A search form asking
   the age still takes it: the form comes before the fallback rule.
4. A weak guess at an intent that starts a form (FORM_START_MIN) becomes `nlu_fallback`.
5. "Start again" (which wipes the conversation) stands only for a request to start again, not for a
   question about starting something again ("do we have to start again?" after the moving answer,
   `reading.asks_to_start_again`): the model's next intent if fair, else `nlu_fallback`, which
   reads it against the last answer. Likewise "are you a bot?" (a fixed reply) stands only for a
   message about the assistant (`reading.asks_about_the_assistant`): "whose job is it" is not.

Both decisions are added to the parse data (`safety_guard`) with the model's own prediction,
so tests and staff can see which part caught a message (and which kind of risk it is).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot import input_checks, reading, safety
from bot.directory.conversation import only_age

SAFEGUARDING_INTENT = safety.SAFEGUARDING_INTENT
GUARD_KEY = "safety_guard"
FORM_START_MIN = {"leave_question": 0.5}
"""A guess at an intent that starts a form must be at least this sure: a weak one ("what if they dont
reply?" at 0.24) would ask for a question to pass to the volunteers. Below it the message goes to the
fallback, which reads it against the last answer and still offers the volunteers as a button."""
RESTART_INTENT = "restart"
BOT_CHALLENGE_INTENT = "bot_challenge"
GOODBYE_INTENT = "goodbye"
HELP_INTENT = "help"
_SAYS_SO = {
    RESTART_INTENT: (reading.asks_to_start_again, "a question about starting again, not a request"),
    GOODBYE_INTENT: (reading.says_goodbye, "no word of goodbye in it"),
    BOT_CHALLENGE_INTENT: (reading.asks_about_the_assistant, "not about the assistant"),
    HELP_INTENT: (reading.asks_for_the_menu, "no request for the menu in it"),
}
"""Intents the model also reads into other questions ("who do we see" as goodbye, "how do we get it" as help):
each stands only when the message says so in words; otherwise the model's next guess."""
FALLBACK_THRESHOLD = 0.2
"""Below this the next intent of a turned-down `safeguarding` prediction is not trusted (config.yml's
FallbackClassifier threshold)."""


def model_prediction(message: Message) -> tuple[Optional[str], float, list[tuple[str, float]]]:
    """The intent model's own ranking, without the fallback classifier's `nlu_fallback` entry."""
    ranking = [(r.get(INTENT_NAME_KEY), float(r.get(PREDICTED_CONFIDENCE_KEY) or 0.0))
               for r in message.get(INTENT_RANKING_KEY) or []
               if r.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME]
    if ranking:
        return ranking[0][0], ranking[0][1], ranking
    intent = message.get(INTENT) or {}
    return intent.get(INTENT_NAME_KEY), float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0), []


def _next_guess(message: Message, ranking: list[tuple[str, float]], refused: str, model_intent: Optional[str],
                reason: Optional[str], check_in: bool = False) -> None:
    """The model's next intent after a refused one, if fair (FALLBACK_THRESHOLD), else `nlu_fallback`.
    `check_in`: the reply asks whether anyone is in danger first (bot.safety.needs_check_in)."""
    others = [(name, conf) for name, conf in ranking if name != refused]
    name, conf = others[0] if others and others[0][1] >= FALLBACK_THRESHOLD else (DEFAULT_NLU_FALLBACK_INTENT_NAME, FALLBACK_THRESHOLD)
    message.set(INTENT, {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: conf}, add_to_output=True)
    guard = {"model_intent": model_intent, "turned_down": reason}
    if check_in:
        guard["check_in"] = True
    message.set(GUARD_KEY, guard, add_to_output=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyGuard(GraphComponent):
    """Overrides the predicted intent for risk messages and for input that has no words to read."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SafetyGuard":
        safety.load()  # fail at start-up, not on a parent's message, if the rules file is broken
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._guard(message)
        return messages

    @staticmethod
    def _guard(message: Message) -> None:
        text = message.get(TEXT) or ""
        model_intent, confidence, ranking = model_prediction(message)
        decision = safety.assess(text, model_intent, confidence)
        issue = None if decision.is_risk else input_checks.unusual(text)
        if decision.is_risk:
            message.set(INTENT, {INTENT_NAME_KEY: SAFEGUARDING_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}, add_to_output=True)
            message.set(GUARD_KEY, {"model_intent": model_intent, "pattern": decision.pattern, "kind": decision.kind,
                                    "reason": decision.reason, "input_issue": None}, add_to_output=True)
            return
        if issue:
            message.set(INTENT, {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME, PREDICTED_CONFIDENCE_KEY: 1.0},
                        add_to_output=True)
            message.set(GUARD_KEY, {"model_intent": model_intent, "pattern": None, "input_issue": issue},
                        add_to_output=True)
            return
        if only_age(text) is not None and not text.startswith("/"):
            message.set(INTENT, {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME, PREDICTED_CONFIDENCE_KEY: 1.0},
                        add_to_output=True)
            message.set(GUARD_KEY, {"model_intent": model_intent, "pattern": None, "input_issue": None,
                                    "only_age": True}, add_to_output=True)
            return
        current = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if current in FORM_START_MIN and confidence < FORM_START_MIN[current] and not text.startswith("/"):
            message.set(INTENT, {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME, PREDICTED_CONFIDENCE_KEY: confidence},
                        add_to_output=True)
            message.set(GUARD_KEY, {"model_intent": model_intent, "turned_down": "a weak guess that starts a form"},
                        add_to_output=True)
            return
        if current == SAFEGUARDING_INTENT:
            # The model alone said safeguarding and the decision turned it down: its next guess, if fair.
            _next_guess(message, ranking, SAFEGUARDING_INTENT, model_intent, decision.reason,
                        safety.needs_check_in(text, model_intent, confidence))
            return
        says_so = _SAYS_SO.get(current or "")
        if says_so and not text.startswith("/") and not says_so[0](text):
            _next_guess(message, ranking, current, model_intent, says_so[1])
            return
        message.set(GUARD_KEY, {"model_intent": model_intent}, add_to_output=True)
