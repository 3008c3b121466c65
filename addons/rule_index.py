"""RulePolicy's rule look-up, narrowed by the message's intent first (issue 19's profile).

For each prediction (three a message on average) Rasa 3.6's `RulePolicy._get_possible_keys` tests
*every* learned rule against the conversation's current state (768 rules here: one or more for each
FAQ entry), about 2,300 calls of `_is_rule_applicable` a message: the largest cost of a message
outside the intent model. A rule whose last state asks for an intent can only match a current state
with that intent. Here the rules are grouped by that intent once per look-up table; the first step
tests only the rules that ask for the current intent or for none, with Rasa's own
`_is_rule_applicable`, and the later steps (earlier turns) run as Rasa's do.

Exactly Rasa's result, in the same order: `max(rule_keys, key=len)` breaks ties by the set's
iteration order, so each step's set is built by inserting the same keys in the same order as Rasa's
(the first step's survivors in the iteration order of `set(lookup.keys())`). A rule left out of the
first step is one that Rasa's check refuses too: the current state has a previous action (otherwise
every rule is tested), the rule's last state has one intent and the conversation's is another.
Once no rule is left, the earlier turns cannot add one, so the loop stops; once every rule left is
shorter than the turns already looked at, Rasa's check keeps each of them at every earlier turn
(`_is_rule_applicable` is true past a rule's length), so the rest of the loop only rebuilds the set
(`_kept_by_every_step`), without testing a rule: the look-up no longer grows with the conversation. `tests/test_rule_index.py`
compares it with Rasa's on the trained model's rules and on every state of the test conversations.

Installed by addons.rasa_speedups.install(); `MEDWAY_RASA_SPEEDUPS=0` (all the speed-ups) or
`MEDWAY_RULE_INDEX=0` (this one) leaves Rasa's as it is.
"""
from __future__ import annotations

import json
import os
import threading
from typing import Any, Optional

from rasa.core.policies.rule_policy import RULES_NOT_IN_STORIES, RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET, USER
from rasa.shared.nlu.constants import INTENT

_original = RulePolicy._get_possible_keys


class _Index:
    """For one look-up table: its keys in the order `set(lookup.keys())` iterates them, and each
    intent's rules (those whose last state asks for no intent under None) as positions in that order."""

    def __init__(self, lookup: dict[str, Any]) -> None:
        self.size = len(lookup)
        self.order = list(set(lookup.keys()))
        self.by_intent: dict[Optional[str], list[int]] = {}
        self.length: dict[str, int] = {}  # each rule's number of states
        for position, key in enumerate(self.order):
            states = RulePolicy._rule_key_to_state(key)
            self.length[key] = len(states)
            intent = (states[-1].get(USER) or {}).get(INTENT) if states else None
            if isinstance(intent, list):
                intent = tuple(intent)
            if not intent or intent == SHOULD_NOT_BE_SET or not isinstance(intent, str):
                intent = None
            self.by_intent.setdefault(intent, []).append(position)

    def candidates(self, intent: Any) -> list[str]:
        """The keys that may match a current state with this intent, in the set's order."""
        positions = self.by_intent.get(None, [])
        if isinstance(intent, str) and intent in self.by_intent:
            positions = sorted(positions + self.by_intent[intent])
        return [self.order[p] for p in positions]


_indexes: dict[int, tuple[dict, _Index]] = {}
_lock = threading.Lock()


def _index(lookup: dict[str, Any]) -> _Index:
    kept = _indexes.get(id(lookup))
    if kept is not None and kept[0] is lookup and kept[1].size == len(lookup):
        return kept[1]
    index = _Index(lookup)
    with _lock:
        if len(_indexes) > 16:
            _indexes.clear()
        _indexes[id(lookup)] = (lookup, index)
    return index


def get_possible_keys(self: RulePolicy, lookup: dict[str, Any], states: list[dict[str, Any]]) -> set[str]:
    """RulePolicy._get_possible_keys, testing in the first step only the rules for the current intent."""
    if not states or not isinstance(states[-1], dict) or not states[-1].get(PREVIOUS_ACTION):
        return _original(self, lookup, states)
    index = _index(lookup)
    current = states[-1]
    intent = (current.get(USER) or {}).get(INTENT)
    possible_keys = set(key for key in index.candidates(intent) if self._is_rule_applicable(key, 0, current))
    for i, state in enumerate(reversed(states)):
        if i == 0:
            continue
        if not possible_keys:
            return possible_keys
        if max(index.length.get(key, i + 1) for key in possible_keys) <= i:
            return _kept_by_every_step(possible_keys, len(states) - i)
        possible_keys = set(filter(lambda _key: self._is_rule_applicable(_key, i, state), possible_keys))
    return possible_keys


