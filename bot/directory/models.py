"""The service directory's tables, shaped on Open Referral UK 3.0 (the UK profile of HSDS 3.0).

Table and column names are the standard's, so a council's feed maps straight across. Three kinds
of column are ours, not the standard's: `source` (which import a record came from), `is_sample`
(made-up sample data, always shown as such), `content_hash` and `raw` on service (the cleaned
record's fingerprint, so a re-import that changes nothing writes nothing, and the record as it
arrived, kept for checking what the cleaning did). `service_index` is derived from the rest after
every import: one row a service with the text search ranks by and its filters as tags.
"""
from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
)

metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

ID = String(250)


def _texts(*names: str) -> list[Column]:
    """Optional text columns."""
    return [Column(name, Text) for name in names]


def _owned(nullable: bool = True) -> list[Column]:
    """The key of a row a service owns, and the service's id."""
    return [Column("id", ID, primary_key=True),
            Column("service_id", ID, ForeignKey("service.id"), nullable=nullable, index=True)]

organization = Table(
    "organization", metadata,
    Column("id", ID, primary_key=True),
    Column("name", Text, nullable=False),
    *_texts("description", "email", "website", "uri"),
    Column("source", String(100), nullable=False),
    Column("is_sample", Boolean, nullable=False, default=False),
)

service = Table(
    "service", metadata,
    Column("id", ID, primary_key=True),
    Column("organization_id", ID, ForeignKey("organization.id"), index=True),
    Column("name", Text, nullable=False),
    *_texts("alternate_name", "description", "url", "email"),
    Column("status", String(20), nullable=False),
    *_texts("fees", "application_process", "accreditations", "alert"),
    Column("minimum_age", Integer),
    Column("maximum_age", Integer),
    Column("assured_date", Date),
    Column("assurer_email", Text),
    Column("last_modified", DateTime),
    Column("source", String(100), nullable=False, index=True),
    Column("is_sample", Boolean, nullable=False, default=False),
    Column("content_hash", String(64), nullable=False),
    Column("raw", Text),
)

location = Table(
    "location", metadata,
    Column("id", ID, primary_key=True),
    Column("location_type", String(20), nullable=False, default="physical"),
    *_texts("name", "description"),
    Column("latitude", Float),
    Column("longitude", Float),
)

service_at_location = Table(
    "service_at_location", metadata,
    *_owned(nullable=False),
    Column("location_id", ID, ForeignKey("location.id"), nullable=False, index=True),
)

address = Table(
    "address", metadata,
    Column("id", ID, primary_key=True),
    Column("location_id", ID, ForeignKey("location.id"), nullable=False, index=True),
    *_texts("attention", "address_1", "address_2", "city", "region", "state_province"),
    Column("postal_code", String(20)),
    Column("country", String(2)),
    Column("address_type", String(20)),
)

contact = Table(
    "contact", metadata,
    *_owned(),
    *_texts("name", "title", "department", "email"),
)

phone = Table(
    "phone", metadata,
    *_owned(),
    Column("contact_id", ID, ForeignKey("contact.id")),
    Column("number", String(50), nullable=False),
    Column("type", String(20)),
    Column("description", Text),
)

schedule = Table(
    "schedule", metadata,
    *_owned(),
    Column("description", Text),
    Column("freq", String(10)),
    Column("byday", String(50)),
    Column("opens_at", String(8)),
    Column("closes_at", String(8)),
    Column("valid_from", Date),
    Column("valid_to", Date),
)

cost_option = Table(
    "cost_option", metadata,
    *_owned(nullable=False),
    Column("option", Text),
    Column("amount", Numeric(10, 2)),
    Column("currency", String(3)),
    Column("amount_description", Text),
)

service_area = Table(
    "service_area", metadata,
    *_owned(),
    *_texts("name", "description", "extent"),
    Column("extent_type", String(20)),
    Column("uri", Text),
)

taxonomy = Table(
    "taxonomy", metadata,
    Column("id", ID, primary_key=True),
    Column("name", Text, nullable=False),
    *_texts("description", "uri"),
    Column("version", String(20)),
)

taxonomy_term = Table(
    "taxonomy_term", metadata,
    Column("id", ID, primary_key=True),
    Column("code", String(100)),
    Column("name", Text, nullable=False),
    Column("description", Text),
    Column("parent_id", ID),
    Column("taxonomy", Text),
    Column("taxonomy_id", ID, ForeignKey("taxonomy.id")),
    Column("term_uri", Text),
    Index("ix_taxonomy_term_code", "code"),
)

attribute = Table(
    "attribute", metadata,
    Column("id", ID, primary_key=True),
    Column("link_id", ID, nullable=False),
    Column("link_type", String(50)),
    Column("link_entity", String(50), nullable=False, default="service"),
    Column("taxonomy_term_id", ID, ForeignKey("taxonomy_term.id"), nullable=False),
    Column("value", Text),
    Index("ix_attribute_term_link", "taxonomy_term_id", "link_id"),
    Index("ix_attribute_link", "link_id"),
)

service_index = Table(
    "service_index", metadata,
    # SQLite: the rowid the full-text table (service_fts) keys on; an explicit key, so VACUUM keeps it.
    Column("id", Integer, primary_key=True),
    Column("service_id", ID, ForeignKey("service.id"), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("document", Text, nullable=False),
    Column("needs", Text, nullable=False),  # need codes between spaces: " autism short_breaks "
    Column("minimum_age", Integer),
    Column("maximum_age", Integer),
    Column("is_free", Boolean, nullable=False),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("tags", Text, nullable=False),  # the filters as words (bot.directory.tags), full-text indexed
)

directory_state = Table(
    "directory_state", metadata,
    Column("name", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)
"""Facts about the directory as a whole, such as what the search tags were made from."""

# Tables a service owns: replaced whole when the service changes.
SERVICE_CHILDREN = (service_at_location, contact, phone, schedule, cost_option, service_area)
