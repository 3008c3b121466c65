"""Writing rows with plain SQLAlchemy Core: one statement for many rows (the driver's
executemany; psycopg2 sends them a thousand to a statement), on the caller's connection and
inside its transaction."""
from __future__ import annotations

from typing import Any, Sequence

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.sql.schema import Table

Row = dict[str, Any]


def _complete(table: Table, rows: Sequence[Row]) -> tuple[list[str], list[Row]]:
    """The columns any row gives, and every row with all of them (missing: NULL), as executemany
    needs; a column no row gives (such as an autoincrementing key) is left to the database."""
    given = set().union(*rows)
    names = [c.name for c in table.columns if c.name in given]
    return names, [{name: row.get(name) for name in names} for row in rows]


def insert(connection: Connection, table: Table, rows: Sequence[Row]) -> None:
    """Insert rows (dicts keyed by column name)."""
    if rows:
        connection.execute(table.insert(), _complete(table, rows)[1])


def upsert(connection: Connection, table: Table, rows: Sequence[Row]) -> None:
    """Insert rows, replacing any with the same primary key."""
    if not rows:
        return
    names, values = _complete(table, rows)
    statement = (postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert)(table)
    keys = [c.name for c in table.primary_key.columns]
    changes = {name: statement.excluded[name] for name in names if name not in keys}
    statement = (statement.on_conflict_do_update(index_elements=keys, set_=changes) if changes
                 else statement.on_conflict_do_nothing(index_elements=keys))
    connection.execute(statement, values)
