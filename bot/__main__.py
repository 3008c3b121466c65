"""Command line: `python -m bot <command>`. Run `python -m bot --help` for the list."""
from __future__ import annotations

import argparse
import signal
import sys
from typing import Callable, Optional, Sequence

from bot import content, conversations, distress, named_topics, people, safety, volunteer_queue, web
from bot.directory import cli as directory_cli
from bot.errors import MedwayError
from bot.insight import cli as insight_cli
from bot.triage import cli as triage_cli
from bot.yamlfile import ContentError, Problem


def _report(problems: list[Problem], what: str) -> int:
    errors = [p for p in problems if p.severity == "error"]
    for problem in problems:
        print(problem, file=sys.stderr)
    if errors:
        print(f"{what}: {len(errors)} error(s).", file=sys.stderr)
        return 1
    print(f"{what}: OK.")
    return 0


def cmd_safety(args: argparse.Namespace) -> int:
    if args.check:
        failed = _report(safety.self_check(), str(safety.default_path()))
        return _report(distress.self_check(), str(distress.default_path())) or failed
    if not args.message:
        print("Give a message to try, or --check.", file=sys.stderr)
        return 2
    text = " ".join(args.message)
    hit = safety.match(text)
    print(f"matches pattern: {hit}" if hit else "no safeguarding pattern matches")
    if safety.guard_veto(text):
        print("an everyday guard phrase is in it: the model alone would not raise the alarm")
    elif safety.guarded(text):
        print(f"an everyday guard phrase is in it, but the message is over {safety.GUARD_MAX_WORDS} words: "
              "the model's reading still counts")
    if distress.load().heard(text):
        print("distress: the answer starts with the acknowledgement in content/distress.yml")
    return 0


def cmd_people(args: argparse.Namespace) -> int:
    if args.check:
        try:
            people.load()
        except ContentError as exc:
            return _report(exc.problems, str(people.default_path()))
        return _report([], str(people.default_path()))
    print(people.handoff_message())
    return 0


def _try_follow_up(library: "content.Library", entry_id: str, message: str) -> int:
    """What a follow-up reaches after an entry's answer, read as the assistant reads it."""
    from bot import answers, followups
    from bot.triage.classify import MODEL, load_model
    if entry_id not in library.entries or not message:
        print("Usage: python -m bot content follow-up ENTRY_ID what the parent types", file=sys.stderr)
        return 2
    ranking: list = []
    if MODEL.exists():
        ranking = [{"name": n, "confidence": c} for n, c in load_model().rank_many([message], 10)[0]]
    else:
        print(f"(no trained model at {MODEL}: the ask phrases alone decide)")
    top = ranking[0] if ranking else {"name": None, "confidence": 0.0}
    print(f"The model alone: {top['name']} ({top['confidence']:.2f})")
    for reading in followups.score(message, ranking, library.entries[entry_id], library)[:3]:
        print(f"  candidate {reading.target}: score {reading.score:.2f} (model {reading.model:.2f}, "
              f"ask phrases {reading.phrase:.2f})")
    reading = followups.reread(message, ranking, entry_id, library, top["name"], float(top["confidence"]))
    if reading is None:
        print("Not read as a follow-up: the assistant replies as it would to the message on its own.")
        return 0
    outcome = answers.follow_up(reading, entry_id, library)
    print(f"Read as a follow-up: {reading.target}\n")
    print(outcome.messages[0].text)
    return 0


def cmd_content_list(args: argparse.Namespace) -> int:
    library = content.load()  # a broken file: main() prints its problems (ContentError) and exits 1
    for topic, entries in library.topics().items():
        print(topic)
        for entry in entries:
            print(f"  {entry.id:32} {entry.title}")
    return 0


def cmd_content_show(args: argparse.Namespace) -> int:
    library = content.load()
    entry = library.entries.get(args.id)
    if entry is None:
        print(f"No entry '{args.id}'. `python -m bot content list` shows the ids.", file=sys.stderr)
        return 2
    print(content.reply_text(entry))
    print("\nButtons: " + " | ".join(b["title"] for b in content.follow_up_buttons(entry, library)))
    for follow_up in entry.follow_ups:  # what a short follow-up after this answer reaches
        target = "this answer" if follow_up.target == entry.id else f"'{follow_up.target}'"
        quoted = f", quoting \"{follow_up.fact}\"" if follow_up.fact else ""
        print(f"Follow-up: {' / '.join(follow_up.asks)} -> {target}{quoted}")
    return 0


def cmd_content_follow_up(args: argparse.Namespace) -> int:
    library = content.load()
    return _try_follow_up(library, args.id, " ".join(args.message))


def cmd_content_build(args: argparse.Namespace) -> int:
    try:
        written = content.write_training_files()
    except ContentError as exc:
        return _report(exc.problems, "content/faq")
    for path in written:
        print(f"wrote {path.relative_to(content.PROJECT_ROOT)}")
    print("generated training files are up to date" if not written else "retrain with `make train`")
    return 0


