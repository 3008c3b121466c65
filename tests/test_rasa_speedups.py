"""addons/rasa_speedups.py and the tracker store's SQLite settings: faster, and the same answers as Rasa's own."""
import datetime

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses
from sqlalchemy import text

from addons import rasa_speedups
from addons.tracker_store import RedactingSQLTrackerStore
from bot import aio

SCHEMA = RemoteAction.action_response_format_spec()
GOOD = {"events": [{"event": "slot", "name": "last_entry", "value": "x"}],
        "responses": [{"text": "hello", "buttons": [{"title": "a", "payload": "/b"}]}]}
BAD = [{"events": "not a list"}, {"responses": [{"text": 5}]}, {"events": [{"no": "event key"}]}, []]


def _error(validate, instance, schema=SCHEMA):
    try:
        validate(instance, schema)
    except jsonschema.ValidationError as error:
        return (error.message, list(error.path), list(error.schema_path))
    return None


def test_validate_accepts_and_refuses_exactly_as_jsonschema_does():
    assert _error(rasa_speedups.validate, GOOD) is None
    refused = [_error(rasa_speedups.validate, instance) for instance in BAD]
    assert refused == [_error(rasa_speedups._original_validate, instance) for instance in BAD]
    assert refused[0] is not None and refused[-1] is not None
    with pytest.raises(jsonschema.SchemaError):
        rasa_speedups.validate({}, {"type": 5})


def _events_of_every_kind() -> list:
    from rasa.shared.core.events import (
        ActionExecutionRejected,
        ActiveLoop,
        AllSlotsReset,
        ConversationPaused,
        ConversationResumed,
        FollowupAction,
        LoopInterrupted,
        ReminderCancelled,
        ReminderScheduled,
        Restarted,
        SessionStarted,
        UserUtteranceReverted,
    )

    made = [UserUttered("hi", {"name": "greet", "confidence": 0.9}, [{"entity": "area", "value": "Strood"}]),
            ActionExecuted("action_listen"), SlotSet("last_entry", "ehcp"), SlotSet("age", 4.0), BotUttered("Hello"),
            ActiveLoop("service_search_form"), ActiveLoop(None), AllSlotsReset(), Restarted(), SessionStarted(),
            UserUtteranceReverted(), FollowupAction("action_listen"), ConversationPaused(), ConversationResumed(),
            LoopInterrupted(True), ActionExecutionRejected("a"), ReminderCancelled("r"),
            ReminderScheduled("greet", datetime.datetime(2026, 1, 1))]
    return [event.as_dict() for event in made]


def _variants(event: dict) -> list:
    """The event and broken copies of it: each field given a value of another type, or removed."""
    found = [event]
    for key in event:
        for wrong in (5, "text", None, [], {}, True):
            found.append(dict(event, **{key: wrong}))
        found.append({k: v for k, v in event.items() if k != key})
    return found


def test_replies_are_accepted_and_refused_exactly_as_jsonschema_does():
    # the check by each event's kind is a shortcut only: the same verdict, and Rasa's error when refused
    cases = [{"events": [variant], "responses": []} for event in _events_of_every_kind() for variant in _variants(event)]
    cases += [{"events": _events_of_every_kind(), "responses": [{"text": "a"}]}, {"responses": ["text"]},
              {"events": [{"event": "no such kind"}]}, {"events": [[]]}, {"events": [{"event": "bot", "text": 5}]}]
    refused = 0
    for instance in cases:
        expected = _error(rasa_speedups._original_validate, instance)
        assert _error(rasa_speedups.validate, instance) == expected, instance
        assert rasa_speedups._valid_response(instance, SCHEMA) == (expected is None), instance  # the shortcut decided
        refused += expected is not None
    assert 50 < refused < len(cases) - 20


def test_events_resolve_to_the_classes_rasa_finds():
    names = {cls.type_name for cls in all_subclasses(Event)}
    original = Event.__dict__["resolve_by_type"].__func__ if hasattr(Event.__dict__["resolve_by_type"], "__func__") \
        else Event.resolve_by_type
    for name in names:
        assert rasa_speedups.resolve_by_type(name) is original(name)
    assert rasa_speedups.resolve_by_type("no such event", default=SlotSet) is SlotSet
    assert rasa_speedups.resolve_by_type("topic") is None
    with pytest.raises(ValueError):
        rasa_speedups.resolve_by_type("no such event")


def test_installed_in_the_rasa_server_process():
    # addons.tracker_store, which every Rasa server of this project loads, installs them.
    assert jsonschema.validate is rasa_speedups.validate
    assert Event.resolve_by_type("user") is UserUttered
    assert Event.from_parameters({"event": "action", "name": "action_listen"}) == ActionExecuted("action_listen")


