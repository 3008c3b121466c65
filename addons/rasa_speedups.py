"""Costs in Rasa 3.6's message path removed without changing what it does (issue 19's profile).

- Rasa checks every reply from the action server against its response schema with
  `jsonschema.validate`, which first checks the *schema itself* against JSON Schema's meta-schema,
  every call: about three quarters of the Rasa server's own time per message in the profile
  (README "Benchmarks"). `validate` here checks each distinct schema once, keeps its validator, and
  then validates exactly as jsonschema's does (the same best-matching error is raised).

- Checking each event of that reply against Rasa's event schema tries all 23 kinds of event
  (`oneOf`), about 0.7 ms an event. An event can only be of the kind its `event` field names, so it
  is first checked against that kind alone (the same answer: every other kind requires another
  `event` value); only a reply that this finds invalid goes through the full check, which raises
  the error as before.

- Rasa finds an event's class from its name (`Event.resolve_by_type`) by listing every subclass of
  Event, recursively, for every event it reads: a stored conversation of 40 events costs about
  1,300 calls of `all_subclasses`. Here the name-to-class table is kept, and rebuilt whenever a
  name is not in it (so a class defined later is still found, and an unknown name fails as before).

- Rasa rebuilds the policies' state of every earlier turn for every prediction: kept and carried
  on instead (addons/history_states.py).

- Rasa copies the whole tracker, replaying every event, before each action it runs: the copy is
  carried on from the last one instead (addons/tracker_copies.py).

- RulePolicy writes every earlier turn's state out as text for a debug log line at every prediction,
  whether or not debug logging is on (`RulePolicy.format_tracker_states`, growing with the
  conversation): the text is made only when that line would be logged.

- Rasa's processor, policies and forms deep-copy what they pass to their debug log lines (the events
  an action returned, with a page of search results' cards; the policies' states) whether or not
  debug logging is on: the copy is made only when that module's debug lines are logged
  (`_DebugLineCopies`). And the processor checks at every message that its domain is not empty by
  building an empty domain to compare with (`Domain.is_empty`): the empty domain's dictionary is
  made once.

- RulePolicy tests every learned rule against the current state for every prediction: the rules
  are grouped by the intent they ask for, and only that intent's are tested (addons/rule_index.py).

- Rasa runs its model graph (about three times a message) through dask's scheduler, which only
  calls the nodes one after the other in this thread: they are called directly (addons/graph_runner.py).

- Each call of the action server posts the whole conversation, serialised by the standard library's
  json (about 2.4 ms at turn 50, a call or two a message): posted bodies are serialised by ujson, a
  dependency of Rasa's own, instead (about 0.9 ms; the same JSON value, byte for byte different
  only in spacing and escapes). And each call opened a new TCP connection (Rasa makes a client
  session per request; py-spy put 5% of the Rasa server's time under load in connecting): the
  sessions share one connection pool per event loop, which closes a connection after one to two
  KEEPALIVE_SECONDS idle (aiohttp checks once per period), well before the action server's Sanic
  (5 s) would close it under a request.

- That posted conversation carries, for every earlier message, the model's score for every intent
  (`intent_ranking`, a third of the user messages' bytes), for every event the model and assistant ids
  Rasa stamps on it (`metadata`, a sixth of the body), for every reply its empty fields, and, for every
  earlier page of search results, its services' cards once more as data: no action reads any of them
  (they read the latest message's ranking from `latest_message`, and the cards of the latest page only,
  `actions/directory._page_in_view`), so they are left out of the posted copy (`slim_events`); the
  stored conversation keeps them.

`MEDWAY_RASA_SPEEDUPS=0` leaves Rasa as it is (for measuring the difference).

`install()` is called when `addons.tracker_store` is imported, which every Rasa server of this project
does (its endpoints name `addons.tracker_store.RedactingSQLTrackerStore`).
"""
from __future__ import annotations

import asyncio
import atexit
import copy
import importlib
import logging
import os
import threading
import weakref
from typing import Any, Optional, Type

import aiohttp
import jsonschema
import rasa
from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.core.policies.policy import Policy
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

from addons import posted_events

_original_validate = jsonschema.validate
_checked: list[tuple[Any, Any]] = []  # (schema, its validator), a handful at most
_lock = threading.Lock()


def _by_kind(event_schema: dict[str, Any]) -> Optional[dict[str, Any]]:
    """For an event schema of Rasa's shape (`oneOf` one subschema per `event` value), a validator for
    each event kind, with the same checks but only that kind's subschemas in `oneOf`; None otherwise."""
    kinds: dict[str, list] = {}
    for sub in event_schema.get("oneOf") or []:
        const = ((sub.get("properties") or {}).get("event") or {}).get("const") if isinstance(sub, dict) else None
        if not isinstance(const, str):
            return None  # a kind not named by its `event` value: no shortcut
        kinds.setdefault(const, []).append(sub)
    if "event" not in (event_schema.get("required") or []) or not kinds:
        return None
    kind = validators.validator_for(event_schema)
    return {name: kind(dict(event_schema, oneOf=subs)) for name, subs in kinds.items()}


