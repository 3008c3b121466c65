"""The insight page's web server (`python -m bot insight serve`), behind a login token.

No token configured, no page. Signing in with the token (form, or an `Authorization: Bearer`
header for scripts) gives an HttpOnly, SameSite=Strict session cookie for 8 hours; forms that
change something also carry a per-session CSRF token. Five wrong tokens from one address in
five minutes lock that address out for the rest of the five minutes.
"""
from __future__ import annotations

import csv
import io
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, time as clock, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional
from urllib.parse import parse_qs, urlsplit

from sqlalchemy.engine import Engine

from bot import conversations, volunteer_queue
from bot.insight import figures, page
from bot.triage.report import safe_cell

TOKEN_VARIABLE = "MEDWAY_INSIGHT_TOKEN"
MIN_TOKEN_CHARS = 16
SESSION_SECONDS = 8 * 3600
MAX_FAILURES, FAILURE_WINDOW = 5, 300
MAX_BODY = 4096
DEFAULT_DAYS = 30
COOKIE = "insight_session"


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
    failures: dict[str, list[float]] = field(default_factory=dict)
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

    def locked_out(self, address: str) -> bool:
        with self.lock:
            recent = [t for t in self.failures.get(address, []) if t > time.time() - FAILURE_WINDOW]
            self.failures[address] = recent
            return len(recent) >= MAX_FAILURES

    def failed(self, address: str) -> None:
        with self.lock:
            self.failures.setdefault(address, []).append(time.time())


class InsightServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], token: str, tracker: Engine, queue: Engine):
        super().__init__(address, _Handler)
        self.token = token
        self.tracker = tracker
        self.queue = queue
        self.sessions = _Sessions()


def _day(value: Optional[str]) -> Optional[date]:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def period(query: dict[str, list[str]], today: Optional[date] = None) -> tuple[datetime, datetime]:
    """[start, end) in UTC from ?from=YYYY-MM-DD&to=YYYY-MM-DD (both days included); the last 30 days by default."""
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

    # Plumbing --------------------------------------------------------------------------------

    def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8",
              headers: Optional[dict[str, str]] = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Referrer-Policy", "no-referrer")
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
        for part in (self.headers.get("Cookie") or "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == COOKIE:
                return value
        return None

    def _bearer_ok(self) -> bool:
        header = self.headers.get("Authorization") or ""
        return header.startswith("Bearer ") and secrets.compare_digest(header[7:].strip().encode(), self.server.token.encode())

    def _signed_in(self) -> Optional[str]:
        """The session's CSRF token when signed in ('' for a bearer-token script), else None."""
        if self._bearer_ok():
            return ""
        return self.server.sessions.csrf_for(self._cookie())

    def _form(self) -> dict[str, list[str]]:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return {}
        return parse_qs(self.rfile.read(length).decode("utf-8", errors="replace"))

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: no paths or addresses in logs (the query holds only dates)."""

    # Routes ----------------------------------------------------------------------------------

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
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

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if not self.server.token:
            return self._page(503, page.switched_off())
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
            return self._redirect("/login", {"Set-Cookie": f"{COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict"})
        if url.path == "/queue/done":
            number = (form.get("id") or [""])[0]
            done = number.isdigit() and volunteer_queue.mark_done(self.server.queue, int(number))
            notice = "done" if done else "already"
            return self._redirect(f"/?{url.query}&queue={notice}" if url.query else f"/?queue={notice}")
        self._page(404, "<p>Not found</p>")

    def _login(self, form: dict[str, list[str]]) -> None:
        address = self.client_address[0]
        if self.server.sessions.locked_out(address):
            return self._page(429, page.login("Too many wrong tokens. Wait five minutes and try again."))
        given = (form.get("token") or [""])[0].strip()
        if not secrets.compare_digest(given.encode(), self.server.token.encode()):
            self.server.sessions.failed(address)
            return self._page(401, page.login("That token is not right. Check it and try again."))
        session, _ = self.server.sessions.start()
        self._redirect("/", {"Set-Cookie": f"{COOKIE}={session}; Max-Age={SESSION_SECONDS}; Path=/; HttpOnly; SameSite=Strict"})

    def _dashboard(self, query: dict[str, list[str]], csrf: str) -> None:
        start, end = period(query)
        shown = figures.compute(self.server.tracker, start, end)
        notice = {"done": "Marked as done.", "already": "That question was already done."}.get((query.get("queue") or [""])[0])
        self._page(200, page.dashboard(shown, volunteer_queue.listed(self.server.queue), csrf, notice))

    def _unanswered_csv(self, query: dict[str, list[str]]) -> None:
        start, end = period(query)
        groups = figures.compute(self.server.tracker, start, end).unanswered
        wanted = (query.get("group") or [""])[0]
        if wanted:
            if not wanted.isdigit() or int(wanted) >= len(groups):
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


def make_server(port: int, token: str, tracker_url: Optional[str] = None, queue_url: Optional[str] = None,
                host: str = "127.0.0.1") -> InsightServer:
    return InsightServer((host, port), token, conversations.connect(tracker_url), volunteer_queue.connect(queue_url))
