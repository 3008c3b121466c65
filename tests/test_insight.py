"""The insight page: right figures for a seeded tracker store, and nothing without the token."""
from __future__ import annotations

import csv
import io
import os
import re
import socket
import subprocess
import sys
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pytest
import requests

from bot import content, conversations, volunteer_queue
from bot.insight import figures, login_guard, server
from bot.insight.grouping import group
from harness.assistant import ROOT, free_port
from tests.insight_seed import EXPECTED, seed_stores, serving

TOKEN = "test-token-for-the-insight-page"


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    return seed_stores(tmp_path_factory.mktemp("insight"), [
        ("Is the SEN panel open in August? My son is called Max", "parent@example.org"),
        ("Who decides on transport for college?", None)])


@pytest.fixture
def site(stores):
    """A running insight server on the seeded stores; yields its base URL."""
    tracker_url, queue_url = stores
    with _serving(tracker_url, queue_url, secure_cookie=False) as running:
        yield running


@contextmanager
def _serving(tracker_url: str, queue_url: str, **options):
    """An insight server in a thread (plain http on loopback, so tests can drop the Secure flag)."""
    app = server.make_app(TOKEN, tracker_url, queue_url, **options)
    with serving(app) as base:
        yield base, app[server.SITE]


def _signed_in(base: str) -> requests.Session:
    session = requests.Session()
    answer = session.post(f"{base}/login", data={"token": TOKEN}, allow_redirects=False, timeout=10)
    assert answer.status_code == 303 and answer.headers["Location"] == "/"
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    return session


def test_figures_for_a_seeded_tracker_store(stores):
    engine = conversations.connect(stores[0])
    now = datetime.now(timezone.utc)
    shown = figures.compute(engine, now - timedelta(days=30), now + timedelta(minutes=1))
    assert (shown.conversations, shown.messages, shown.unanswered_messages, shown.safeguarding, shown.handoffs) == (
        EXPECTED["conversations"], EXPECTED["messages"], EXPECTED["unanswered_messages"],
        EXPECTED["safeguarding"], EXPECTED["handoffs"])
    assert [(g.representative, g.count) for g in shown.unanswered] == EXPECTED["groups"]
    library = content.load()
    topic = library.entries["ehcp_overview"].topic
    assert shown.topics[0] == (topic, 2 + (library.entries["ehcp_timescales"].topic == topic))
    assert dict(shown.topics)["Finding a service"] == 1 and dict(shown.topics)["Talk to a person"] == 1
    assert all("safeguard" not in t.lower() for t, _ in shown.topics)
    assert [(f.title, f.not_helpful, f.helpful) for f in shown.feedback] == [
        (library.entries["ehcp_overview"].title, 1, 1), (library.entries["mediation"].title, 1, 0)]
    # The safeguarding message itself is never shown, only counted.
    assert all("die" not in w for g in shown.unanswered for w, _ in g.wordings)

    older = figures.compute(engine, now - timedelta(days=90), now + timedelta(minutes=1))
    assert older.conversations == 5 and older.unanswered[0].count == 4


def test_similar_wordings_group_and_different_questions_do_not():
    groups = group(["when does the SEN panel meet", "When does the sen panel meet?", "SEN panel meeting dates",
                    "when are my bins collected", "bin collection day", "council tax reduction disabled child",
                    "can I get council tax reduction for my disabled child"])
    as_sets = [{w for w, _ in g.wordings} for g in groups]
    assert {"when does the SEN panel meet"} in as_sets  # one wording stands for its case variant
    assert any({"council tax reduction disabled child", "can I get council tax reduction for my disabled child"} == s
               for s in as_sets)
    assert not any("when are my bins collected" in s and "when does the SEN panel meet" in s for s in as_sets)
    assert [g.count for g in groups] == sorted((g.count for g in groups), reverse=True)
    assert group([]) == [] and group(["", "  "]) == []


def test_no_token_configured_means_no_page(stores, monkeypatch):
    monkeypatch.delenv(server.TOKEN_VARIABLE, raising=False)
    assert server.token_problem(server.configured_token())
    assert server.token_problem("short")
    with serving(server.make_app("", *stores)) as base:
        for path in ("/", "/login", "/unanswered.csv"):
            answer = requests.get(base + path, timeout=10)
            assert answer.status_code == 503 and "switched off" in answer.text
        assert requests.post(f"{base}/login", data={"token": ""}, timeout=10).status_code == 503


