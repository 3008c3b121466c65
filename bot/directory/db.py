"""Connecting to the directory database and bringing its schema up to date (Alembic)."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Optional

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from bot.directory import index
from bot.directory.vocabulary import cached
from bot.paths import PROJECT_ROOT

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
URL_VARIABLE = "MEDWAY_DIRECTORY_URL"


def database_url() -> str:
    """The directory's SQLAlchemy URL: $MEDWAY_DIRECTORY_URL, else SQLite in var/directory.db."""
    return os.environ.get(URL_VARIABLE) or f"sqlite:///{PROJECT_ROOT / 'var' / 'directory.db'}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (the action server) never wait for an import
    # Up to 64 MB of pages per connection (SQLite's default is 2 MB): an import writes keys in
    # random order into indexes far larger than that, and searches reread the same index pages.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def make_engine(url: Optional[str] = None) -> Engine:
    """A new engine for `url` (default: `database_url()`), with SQLite set up for safe concurrent reads."""
    url = url or database_url()
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


@lru_cache(maxsize=4)
def shared_engine(url: Optional[str] = None) -> Engine:
    """One engine (and connection pool) per process and URL."""
    return make_engine(url)


def _config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema to `revision` (idempotent); at head, bring the search tags up to
    date with the vocabulary too (they are derived data: see bot.directory.tags)."""
    command.upgrade(_config(engine), revision)
    if revision == "head":
        with engine.begin() as connection:
            index.retag(connection, cached())


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(_config(engine), revision)


def schema_version(engine: Engine) -> Optional[str]:
    """The schema revision the database is at, or None when it has never been migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
