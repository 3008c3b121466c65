"""Questions parents leave for a forum volunteer, with their consent: stored redacted, with an optional email.

SQLite in var/volunteer-queue.db by default; any SQLAlchemy URL in $MEDWAY_QUEUE_URL (PostgreSQL
when several action servers run). The assistant adds; the insight page lists and marks done; the
retention command deletes entries older than the retention period, done or not.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Optional

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, delete, func, select, update
from sqlalchemy.engine import Engine

from bot import db
from bot.input_checks import clean
from bot.redaction import redact

URL_VARIABLE = "MEDWAY_QUEUE_URL"
MAX_QUESTION_CHARS = 2000
EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")

_metadata = MetaData()
questions = Table(
    "volunteer_question", _metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("question", Text, nullable=False),
    Column("contact_email", String(254)),
    Column("done_at", DateTime(timezone=True)),
)


@dataclass(frozen=True)
class Entry:
    id: int
    created_at: datetime
    question: str
    contact_email: Optional[str]
    done_at: Optional[datetime]


def database_url() -> str:
    """The queue's SQLAlchemy URL: $MEDWAY_QUEUE_URL, else SQLite in var/volunteer-queue.db."""
    return db.database_url(URL_VARIABLE, "volunteer-queue.db")


def connect(url: Optional[str] = None) -> Engine:
    """An engine with the queue's table created if it is not there yet."""
    engine = db.make_engine(url or database_url())
    _metadata.create_all(engine)
    return engine


@lru_cache(maxsize=4)
def shared(url: Optional[str] = None) -> Engine:
    """One engine per process and URL (the action server adds from many conversations)."""
    return connect(url)


def valid_email(text: str) -> bool:
    return len(text) <= 254 and bool(EMAIL.match(text))


def _utc(value: Optional[datetime]) -> Optional[datetime]:
    """SQLite hands timezone-aware columns back naive; they were written in UTC."""
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


def add(engine: Engine, question: str, contact_email: Optional[str] = None,
        now: Optional[datetime] = None) -> int:
    """Store a question (redacted here, whatever the caller did) and return its number."""
    text = redact(clean(question))[:MAX_QUESTION_CHARS]
    if not text:
        raise ValueError("an empty question cannot be left for a volunteer")
    email = contact_email.strip() if contact_email else None
    if email and not valid_email(email):
        raise ValueError("not an email address")
    with engine.begin() as connection:
        result = connection.execute(questions.insert().values(
            created_at=now or datetime.now(timezone.utc), question=text, contact_email=email))
        return int(result.inserted_primary_key[0])


def listed(engine: Engine, include_done: bool = False, limit: int = 200) -> list[Entry]:
    """Open questions, newest first (then the most recently done, when asked).

    Newest first so that a flood of junk cannot push a new real question out of the first `limit`.
    """
    query = (select(questions)
             .order_by(questions.c.done_at.is_not(None), questions.c.done_at.desc(),
                       questions.c.created_at.desc(), questions.c.id.desc())
             .limit(limit))
    if not include_done:
        query = query.where(questions.c.done_at.is_(None))
    with engine.connect() as connection:
        return [Entry(r.id, _utc(r.created_at), r.question, r.contact_email, _utc(r.done_at))
                for r in connection.execute(query)]


def open_count(engine: Engine) -> int:
    """How many questions are waiting, however many `listed` shows."""
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(questions)
                                  .where(questions.c.done_at.is_(None))).scalar_one()


def mark_done(engine: Engine, number: int, now: Optional[datetime] = None) -> bool:
    """Mark one question answered; False when there is no such open question."""
    with engine.begin() as connection:
        result = connection.execute(update(questions)
                                    .where(questions.c.id == number, questions.c.done_at.is_(None))
                                    .values(done_at=now or datetime.now(timezone.utc)))
        return result.rowcount == 1


def forget(engine: Engine, days: int, now: Optional[datetime] = None, dry_run: bool = False) -> int:
    """Delete questions left more than `days` days ago; the number deleted (or that would be)."""
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=days)
    old = questions.c.created_at < cutoff
    with engine.begin() as connection:
        if dry_run:
            return connection.execute(select(func.count()).select_from(questions).where(old)).scalar_one()
        return connection.execute(delete(questions).where(old)).rowcount