def test_requests_without_the_token_are_refused(site):
    base, _ = site
    for path in ("/", "/unanswered.csv", "/unanswered.csv?group=0"):
        answer = requests.get(base + path, allow_redirects=False, timeout=10)
        assert answer.status_code == 303 and answer.headers["Location"] == "/login"
    assert requests.post(f"{base}/queue/done", data={"id": "1"}, allow_redirects=False, timeout=10).status_code == 303
    forged = requests.get(f"{base}/", cookies={"insight_session": "made-up"}, allow_redirects=False, timeout=10)
    assert forged.status_code == 303
    wrong = requests.get(f"{base}/", headers={"Authorization": "Bearer not-the-token"}, allow_redirects=False, timeout=10)
    assert wrong.status_code == 303
    assert requests.get(f"{base}/", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10).status_code == 200


def test_wrong_tokens_are_refused_then_locked_out(site):
    base, httpd = site
    for _ in range(login_guard.MAX_FAILURES):
        answer = requests.post(f"{base}/login", data={"token": "guess"}, allow_redirects=False, timeout=10)
        assert answer.status_code == 401 and "not right" in answer.text and "Set-Cookie" not in answer.headers
    locked = requests.post(f"{base}/login", data={"token": TOKEN}, allow_redirects=False, timeout=10)
    assert locked.status_code == 429
    httpd.guard = login_guard.LoginGuard()


def test_the_page_shows_the_figures_and_exports_a_group(site):
    base, _ = site
    session = _signed_in(base)
    page = session.get(f"{base}/", timeout=10)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store" and "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    number = lambda name: int(re.search(rf'id="{name}">(\d+)<', page.text).group(1))  # noqa: E731
    assert number("conversations") == EXPECTED["conversations"] and number("messages") == EXPECTED["messages"]
    assert number("safeguarding") == 1 and number("unanswered-count") == EXPECTED["unanswered_messages"]
    assert "<svg" in page.text and page.text.count("<rect") == len(re.findall(r"<tr><td>[^<]+</td><td class=\"num\">\d+</td></tr>", page.text))
    assert "wants to die" not in page.text and "jo@example.com" not in page.text
    assert "My son is called [name]" in page.text and "mailto:parent@example.org" in page.text

    exported = session.get(f"{base}/unanswered.csv?group=0", timeout=10)
    assert exported.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert {r["question"] for r in rows} == {"When does the SEN panel meet?", "does the SEN panel meet in december"}
    assert sum(int(r["times_asked"]) for r in rows) == 3
    assert session.get(f"{base}/unanswered.csv?group=99", timeout=10).status_code == 404
    everything = session.get(f"{base}/unanswered.csv", timeout=10).content.decode("utf-8-sig")
    assert everything.count("\n") == 4  # a header and three wordings


def test_the_session_is_found_among_a_browsers_other_cookies(site):
    """A council page sets cookies of its own (analytics, consent, quoted values): the sign-in still
    holds beside them, and a cookie header that cannot be read signs nobody in."""
    base, _ = site
    own = _signed_in(base).cookies.get("insight_session")
    mixed = f'consent="yes; analytics=no"; _ga=GA1.2.3; insight_session={own}; theme=dark'
    answer = requests.get(f"{base}/", headers={"Cookie": mixed}, allow_redirects=False, timeout=10)
    assert answer.status_code == 200 and "Questions the assistant could not answer" in answer.text
    for broken in ("insight_session", "=; ;insight_session", 'insight_session="unclosed', "insight_session=wrong",
                   f"a<b=1; insight_session={own}"):
        answer = requests.get(f"{base}/", headers={"Cookie": broken}, allow_redirects=False, timeout=10)
        assert answer.status_code in (302, 303, 401) and "Traceback" not in answer.text


