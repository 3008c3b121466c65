"""`python -m bot directory ...`: load, import, search and check the service directory (for staff)."""
from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path
from typing import Optional

from tqdm import tqdm

from bot.csv_safety import safe_cell
from bot.directory import cards, db, feed, sample, search, spreadsheet, store
from bot.directory.query import understand
from bot.directory.vocabulary import default_path as vocabulary_path, load as load_vocabulary
from bot.errors import CANNOT
from bot.paths import PROJECT_ROOT
from bot.yamlfile import ContentError

DEFAULT_CSV_SOURCE = "spreadsheet"


EXIT_NOTHING_IMPORTED = 1
REJECTS_COLUMNS = ("where", "service id", "what happened", "why")


def _progress(total: Optional[int], what: str, enabled: bool):
    bar = tqdm(total=total, unit=" services", desc=what, file=sys.stderr, disable=not enabled, leave=False)
    return bar, bar.update


def write_rejects(summary: store.Summary, path: Path) -> Optional[Path]:
    """Every rejected row and every value left out, with why, as a CSV staff can open in Excel
    (None, and an old file removed, when there is nothing to report)."""
    problems = summary.rejected + summary.warnings
    if not problems:
        path.unlink(missing_ok=True)
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8-sig") as out:  # the BOM makes Excel read UTF-8
        writer = csv.writer(out)
        writer.writerow(REJECTS_COLUMNS)
        for problem in problems:
            happened = ("value left out" if problem.kept and "row 1, column" not in problem.where else
                        "column ignored" if problem.kept else "not imported")
            writer.writerow(safe_cell(v) for v in (problem.where, problem.service_id or "", happened, problem.reason))
    return path


def _rejects_path(args: argparse.Namespace, source: str, csv_path: Optional[Path]) -> Path:
    if args.rejects:
        return Path(args.rejects)
    if csv_path is not None:
        return csv_path.with_name(f"{csv_path.stem}-rejects.csv")
    slug = re.sub(r"[^a-z0-9]+", "-", source.lower()).strip("-")[:80]
    return PROJECT_ROOT / "var" / f"directory-rejects-{slug}.csv"


def _import(engine, args: argparse.Namespace, records, rejected, source: str, rejects: Path, show_progress: bool,
            sample_data: bool = False) -> int:
    bar, tick = _progress(len(records), "storing", show_progress)
    try:
        with bar:
            summary = store.apply(engine, records, source, rejected, sample=sample_data,
                                  deactivate_missing=not args.keep_missing, progress=tick,
                                  allow_shrink=args.allow_shrink, dry_run=args.dry_run)
    except store.ShrinkRefused as exc:
        written = write_rejects(exc.summary, rejects)
        print(exc, file=sys.stderr)
        if written:
            print(f"The rejected rows and values left out are listed in {written}.", file=sys.stderr)
        return EXIT_NOTHING_IMPORTED
    print(summary)
    written = write_rejects(summary, rejects)
    if written:
        print(f"Every rejected row and value left out, with the reason, is listed in {written}.")
    if args.dry_run:
        print("Dry run: the directory was not changed.")
    else:
        print(f"The directory now has {store.count_services(engine)} active services.")
    if summary.received == 0:
        print("Nothing could be imported" + (" (see the rejected rows above)." if summary.rejected else ": the source holds no services."),
              file=sys.stderr)
        return EXIT_NOTHING_IMPORTED
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
    is_sample = action == "load-sample"
    if is_sample and store.has_real_services(engine):
        print("The directory holds real services, so the sample directory was not loaded.")
        return 0
    csv_path = Path(args.csv) if args.csv else sample.default_path() if is_sample else None
    if csv_path is None and not args.url:
        print("Give --csv FILE or --url FEED (see --help).", file=sys.stderr)
        return 2
    url = None if csv_path else feed.normalise_url(args.url)
    source = sample.SOURCE if is_sample else args.source or (DEFAULT_CSV_SOURCE if csv_path else f"feed:{url}")
    if not is_sample and source == sample.SOURCE:
        print(f"Nothing imported: '{sample.SOURCE}' is the sample directory's source; choose another --source.",
              file=sys.stderr)
        return CANNOT
    bar, tick = _progress(None, "reading the feed", show_progress and url is not None)
    try:
        with bar:
            if url is None:
                records, rejected = spreadsheet.read(csv_path)
            else:
                client = feed.Client(url, other_hosts=args.allow_other_hosts)
                records, rejected = feed.fetch(url, client=client, progress=tick,
                                               expected=lambda total: setattr(bar, "total", total))
    except (spreadsheet.SpreadsheetError, feed.FeedError, OSError) as exc:
        print(f"Nothing imported: {exc}", file=sys.stderr)
        return CANNOT
    return _import(engine, args, records, rejected, source, _rejects_path(args, source, csv_path), show_progress,
                   is_sample)


def _search(engine, args: argparse.Namespace) -> int:
    understood = understand(" ".join(args.words))
    query = search.Query(tuple(args.need or understood.needs), args.age if args.age is not None else understood.age,
                         args.near or understood.place, args.free or understood.free_only, understood.keywords)
    result = search.find(engine, query)
    print(f"Searched for: {result.query.describe()}")
    if result.relaxed:
        print(f"Nothing matched exactly, so {result.relaxed}.")
    if search.unmatched_note(result):
        print(search.unmatched_note(result))
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
                                        "Spreadsheet columns: see README, 'The spreadsheet's columns'.")
    p.add_argument("action", choices=["migrate", "load-sample", "import", "search", "check", "sample"],
                   help="migrate: create or upgrade the schema; load-sample: load the sample directory; "
                        "import: from --csv or --url; search: try a search; check: check vocabulary.yml; "
                        "sample: rewrite the sample CSV")
    p.add_argument("words", nargs="*", help="with search: what a parent might type")
    p.add_argument("--database", help="SQLAlchemy URL (default: $MEDWAY_DIRECTORY_URL or var/directory.db)")
    p.add_argument("--csv", help="with import: a CSV spreadsheet in the documented columns")
    p.add_argument("--url", help="with import: the base address of an Open Referral UK API (1.0 or 3.0)")
    p.add_argument("--source", help="with import: the name of this source of services: the same name every time for "
                                    "the same data (default: 'spreadsheet' for --csv, 'feed:ADDRESS' for --url)")
    p.add_argument("--keep-missing", action="store_true",
                   help="with import: leave services missing from this import active (default: mark them inactive)")
    p.add_argument("--allow-shrink", action="store_true",
                   help=f"with import: allow marking more than {store.MAX_SHRINK:.0%} of the source's active services "
                        "inactive (refused by default)")
    p.add_argument("--dry-run", action="store_true",
                   help="with import: read, check and count everything, write the rejects file, change nothing")
    p.add_argument("--rejects", help="with import: where to write the rejects CSV (default: FILE-rejects.csv beside "
                                     "the spreadsheet, var/directory-rejects-SOURCE.csv for a feed)")
    p.add_argument("--allow-other-hosts", action="store_true",
                   help="with --url: follow redirects to another host (refused by default)")
    p.add_argument("--progress", action="store_true", help="show a progress bar even when not on a terminal")
    p.add_argument("--need", action="append", help="with search: a need code from vocabulary.yml")
    p.add_argument("--age", type=int, help="with search: the child's age")
    p.add_argument("--near", help="with search: a Medway town")
    p.add_argument("--free", action="store_true", help="with search: free services only")
    p.add_argument("--limit", type=int, default=5)
    p.set_defaults(func=cmd)
