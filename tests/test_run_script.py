"""`make run`'s scripts/run: the action server private, a page server that dies restarted, Rasa's loss named.

scripts/run runs here in a folder of links to this checkout with its own var/ and free ports, so it
never touches a running `make run`.
"""
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from harness.assistant import ROOT, free_port, wait_until_up

pytestmark = pytest.mark.server

LINKED = [".venv", "models", "web", "actions", "bot", "channels", "components", "content", "scripts",
          "config.yml", "credentials.yml", "endpoints.yml", "logging.yml", "domain"]


class Run:
    """scripts/run in the background, its output in a file."""

    def __init__(self, folder: Path, **env: str):
        for name in LINKED:
            (folder / name).symlink_to(ROOT / name)
        (folder / "var").mkdir()
        self.ports = {name: free_port() for name in ("rasa", "actions", "web")}
        self.env = dict(os.environ, MEDWAY_RASA_PORT=str(self.ports["rasa"]),
                        MEDWAY_ACTIONS_PORT=str(self.ports["actions"]), MEDWAY_WEB_PORT=str(self.ports["web"]),
                        MEDWAY_DIRECTORY_URL=f"sqlite:///{folder / 'var' / 'directory.db'}",
                        MEDWAY_QUEUE_URL=f"sqlite:///{folder / 'var' / 'volunteer-queue.db'}",
                        RASA_TELEMETRY_ENABLED="false", SQLALCHEMY_SILENCE_UBER_WARNING="1",
                        TF_CPP_MIN_LOG_LEVEL="2")
        self.env.pop("ACTION_SERVER_TOKEN", None)
        self.env.pop("MEDWAY_INSIGHT_TOKEN", None)
        self.env.update(env)
        subprocess.run([sys.executable, "-m", "bot", "directory", "load-sample"], cwd=folder, env=self.env,
                       check=True, stdout=subprocess.DEVNULL)
        self.log = folder / "run.log"
        self.process = subprocess.Popen([str(folder / "scripts" / "run")], cwd=folder, env=self.env,
                                        stdout=self.log.open("wb"), stderr=subprocess.STDOUT)
        self.webhook = f"http://127.0.0.1:{self.ports['rasa']}/webhooks/rest/webhook"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, url: str, timeout: float = 240) -> None:
        wait_until_up(url, [self.process], [self.log], timeout)

    def child(self, needle: str) -> int:
        """The pid of the process scripts/run started whose command line holds `needle`."""
        listing = subprocess.run(["ps", "-o", "pid=,args=", "--ppid", str(self.process.pid)],
                                 capture_output=True, text=True).stdout
        pids = [int(line.split()[0]) for line in listing.splitlines() if needle in line]
        assert len(pids) == 1, listing
        return pids[0]

    def say(self, text: str) -> str:
        answer = requests.post(self.webhook, json={"sender": "run-test", "message": text}, timeout=60)
        assert answer.status_code == 200, answer.text
        return "\n".join(m.get("text", "") for m in answer.json())

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    started = Run(tmp_path_factory.mktemp("make-run"))
    try:
        started.wait_for(f"http://127.0.0.1:{started.ports['rasa']}/webhooks/rest/")
        started.wait_for(f"http://127.0.0.1:{started.ports['web']}/")
        yield started
    finally:
        started.stop()


def _listening_addresses(port: int) -> set[str]:
    """The local addresses with a socket listening on the port (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def _other_address() -> str:
    """An address of this machine other than loopback, or '' if it has none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("192.0.2.123", 9))
            address = sock.getsockname()[0]
        except OSError:
            return ""
    return "" if address.startswith("127.") else address


def test_the_action_server_listens_on_loopback_only(run):
    port = run.ports["actions"]
    assert _listening_addresses(port) == {"0100007F"}, "only 127.0.0.1 (0100007F) may listen"
    other = _other_address()
    if other:
        with pytest.raises(OSError):
            socket.create_connection((other, port), timeout=3).close()


def test_the_action_server_refuses_calls_without_the_token(run):
    forged = {"next_action": "action_leave_question", "sender_id": "forger", "version": "3.6.2",
              "tracker": {"sender_id": "forger", "slots": {"consent": "yes", "volunteer_email": "x@example.org"},
                          "latest_message": {"text": "forged"}, "events": []}, "domain": {}}
    base = f"http://127.0.0.1:{run.ports['actions']}"
    assert requests.post(base + "/webhook", json=forged, timeout=10).status_code == 401
    assert requests.post(base + "/webhook", json=forged, headers={"Authorization": "Bearer wrong-token-wrong-token"},
                         timeout=10).status_code == 401
    assert requests.get(base + "/actions", timeout=10).status_code == 401
    assert requests.get(base + "/health", timeout=10).status_code == 200


def test_rasa_calls_the_actions_with_the_token(run):
    assert "at least 15 days" in run.say("how long do I have to comment on the draft plan?")


def test_a_page_server_that_dies_is_restarted_and_the_assistant_keeps_going(run):
    web = run.child("web serve")
    os.kill(web, signal.SIGKILL)
    run.wait_for(f"http://127.0.0.1:{run.ports['web']}/", timeout=30)
    assert f"The demo web page (pid {web}) stopped: killed by signal SIGKILL. Restarting it" in run.output()
    assert run.child("web serve") != web
    assert "Medway SEND assistant" in run.say("hello")


def test_when_the_action_server_stops_everything_stops_saying_which(run):
    actions = run.child("actions.server")
    os.kill(actions, signal.SIGKILL)
    assert run.process.wait(timeout=60) != 0
    assert f"The action server (pid {actions}) stopped: killed by signal SIGKILL." in run.output()
    assert "stopping everything" in run.output()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{run.ports['rasa']}/webhooks/rest/", timeout=5)


def test_the_action_server_will_not_listen_elsewhere_without_a_token():
    env = {k: v for k, v in os.environ.items() if k != "ACTION_SERVER_TOKEN"}
    result = subprocess.run([sys.executable, "-m", "actions.server", "--interface", "0.0.0.0", "--port", str(free_port())],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "ACTION_SERVER_TOKEN" in result.stderr
