"""Rasa's SQL tracker store, writing conversations with personal details already redacted.

The model reads each message as typed; only what is written to the database passes through
`bot.redaction`: what parents typed, slot values and the assistant's replies. A message's
personal details therefore live only in memory for the turn that handles it (which is how the
volunteer queue receives a contact email that the parent agreed to give), never on disk.

Configured in endpoints.yml as `type: addons.tracker_store.RedactingSQLTrackerStore`, with the
same settings as Rasa's `type: SQL` (dialect, url, port, db, username, password).
"""
from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from typing import Any, Iterator, Optional

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import BotUttered, Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

from addons import history_states, posted_events, rasa_speedups
from bot.redaction import redact

rasa_speedups.install()  # every Rasa server of this project imports this module (see addons/rasa_speedups.py)

SQLITE_BUSY_SECONDS = 20
"""How long a turn waits for an SQLite database another process has locked (Python's default is 5 s)."""
KEPT_CONVERSATIONS = 256
"""Conversations whose tracker is kept in memory between turns (the least recently saved is dropped)."""


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_redact_value(v) for v in value]
    return value


def _directory_cards(data: dict[str, Any]) -> bool:
    """Whether the event is the assistant's message of search results: its text is the services' cards,
    all from the published directory (names, phone numbers, addresses of services, not of a family),
    so it is stored as shown, for a volunteer reading the conversation, and not redacted at each search."""
    custom = (data.get("data") or {}).get("custom") if data.get("event") == "bot" else None
    return isinstance(custom, dict) and "service_cards" in custom


