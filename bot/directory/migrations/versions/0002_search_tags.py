"""Search filters as full-text tags; no grid squares or service_need table

service_index gets an integer key (SQLite's full-text rowid, kept by VACUUM) and a `tags` column
holding its needs, ages, cost and nearness as words (bot.directory.tags), and loses `cell`.
SQLite's service_fts becomes an external-content FTS5 table over service_index (name, document,
tags; one copy of the text, column detail only); PostgreSQL gets a 'simple' tsvector over tags.
The index is derived data: rows are carried across here and their tags are written by
bot.directory.db.migrate straight after (directory_state records what they were made from).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""
import math

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_CARRIED = ("service_id", "name", "document", "needs", "minimum_age", "maximum_age", "is_free", "latitude", "longitude")
_TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"


def _rows(table: str) -> list[dict]:
    return [dict(r._mapping) for r in op.get_bind().execute(sa.text(f"SELECT {', '.join(_CARRIED)} FROM {table}"))]


def _insert(table: str, columns: tuple[str, ...], rows: list[dict]) -> None:
    if rows:
        names = ", ".join(columns)
        values = ", ".join(f":{c}" for c in columns)
        op.get_bind().execute(sa.text(f"INSERT INTO {table} ({names}) VALUES ({values})"), rows)


def _described() -> list[sa.Column]:
    """service_index's columns that describe a service, the same in both revisions (new objects each call)."""
    return [sa.Column("name", sa.Text(), nullable=False), sa.Column("document", sa.Text(), nullable=False),
            sa.Column("needs", sa.Text(), nullable=False), sa.Column("minimum_age", sa.Integer(), nullable=True),
            sa.Column("maximum_age", sa.Integer(), nullable=True), sa.Column("is_free", sa.Boolean(), nullable=False),
            sa.Column("latitude", sa.Float(), nullable=True), sa.Column("longitude", sa.Float(), nullable=True)]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    rows = _rows("service_index")
    if sqlite:
        op.execute("DROP TABLE service_fts")
    op.drop_table("service_need")
    op.drop_table("service_index")
    op.create_table(
        "service_index",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.String(length=250), nullable=False),
        *_described(),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], name=op.f("fk_service_index_service_id_service")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_index")),
        sa.UniqueConstraint("service_id", name=op.f("uq_service_index_service_id")),
    )
    op.create_table(
        "directory_state",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_directory_state")),
    )
    _insert("service_index", _CARRIED + ("tags",), [dict(r, tags="") for r in rows])
    if sqlite:
        op.execute("CREATE VIRTUAL TABLE service_fts USING fts5(name, document, tags, content='service_index', "
                   f"content_rowid='id', detail=column, {_TOKENIZE})")
        op.execute("INSERT INTO service_fts(service_fts) VALUES ('rebuild')")
    else:
        for column, config in (("name", "english"), ("document", "english"), ("tags", "simple")):
            op.execute(f"ALTER TABLE service_index ADD COLUMN {column}_tsv tsvector "
                       f"GENERATED ALWAYS AS (to_tsvector('{config}', {column})) STORED")
            op.execute(f"CREATE INDEX ix_service_index_{column}_tsv ON service_index USING gin ({column}_tsv)")


# --- back to 0001: grid squares (1 km) and service_need, as that revision searched them ---------

def _cell(latitude: float, longitude: float) -> int:
    return math.floor(latitude * 111.2) * 100000 + math.floor(longitude * 69.4)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    rows = _rows("service_index")
    if sqlite:
        op.execute("DROP TABLE service_fts")
    op.drop_table("directory_state")
    op.drop_table("service_index")
    op.create_table(
        "service_index",
        sa.Column("service_id", sa.String(length=250), nullable=False),
        *_described(),
        sa.Column("cell", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], name=op.f("fk_service_index_service_id_service")),
        sa.PrimaryKeyConstraint("service_id", name=op.f("pk_service_index")),
    )
    op.create_index("ix_service_index_cell", "service_index", ["cell"], unique=False)
    op.create_table(
        "service_need",
        sa.Column("need_code", sa.String(length=100), nullable=False),
        sa.Column("cell", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.String(length=250), nullable=False),
        sa.Column("minimum_age", sa.Integer(), nullable=True),
        sa.Column("maximum_age", sa.Integer(), nullable=True),
        sa.Column("is_free", sa.Boolean(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["service_id"], ["service_index.service_id"],
                                name=op.f("fk_service_need_service_id_service_index")),
        sa.PrimaryKeyConstraint("need_code", "cell", "service_id", name=op.f("pk_service_need")),
        sqlite_with_rowid=False,
    )
    for row in rows:
        row["cell"] = _cell(row["latitude"], row["longitude"]) if row["latitude"] is not None else None
    _insert("service_index", _CARRIED + ("cell",), rows)
    copied = ("service_id", "minimum_age", "maximum_age", "is_free", "latitude", "longitude")
    _insert("service_need", copied + ("need_code", "cell"),
            [dict({k: r[k] for k in copied}, need_code=code, cell=-1 if r["cell"] is None else r["cell"])
             for r in rows for code in r["needs"].split()])
    if sqlite:
        op.execute(f"CREATE VIRTUAL TABLE service_fts USING fts5(service_id UNINDEXED, name, document, {_TOKENIZE})")
        op.execute("INSERT INTO service_fts(rowid, service_id, name, document) "
                   "SELECT rowid, service_id, name, document FROM service_index")
    else:
        for column in ("name", "document"):
            op.execute(f"ALTER TABLE service_index ADD COLUMN {column}_tsv tsvector "
                       f"GENERATED ALWAYS AS (to_tsvector('english', {column})) STORED")
            op.execute(f"CREATE INDEX ix_service_index_{column}_tsv ON service_index USING gin ({column}_tsv)")
