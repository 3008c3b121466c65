"""Writing many rows fast: on SQLite statements of thousands of rows each, on PostgreSQL COPY.

An import writes a dozen rows for every service. Going through SQLAlchemy's per-row parameter
handling cost more than the database's own work, so rows go to the driver directly: values are
put in each table's column order, through the column type's own conversion where SQLite needs
one (dates, decimals). Everything runs on the caller's connection, inside its transaction.

Both ways send a whole batch of rows in one call to the database, which runs without holding
Python's lock: so a Writer in the background can store one batch while Python prepares the next.
(SQLite's executemany takes the lock back after every row, and a thread waiting for it waits up
to 5 ms each time while the other thread works.)
"""
from __future__ import annotations

import io
import itertools
import queue
import sqlite3
import threading
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, Callable, Iterator, Optional, Sequence

from sqlalchemy import Integer, bindparam, text
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
    """Writes to one connection, in the order given. In the background the writing runs on a
    thread of its own: the database works without Python's lock, so an import prepares the next
    rows while the database stores the last ones, and both of a machine's cores are busy. On
    SQLite a statement run for many parameter sets waits for the writes before it, then runs at
    once on the caller's thread (see the module's note on executemany). Use it as a context
    manager: leaving it waits for every write and raises the first error; after an error, later
    writes are dropped (the transaction is lost)."""

    def __init__(self, connection: Connection, background: bool = False) -> None:
        self.connection = connection
        self.dialect = connection.dialect
        self._error: Optional[BaseException] = None
        self._queue: Optional[queue.Queue] = None
        if background and connection.dialect.name in ("postgresql", "sqlite"):
            self._queue = queue.Queue(maxsize=64)
            self._thread = threading.Thread(target=self._run, name="directory-writer", daemon=True)
            self._thread.start()

    def insert(self, table: Table, rows: Sequence[Row]) -> None:
        if rows:
            self._do(_insert(self.connection, table, rows))

    def upsert(self, table: Table, rows: Sequence[Row]) -> None:
        if rows:
            self._do(_upsert(self.connection, table, rows))

    def execute(self, statement: Any, parameters: Any = None) -> None:
        if isinstance(parameters, list) and self._queue is not None and self.dialect.name == "sqlite":
            self._wait()
            self.connection.execute(statement, parameters)
            return
        self._do(lambda connection: connection.execute(statement, parameters))

    def _do(self, task: Task) -> None:
        if self._queue is None:
            task(self.connection)
            return
        if self._error is not None:
            raise self._error
        self._queue.put(task)

    def _run(self) -> None:
        assert self._queue is not None
        while (task := self._queue.get()) is not None:
            if self._error is None:
                try:
                    task(self.connection)
                except BaseException as error:  # handed to the caller by close()
                    self._error = error
            self._queue.task_done()

    def _wait(self) -> None:
        """Until every write given so far is done; raise the first error."""
        assert self._queue is not None
        self._queue.join()
        if self._error is not None:
            raise self._error

    def close(self) -> None:
        """Wait for every write; raise the first error."""
        if self._queue is not None:
            self._queue.put(None)
            self._thread.join()
            self._queue = None
        if self._error is not None:
            raise self._error

    def __enter__(self) -> "Writer":
        return self

    def __exit__(self, kind, error, trace) -> None:
        if error is None:
            self.close()
        elif self._queue is not None:
            self._error = self._error or error  # the writer drops what is left
            self._queue.put(None)
            self._thread.join()


_FOREIGN_KEYS = text("SELECT conrelid::regclass::text AS owner, conname AS name, pg_get_constraintdef(oid) AS definition "
                     "FROM pg_constraint WHERE contype = 'f' AND (conrelid::regclass::text IN :tables "
                     "OR confrelid::regclass::text IN :keyless)").bindparams(bindparam("tables", expanding=True),
                                                                             bindparam("keyless", expanding=True))
_KEYS = text("SELECT conrelid::regclass::text AS owner, conname AS name, pg_get_constraintdef(oid) AS definition "
             "FROM pg_constraint WHERE contype IN ('p', 'u') AND conrelid::regclass::text IN :keyless"
             ).bindparams(bindparam("keyless", expanding=True))
_INDEXES = text("SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition FROM pg_index i "
                "WHERE i.indrelid::regclass::text IN :tables "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
                ).bindparams(bindparam("tables", expanding=True))


@contextmanager
def unindexed(connection: Connection, tables: Sequence[Table], keyless: Sequence[Table]) -> Iterator[None]:
    """PostgreSQL, for a load that writes most of these tables: their indexes and foreign keys are
    dropped for the load and made again at the end (and `keyless` tables' primary and unique keys
    too). PostgreSQL's own advice for populating a database: building an index once, or checking
    every foreign key in one join, is many times faster than doing it row by row. The tables stay
    locked to other sessions until the transaction ends; the checks still run before it commits,
    so bad data still fails the whole load."""
    if connection.dialect.name != "postgresql":
        yield
        return
    names = {"tables": [t.name for t in tables], "keyless": [t.name for t in keyless]}
    foreign = connection.execute(_FOREIGN_KEYS, names).all()
    keys = connection.execute(_KEYS, names).all()
    indexes = connection.execute(_INDEXES, names).all()
    quote = connection.dialect.identifier_preparer.quote
    for constraint in foreign + keys:
        connection.exec_driver_sql(f"ALTER TABLE {constraint.owner} DROP CONSTRAINT {quote(constraint.name)}")
    for index in indexes:
        connection.exec_driver_sql(f"DROP INDEX {index.name}")
    yield
    for index in indexes:
        connection.exec_driver_sql(index.definition)
    for constraint in keys + foreign:
        connection.exec_driver_sql(f"ALTER TABLE {constraint.owner} ADD CONSTRAINT {quote(constraint.name)} {constraint.definition}")