_response_checks: list[tuple[Any, Any]] = []  # (response schema, {event kind: validator})


def _valid_response(instance: Any, schema: Any) -> bool:
    """True only if `instance` is valid against the action server's response schema (Rasa's
    RemoteAction.action_response_format_spec()), checking each event against its own kind; False means
    "not known to be valid": the full check decides."""
    if not isinstance(instance, dict):
        return False
    kinds = next((checks for known, checks in _response_checks if known == schema), None)
    if kinds is None:
        if len(_response_checks) >= 4 or schema != _response_schema():
            return False
        kinds = _by_kind(schema["properties"]["events"]["items"])
        with _lock:
            _response_checks.append((schema, kinds))
    if not kinds:
        return False
    events, responses = instance.get("events", []), instance.get("responses", [])
    if not isinstance(events, list) or not isinstance(responses, list):
        return False
    if not all(isinstance(response, dict) for response in responses):
        return False
    for event in events:
        if not isinstance(event, dict) or not isinstance(event.get("event"), str):
            return False
        check = kinds.get(event["event"])
        if check is None or not check.is_valid(event):
            return False
    return True


def _response_schema() -> Any:
    from rasa.core.actions.action import RemoteAction

    return RemoteAction.action_response_format_spec()


def validate(instance: Any, schema: Any, cls: Any = None, *args: Any, **kwargs: Any) -> None:
    """jsonschema.validate, with each schema checked and its validator built once."""
    if cls is not None or args or kwargs:
        return _original_validate(instance, schema, cls, *args, **kwargs)
    if _valid_response(instance, schema):
        return None
    validator = next((checked for known, checked in _checked if known == schema), None)
    if validator is None:
        kind = validators.validator_for(schema)
        kind.check_schema(schema)  # raises SchemaError as jsonschema.validate would
        validator = kind(schema)
        with _lock:
            if len(_checked) < 32:
                _checked.append((schema, validator))
    error = exceptions.best_match(validator.iter_errors(instance))
    if error is not None:
        raise error


_event_classes: dict[str, Type[Event]] = {}


def resolve_by_type(type_name: str, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    """Event.resolve_by_type: the first known Event subclass with this type name, as Rasa's finds it."""
    found = _event_classes.get(type_name)
    if found is not None:
        return found
    table: dict[str, Type[Event]] = {}
    for cls in all_subclasses(Event):
        table.setdefault(cls.type_name, cls)
    _event_classes.clear()
    _event_classes.update(table)
    if type_name in table:
        return table[type_name]
    if type_name == "topic":
        return None  # Rasa's backwards compatibility for old TopicSet events
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


KEEPALIVE_SECONDS = 1.0
_pools: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aiohttp.TCPConnector]" = weakref.WeakKeyDictionary()


def _client_session(self: Any) -> aiohttp.ClientSession:
    """Rasa 3.6.21's EndpointConfig.session, with JSON bodies serialised by ujson and connections kept
    in this event loop's pool (the session does not own the pool: closing it keeps the connections)."""
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT

    loop = asyncio.get_running_loop()
    pool = _pools.get(loop)
    if pool is None or pool.closed:
        pool = _pools[loop] = aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS)
        atexit.register(pool._close)  # its kept connections, quietly (aiohttp 3.9's synchronous close)
    auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
    return aiohttp.ClientSession(headers=self.headers, auth=auth, json_serialize=posted_events.serialize,
                                 timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                                 connector=pool, connector_owner=False)