def test_the_sqlite_tracker_store_is_in_wal_mode_and_keeps_conversations(tmp_path):
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    store = RedactingSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
    tracker = DialogueStateTracker.from_events("a", [UserUttered("hi, I'm on 07700 900123"), BotUttered("Hello")])
    aio.run(store.save(tracker))
    again = aio.run(store.retrieve("a"))
    assert [e.text for e in again.events if isinstance(e, (UserUttered, BotUttered))] == ["hi, I'm on [phone]", "Hello"]


def test_the_model_graph_is_computed_as_dask_computes_it():
    import dask

    from addons import graph_runner

    calls = []

    def node(name):
        def call(*inputs):
            calls.append(name)
            return (name, inputs)
        return call

    graph = {"tracker": ("tracker", {"events": [1, 2]}), "domain": ("domain", ["a"]),
             "rule": (node("rule"), "tracker", "domain"), "memo": (node("memo"), "tracker", "domain"),
             "select": (node("select"), "rule", "memo", "domain"), "listed": (node("listed"), ["rule", "memo"], "x"),
             "nested": (node("nested"), (node("inner"), "tracker")), "unused": (node("unused"),)}
    for targets in (["select"], ["select", "rule"], ["listed", "nested"], ["tracker"]):
        calls.clear()
        ours = graph_runner.get(graph, targets)
        ours_calls = sorted(calls)
        calls.clear()
        assert ours == dask.get(graph, targets)
        assert ours_calls == sorted(calls)  # each node once (dask runs them all)

    def broken(*_):
        raise RuntimeError("node failed")

    with pytest.raises(RuntimeError, match="node failed"):
        graph_runner.get({"a": (broken,)}, ["a"])
    with pytest.raises(RuntimeError, match="node failed"):
        dask.get({"a": (broken,)}, ["a"])


def test_the_action_server_receives_the_conversation_as_rasa_would_send_it():
    # bodies posted to the action server are serialised by ujson: the same JSON value as json.dumps gives,
    # over a connection kept between calls
    import asyncio
    import json

    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    state = {"tracker": {"events": [{"event": "user", "text": "my son’s EHCP 😟 <b>£20</b> \\ / \"quoted\"",
                                     "timestamp": 1796028054.6453402, "parse_data": {"confidence": 0.1 + 0.2},
                                     "metadata": None, "tokens": [[0, 2]], "flag": True}]}, "next_action": "action_x"}
    received = []

    peers = []

    async def post() -> None:
        async def handler(request):
            received.append(await request.text())
            peers.append(request.transport.get_extra_info("peername"))
            return web.json_response({"events": [], "responses": []})

        app = web.Application()
        app.router.add_post("/webhook", handler)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        try:
            replies = [await endpoint.request(json=state, method="post") for _ in range(3)]
            await asyncio.sleep(2 * rasa_speedups.KEEPALIVE_SECONDS + 0.5)  # aiohttp checks idle ones each second
            replies.append(await endpoint.request(json=state, method="post"))
        finally:
            await runner.cleanup()
        assert replies == [{"events": [], "responses": []}] * 4

    aio.run(post())
    assert EndpointConfig.session is rasa_speedups._client_session
    assert json.loads(received[0]) == json.loads(json.dumps(state)) == state
    # one connection for the calls in a row (Rasa opened one per call), a new one after it was idle
    assert peers[0] == peers[1] == peers[2] != peers[3]


def test_the_action_server_is_sent_the_latest_ranking_and_cards_only():
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

    def user(text):
        ranking = [{"name": "ask", "confidence": 0.9}, {"name": "greet", "confidence": 0.1}]
        return UserUttered(text, {"name": "ask", "confidence": 0.9}, metadata={"model_id": "m1"},
                           parse_data={"text": text, "intent": {"name": "ask", "confidence": 0.9},
                                       "intent_ranking": ranking, "entities": []})

    def page(first):
        return BotUttered(f"1. Service {first}", {"custom": {"service_cards": {"cards": [{"name": f"S{first}"}],
                                                                              "first_number": first},
                                                             "feedback": "x"}})
    events = [user("speech therapy"), page(1), ActionExecuted("action_listen"), user("show more"), page(2),
              BotUttered("plain"), ActionExecuted("action_listen"), user("is the first free")]
    tracker = DialogueStateTracker.from_events("slim", events, [])
    sent = RemoteAction("action_x", None)._action_call_format(tracker, Domain.empty())
    full = tracker.current_state(EventVerbosity.ALL)["events"]
    posted = sent["tracker"]["events"]
    assert [e.get("parse_data", {}).get("intent_ranking") is not None for e in posted if e["event"] == "user"] \
        == [False, False, True]
    assert [(e["data"]["custom"].get("service_cards") or {}).get("first_number")
            for e in posted if e["event"] == "bot" and e["data"].get("custom")] == [None, 2]
    assert all(e["data"]["custom"]["feedback"] == "x" for e in posted if e["event"] == "bot" and e["data"].get("custom"))
    # the latest message is sent whole; the others lose only the ids Rasa stamps on every event
    assert posted[-1] == full[-1] and full[0]["metadata"] == {"model_id": "m1"}
    assert not any("metadata" in e or "metadata" in e.get("parse_data", {}) for e in posted[:-1])
    assert [{k: v for k, v in e.items() if k not in ("parse_data", "data", "metadata")} for e in posted] \
        == [{k: v for k, v in e.items() if k not in ("parse_data", "data", "metadata")} for e in full]
    assert not any(value is None for e in posted if e["event"] == "bot" for value in e["data"].values())
    assert events[0].parse_data["intent_ranking"] and events[1].data["custom"]["service_cards"]["cards"]
    assert sent["tracker"]["latest_message"]["intent_ranking"]


