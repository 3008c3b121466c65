"""Stored conversations: redacted on the way into Rasa's SQL tracker store, and forgotten after the retention period."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import func, inspect, select
from sqlalchemy.engine import make_url

from addons.tracker_store import RedactingSQLTrackerStore, redact_event
from bot import aio, conversations
from harness.assistant import ROOT

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)
DOMAIN = Domain.from_yaml('version: "3.1"\nslots:\n  note:\n    type: any\n    mappings:\n    - type: custom\n')


@pytest.fixture(params=["sqlite", "postgresql"])
def tracker_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tracker.db'}"
    return request.getfixturevalue("postgres").create_database(f"t_{uuid.uuid4().hex[:12]}")


def _store(url: str) -> RedactingSQLTrackerStore:
    parts = make_url(url)
    if parts.drivername.startswith("sqlite"):
        return RedactingSQLTrackerStore(DOMAIN, dialect="sqlite", db=parts.database)
    return RedactingSQLTrackerStore(DOMAIN, dialect="postgresql", host=parts.host, port=parts.port,
                                    db=parts.database, username=parts.username)


def _conversation(sender: str, when: datetime, text: str = "hello") -> DialogueStateTracker:
    t = when.timestamp()
    return DialogueStateTracker.from_events(sender, [
        ActionExecuted("action_listen", timestamp=t),
        UserUttered(text, intent={"name": "greet", "confidence": 0.9},
                    parse_data={"text": text, "intent": {"name": "greet", "confidence": 0.9}, "entities": []},
                    timestamp=t + 1),
        SlotSet("note", f"note: {text}", timestamp=t + 2),
        BotUttered("Hello.", timestamp=t + 3),
        ActionExecuted("action_listen", timestamp=t + 4),
    ], slots=DOMAIN.slots)


def _save(url: str, *trackers: DialogueStateTracker) -> None:
    store = _store(url)
    for tracker in trackers:
        aio.run(store.save(tracker))
    store.engine.dispose()


def _stored_text(url: str) -> str:
    engine = conversations.connect(url)
    with engine.connect() as connection:
        rows = connection.execute(select(conversations.events.c.data)).scalars().all()
    engine.dispose()
    return "\n".join(rows)


def test_an_event_dictionary_is_redacted_where_people_type():
    user = redact_event({"event": "user", "text": "I'm jo@example.com", "parse_data": {
        "text": "I'm jo@example.com", "entities": [{"entity": "place", "value": "ME7 1AB"}]}})
    assert user["text"] == user["parse_data"]["text"] == "I'm [email]"
    assert user["parse_data"]["entities"][0]["value"] == "ME7 [postcode]"
    assert redact_event({"event": "slot", "name": "x", "value": ["07700 900123", 4]})["value"] == ["[phone]", 4]
    assert redact_event({"event": "action", "name": "action_listen"}) == {"event": "action", "name": "action_listen"}


def test_personal_details_never_reach_the_tracker_store_and_the_conversation_still_loads(tracker_url):
    said = "My son is called Oliver Smith, email me at jo.smith@example.com or ring 07700 900123, we live at ME7 1AB"
    _save(tracker_url, _conversation("parent-1", NOW, said))
    stored = _stored_text(tracker_url)
    for detail in ("Oliver", "jo.smith@example.com", "07700 900123", "1AB"):
        assert detail not in stored
    assert "[name]" in stored and "[email]" in stored and "[phone]" in stored and "ME7 [postcode]" in stored

    store = _store(tracker_url)
    tracker = aio.run(store.retrieve("parent-1"))
    assert tracker.latest_message.text.startswith("My son is called [name]")
    assert tracker.get_slot("note").startswith("note: My son is called [name]")
    assert tracker.latest_message.intent["name"] == "greet"
    # Saving the reloaded tracker again adds nothing: Rasa's own count of stored events still works.
    aio.run(store.save(tracker))
    engine = conversations.connect(tracker_url)
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(conversations.events)).scalar_one() == 5
    engine.dispose()


def test_retention_deletes_only_what_is_older_than_the_period(tracker_url):
    _save(tracker_url,
          _conversation("old", NOW - timedelta(days=120)),
          _conversation("recent", NOW - timedelta(days=10)),
          _conversation("edge", NOW - timedelta(days=89, hours=23)))
    came_back = _conversation("both", NOW - timedelta(days=95))  # and came back yesterday
    came_back.update_with_events(list(_conversation("both", NOW - timedelta(days=1)).events), DOMAIN)
    _save(tracker_url, came_back)
    engine = conversations.connect(tracker_url)

    preview = conversations.forget(engine, 90, now=NOW, dry_run=True)
    assert (preview.events, preview.conversations) == (10, 1)
    result = conversations.forget(engine, 90, now=NOW)
    assert (result.events, result.conversations) == (10, 1)

    with engine.connect() as connection:
        rows = connection.execute(select(conversations.events.c.sender_id, conversations.events.c.timestamp)).all()
    assert {sender for sender, _ in rows} == {"recent", "both", "edge"}
    assert min(ts for _, ts in rows) >= (NOW - timedelta(days=90)).timestamp()
    assert len(rows) == 15
    assert conversations.forget(engine, 90, now=NOW).events == 0  # a second run finds nothing
    engine.dispose()


def test_retention_needs_a_period_of_at_least_a_day_and_copes_with_an_empty_store(tmp_path):
    engine = conversations.connect(f"sqlite:///{tmp_path / 'none.db'}")
    assert conversations.forget(engine, 90).events == 0
    with pytest.raises(ValueError):
        conversations.forget(engine, 0)


def test_the_retention_command_a_scheduler_runs(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    _save(url, _conversation("old", datetime.now(timezone.utc) - timedelta(days=40)),
          _conversation("new", datetime.now(timezone.utc)))
    queue = f"sqlite:///{tmp_path / 'queue.db'}"
    run = subprocess.run([sys.executable, "-m", "bot", "conversations", "forget", "--database", url,
                          "--queue-database", queue],
                         cwd=ROOT, capture_output=True, text=True, env=dict(os.environ, MEDWAY_RETENTION_DAYS="30"))
    assert run.returncode == 0, run.stderr
    assert "deleted 5 event(s)" in run.stdout and "(30 days)" in run.stdout
    assert "Questions left for volunteers: deleted 0." in run.stdout
    refused = subprocess.run([sys.executable, "-m", "bot", "conversations", "forget", "--database", url,
                              "--queue-database", queue, "--days", "0"],
                             cwd=ROOT, capture_output=True, text=True)
    assert refused.returncode == 2 and "at least one day" in refused.stderr


def test_the_tracker_store_url_comes_from_endpoints_yml(monkeypatch, tmp_path):
    monkeypatch.delenv(conversations.URL_VARIABLE, raising=False)
    assert conversations.database_url() == f"sqlite:///{ROOT / 'var' / 'tracker.db'}"
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text("tracker_store:\n  type: addons.tracker_store.RedactingSQLTrackerStore\n  dialect: postgresql\n"
                         "  url: db.example.org\n  port: 5433\n  db: rasa\n  username: bot\n  password: secret\n")
    assert conversations.database_url(endpoints) == "postgresql+psycopg2://bot:secret@db.example.org:5433/rasa"
    monkeypatch.setenv(conversations.URL_VARIABLE, "sqlite:///elsewhere.db")
    assert conversations.database_url(endpoints) == "sqlite:///elsewhere.db"


def test_what_parents_type_is_stored_redacted_by_the_running_assistant(assistant):
    chat = assistant.chat()
    chat.say("hello, my daughter is called Amelia and my number is 07700 900456")
    stored = _stored_text(f"sqlite:///{assistant.workdir / 'tracker.db'}")
    assert "Amelia" not in stored and "07700 900456" not in stored
    assert "my daughter is called [name]" in stored


def test_the_store_indexes_event_times_for_retention_and_insight(tracker_url):
    _save(tracker_url, _conversation("parent", NOW))
    _store(tracker_url).engine.dispose()  # a second start finds the index already there
    engine = conversations.connect(tracker_url)
    assert "ix_events_timestamp" in {i["name"] for i in inspect(engine).get_indexes("events")}
    engine.dispose()


@pytest.mark.parametrize("period", ["30d", "thirty", "-5", "1.5", "３０"])
def test_a_retention_period_that_is_not_a_number_of_days_stops_the_command(tmp_path, period):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    _save(url, _conversation("old", datetime.now(timezone.utc) - timedelta(days=40)))
    run = subprocess.run([sys.executable, "-m", "bot", "conversations", "forget", "--database", url,
                          "--queue-database", f"sqlite:///{tmp_path / 'queue.db'}"],
                         cwd=ROOT, capture_output=True, text=True, env=dict(os.environ, MEDWAY_RETENTION_DAYS=period))
    assert run.returncode == 2
    assert "MEDWAY_RETENTION_DAYS" in run.stderr and "whole number of days" in run.stderr
    assert "Traceback" not in run.stderr and "deleted" not in run.stdout


def test_rows_written_and_read_are_rasas_own(tracker_url, tmp_path, request):
    # addons/tracker_store.py writes with one INSERT and reads and counts with Rasa's SQL written out:
    # the same rows (redacted) as Rasa's SQLTrackerStore writes, and the same events read back, across
    # turns, a new session and a second conversation
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import SessionStarted

    ours = _store(tracker_url)
    if tracker_url.startswith("sqlite"):
        theirs = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "rasa.db"))
    else:
        parts = make_url(request.getfixturevalue("postgres").create_database(f"r_{uuid.uuid4().hex[:12]}"))
        theirs = SQLTrackerStore(DOMAIN, dialect="postgresql", host=parts.host, port=parts.port,
                                 db=parts.database, username=parts.username)
    trackers = {store: {sender: _conversation(sender, NOW, "hi, I'm on 07700 900123") for sender in ("a", "b")}
                for store in (ours, theirs)}
    later = [[UserUttered("what is an ehcp", intent={"name": "faq", "confidence": 0.8},
                          parse_data={"text": "what is an ehcp", "intent": {"name": "faq", "confidence": 0.8},
                                      "entities": []}, timestamp=NOW.timestamp() + 10 * n + 1),
              BotUttered("An EHC plan...", timestamp=NOW.timestamp() + 10 * n + 2)] for n in range(1, 4)]
    later[1][:0] = [ActionExecuted("action_session_start", timestamp=NOW.timestamp() + 19),
                    SessionStarted(timestamp=NOW.timestamp() + 19.5)]
    for store, by_sender in trackers.items():
        for sender, tracker in by_sender.items():
            aio.run(store.save(tracker))
            for turn in later:
                tracker = aio.run(store.retrieve(sender))
                for event in turn:
                    tracker.update(event)
                aio.run(store.save(tracker))
                aio.run(store.save(tracker))  # again: nothing new to write

    def rows(store) -> list:
        with store.engine.connect() as connection:
            return [tuple(row) for row in connection.execute(select(
                *[c for c in store.SQLEvent.__table__.c if c.name != "id"]).order_by(store.SQLEvent.__table__.c.id))]

    assert rows(ours) == [row[:-1] + (row[-1].replace("07700 900123", "[phone]"),) for row in rows(theirs)]
    assert len(rows(ours)) > 2 * (5 + 2 + 4 + 2)
    for sender in ("a", "b"):
        for everything in (False, True):
            ours_read = aio.run(ours._retrieve(sender, everything))
            theirs_read = aio.run(theirs._retrieve(sender, everything))
            assert [e.as_dict() for e in ours_read.events] == [
                {k: (v.replace("07700 900123", "[phone]") if isinstance(v, str) else v) for k, v in e.as_dict().items()}
                if e.as_dict().get("event") != "user" else _redacted(e) for e in theirs_read.events]
    assert aio.run(ours.retrieve("nobody")) is None
    for store in (ours, theirs):
        store.engine.dispose()


def _redacted(event) -> dict:
    return redact_event(event.as_dict())


def _turn(tracker: DialogueStateTracker, n: int, text: str = "what is an ehcp") -> None:
    t = NOW.timestamp() + 10 * n
    for event in (UserUttered(text, intent={"name": "faq", "confidence": 0.8},
                              parse_data={"text": text, "intent": {"name": "faq", "confidence": 0.8}, "entities": []},
                              timestamp=t + 1),
                  BotUttered("An EHC plan...", timestamp=t + 2), ActionExecuted("action_listen", timestamp=t + 3)):
        tracker.update(event)


def _fresh(store: RedactingSQLTrackerStore, sender: str) -> list[dict]:
    """The conversation as the store holds it (read with nothing kept)."""
    with store._kept_lock:
        store._kept.clear()
    return [e.as_dict() for e in aio.run(store._retrieve(sender, False)).events]


def test_a_saved_tracker_is_kept_for_the_next_turn_only_while_the_store_holds_exactly_it(tracker_url, monkeypatch):
    # issue 19: the next turn gets the tracker its turn saved instead of rebuilding it from every stored event
    monkeypatch.setenv("MEDWAY_CHECK_KEPT_TRACKERS", "1")  # and each time it is handed back, it equals a fresh read
    ours, other_replica = _store(tracker_url), _store(tracker_url)
    _save(tracker_url, _conversation("parent", NOW))
    tracker = aio.run(ours.retrieve("parent"))
    _turn(tracker, 1)
    aio.run(ours.save(tracker))
    kept = aio.run(ours.retrieve("parent"))
    assert kept is tracker

    # handed out once: a turn that fails before it saves leaves nothing changed behind
    _turn(kept, 2, "this turn is never saved")
    again = aio.run(ours.retrieve("parent"))
    assert again is not kept and "this turn is never saved" not in str([e.as_dict() for e in again.events])

    # another replica answers a turn: the kept tracker is stale, so it is read afresh
    _turn(again, 3)
    aio.run(ours.save(again))
    theirs = aio.run(other_replica.retrieve("parent"))
    _turn(theirs, 4, "asked through the other replica")
    aio.run(other_replica.save(theirs))
    read = aio.run(ours.retrieve("parent"))
    assert read is not again and read.latest_message.text == "asked through the other replica"

    # a turn with personal details is stored redacted, and memory does not keep the unredacted tracker
    _turn(read, 5, "ring me on 07700 900123")
    aio.run(ours.save(read))
    after = aio.run(ours.retrieve("parent"))
    assert after is not read and after.latest_message.text == "ring me on [phone]"

    # the assistant's own message with a phone number (a service's, in the search results) is stored
    # redacted; memory keeps the same redacted message, so the tracker is still kept (and equals a fresh read)
    _turn(after, 6)
    after.update(BotUttered("Speech drop-in: phone 01632 960125", timestamp=NOW.timestamp() + 70))
    aio.run(ours.save(after))
    kept = aio.run(ours.retrieve("parent"))
    assert kept is after and kept.events[-1].text == "Speech drop-in: phone [phone]"
    # the page of search results is the published directory's cards (a service's number, not a family's):
    # stored as the parent saw it, so a volunteer reading the conversation sees what was offered
    kept.update(BotUttered("1. Speech drop-in. Phone: 01632 960125", data={"custom": {"service_cards": {"cards": []}}},
                           timestamp=NOW.timestamp() + 71))
    aio.run(ours.save(kept))
    assert _fresh(ours, "parent")[-1]["text"] == "1. Speech drop-in. Phone: 01632 960125"
    after = aio.run(ours.retrieve("parent"))

    # the retention command deletes rows: what was kept no longer matches, so it is not handed back
    _turn(after, 6)
    aio.run(ours.save(after))
    engine = conversations.connect(tracker_url)
    with engine.begin() as connection:
        first = connection.execute(select(func.min(conversations.events.c.id))).scalar_one()
        connection.execute(conversations.events.delete().where(conversations.events.c.id == first))
    engine.dispose()
    assert aio.run(ours.retrieve("parent")) is not after
    for store in (ours, other_replica):
        store.engine.dispose()


def test_a_new_session_is_not_kept_and_kept_trackers_are_what_a_fresh_read_gives(tracker_url, monkeypatch):
    from rasa.shared.core.events import SessionStarted

    monkeypatch.setenv("MEDWAY_CHECK_KEPT_TRACKERS", "1")
    store = _store(tracker_url)
    _save(tracker_url, _conversation("parent", NOW))
    for n in range(1, 6):
        tracker = aio.run(store.retrieve("parent"))
        if n == 3:  # the session expired: Rasa starts a new one in the tracker it read
            tracker.update(ActionExecuted("action_session_start", timestamp=NOW.timestamp() + 10 * n))
            tracker.update(SessionStarted(timestamp=NOW.timestamp() + 10 * n + 0.5))
        _turn(tracker, n)
        aio.run(store.save(tracker))
        kept = "parent" in store._kept
        assert kept == (n != 3)
        if kept:
            assert [e.as_dict() for e in tracker.events] == _fresh(store, "parent")
    monkeypatch.setenv("MEDWAY_KEEP_TRACKERS", "0")
    tracker = aio.run(store.retrieve("parent"))
    _turn(tracker, 7)
    aio.run(store.save(tracker))
    assert "parent" not in store._kept
    store.engine.dispose()
