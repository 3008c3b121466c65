"""The insight page's web server (`python -m bot insight serve`), an aiohttp application behind a login token.

No token configured, no page. Signing in with the token (form, or an `Authorization: Bearer`
header for scripts) gives an HttpOnly, SameSite=Strict, Secure session cookie for 8 hours; forms
that change something also carry a per-session CSRF token, and a POST whose Origin (or Referer)
is another site is refused. Wrong tokens, typed or sent as a Bearer header, are counted per
client address (`login_guard`); a request that cannot be read gets a plain 400.

aiohttp parses requests (cookies, query strings, forms); the routes themselves are plain
functions run in worker threads, because the databases and `LoginGuard.wait` block.
"""
from __future__ import annotations

import asyncio
import csv
import io
import logging
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, time as clock, timedelta, timezone
from http.cookies import CookieError
from typing import Awaitable, Callable, Mapping, Optional
from urllib.parse import urlsplit

from aiohttp import web
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
READ_SECONDS = 30  # a client that takes longer to send its form is dropped
DEFAULT_DAYS = 30
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)
COOKIE = "insight_session"
HEADERS = {"Server": "MedwayInsight", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
           "Referrer-Policy": "same-origin",  # so the page's own forms carry its Origin
           "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
                                      "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"}
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


def http_localhost() -> bool:
    """True when $MEDWAY_INSIGHT_HTTP_LOCALHOST=1: the page is reached as plain http://localhost."""
    return os.environ.get(HTTP_LOCALHOST_VARIABLE, "").strip() == "1"


class BadRequest(Exception):
    """A request the page cannot read: answered 400 with this message, nothing logged."""


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


@dataclass
class Insight:
    """What the routes share: the token, the two databases, sessions and the wrong-token counts."""

    token: str
    tracker: Engine
    queue: Engine
    secure_cookie: bool = True
    proxies: frozenset[str] = frozenset()
    sessions: _Sessions = field(default_factory=_Sessions)
    guard: LoginGuard = field(default_factory=LoginGuard)


SITE = web.AppKey("insight", Insight)


def _day(value: str) -> Optional[date]:
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


def period(query: Mapping[str, str], today: Optional[date] = None) -> tuple[datetime, datetime]:
    """[start, end) in UTC from ?from=YYYY-MM-DD&to=YYYY-MM-DD (both days included); the last 30 days by default.

    Raises BadRequest for a date that is not YYYY-MM-DD or is outside FIRST_DAY..LAST_DAY.
    """
    today = today or datetime.now(timezone.utc).date()
    last = _day(query.get("to", "")) or today
    first = _day(query.get("from", "")) or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        first, last = last, first
    return (datetime.combine(first, clock(), timezone.utc), datetime.combine(last + timedelta(days=1), clock(), timezone.utc))


# Answers -----------------------------------------------------------------------------------------

def _html(status: int, text: str, close: bool = False, content_type: str = "text/html") -> web.Response:
    answer = web.Response(status=status, text=text, content_type=content_type)
    if close:  # after an answer to a request that was refused, the connection is not kept for another
        answer.force_close()
    return answer


def _plain(status: int, text: str, close: bool = False) -> web.Response:
    return _html(status, text, close, "text/plain")