def test_volunteers_mark_questions_done_with_a_form_token(site, stores):
    base, _ = site
    session = _signed_in(base)
    page = session.get(f"{base}/", timeout=10).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    queue = volunteer_queue.connect(stores[1])
    first = volunteer_queue.listed(queue)[0].id

    refused = session.post(f"{base}/queue/done", data={"id": str(first), "csrf": "forged"}, allow_redirects=False, timeout=10)
    assert refused.status_code == 403
    assert first in [e.id for e in volunteer_queue.listed(queue)]

    done = session.post(f"{base}/queue/done", data={"id": str(first), "csrf": csrf}, timeout=10)
    assert done.status_code == 200 and "Marked as done." in done.text
    assert first not in [e.id for e in volunteer_queue.listed(queue)]

    session.post(f"{base}/logout", data={"csrf": csrf}, timeout=10)
    assert session.get(f"{base}/", allow_redirects=False, timeout=10).status_code == 303


def test_period_reading():
    start, end = server.period({"from": "2026-11-01", "to": "2026-11-07"})
    assert (start.isoformat(), end.isoformat()) == ("2026-11-01T00:00:00+00:00", "2026-11-08T00:00:00+00:00")
    start, end = server.period({"to": "2026-11-07"})
    assert (end - start).days == server.DEFAULT_DAYS
    for wrong in ("not a date", "9999-12-31", "0001-01-01"):
        with pytest.raises(server.BadRequest):
            server.period({"to": wrong})
    start, end = server.period({"from": "2026-11-07", "to": "2026-11-01"})
    assert start < end


