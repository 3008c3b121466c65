"""A real HTTP server on loopback that serves Open Referral UK feeds for the importer tests.

Built from the files in tests/data/oruk/ (the official validator's mock feed); `pages` decides
what each /services page holds, `broken` makes chosen requests fail the way real feeds do: it
returns (status, body) or (status, body, headers), a header set to None being left out.
`trickle` sends each body in pieces of that many bytes, 0.2 s apart.
"""
from __future__ import annotations

import copy
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Optional
from urllib.parse import parse_qs, unquote, urlparse

ORUK = Path(__file__).resolve().parent / "data" / "oruk"


def oruk_file(name: str) -> Any:
    return json.loads((ORUK / name).read_text(encoding="utf-8"))


def v3_page(items: list, number: int, total_pages: int, total_items: int) -> dict:
    return {"total_items": total_items, "total_pages": total_pages, "page_number": number, "size": len(items),
            "first_page": number == 1, "last_page": number >= total_pages, "empty": not items, "contents": items}


def v1_page(items: list, number: int, total_pages: int, total_items: int) -> dict:
    return {"totalElements": total_items, "totalPages": total_pages, "number": number, "size": len(items),
            "first": number == 1, "last": number >= total_pages, "content": items}


class Feed:
    """Serves `services` (full records) paged as ORUK `version`; 3.0 lists give summaries only."""

    def __init__(self, services: list[dict], version: str = "3.0", per_page: int = 25):
        self.services = services
        self.version = version
        self.per_page = per_page
        self.requests: list[str] = []
        self.broken: Callable[[str, int], Optional[tuple]] = lambda path, count: None
        self.raw_pages: Optional[Callable[[int], bytes]] = None
        self.trickle: Optional[int] = None

    def page(self, number: int) -> bytes:
        if self.raw_pages:
            return self.raw_pages(number)
        total = len(self.services)
        pages = max(1, -(-total // self.per_page))
        chunk = self.services[(number - 1) * self.per_page: number * self.per_page]
        if self.version == "3.0":
            summary_keys = ("id", "name", "description", "url", "email", "status", "fees", "minimum_age",
                            "maximum_age", "last_modified", "organization", "assured_date")
            chunk = [{k: s[k] for k in summary_keys if k in s} for s in chunk]
            return json.dumps(v3_page(chunk, number, pages, total)).encode()
        return json.dumps(v1_page(chunk, number, pages, total)).encode()

    def detail(self, service_id: str) -> Optional[bytes]:
        for service in self.services:
            if service["id"] == service_id:
                return json.dumps(service).encode()
        return None

    def __enter__(self) -> "Feed":
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                url = urlparse(self.path)
                feed.requests.append(self.path)
                failure = feed.broken(self.path, len(feed.requests))
                headers: dict[str, Optional[str]] = {}
                if failure:
                    status, body, *more = failure
                    headers = more[0] if more else {}
                elif url.path == "/services":
                    status, body = 200, feed.page(int(parse_qs(url.query).get("page", ["1"])[0]))
                elif url.path.startswith("/services/"):
                    body = feed.detail(unquote(url.path[len("/services/"):]))
                    status, body = (200, body) if body else (404, b'{"error": "not found"}')
                else:
                    status, body = 404, b"{}"
                self.send_response(status)
                headers = {"Content-Type": "application/json", "Content-Length": str(len(body)), **headers}
                for name, value in headers.items():
                    if value is not None:
                        self.send_header(name, value)
                self.end_headers()
                if not feed.trickle:
                    self.wfile.write(body)
                    return
                try:
                    for start in range(0, len(body), feed.trickle):
                        self.wfile.write(body[start:start + feed.trickle])
                        self.wfile.flush()
                        time.sleep(0.2)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the importer gave up, as it should

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def unique_services(count: int) -> list[dict]:
    """`count` copies of the mock feed's full service, each with its own id and a few real-world messes."""
    base = oruk_file("service_full.json")
    services = []
    for number in range(count):
        service = copy.deepcopy(base)
        service["id"] = f"{base['id']}-{number}"
        service["name"] = f"{base['name']} {number}"
        services.append(service)
    return services
