"""One cleaned service, ready to store: the rows it adds to each ORUK table."""
from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any, Optional

_NAMESPACE = uuid.UUID("6f1c9a52-2d3b-4c8e-9a57-0b9e3c1d2f40")


def stable_id(*parts: Any) -> str:
    """A UUID (version 5) that is the same every time for the same parts (for rows a source gives no id)."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(map(str, parts))))


@dataclass
class ServiceRecord:
    """A service and everything it owns, keyed by ORUK table name. `raw` is the record as it arrived."""

    service: dict[str, Any]
    organization: dict[str, Any] | None = None
    locations: list[dict[str, Any]] = field(default_factory=list)
    addresses: list[dict[str, Any]] = field(default_factory=list)
    service_at_location: list[dict[str, Any]] = field(default_factory=list)
    contact: list[dict[str, Any]] = field(default_factory=list)
    phone: list[dict[str, Any]] = field(default_factory=list)
    schedule: list[dict[str, Any]] = field(default_factory=list)
    cost_option: list[dict[str, Any]] = field(default_factory=list)
    service_area: list[dict[str, Any]] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    other_terms: list[dict[str, Any]] = field(default_factory=list)
    raw: str = ""
    _fingerprint: Optional[str] = field(default=None, repr=False, compare=False)

    @property
    def id(self) -> str:
        return self.service["id"]

    def fingerprint(self) -> str:
        """A hash of everything but `raw`: equal fingerprints mean nothing to write (worked out once)."""
        if self._fingerprint is None:
            payload = {k: v for k, v in self.__dict__.items() if k not in ("raw", "_fingerprint")}
            self._fingerprint = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
        return self._fingerprint


@dataclass(frozen=True)
class Rejected:
    """A record or row that was not imported, and why, in words staff can act on. With `kept`, a
    warning instead: one value was dropped (or a column ignored) and the row imported without it.
    `service_id` is the id the row or record gives, when it gives one: a rejected service is never
    taken for one that left the source."""

    where: str
    reason: str
    service_id: Optional[str] = None
    kept: bool = False

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"
