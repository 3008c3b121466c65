"""Finding services: filters for need, age, cost and place, ranked by the words typed and nearness.

Filters narrow (a service must have every need asked for, take the child's age, be free when
asked, and be within reach of the place or have no fixed venue). The words a parent typed rank
what is left in tiers: every word in the service's name, any word in its name, every word in its
text, any word in its text, then (when a need was asked for) the rest with that need; nearest first
within a tier. Near a place, services in that town (the place they are nearest to) come before all
others: a parent who asks near Gillingham sees Gillingham's services first. When nothing matches, one filter at a time is relaxed (place, then cost, then age,
then the extra needs) and the result says which.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import Float, select, text, type_coerce
from sqlalchemy.engine import Connection, Engine

from bot.directory import models as m, tags
from bot.directory.query import Query
from bot.directory.vocabulary import Place, Vocabulary, cached

RADIUS_KM = tags.RADIUS_KM
CANDIDATES = 24  # six pages of four
_TERM = re.compile(r"[a-z0-9]+")
_IST = re.compile(r"([a-z0-9]{4,})ists?")  # "therapist" or "therapists": also "therapy"


@dataclass(frozen=True)
class Found:
    service_id: str
    score: float
    km: Optional[float]
    in_town: bool = False  # nearer the place searched for than to any other Medway place
    in_districts: bool = False  # nearest a place inside the searched town's postcode districts
    adults_only: bool = False  # for adults only (18 and over) while the search is not: shown after the rest


@dataclass(frozen=True)
class Result:
    query: Query
    found: tuple[Found, ...]
    relaxed: Optional[str] = None  # which filter was dropped to find these, in words
    unmatched: tuple[str, ...] = ()  # words typed that no service meeting the filters mentions

    @property
    def total(self) -> int:
        return len(self.found)


def _terms(keywords: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Each word with the forms that mean the same ("therapist" also finds "therapy"), at most 12."""
    words = list(dict.fromkeys(t for k in keywords for t in _TERM.findall(k.lower())))[:12]
    groups = []
    for word in words:
        ist = _IST.fullmatch(word)
        groups.append((word, ist.group(1) + "y") if ist else (word,))
    return groups


def _name_hits(name: str, groups: list[tuple[str, ...]]) -> int:
    """How many of the words typed a service's name has (by the name-word tags' rule)."""
    in_name = set(tags.name_words(name))
    return sum(any(tags.name_word(form) in in_name for form in group) for group in groups)


# Words that say what sort of service, not what it is about: they rank, but never narrow a search
# for a need (the drop-in "with speech therapists" near Gillingham still answers "speech therapy
# near Gillingham"), and are not reported as matching nothing.
GENERIC = frozenset("""therapy therapies therapist therapists group groups club clubs class classes session sessions
course courses service activity activities advice accessible inclusive friendly centre center team clinic
clinics workshop workshops drop support supported supporting help helping information info things stuff
problems problem issues difficulties""".split())

_NO_VENUE_BAND = -1
_SQLITE_FETCH = text("SELECT si.service_id, si.name, si.latitude, si.longitude, si.minimum_age FROM service_fts "
                     "JOIN service_index si ON si.id = service_fts.rowid WHERE service_fts MATCH :match LIMIT :limit")
_PG_SELECT = "SELECT service_id, name, latitude, longitude, minimum_age FROM service_index WHERE search_tsv @@ "
_PG_FETCH = text(_PG_SELECT + "CAST(:tags AS tsquery) LIMIT :limit")
_PG_FETCH_WORDS = text(_PG_SELECT + "(CAST(:tags AS tsquery) && to_tsquery('english', :words)) LIMIT :limit")


def _words(groups: list[tuple[str, ...]], mode: Optional[str], sqlite: bool, in_name: bool) -> str:
    """The words typed as a full-text query: every group (or any, by `mode`), each group one of its
    forms; in the name, as name tags. Every form is [a-z0-9]+; SQLite's are quoted."""
    all_of, one_of = (" AND ", " OR ") if sqlite else (" & ", " | ")
    forms = [dict.fromkeys(tags.name_word(f) if in_name else f for f in group) for group in groups]
    quoted = [[f'"{f}"' if sqlite else f for f in group] for group in forms]
    return "(" + (all_of if mode == "all" else one_of).join("(" + one_of.join(group) + ")" for group in quoted) + ")"


