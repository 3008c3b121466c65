"""Finding services: filters for need, age, cost and place, ranked by the words typed and nearness.

Filters narrow (a service must have every need asked for, take the child's age, be free when
asked, and be within reach of the place or have no fixed venue). The words a parent typed rank
what is left in tiers: every word in the service's name, any word in its name, every word in its
text, any word in its text, then (when a need was asked for) the rest with that need; nearest first
within a tier. When nothing matches, one filter at a time is relaxed (place, then cost, then age,
then the extra needs) and the result says which.
"""
from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import column, func, literal, literal_column, or_, select, table
from sqlalchemy.engine import Connection, Engine

from bot.directory import index, models as m
from bot.directory.vocabulary import Vocabulary, cached

RADIUS_KM = 6.0
_FTS = table("service_fts", column("rowid"), column("service_fts"))  # SQLite's FTS5 table
CANDIDATES = 24  # six pages of four
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


def _terms(keywords: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Each word with the forms that mean the same ("therapist" also finds "therapy"), at most 12."""
    words = list(dict.fromkeys(t for k in keywords for t in _TERM.findall(k.lower())))[:12]
    groups = []
    for word in words:
        forms = [word]
        for ending in ("ists", "ist"):
            if word.endswith(ending) and len(word) > len(ending) + 3:
                forms.append(word[: -len(ending)] + "y")
                break
        groups.append(tuple(forms))
    return groups


def _name_hits(name: str, groups: list[tuple[str, ...]]) -> int:
    """How many of the words typed a service's name contains (by their first five letters)."""
    name_words = _TERM.findall(name.lower())
    return sum(any(w.startswith(form[:5]) for w in name_words for form in group) for group in groups)


# How well a service's text answers the words typed, best first: every word in the name, any word
# in the name, every word anywhere, any word anywhere. Within a tier the nearest come first.
TIERS = (("name", "all"), ("name", "any"), ("document", "all"), ("document", "any"))
RINGS_KM = (1.5, 3.0, RADIUS_KM)


def _filters(query: Query, rows) -> list:
    """Conditions on `rows` (service_index, or service_need when the first need drives the read)."""
    si, sn = m.service_index, m.service_need
    if rows is sn:  # the other needs: point look-ups in service_need's own key
        conditions = []
        for code in query.needs[1:]:
            other = sn.alias()
            conditions.append(select(other.c.service_id).where(
                other.c.need_code == code, other.c.cell == sn.c.cell, other.c.service_id == sn.c.service_id).exists())
    else:
        conditions = [si.c.needs.like(f"% {code} %") for code in query.needs]
    if query.age is not None:
        conditions.append(or_(rows.c.minimum_age.is_(None), rows.c.minimum_age <= query.age))
        conditions.append(or_(rows.c.maximum_age.is_(None), rows.c.maximum_age >= query.age))
    if query.free_only:
        conditions.append(rows.c.is_free.is_(True))
    return conditions


def _text_condition(connection: Connection, column: str, mode: str, groups: list[tuple[str, ...]]):
    """A full-text condition on the name or the whole text, for every word or any word."""
    if connection.dialect.name == "sqlite":
        parts = ["(" + " OR ".join(f'"{form}"' for form in group) + ")" for group in groups]
        match = f"{{{column}}} : ({(' AND ' if mode == 'all' else ' OR ').join(parts)})"
        return literal_column("service_index.rowid").in_(
            select(_FTS.c.rowid).where(_FTS.c.service_fts.op("MATCH")(match)))
    parts = ["(" + " | ".join(group) + ")" for group in groups]
    tsquery = func.to_tsquery("english", (" & " if mode == "all" else " | ").join(parts))
    return literal_column(f"service_index.{column}_tsv").op("@@")(tsquery)


def _fetch(connection: Connection, query: Query, text_condition, place, km: Optional[float], limit: int):
    """Rows meeting the query: the nearest first within `km` of the place, else in index order.

    A text condition drives the query when there is one (its matches are few). Otherwise, with a
    need, rows are read in service_need's (need, grid square) key order, which carries the filter
    columns too: only services with that need in the squares near the place are read."""
    si, sn = m.service_index, m.service_need
    by_need = bool(query.needs) and text_condition is None
    rows = sn if by_need else si
    conditions = _filters(query, rows) + ([text_condition] if text_condition is not None else [])
    if by_need:
        conditions.append(sn.c.need_code == query.needs[0])
        source = sn
        name = literal("")  # the need-only tier ranks by distance alone
        order = [sn.c.cell, sn.c.service_id]
    else:
        source, name, order = si, si.c.name, [si.c.service_id]
    if place is not None:
        cells = index.cells_within(place.latitude, place.longitude, km)
        conditions.append(sn.c.cell.in_(cells + [index.NO_CELL]) if by_need
                          else or_(si.c.cell.in_(cells), si.c.cell.is_(None)))
        scale = math.cos(math.radians(place.latitude))
        distance = ((rows.c.latitude - place.latitude) * (rows.c.latitude - place.latitude)
                    + (rows.c.longitude - place.longitude) * scale * (rows.c.longitude - place.longitude) * scale)
        order = [distance.asc().nulls_last(), rows.c.service_id]
    columns = (rows.c.service_id, name.label("name"), rows.c.latitude, rows.c.longitude)
    return connection.execute(select(*columns).select_from(source).where(*conditions).order_by(*order).limit(limit)).all()


_MEET_SECONDS = 300.0
_meet_cache: dict[tuple, tuple[float, bool]] = {}


def _needs_meet(connection: Connection, needs: tuple[str, ...]) -> bool:
    """Whether any active service has every one of these needs (remembered for five minutes, as
    the answer changes only with an import)."""
    key = (str(connection.engine.url), tuple(sorted(needs)))
    now = time.monotonic()
    cached_answer = _meet_cache.get(key)
    if cached_answer and now - cached_answer[0] < _MEET_SECONDS:
        return cached_answer[1]
    sn = m.service_need
    first = sorted(needs, key=lambda code: _need_count(connection, code))
    conditions = [sn.c.need_code == first[0]]
    for code in first[1:]:
        other = sn.alias()
        conditions.append(select(other.c.service_id).where(
            other.c.need_code == code, other.c.cell == sn.c.cell, other.c.service_id == sn.c.service_id).exists())
    answer = connection.execute(select(sn.c.service_id).where(*conditions).limit(1)).first() is not None
    _meet_cache[key] = (now, answer)
    return answer


def _need_count(connection: Connection, code: str) -> int:
    sn = m.service_need
    return int(connection.execute(select(func.count()).select_from(sn).where(sn.c.need_code == code)).scalar_one())


def _run(connection: Connection, query: Query, vocabulary: Vocabulary) -> list[Found]:
    """Up to CANDIDATES services, best tier first and nearest first within a tier.

    No relevance score is computed over every match (that cost 30 ms and more at 100,000 services):
    each tier and ring is an indexed query that stops at CANDIDATES rows.
    """
    place = vocabulary.place(query.place) if query.place else None
    if len(query.needs) > 1:  # the rarest need drives the indexed read
        query = replace(query, needs=tuple(sorted(query.needs, key=lambda code: _need_count(connection, code))))
    terms = _terms(query.keywords)
    if query.needs and terms and not _fetch(connection, query, None, None, None, 1):
        return []  # no service anywhere has these needs for this age and cost: no tier can find one
    # With a need asked for, services that have it but never use the words still follow, last.
    tiers = (TIERS + (((None, None),) if query.needs else ())) if terms else ((None, None),)
    found: dict[str, Found] = {}
    for number, (column, mode) in enumerate(tiers):
        if mode == "any" and len(terms) == 1:
            continue  # with one word, "all" and "any" are the same query
        condition = _text_condition(connection, column, mode, terms) if column else None
        rows: list = []
        # Text tiers are small: one query over the whole radius. The filter-only tier can be large,
        # so it looks near the place first and widens only when it has not found enough.
        for km in (RINGS_KM if place and not column else (RADIUS_KM,)):
            rows = _fetch(connection, query, condition, place, km, CANDIDATES)
            if len(rows) >= CANDIDATES:
                break
        for row in rows:
            if row.service_id in found:
                continue
            km = place.km_to(row.latitude, row.longitude) if place and row.latitude is not None else None
            if km is not None and km > RADIUS_KM:  # a grid square's corner can be further than the radius
                continue
            found[row.service_id] = Found(row.service_id, 100.0 * (len(tiers) - number) + _name_hits(row.name, terms), km)
        if len(found) >= CANDIDATES:
            break
    return sorted(found.values(), key=lambda f: (-f.score, f.km if f.km is not None else 99, f.service_id))


RELAXATIONS = (
    ("place", lambda q: replace(q, place=None), "I looked across all of Medway instead of only near {place}"),
    ("free_only", lambda q: replace(q, free_only=False), "I included services that charge"),
    ("age", lambda q: replace(q, age=None), "I included services for other ages"),
    ("needs", lambda q: replace(q, needs=q.needs[:1]), "I searched for {first} only"),
)


def search(connection: Connection, query: Query, vocabulary: Optional[Vocabulary] = None) -> Result:
    """The matching active services, best first; relaxes one filter when nothing matches."""
    vocabulary = vocabulary or cached()
    # No service anywhere with all these needs: only dropping a need can help, so skip the rest.
    impossible = len(query.needs) > 1 and not _needs_meet(connection, query.needs)
    found = [] if impossible else _run(connection, query, vocabulary)
    if found:
        return Result(query, tuple(found))
    for field, relax, words in RELAXATIONS:
        value = getattr(query, field)
        if not value or (field == "needs" and len(query.needs) < 2) or (impossible and field != "needs"):
            continue
        wider = relax(query)
        found = _run(connection, wider, vocabulary)
        if found:
            first = vocabulary.need(query.needs[0]).label if query.needs and vocabulary.need(query.needs[0]) else ""
            return Result(wider, tuple(found), words.format(place=query.place, first=first))
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
