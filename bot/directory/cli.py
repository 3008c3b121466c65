"""`python -m bot directory ...`: load, import, search and check the service directory (for staff)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional

from tqdm import tqdm

from bot.directory import cards, db, feed, sample, search, spreadsheet, store
from bot.directory.query import understand
from bot.directory.vocabulary import default_path as vocabulary_path, load as load_vocabulary
from bot.errors import CANNOT
from bot.yamlfile import ContentError


def _progress(total: Optional[int], what: str, enabled: bool):
    bar = tqdm(total=total, unit=" services", desc=what, file=sys.stderr, disable=not enabled, leave=False)
    return bar, bar.update


def _finish(engine, summary: store.Summary) -> int:
    print(summary)
    print(f"The directory now has {store.count_services(engine)} active services.")
    return 0


def cmd(args: argparse.Namespace) -> int:
    action = args.action
    if action == "check":
        try:
            vocabulary = load_vocabulary()
        except ContentError as exc:
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            return 1
        print(f"{vocabulary_path()}: OK ({len(vocabulary.needs)} needs, {len(vocabulary.places)} places).")
        return 0
    if action == "sample":
        print(f"wrote {sample.write()}")
        return 0
    engine = db.make_engine(args.database)
    db.migrate(engine)
    if action == "migrate":
        print(f"{engine.url.render_as_string(hide_password=True)}: schema at revision {db.schema_version(engine)}")
        return 0
    if action == "search":
        return _search(engine, args)
    show_progress = args.progress or sys.stderr.isatty()
    if action == "load-sample" or args.csv:
        path = Path(args.csv) if args.csv else sample.default_path()
        try:
            records, rejected = spreadsheet.read(path)
        except (spreadsheet.SpreadsheetError, OSError) as exc:
            print(f"Nothing imported: {exc}", file=sys.stderr)
            return CANNOT
        is_sample = action == "load-sample"
        source = "sample" if is_sample else (args.source or f"csv:{path.name}")
        bar, tick = _progress(len(records), f"importing {path.name}", show_progress)
        with bar:
            summary = store.apply(engine, records, source, rejected, sample=is_sample,
                                  deactivate_missing=not args.keep_missing, progress=tick)
        return _finish(engine, summary)
    if args.url:
        bar, tick = _progress(None, "reading the feed", show_progress)
        try:
            with bar:
                client = feed.Client(args.url, other_hosts=args.allow_other_hosts)
                records, rejected = feed.fetch(args.url, client=client, progress=tick)
        except feed.FeedError as exc:
            print(f"Nothing imported: {exc}", file=sys.stderr)
            return CANNOT
        bar, tick = _progress(len(records), "storing", show_progress)
        with bar:
            summary = store.apply(engine, records, args.source or f"oruk:{args.url}", rejected,
                                  deactivate_missing=not args.keep_missing, progress=tick)
        return _finish(engine, summary)
    print("Give --csv FILE or --url FEED (see --help).", file=sys.stderr)
    return 2


def _search(engine, args: argparse.Namespace) -> int:
    understood = understand(" ".join(args.words))
    query = search.Query(tuple(args.need or understood.needs), args.age if args.age is not None else understood.age,
                         args.near or understood.place, args.free or understood.free_only, understood.keywords)
    result = search.find(engine, query)
    print(f"Searched for: {result.query.describe()}")
    if result.relaxed:
        print(f"Nothing matched exactly, so {result.relaxed}.")
    for problem in understood.problems:
        print(f"Note: {problem.replace('_', ' ')}")
    rows = search.details(engine, [f.service_id for f in result.found[: args.limit]])
    print(cards.as_text([cards.card(r) for r in rows]) or "No services found.")
    print(f"({result.total} found{'+' if result.total >= search.CANDIDATES else ''})")
    return 0


def add_parser(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("directory", help="the Local Offer service directory: import, search, check",
                            formatter_class=argparse.RawDescriptionHelpFormatter,
                            description="Examples:\n"
                                        "  python -m bot directory load-sample\n"
                                        "  python -m bot directory import --csv services.csv\n"
                                        "  python -m bot directory import --url https://council.example/api\n"
                                        "  python -m bot directory search speech therapy age 4 near Gillingham\n"
                                        "Spreadsheet columns: see bot/directory/spreadsheet.py or README.")
    p.add_argument("action", choices=["migrate", "load-sample", "import", "search", "check", "sample"],
                   help="migrate: create or upgrade the schema; load-sample: load the sample directory; "
                        "import: from --csv or --url; search: try a search; check: check vocabulary.yml; "
                        "sample: rewrite the sample CSV")
    p.add_argument("words", nargs="*", help="with search: what a parent might type")
    p.add_argument("--database", help="SQLAlchemy URL (default: $MEDWAY_DIRECTORY_URL or var/directory.db)")
    p.add_argument("--csv", help="with import: a CSV spreadsheet in the documented columns")
    p.add_argument("--url", help="with import: the base address of an Open Referral UK API (1.0 or 3.0)")
    p.add_argument("--source", help="with import: a name for this source (default: from the file or address)")
    p.add_argument("--keep-missing", action="store_true",
                   help="with import: leave services missing from this import active (default: mark them inactive)")
    p.add_argument("--allow-other-hosts", action="store_true",
                   help="with --url: follow redirects to another host (refused by default)")
    p.add_argument("--progress", action="store_true", help="show a progress bar even when not on a terminal")
    p.add_argument("--need", action="append", help="with search: a need code from vocabulary.yml")
    p.add_argument("--age", type=int, help="with search: the child's age")
    p.add_argument("--near", help="with search: a Medway town")
    p.add_argument("--free", action="store_true", help="with search: free services only")
    p.add_argument("--limit", type=int, default=5)
    p.set_defaults(func=cmd)
