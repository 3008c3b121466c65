"""Reading an Open Referral UK API over HTTP: paging, timeouts, retries with back-off.

Version 3.0 pages with total_pages / page_number / contents, and its /services list holds
summaries, so each service is then read from /services/{id}. Version 1.0 pages with totalPages /
number / content and lists full records. Everything is read before anything is written, so a
feed that breaks half-way leaves the directory as it was.

Limits, each stopping the import with a FeedError that says why: a page over MAX_PAGE_BYTES, a
page that takes longer than the read timeout however slowly it trickles in, an import longer
than `deadline`, a redirect to another host (unless `other_hosts`), an unknown charset, JSON
nested deeper than MAX_DEPTH, and a page whose services were already seen on an earlier page.
"""
from __future__ import annotations

import codecs
import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional
from urllib.parse import quote, urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3 import exceptions as urllib3_errors
from urllib3.util.retry import Retry

from bot.directory import oruk
from bot.directory.records import Rejected, ServiceRecord
from bot.directory.vocabulary import Vocabulary, cached
from bot.errors import MedwayError

RETRY_STATUS = {429, 500, 502, 503, 504}
MAX_PAGES = 10_000
MAX_PAGE_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
MAX_DEPTH = 64


class FeedError(MedwayError):
    """The feed cannot be imported; the message says which address and what went wrong."""


def _too_deep(value: Any, depth: int = 1) -> bool:
    """Whether JSON nests deeper than MAX_DEPTH (looking no deeper than that)."""
    if depth > MAX_DEPTH:
        return True
    children = value.values() if isinstance(value, dict) else value
    return any(_too_deep(child, depth + 1) for child in children if isinstance(child, (dict, list)))


