"""The insight page's web server (`python -m bot insight serve`), behind a login token.

No token configured, no page. Signing in with the token (form, or an `Authorization: Bearer`
header for scripts) gives an HttpOnly, SameSite=Strict, Secure session cookie for 8 hours; forms
that change something also carry a per-session CSRF token, and a POST whose Origin (or Referer)
is another site is refused. Wrong tokens, typed or sent as a Bearer header, are counted per
client address (`login_guard`); a request that cannot be read gets a plain 400.
"""
from __future__ import annotations

import csv
import io
import logging
import os
import re
import secrets
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, time as clock, timedelta, timezone
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Optional
from urllib.parse import parse_qs, urlsplit

from sqlalchemy.engine import Engine

from bot import conversations, volunteer_queue
from bot.csv_safety import safe_cell
from bot.insight import figures, page
from bot.insight.login_guard import LOCKED_OUT, LockedOut, LoginGuard, client_address, trusted_proxies

TOKEN_VARIABLE = "MEDWAY_INSIGHT_TOKEN"
HTTP_LOCALHOST_VARIABLE = "MEDWAY_INSIGHT_HTTP_LOCALHOST"
MIN_TOKEN_CHARS = 16
SESSION_SECONDS = 8 * 3600
MAX_BODY = 4096
DEFAULT_DAYS = 30
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)
COOKIE = "insight_session"
_NUMBER = re.compile(r"[0-9]{1,18}")
log = logging.getLogger(__name__)


def configured_token() -> str:
    return os.environ.get(TOKEN_VARIABLE, "").strip()


def token_problem(token: str) -> Optional[str]:
    if not token:
        return f"{TOKEN_VARIABLE} is not set, so the insight page stays off."
    if len(token) < MIN_TOKEN_CHARS:
        return f"{TOKEN_VARIABLE} must be at least {MIN_TOKEN_CHARS} characters (try `python -m bot insight token`)."
    return None


@dataclass
class _Sessions:
    """Signed-in browsers: session id -> (expiry, CSRF token). In memory: a restart signs everyone out."""

    live: dict[str, tuple[float, str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> tuple[str, str]:
        session, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(16)
        with self.lock:
            now = time.time()
            self.live = {k: v for k, v in self.live.items() if v[0] > now}
            self.live[session] = (now + SESSION_SECONDS, csrf)
        return session, csrf

    def csrf_for(self, session: Optional[str]) -> Optional[str]:
        with self.lock:
            found = self.live.get(session or "")
        return found[1] if found and found[0] > time.time() else None

    def end(self, session: Optional[str]) -> None:
        with self.lock:
            self.live.pop(session or "", None)



class BadRequest(Exception):
    """A request the page cannot read: answered 400 with this message, nothing logged."""


class InsightServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], token: str, tracker: Engine, queue: Engine,
                 secure_cookie: bool = True, proxies: frozenset[str] = frozenset()):
        super().__init__(address, _Handler)
        self.token = token
        self.tracker = tracker
        self.queue = queue
        self.sessions = _Sessions()
        self.guard = LoginGuard()
        self.secure_cookie = secure_cookie
        self.proxies = proxies

    def handle_error(self, request: object, client_address: object) -> None:
        """One line, with neither the client's address nor a traceback."""
        log.error("insight page: a request failed (%s)", type(sys.exc_info()[1]).__name__)


def _day(value: Optional[str]) -> Optional[date]:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise BadRequest("Dates must be written YYYY-MM-DD, for example 2026-11-01.") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise BadRequest(f"Dates must be between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}.")
    return day


def number(value: str) -> int:
    """A row number from a form or query: digits only, small enough for any database."""
    if not _NUMBER.fullmatch(value):
        raise BadRequest("That is not a valid number.")
    return int(value)


def period(query: dict[str, list[str]], today: Optional[date] = None) -> tuple[datetime, datetime]:
    """[start, end) in UTC from ?from=YYYY-MM-DD&to=YYYY-MM-DD (both days included); the last 30 days by default.

    Raises BadRequest for a date that is not YYYY-MM-DD or is outside FIRST_DAY..LAST_DAY.
    """
    today = today or datetime.now(timezone.utc).date()
    last = _day((query.get("to") or [""])[0]) or today
    first = _day((query.get("from") or [""])[0]) or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        first, last = last, first
    return (datetime.combine(first, clock(), timezone.utc), datetime.combine(last + timedelta(days=1), clock(), timezone.utc))


