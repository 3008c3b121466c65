"""addons/rasa_speedups.py and the tracker store's SQLite settings: faster, and the same answers as Rasa's own."""
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
