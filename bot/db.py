"""Engines and URLs for the assistant's databases (the directory, the volunteer queue and the stored
conversations): SQLite files in var/ by default, any SQLAlchemy URL from an environment variable."""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from bot.paths import PROJECT_ROOT


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def database_url(variable: str, default_file: str) -> str:
    """$`variable` when set, else SQLite in var/`default_file`."""
    return os.environ.get(variable) or sqlite_url(PROJECT_ROOT / "var" / default_file)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (the action server) never wait for a writer
    # Up to 64 MB of pages per connection (SQLite's default is 2 MB): an import writes keys in
    # random order into indexes far larger than that, and searches reread the same index pages.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def make_engine(url: str) -> Engine:
    """A new engine for `url`, with SQLite set up for safe concurrent reads."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, future=True, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # psycopg2 sends many rows in one statement this way: imports are several times faster.
    return create_engine(url, future=True, pool_pre_ping=True, pool_size=5, max_overflow=5,
                         executemany_mode="values_plus_batch")
