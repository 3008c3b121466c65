"""The insight page: right figures for a seeded tracker store, and nothing without the token."""
from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone

import pytest
import requests

from bot import content, conversations, volunteer_queue
from bot.insight import figures, server
from bot.insight.grouping import group
from tests.assistant import ROOT, free_port
from tests.insight_seed import EXPECTED, seed_stores

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
    httpd = server.make_server(free_port(), TOKEN, tracker_url, queue_url)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", httpd
    httpd.shutdown()
    httpd.server_close()


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
    httpd = server.make_server(free_port(), "", *stores)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        for path in ("/", "/login", "/unanswered.csv"):
            answer = requests.get(base + path, timeout=10)
            assert answer.status_code == 503 and "switched off" in answer.text
        assert requests.post(f"{base}/login", data={"token": ""}, timeout=10).status_code == 503
    finally:
        httpd.shutdown()
        httpd.server_close()


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
    for _ in range(server.MAX_FAILURES):
        answer = requests.post(f"{base}/login", data={"token": "guess"}, allow_redirects=False, timeout=10)
        assert answer.status_code == 401 and "not right" in answer.text and "Set-Cookie" not in answer.headers
    locked = requests.post(f"{base}/login", data={"token": TOKEN}, allow_redirects=False, timeout=10)
    assert locked.status_code == 429
    httpd.sessions.failures.clear()


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
    start, end = server.period({"from": ["2026-11-01"], "to": ["2026-11-07"]})
    assert (start.isoformat(), end.isoformat()) == ("2026-11-01T00:00:00+00:00", "2026-11-08T00:00:00+00:00")
    start, end = server.period({"from": ["not a date"], "to": ["2026-11-07"]})
    assert (end - start).days == server.DEFAULT_DAYS
    start, end = server.period({"from": ["2026-11-07"], "to": ["2026-11-01"]})
    assert start < end


def test_the_serve_command_refuses_to_start_without_a_proper_token():
    for token in ("", "too-short"):
        env = {k: v for k, v in os.environ.items() if k != server.TOKEN_VARIABLE}
        env[server.TOKEN_VARIABLE] = token
        run = subprocess.run([sys.executable, "-m", "bot", "insight", "serve", "--port", str(free_port())],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert run.returncode == 2 and server.TOKEN_VARIABLE in run.stderr
