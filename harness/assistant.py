"""Start the real assistant (action server + Rasa server) for tests and benchmarks, and talk to it."""
from __future__ import annotations

import os
import queue
import random
import secrets
import shutil
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Optional
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "medway.tar.gz"
BIN = Path(sys.executable).parent


_GIVEN: set[int] = set()


def ephemeral_ports() -> range:
    """The ports the kernel hands out for port 0 and for outgoing connections."""
    low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    return range(low, high + 1)


def free_port() -> int:
    """A free port below the kernel's ephemeral range, never given twice in one run: nothing else is
    handed it between this check and the server binding it (a port 0 bind released at once could be)."""
    below = ephemeral_ports().start
    while True:
        port = random.randrange(max(below - 12_000, 1024), below)
        if port in _GIVEN:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("", port))
            except OSError:
                continue
        _GIVEN.add(port)
        return port


def wait_until_up(url: str, processes: list[subprocess.Popen], logs: list[Path], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process, log in zip(processes, logs):
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[:3]} exited early; its log:\n{log.read_text()[-4000:]}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f}s; logs in {logs}")


@dataclass
class Assistant:
    """A running action server and Rasa server, started as scripts/run starts them (the action server on
    127.0.0.1 behind a random token), with Rasa's HTTP API on behind another random token."""

    workdir: Path
    rasa_port: int = field(default_factory=free_port)
    actions_port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    actions_token: str = field(default_factory=lambda: secrets.token_hex(16))
    cors_origins: tuple[str, ...] = ("http://localhost:8000",)
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def content_dir(self) -> Path:
        """The assistant's own copy of content/, which a test may edit to see changes go live."""
        return self.workdir / "content"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def webhook(self) -> str:
        return f"{self.url}/webhooks/rest/webhook"

    def start(self, timeout: float = 240, rasa: bool = True) -> "Assistant":
        """Start the action server and (unless `rasa` is False, for a caller that runs Rasa itself) the Rasa server."""
        if not MODEL.exists():
            raise RuntimeError(f"no trained model at {MODEL}: run `make train` first")
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._endpoints = self.workdir / "endpoints.yml"
        self._endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{self.actions_port}/webhook"\n'
            '  headers:\n    Authorization: Bearer ${ACTION_SERVER_TOKEN}\n'
            f'tracker_store:\n  type: addons.tracker_store.RedactingSQLTrackerStore\n  dialect: "sqlite"\n  db: "{self.workdir / "tracker.db"}"\n'
            "lock_store:\n  type: in_memory\n"
        )
        shutil.copytree(ROOT / "content", self.content_dir, dirs_exist_ok=True)
        self.directory_url = f"sqlite:///{self.workdir / 'directory.db'}"
        self.queue_url = f"sqlite:///{self.workdir / 'volunteer-queue.db'}"
        self.tracker_url = f"sqlite:///{self.workdir / 'tracker.db'}"
        self._env = dict(os.environ, SQLALCHEMY_SILENCE_UBER_WARNING="1", TF_CPP_MIN_LOG_LEVEL="2",
                         RASA_TELEMETRY_ENABLED="false", MEDWAY_CONTENT_DIR=str(self.content_dir),
                         MEDWAY_DIRECTORY_URL=self.directory_url, MEDWAY_QUEUE_URL=self.queue_url,
                         ACTION_SERVER_TOKEN=self.actions_token, MEDWAY_ALLOWED_ORIGINS=" ".join(self.cors_origins))
        subprocess.run([sys.executable, "-m", "bot", "directory", "load-sample"], cwd=ROOT, env=self._env,
                       check=True, stdout=subprocess.DEVNULL)
        self.start_actions(timeout)
        if rasa:
            self.start_rasa(timeout)
        return self

    def start_actions(self, timeout: float = 240) -> None:
        """Start (or restart) the action server on the same port."""
        self._actions = self._spawn("actions", [sys.executable, "-m", "actions.server", "--interface", "127.0.0.1",
                                                "--port", str(self.actions_port)])
        wait_until_up(f"http://127.0.0.1:{self.actions_port}/health", [self._actions],
                       [self.workdir / "actions.log"], timeout)

    def stop_actions(self) -> None:
        """Stop only the action server, as when it crashes or is redeployed mid-conversation."""
        self._stop(self._actions)
        self.processes.remove(self._actions)

    def start_rasa(self, timeout: float = 240) -> None:
        """Start (or restart) the Rasa server on the same port, with the same tracker store."""
        self._rasa = self._spawn("rasa", [
            str(BIN / "rasa"), "run", "--model", str(MODEL), "--port", str(self.rasa_port),
            "--logging-config-file", str(ROOT / "logging.yml"),
            "--endpoints", str(self._endpoints), "--credentials", str(ROOT / "credentials.yml"),
            "--enable-api", "--auth-token", self.token, "--cors", *self.cors_origins])
        wait_until_up(f"{self.url}/webhooks/rest/", [self._rasa], [self.workdir / "rasa.log"], timeout)

    def stop_rasa(self) -> None:
        """Stop only the Rasa server, as when it crashes or is redeployed mid-conversation."""
        self._stop(self._rasa)
        self.processes.remove(self._rasa)

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen:
        log = (self.workdir / f"{name}.log").open("ab")
        process = subprocess.Popen(command, cwd=ROOT, env=self._env, stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    @staticmethod
    def _stop(process: subprocess.Popen) -> None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def processes_by_name(self) -> dict[str, int]:
        """Process ids of the running servers (for measuring their CPU use)."""
        return {name: process.pid for name, process in (("rasa", getattr(self, "_rasa", None)),
                                                         ("actions", getattr(self, "_actions", None)))
                if process is not None and process.poll() is None}

    def stop(self) -> None:
        for process in self.processes:
            self._stop(process)
        self.processes.clear()

    def parse(self, text: str) -> dict[str, Any]:
        """The NLU result for a text, through the server's HTTP API (tests only)."""
        answer = requests.post(f"{self.url}/model/parse", params={"token": self.token},
                               json={"text": text}, timeout=30)
        answer.raise_for_status()
        return answer.json()

    def chat(self, sender: Optional[str] = None) -> "Chat":
        return Chat(self.webhook, sender or f"test-{uuid.uuid4().hex[:12]}")

    def tracker(self, sender: str) -> dict[str, Any]:
        """A stored conversation, through the server's HTTP API (tests only)."""
        answer = requests.get(f"{self.url}/conversations/{quote(sender, safe='')}/tracker",
                              params={"token": self.token}, timeout=30)
        answer.raise_for_status()
        return answer.json()


@dataclass
class Chat:
    """One conversation over the REST channel, as the web widget holds it."""

    webhook: str
    sender: str

    def post(self, body: Any = None, raw: Optional[bytes] = None) -> requests.Response:
        if raw is not None:
            return requests.post(self.webhook, data=raw, headers={"Content-Type": "application/json"}, timeout=60)
        return requests.post(self.webhook, json=body, timeout=60)

    def send(self, text: str) -> list[dict[str, Any]]:
        """Send a message; return the bot's replies (each has 'text' and perhaps 'buttons')."""
        answer = self.post({"sender": self.sender, "message": text})
        assert answer.status_code == 200, f"{answer.status_code}: {answer.text[:500]}"
        return answer.json()

    def say(self, text: str) -> str:
        """Send a message; return all the reply text joined, for simple assertions."""
        return "\n".join(m.get("text", "") for m in self.send(text))


class SocketChat:
    """One conversation over the socket.io channel, as a third-party widget (rasa-webchat) holds it."""

    def __init__(self, url: str, origin: Optional[str] = None, session_id: Any = None):
        import socketio  # python-socketio, installed with Rasa

        self._replies: "queue.Queue[Any]" = queue.Queue()
        self._confirmed: "queue.Queue[str]" = queue.Queue()
        self.client = socketio.Client(reconnection=False)
        self.client.on("bot_uttered", self._replies.put)
        self.client.on("session_confirm", self._confirmed.put)
        self.client.connect(url, headers={"Origin": origin} if origin else {}, socketio_path="/socket.io",
                            transports=["polling"], wait_timeout=10)
        self.request_session(session_id)

    def request_session(self, session_id: Any = None) -> str:
        """Join a session (a new one by default), as a widget does on loading; its id as confirmed."""
        self.client.emit("session_request", {} if session_id is None else {"session_id": session_id})
        self.session_id: str = self._confirmed.get(timeout=15)
        return self.session_id

    def unprompted(self, wait: float = 3) -> list[Any]:
        """Bot messages that arrived without this client sending anything."""
        time.sleep(wait)
        found = []
        while not self._replies.empty():
            found.append(self._replies.get())
        return found

    def emit(self, data: Any) -> list[Any]:
        """Send a user_uttered event as it is; return every bot message until the bot falls quiet."""
        self.client.emit("user_uttered", data)
        replies = [self._replies.get(timeout=60)]
        while True:
            try:
                replies.append(self._replies.get(timeout=2))
            except queue.Empty:
                return replies

    def send(self, text: str) -> list[Any]:
        return self.emit({"message": text, "session_id": self.session_id})

    def say(self, text: str) -> str:
        return "\n".join(m.get("text", "") for m in self.send(text) if isinstance(m, dict))

    def close(self) -> None:
        self.client.disconnect()


@contextmanager
def in_process(workdir: Path) -> Iterator[Assistant]:
    """The action server started as `make run` starts it, and this process set up to handle messages
    with Rasa in-process (its environment and working folder): `bench.profile` and `bench.growth`."""
    assistant = Assistant(workdir).start(rasa=False)
    try:
        os.environ.update(assistant._env)
        os.chdir(ROOT)
        yield assistant
    finally:
        assistant.stop()
