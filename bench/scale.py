"""`make scale-demo`: two Rasa replicas behind nginx, one killed mid-load, nothing lost or answered twice.

Starts, each on a free port with a throwaway data folder: PostgreSQL (tracker store, directory and
volunteer queue), Redis (lock store), two action servers, two Rasa servers with
deploy/endpoints.scale.yml (each calling its own action server), the demo web page, and nginx in
front of them all on one port. Then it plays concurrent conversations through nginx, SIGKILLs one
Rasa replica part-way, and reads every conversation back from PostgreSQL to check that each message
was stored once, in order, and answered.

The clients behave as the widget should: each message carries a `message_id`; a request that fails
because the replica died (nginx answers 502, or the connection fails) is sent again with
`"resend": true`, which the REST channel answers once even if the first attempt was stored
(`channels/resend.py`). nginx itself retries a message on the other replica only when it could not
connect (`proxy_next_upstream error timeout`, and never a POST that was already sent), so nginx
never sends one message twice.

No sticky sessions for REST: the Redis lock store serialises each conversation's messages whichever
replica receives them, and the tracker is read from PostgreSQL on every turn. socket.io is routed by
client address (`ip_hash`), because its long-polling transport sends one session's requests
separately and only the replica that holds the session knows it; websocket-only clients would not
need it. The widget itself uses REST.

    python -m bench.scale [--conversations 12] [--clients 6] [--keep]
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import requests

from bench import SCRIPT
from bot import aio
from harness.assistant import MODEL, ROOT, Chat, free_port, wait_until_up
from harness.postgres import Postgres

BIN = Path(sys.executable).parent
LOCK_LIFETIME = 10
"""Seconds a conversation's lock outlives a replica that died holding it (Rasa's default is 60): the
resent message waits at most this long. A turn must finish well within it, or the lock no longer
serialises that conversation."""

NGINX_CONF = """\
worker_processes 1;
daemon off;
{user}
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  log_format upstreams '$request_method $uri $status upstream=$upstream_addr upstream_status=$upstream_status';
  access_log {dir}/nginx-access.log upstreams;
  client_body_temp_path {dir}/nginx-body;
  proxy_temp_path {dir}/nginx-proxy;
  fastcgi_temp_path {dir}/nginx-fastcgi;
  uwsgi_temp_path {dir}/nginx-uwsgi;
  scgi_temp_path {dir}/nginx-scgi;
  client_max_body_size 64k;
  map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}

  # REST: any replica can take any message (the lock store orders each conversation's messages).
  # A replica that refuses connections is skipped for 10 s.
  upstream rasa {{
{rasa_servers}
  }}
  # socket.io: one client address to one replica, as its polling transport needs.
  upstream rasa_socketio {{
    ip_hash;
{rasa_servers}
  }}
  upstream page {{ server 127.0.0.1:{web_port}; }}

  server {{
    listen 127.0.0.1:{port};
    location /webhooks/ {{
      proxy_pass http://rasa;
      # Try the other replica only when the request could not be delivered. nginx never passes a POST
      # on once it was sent (that needs `non_idempotent`), so a message is never handled twice by
      # nginx: the client resends with "resend": true when the replica died with its message.
      proxy_next_upstream error timeout;
      proxy_next_upstream_tries 2;
      proxy_connect_timeout 2s;
      proxy_read_timeout 90s;
      proxy_set_header X-Forwarded-For $remote_addr;
    }}
    location /socket.io/ {{
      proxy_pass http://rasa_socketio;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_read_timeout 90s;
    }}
    location / {{ proxy_pass http://page; }}
  }}
}}
"""


@dataclass
class Cluster:
    """Everything the demo starts, and how to stop it."""

    workdir: Path
    replicas: int = 2
    port: int = field(default_factory=free_port)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    rasa_ports: list[int] = field(default_factory=list)
    postgres: Optional[Postgres] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def webhook(self) -> str:
        return f"{self.url}/webhooks/rest/webhook"

    def _spawn(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = (self.workdir / f"{name}.log").open("ab")
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.processes[name] = process
        return process

    def _wait(self, name: str, url: str, timeout: float) -> None:
        wait_until_up(url, [self.processes[name]], [self.workdir / f"{name}.log"], timeout)

    def start(self, timeout: float = 300) -> "Cluster":
        if not MODEL.exists():
            raise RuntimeError(f"no trained model at {MODEL}: run `make train` first")
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.postgres = Postgres().start()
        for name in ("tracker", "directory", "queue"):
            self.postgres.create_database(name)
        pg = f"postgresql://postgres@127.0.0.1:{self.postgres.port}"
        redis_port = self.redis_port = free_port()
        base = dict(os.environ, SQLALCHEMY_SILENCE_UBER_WARNING="1", TF_CPP_MIN_LOG_LEVEL="2",
                    RASA_TELEMETRY_ENABLED="false", PYTHONHASHSEED="0",
                    ACTION_SERVER_TOKEN=secrets.token_hex(16), MEDWAY_ALLOWED_ORIGINS=self.url,
                    MEDWAY_DIRECTORY_URL=f"{pg}/directory", MEDWAY_QUEUE_URL=f"{pg}/queue",
                    TRACKER_DB_HOST="127.0.0.1", TRACKER_DB_PORT=str(self.postgres.port), TRACKER_DB_NAME="tracker",
                    TRACKER_DB_USER="postgres", TRACKER_DB_PASSWORD="unused-trust-auth",
                    REDIS_HOST="127.0.0.1", REDIS_PORT=str(redis_port), TICKET_LOCK_LIFETIME=str(LOCK_LIFETIME))
        self._spawn("redis", ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no", "--dir", str(self.workdir)], base)
        subprocess.run([sys.executable, "-m", "bot", "directory", "load-sample"], cwd=ROOT, env=base, check=True,
                       stdout=subprocess.DEVNULL)
        _create_tracker_tables(base)  # once, before the replicas race to create them
        web_port = free_port()
        self._spawn("web", [sys.executable, "-m", "bot", "web", "serve", "--port", str(web_port),
                            "--rasa-url", self.url], base)
        for n in range(1, self.replicas + 1):
            actions_port, rasa_port = free_port(), free_port()
            self.rasa_ports.append(rasa_port)
            self._spawn(f"actions-{n}", [sys.executable, "-m", "actions.server", "--interface", "127.0.0.1",
                                         "--port", str(actions_port)], base)
            env = dict(base, ACTION_ENDPOINT_URL=f"http://127.0.0.1:{actions_port}/webhook")
            self._spawn(f"rasa-{n}", [str(BIN / "rasa"), "run", "--model", str(MODEL), "--port", str(rasa_port),
                                      "--endpoints", str(ROOT / "deploy" / "endpoints.scale.yml"),
                                      "--credentials", str(ROOT / "credentials.yml"), "--cors", self.url,
                                      "--logging-config-file", str(ROOT / "logging.yml")], env)
        servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in self.rasa_ports)
        (self.workdir / "nginx.conf").write_text(NGINX_CONF.format(
            dir=self.workdir, port=self.port, web_port=web_port, rasa_servers=servers,
            user="user root root;" if os.geteuid() == 0 else ""))
        self._spawn("nginx", [shutil.which("nginx") or "/usr/sbin/nginx", "-p", str(self.workdir), "-c", str(self.workdir / "nginx.conf"),
                              "-e", str(self.workdir / "nginx-error.log")], base)
        for n in range(1, self.replicas + 1):
            self._wait(f"rasa-{n}", f"http://127.0.0.1:{self.rasa_ports[n - 1]}/webhooks/rest/", timeout)
        self._wait("nginx", f"{self.url}/webhooks/rest/", 30)
        self._wait("web", f"{self.url}/", 30)
        return self

    def chat(self, sender: str) -> Chat:
        """One conversation through nginx, as the widget holds it (a ChatServer for bench.load)."""
        return Chat(self.webhook, sender)

    def processes_by_name(self) -> dict[str, int]:
        """Process ids of everything serving a load (for measuring CPU use; PostgreSQL's with its backends)."""
        found = {name: process.pid for name, process in self.processes.items() if process.poll() is None}
        pid_file = self.postgres.dir / "data" / "postmaster.pid" if self.postgres else None
        if pid_file and pid_file.exists():
            found["postgres"] = int(pid_file.read_text().split()[0])
        return found

    def kill(self, name: str) -> None:
        """SIGKILL one process, as when a machine or container dies: no chance to finish anything."""
        self.processes[name].send_signal(signal.SIGKILL)
        self.processes[name].wait()

    def stop(self) -> None:
        for process in reversed(list(self.processes.values())):
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()
        if self.postgres:
            self.postgres.stop()

    def stored_events(self) -> dict[str, list[dict[str, Any]]]:
        """Every stored event, by conversation, in the order the tracker store wrote them."""
        import sqlalchemy

        assert self.postgres
        engine = sqlalchemy.create_engine(f"postgresql+psycopg2://postgres@127.0.0.1:{self.postgres.port}/tracker")
        by_sender: dict[str, list[dict[str, Any]]] = {}
        with engine.connect() as connection:
            for sender, data in connection.execute(sqlalchemy.text("SELECT sender_id, data FROM events ORDER BY id")):
                by_sender.setdefault(sender, []).append(json.loads(data))
        engine.dispose()
        return by_sender


def _create_tracker_tables(env: dict[str, str]) -> None:
    code = ("import os; from addons.tracker_store import RedactingSQLTrackerStore as S; e = os.environ; "
            "S(dialect='postgresql', host=e['TRACKER_DB_HOST'], port=e['TRACKER_DB_PORT'], "
            "db=e['TRACKER_DB_NAME'], username=e['TRACKER_DB_USER'], password=e['TRACKER_DB_PASSWORD'])")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


@dataclass
class Turn:
    conversation: str
    number: int
    message_id: str
    replies: list[dict[str, Any]]
    attempts: int
    failures: list[str]
    seconds: float


def send(webhook: str, conversation: str, number: int, text: str, tries: int = 4) -> Turn:
    """One message as a careful client sends it: named, and resent only when the request failed because
    the server side went away (a connection error or nginx's 502), never after a reply or a timeout."""
    body: dict[str, Any] = {"sender": conversation, "message": text, "message_id": f"{conversation}.{number}"}
    failures = []
    started = time.perf_counter()
    for attempt in range(1, tries + 1):
        try:
            answer = requests.post(webhook, json=body, timeout=120)
        except requests.ConnectionError as error:
            failures.append(f"connection: {type(error).__name__}")
        else:
            if answer.status_code not in (502, 503):
                answer.raise_for_status()
                return Turn(conversation, number, body["message_id"], answer.json(), attempt, failures,
                            time.perf_counter() - started)
            failures.append(f"HTTP {answer.status_code}")
        body["resend"] = True
        time.sleep(0.5)
    raise RuntimeError(f"{conversation} turn {number}: no answer after {tries} tries: {failures}")


def run_load(cluster: Cluster, conversations: int, clients: int, kill_after: float = 0.3,
             victim: str = "rasa-1") -> dict[str, Any]:
    """Play `conversations` scripted conversations, `clients` at a time, through nginx; SIGKILL `victim`
    once `kill_after` of all messages were answered. Returns the turns and what happened."""
    total = conversations * len(SCRIPT)
    answered = 0
    lock = threading.Lock()
    reached = threading.Event()
    run_id = secrets.token_hex(3)

    def conversation(n: int) -> list[Turn]:
        nonlocal answered
        turns = []
        for number, text in enumerate(SCRIPT, start=1):
            turns.append(send(cluster.webhook, f"scale-{run_id}-{n}", number, text))
            with lock:
                answered += 1
                if answered >= total * kill_after:
                    reached.set()
        return turns

    killed_at: dict[str, Any] = {}

    def killer() -> None:
        reached.wait()
        killed_at["answered"] = answered
        cluster.kill(victim)

    started = time.perf_counter()
    kill_thread = threading.Thread(target=killer, daemon=True)
    kill_thread.start()
    with ThreadPoolExecutor(clients) as pool:
        runs = list(pool.map(conversation, range(conversations)))
    elapsed = time.perf_counter() - started
    kill_thread.join(timeout=30)
    return {"runs": runs, "elapsed": elapsed, "killed_after_answers": killed_at.get("answered"), "total": total}


def check_stored(cluster: Cluster, runs: list[list[Turn]]) -> list[str]:
    """What is wrong in the tracker store: for each conversation, its user messages must be exactly the
    messages sent, in order, each once, and each followed by at least one reply."""
    stored = cluster.stored_events()
    problems = []
    for turns in runs:
        conversation = turns[0].conversation
        events = stored.get(conversation, [])
        user_ids = [e.get("message_id") for e in events if e.get("event") == "user"]
        expected = [t.message_id for t in turns]
        if user_ids != expected:
            problems.append(f"{conversation}: stored messages {user_ids}, sent {expected}")
        replies_after = []
        for event in events:
            if event.get("event") == "user":
                replies_after.append(0)
            elif event.get("event") == "bot" and replies_after:
                replies_after[-1] += 1
        if 0 in replies_after:
            problems.append(f"{conversation}: a stored message has no stored reply ({replies_after})")
        for turn in turns:
            if not turn.replies:
                problems.append(f"{conversation} turn {turn.number}: the client got no reply")
            elif any("something went wrong" in (r.get("text") or "") for r in turn.replies):
                problems.append(f"{conversation} turn {turn.number}: the client got the apology")
    return problems


def upstream_counts(cluster: Cluster) -> dict[str, int]:
    """From nginx's log, for REST messages: how many each replica answered (by port), how many nginx
    passed to the other replica after a refused connection, and how many it answered 502."""
    counts: dict[str, int] = {}
    for line in (cluster.workdir / "nginx-access.log").read_text().splitlines():
        if not line.startswith("POST /webhooks/rest/webhook"):
            continue
        status = line.split()[2]
        tried = line.split("upstream=")[1].split(" upstream_status=")[0].split(", ")
        if len(tried) > 1:
            counts["passed on"] = counts.get("passed on", 0) + 1
        key = "502" if status == "502" else tried[-1].rsplit(":", 1)[-1]
        counts[key] = counts.get(key, 0) + 1
    return counts


def resend_answered(cluster: Cluster, turn: Turn) -> tuple[list[dict[str, Any]], int, int]:
    """Resend an answered message as a client would after losing the connection: the replies, and the
    number of stored user messages before and after (equal when it was not handled again)."""
    def users() -> int:
        return sum(e.get("event") == "user" for e in cluster.stored_events().get(turn.conversation, []))

    before = users()
    answer = requests.post(cluster.webhook, json={"sender": turn.conversation, "message": SCRIPT[turn.number - 1],
                                                  "message_id": turn.message_id, "resend": True}, timeout=60)
    answer.raise_for_status()
    return answer.json(), before, users()


def socketio_hello(cluster: Cluster, transport: str) -> str:
    """Say hello over socket.io through nginx, as a third-party widget would; the reply text."""
    if transport == "websocket":
        return _websocket_hello(cluster)
    from harness.assistant import SocketChat

    chat = SocketChat(cluster.url, origin=cluster.url)  # long-polling
    try:
        return chat.say("hello")
    finally:
        chat.close()


def _websocket_hello(cluster: Cluster) -> str:
    """socket.io over a websocket only, spoken by hand with aiohttp (python-socketio's websocket client
    needs a package the environment does not have): open, join a session, say hello, read the reply."""
    import asyncio

    import aiohttp

    async def hello() -> str:
        url = cluster.url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket"
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(url, headers={"Origin": cluster.url}, timeout=15) as ws:
                async def event(name: str) -> Any:
                    while True:
                        packet = await asyncio.wait_for(ws.receive_str(), 60)
                        if packet == "2":  # engine.io ping
                            await ws.send_str("3")
                        elif packet.startswith("42"):
                            got, *data = json.loads(packet[2:])
                            if got == name:
                                return data[0] if data else None

                assert (await ws.receive_str()).startswith("0")  # engine.io open
                await ws.send_str("40")  # socket.io connect
                assert (await asyncio.wait_for(ws.receive_str(), 15)).startswith("40")
                await ws.send_str('42["session_request",{}]')
                session_id = await event("session_confirm")
                await ws.send_str("42" + json.dumps(["user_uttered", {"message": "hello", "session_id": session_id}]))
                return str((await event("bot_uttered")).get("text", ""))

    return aio.run(hello())


def texts(replies: list[dict[str, Any]]) -> list[str]:
    return [r.get("text") or json.dumps(r.get("custom"), sort_keys=True) for r in replies]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.scale")
    parser.add_argument("--conversations", type=int, default=12)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--keep", action="store_true", help="leave the logs in the work folder")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="medway-scale-"))
    cluster = Cluster(workdir)
    print(f"Starting PostgreSQL, Redis, 2 action servers, 2 Rasa replicas, the web page and nginx (logs in {workdir}) ...")
    started = time.perf_counter()
    try:
        cluster.start()
        print(f"  up in {time.perf_counter() - started:.0f} s; nginx on {cluster.url} (web page, REST, socket.io)")
        print(f"  socket.io through nginx: polling says {socketio_hello(cluster, 'polling')[:40]!r}, "
              f"websocket says {socketio_hello(cluster, 'websocket')[:40]!r}")
        result = run_load(cluster, args.conversations, args.clients)
        runs = result["runs"]
        turns = [t for run in runs for t in run]
        print(f"Load: {len(turns)} messages in {result['elapsed']:.1f} s ({len(turns) / result['elapsed']:.1f}/s), "
              f"rasa-1 SIGKILLed after {result['killed_after_answers']} answers")
        resent = [t for t in turns if t.attempts > 1]
        print(f"  nginx: {upstream_counts(cluster)}")
        print(f"  messages resent by their client after a failure: {len(resent)} "
              f"({', '.join(sorted({f for t in resent for f in t.failures})) or 'none'}); "
              f"slowest answer {max(t.seconds for t in turns):.1f} s")
        problems = check_stored(cluster, runs)
        replies, before, after = resend_answered(cluster, runs[0][2])
        if texts(replies) != texts(runs[0][2].replies) or before != after:
            problems.append(f"resending an answered message: stored {before} -> {after}, replies differ: "
                            f"{texts(replies)} vs {texts(runs[0][2].replies)}")
        if problems:
            print("FAILED:\n  " + "\n  ".join(problems))
            sys.exit(1)
        print(f"Read back from PostgreSQL: all {len(turns)} messages of {len(runs)} conversations stored once, "
              "in order, each answered; resending an answered message was answered from the store, not again.")
    finally:
        cluster.stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
