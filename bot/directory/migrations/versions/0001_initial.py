"""The directory's tables (Open Referral UK 3.0) and its search index

One initial revision for the schema as first released (the development revisions before it were
squashed into this one). Constraint and index names come from the naming convention of
bot.directory.models.metadata, which env.py hands to Alembic.

Full-text search: SQLite gets service_fts, an external-content FTS5 table over service_index's
document and tags; PostgreSQL a generated tsvector column, search_tsv, with a GIN index: the
document through the 'english' parser, the tags as they are (bot.directory.tags).

Revision ID: 1_initial
Revises:
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "1_initial"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(250)
TABLES = ("phone", "directory_state", "service_index", "service_area", "service_at_location", "schedule",
          "cost_option", "contact", "attribute", "taxonomy_term", "service", "address", "taxonomy",
          "organization", "location")


def _owned_by_service(nullable: bool = True) -> list:
    return [sa.Column("id", ID, primary_key=True),
            sa.Column("service_id", ID, sa.ForeignKey("service.id"), nullable=nullable, index=True)]


def upgrade() -> None:
    op.create_table(
        "location", sa.Column("id", ID, primary_key=True),
        sa.Column("location_type", sa.String(20), nullable=False), sa.Column("name", sa.Text()),
        sa.Column("description", sa.Text()), sa.Column("latitude", sa.Float()), sa.Column("longitude", sa.Float()))
    op.create_table(
        "organization", sa.Column("id", ID, primary_key=True), sa.Column("name", sa.Text(), nullable=False),
        *(sa.Column(name, sa.Text()) for name in ("description", "email", "website", "uri")),
        sa.Column("source", sa.String(100), nullable=False), sa.Column("is_sample", sa.Boolean(), nullable=False))
    op.create_table(
        "taxonomy", sa.Column("id", ID, primary_key=True), sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text()), sa.Column("uri", sa.Text()), sa.Column("version", sa.String(20)))
    op.create_table(
        "address", sa.Column("id", ID, primary_key=True),
        sa.Column("location_id", ID, sa.ForeignKey("location.id"), nullable=False, index=True),
        *(sa.Column(name, sa.Text()) for name in ("attention", "address_1", "address_2", "city", "region",
                                                  "state_province")),
        sa.Column("postal_code", sa.String(20)), sa.Column("country", sa.String(2)),
        sa.Column("address_type", sa.String(20)))
    op.create_table(
        "service", sa.Column("id", ID, primary_key=True),
        sa.Column("organization_id", ID, sa.ForeignKey("organization.id"), index=True),
        sa.Column("name", sa.Text(), nullable=False),
        *(sa.Column(name, sa.Text()) for name in ("alternate_name", "description", "url", "email")),
        sa.Column("status", sa.String(20), nullable=False),
        *(sa.Column(name, sa.Text()) for name in ("fees", "application_process", "accreditations", "alert")),
        sa.Column("minimum_age", sa.Integer()), sa.Column("maximum_age", sa.Integer()),
        sa.Column("assured_date", sa.Date()), sa.Column("assurer_email", sa.Text()),
        sa.Column("last_modified", sa.DateTime()), sa.Column("source", sa.String(100), nullable=False, index=True),
        sa.Column("is_sample", sa.Boolean(), nullable=False), sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("raw", sa.Text()))
    op.create_table(
        "taxonomy_term", sa.Column("id", ID, primary_key=True), sa.Column("code", sa.String(100)),
        sa.Column("name", sa.Text(), nullable=False), sa.Column("description", sa.Text()),
        sa.Column("parent_id", ID), sa.Column("taxonomy", sa.Text()),
        sa.Column("taxonomy_id", ID, sa.ForeignKey("taxonomy.id")), sa.Column("term_uri", sa.Text()),
        sa.Index("ix_taxonomy_term_code", "code"))
    op.create_table(
        "attribute", sa.Column("id", ID, primary_key=True), sa.Column("link_id", ID, nullable=False),
        sa.Column("link_type", sa.String(50)), sa.Column("link_entity", sa.String(50), nullable=False),
        sa.Column("taxonomy_term_id", ID, sa.ForeignKey("taxonomy_term.id"), nullable=False),
        sa.Column("value", sa.Text()),
        sa.Index("ix_attribute_link", "link_id"), sa.Index("ix_attribute_term_link", "taxonomy_term_id", "link_id"))
    op.create_table(
        "contact", *_owned_by_service(),
        *(sa.Column(name, sa.Text()) for name in ("name", "title", "department", "email")))
    op.create_table(
        "cost_option", *_owned_by_service(nullable=False), sa.Column("option", sa.Text()),
        sa.Column("amount", sa.Numeric(10, 2)), sa.Column("currency", sa.String(3)),
        sa.Column("amount_description", sa.Text()))
    op.create_table(
        "schedule", *_owned_by_service(), sa.Column("description", sa.Text()), sa.Column("freq", sa.String(10)),
        sa.Column("byday", sa.String(50)), sa.Column("opens_at", sa.String(8)), sa.Column("closes_at", sa.String(8)),
        sa.Column("valid_from", sa.Date()), sa.Column("valid_to", sa.Date()))
    op.create_table(
        "service_area", *_owned_by_service(),
        *(sa.Column(name, sa.Text()) for name in ("name", "description", "extent")),
        sa.Column("extent_type", sa.String(20)), sa.Column("uri", sa.Text()))
    op.create_table(
        "service_at_location", *_owned_by_service(nullable=False),
        sa.Column("location_id", ID, sa.ForeignKey("location.id"), nullable=False, index=True))
    op.create_table(
        "service_index", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("service_id", ID, sa.ForeignKey("service.id"), nullable=False, unique=True),
        *(sa.Column(name, sa.Text(), nullable=False) for name in ("name", "document", "needs")),
        sa.Column("minimum_age", sa.Integer()), sa.Column("maximum_age", sa.Integer()),
        sa.Column("is_free", sa.Boolean(), nullable=False), sa.Column("latitude", sa.Float()),
        sa.Column("longitude", sa.Float()), sa.Column("tags", sa.Text(), nullable=False))
    op.create_table(
        "directory_state", sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False))
    op.create_table(
        "phone", *_owned_by_service(), sa.Column("contact_id", ID, sa.ForeignKey("contact.id")),
        sa.Column("number", sa.String(50), nullable=False), sa.Column("type", sa.String(20)),
        sa.Column("description", sa.Text()))
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE service_fts USING fts5(document, tags, content='service_index', "
                   "content_rowid='id', detail=column, tokenize='porter unicode61 remove_diacritics 2')")
    else:
        op.execute("ALTER TABLE service_index ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS ("
                   "to_tsvector('english', document) || "
                   "array_to_tsvector(array_remove(string_to_array(tags, ' '), ''))) STORED")
        op.execute("CREATE INDEX ix_service_index_search_tsv ON service_index USING gin (search_tsv)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE service_fts")
    for table in TABLES:
        op.drop_table(table)