def test_the_serve_command_refuses_to_start_without_a_proper_token():
    for token in ("", "too-short"):
        env = {k: v for k, v in os.environ.items() if k != server.TOKEN_VARIABLE}
        env[server.TOKEN_VARIABLE] = token
        run = subprocess.run([sys.executable, "-m", "bot", "insight", "serve", "--port", str(free_port())],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert run.returncode == 2 and server.TOKEN_VARIABLE in run.stderr


def test_cross_site_posts_are_refused_and_lock_nobody_out(site):
    base, _ = site
    evil = {"Origin": "https://evil.example"}
    for _ in range(login_guard.MAX_FAILURES + 2):
        answer = requests.post(f"{base}/login", data={"token": "guess"}, headers=evil, allow_redirects=False, timeout=10)
        assert answer.status_code == 403 and "another site" in answer.text
    referred = requests.post(f"{base}/login", data={"token": TOKEN}, headers={"Referer": "https://evil.example/x"},
                             allow_redirects=False, timeout=10)
    assert referred.status_code == 403 and "Set-Cookie" not in referred.headers
    own = requests.post(f"{base}/login", data={"token": TOKEN}, headers={"Origin": base}, allow_redirects=False, timeout=10)
    assert own.status_code == 303


def test_behind_a_trusted_proxy_a_lockout_is_one_clients(stores):
    with _serving(*stores, secure_cookie=False, proxies=frozenset({"127.0.0.1"})) as (base, _):
        def sign_in(client: str, token: str) -> int:
            return requests.post(f"{base}/login", data={"token": token}, headers={"X-Forwarded-For": f"{client}, 127.0.0.1"},
                                 allow_redirects=False, timeout=10).status_code
        assert [sign_in("203.0.113.5", "guess") for _ in range(login_guard.MAX_FAILURES)] == [401] * login_guard.MAX_FAILURES
        assert sign_in("203.0.113.5", TOKEN) == 429
        assert sign_in("203.0.113.6", TOKEN) == 303
    with _serving(*stores, secure_cookie=False, proxies=frozenset()) as (base, _):
        for number in range(login_guard.MAX_FAILURES):  # not behind a trusted proxy: the header is ignored
            requests.post(f"{base}/login", data={"token": "guess"}, headers={"X-Forwarded-For": f"198.51.100.{number}"},
                          allow_redirects=False, timeout=10)
        assert requests.post(f"{base}/login", data={"token": TOKEN}, headers={"X-Forwarded-For": "198.51.100.99"},
                             allow_redirects=False, timeout=10).status_code == 429


def test_many_wrong_tokens_from_everywhere_slow_checks_down_but_lock_nobody_else_out():
    now, slept = [1000.0], []
    guard = login_guard.LoginGuard(clock=lambda: now[0], sleep=slept.append)
    for number in range(login_guard.GLOBAL_FREE):
        guard.check(f"198.51.100.{number}")
        guard.wait()
        guard.failed(f"198.51.100.{number}")
    assert slept == []
    guard.check("203.0.113.7")
    guard.wait()
    assert slept == [login_guard.SLOW_SECONDS]
    now[0] += login_guard.FAILURE_WINDOW + 1
    guard.wait()
    assert slept == [login_guard.SLOW_SECONDS]


def test_wrong_bearer_tokens_count_towards_the_lockout(site):
    base, httpd = site
    for _ in range(login_guard.MAX_FAILURES):
        wrong = requests.get(f"{base}/", headers={"Authorization": "Bearer not-the-token"}, allow_redirects=False, timeout=10)
        assert wrong.status_code == 303
    right = requests.get(f"{base}/", headers={"Authorization": f"Bearer {TOKEN}"}, allow_redirects=False, timeout=10)
    assert right.status_code == 429
    httpd.guard = login_guard.LoginGuard()


def _raw(base: str, request: bytes) -> bytes:
    host, port = base.rsplit("/", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def test_unreadable_headers_dates_and_numbers_get_a_plain_400_and_no_traceback(site, capfd):
    base, _ = site
    for length in (b"abc", b"-1", b"99999999"):
        answer = _raw(base, b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + b"\r\n\r\ntoken=x")
        assert re.match(rb"HTTP/1\.[01] 400 ", answer) and (b"Content-Length" in answer or b"too large" in answer), answer
    session = _signed_in(base)
    for path in ("/?to=9999-12-31", "/?from=0001-01-01", "/?to=31/12/2026", "/unanswered.csv?to=9999-12-31",
                 f"/unanswered.csv?group={'9' * 40}", "/unanswered.csv?group=%C2%B2"):
        answer = session.get(base + path, timeout=10)
        assert answer.status_code == 400 and answer.headers["Content-Type"].startswith("text/plain"), path
    csrf = re.search(r'name="csrf" value="([^"]+)"', session.get(f"{base}/", timeout=10).text).group(1)
    for number in ("9" * 40, "\u00b2", "-1"):
        answer = session.post(f"{base}/queue/done", data={"id": number, "csrf": csrf}, allow_redirects=False, timeout=10)
        assert answer.status_code == 400 and "not a valid number" in answer.text
    logged = capfd.readouterr()
    assert "Traceback" not in logged.err + logged.out and "127.0.0.1" not in logged.err + logged.out


def test_the_session_cookie_is_secure_unless_set_up_for_http_localhost(stores):
    with _serving(*stores) as (base, _):
        answer = requests.post(f"{base}/login", data={"token": TOKEN}, allow_redirects=False, timeout=10)
        assert answer.status_code == 303 and "; Secure" in answer.headers["Set-Cookie"]
    with pytest.raises(ValueError, match="localhost"):
        server.make_app(TOKEN, *stores, host="0.0.0.0", secure_cookie=False)
    env = {**os.environ, server.TOKEN_VARIABLE: TOKEN, server.HTTP_LOCALHOST_VARIABLE: "1"}
    run = subprocess.run([sys.executable, "-m", "bot", "insight", "serve", "--host", "0.0.0.0", "--port", str(free_port())],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and server.HTTP_LOCALHOST_VARIABLE in run.stderr and "Traceback" not in run.stderr


def test_the_queue_heading_counts_every_open_question(stores, tmp_path):
    queue_url = f"sqlite:///{tmp_path / 'queue.db'}"
    queue = volunteer_queue.connect(queue_url)
    for number in range(205):
        volunteer_queue.add(queue, f"Question number {number} about transport")
    with _serving(stores[0], queue_url, secure_cookie=False) as (base, _):
        page = _signed_in(base).get(f"{base}/", timeout=10).text
    assert re.search(r'id="queue-count">205<', page) and "the newest 200 are listed" in page


def test_a_client_that_stops_half_way_through_a_form_is_dropped(site, monkeypatch, capfd):
    base, _ = site
    assert 0 < server.READ_SECONDS <= 60  # by default, a slow client is dropped within a minute
    monkeypatch.setattr(server, "READ_SECONDS", 1)
    host, port = base.rsplit("/", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\ntoken=")
        assert connection.recv(100) == b""  # closed by the server, not left waiting for the rest
    assert requests.get(f"{base}/health", timeout=10).text == "ok"
    logged = capfd.readouterr()
    assert "Traceback" not in logged.err and "127.0.0.1" not in logged.err