def _sqlite_match(column: Optional[str], mode: Optional[str], groups: list[tuple[str, ...]], wanted: tags.Filter) -> str:
    """An FTS5 query: the words (in the text, or the name's tags) and the filter tags."""
    parts = []
    if column:
        parts.append(("{document}" if column == "document" else "{tags}") + " : " + _words(groups, mode, True, column == "name"))
    if wanted.required:
        parts.append("{tags} : (" + " AND ".join(f'"{t}"' for t in wanted.required) + ")")
    if wanted.any_of:
        parts.append("{tags} : (" + " OR ".join(f'"{t}"' for t in wanted.any_of) + ")")
    match = "(" + " AND ".join(parts) + ")"
    for tag in wanted.excluded:
        match += f' NOT {{tags}} : "{tag}"'
    return match


def _pg_tags(column: Optional[str], mode: Optional[str], groups: list[tuple[str, ...]], wanted: tags.Filter) -> str:
    """The tags half of a PostgreSQL full-text query (tags are stored and looked up as they are)."""
    parts = list(wanted.required) + (["(" + " | ".join(wanted.any_of) + ")"] if wanted.any_of else [])
    if column == "name":
        parts.append(_words(groups, mode, False, True))
    return " & ".join(parts + [f"!{t}" for t in wanted.excluded])


def _fetch(connection: Connection, column: Optional[str], mode: Optional[str], groups: list[tuple[str, ...]],
           wanted: tags.Filter, limit: int) -> list:
    """Up to `limit` services with the words typed (every one or any, by `mode`) in `column` (the
    name, the whole text, or None: no words) and tags that meet `wanted`, in the full-text index's
    own order: SQLite stops as soon as it has them."""
    if connection.dialect.name == "sqlite":
        return connection.execute(_SQLITE_FETCH, {"match": _sqlite_match(column, mode, groups, wanted), "limit": limit}).all()
    values = {"limit": limit, "tags": _pg_tags(column, mode, groups, wanted)}
    if column == "document":
        return connection.execute(_PG_FETCH_WORDS, dict(values, words=_words(groups, mode, False, False))).all()
    return connection.execute(_PG_FETCH, values).all()


def _steps(query: Query, terms: list[tuple[str, ...]], vocabulary: Vocabulary) -> tuple[list, list[tuple[str, ...]]]:
    """The look-ups of a search, best first: (column, mode, words), or NARROW; and the words that
    narrow. Words typed are of three kinds: specific ones ("swimming", "internship"), the need's
    own words ("camhs", "portage"), which come after them, and GENERIC words, which rank only when
    every word typed is there. When a service has a specific or need word, the need's services
    without one never follow."""
    if not terms:
        return [(None, None, [])], []
    need_words = {w for code in query.needs for synonym in getattr(vocabulary.need(code), "synonyms", ())
                  for w in _TERM.findall(synonym)}
    specific = [g for g in terms if g[0] not in GENERIC and g[0] not in need_words]
    named = [g for g in terms if g[0] in need_words and g[0] not in GENERIC]
    several = len(terms) > 1  # with one word, "all" and "any" are the same look-up
    steps: list = []
    for column in ("name", "document"):
        steps += [(column, "all", terms)] + [(column, "any", words) for words in (specific, named) if words and several]
    steps.append(NARROW)
    if query.needs:
        steps.append((None, None, []))  # the need's other services, last
    return steps, specific + named


NARROW = "narrow"


