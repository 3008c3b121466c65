"""Finding services: full-text relevance with filters for need, age, cost and place.

Filters narrow (a service must be tagged with every need asked for, take the child's age, be free
when asked, and be within reach of the place or have no fixed venue); the words a parent typed
rank what is left, and nearness breaks ties. When nothing matches, one filter at a time is
relaxed (place, then cost, then age, then the extra needs) and the result says which.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import and_, column, func, literal, literal_column, or_, select, table, text
from sqlalchemy.engine import Connection, Engine

from bot.directory import models as m
from bot.directory.vocabulary import Vocabulary, cached

RADIUS_KM = 6.0
_FTS = table("service_fts", column("rowid"), column("service_fts"))  # SQLite's FTS5 table
CANDIDATES = 60
_TERM = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Query:
    needs: tuple[str, ...] = ()
    age: Optional[int] = None
    place: Optional[str] = None
    free_only: bool = False
    keywords: tuple[str, ...] = ()

    def describe(self, vocabulary: Optional[Vocabulary] = None) -> str:
        """The search in words: "autism support, age 7, near Strood, free only"."""
        vocabulary = vocabulary or cached()
        parts = [" and ".join((vocabulary.need(c).label if vocabulary.need(c) else c) for c in self.needs) or "any kind of help"]
        if self.keywords and not self.needs:
            parts[0] = "'" + " ".join(self.keywords) + "'"
        if self.age is not None:
            parts.append(f"age {self.age}")
        parts.append(f"near {self.place}" if self.place else "anywhere in Medway")
        if self.free_only:
            parts.append("free only")
        return ", ".join(parts)


@dataclass(frozen=True)
class Found:
    service_id: str
    score: float
    km: Optional[float]


@dataclass(frozen=True)
class Result:
    query: Query
    found: tuple[Found, ...]
    relaxed: Optional[str] = None  # which filter was dropped to find these, in words

    @property
    def total(self) -> int:
        return len(self.found)


def _terms(keywords: tuple[str, ...]) -> list[str]:
    return list(dict.fromkeys(t for k in keywords for t in _TERM.findall(k.lower())))[:12]


def _base(connection: Connection, query: Query, vocabulary: Vocabulary):
    si = m.service_index
    conditions = []
    for code in query.needs:
        tagged = (select(m.attribute.c.link_id).join(m.taxonomy_term, m.taxonomy_term.c.id == m.attribute.c.taxonomy_term_id)
                  .where(m.taxonomy_term.c.code == code))
        conditions.append(si.c.service_id.in_(tagged))
    if query.age is not None:
        conditions.append(or_(si.c.minimum_age.is_(None), si.c.minimum_age <= query.age))
        conditions.append(or_(si.c.maximum_age.is_(None), si.c.maximum_age >= query.age))
    if query.free_only:
        conditions.append(si.c.is_free.is_(True))
    place = vocabulary.place(query.place) if query.place else None
    distance = None
    if place:
        dlat = RADIUS_KM / 111.0
        dlon = RADIUS_KM / (111.0 * math.cos(math.radians(place.latitude)))
        conditions.append(or_(si.c.latitude.is_(None), and_(
            si.c.latitude.between(place.latitude - dlat, place.latitude + dlat),
            si.c.longitude.between(place.longitude - dlon, place.longitude + dlon))))
        scale = math.cos(math.radians(place.latitude))
        distance = ((si.c.latitude - place.latitude) * (si.c.latitude - place.latitude)
                    + (si.c.longitude - place.longitude) * scale * (si.c.longitude - place.longitude) * scale)
    return conditions, place, distance


def _run(connection: Connection, query: Query, vocabulary: Vocabulary) -> list[Found]:
    si = m.service_index
    conditions, place, distance = _base(connection, query, vocabulary)
    terms = _terms(query.keywords)
    columns = [si.c.service_id, si.c.latitude, si.c.longitude]
    statement = None
    if terms and connection.dialect.name == "sqlite":
        match = " OR ".join(f'"{t}"' for t in terms)
        rank = literal_column("bm25(service_fts)")
        statement = (select(*columns, rank.label("rank"))
                     .select_from(si.join(_FTS, literal_column("service_index.rowid") == _FTS.c.rowid))
                     .where(_FTS.c.service_fts.op("MATCH")(match), *conditions)
                     .order_by(rank))
        # bm25: lower is better; turn into "higher is better"
        sign = -1.0
    elif terms:
        tsquery = func.to_tsquery("english", " | ".join(terms))
        tsv = literal_column("service_index.document_tsv")
        statement = (select(*columns, func.ts_rank(tsv, tsquery).label("rank"))
                     .where(tsv.op("@@")(tsquery), *conditions).order_by(literal_column("rank").desc()))
        sign = 1.0
    else:
        order = [distance.asc()] if distance is not None else []
        statement = select(*columns, literal(0).label("rank")).where(*conditions).order_by(
            *order, si.c.service_id)
        sign = 1.0
    rows = connection.execute(statement.limit(CANDIDATES)).all()
    found = []
    best = max((abs(r.rank or 0) for r in rows), default=0) or 1.0
    for row in rows:
        km = place.km_to(row.latitude, row.longitude) if place and row.latitude is not None else None
        if km is not None and km > RADIUS_KM:  # the SQL box's corners are further than the radius
            continue
        relevance = sign * float(row.rank or 0) / best if terms else 0.0
        nearness = 1.0 - min(km, RADIUS_KM) / RADIUS_KM if km is not None else (0.3 if place else 0.0)
        found.append(Found(row.service_id, round(0.7 * relevance + 0.3 * nearness, 4), km))
    found.sort(key=lambda f: (-f.score, f.km if f.km is not None else 99, f.service_id))
    return found


RELAXATIONS = (
    ("place", lambda q: replace(q, place=None), "I looked across all of Medway instead of only near {place}"),
    ("free_only", lambda q: replace(q, free_only=False), "I included services that charge"),
    ("age", lambda q: replace(q, age=None), "I included services for other ages"),
    ("needs", lambda q: replace(q, needs=q.needs[:1]), "I searched for {first} only"),
    ("keywords", lambda q: replace(q, keywords=()), "I left out the words '{keywords}'"),
)


def search(connection: Connection, query: Query, vocabulary: Optional[Vocabulary] = None) -> Result:
    """The matching active services, best first; relaxes one filter when nothing matches."""
    vocabulary = vocabulary or cached()
    found = _run(connection, query, vocabulary)
    if found:
        return Result(query, tuple(found))
    for field, relax, words in RELAXATIONS:
        value = getattr(query, field)
        if not value or (field == "needs" and len(query.needs) < 2) or (field == "keywords" and query.needs == ()):
            continue
        wider = relax(query)
        found = _run(connection, wider, vocabulary)
        if found:
            first = vocabulary.need(query.needs[0]).label if query.needs and vocabulary.need(query.needs[0]) else ""
            return Result(wider, tuple(found), words.format(place=query.place, first=first,
                                                            keywords=" ".join(query.keywords)))
    return Result(query, ())


def find(engine: Engine, query: Query, vocabulary: Optional[Vocabulary] = None) -> Result:
    with engine.connect() as connection:
        return search(connection, query, vocabulary)


def details(engine: Engine, service_ids: list[str]) -> list[dict[str, Any]]:
    """What a result card shows for each service, in the order given."""
    if not service_ids:
        return []
    s, o = m.service, m.organization
    with engine.connect() as connection:
        services = {r.id: r._asdict() for r in connection.execute(
            select(s.c.id, s.c.name, s.c.description, s.c.minimum_age, s.c.maximum_age, s.c.fees,
                   s.c.application_process, s.c.url, s.c.email, s.c.last_modified, s.c.is_sample,
                   o.c.name.label("organization"))
            .select_from(s.outerjoin(o, o.c.id == s.c.organization_id)).where(s.c.id.in_(service_ids)))}
        phones: dict[str, str] = {}
        for r in connection.execute(select(m.phone.c.service_id, m.phone.c.number).where(m.phone.c.service_id.in_(service_ids))):
            phones.setdefault(r.service_id, r.number)
        towns: dict[str, str] = {}
        for r in connection.execute(
                select(m.service_at_location.c.service_id, m.address.c.city, m.address.c.postal_code)
                .join(m.address, m.address.c.location_id == m.service_at_location.c.location_id)
                .where(m.service_at_location.c.service_id.in_(service_ids))):
            towns.setdefault(r.service_id, " ".join(p for p in (r.city, r.postal_code) if p))
        free = {r.service_id: r.is_free for r in connection.execute(
            select(m.service_index.c.service_id, m.service_index.c.is_free).where(m.service_index.c.service_id.in_(service_ids)))}
    cards = []
    for id_ in service_ids:
        row = services.get(id_)
        if row is None:
            continue
        modified = row["last_modified"]
        cards.append(dict(row, phone=phones.get(id_), where=towns.get(id_), is_free=bool(free.get(id_)),
                          last_modified=modified.date().isoformat() if isinstance(modified, datetime) else None))
    return cards
