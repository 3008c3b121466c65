"""The search index: one row per active service with what search filters and ranks on.

Derived from the ORUK tables at import time, so a search touches one narrow table (and its
full-text index) instead of joining ten.
"""
from __future__ import annotations

import math
import re
from typing import Iterable, Optional

from sqlalchemy import bindparam, delete, func, insert, select, text
from sqlalchemy.engine import Connection

from bot.directory import models as m
from bot.directory.records import ServiceRecord
from bot.directory.vocabulary import Place, Vocabulary

CELL_KM = 1.0
NO_CELL = -1  # service_need.cell for a service with no place
_KM_PER_DEGREE = 111.2
_KM_PER_DEGREE_LONGITUDE = 69.4  # at Medway's latitude (51.4 degrees north)


def cell(latitude: float, longitude: float) -> int:
    """The 1 km grid square a point is in: row * 100000 + column."""
    row = math.floor(latitude * _KM_PER_DEGREE / CELL_KM)
    column = math.floor(longitude * _KM_PER_DEGREE_LONGITUDE / CELL_KM)
    return row * 100000 + column


def cells_within(latitude: float, longitude: float, km: float) -> list[int]:
    """Every grid square that may hold a point within `km` of this one."""
    reach = math.ceil(km / CELL_KM)
    centre = cell(latitude, longitude)
    return [centre + dr * 100000 + dc for dr in range(-reach, reach + 1) for dc in range(-reach, reach + 1)]


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


def remove(connection: Connection, service_ids: list[str]) -> None:
    if connection.dialect.name == "sqlite":
        connection.execute(text("DELETE FROM service_fts WHERE rowid IN "
                                "(SELECT rowid FROM service_index WHERE service_id IN :ids)").bindparams(
            bindparam("ids", expanding=True)), {"ids": service_ids})
    connection.execute(delete(m.service_need).where(m.service_need.c.service_id.in_(service_ids)))
    connection.execute(delete(m.service_index).where(m.service_index.c.service_id.in_(service_ids)))


def refresh(connection: Connection, records: list[ServiceRecord], vocabulary: Vocabulary) -> None:
    """Re-index these services (active ones are indexed, others only removed)."""
    remove(connection, [r.id for r in records])
    rows = []
    for record in records:
        if record.service.get("status") != "active":
            continue
        latitude, longitude, place = place_of(record, vocabulary)
        rows.append({"service_id": record.id, "name": record.service["name"],
                     "document": document(record, vocabulary, place), "needs": f" {' '.join(record.needs)} ",
                     "minimum_age": record.service.get("minimum_age"), "maximum_age": record.service.get("maximum_age"),
                     "is_free": is_free(record.service.get("fees"), record.cost_option),
                     "latitude": latitude, "longitude": longitude,
                     "cell": cell(latitude, longitude) if latitude is not None else None})
    if not rows:
        return
    connection.execute(insert(m.service_index), rows)
    copied = ("service_id", "minimum_age", "maximum_age", "is_free", "latitude", "longitude")
    needs = [dict({k: row[k] for k in copied}, need_code=code, cell=row["cell"] if row["cell"] is not None else NO_CELL)
             for row in rows for code in row["needs"].split()]
    if needs:
        connection.execute(insert(m.service_need), needs)
    if connection.dialect.name == "sqlite":
        connection.execute(text("INSERT INTO service_fts(rowid, service_id, name, document) "
                                "SELECT rowid, service_id, name, document FROM service_index WHERE service_id IN :ids").bindparams(
            bindparam("ids", expanding=True)), {"ids": [r["service_id"] for r in rows]})


def indexed_count(connection: Connection) -> int:
    return int(connection.execute(select(func.count()).select_from(m.service_index)).scalar_one())
