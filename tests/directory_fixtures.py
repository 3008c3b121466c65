"""Directory databases for tests: the same tests run on SQLite and on a real PostgreSQL."""
from __future__ import annotations

import os
import uuid
from typing import Iterator

import pytest
from sqlalchemy.engine import Engine

from bot.directory import db, sample, spreadsheet, store
from harness.postgres import Postgres, binaries


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    if binaries() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed; make test runs scripts/system-packages, which installs it")
        pytest.skip("PostgreSQL server binaries not installed (apt-get install postgresql)")
    server = Postgres().start()
    yield server
    server.stop()


def _migrated(request, folder) -> Engine:
    """A new, migrated database of the kind the fixture is parametrized with."""
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'directory.db'}"
    else:
        url = request.getfixturevalue("postgres").create_database(f"t_{uuid.uuid4().hex[:12]}")
    engine = db.make_engine(url)
    db.migrate(engine)
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_directory(request, tmp_path) -> Iterator[Engine]:
    """A freshly migrated, empty directory database of each kind."""
    engine = _migrated(request, tmp_path)
    yield engine
    engine.dispose()


def load_sample(engine: Engine) -> store.Summary:
    records, rejected = spreadsheet.read(sample.default_path())
    return store.apply(engine, records, sample.SOURCE, rejected, sample=True)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def sample_directory(request, tmp_path_factory) -> Iterator[Engine]:
    """The sample directory, loaded once per module into each kind of database (read-only tests)."""
    engine = _migrated(request, tmp_path_factory.mktemp("directory"))
    load_sample(engine)
    yield engine
    engine.dispose()
