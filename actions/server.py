"""The action server as `make run` starts it: `python -m actions.server [--interface ADDRESS] [--port N]`.

rasa_sdk's own server listens on every address and asks nobody who is calling; anyone who can
reach it can run an action with any slots they like (for example a question for the volunteer
queue with `consent=yes`). This one listens on 127.0.0.1 unless told otherwise, and when
$ACTION_SERVER_TOKEN is set every call except /health must carry `Authorization: Bearer <token>`
(Rasa sends it from `headers:` under `action_endpoint` in its endpoints file). It refuses to
listen on another address without a token.

Its logging comes from logging.yml (the Rasa server's `--logging-config-file`), which redacts personal
details from every record; unlike Rasa, a file that cannot be applied stops the server.
"""
from __future__ import annotations

import argparse
import hmac
import ipaddress
import logging
import logging.config
import os
import sys
from typing import Optional, Sequence

TOKEN_VARIABLE = "ACTION_SERVER_TOKEN"
MIN_TOKEN_CHARS = 16


def is_loopback(interface: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost: addresses only this machine can reach."""
    if interface == "localhost":
        return True
    try:
        return ipaddress.ip_address(interface).is_loopback
    except ValueError:
        return False


def token_problem(token: Optional[str], interface: str) -> Optional[str]:
    """Why the server must not start with this token on this interface, or None."""
    if token is None or token == "":
        if is_loopback(interface):
            return None
        return (f"The action server would listen on {interface} with no authentication. Set ${TOKEN_VARIABLE} "
                f"(at least {MIN_TOKEN_CHARS} characters) here and send it from Rasa's endpoints file "
                "(see deploy/endpoints.scale.yml), or listen on 127.0.0.1.")
    if len(token) < MIN_TOKEN_CHARS:
        return f"${TOKEN_VARIABLE} must be at least {MIN_TOKEN_CHARS} characters."
    return None


def authorised(header: Optional[str], token: str) -> bool:
    """Whether an Authorization header carries the token (compared in constant time)."""
    scheme, _, given = (header or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m actions.server", description="The assistant's action server.")
    parser.add_argument("--interface", default="127.0.0.1",
                        help=f"address to listen on (default 127.0.0.1; any other needs ${TOKEN_VARIABLE})")
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--actions", default="actions", help="the package of actions")
    parser.add_argument("--log-level", default=os.environ.get("LOG_LEVEL", "INFO"),
                        help="INFO unless $LOG_LEVEL says otherwise (as for the Rasa server)")
    parser.add_argument("--logging-config-file", default="logging.yml",
                        help="logging configuration (dictConfig YAML), default logging.yml: it redacts personal details")
    return parser


def configure_logging(config_file: str, level: str) -> None:
    """Logging as the Rasa server sets it up: the configuration file, then rasa_sdk's coloured console
    output (which keeps the file's filters on the handler it restyles). Errors are not swallowed."""
    import yaml
    from rasa_sdk import utils

    with open(config_file, encoding="utf-8") as file:
        logging.config.dictConfig(yaml.safe_load(file))
    utils.configure_colored_logging(level)
    utils.update_sanic_log_level()


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    token = os.environ.get(TOKEN_VARIABLE)
    problem = token_problem(token, args.interface)
    if problem:
        print(problem, file=sys.stderr)
        return 2

    from rasa_sdk.endpoint import create_app
    from sanic import response
    from sanic.request import Request

    from actions import posted_body

    configure_logging(args.logging_config_file, args.log_level)
    app = create_app(args.actions, cors_origins=None)

    if token:
        @app.middleware("request")
        async def require_token(request: Request) -> Optional[response.HTTPResponse]:
            if request.path != "/health" and not authorised(request.headers.get("authorization"), token):
                return response.json({"error": "This action server needs its token."}, status=401)
            return None

    @app.middleware("request")
    async def decode_action_call(request: Request) -> None:
        # each earlier event of a conversation decoded once (actions/posted_body.py), not at every call
        if request.method == "POST" and request.path == "/webhook" and request.body \
                and request.headers.get("Content-Encoding") != "deflate":
            try:
                request.parsed_json = posted_body.decode(request.body)
            except ValueError:  # not JSON: left to Sanic's own decoding, as before
                pass

    logging.getLogger(__name__).info("Action server on http://%s:%d (%s)", args.interface, args.port,
                                     "token required" if token else "no token: loopback only")
    app.run(args.interface, args.port, workers=1, access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
