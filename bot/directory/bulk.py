"""Writing rows with plain SQLAlchemy Core: one statement for many rows (the driver's
executemany; psycopg2 sends them a thousand to a statement). Everything runs on the caller's
connection, inside its transaction."""
from __future__ import annotations

from typing import Any, Sequence

from sqlalchemy import Integer
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.sql.schema import Table

Row = dict[str, Any]


def _columns(table: Table, rows: Sequence[Row]) -> list[str]:
    """The table's columns, less an autoincrementing key the rows do not give."""
    keys = list(table.primary_key.columns)
    generated = keys[0].name if len(keys) == 1 and isinstance(keys[0].type, Integer) else None
    return [c.name for c in table.columns if c.name != generated or any(row.get(generated) is not None for row in rows)]


def _complete(table: Table, rows: Sequence[Row]) -> tuple[list[str], list[Row]]:
    """Every row with the same keys (a missing value is NULL), as executemany needs."""
    names = _columns(table, rows)
    return names, [{name: row.get(name) for name in names} for row in rows]


def insert(connection: Connection, table: Table, rows: Sequence[Row]) -> None:
    """Insert rows (dicts keyed by column name; missing keys are NULL)."""
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


class Writer:
    """Writes to one connection, in the order given, inside its transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.dialect = connection.dialect

    def insert(self, table: Table, rows: Sequence[Row]) -> None:
        insert(self.connection, table, rows)

    def upsert(self, table: Table, rows: Sequence[Row]) -> None:
        upsert(self.connection, table, rows)

    def execute(self, statement: Any, parameters: Any = None) -> None:
        self.connection.execute(statement, parameters)

    def __enter__(self) -> "Writer":
        return self

    def __exit__(self, *exc: Any) -> None:
        pass
