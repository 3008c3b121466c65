"""Fuzz: thousands of generated messages and bodies over REST and socket.io to the real assistant.

No 5xx, no reply that shows a traceback or internal detail, no exception in either server's log, and
both channels still answer a normal message afterwards. Seeded (FUZZ_SEED to try another seed) and
bounded: REST_CASES + SOCKET_CASES cases, well under two minutes on a 2-core machine.
"""
import json
import os
import queue
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import socketio
import sqlalchemy as sa

from bot import input_checks
from tests.conftest import THIRD_PARTY_ORIGIN
from tests.fuzz import Fuzz

pytestmark = pytest.mark.server

SEED = int(os.environ.get("FUZZ_SEED", "14"))
REST_CASES = 1600
SOCKET_CASES = 400
TURNS_PER_CONVERSATION = 10
INTERNAL_DETAIL = ("Traceback", 'File "', "site-packages", "/work/", ".py\"", "sqlalchemy", "sqlite3",
                   "OperationalError", "Exception", "KeyError", "TypeError", "ValueError", "RecursionError")
LOG_PROBLEMS = ("Traceback", "Exception", "Logging error", "UnicodeEncodeError")


def internal_detail(text: str) -> list[str]:
    return [word for word in INTERNAL_DETAIL if word in text]


def log_tail(path, start: int) -> str:
    with open(path, "rb") as log:
        log.seek(start)
        return log.read().decode("utf-8", "replace")


def log_problems(text: str) -> list[str]:
    return [line for line in text.splitlines() if any(p in line for p in LOG_PROBLEMS)]


@pytest.fixture
def log_sizes(assistant):
    """Where each server's log ends before the test, to read only what the test caused."""
    return {name: (assistant.workdir / f"{name}.log").stat().st_size for name in ("rasa", "actions")}


def typed_payloads(assistant) -> list[str]:
    """Stored user messages that Rasa took as an intent payload although no button sends it."""
    with sa.create_engine(assistant.tracker_url).connect() as db:
        texts = [json.loads(row[0]).get("text") or "" for row in
                 db.execute(sa.text("SELECT data FROM events WHERE type_name = 'user'"))]
    return [t for t in texts if t.startswith("/") and not input_checks.button_payload(t)]


def still_well(assistant, log_sizes) -> None:
    """A normal message is answered, nothing was taken as a payload, and no server logged an exception."""
    assert "Medway SEND assistant" in assistant.chat().say("hello")
    assert not typed_payloads(assistant)
    for name, start in log_sizes.items():
        problems = log_problems(log_tail(assistant.workdir / f"{name}.log", start))
        assert not problems, f"{name} log:\n" + "\n".join(problems[:30])


def post_case(session: requests.Session, url: str, fuzz: Fuzz, index: int) -> list[str]:
    sender = f"fuzz-{SEED}-{index // TURNS_PER_CONVERSATION}"
    body, raw = fuzz.rest_case(index, sender)
    try:
        answer = session.post(url, data=raw, headers={"Content-Type": "application/json"}, timeout=60)
    except requests.RequestException as error:
        return [f"REST case {index}: no answer ({type(error).__name__}); body {raw[:120]!r}"]
    problems = []
    if answer.status_code >= 500:
        problems.append(f"REST case {index}: {answer.status_code}; body {raw[:120]!r}")
    if internal_detail(answer.text):
        problems.append(f"REST case {index}: {internal_detail(answer.text)} in {answer.text[:200]!r}")
    return problems


def test_rest_fuzz(assistant, log_sizes):
    fuzz = Fuzz(SEED)
    with ThreadPoolExecutor(4) as pool:  # four clients at once, each with its own conversations
        sessions = [requests.Session() for _ in range(4)]
        found = pool.map(lambda i: post_case(sessions[i % 4], assistant.webhook, fuzz, i), range(REST_CASES))
        problems = [p for case in found for p in case]
    assert not problems, f"{len(problems)} problems (seed {SEED}):\n" + "\n".join(problems[:30])
    still_well(assistant, log_sizes)


class FuzzSocket:
    """A socket.io client that emits anything and notes every reply."""

    def __init__(self, url: str) -> None:
        self.replies: "queue.Queue[tuple[str, object]]" = queue.Queue()
        self.client = socketio.Client(reconnection=False)
        self.client.on("bot_uttered", lambda data: self.replies.put(("bot_uttered", data)))
        self.client.on("session_confirm", lambda data: self.replies.put(("session_confirm", data)))
        self.client.connect(url, headers={"Origin": THIRD_PARTY_ORIGIN}, socketio_path="/socket.io",
                            transports=["polling"], wait_timeout=10)
        self.session_id = self.request_session()

    def request_session(self) -> str:
        self.client.emit("session_request", {"session_id": uuid.uuid4().hex})
        return self.next("session_confirm")

    def next(self, event: str, timeout: float = 20) -> object:
        while True:
            name, data = self.replies.get(timeout=timeout)
            if name == event:
                return data


def test_socket_io_fuzz(assistant, log_sizes):
    fuzz = Fuzz(SEED)
    sock = FuzzSocket(assistant.url)
    problems = []
    try:
        for index in range(SOCKET_CASES):
            if index % TURNS_PER_CONVERSATION == 0:
                sock.session_id = sock.request_session()
            event, data = fuzz.socket_case(index, sock.session_id)
            sock.client.emit(event, data)
            expected = "session_confirm" if event == "session_request" else "bot_uttered"
            try:
                reply = sock.next(expected)
            except queue.Empty:
                problems.append(f"socket case {index}: no {expected} for {str(data)[:120]!r}")
                continue
            if event == "session_request":
                sock.session_id = reply
            if internal_detail(str(reply)):
                problems.append(f"socket case {index}: {internal_detail(str(reply))} in {str(reply)[:200]!r}")
        assert sock.client.connected, "the server closed the socket"
        sock.session_id = sock.request_session()
        sock.client.emit("user_uttered", {"message": "hello", "session_id": sock.session_id})
        while "Medway SEND assistant" not in str(sock.next("bot_uttered")):
            pass
    finally:
        sock.client.disconnect()
    assert not problems, f"{len(problems)} problems (seed {SEED}):\n" + "\n".join(problems[:30])
    still_well(assistant, log_sizes)