class _Handler(BaseHTTPRequestHandler):
    server: InsightServer
    server_version = "MedwayInsight"
    sys_version = ""
    timeout = 30  # seconds a client may take to send its request before the connection is dropped

    # Plumbing --------------------------------------------------------------------------------

    def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8",
              headers: Optional[dict[str, str]] = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Referrer-Policy", "same-origin")  # so the page's own forms carry its Origin
        self.send_header("Content-Security-Policy",
                         "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; "
                         "frame-ancestors 'none'; base-uri 'none'")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _page(self, status: int, text: str, headers: Optional[dict[str, str]] = None) -> None:
        self._send(status, text.encode("utf-8"), headers=headers)

    def _redirect(self, location: str, headers: Optional[dict[str, str]] = None) -> None:
        self._send(303, b"", "text/plain", {"Location": location, **(headers or {})})

    def _cookie(self) -> Optional[str]:
        jar = SimpleCookie()
        try:
            jar.load(self.headers.get("Cookie") or "")
        except CookieError:
            return None
        return jar[COOKIE].value if COOKIE in jar else None

    def _client(self) -> str:
        return client_address(self.client_address[0], self.headers.get_all("X-Forwarded-For") or [], self.server.proxies)

    def _token_ok(self, given: str) -> bool:
        """Compare a token, counting a wrong one against this client (LoginGuard slows and locks)."""
        guard, client = self.server.guard, self._client()
        guard.wait()
        if secrets.compare_digest(given.encode(), self.server.token.encode()):
            return True
        guard.failed(client)
        return False

    def _signed_in(self) -> Optional[str]:
        """The session's CSRF token when signed in ('' for a bearer-token script), else None.

        Raises LockedOut when this client has sent too many wrong tokens.
        """
        header = self.headers.get("Authorization")
        if header is not None:
            self.server.guard.check(self._client())
            scheme, _, given = header.partition(" ")
            return "" if scheme == "Bearer" and self._token_ok(given.strip()) else None
        return self.server.sessions.csrf_for(self._cookie())

    def _form(self) -> dict[str, list[str]]:
        raw = (self.headers.get("Content-Length") or "0").strip()
        if not raw.isascii() or not raw.isdigit():
            raise BadRequest("The Content-Length header must be a whole number of bytes.")
        length = int(raw)
        if length > MAX_BODY:
            raise BadRequest("The form is too large.")
        return parse_qs(self.rfile.read(length).decode("utf-8", errors="replace"))

    def _same_site(self) -> bool:
        """A POST from a browser must come from this page: its Origin (or Referer) names this host.

        The host is the Host header, or X-Forwarded-Host when a trusted proxy sent the request.
        """
        source = self.headers.get("Origin") or self.headers.get("Referer")
        if source is None:
            return True  # not a browser form: scripts send no Origin, and still need the token
        hosts = {self.headers.get("Host") or ""}
        if self.client_address[0] in self.server.proxies:
            hosts.add(self.headers.get("X-Forwarded-Host") or "")
        return urlsplit(source).netloc.lower() in {h.strip().lower() for h in hosts if h.strip()}

    def _cookie_header(self, session: str, max_age: int) -> dict[str, str]:
        secure = "; Secure" if self.server.secure_cookie else ""
        return {"Set-Cookie": f"{COOKIE}={session}; Max-Age={max_age}; Path=/; HttpOnly; SameSite=Strict{secure}"}

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: no paths or addresses in logs (the query holds only dates)."""

    # Routes ----------------------------------------------------------------------------------

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        self._answer(self._get)

    def do_POST(self) -> None:
        self._answer(self._post)

    def _answer(self, route: Callable[[], None]) -> None:
        try:
            route()
        except BadRequest as problem:
            self.close_connection = True
            self._send(400, str(problem).encode("utf-8"), "text/plain; charset=utf-8")
        except LockedOut:
            self.close_connection = True
            self._page(429, page.login(LOCKED_OUT))

    def _get(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/health":
            return self._send(200, b"ok", "text/plain")
        if not self.server.token:
            return self._page(503, page.switched_off())
        if url.path == "/login":
            return self._page(200, page.login())
        csrf = self._signed_in()
        if csrf is None:
            return self._redirect("/login")
        query = parse_qs(url.query)
        if url.path == "/":
            return self._dashboard(query, csrf)
        if url.path == "/unanswered.csv":
            return self._unanswered_csv(query)
        self._page(404, "<p>Not found</p>")

    def _post(self) -> None:
        url = urlsplit(self.path)
        if not self.server.token:
            return self._page(503, page.switched_off())
        if not self._same_site():
            self.close_connection = True
            return self._send(403, b"This form was sent from another site, so it was refused.", "text/plain; charset=utf-8")
        form = self._form()
        if url.path == "/login":
            return self._login(form)
        csrf = self._signed_in()
        if csrf is None:
            return self._redirect("/login")
        if csrf and not secrets.compare_digest((form.get("csrf") or [""])[0].encode(), csrf.encode()):
            return self._page(403, "<p>This form has expired. Go back, reload the page and try again.</p>")
        if url.path == "/logout":
            self.server.sessions.end(self._cookie())
            return self._redirect("/login", self._cookie_header("", 0))
        if url.path == "/queue/done":
            done = volunteer_queue.mark_done(self.server.queue, number((form.get("id") or [""])[0]))
            notice = "done" if done else "already"
            return self._redirect(f"/?{url.query}&queue={notice}" if url.query else f"/?queue={notice}")
        self._page(404, "<p>Not found</p>")

    def _login(self, form: dict[str, list[str]]) -> None:
        self.server.guard.check(self._client())
        if not self._token_ok((form.get("token") or [""])[0].strip()):
            return self._page(401, page.login("That token is not right. Check it and try again."))
        session, _ = self.server.sessions.start()
        self._redirect("/", self._cookie_header(session, SESSION_SECONDS))

    def _dashboard(self, query: dict[str, list[str]], csrf: str) -> None:
        start, end = period(query)
        shown = figures.compute(self.server.tracker, start, end)
        notice = {"done": "Marked as done.", "already": "That question was already done."}.get((query.get("queue") or [""])[0])
        queue = volunteer_queue.listed(self.server.queue)
        self._page(200, page.dashboard(shown, queue, volunteer_queue.open_count(self.server.queue), csrf, notice))

    def _unanswered_csv(self, query: dict[str, list[str]]) -> None:
        start, end = period(query)
        groups = figures.compute(self.server.tracker, start, end).unanswered
        wanted = (query.get("group") or [""])[0]
        if wanted:
            if number(wanted) >= len(groups):
                return self._page(404, "<p>No such group in this period.</p>")
            groups = [groups[int(wanted)]]
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["question", "times_asked", "group"])
        for group in groups:
            for wording, count in group.wordings:
                writer.writerow([safe_cell(wording), count, safe_cell(group.representative)])
        name = f"unanswered-{start:%Y-%m-%d}-to-{end - timedelta(days=1):%Y-%m-%d}.csv"
        self._send(200, ("\ufeff" + out.getvalue()).encode("utf-8"), "text/csv; charset=utf-8",
                   {"Content-Disposition": f'attachment; filename="{name}"'})


def http_localhost() -> bool:
    """True when $MEDWAY_INSIGHT_HTTP_LOCALHOST=1: the page is reached as plain http://localhost."""
    return os.environ.get(HTTP_LOCALHOST_VARIABLE, "").strip() == "1"


def make_server(port: int, token: str, tracker_url: Optional[str] = None, queue_url: Optional[str] = None,
                host: str = "127.0.0.1", secure_cookie: bool = True,
                proxies: Optional[frozenset[str]] = None) -> InsightServer:
    """The server; `secure_cookie=False` is allowed only on a loopback address (plain http://localhost)."""
    if not secure_cookie and host not in ("127.0.0.1", "::1", "localhost"):
        raise ValueError("the session cookie can drop its Secure flag only for http://localhost")
    return InsightServer((host, port), token, conversations.connect(tracker_url), volunteer_queue.connect(queue_url),
                         secure_cookie, trusted_proxies() if proxies is None else proxies)