def cmd_content_check(args: argparse.Namespace) -> int:
    problems = content.check()
    if not any(p.severity == "error" for p in problems):
        library = content.load()
        problems += content.clashes_with_training_data(library)
        problems += [Problem(path, 1, "generated from content/faq but out of date",
                             "run `make content` (or `python -m bot content build`) and commit the result")
                     for path in content.stale_training_files(library)]
        problems += named_topics.check(library.entries)
        print(f"{len(library.entries)} FAQ entries in {content.faq_dir()}")
    return _report(problems, "content/faq")


def cmd_web_build(args: argparse.Namespace) -> int:
    print(f"built {web.build().relative_to(content.PROJECT_ROOT)}")
    return 0


def cmd_web_serve(args: argparse.Namespace) -> int:
    web.serve(args.port, args.rasa_url, args.host)
    return 0


def cmd_conversations(args: argparse.Namespace) -> int:
    url = args.database or conversations.database_url()
    try:
        days = args.days if args.days is not None else conversations.retention_days()
        result = conversations.forget(conversations.connect(url), days, dry_run=args.dry_run)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    left = volunteer_queue.forget(volunteer_queue.connect(args.queue_database), days, dry_run=args.dry_run)
    verb = "would delete" if args.dry_run else "deleted"
    print(f"{conversations.describe(url)}: {verb} {result.events} event(s) from before "
          f"{result.cutoff:%Y-%m-%d %H:%M} UTC ({days} days); {result.conversations} conversation(s) gone entirely.")
    print(f"Questions left for volunteers: {verb} {left}.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Medway SEND assistant tools.")
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("safety", help="try a message against the safeguarding patterns, or check the file")
    p.add_argument("message", nargs="*", help="the message to try")
    p.add_argument("--check", action="store_true", help="validate content/safeguarding.yml and its examples")
    p.set_defaults(func=cmd_safety)

    p = commands.add_parser("content", help="check the FAQ content, or build the training files from it")
    actions = p.add_subparsers(dest="action", required=True)
    actions.add_parser("check", help="validate content/faq").set_defaults(func=cmd_content_check)
    actions.add_parser("build", help="write the generated training files").set_defaults(func=cmd_content_build)
    actions.add_parser("list", help="entries by topic").set_defaults(func=cmd_content_list)
    a = actions.add_parser("show", help="preview an answer as parents see it")
    a.add_argument("id", help="the entry id")
    a.set_defaults(func=cmd_content_show)
    a = actions.add_parser("follow-up", help="what MESSAGE reaches when typed straight after ID's answer")
    a.add_argument("id", help="the entry id")
    a.add_argument("message", nargs="+", help="the message a parent types next")
    a.set_defaults(func=cmd_content_follow_up)

    p = commands.add_parser("web", help="build the chat widget, or serve the demo Local Offer page")
    actions = p.add_subparsers(dest="action", required=True)
    actions.add_parser("build", help="build web/dist/medway-chat.js").set_defaults(func=cmd_web_build)
    a = actions.add_parser("serve", help="serve the demo Local Offer page with the widget")
    a.add_argument("--port", type=int, default=8000)
    a.add_argument("--rasa-url", default="http://localhost:5005", help="the Rasa server the widget talks to")
    a.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0 in a container)")
    a.set_defaults(func=cmd_web_serve)

    p = commands.add_parser("people", help="show or check content/people.yml")
    p.add_argument("--check", action="store_true", help="validate the file")
    p.set_defaults(func=cmd_people)

    p = commands.add_parser("conversations", help="delete stored conversations and left questions older than the retention period")
    p.add_argument("action", choices=["forget"])
    p.add_argument("--days", type=int, help=f"keep this many days (default ${conversations.RETENTION_VARIABLE} "
                                            f"or {conversations.DEFAULT_RETENTION_DAYS})")
    p.add_argument("--dry-run", action="store_true", help="count what would be deleted, delete nothing")
    p.add_argument("--database", help="the tracker store's SQLAlchemy URL (default: from endpoints.yml)")
    p.add_argument("--queue-database", help=f"the volunteer queue's URL (default: ${volunteer_queue.URL_VARIABLE} "
                                            "or var/volunteer-queue.db)")
    p.set_defaults(func=cmd_conversations)

    directory_cli.add_parser(commands)
    triage_cli.add_parser(commands)
    insight_cli.add_parser(commands)
    return parser


SERVERS = {("web", "serve"), ("insight", "serve")}
"""Commands that serve HTTP: a client hanging up must raise an error they handle, not end the process."""


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    if (args.command, getattr(args, "action", None)) not in SERVERS:
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # a printing command piped to `head` ends quietly
    handler: Callable[[argparse.Namespace], int] = args.func
    try:
        return handler(args)
    except MedwayError as exc:
        print(exc, file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
