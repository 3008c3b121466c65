"""Cleaning values from real feeds and spreadsheets on the way in.

Real feeds hold HTML in descriptions, mis-encoded characters ("Â£" for "£"), empty strings for
missing values and enum values in other spellings. Each function takes what arrived and returns
the clean value or None; none of them raises on bad input.
"""
from __future__ import annotations

import html
import re
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, Optional

_TAG = re.compile(r"<\s*[a-zA-Z/!?][^<>]*>")
_BLOCK_END = re.compile(r"<\s*(br|/p|/li|/div|/h[1-6])\s*/?>", re.IGNORECASE)
_SCRIPT = re.compile(r"<\s*(script|style)\b.*?<\s*/\s*\1\s*>", re.IGNORECASE | re.DOTALL)
_MOJIBAKE = re.compile("[ÂÃâ][\u0080-\u00bf\u2018-\u201e\u20ac\u2122\u0152\u0153\u0160\u0161\u017d\u017e\u0178\u02c6\u02dc]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_NEEDS_WORK = re.compile("[<>&\n\r\u0080-\u00ff\u2018-\u201e\u20ac\u2122]")
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[a-z]{2,}$", re.IGNORECASE)
_PHONE = re.compile(r"^\+?[\d ()-]{7,20}$")
MISSING = {"", "null", "none", "n/a", "na", "-", "tbc", "unknown", "nil"}
_LONGEST_MISSING = max(map(len, MISSING))


def _missing(value: str) -> bool:
    """Whether a value is a way of writing 'nothing' (the length first: most values are longer)."""
    return len(value) <= _LONGEST_MISSING and value.lower() in MISSING


def fix_encoding(value: str) -> str:
    """Undo UTF-8 read as Windows-1252 ("Â£5" -> "£5", "donâ€™t" -> "don't"), only where it is clearly that."""
    if not _MOJIBAKE.search(value):
        return value
    try:
        return value.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def text(value: Any, max_length: int = 5000) -> Optional[str]:
    """Plain text: entities decoded once, then HTML tags out; encoding fixed, spaces folded, paragraphs kept.

    Decoding before stripping means an escaped tag ("&lt;script&gt;") is removed like a real one,
    and nothing is decoded twice ("&amp;lt;" stays "&lt;").
    """
    if value is None or isinstance(value, (dict, list)):
        return None
    value = str(value)
    if not _NEEDS_WORK.search(value):  # most values: plain one-line text, nothing to undo
        if "  " in value or "\t" in value or "\u00a0" in value:
            value = _SPACES.sub(" ", value)
        value = value.strip()
        return None if _missing(value) else value[:max_length]
    value = html.unescape(fix_encoding(value))
    value = _SCRIPT.sub(" ", value)
    value = _BLOCK_END.sub("\n", value)
    value = _TAG.sub(" ", value)
    lines = [_SPACES.sub(" ", line).strip() for line in value.replace("\r", "\n").split("\n")]
    value = "\n".join(line for line in lines if line).strip()
    if value.lower() in MISSING:
        return None
    return value[:max_length]


def one_line(value: Any, max_length: int = 500) -> Optional[str]:
    if isinstance(value, str) and not _NEEDS_WORK.search(value):
        value = " ".join(value.split())  # most values: plain text, nothing to undo but spacing
        return None if _missing(value) else value[:max_length]
    cleaned = text(value, max_length)
    return " ".join(cleaned.split()) if cleaned else None


def enum(value: Any, allowed: tuple[str, ...], aliases: dict[str, str], default: Optional[str] = None) -> Optional[str]:
    """An enum value in the standard's spelling; other spellings through `aliases`, else `default`."""
    cleaned = one_line(value)
    if not cleaned:
        return default
    key = re.sub(r"[\s_-]+", " ", cleaned.lower()).strip()
    for option in allowed:
        if key == option.replace("_", " "):
            return option
    return aliases.get(key, default)


STATUS = ("active", "inactive", "defunct", "temporarily closed")
STATUS_ALIASES = {"live": "active", "open": "active", "current": "active", "closed": "inactive",
                  "suspended": "temporarily closed", "paused": "temporarily closed", "deleted": "defunct",
                  "archived": "defunct", "temporarily_closed": "temporarily closed"}
LOCATION_TYPES = ("physical", "postal", "virtual")
LOCATION_ALIASES = {"venue": "physical", "building": "physical", "site": "physical", "in person": "physical",
                    "online": "virtual", "remote": "virtual", "web": "virtual", "telephone": "virtual",
                    "postal address": "postal", "mailing": "postal"}


def integer(value: Any, low: int, high: int) -> Optional[int]:
    """A whole number in [low, high]; out of range or unreadable is None."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    if number != number or not low <= number <= high:
        return None
    return int(number)


def decimal(value: Any) -> Optional[Decimal]:
    cleaned = one_line(value)
    if cleaned is None:
        return None
    try:
        number = Decimal(cleaned.replace("£", "").replace(",", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() and 0 <= number < 100000 else None


def coordinate(value: Any, low: float, high: float) -> Optional[float]:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def day(value: Any) -> Optional[date]:
    """A date from ISO (2024-03-01, or a timestamp) or UK style (01/03/2024)."""
    moment = timestamp(value)
    return moment.date() if moment else None


def timestamp(value: Any) -> Optional[datetime]:
    cleaned = one_line(value)
    if not cleaned:
        return None
    candidate = cleaned.replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(candidate)
        return parsed.replace(tzinfo=None) if parsed.tzinfo is None else parsed.astimezone(timezone.utc).replace(tzinfo=None)
    except ValueError:
        pass
    for pattern in ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y"):
        try:
            return datetime.strptime(cleaned, pattern)
        except ValueError:
            continue
    return None


def email(value: Any) -> Optional[str]:
    cleaned = one_line(value, 254)
    return cleaned if cleaned and _EMAIL.match(cleaned) else None


def url(value: Any) -> Optional[str]:
    cleaned = one_line(value, 2000)
    if not cleaned:
        return None
    if cleaned.lower().startswith("www."):
        cleaned = "https://" + cleaned
    return cleaned if re.match(r"^https?://[^\s<>\"]+$", cleaned, re.IGNORECASE) else None


def phone(value: Any) -> Optional[str]:
    cleaned = one_line(value, 40)
    return cleaned if cleaned and _PHONE.match(cleaned) and sum(c.isdigit() for c in cleaned) >= 7 else None


def postcode(value: Any) -> Optional[str]:
    cleaned = one_line(value, 20)
    if not cleaned:
        return None
    compact = cleaned.upper().replace(" ", "")
    match = re.match(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})?$", compact)
    if not match:
        return None
    return f"{match.group(1)} {match.group(2)}" if match.group(2) else match.group(1)
