"""Writing many rows fast: on SQLite statements of thousands of rows each, on PostgreSQL COPY.

An import writes a dozen rows for every service. Going through SQLAlchemy's per-row parameter
handling cost more than the database's own work, so rows go to the driver directly: values are
put in each table's column order, through the column type's own conversion where SQLite needs
one (dates, decimals). Everything runs on the caller's connection, inside its transaction.

"""
from __future__ import annotations

import io
import itertools
import sqlite3
from datetime import date, datetime
from typing import Any, Callable, Optional, Sequence

from sqlalchemy import Integer
from sqlalchemy.engine import Connection
from sqlalchemy.sql.schema import Table

Row = dict[str, Any]


def _columns(table: Table, rows: Sequence[Row]) -> list[str]:
    """The table's columns, less an autoincrementing key the rows do not give."""
    keys = list(table.primary_key.columns)
    generated = keys[0].name if len(keys) == 1 and isinstance(keys[0].type, Integer) else None
    return [c.name for c in table.columns if c.name != generated or any(row.get(generated) is not None for row in rows)]


def _converters(connection: Connection, table: Table, names: list[str]) -> list[Optional[Callable]]:
    dialect = connection.dialect
    return [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]


def _column_values(connection: Connection, table: Table, names: list[str], rows: Sequence[Row]) -> list[list]:
    """The rows' values column by column, through each column type's conversion where it has one."""
    columns = []
    for name, convert in zip(names, _converters(connection, table, names)):
        column = [row.get(name) for row in rows]
        columns.append(list(map(convert, column)) if convert else column)
    return columns


def _copy_text(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value.__class__ is str:  # most values: text with nothing to escape
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return _copy_text(str(value))


def _quoted(connection: Connection, names: list[str]) -> str:
    return ", ".join(connection.dialect.identifier_preparer.quote(name) for name in names)


def _copy_column(values: list) -> list[str]:
    """A column's values in COPY text format. Column by column, the common cases (text with
    nothing to escape, numbers) take a few passes in C instead of a Python call for every value."""
    present = [value for value in values if value is not None]
    kinds = set(map(type, present))
    if kinds <= {str}:
        joined = "".join(present)
        if "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined:
            return list(map(_copy_text, values))
    elif kinds <= {int, float}:
        present = list(map(str, present))
    else:
        return list(map(_copy_text, values))
    if len(present) == len(values):
        return present
    texts = iter(present)
    return ["\\N" if value is None else next(texts) for value in values]


Task = Callable[[Connection], None]


def _copy(table_name: str, names: list[str], rows: Sequence[Row], quoted: str) -> Task:
    """A COPY of these rows, its text made now, sent when the task runs."""
    columns = [_copy_column([row.get(name) for row in rows]) for name in names]
    data = "\n".join(map("\t".join, zip(*columns))) + "\n"

    def send(connection: Connection) -> None:
        cursor = connection.connection.cursor()
        try:
            # In one read: psycopg2 takes Python's lock for each read, which waits for the other thread.
            cursor.copy_expert(f"COPY {table_name} ({quoted}) FROM STDIN", io.StringIO(data), size=len(data) + 1)
        finally:
            cursor.close()
    return send


def _insert(connection: Connection, table: Table, rows: Sequence[Row], conflict: str = "") -> Task:
    names = _columns(table, rows)
    if connection.dialect.name == "postgresql" and not conflict:
        return _copy(table.name, names, rows, _quoted(connection, names))
    if connection.dialect.name == "postgresql":
        # COPY cannot resolve conflicts: copy into a scratch table, then insert from it.
        scratch, columns = f"incoming_{table.name}", _quoted(connection, names)
        copy = _copy(scratch, names, rows, columns)

        def through_scratch(connection: Connection) -> None:
            connection.exec_driver_sql(f"CREATE TEMPORARY TABLE IF NOT EXISTS {scratch} "
                                       f"(LIKE {table.name} INCLUDING DEFAULTS) ON COMMIT DROP")
            connection.exec_driver_sql(f"TRUNCATE {scratch}")
            copy(connection)
            connection.exec_driver_sql(f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {scratch} {conflict}")
        return through_scratch
    # Many rows to a statement: one call into SQLite for all of them (see the module's docstring).
    start, row = f"INSERT INTO {table.name} ({_quoted(connection, names)}) VALUES ", f"({', '.join('?' * len(names))})"
    columns = _column_values(connection, table, names, rows)
    size = max(1, _SQLITE_VARIABLES // len(names))
    statements = [(start + ", ".join([row] * min(size, len(rows) - i)) + " " + conflict,
                   tuple(itertools.chain.from_iterable(zip(*(column[i:i + size] for column in columns)))))
                  for i in range(0, len(rows), size)]

    def send(connection: Connection) -> None:
        for statement, parameters in statements:
            connection.exec_driver_sql(statement, parameters)
    return send


# How many values one SQLite statement may take (SQLITE_MAX_VARIABLE_NUMBER: 32,766 since 3.32).
_SQLITE_VARIABLES = 32_766 if sqlite3.sqlite_version_info >= (3, 32) else 999


def _upsert(connection: Connection, table: Table, rows: Sequence[Row]) -> Task:
    names = _columns(table, rows)
    quote = connection.dialect.identifier_preparer.quote
    keys = [c.name for c in table.primary_key.columns]
    changes = ", ".join(f"{quote(name)} = excluded.{quote(name)}" for name in names if name not in keys)
    conflict = f"ON CONFLICT ({_quoted(connection, keys)}) DO " + (f"UPDATE SET {changes}" if changes else "NOTHING")
    return _insert(connection, table, rows, conflict)


def insert(connection: Connection, table: Table, rows: Sequence[Row]) -> None:
    """Insert rows (dicts keyed by column name; missing keys are NULL)."""
    if rows:
        _insert(connection, table, rows)(connection)


def upsert(connection: Connection, table: Table, rows: Sequence[Row]) -> None:
    """Insert rows, replacing any with the same primary key."""
    if rows:
        _upsert(connection, table, rows)(connection)


class Writer:
    """Writes to one connection, in the order given, inside its transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.dialect = connection.dialect

    def insert(self, table: Table, rows: Sequence[Row]) -> None:
        if rows:
            _insert(self.connection, table, rows)(self.connection)

    def upsert(self, table: Table, rows: Sequence[Row]) -> None:
        if rows:
            _upsert(self.connection, table, rows)(self.connection)

    def execute(self, statement: Any, parameters: Any = None) -> None:
        self.connection.execute(statement, parameters)

    def __enter__(self) -> "Writer":
        return self

    def __exit__(self, *exc: Any) -> None:
        pass
