"""Rasa's SQL tracker store, writing conversations with personal details already redacted.

The model reads each message as typed; only what is written to the database passes through
`bot.redaction`: what parents typed, slot values and the assistant's replies. A message's
personal details therefore live only in memory for the turn that handles it (which is how the
volunteer queue receives a contact email that the parent agreed to give), never on disk.

Configured in endpoints.yml as `type: addons.tracker_store.RedactingSQLTrackerStore`, with the
same settings as Rasa's `type: SQL` (dialect, url, port, db, username, password).
"""
from __future__ import annotations

import itertools
import json
from typing import Any, Iterator

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

from addons import history_states, rasa_speedups
from bot.redaction import redact

rasa_speedups.install()  # every Rasa server of this project imports this module (see addons/rasa_speedups.py)

SQLITE_BUSY_SECONDS = 20
"""How long a turn waits for an SQLite database another process has locked (Python's default is 5 s)."""


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_redact_value(v) for v in value]
    return value


def redact_event(data: dict[str, Any]) -> dict[str, Any]:
    """An event's dictionary (as Rasa serialises it) with personal details redacted."""
    data = dict(data)
    kind = data.get("event")
    if kind in ("user", "bot") and isinstance(data.get("text"), str):
        data["text"] = redact(data["text"])
    if kind == "user" and isinstance(data.get("parse_data"), dict):
        parse = dict(data["parse_data"])
        if isinstance(parse.get("text"), str):
            parse["text"] = redact(parse["text"])
        if isinstance(parse.get("entities"), list):
            parse["entities"] = [dict(e, value=_redact_value(e.get("value"))) if isinstance(e, dict) else e
                                 for e in parse["entities"]]
        data["parse_data"] = parse
    if kind == "slot":
        data["value"] = _redact_value(data.get("value"))
    return data


def _sqlite_settings(connection: Any, _record: Any) -> None:
    connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_SECONDS * 1000}")
    # Write-ahead log: a turn's commit appends to the log instead of rewriting pages through a
    # rollback journal, and readers (the insight page, the retention command) never block a turn.
    # synchronous=NORMAL syncs the log at checkpoints, not at every commit: a turn that completed is
    # never lost when a process crashes; a power cut can lose the last turns before a checkpoint.
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")


_SESSION_FILTER = (  # Rasa's _event_query, as SQLAlchemy writes it for one session (the events since its start)
    "FROM {table}, (SELECT max({table}.timestamp) AS session_start FROM {table} "
    "WHERE {table}.sender_id = :sender AND {table}.type_name = :started) AS anon_1 "
    "WHERE {table}.sender_id = :sender AND ({table}.timestamp >= anon_1.session_start OR anon_1.session_start IS NULL)")


class RedactingSQLTrackerStore(SQLTrackerStore):
    """Stores each new event redacted; reading, counting and sessions work as in Rasa's store.

    Adds an index on the event time, which the retention command and the insight page select by.
    On SQLite, a turn waits up to SQLITE_BUSY_SECONDS for a lock held by another process (a
    backup, the retention command) instead of failing and losing the message; the database is in
    WAL mode (`_sqlite_settings`), and connections are kept open between turns (SQLAlchemy 1.4
    opens a new SQLite connection for every read and every write otherwise).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            self.engine.dispose()
            self.engine = create_engine(self.engine.url, poolclass=QueuePool, pool_size=2, max_overflow=8,
                                        connect_args={"check_same_thread": False})
            event.listen(self.engine, "connect", _sqlite_settings)
            self.sessionmaker = sessionmaker(bind=self.engine)
        with self.engine.begin() as connection:
            connection.execute(text("CREATE INDEX IF NOT EXISTS ix_events_timestamp ON events (timestamp)"))

    def _session_sql(self, what: str, all_sessions: bool) -> Any:
        table = self.SQLEvent.__table__.name
        where = f"FROM {table} WHERE {table}.sender_id = :sender" if all_sessions else _SESSION_FILTER.format(table=table)
        return text(f"SELECT {what} {where}" + (f" ORDER BY {table}.id" if what != "count(*)" else ""))

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Any:
        """Rasa's SQLTrackerStore._retrieve, selecting only the events' JSON: the same query, rows and
        order (its SQL as SQLAlchemy writes it, without building the ORM query each time), without an ORM
        object for every row (about 10 µs each, 450 rows at turn 50: most of what reading a
        conversation added as it grew, issue 19)."""
        statement = self._session_sql(f"{self.SQLEvent.__table__.name}.data", fetch_events_from_all_sessions)
        with self.session_scope() as session:
            rows = session.execute(statement, {"sender": sender_id, "started": SessionStarted.type_name})
            events = [json.loads(data) for (data,) in rows]
        if not self.domain or not events:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        history_states.mark_stored(tracker)  # its check of the next message's events is then cheap
        return tracker

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:
        return (new for new, _data in self._redacted_additional_events(session, tracker))

    def _redacted_additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[tuple[Event, dict]]:
        """The events not yet stored (Rasa's count of the session's stored events, as its query counts
        them), each redacted, with its dictionary as Rasa's save writes it."""
        stored = session.execute(self._session_sql("count(*)", False),
                                 {"sender": tracker.sender_id, "started": SessionStarted.type_name}).scalar()
        for new in itertools.islice(tracker.events, stored, len(tracker.events)):
            data = new.as_dict()
            cleaned = redact_event(data)
            if cleaned == data:
                yield new, data
                continue
            history_states.forget(tracker.sender_id)  # personal details: memory keeps nothing the store does not
            new = Event.from_parameters(cleaned)
            yield new, new.as_dict()

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's SQLTrackerStore.save, writing the same rows (redacted) in one INSERT of several rows
        instead of an ORM object each, and each event turned into a dictionary once, not twice."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            rows = [{"sender_id": tracker.sender_id, "type_name": event.type_name, "timestamp": data.get("timestamp"),
                     "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
                     "action_name": data.get("name"), "data": json.dumps(data)}
                    for event, data in self._redacted_additional_events(session, tracker)]
            if rows:
                session.execute(self.SQLEvent.__table__.insert(), rows)
            session.commit()
