"""`python -m bot triage FILE`: suggested answers for a file of parents' questions (for forum volunteers)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from bot import sentence_encoder
from bot.triage import reader, report
from bot.triage.classify import MODEL, Triage, load_model


def cmd(args: argparse.Namespace) -> int:
    source: Path = args.file
    try:
        questions, unreadable = reader.read(source)
    except reader.TriageFileError as exc:
        print(exc, file=sys.stderr)
        return 2
    if not questions and not unreadable:
        print(f"{source}: no questions found (one a line, or a CSV with a 'question' column).", file=sys.stderr)
        return 2
    sentence_encoder.use_threads()  # a batch job: every core, no conversations waiting
    try:
        triage = Triage(load_model(args.model))
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 2
    with tqdm(total=len(questions), unit=" questions", desc="Triage", file=sys.stderr,
              disable=args.quiet or None, leave=False) as bar:
        results = triage.run(questions, progress=bar.update)

    out_dir: Path = args.out or source.parent
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path = out_dir / f"{source.stem}-triage.csv"
    html_path = out_dir / f"{source.stem}-triage.html"
    report.write_csv(results, unreadable, csv_path)
    report.write_html(results, unreadable, html_path, source.name)

    urgent = sum(r.safeguarding for r in results)
    person = sum(r.needs_person for r in results)
    print(f"{len(results)} question(s) triaged: {person} need a person, {urgent} about safeguarding (listed first).")
    if unreadable:
        print(f"{len(unreadable)} row(s) could not be read:", file=sys.stderr)
        for problem in unreadable[:20]:
            print(f"  row {problem.row}: {problem.reason}", file=sys.stderr)
        if len(unreadable) > 20:
            print(f"  ... and {len(unreadable) - 20} more, listed in the reports", file=sys.stderr)
    print(f"wrote {csv_path}\nwrote {html_path}")
    return 0


def add_parser(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("triage", help="suggest answers for a file of questions (CSV or one a line)",
                            description="Writes FILE-triage.csv and FILE-triage.html: each question's topic, "
                                        "suggested answer with its source, and whether a person must look. "
                                        "Safeguarding questions come first.")
    p.add_argument("file", type=Path, help="a .csv with a 'question' column (or questions in the first column), "
                                           "or a text file with one question a line")
    p.add_argument("--out", type=Path, help="folder for the reports (default: beside FILE)")
    p.add_argument("--model", type=Path, default=MODEL, help="the trained model archive (default: %(default)s)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd)
