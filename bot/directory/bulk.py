"""Writing many rows fast: SQLite's executemany with plain tuples, PostgreSQL's COPY.

An import writes a dozen rows for every service. Going through SQLAlchemy's per-row parameter
handling cost more than the database's own work, so rows go to the driver directly: values are
put in each table's column order, through the column type's own conversion where SQLite needs
one (dates, decimals). Everything runs on the caller's connection, inside its transaction.
"""
from __future__ import annotations

import io
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


def _values(connection: Connection, table: Table, names: list[str], rows: Sequence[Row]) -> list[tuple]:
    converters = [(i, c) for i, c in enumerate(_converters(connection, table, names)) if c]
    if not converters:
        return [tuple(map(row.get, names)) for row in rows]
    out = []
    for row in rows:
        values = list(map(row.get, names))
        for i, convert in converters:
            values[i] = convert(values[i])
        out.append(tuple(values))
    return out


def _copy_text(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _quoted(connection: Connection, names: list[str]) -> str:
    return ", ".join(connection.dialect.identifier_preparer.quote(name) for name in names)


def _copy(connection: Connection, table_name: str, names: list[str], rows: Sequence[Row]) -> None:
    buffer = io.StringIO()
    buffer.writelines("\t".join(map(_copy_text, map(row.get, names))) + "\n" for row in rows)
    buffer.seek(0)
    cursor = connection.connection.cursor()
    try:
        cursor.copy_expert(f"COPY {table_name} ({_quoted(connection, names)}) FROM STDIN", buffer)
    finally:
        cursor.close()


def insert(connection: Connection, table: Table, rows: Sequence[Row]) -> None:
    """Insert rows (dicts keyed by column name; missing keys are NULL)."""
    if not rows:
        return
    names = _columns(table, rows)
    if connection.dialect.name == "postgresql":
        _copy(connection, table.name, names, rows)
        return
    marks = ", ".join("?" for _ in names)
    connection.exec_driver_sql(f"INSERT INTO {table.name} ({_quoted(connection, names)}) VALUES ({marks})",
                               _values(connection, table, names, rows))


def upsert(connection: Connection, table: Table, rows: Sequence[Row]) -> None:
    """Insert rows, replacing any with the same primary key."""
    if not rows:
        return
    names = _columns(table, rows)
    quote = connection.dialect.identifier_preparer.quote
    keys = [c.name for c in table.primary_key.columns]
    changes = ", ".join(f"{quote(name)} = excluded.{quote(name)}" for name in names if name not in keys)
    conflict = f"ON CONFLICT ({_quoted(connection, keys)}) DO " + (f"UPDATE SET {changes}" if changes else "NOTHING")
    if connection.dialect.name == "postgresql":
        # COPY cannot resolve conflicts: copy into a scratch table, then insert from it.
        scratch = f"incoming_{table.name}"
        connection.exec_driver_sql(f"CREATE TEMPORARY TABLE IF NOT EXISTS {scratch} "
                                   f"(LIKE {table.name} INCLUDING DEFAULTS) ON COMMIT DROP")
        connection.exec_driver_sql(f"TRUNCATE {scratch}")
        _copy(connection, scratch, names, rows)
        columns = _quoted(connection, names)
        connection.exec_driver_sql(f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {scratch} {conflict}")
        return
    marks = ", ".join("?" for _ in names)
    connection.exec_driver_sql(f"INSERT INTO {table.name} ({_quoted(connection, names)}) VALUES ({marks}) {conflict}",
                               _values(connection, table, names, rows))
