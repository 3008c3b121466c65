"""The web widget's build step and the demo Local Offer page server (`python -m bot web ...`).

The build inlines the stylesheet into one script, so a council page needs a single
<script> tag. The demo server stands in for the council website: another origin from the
Rasa server, as on the real site.
"""
from __future__ import annotations

import json
import os
import sys
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bot.paths import PROJECT_ROOT

SOURCE = PROJECT_ROOT / "web" / "src"
DEMO = PROJECT_ROOT / "web" / "demo"
BUNDLE = PROJECT_ROOT / "web" / "dist" / "medway-chat.js"
ORIGINS = PROJECT_ROOT / "web" / "allowed-origins"
ORIGINS_VARIABLE = "MEDWAY_ALLOWED_ORIGINS"


def allowed_origins() -> list[str]:
    """Web pages allowed to call the Rasa server from a browser, by REST and socket.io alike:
    $MEDWAY_ALLOWED_ORIGINS (separated by spaces) if set, else web/allowed-origins (one a line)."""
    listed = os.environ.get(ORIGINS_VARIABLE)
    if listed is None:
        listed = "\n".join(line for line in ORIGINS.read_text(encoding="utf-8").splitlines()
                           if not line.strip().startswith("#"))
    return listed.split()


def build(out: Path = BUNDLE) -> Path:
    """Write the single-file widget: a style element with the CSS, then the widget code."""
    css = (SOURCE / "widget.css").read_text(encoding="utf-8")
    code = (SOURCE / "widget.js").read_text(encoding="utf-8")
    style = ("(function () {\n  if (document.getElementById('msc-style')) return;\n"
             "  var style = document.createElement('style');\n  style.id = 'msc-style';\n"
             f"  style.textContent = {json.dumps(css)};\n  document.head.appendChild(style);\n}})();\n")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("/* Built by `python -m bot web build` from web/src/. Do not edit. */\n" + style + code, encoding="utf-8")
    return out


class _DemoHandler(SimpleHTTPRequestHandler):
    """Serves web/demo/ with the Rasa server's address filled in, and the built widget."""

    rasa_url = "http://localhost:5005"

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/medway-chat.js":
            return self._send(BUNDLE.read_bytes(), "text/javascript; charset=utf-8")
        if path in ("/", "/index.html", "/privacy.html"):
            page = (DEMO / ("index.html" if path == "/" else path.lstrip("/"))).read_text(encoding="utf-8")
            return self._send(page.replace("{{RASA_URL}}", self.rasa_url).encode(), "text/html; charset=utf-8")
        self.send_error(404, "Not found")

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: page requests carry nothing worth logging."""


class _DemoServer(ThreadingHTTPServer):
    """A visitor who hangs up mid-reply is normal on the web: nothing to report, the next one is served."""

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def make_server(port: int = 8000, rasa_url: str = "http://localhost:5005", host: str = "127.0.0.1") -> ThreadingHTTPServer:
    handler = type("DemoHandler", (_DemoHandler,), {"rasa_url": rasa_url})
    return _DemoServer((host, port), partial(handler, directory=str(DEMO)))


def serve(port: int = 8000, rasa_url: str = "http://localhost:5005", host: str = "127.0.0.1") -> None:
    build()
    server = make_server(port, rasa_url, host)
    print(f"Demo Local Offer page: http://localhost:{port}/ (assistant at {rasa_url})")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