def _kept_by_every_step(keys: set[str], steps: int) -> set[str]:
    """The set Rasa's loop leaves after `steps` more steps that keep every key: each rebuilds the set from
    the last one's keys, in its order, which can reorder them; the orders repeat after a few steps, and
    from the first repeat on the rest is read from the ones seen."""
    seen: dict[tuple[str, ...], int] = {tuple(keys): 0}
    history = [keys]  # the set after each number of steps
    for step in range(1, steps + 1):
        keys = set(iter(keys))  # as set(filter(...)) builds it: one key at a time, in the set's order
        order = tuple(keys)
        if order in seen:
            start = seen[order]
            return history[start + (steps - start) % (step - start)]
        seen[order] = step
        history.append(keys)
    return keys


# When no rule applies, RulePolicy's prediction names as its source the JSON of every state of the conversation
# (`_create_feature_key`: json.dumps with sorted keys of all states after the last rule snippet, built by inserting
# each at the front): at turn 50 about 300 states, twice a prediction, a cost that grew with every turn (issue 19).
# At prediction that source is only looked up in the rules not in stories (`hide_rule_turn`): a key with more
# states than any key there cannot be one of them (the same JSON would be the same list of states), so it is then
# named by its length instead. Training (which collects these keys) is unchanged.
_predicting = threading.local()
_original_create_feature_key = RulePolicy._create_feature_key
_original_predict = RulePolicy.predict_action_probabilities
_longest: dict[int, tuple[Any, int, int]] = {}  # id(the rules not in stories) -> (them, how many, their most states)


def _most_states(keys: Any) -> int:
    """The most states of any key in `keys` that is the JSON of a list (the others, such as "predicting default
    action with intent restart", can equal no feature key, which is always one)."""
    kept = _longest.get(id(keys))
    if kept is not None and kept[0] is keys and kept[1] == len(keys):
        return kept[2]
    most = 0
    for key in keys:
        try:
            states = json.loads(key)
        except (TypeError, ValueError):
            continue
        if isinstance(states, list):
            most = max(most, len(states))
    with _lock:
        if len(_longest) > 16:
            _longest.clear()
        _longest[id(keys)] = (keys, len(keys), most)
    return most


def create_feature_key(self: RulePolicy, states: list[dict[str, Any]]) -> Optional[str]:
    """RulePolicy._create_feature_key; while predicting, a key longer than every rule not in stories is named
    by its length (no JSON of the whole conversation): a name that is no JSON, which no rule not in stories
    can equal as Rasa's key could not either."""
    if not getattr(_predicting, "on", False):
        return _original_create_feature_key(self, states)
    count = 0
    for state in reversed(states):
        if self._is_rule_snippet_state(state):
            break
        count += 1
    not_in_stories = self.lookup.get(RULES_NOT_IN_STORIES, [])
    if count == 0 or count <= _most_states(not_in_stories):
        return _original_create_feature_key(self, states)
    name = _NAME.format(count)
    if os.environ.get("MEDWAY_CHECK_RULE_KEYS") == "1" and (
            name in not_in_stories or _original_create_feature_key(self, states) in not_in_stories):
        raise AssertionError("a feature key left out is one of the rules not in stories")
    return name


_NAME = "(the {} states of a conversation: more than any rule not in stories has)"  # never JSON: never one of them


def predict_action_probabilities(self: RulePolicy, *args: Any, **kwargs: Any) -> Any:
    """RulePolicy.predict_action_probabilities, marked as predicting for `create_feature_key`."""
    was = getattr(_predicting, "on", False)
    _predicting.on = True
    try:
        return _original_predict(self, *args, **kwargs)
    finally:
        _predicting.on = was


def install() -> None:
    """Called by addons.rasa_speedups.install(); `MEDWAY_RULE_INDEX=0` leaves this one out (for measuring)."""
    if os.environ.get("MEDWAY_RULE_INDEX", "1") == "0":
        return
    RulePolicy._get_possible_keys = get_possible_keys  # type: ignore[method-assign]
    RulePolicy._create_feature_key = create_feature_key  # type: ignore[method-assign]
    RulePolicy.predict_action_probabilities = predict_action_probabilities  # type: ignore[method-assign]
