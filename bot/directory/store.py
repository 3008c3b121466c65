"""Writing imported services: one transaction, upsert by service id, nothing half-done.

A re-run with the same data writes nothing (each service's fingerprint and stored status are
compared); services from the same source that no longer arrive are marked inactive, never
deleted, but never more than MAX_SHRINK of them unless allowed, never any when nothing usable
arrived, and never one whose row was rejected; the search index is refreshed for exactly the
services that changed. The first real import takes the sample directory out.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Optional, Sequence

from sqlalchemy import delete, select, text, update
from sqlalchemy.engine import Connection, Engine

from bot.directory import bulk, index, models as m
from bot.directory.records import Rejected, ServiceRecord, stable_id
from bot.directory.vocabulary import Vocabulary, cached
from bot.errors import MedwayError

CHUNK = 2000
Progress = Callable[[int], None]


MAX_SHRINK = 0.2  # an import may deactivate at most this share of a source's active services


class ShrinkRefused(MedwayError):
    """The import would deactivate too many of the source's services; nothing was changed."""

    def __init__(self, summary: "Summary", active: int, limit: float) -> None:
        self.summary = summary
        super().__init__(
            f"Nothing imported: this import would deactivate {summary.deactivated} of the {active} active services "
            f"from '{summary.source}' ({summary.deactivated / active:.0%}; the limit is {limit:.0%}). "
            "If the file or feed is incomplete, fix it and import again; if a partial file is meant, use "
            "--keep-missing; if those services really have gone, import again with --allow-shrink.")


@dataclass
class Summary:
    source: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    warnings: list[Rejected] = field(default_factory=list)
    sample_removed: int = 0
    kept_unread: int = 0  # services left as they were because their row or record was rejected
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def received(self) -> int:
        return self.added + self.updated + self.unchanged

    def __str__(self) -> str:
        head = "Dry run (nothing was written): " if self.dry_run else ""
        lines = [f"{head}{self.source}: {self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
                 f"{self.deactivated} deactivated, {len(self.rejected)} rejected, "
                 f"{len(self.warnings)} warnings ({self.seconds:.1f}s)"]
        if self.kept_unread:
            lines.append(f"  {self.kept_unread} stored services whose row was rejected were left as they were")
        if self.sample_removed:
            lines.append(f"  the sample directory ({self.sample_removed} made-up services) "
                         f"{'would be' if self.dry_run else 'was'} taken out: real data is in")
        for kind, problems, plural in (("rejected", self.rejected, ""), ("warning", self.warnings, " warnings")):
            lines += [f"  {kind} {r}" for r in problems[:50]]
            if len(problems) > 50:
                lines.append(f"  ... and {len(problems) - 50} more{plural}")
        return "\n".join(lines)


def _chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def ensure_taxonomy(connection: Connection, vocabulary: Vocabulary) -> dict[str, str]:
    """The SEND needs taxonomy and its terms; returns need code -> taxonomy_term id."""
    taxonomy_id = stable_id("taxonomy", vocabulary.taxonomy)
    bulk.upsert(connection, m.taxonomy, [{"id": taxonomy_id, "name": vocabulary.taxonomy,
                                     "description": "SEND needs and kinds of help, Medway Local Offer"}])
    terms = [{"id": stable_id("term", vocabulary.taxonomy, n.code), "code": n.code, "name": n.label,
              "taxonomy": vocabulary.taxonomy, "taxonomy_id": taxonomy_id} for n in vocabulary.needs]
    bulk.upsert(connection, m.taxonomy_term, terms)
    return {t["code"]: t["id"] for t in terms}


def _attributes(record: ServiceRecord, term_ids: dict[str, str]) -> list[dict]:
    rows = [{"id": stable_id("attribute", record.id, code), "link_id": record.id, "link_type": "need",
             "link_entity": "service", "taxonomy_term_id": term_ids[code]} for code in record.needs if code in term_ids]
    rows += [{"id": stable_id("attribute", record.id, term["id"]), "link_id": record.id, "link_type": "other",
              "link_entity": "service", "taxonomy_term_id": term["id"]} for term in record.other_terms]
    return rows


def _write(connection: Connection, records: list[ServiceRecord], replaced: list[str], source: str, sample: bool,
           term_ids: dict[str, str], vocabulary: Vocabulary) -> None:
    """Write these services and what they own (`replaced`: the ones stored before, whose owned rows
    go first). Services and the rows they share (organisations, venues, addresses, terms) are upserted."""
    if replaced:
        for table, column in ((m.attribute, m.attribute.c.link_id), *((t, t.c.service_id) for t in m.SERVICE_CHILDREN)):
            connection.execute(delete(table).where(column.in_(replaced)))
    organizations = [dict(r.organization, source=source, is_sample=sample) for r in records if r.organization]
    empty_service = dict.fromkeys(m.service.c.keys())  # a value the service no longer gives is cleared
    upserted = ((m.organization, organizations), (m.taxonomy_term, [t for r in records for t in r.other_terms]),
                (m.location, [loc for r in records for loc in r.locations]),
                (m.address, [a for r in records for a in r.addresses]),
                (m.service, [{**empty_service, **r.service, "source": source, "is_sample": sample,
                              "content_hash": r.fingerprint(), "raw": r.raw} for r in records]))
    for table, rows in upserted:
        bulk.upsert(connection, table, list({row["id"]: row for row in rows}.values()))  # one row an id
    for table in m.SERVICE_CHILDREN:
        bulk.insert(connection, table, [row for r in records for row in getattr(r, table.name)])
    bulk.insert(connection, m.attribute, [a for r in records for a in _attributes(r, term_ids)])
    index.refresh(connection, records, vocabulary, replaced)


