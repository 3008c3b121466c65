"""A client that hangs up must never stop a server: the demo page and the insight page keep answering."""
import os
import socket
import struct
import subprocess
import sys
import time

import pytest
import requests

from harness.assistant import ROOT, free_port

SERVERS = {"web": ["web", "serve"], "insight": ["insight", "serve"]}


@pytest.fixture(scope="module", params=sorted(SERVERS))
def page_server(request, tmp_path_factory):
    """`python -m bot web serve` or `insight serve`, started as scripts/run starts them."""
    port = free_port()
    folder = tmp_path_factory.mktemp(request.param)
    log = folder / "server.log"
    env = dict(os.environ, MEDWAY_INSIGHT_TOKEN="a-token-for-this-test-only",
               MEDWAY_TRACKER_URL=f"sqlite:///{folder / 'tracker.db'}", MEDWAY_QUEUE_URL=f"sqlite:///{folder / 'queue.db'}")
    process = subprocess.Popen([sys.executable, "-m", "bot", *SERVERS[request.param], "--port", str(port)], cwd=ROOT,
                               env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(url + "/", timeout=2)
            break
        except requests.ConnectionError:
            assert process.poll() is None, log.read_text()
            time.sleep(0.2)
    yield process, port, url
    process.terminate()
    process.wait(timeout=10)
    if request.param == "web":
        assert "Traceback" not in log.read_text(), "a visitor hanging up is not an error worth a traceback"


def _hang_up(port: int, request: bytes, read: int = 0, reset: bool = False) -> None:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(request)
    if read:
        sock.recv(read)
    if reset:  # close with a TCP reset, as a browser tab killed mid-download does
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def _still_answers(process, url: str) -> None:
    time.sleep(0.3)
    assert process.poll() is None, f"the server stopped (exit {process.returncode})"
    assert requests.get(url + "/", timeout=5).status_code == 200  # the insight page's login form, or the demo page


def test_a_connection_closed_at_once_does_not_stop_the_server(page_server):
    process, port, url = page_server
    for _ in range(20):
        _hang_up(port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        _hang_up(port, b"GET /login HTTP/1.1\r\nHost: x\r\n\r\n")
        _hang_up(port, b"GET /medway-chat.js HTTP/1.1\r\nHost: x\r\n\r\n")
    _still_answers(process, url)


def test_a_download_aborted_mid_response_does_not_stop_the_server(page_server):
    process, port, url = page_server
    for _ in range(20):
        for path in (b"/medway-chat.js", b"/login"):
            _hang_up(port, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n", read=200, reset=True)
            _hang_up(port, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n", read=200)
    _still_answers(process, url)


def test_a_printing_command_still_ends_quietly_in_a_closed_pipe():
    """`python -m bot content list | head -1` ends without a BrokenPipeError traceback."""
    result = subprocess.run(f"{sys.executable} -m bot content list | head -1", shell=True, cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.strip()
    assert "BrokenPipeError" not in result.stderr and "Traceback" not in result.stderr
