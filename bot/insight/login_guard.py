"""Wrong sign-in tokens: who sent them, and what that costs the sender.

Each client address may send MAX_FAILURES wrong tokens in FAILURE_WINDOW seconds, then it is
locked out for the rest of the window. The address is the connection's, or, when the connection
comes from a proxy listed in $MEDWAY_INSIGHT_TRUSTED_PROXIES, the last address that proxy added
to X-Forwarded-For: so a lockout behind the proxy is one person's, never everyone's. Across all
addresses, once GLOBAL_FREE wrong tokens arrived in the window, every check waits SLOW_SECONDS:
many addresses guessing together are slowed down, and nobody is locked out by someone else.
"""
from __future__ import annotations

import ipaddress
import os
import threading
import time
from collections import deque
from typing import Callable, Iterable

PROXIES_VARIABLE = "MEDWAY_INSIGHT_TRUSTED_PROXIES"
MAX_FAILURES, FAILURE_WINDOW = 5, 300
GLOBAL_FREE, SLOW_SECONDS = 20, 1.0
LOCKED_OUT = "Too many wrong tokens. Wait five minutes and try again."


class LockedOut(Exception):
    """This client sent too many wrong tokens lately."""


def trusted_proxies() -> frozenset[str]:
    """The proxies' addresses from $MEDWAY_INSIGHT_TRUSTED_PROXIES (comma-separated); invalid ones are an error."""
    names = [n.strip() for n in os.environ.get(PROXIES_VARIABLE, "").split(",") if n.strip()]
    return frozenset(str(ipaddress.ip_address(n)) for n in names)


def client_address(peer: str, forwarded_for: Iterable[str], proxies: frozenset[str]) -> str:
    """The client behind trusted proxies: X-Forwarded-For read from the right, skipping trusted hops."""
    if peer not in proxies:
        return peer
    hops = [h.strip() for header in forwarded_for for h in header.split(",")]
    for hop in reversed(hops):
        try:
            address = str(ipaddress.ip_address(hop))
        except ValueError:
            return peer  # a proxy we trust wrote something that is not an address: count it as the proxy
        if address not in proxies:
            return address
    return peer


class LoginGuard:
    """Counts wrong tokens per client and overall; thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self._clock, self._sleep = clock, sleep
        self._by_client: dict[str, deque[float]] = {}
        self._all: deque[float] = deque()
        self._lock = threading.Lock()

    def _forget_old(self) -> None:
        cutoff = self._clock() - FAILURE_WINDOW
        while self._all and self._all[0] <= cutoff:
            self._all.popleft()
        for client in [c for c, times in self._by_client.items() if not times or times[-1] <= cutoff]:
            del self._by_client[client]

    def check(self, client: str) -> None:
        """Raise LockedOut when `client` sent MAX_FAILURES wrong tokens in the window."""
        with self._lock:
            self._forget_old()
            cutoff = self._clock() - FAILURE_WINDOW
            if sum(t > cutoff for t in self._by_client.get(client, ())) >= MAX_FAILURES:
                raise LockedOut(client)

    def wait(self) -> None:
        """Slow every token check down while many wrong tokens are arriving from anywhere."""
        with self._lock:
            self._forget_old()
            busy = len(self._all) >= GLOBAL_FREE
        if busy:
            self._sleep(SLOW_SECONDS)

    def failed(self, client: str) -> None:
        with self._lock:
            now = self._clock()
            self._by_client.setdefault(client, deque(maxlen=MAX_FAILURES)).append(now)
            self._all.append(now)
