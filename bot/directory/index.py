"""The search index: one row per active service with the text search ranks by and its filters as tags.

Derived from the ORUK tables at import time, so a search touches one narrow table and its
full-text index (SQLite: the external-content FTS5 table service_fts; PostgreSQL: the generated
tsvector column search_tsv) instead of joining ten.
"""
from __future__ import annotations

import re
from typing import Iterable, Optional

from sqlalchemy import bindparam, delete, select, text, update
from sqlalchemy.engine import Connection

from bot.directory import bulk, models as m, tags
from bot.directory.records import ServiceRecord
from bot.directory.vocabulary import Place, Vocabulary

_FREE = re.compile(r"\b(free|no charge|no cost|funded)\b", re.IGNORECASE)
_NOT_FREE = re.compile(r"\bnot free\b|\bcharges? apply\b|£\s*[1-9]", re.IGNORECASE)


def is_free(fees: Optional[str], cost_options: Iterable[dict]) -> bool:
    """Free only when the service says so: an explicit 'free', or every listed cost is zero."""
    amounts = [c.get("amount") for c in cost_options if c.get("amount") is not None]
    if amounts:
        return all(float(a) == 0 for a in amounts)
    return bool(fees and _FREE.search(fees) and not _NOT_FREE.search(fees))


def place_of(record: ServiceRecord, vocabulary: Vocabulary) -> tuple[Optional[float], Optional[float], Optional[Place]]:
    """Where a service is: its first located venue, else the centre of its postcode district or town."""
    place = None
    for address in record.addresses:
        postcode = (address.get("postal_code") or "").split(" ")[0]
        place = vocabulary.place_for_district(postcode) or vocabulary.place(address.get("city") or "")
        if place:
            break
    for location in record.locations:
        if location.get("latitude") is not None and location.get("longitude") is not None:
            return location["latitude"], location["longitude"], place
    if place:
        return place.latitude, place.longitude, place
    return None, None, None


def document(record: ServiceRecord, vocabulary: Vocabulary, place: Optional[Place]) -> str:
    """The text a service is found by: names, description, need labels, town."""
    service = record.service
    parts = [service.get("name"), service.get("alternate_name"), (record.organization or {}).get("name"),
             service.get("description"), service.get("fees"), service.get("application_process")]
    for code in record.needs:  # labels only: parents' other words for a need reach it through the need filter
        need = vocabulary.need(code)
        if need:
            parts.append(need.label)
    parts += [t.get("name") for t in record.other_terms]
    parts += [a.get("city") for a in record.addresses] + [a.get("postal_code") for a in record.addresses]
    if place:
        parts.append(place.name)
    return " ".join(p for p in parts if p)


_FTS_COLUMNS = "rowid, document, tags"
_FTS_SOURCE = "id, document, tags FROM service_index WHERE service_id IN :ids"


def _fts(connection: Connection, sql: str, service_ids: list[str]) -> None:
    """Keep SQLite's external-content FTS5 table in step with service_index for these services."""
    if connection.dialect.name == "sqlite" and service_ids:
        connection.execute(text(sql).bindparams(bindparam("ids", expanding=True)), {"ids": service_ids})


def remove(connection: Connection, service_ids: list[str]) -> None:
    if not service_ids:
        return
    # FTS5 forgets a row only when told its old values, so this comes before the delete.
    _fts(connection, f"INSERT INTO service_fts(service_fts, {_FTS_COLUMNS}) SELECT 'delete', {_FTS_SOURCE}", service_ids)
    connection.execute(delete(m.service_index).where(m.service_index.c.service_id.in_(service_ids)))


def refresh(connection: Connection, records: list[ServiceRecord], vocabulary: Vocabulary, indexed: list[str]) -> None:
    """Re-index these services (active ones are indexed, others only removed). `indexed`: those
    of them that may be in the index already."""
    remove(connection, indexed)
    rows = []
    for record in records:
        if record.service.get("status") != "active":
            continue
        latitude, longitude, place = place_of(record, vocabulary)
        row = {"service_id": record.id, "name": record.service["name"], "document": document(record, vocabulary, place),
               "needs": f" {' '.join(record.needs)} ", "minimum_age": record.service.get("minimum_age"),
               "maximum_age": record.service.get("maximum_age"), "latitude": latitude, "longitude": longitude,
               "is_free": is_free(record.service.get("fees"), record.cost_option)}
        rows.append(dict(row, tags=tags.for_service(row, vocabulary)))
    if rows:
        bulk.insert(connection, m.service_index, rows)
        _fts(connection, f"INSERT INTO service_fts({_FTS_COLUMNS}) SELECT {_FTS_SOURCE}", [r["service_id"] for r in rows])


def tidy(connection: Connection) -> None:
    """After writing: fresh statistics, so the query planner picks the right index for the new
    data; on SQLite the full-text index merged into one segment (each write adds segments and a
    search reads them all: a third off search times at 100,000 services, for half a second)."""
    if connection.dialect.name == "sqlite":
        connection.execute(text("INSERT INTO service_fts(service_fts) VALUES ('optimize')"))
    # Every table: a result card's query reads five, and unknown tables cost it half a second.
    connection.execute(text("ANALYZE"))


def retag(connection: Connection, vocabulary: Vocabulary) -> int:
    """Rewrite every indexed service's tags when what they are made from has changed (a place or
    need added to the vocabulary, or new tag rules); returns how many were rewritten."""
    wanted = tags.fingerprint(vocabulary)
    state = m.directory_state
    current = connection.execute(select(state.c.value).where(state.c.name == "tags")).scalar_one_or_none()
    if current == wanted:
        return 0
    si = m.service_index
    rows = connection.execute(select(si.c.id, si.c.name, si.c.needs, si.c.minimum_age, si.c.maximum_age, si.c.is_free,
                                     si.c.latitude, si.c.longitude)).all()
    changes = [{"key": r.id, "tags": tags.for_service(r._mapping, vocabulary)} for r in rows]
    if changes:
        connection.execute(update(si).where(si.c.id == bindparam("key")).values(tags=bindparam("tags")), changes)
    if connection.dialect.name == "sqlite":
        connection.execute(text("INSERT INTO service_fts(service_fts) VALUES ('rebuild')"))
    tidy(connection)
    bulk.upsert(connection, m.directory_state, [{"name": "tags", "value": wanted}])
    return len(changes)