def _run(connection: Connection, query: Query, vocabulary: Vocabulary) -> tuple[list[Found], tuple[str, ...]]:
    """Up to CANDIDATES services, best look-up first and nearest first within one, and the
    specific words typed that none of the services meeting the filters mentions.

    Specific words narrow: when a service uses them, services that do not never follow.

    No relevance score is computed over every match (that cost 30 ms and more at 100,000 services):
    each look-up is one indexed query that stops at CANDIDATES rows. When one near a place has more
    than that, it is read again band by band (1.5, 3, 6 km, then no fixed venue), nearest first.
    """
    place = vocabulary.place(query.place) if query.place else None
    terms = _terms(query.keywords)
    filters_checked = not terms
    steps, specific = _steps(query, terms, vocabulary)
    found: dict[str, Found] = {}
    unmatched: tuple[str, ...] = ()
    every_word = False  # some service has every word typed
    adults = query.age is not None and query.age >= 18
    wanted = tags.for_query(query.needs, query.age, query.free_only, place, None)

    def add(rows: list, score: float) -> None:
        for row in rows:
            if row.service_id not in found:
                km = place.km_to(row.latitude, row.longitude) if place and row.latitude is not None else None
                nearest = _nearest_place(vocabulary, row.latitude, row.longitude) if km is not None else None
                found[row.service_id] = Found(row.service_id, score + _name_hits(row.name, terms), km,
                                              nearest is not None and nearest.name == place.name,
                                              _within_districts(nearest, place),
                                              not adults and (row.minimum_age or 0) >= 18)

    for number, step in enumerate(steps):
        if step == NARROW:
            if found and specific:
                break  # specific words matched: they narrow
            if not found:
                unmatched = tuple(group[0] for group in specific)
            continue
        column, mode, words = step
        score = 100.0 * (len(steps) - number)
        rows = _fetch(connection, column, mode, words, wanted, CANDIDATES)
        if not rows and not filters_checked:
            filters_checked = True
            if not _fetch(connection, None, None, [], wanted, 1):
                return [], ()  # nothing within reach meets the needs, age and cost: nothing can be found
        every_word = every_word or (mode == "all" and bool(rows))
        if place is None or len(rows) < CANDIDATES:
            add(rows, score)  # the whole look-up: sorted by distance below
        else:
            for band in list(range(len(tags.BANDS_KM))) + [_NO_VENUE_BAND]:
                in_band = tags.for_query(query.needs, query.age, query.free_only, place, band)
                add(_fetch(connection, column, mode, words, in_band, CANDIDATES), score)
                if len(found) >= CANDIDATES:
                    break
        if len(found) >= CANDIDATES:
            break
    if found and not unmatched and 1 < len(terms) <= 6 and not every_word and specific:
        # Only some of the words matched anywhere: which specific ones did not?
        unmatched = tuple(group[0] for group in specific
                          if not _fetch(connection, "document", "all", [group], wanted, 1))
    ordered = sorted(found.values(), key=lambda f: (f.adults_only, not f.in_town, -f.score, not f.in_districts,
                                                    f.km if f.km is not None else 99, f.service_id))
    return ordered, unmatched


def unmatched_note(result: Result) -> Optional[str]:
    """What to say about words typed that no service mentions, or None."""
    if not result.unmatched:
        return None
    words = " or ".join(f"'{w}'" for w in result.unmatched)
    return f"No service in the directory mentions {words}, so I left {'that word' if len(result.unmatched) == 1 else 'those words'} out."


def _nearest_place(vocabulary: Vocabulary, latitude: float, longitude: float) -> Optional[Place]:
    """The Medway place a venue is nearest to."""
    return min(vocabulary.places, key=lambda p: p.km_to(latitude, longitude), default=None)


def _within_districts(nearest: Optional[Place], town: Place) -> bool:
    """Whether a venue's nearest place lies inside the searched town's postcode districts: among
    equally good matches outside the town itself, Walderslade and Lordswood (ME5) come first for
    Chatham, Rainham (ME8) for Gillingham."""
    return nearest is not None and bool(nearest.districts) and set(nearest.districts) <= set(town.districts)


RELAXATIONS = (
    ("place", lambda q: replace(q, place=None), "I looked across all of Medway instead of only near {place}"),
    ("free_only", lambda q: replace(q, free_only=False), "I included services that charge"),
    ("age", lambda q: replace(q, age=None), "I included services for other ages"),
)
ONE_NEED = "I searched for {need} only"


def _tries(query: Query, vocabulary: Vocabulary) -> list[tuple[Query, Optional[str]]]:
    """The search as asked, then with one filter relaxed at a time, then (with several needs) each need alone."""
    tries = [(query, None)] + [(relax(query), words.format(place=query.place))
                               for field, relax, words in RELAXATIONS if getattr(query, field)]
    if len(query.needs) > 1:
        tries += [(replace(query, needs=(code,)), ONE_NEED.format(need=getattr(vocabulary.need(code), "label", code)))
                  for code in query.needs]
    return tries