def slim_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events as posted to the action server. Every event but the latest message loses what no
    action reads: its `metadata` (the model and assistant ids Rasa stamps on each event), a message's
    intent ranking, a reply's empty fields, and, on every page of search results before the latest,
    the cards' data. New dictionaries where anything is left out: the events' own stay as they are."""
    last_user = next((i for i in range(len(events) - 1, -1, -1) if events[i].get("event") == "user"), -1)
    last_cards = next((i for i in range(len(events) - 1, -1, -1) if _cards(events[i]) is not None), -1)
    return [event if index == last_user else _slim(event, index == last_cards) for index, event in enumerate(events)]


def _slim(event: dict[str, Any], keep_cards: bool) -> dict[str, Any]:
    """One event as `slim_events` posts it when it is not the latest message (a new dictionary)."""
    event = {key: value for key, value in event.items() if key != "metadata"}
    kind = event.get("event")
    if kind == "user" and isinstance(event.get("parse_data"), dict):
        event["parse_data"] = {key: value for key, value in event["parse_data"].items()
                               if key not in ("intent_ranking", "metadata")}
    elif kind == "bot" and isinstance(event.get("data"), dict):
        data = {key: value for key, value in event["data"].items() if value is not None}
        if not keep_cards and _cards(event) is not None:
            data["custom"] = {key: value for key, value in data["custom"].items() if key != "service_cards"}
        event["data"] = data
    return event


def _cards(event: dict[str, Any]) -> Optional[Any]:
    custom = (event.get("data") or {}).get("custom") if event.get("event") == "bot" else None
    return custom.get("service_cards") if isinstance(custom, dict) else None


def _has_cards(event: dict[str, Any]) -> bool:
    return _cards(event) is not None


def _rasas_action_call_format(self: Any, tracker: Any, domain: Any) -> dict[str, Any]:
    body = _original_action_call_format(self, tracker, domain)
    state = body.get("tracker")
    if isinstance(state, dict) and isinstance(state.get("events"), list):
        body["tracker"] = dict(state, events=slim_events(state["events"]))
    return body


def _action_call_format(self: Any, tracker: Any, domain: Any) -> dict[str, Any]:
    """RemoteAction._action_call_format, with the posted events slimmed (`slim_events`), each event
    turned into a dictionary and JSON once per conversation (addons/posted_events.py)."""
    if not tracker.sender_id:
        return _rasas_action_call_format(self, tracker, domain)
    body = {"next_action": self._name, "sender_id": tracker.sender_id,
            "tracker": posted_events.tracker_state(tracker, _slim, _has_cards), "version": rasa.__version__}
    if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
        body["domain"] = domain.as_dict()
    if os.environ.get("MEDWAY_CHECK_POSTED_EVENTS") == "1":
        posted_events.check(body, _rasas_action_call_format(self, tracker, domain))
    return body


class _DebugLineCopies:
    """The `copy` module as one of Rasa's modules sees it, whose `copy.deepcopy` calls all build the
    values of debug log lines: `deepcopy` copies only when that module's debug lines are logged, and
    otherwise hands the value to the (discarded) line as it is."""

    def __init__(self, module: str) -> None:
        self._log = logging.getLogger(module)

    def deepcopy(self, value: Any, memo: Optional[dict] = None) -> Any:
        return copy.deepcopy(value, memo) if self._log.isEnabledFor(logging.DEBUG) else value

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


DEBUG_LINE_COPIES = ["rasa.core.processor", "rasa.core.policies.memoization", "rasa.core.policies.rule_policy",
                     "rasa.core.actions.forms"]
"""Rasa 3.6.21's modules whose every `copy.deepcopy` is an argument of a debug log line (checked by
tests/test_rasa_speedups.py against their source)."""
_empty_domain: list[dict[str, Any]] = []


def _domain_is_empty(self: Any) -> bool:
    """Domain.is_empty, with the empty domain's dictionary made once, not at every message."""
    from rasa.shared.core.domain import Domain

    if not _empty_domain:
        _empty_domain.append(Domain.empty().as_dict())
    return self.as_dict() == _empty_domain[0]


_original_action_call_format = RemoteAction._action_call_format
_format_tracker_states = Policy.format_tracker_states
_rule_policy_log = logging.getLogger("rasa.core.policies.rule_policy")


def _format_if_logged(states: list[dict]) -> str:
    """Policy.format_tracker_states, for RulePolicy's debug line only: empty when it is not logged."""
    return _format_tracker_states(states) if _rule_policy_log.isEnabledFor(logging.DEBUG) else ""


def install() -> None:
    """Use the faster equivalents in this process (idempotent), unless MEDWAY_RASA_SPEEDUPS=0."""
    if os.environ.get("MEDWAY_RASA_SPEEDUPS", "1") == "0":
        return
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.shared.core.domain import Domain
    from rasa.utils.endpoints import EndpointConfig

    from addons import graph_runner, history_states, rule_index, tracker_copies

    jsonschema.validate = validate
    history_states.install()
    rule_index.install()
    tracker_copies.install()
    RemoteAction._action_call_format = _action_call_format  # type: ignore[method-assign]
    RulePolicy.format_tracker_states = staticmethod(_format_if_logged)  # type: ignore[method-assign]
    graph_runner.install()
    for module in DEBUG_LINE_COPIES:
        importlib.import_module(module).copy = _DebugLineCopies(module)
    Domain.is_empty = _domain_is_empty  # type: ignore[method-assign]
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign]
    EndpointConfig.session = _client_session  # type: ignore[method-assign]