def parse(body: bytes, charset: Optional[str], where: str) -> Any:
    """A page's JSON, or a FeedError naming what is wrong with it (charset, syntax, nesting)."""
    try:
        codec = codecs.lookup(charset or "utf-8").name
    except LookupError:
        raise FeedError(f"{where}: the feed says its text is in '{charset[:40]}', which is not a known character set") from None
    try:
        value = json.loads(body.decode(codec, errors="replace"), strict=False)
    except RecursionError:
        raise FeedError(f"{where}: the JSON is nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:
        raise FeedError(f"{where}: not JSON ({exc})") from None
    if isinstance(value, (dict, list)) and _too_deep(value):
        raise FeedError(f"{where}: the JSON is nested more than {MAX_DEPTH} levels deep")
    return value


@dataclass
class Client:
    """GETs JSON from one feed. `timeout` is (connect, read): a page must arrive within the read
    timeout however slowly it trickles; `deadline` bounds the whole import, in seconds. 429, 5xx,
    refused connections and late answers are tried again `retries` times by urllib3, waiting
    `backoff` seconds doubled each time, or what a Retry-After header asks (up to 30 s)."""

    base_url: str
    timeout: tuple[float, float] = (5.0, 30.0)
    retries: int = 4
    backoff: float = 0.5
    deadline: float = 1800.0
    other_hosts: bool = False
    session: requests.Session = field(default_factory=requests.Session)
    _started: Optional[float] = None

    def __post_init__(self) -> None:
        retry = Retry(total=self.retries, status_forcelist=RETRY_STATUS, backoff_factor=self.backoff, backoff_max=30,
                      respect_retry_after_header=True, retry_after_max=30, raise_on_status=False)
        for scheme in ("http://", "https://"):
            self.session.mount(scheme, HTTPAdapter(max_retries=retry))
        self.session.max_redirects = MAX_REDIRECTS
        self.session.hooks["response"].append(self._same_host)

    def get(self, path: str, params: Optional[dict[str, Any]] = None) -> Any:
        """GET a JSON document (see the class for retries)."""
        url = self.base_url.rstrip("/") + path
        self._started = self._started or time.monotonic()
        self._check_deadline(url)
        try:
            answer = self.session.get(url, params=params, timeout=self.timeout, stream=True,
                                      headers={"Accept": "application/json"})
        except requests.TooManyRedirects:
            raise FeedError(f"{url}: more than {MAX_REDIRECTS} redirects") from None
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise FeedError(f"{url}: no answer ({type(exc).__name__}) after {self.retries + 1} tries") from None
        if answer.status_code != 200:
            answer.close()
            tries = f" after {self.retries + 1} tries" if answer.status_code in RETRY_STATUS else ""
            raise FeedError(f"{answer.url}: HTTP {answer.status_code}{tries}")
        return parse(self._body(answer), answer.encoding, answer.url)

    def _same_host(self, answer: requests.Response, **_: Any) -> None:
        """Follow redirects on the feed's own host only (unless `other_hosts`)."""
        if answer.is_redirect and not self.other_hosts:
            target = urlsplit(urljoin(answer.url, answer.headers["Location"])).hostname
            if target != urlsplit(self.base_url).hostname:
                answer.close()
                raise FeedError(f"{answer.url}: redirected to another host ({target}); not followed (use "
                                "--allow-other-hosts if that host is the council's feed)")

    def _check_deadline(self, url: str) -> None:
        if self._started is not None and time.monotonic() - self._started > self.deadline:
            raise FeedError(f"{url}: the import took longer than {self.deadline:g} s, so it was stopped")

    def _body(self, answer: requests.Response) -> bytes:
        """The body, read as it arrives: stopped past MAX_PAGE_BYTES, the read timeout or the deadline."""
        try:
            length = int(answer.headers.get("Content-Length") or 0)
            if length > MAX_PAGE_BYTES:
                raise FeedError(f"{answer.url}: the page is {length:,} bytes; the limit is {MAX_PAGE_BYTES:,}")
            stop = time.monotonic() + self.timeout[1]
            body = bytearray()
            while chunk := answer.raw.read1(65536, decode_content=True):
                body += chunk
                if len(body) > MAX_PAGE_BYTES:
                    raise FeedError(f"{answer.url}: the page is larger than the limit of {MAX_PAGE_BYTES:,} bytes")
                if time.monotonic() > stop:
                    raise FeedError(f"{answer.url}: the page took longer than {self.timeout[1]:g} s to arrive")
                self._check_deadline(answer.url)
            return bytes(body)
        except (urllib3_errors.ProtocolError, urllib3_errors.ReadTimeoutError, urllib3_errors.DecodeError) as exc:
            raise FeedError(f"{answer.url}: the connection broke while the page was read ({exc})") from None
        finally:
            answer.close()


def normalise_url(url: str) -> str:
    """A feed's base address written one way: scheme and host in lower case, no default port, no
    trailing "/" or "/services", no query or fragment. Used to fetch and to name the source."""
    parts = urlsplit(url.strip())
    scheme = (parts.scheme or "https").lower()
    host = (parts.hostname or "").lower()
    port = f":{parts.port}" if parts.port and (scheme, parts.port) not in (("http", 80), ("https", 443)) else ""
    path = parts.path.rstrip("/")
    if path.lower().endswith("/services"):
        path = path[: -len("/services")]
    return f"{scheme}://{host}{port}{path}"


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
          progress: Callable[[int], None] = lambda services: None,
          expected: Optional[Callable[[int], None]] = None) -> tuple[list[ServiceRecord], list[Rejected]]:
    """Every service in the feed as records, and the ones that could not be used with reasons.
    `progress` is told of each service read; `expected`, of how many the feed says it holds."""
    vocabulary = vocabulary or cached()
    client = client or Client(base_url)
    records: list[ServiceRecord] = []
    rejected: list[Rejected] = []
    seen_pages: set[str] = set()
    page_number = 1
    while page_number <= MAX_PAGES:
        where = f"{base_url.rstrip('/')}/services page {page_number}"
        page = client.get("/services", {"page": page_number, "per_page": per_page})
        items, total_pages, last = _page_fields(page, where)
        total_items = page.get("total_items", page.get("totalElements"))
        if expected and page_number == 1 and isinstance(total_items, int) and not isinstance(total_items, bool):
            expected(total_items)
        signature = hashlib.sha256(json.dumps(items, sort_keys=True, default=str).encode()).hexdigest()
        if items and signature in seen_pages:
            raise FeedError(f"{where}: the feed returned the same page again; it may ignore the 'page' parameter")
        seen_pages.add(signature)
        for number, item in enumerate(items, start=1):
            item_where = f"page {page_number} item {number}"
            try:
                if isinstance(item, dict) and item.get("id") and not oruk.has_details(item):
                    item = client.get(f"/services/{quote(str(item['id']), safe='')}")
                result = oruk.to_record(item, vocabulary, item_where, rejected)
            except FeedError as exc:
                result = Rejected(f"{item_where} (id {item.get('id')})", f"could not read its details: {exc}",
                                  str(item["id"]).strip())
            (rejected if isinstance(result, Rejected) else records).append(result)
            progress(1)
        if last or not items or (isinstance(total_pages, int) and page_number >= total_pages):
            break
        page_number += 1
    return records, rejected