def apply(engine: Engine, records: Iterable[ServiceRecord], source: str, rejected: Optional[list[Rejected]] = None,
          sample: bool = False, deactivate_missing: bool = True, progress: Progress = lambda services: None,
          vocabulary: Optional[Vocabulary] = None, allow_shrink: bool = False, max_shrink: float = MAX_SHRINK,
          dry_run: bool = False) -> Summary:
    """Store `records` from `source` in one transaction; on any error nothing changes.

    Services of the source that did not arrive are marked inactive, except those whose row or
    record was rejected (they are left as they were), and nothing at all when nothing arrived.
    When that would deactivate more than `max_shrink` of the source's active services, ShrinkRefused
    is raised and nothing changes, unless `allow_shrink`. A real import takes the sample directory
    out. With `dry_run` everything is worked out and the summary returned, but nothing is kept.
    """
    started = time.perf_counter()
    vocabulary = vocabulary or cached()
    problems = list(rejected or [])
    summary = Summary(source, rejected=[r for r in problems if not r.kept], warnings=[r for r in problems if r.kept],
                      dry_run=dry_run)
    by_id: dict[str, ServiceRecord] = {}
    for record in records:
        if record.id in by_id:
            summary.rejected.append(Rejected(f"service {record.id}", "the same id appears twice in the source; kept the first"))
            continue
        by_id[record.id] = record
    with engine.connect() as connection, connection.begin() as transaction:
        existing = {row.id: (row.content_hash, row.status) for row in connection.execute(
            select(m.service.c.id, m.service.c.content_hash, m.service.c.status).where(m.service.c.source == source))}
        _leave_out_other_sources(connection, by_id, summary)
        gone = _gone(existing, by_id, summary) if deactivate_missing else []
        active = sum(status != "inactive" for _, status in existing.values())
        if gone and not allow_shrink and len(gone) > max_shrink * active:
            raise ShrinkRefused(summary, active, max_shrink)
        todo = _to_write(existing, by_id, summary)
        progress(summary.unchanged)
        term_ids = ensure_taxonomy(connection, vocabulary)
        for chunk in _chunks(todo):
            _write(connection, list(chunk), [r.id for r in chunk if r.id in existing], source, sample, term_ids,
                   vocabulary)
            progress(len(chunk))
        _deactivate(connection, gone)
        if not sample and by_id:
            summary.sample_removed = _deactivate(connection, list(connection.execute(select(m.service.c.id).where(
                m.service.c.is_sample.is_(True), m.service.c.status != "inactive")).scalars()))
        if summary.added or summary.updated or summary.deactivated or summary.sample_removed:
            index.tidy(connection)
        if dry_run:
            transaction.rollback()
    summary.seconds = time.perf_counter() - started
    return summary


def _leave_out_other_sources(connection: Connection, by_id: dict[str, ServiceRecord], summary: Summary) -> None:
    """Reject the services whose id another source already gives, naming that source."""
    owners: dict[str, str] = {}
    for chunk in _chunks(list(by_id)):
        owners.update(connection.execute(select(m.service.c.id, m.service.c.source).where(
            m.service.c.id.in_(chunk), m.service.c.source != summary.source)).all())
    for id_, owner in sorted(owners.items()):
        summary.rejected.append(Rejected(
            f"service {id_}", f"this id belongs to the source '{owner}'; not imported (if this is the same data, "
                              f"import it with --source '{owner}')", service_id=id_))
        del by_id[id_]


def _gone(existing: dict[str, tuple], by_id: dict[str, ServiceRecord], summary: Summary) -> list[str]:
    """The source's active services that did not arrive, less those whose row or record was
    rejected (left as they were). Nothing arrived (an empty feed, every row rejected): none."""
    if not by_id:
        return []
    unread = {r.service_id for r in summary.rejected if r.service_id}
    missing = [id_ for id_, (_, status) in existing.items() if id_ not in by_id and status != "inactive"]
    gone = [id_ for id_ in missing if id_ not in unread]
    summary.kept_unread, summary.deactivated = len(missing) - len(gone), len(gone)
    return gone


def _to_write(existing: dict[str, tuple], by_id: dict[str, ServiceRecord], summary: Summary) -> list[ServiceRecord]:
    """The services that are new or changed (a service that returns is active again), counted."""
    todo = []
    for record in by_id.values():
        before = existing.get(record.id)
        if before == (record.fingerprint(), record.service["status"]):
            summary.unchanged += 1
            continue
        summary.added += before is None
        summary.updated += before is not None
        todo.append(record)
    return todo


def _deactivate(connection: Connection, ids: list[str]) -> int:
    """Mark services inactive and take them out of the search index; returns how many."""
    for chunk in _chunks(ids):
        connection.execute(update(m.service).where(m.service.c.id.in_(chunk)).values(status="inactive"))
        index.remove(connection, list(chunk))
    return len(ids)


def has_real_services(engine: Engine) -> bool:
    """Whether anything but the sample has ever been imported."""
    with engine.connect() as connection:
        return connection.execute(select(m.service.c.id).where(m.service.c.is_sample.is_(False)).limit(1)).first() is not None


def count_services(engine: Engine, active_only: bool = True) -> int:
    query = "SELECT COUNT(*) FROM service" + (" WHERE status = 'active'" if active_only else "")
    with engine.connect() as connection:
        return int(connection.execute(text(query)).scalar_one())
