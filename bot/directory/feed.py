"""Reading an Open Referral UK API over HTTP: paging, timeouts, retries with back-off.

Version 3.0 pages with total_pages / page_number / contents, and its /services list holds
summaries, so each service is then read from /services/{id}. Version 1.0 pages with totalPages /
number / content and lists full records. Everything is read before anything is written, so a
feed that breaks half-way leaves the directory as it was.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional
from urllib.parse import quote

import requests

from bot.directory import oruk
from bot.directory.records import Rejected, ServiceRecord
from bot.directory.vocabulary import Vocabulary, cached
from bot.errors import MedwayError

RETRY_STATUS = {429, 500, 502, 503, 504}
MAX_PAGES = 10_000


class FeedError(MedwayError):
    """The feed cannot be imported; the message says which address and what went wrong."""


@dataclass
class Client:
    base_url: str
    timeout: tuple[float, float] = (5.0, 30.0)
    retries: int = 4
    backoff: float = 0.5
    sleep: Callable[[float], None] = time.sleep
    session: requests.Session = field(default_factory=requests.Session)
    _retry_after: Optional[str] = None

    def get(self, path: str, params: Optional[dict[str, Any]] = None) -> Any:
        """GET a JSON document, retrying 429, 5xx and dropped connections with exponential back-off."""
        url = self.base_url.rstrip("/") + path
        problem = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self._delay(attempt, problem))
            try:
                answer = self.session.get(url, params=params, timeout=self.timeout,
                                          headers={"Accept": "application/json"})
            except (requests.ConnectionError, requests.Timeout) as exc:
                problem = f"no answer ({type(exc).__name__})"
                continue
            if answer.status_code in RETRY_STATUS:
                problem = f"HTTP {answer.status_code}"
                self._retry_after = answer.headers.get("Retry-After")
                continue
            if answer.status_code != 200:
                raise FeedError(f"{answer.url}: HTTP {answer.status_code}")
            try:
                return json.loads(answer.content.decode(answer.encoding or "utf-8", errors="replace"), strict=False)
            except ValueError as exc:
                raise FeedError(f"{answer.url}: not JSON ({exc})") from None
        raise FeedError(f"{url}: {problem} after {self.retries + 1} tries")

    def _delay(self, attempt: int, problem: str) -> float:
        if problem == "HTTP 429" and self._retry_after and self._retry_after.isdigit():
            return min(float(self._retry_after), 30.0)
        return self.backoff * (2 ** (attempt - 1))


def _page_fields(page: Any, where: str) -> tuple[list, Optional[int], bool]:
    """(items, total pages, last page?) for either version's paging."""
    if not isinstance(page, dict):
        raise FeedError(f"{where}: a page must be a JSON object with 'contents' (3.0) or 'content' (1.0)")
    if isinstance(page.get("contents"), list):
        return page["contents"], page.get("total_pages"), bool(page.get("last_page"))
    if isinstance(page.get("content"), list):
        return page["content"], page.get("totalPages"), bool(page.get("last"))
    raise FeedError(f"{where}: no 'contents' (ORUK 3.0) or 'content' (ORUK 1.0) list in the page")


def fetch(base_url: str, vocabulary: Optional[Vocabulary] = None, per_page: int = 100, client: Optional[Client] = None,
          progress: Optional[Callable[[int], None]] = None) -> tuple[list[ServiceRecord], list[Rejected]]:
    """Every service in the feed as records, and the ones that could not be used with reasons."""
    vocabulary = vocabulary or cached()
    client = client or Client(base_url)
    records: list[ServiceRecord] = []
    rejected: list[Rejected] = []
    seen_pages: set[tuple] = set()
    page_number = 1
    while page_number <= MAX_PAGES:
        where = f"{base_url.rstrip('/')}/services page {page_number}"
        items, total_pages, last = _page_fields(client.get("/services", {"page": page_number, "per_page": per_page}), where)
        signature = tuple(str(i.get("id")) if isinstance(i, dict) else "?" for i in items)
        if items and signature in seen_pages and len(set(signature)) > 1:
            raise FeedError(f"{where}: the feed returned the same page again; it may ignore the 'page' parameter")
        seen_pages.add(signature)
        for number, item in enumerate(items, start=1):
            item_where = f"page {page_number} item {number}"
            if isinstance(item, dict) and item.get("id") and not oruk.has_details(item):
                try:
                    item = client.get(f"/services/{quote(str(item['id']), safe='')}")
                except FeedError as exc:
                    rejected.append(Rejected(f"{item_where} (id {item.get('id')})", f"could not read its details: {exc}"))
                    continue
            result = oruk.to_record(item, vocabulary, item_where)
            (rejected if isinstance(result, Rejected) else records).append(result)
        if progress:
            progress(len(items))
        if last or not items or (isinstance(total_pages, int) and page_number >= total_pages):
            break
        page_number += 1
    return records, rejected
