"""RulePolicy's rule look-up narrowed by intent (addons/rule_index.py): exactly Rasa's keys, in Rasa's order."""
from __future__ import annotations

import json
import random
import tarfile

import pytest
from rasa.core.policies.rule_policy import RulePolicy

from addons import rule_index
from harness.assistant import MODEL

LISTEN = {"prev_action": {"action_name": "action_listen"}}


def _key(*states: dict) -> str:
    return json.dumps(list(states), sort_keys=True)


SMALL = {  # a few rules of the shapes Rasa learns: an intent, an intent after an action, a loop, no intent
    _key({}, dict(LISTEN, user={"intent": "greet"})): "action_small_talk",
    _key(dict(LISTEN, user={"intent": "faq_a"})): "action_answer_faq",
    _key(dict(LISTEN, user={"intent": "faq_b"})): "action_answer_faq",
    _key({"prev_action": {"action_name": "action_answer_faq"}, "user": {"intent": "faq_a"}}): "action_listen",
    _key({"prev_action": {"action_name": "service_search_form"}, "active_loop": {"name": "should_not_be_set"}}):
        "action_search_services",
    _key(dict(LISTEN, user={"intent": "thanks"}, active_loop={"name": "service_search_form"})): "action_small_talk",
    _key(dict(LISTEN, user={"intent": "should_not_be_set"})): "action_x",
    _key(dict(LISTEN, user={"intent": ["faq_a", "faq_b"]})): "action_y",
}


def _policy() -> RulePolicy:
    return RulePolicy.__new__(RulePolicy)  # _get_possible_keys uses no instance state


def _conversations(lookup: dict, seed: int, count: int) -> list[list[dict]]:
    """States to look up: each rule's own states (matching), with its last intent changed, with no previous
    action, and after earlier states taken from other rules."""
    rng = random.Random(seed)
    keys = sorted(lookup)
    intents = sorted({(s.get("user") or {}).get("intent") for k in keys for s in json.loads(k)
                      if isinstance((s.get("user") or {}).get("intent"), str)}) or ["greet"]
    found = []
    for key in rng.sample(keys, min(count, len(keys))):
        states = json.loads(key)
        found.append(states)
        changed = [dict(s) for s in states]
        changed[-1] = dict(changed[-1], user={"intent": rng.choice(intents)})
        found.append(changed)
        found.append(states[:-1] + [{k: v for k, v in states[-1].items() if k != "prev_action"}])
        found.append(json.loads(rng.choice(keys)) + json.loads(rng.choice(keys)) + states)
        found.append([LISTEN] * rng.randint(1, 4) + [dict(LISTEN, user={"intent": rng.choice(intents)})])
        found.append([s for _ in range(rng.randint(5, 40)) for s in json.loads(rng.choice(keys))] + states)
    return found + [[], [{}], [LISTEN]]


def _compare(lookup: dict, conversations: list[list[dict]]) -> int:
    policy, matched = _policy(), 0
    for states in conversations:
        expected = rule_index._original(policy, lookup, states)
        got = rule_index.get_possible_keys(policy, lookup, states)
        assert list(got) == list(expected), states  # same keys, same order (max() breaks ties by it)
        matched += bool(got)
    return matched


def test_steps_that_keep_every_key_leave_rasas_order():
    # past every rule's length Rasa's loop only rebuilds the set from itself: the same keys in the same order
    rng = random.Random(3)
    for size in list(range(1, 40)) + [100, 700]:
        keys = set(f"rule {rng.random()}" for _ in range(size))
        for steps in (0, 1, 2, 5, 200):
            expected = keys
            for _ in range(steps):
                expected = set(filter(lambda _key: True, expected))
            assert list(rule_index._kept_by_every_step(keys, steps)) == list(expected)


def test_small_lookup_gives_rasas_keys_in_rasas_order():
    assert _compare(SMALL, _conversations(SMALL, 1, len(SMALL))) > 0


@pytest.mark.model
def test_trained_rules_give_rasas_keys_in_rasas_order():
    with tarfile.open(MODEL) as model:
        lookup = json.load(model.extractfile("components/train_RulePolicy1/rule_policy.json"))["lookup"]
    for table in ("rules", "rules_for_loop_unhappy_path"):
        assert _compare(lookup[table], _conversations(lookup[table], 19, 400)) > 100


def test_a_feature_key_longer_than_every_rule_not_in_stories_is_named_by_its_length():
    # issue 19: while predicting, no JSON of a whole conversation; the key is only looked up in the rules not in
    # stories, and is one of them exactly when Rasa's is
    policy = _policy()
    not_in_stories = [_key(LISTEN), _key({}, dict(LISTEN, user={"intent": "greet"})),
                      "predicting default action with intent restart"]
    policy.lookup = {"rules_not_in_stories": not_in_stories}
    snippet = {"prev_action": {"action_name": "..."}}
    conversations = [[], [LISTEN], [{}, dict(LISTEN, user={"intent": "greet"})], [LISTEN] * 3,
                     [snippet, LISTEN], [LISTEN] * 5 + [snippet, LISTEN], [{}, LISTEN, dict(LISTEN, user={"intent": "x"})]]
    for states in conversations:
        rasas = rule_index._original_create_feature_key(policy, states)
        assert rule_index.create_feature_key(policy, states) == rasas  # not predicting: Rasa's own
        rule_index._predicting.on = True
        try:
            ours = rule_index.create_feature_key(policy, states)
        finally:
            rule_index._predicting.on = False
        assert (ours in not_in_stories) == (rasas in not_in_stories)
        assert ours == rasas or (len(states) > 2 and ours == rule_index._NAME.format(len(states)))
    assert rule_index._most_states(not_in_stories) == 2