def redact_event(data: dict[str, Any]) -> dict[str, Any]:
    """An event's dictionary (as Rasa serialises it) with personal details redacted."""
    data = dict(data)
    kind = data.get("event")
    if kind in ("user", "bot") and isinstance(data.get("text"), str) and not _directory_cards(data):
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

    Between turns the tracker a turn saved is kept in memory, and the next turn gets it back instead
    of rebuilding it from every stored event (issue 19: rebuilding took 2.6 ms at turn 1 and 10 ms at
    turn 50). It is handed back only when the store still holds exactly what it was saved as (the same
    number of the conversation's rows and the same last row: another replica's turn, a retention run or
    a deleted conversation makes it read afresh), and handed out once: a turn that fails before it saves
    leaves nothing behind. Kept only when the saved turn needed no redaction and started no new session,
    so memory never holds more than the store does. `MEDWAY_KEEP_TRACKERS=0` turns it off;
    `MEDWAY_CHECK_KEPT_TRACKERS=1` also reads the store and fails loudly if the two differ.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            self.engine.dispose()
            self.engine = create_engine(self.engine.url, poolclass=QueuePool, pool_size=2, max_overflow=8,
                                        connect_args={"check_same_thread": False})
            event.listen(self.engine, "connect", _sqlite_settings)
            self.sessionmaker = sessionmaker(bind=self.engine)
        self._kept: "OrderedDict[str, tuple[DialogueStateTracker, Any, tuple]]" = OrderedDict()
        self._kept_lock = threading.Lock()
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
        with self.session_scope() as session:
            if not fetch_events_from_all_sessions:
                kept = self._kept_tracker(session, sender_id)
                if kept is not None:
                    return kept
            events = self._stored_events(session, sender_id, fetch_events_from_all_sessions)
        if not self.domain or not events:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        tracker._medway_one_session = not fetch_events_from_all_sessions  # what `_keep` may keep
        history_states.mark_stored(tracker)  # its check of the next message's events is then cheap
        return tracker

    def _stored_events(self, session: Any, sender_id: str, all_sessions: bool) -> list[dict]:
        rows = session.execute(self._session_sql(f"{self.SQLEvent.__table__.name}.data", all_sessions),
                               {"sender": sender_id, "started": SessionStarted.type_name})
        return [json.loads(data) for (data,) in rows]

    def _stored_mark(self, session: Any, sender_id: str) -> tuple:
        """What a kept tracker is checked against: the conversation's stored rows and its last row."""
        table = self.SQLEvent.__table__.name
        return tuple(session.execute(text(f"SELECT count(*), max(id) FROM {table} WHERE sender_id = :sender"),
                                     {"sender": sender_id}).one())

    def _kept_tracker(self, session: Any, sender_id: str) -> Optional[DialogueStateTracker]:
        with self._kept_lock:
            tracker, domain, mark = self._kept.pop(sender_id, (None, None, None))
        if tracker is None or domain is not self.domain or mark != self._stored_mark(session, sender_id):
            return None
        if os.environ.get("MEDWAY_CHECK_KEPT_TRACKERS") == "1":
            stored = DialogueStateTracker.from_dict(sender_id, self._stored_events(session, sender_id, False),
                                                    self.domain.slots)
            state = [json.loads(json.dumps(t.current_state(EventVerbosity.ALL))) for t in (stored, tracker)]
            if state[0] != state[1]:  # as JSON: a tuple kept in memory is a list when read back
                raise AssertionError(f"the kept tracker of {sender_id!r} differs from the stored conversation")
        history_states.mark_stored(tracker)
        return tracker

    def _keep(self, session: Any, tracker: DialogueStateTracker, new: list[Event]) -> None:
        """Keep the tracker just saved for the conversation's next turn, if it is exactly what `_retrieve`
        would read: one session's events, read by `_retrieve`, none redacted, no new session begun."""
        sender_id = tracker.sender_id
        with self._kept_lock:
            self._kept.pop(sender_id, None)
        if (not getattr(tracker, "_medway_one_session", False) or self.domain is None
                or any(isinstance(event, SessionStarted) for event in new)
                or os.environ.get("MEDWAY_KEEP_TRACKERS") == "0"):
            return
        mark = self._stored_mark(session, sender_id)
        with self._kept_lock:
            self._kept[sender_id] = (tracker, self.domain, mark)
            while len(self._kept) > KEPT_CONVERSATIONS:
                self._kept.popitem(last=False)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:
        return (new for new, _data in self._redacted_additional_events(session, tracker))

    def _redacted_additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[tuple[Event, dict]]:
        """The events not yet stored (Rasa's count of the session's stored events, as its query counts
        them), each redacted, with its dictionary as Rasa's save writes it."""
        stored = session.execute(self._session_sql("count(*)", False),
                                 {"sender": tracker.sender_id, "started": SessionStarted.type_name}).scalar()
        for index in range(stored, len(tracker.events)):
            new = tracker.events[index]
            data = new.as_dict()
            cleaned = redact_event(data)
            if cleaned == data:
                yield new, data
                continue
            history_states.forget(tracker.sender_id)  # personal details: memory keeps nothing the store does not
            posted_events.forget(tracker.sender_id)
            new = Event.from_parameters(cleaned)
            if isinstance(new, BotUttered):
                # The assistant's own message (a service's phone number in the search results): the
                # tracker holds it redacted too, as the store does, and can still be kept (`_keep`);
                # a message changes no other state of the tracker.
                tracker.events[index] = new
            else:
                tracker._medway_one_session = False  # nor is this tracker kept (`_keep`)
            yield new, new.as_dict()

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's SQLTrackerStore.save, writing the same rows (redacted) in one INSERT of several rows
        instead of an ORM object each, and each event turned into a dictionary once, not twice."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            new = list(self._redacted_additional_events(session, tracker))
            rows = [{"sender_id": tracker.sender_id, "type_name": event.type_name, "timestamp": data.get("timestamp"),
                     "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
                     "action_name": data.get("name"), "data": json.dumps(data)}
                    for event, data in new]
            if rows:
                session.execute(self.SQLEvent.__table__.insert(), rows)
            self._keep(session, tracker, [event for event, _data in new])
            session.commit()