def test_the_posted_conversation_is_carried_on_and_the_same_as_rasas():
    # each event is turned into JSON once per conversation (addons/posted_events.py): at every step the
    # body is Rasa's (slimmed) and its JSON the same value, through new times, replaced and dropped events
    import json

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    from actions import posted_body
    from addons import posted_events

    def user(text):
        return UserUttered(text, {"name": "ask", "confidence": 0.9}, metadata={"model_id": "m1"},
                           parse_data={"text": text, "intent": {"name": "ask", "confidence": 0.9},
                                       "intent_ranking": [{"name": "ask", "confidence": 0.9}], "entities": []})

    def page(first):
        return BotUttered(f"1. Service {first} 01634 123456", {"custom": {"service_cards": {"first_number": first}}})

    action, domain = RemoteAction("action_x", None), Domain.empty()
    tracker = DialogueStateTracker.from_events("carried", [], [])

    def same() -> dict:
        ours = rasa_speedups._action_call_format(action, tracker, domain)
        rasas = rasa_speedups._rasas_action_call_format(action, tracker, domain)
        assert ours == rasas
        posted = posted_events.serialize(ours)
        assert posted_events.without_mark(json.loads(posted)) == json.loads(json.dumps(rasas))
        # the action server, decoding only the events it was not posted before, gets the same value
        assert posted_body.decode(posted.encode()) == posted_body._whole(posted.encode()) == json.loads(json.dumps(rasas))
        return ours

    steps = [[user("speech therapy")], [page(1), ActionExecuted("action_listen")], [user("more")],
             [page(2), SlotSet("area", "Gillingham")], [ActionExecuted("action_listen"), user("is it free")],
             [BotUttered("plain", {"buttons": None})]]
    for added in steps:
        same()
        tracker.update_with_events(added, None)
    body = same()
    assert type(body["tracker"]["events"]) is posted_events.PostedEvents
    tracker.update_with_events([tracker.events[-1]], None)  # an event logged again gets a new time
    same()
    tracker.events[1] = BotUttered("1. Service 1 [phone number]", tracker.events[1].data)  # the store's redacted copy
    same()
    tracker.events.pop()  # dropped
    tracker.update(SlotSet("area", "Chatham"))
    same()
    posted_events.forget("carried")
    assert "carried" not in posted_events._kept
    same()
    assert posted_events.serialize({"a": [1]}) == '{"a":[1]}'


def test_rasas_debug_line_copies_are_only_made_for_debug_lines():
    # every `copy.deepcopy(...)` in these modules is an argument of a `*.debug(...)` call: skipping the
    # copy when the line is not logged changes nothing else (a new one elsewhere would fail here)
    import ast
    import copy
    import importlib
    import inspect
    import logging

    for name in rasa_speedups.DEBUG_LINE_COPIES:
        module = importlib.import_module(name)
        tree = ast.parse(inspect.getsource(module))
        debug_args = {id(node) for call in ast.walk(tree) if isinstance(call, ast.Call)
                      and isinstance(call.func, ast.Attribute) and call.func.attr == "debug"
                      for argument in [*call.args, *(k.value for k in call.keywords)] for node in ast.walk(argument)}
        copies = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and isinstance(node.func.value, ast.Name) and node.func.value.id == "copy"]
        assert copies and all(id(node) in debug_args for node in copies), name
        assert isinstance(module.copy, rasa_speedups._DebugLineCopies)
        value = {"events": [{"cards": [1, 2]}]}
        assert module.copy.deepcopy(value) is value
        logging.getLogger(name).setLevel(logging.DEBUG)
        try:
            copied = module.copy.deepcopy(value)
            assert copied == value and copied is not value and copied["events"] is not value["events"]
        finally:
            logging.getLogger(name).setLevel(logging.NOTSET)
        assert module.copy.copy is copy.copy


def test_an_empty_domain_is_still_found_empty():
    from rasa.shared.core.domain import Domain

    assert Domain.empty().is_empty() and Domain.from_dict({}).is_empty()
    assert not Domain.from_dict({"intents": ["greet"]}).is_empty()
