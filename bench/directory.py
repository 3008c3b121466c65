"""`make bench` (directory part): import 100,000 generated services, then time 1,000 mixed searches.

Prints the import rate (services per second, reading the CSV included) and p50/p95 search time on
SQLite and on a throwaway PostgreSQL server; writes the figures to bench/results/directory.json.
Targets on the 2-core machine: p95 under 20 ms per search, import over 2,000 services per second.
"""
from __future__ import annotations

import argparse
import gc
import random
import statistics
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from bench.figures import percentile, save
from bot.directory import db, sample, search, spreadsheet, store
from bot.directory.query import understand
from bot.directory.vocabulary import cached

PHRASES = ["speech therapy", "autism support group", "free holiday club", "respite", "camhs", "OT", "makaton",
           "dyslexia", "portage", "wheelchair sports", "deaf children", "ADHD workshop", "counselling",
           "parent coffee morning", "sensory play", "physio", "youth club learning disability", "SALT", "ASD outreach",
           "overnight short breaks", "vision support", "down syndrome group", "carers walks", "after school club"]


def queries(count: int, seed: int = 7) -> list[search.Query]:
    """Mixed searches as parents make them: words, needs, ages, places and 'free', in different mixes."""
    rng = random.Random(seed)
    places = [p.name for p in cached().places] + ["ME7", "ME2", "ME5"]
    made = []
    for _ in range(count):
        parts = [rng.choice(PHRASES)]
        if rng.random() < 0.6:
            parts.append(f"for my {rng.randint(0, 25)} year old")
        if rng.random() < 0.6:
            parts.append(f"near {rng.choice(places)}")
        if rng.random() < 0.2:
            parts.insert(0, "free")
        u = understand(" ".join(parts))
        kind = rng.random()
        keywords = u.keywords if kind < 0.7 else ()  # some searches are filters only
        made.append(search.Query(u.needs, u.age, u.place, u.free_only, keywords))
    return made


def measure(url: str, csv_path: Path, searches: list[search.Query]) -> dict:
    engine = db.make_engine(url)
    db.migrate(engine)
    started = time.perf_counter()
    records, rejected = spreadsheet.read(csv_path)
    summary = store.apply(engine, records, "bench", rejected)
    import_seconds = time.perf_counter() - started
    assert summary.added == len(records) and not summary.rejected, summary
    started = time.perf_counter()
    again = store.apply(engine, records, "bench", rejected)
    unchanged_seconds = time.perf_counter() - started
    del records  # searches run in the action server, which never holds an import's records
    gc.collect()
    vocabulary = cached()
    for query in searches[:50]:  # warm the caches
        search.find(engine, query, vocabulary)
    timings, found = [], 0
    for query in searches:
        start = time.perf_counter()
        result = search.find(engine, query, vocabulary)
        search.details(engine, [f.service_id for f in result.found[:4]])
        timings.append((time.perf_counter() - start) * 1000)
        found += bool(result.found)
    engine.dispose()
    return {"services": summary.added, "import_seconds": round(import_seconds, 1),
            "import_services_per_second": round(summary.added / import_seconds),
            "reimport_unchanged_seconds": round(unchanged_seconds, 1), "reimport_unchanged": again.unchanged,
            "searches": len(searches), "searches_with_results": found,
            "search_p50_ms": round(statistics.median(timings), 2), "search_p95_ms": round(percentile(timings, 0.95), 2),
            "search_max_ms": round(max(timings), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.directory")
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--searches", type=int, default=1_000)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    figures = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    searches = queries(args.searches)
    with tempfile.TemporaryDirectory() as work:
        csv_path = Path(work) / "services.csv"
        csv_path.write_text(sample.generate(args.services), encoding="utf-8")
        figures["sqlite"] = measure(f"sqlite:///{Path(work) / 'directory.db'}", csv_path, searches)
        if not args.no_postgres:
            from harness.postgres import Postgres
            server = Postgres().start()
            try:
                figures["postgresql"] = measure(server.create_database("bench"), csv_path, searches)
            finally:
                server.stop()
    print(f"Directory benchmark: {args.services:,} services, {args.searches:,} mixed searches")
    for name in ("sqlite", "postgresql"):
        if name in figures:
            f = figures[name]
            print(f"  {name:10} import {f['import_services_per_second']:,} services/s ({f['import_seconds']} s; "
                  f"unchanged re-import {f['reimport_unchanged_seconds']} s); search p50 {f['search_p50_ms']} ms, "
                  f"p95 {f['search_p95_ms']} ms, max {f['search_max_ms']} ms ({f['searches_with_results']} with results)")
    save("directory", figures)


if __name__ == "__main__":
    main()