def find(engine: Engine, query: Query, vocabulary: Optional[Vocabulary] = None) -> Result:
    """The matching active services, best first; relaxes one filter when nothing matches. With several
    needs and no service that has them all, each need is tried alone and the one whose services best
    match the words typed wins ("youth club ... learning disabilities": the learning disability youth
    group, not every short break)."""
    vocabulary = vocabulary or cached()
    tries = _tries(query, vocabulary)
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # The planner guesses how many rows the tags match as if needs, ages and places were
            # unrelated; when they are related it reads the whole table in order hoping to meet a match
            # soon (100 ms and more at 100,000 services). The full-text indexes always answer in a few ms.
            connection.execute(text("SET LOCAL enable_seqscan = off"))
        every_need = tags.for_query(query.needs, None, False, None, None)
        if len(query.needs) > 1 and not _fetch(connection, None, None, [], every_need, 1):
            tries = tries[-len(query.needs):]  # no service has every need asked for: only one need at a time can
        one_need: list[Result] = []
        for tried, relaxed in tries:
            found, unmatched = _run(connection, tried, vocabulary)
            if found and relaxed and relaxed.startswith(ONE_NEED.split("{")[0]):
                one_need.append(Result(tried, tuple(found), relaxed, unmatched))
            elif found:
                return Result(tried, tuple(found), relaxed, unmatched)
        if one_need:  # the need whose services match the words typed best, then the first asked
            return max(one_need, key=lambda r: (-len(r.unmatched), r.found[0].score, -one_need.index(r)))
    return Result(query, ())


def _first_address(column) -> Any:
    """A column of a service's first venue address, as a scalar subquery."""
    sal, address = m.service_at_location, m.address
    return (select(column).select_from(sal.join(address, address.c.location_id == sal.c.location_id))
            .where(sal.c.service_id == m.service.c.id).order_by(sal.c.id, address.c.id).limit(1).scalar_subquery())


def _schedule_text(row: Any) -> str:
    """A schedule in words: its own description, else its days and hours as the feed gives them."""
    if row.description:
        return " ".join(row.description.split())
    hours = " to ".join(h for h in (row.opens_at, row.closes_at) if h)
    return " ".join(p for p in (row.byday, hours) if p)


def details(engine: Engine, service_ids: list[str]) -> list[dict[str, Any]]:
    """What a result card shows for each service, in the order given (one query: a card is shown
    after every search)."""
    if not service_ids:
        return []
    s, o, si, phone = m.service, m.organization, m.service_index, m.phone
    first_phone = (select(phone.c.number).where(phone.c.service_id == s.c.id).order_by(phone.c.id).limit(1)
                   .scalar_subquery())
    with engine.connect() as connection:
        services = {r.id: r._asdict() for r in connection.execute(
            select(s.c.id, s.c.name, s.c.description, s.c.minimum_age, s.c.maximum_age, s.c.fees,
                   s.c.application_process, s.c.url, s.c.email, s.c.last_modified, s.c.assured_date, s.c.is_sample,
                   o.c.name.label("organization"), si.c.is_free, first_phone.label("phone"),
                   _first_address(m.address.c.city).label("city"), _first_address(m.address.c.postal_code).label("postcode"))
            .select_from(s.outerjoin(o, o.c.id == s.c.organization_id).outerjoin(si, si.c.service_id == s.c.id))
            .where(s.c.id.in_(service_ids)))}
        costs: dict[str, list[dict]] = {}
        c = m.cost_option.c
        for cost in connection.execute(select(c.service_id, c.option, type_coerce(c.amount, Float).label("amount"),
                                              c.amount_description).where(m.cost_option.c.service_id.in_(list(services)))
                                       .order_by(m.cost_option.c.service_id, m.cost_option.c.id)):
            costs.setdefault(cost.service_id, []).append(cost._asdict())
        times: dict[str, list[str]] = {}
        t = m.schedule.c
        for when in connection.execute(select(t.service_id, t.description, t.byday, t.opens_at, t.closes_at)
                                       .where(t.service_id.in_(list(services))).order_by(t.service_id, t.id)):
            times.setdefault(when.service_id, []).append(_schedule_text(when))
    cards = []
    for id_ in service_ids:
        row = services.get(id_)
        if row is None:
            continue
        modified, assured = row.pop("last_modified"), row.pop("assured_date")
        day = modified.date() if isinstance(modified, datetime) else assured
        city, postcode = row.pop("city"), row.pop("postcode")
        cards.append(dict(row, where=" ".join(p for p in (city, postcode) if p) or None, is_free=bool(row["is_free"]),
                          cost_options=costs.get(id_, []), last_modified=day.isoformat() if day else None,
                          opening_times="; ".join(t for t in times.get(id_, []) if t) or None))
    return cards
