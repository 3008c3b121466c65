"""No search blocks: PostgreSQL's full-text column holds the document and the tags only

Revision 0003 added each index row's block ("blk" and id / 1024) to its tags so that a search in
a directory of 100,000 services could look in one block first. A council's directory holds
hundreds to a few thousand services, where one look-up is as fast, and the block made search
and import harder to follow; the search no longer uses it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_TAGS = "array_to_tsvector(array_remove(string_to_array(tags{block}, ' '), ''))"


def _search_column(block: str) -> None:
    op.execute("DROP INDEX ix_service_index_search_tsv")
    op.execute("ALTER TABLE service_index DROP COLUMN search_tsv")
    op.execute("ALTER TABLE service_index ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS ("
               f"to_tsvector('english', document) || {_TAGS.format(block=block)}) STORED")
    op.execute("CREATE INDEX ix_service_index_search_tsv ON service_index USING gin (search_tsv)")


def upgrade() -> None:
    op.execute("DELETE FROM directory_state WHERE name = 'search_block'")
    if op.get_bind().dialect.name == "postgresql":
        _search_column("")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _search_column(" || ' blk' || (id / 1024)::text")
