"""One full-text column for the words and the tags, and name words as tags

A search's words and filters now go to one full-text index in one look-up: PostgreSQL's GIN index
can then skip through the long lists of common tags (ages, "within 6 km") guided by the rarest
term, which it cannot do across two indexes. The service's name is searched through its tags
(bot.directory.tags.name_words), so SQLite's service_fts and PostgreSQL's search_tsv hold the
document and the tags only. PostgreSQL stores the tags as they are (array_to_tsvector: no parser,
four times faster than to_tsvector), with the row's block ("blk" and id / 1024, as
tags.BLOCK_ROWS), which a search in a large directory looks in first.

The tags themselves are rewritten by bot.directory.db.migrate straight after (tags.VERSION 2).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

_TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"
_OLD = (("name", "english"), ("document", "english"), ("tags", "simple"))


def _fts(columns: str) -> None:
    op.execute("DROP TABLE service_fts")
    op.execute(f"CREATE VIRTUAL TABLE service_fts USING fts5({columns}, content='service_index', "
               f"content_rowid='id', detail=column, {_TOKENIZE})")
    op.execute("INSERT INTO service_fts(service_fts) VALUES ('rebuild')")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _fts("document, tags")
        return
    for column, _ in _OLD:
        op.execute(f"DROP INDEX ix_service_index_{column}_tsv")
        op.execute(f"ALTER TABLE service_index DROP COLUMN {column}_tsv")
    op.execute("ALTER TABLE service_index ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS ("
               "to_tsvector('english', document) || "
               "array_to_tsvector(array_remove(string_to_array(tags || ' blk' || (id / 1024)::text, ' '), ''))) STORED")
    op.execute("CREATE INDEX ix_service_index_search_tsv ON service_index USING gin (search_tsv)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _fts("name, document, tags")
        return
    op.execute("DROP INDEX ix_service_index_search_tsv")
    op.execute("ALTER TABLE service_index DROP COLUMN search_tsv")
    for column, config in _OLD:
        op.execute(f"ALTER TABLE service_index ADD COLUMN {column}_tsv tsvector "
                   f"GENERATED ALWAYS AS (to_tsvector('{config}', {column})) STORED")
        op.execute(f"CREATE INDEX ix_service_index_{column}_tsv ON service_index USING gin ({column}_tsv)")
