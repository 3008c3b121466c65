"""The stored conversations: where Rasa's tracker store is, reading its events, forgetting old ones.

Rasa writes one row per event in an `events` table (see `addons.tracker_store`); this module
only reads that table and deletes from it, so it works on SQLite and PostgreSQL alike.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator, Optional

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, delete, func, inspect, select
from sqlalchemy.engine import URL, Engine, make_url

from bot import db, yamlfile
from bot.paths import PROJECT_ROOT

URL_VARIABLE = "MEDWAY_TRACKER_URL"
RETENTION_VARIABLE = "MEDWAY_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 90

_metadata = MetaData()
events = Table(
    "events", _metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


def _from_endpoints(path: Path) -> Optional[str]:
    store = (yamlfile.load(path) or {}).get("tracker_store") or {}
    dialect = str(store.get("dialect") or "sqlite")
    if dialect == "sqlite":
        path = Path(str(store.get("db") or "rasa.db"))
        return db.sqlite_url(path if path.is_absolute() else PROJECT_ROOT / path)
    drivers = {"postgresql": "postgresql+psycopg2"}
    return str(URL.create(drivers.get(dialect, dialect), username=store.get("username"),
                          password=store.get("password"), host=store.get("url"),
                          port=int(store["port"]) if store.get("port") else None, database=store.get("db")))


def database_url(endpoints: Optional[Path] = None) -> str:
    """The tracker store's SQLAlchemy URL: $MEDWAY_TRACKER_URL, else what endpoints.yml configures."""
    return (os.environ.get(URL_VARIABLE) or _from_endpoints(endpoints or PROJECT_ROOT / "endpoints.yml")
            or db.sqlite_url(PROJECT_ROOT / "var" / "tracker.db"))


def connect(url: Optional[str] = None) -> Engine:
    return db.make_engine(url or database_url())


def retention_days() -> int:
    """How long conversations are kept: $MEDWAY_RETENTION_DAYS, default 90.

    Raises ValueError when the variable is set to anything but a whole number of days ("30d",
    "thirty"), rather than quietly keeping conversations for the default period instead.
    """
    value = os.environ.get(RETENTION_VARIABLE, "").strip()
    if not value:
        return DEFAULT_RETENTION_DAYS
    if not value.isdecimal() or not value.isascii():
        raise ValueError(f"${RETENTION_VARIABLE} is {value!r}: it must be a whole number of days, "
                         f"such as 30 (unset, it is {DEFAULT_RETENTION_DAYS}).")
    return int(value)


def _has_events(engine: Engine) -> bool:
    return inspect(engine).has_table("events")


@dataclass(frozen=True)
class StoredEvent:
    sender_id: str
    type_name: str
    timestamp: float
    intent_name: Optional[str]
    action_name: Optional[str]
    data: dict[str, Any]


def read(engine: Engine, start: datetime, end: datetime) -> Iterator[StoredEvent]:
    """Every event from `start` (inclusive) to `end` (exclusive), conversation by conversation, in order."""
    if not _has_events(engine):
        return
    query = (select(events.c.sender_id, events.c.type_name, events.c.timestamp, events.c.intent_name,
                    events.c.action_name, events.c.data)
             .where(events.c.timestamp >= start.timestamp(), events.c.timestamp < end.timestamp())
             .order_by(events.c.sender_id, events.c.id))
    with engine.connect() as connection:
        for row in connection.execute(query).yield_per(2000):
            try:
                data = json.loads(row.data or "{}")
            except ValueError:
                data = {}
            yield StoredEvent(row.sender_id, row.type_name, row.timestamp or 0.0, row.intent_name,
                              row.action_name, data if isinstance(data, dict) else {})


@dataclass(frozen=True)
class Forgotten:
    events: int
    conversations: int
    cutoff: datetime


def forget(engine: Engine, days: int, now: Optional[datetime] = None, dry_run: bool = False) -> Forgotten:
    """Delete every event older than `days` days; a conversation left with no event is gone entirely."""
    if days < 1:
        raise ValueError("the retention period must be at least one day")
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=days)
    if not _has_events(engine):
        return Forgotten(0, 0, cutoff)
    old = events.c.timestamp < cutoff.timestamp()
    with engine.begin() as connection:
        count = connection.execute(select(func.count()).where(old)).scalar_one()
        kept = select(events.c.sender_id).where(events.c.timestamp >= cutoff.timestamp())
        gone = connection.execute(select(func.count(func.distinct(events.c.sender_id)))
                                  .where(old, events.c.sender_id.not_in(kept))).scalar_one()
        if not dry_run:
            connection.execute(delete(events).where(old))
    return Forgotten(count, gone, cutoff)


def describe(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)
