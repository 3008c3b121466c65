"""Command line: `python -m bot <command>`. Run `python -m bot --help` for the list."""
from __future__ import annotations

import argparse
import sys
from typing import Callable, Optional, Sequence

from bot import people, safety
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
        return _report(safety.self_check(), str(safety.default_path()))
    if not args.message:
        print("Give a message to try, or --check.", file=sys.stderr)
        return 2
    hit = safety.match(" ".join(args.message))
    print(f"matches pattern: {hit}" if hit else "no safeguarding pattern matches")
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Medway SEND assistant tools.")
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("safety", help="try a message against the safeguarding patterns, or check the file")
    p.add_argument("message", nargs="*", help="the message to try")
    p.add_argument("--check", action="store_true", help="validate content/safeguarding.yml and its examples")
    p.set_defaults(func=cmd_safety)

    p = commands.add_parser("people", help="show or check content/people.yml")
    p.add_argument("--check", action="store_true", help="validate the file")
    p.set_defaults(func=cmd_people)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.func
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