def _redirect(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


# Who is asking -----------------------------------------------------------------------------------

def _client(site: Insight, request: web.BaseRequest) -> str:
    return client_address(request.remote or "", request.headers.getall("X-Forwarded-For", []), site.proxies)


def _token_ok(site: Insight, request: web.BaseRequest, given: str) -> bool:
    """Compare a token, counting a wrong one against this client (LoginGuard slows and locks)."""
    site.guard.wait()
    if secrets.compare_digest(given.encode(), site.token.encode()):
        return True
    site.guard.failed(_client(site, request))
    return False


def _signed_in(site: Insight, request: web.BaseRequest) -> Optional[str]:
    """The session's CSRF token when signed in ('' for a bearer-token script), else None.

    Raises LockedOut when this client has sent too many wrong tokens.
    """
    header = request.headers.get("Authorization")
    if header is not None:
        site.guard.check(_client(site, request))
        scheme, _, given = header.partition(" ")
        return "" if scheme == "Bearer" and _token_ok(site, request, given.strip()) else None
    return site.sessions.csrf_for(_session(request))


def _session(request: web.BaseRequest) -> Optional[str]:
    try:
        return request.cookies.get(COOKIE)
    except CookieError:  # a Cookie header Python cannot read (a key like "a<b") signs nobody in
        return None


def _same_site(site: Insight, request: web.BaseRequest) -> bool:
    """A POST from a browser must come from this page: its Origin (or Referer) names this host.

    The host is the Host header, or X-Forwarded-Host when a trusted proxy sent the request.
    """
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if source is None:
        return True  # not a browser form: scripts send no Origin, and still need the token
    hosts = {request.headers.get("Host", "")}
    if request.remote in site.proxies:
        hosts.add(request.headers.get("X-Forwarded-Host", ""))
    return urlsplit(source).netloc.lower() in {h.strip().lower() for h in hosts if h.strip()}


# Routes: plain functions run in a worker thread, as the databases and LoginGuard.wait block ----------

Route = Callable[[Insight, web.BaseRequest, Mapping[str, str], str], web.Response]  # (site, request, form, csrf)


def _login(site: Insight, request: web.BaseRequest, form: Mapping[str, str], csrf: str) -> web.Response:
    site.guard.check(_client(site, request))
    if not _token_ok(site, request, form.get("token", "").strip()):
        return _html(401, page.login("That token is not right. Check it and try again."))
    session, _ = site.sessions.start()
    answer = _redirect("/")
    answer.set_cookie(COOKIE, session, max_age=SESSION_SECONDS, path="/", httponly=True, samesite="Strict",
                      secure=site.secure_cookie)
    return answer


def _dashboard(site: Insight, request: web.BaseRequest, form: Mapping[str, str], csrf: str) -> web.Response:
    start, end = period(request.query)
    shown = figures.compute(site.tracker, start, end)
    notice = {"done": "Marked as done.", "already": "That question was already done."}.get(request.query.get("queue", ""))
    queue = volunteer_queue.listed(site.queue)
    return _html(200, page.dashboard(shown, queue, volunteer_queue.open_count(site.queue), csrf, notice))


def _unanswered_csv(site: Insight, request: web.BaseRequest, form: Mapping[str, str], csrf: str) -> web.Response:
    start, end = period(request.query)
    groups = figures.compute(site.tracker, start, end).unanswered
    wanted = request.query.get("group", "")
    if wanted:
        if number(wanted) >= len(groups):
            return _html(404, "<p>No such group in this period.</p>")
        groups = [groups[int(wanted)]]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["question", "times_asked", "group"])
    for group in groups:
        for wording, count in group.wordings:
            writer.writerow([safe_cell(wording), count, safe_cell(group.representative)])
    name = f"unanswered-{start:%Y-%m-%d}-to-{end - timedelta(days=1):%Y-%m-%d}.csv"
    return web.Response(body=("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _logout(site: Insight, request: web.BaseRequest, form: Mapping[str, str], csrf: str) -> web.Response:
    site.sessions.end(_session(request))
    answer = _redirect("/login")
    answer.del_cookie(COOKIE, path="/")
    return answer


def _queue_done(site: Insight, request: web.BaseRequest, form: Mapping[str, str], csrf: str) -> web.Response:
    done = volunteer_queue.mark_done(site.queue, number(form.get("id", "")))
    notice = "done" if done else "already"
    query = request.query_string
    return _redirect(f"/?{query}&queue={notice}" if query else f"/?queue={notice}")


def _staff_only(route: Route) -> Route:
    """Signed-in staff only (others go to the login page); a POST's form must carry the session's
    CSRF token (scripts signed in by the bearer token have none, and need none)."""
    def checked(site: Insight, request: web.BaseRequest, form: Mapping[str, str], _: str) -> web.Response:
        csrf = _signed_in(site, request)
        if csrf is None:
            return _redirect("/login")
        if request.method == "POST" and csrf and not secrets.compare_digest(form.get("csrf", "").encode(), csrf.encode()):
            return _html(403, "<p>This form has expired. Go back, reload the page and try again.</p>")
        return route(site, request, form, csrf)
    return checked


async def _form(site: Insight, request: web.Request) -> Optional[Mapping[str, str]]:
    """The POST's form, read by aiohttp; None when the client stopped sending it (it is then dropped)."""
    if (request.content_length or 0) > MAX_BODY:
        raise BadRequest("The form is too large.")
    try:
        await asyncio.wait_for(request.read(), READ_SECONDS)
        return await request.post()
    except asyncio.TimeoutError:
        return None
    except (ValueError, web.HTTPRequestEntityTooLarge):
        raise BadRequest("The form could not be read, or is too large.") from None


def _handler(route: Route) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """The aiohttp handler for a route: no token, no page; a POST must come from this site and send its form."""
    async def handle(request: web.Request) -> web.StreamResponse:
        site = request.app[SITE]
        if not site.token:
            return _html(503, page.switched_off())
        form: Optional[Mapping[str, str]] = {}
        if request.method == "POST":
            if not _same_site(site, request):
                return _plain(403, "This form was sent from another site, so it was refused.", close=True)
            form = await _form(site, request)
            if form is None:
                request.transport.close()  # dropped unanswered: the answer below is never sent
                return _plain(408, "")
        return await asyncio.to_thread(route, site, request, form, "")
    return handle


@web.middleware
async def _answers(request: web.Request, handler: Callable) -> web.StreamResponse:
    """400 for what cannot be read, 429 when locked out, and one log line (no address, no traceback) on failure."""
    try:
        return await handler(request)
    except BadRequest as problem:
        return _plain(400, str(problem), close=True)
    except LockedOut:
        return _html(429, page.login(LOCKED_OUT), close=True)
    except web.HTTPException:
        raise
    except Exception as error:
        log.error("insight page: a request failed (%s)", type(error).__name__)
        return _plain(500, "Something went wrong.", close=True)


def _one_line(record: logging.LogRecord) -> bool:
    """aiohttp's own errors (a request it could not parse) in one line: no traceback quoting the request."""
    record.exc_info, record.exc_text = None, None
    return True


async def _security_headers(request: web.BaseRequest, response: web.StreamResponse) -> None:
    response.headers.update(HEADERS)


async def _health(request: web.Request) -> web.Response:
    return _plain(200, "ok")


def make_app(token: str, tracker_url: Optional[str] = None, queue_url: Optional[str] = None, host: str = "127.0.0.1",
             secure_cookie: bool = True, proxies: Optional[frozenset[str]] = None) -> web.Application:
    """The page; `secure_cookie=False` is allowed only on a loopback `host` (plain http://localhost)."""
    if not secure_cookie and host not in ("127.0.0.1", "::1", "localhost"):
        raise ValueError("the session cookie can drop its Secure flag only for http://localhost")
    logging.getLogger("aiohttp.server").addFilter(_one_line)
    # No lingering: a form refused unread (too large, another site's) is not waited for before the connection closes.
    app = web.Application(middlewares=[_answers], client_max_size=MAX_BODY, handler_args={"lingering_time": 0})
    app[SITE] = Insight(token, conversations.connect(tracker_url), volunteer_queue.connect(queue_url), secure_cookie,
                        trusted_proxies() if proxies is None else proxies)
    app.on_response_prepare.append(_security_headers)
    app.router.add_get("/health", _health)
    app.router.add_get("/login", _handler(lambda *_: _html(200, page.login())))
    app.router.add_post("/login", _handler(_login))
    app.router.add_get("/", _handler(_staff_only(_dashboard)))
    app.router.add_get("/unanswered.csv", _handler(_staff_only(_unanswered_csv)))
    app.router.add_post("/logout", _handler(_staff_only(_logout)))
    app.router.add_post("/queue/done", _handler(_staff_only(_queue_done)))
    return app
