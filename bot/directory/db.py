"""Connecting to the directory database and bringing its schema up to date (Alembic)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Optional

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import Engine

from bot import db
from bot.directory import index
from bot.directory.vocabulary import cached
from bot.errors import MedwayError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
URL_VARIABLE = "MEDWAY_DIRECTORY_URL"


def database_url() -> str:
    """The directory's SQLAlchemy URL: $MEDWAY_DIRECTORY_URL, else SQLite in var/directory.db."""
    return db.database_url(URL_VARIABLE, "directory.db")


def make_engine(url: Optional[str] = None) -> Engine:
    """A new engine for `url`, by default `database_url()` (see `bot.db.make_engine`)."""
    return db.make_engine(url or database_url())


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
    date with the vocabulary too (they are derived data: see bot.directory.tags). A database made
    by a development revision that was squashed away is refused with what to do."""
    config = _config(engine)
    current = schema_version(engine)
    try:
        ScriptDirectory.from_config(config).get_revisions(current)
    except CommandError:
        raise MedwayError(f"{engine.url.render_as_string(hide_password=True)}: the directory database is at schema "
                          f"revision {current}, from a development version; delete it (or drop its tables) and "
                          "import the directory again") from None
    command.upgrade(config, revision)
    if revision == "head":
        with engine.begin() as connection:
            index.retag(connection, cached())


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(_config(engine), revision)


def schema_version(engine: Engine) -> Optional[str]:
    """The schema revision the database is at, or None when it has never been migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
