"""A client that hangs up must never stop a server: the demo page keeps answering the next visitor."""
import socket
import struct
import subprocess
import sys
import time

import pytest
import requests

from tests.assistant import ROOT, free_port


@pytest.fixture(scope="module")
def web_page(tmp_path_factory):
    """`python -m bot web serve` started as scripts/run starts it."""
    port = free_port()
    log = tmp_path_factory.mktemp("web") / "web.log"
    process = subprocess.Popen([sys.executable, "-m", "bot", "web", "serve", "--port", str(port)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=log.open("wb"))
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
    assert requests.get(url + "/", timeout=5).status_code == 200


def test_a_connection_closed_at_once_does_not_stop_the_server(web_page):
    process, port, url = web_page
    for _ in range(20):
        _hang_up(port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        _hang_up(port, b"GET /medway-chat.js HTTP/1.1\r\nHost: x\r\n\r\n")
    _still_answers(process, url)


def test_a_download_aborted_mid_response_does_not_stop_the_server(web_page):
    process, port, url = web_page
    for _ in range(20):
        _hang_up(port, b"GET /medway-chat.js HTTP/1.1\r\nHost: x\r\n\r\n", read=200, reset=True)
        _hang_up(port, b"GET /medway-chat.js HTTP/1.1\r\nHost: x\r\n\r\n", read=200)
    _still_answers(process, url)


def test_a_printing_command_still_ends_quietly_in_a_closed_pipe():
    """`python -m bot content list | head -1` ends without a BrokenPipeError traceback."""
    result = subprocess.run(f"{sys.executable} -m bot content list | head -1", shell=True, cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.strip()
    assert "BrokenPipeError" not in result.stderr and "Traceback" not in result.stderr
