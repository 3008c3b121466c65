"""`python -m bot insight serve|token`: the insight page for staff and volunteers."""
from __future__ import annotations

import argparse
import secrets
import sys

from aiohttp import web

from bot import conversations, volunteer_queue
from bot.insight import login_guard, server


def cmd(args: argparse.Namespace) -> int:
    if args.action == "token":
        print(secrets.token_urlsafe(24))
        return 0
    token = server.configured_token()
    problem = server.token_problem(token)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    try:
        app = server.make_app(token, host=args.host, secure_cookie=not server.http_localhost(),
                              proxies=login_guard.trusted_proxies())
    except ValueError as problem:
        print(f"insight page: {problem} (check ${server.HTTP_LOCALHOST_VARIABLE} "
              f"and ${login_guard.PROXIES_VARIABLE})", file=sys.stderr)
        return 2
    print(f"Insight page: http://{args.host}:{args.port}/ (sign in with ${server.TOKEN_VARIABLE}); "
          f"conversations from {conversations.describe(conversations.database_url())}, "
          f"volunteer queue {conversations.describe(volunteer_queue.database_url())}")
    web.run_app(app, host=args.host, port=args.port, access_log=None, print=None)  # until Ctrl-C or SIGTERM
    return 0


def add_parser(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("insight", help="serve the insight page (needs $MEDWAY_INSIGHT_TOKEN), or make a token")
    p.add_argument("action", choices=["serve", "token"], help="serve: the page; token: print a new random token")
    p.add_argument("--port", type=int, default=8001)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (put HTTPS in front for other machines)")
    p.set_defaults(func=cmd)
