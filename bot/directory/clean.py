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
# One character of UTF-8 read as Windows-1252: a lead byte and its continuation bytes, each shown
# as the Windows-1252 character (or, for the five bytes it leaves undefined, the control character).
_CONTINUATION = "[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
_MOJIBAKE = re.compile(f"[\u00c2-\u00df]{_CONTINUATION}|[\u00e0-\u00ef]{_CONTINUATION}{{2}}|[\u00f0-\u00f4]{_CONTINUATION}{{3}}")
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
_QUOTES = "\"'\u2018\u2019\u201c\u201d`"
_SPACES = re.compile(r"[ \t\u00a0]+")
_NEEDS_WORK = re.compile("[<>&\n\r\u0080-\u00ff\u2018-\u201e\u20ac\u2122\u200b-\u200d\u2060\ufeff]")
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[a-z]{2,}$", re.IGNORECASE)
_PHONE = re.compile(r"^\+?[\d ()-]{7,20}$")
MISSING = {"", "null", "none", "n/a", "na", "-", "tbc", "unknown", "nil"}


def _as_utf8(match: re.Match) -> str:
    """One mis-read character back as it was meant, or as it stands when it was not UTF-8 after all."""
    fragment = match.group(0)
    raw = bytes(ord(c) if ord(c) < 256 and (ord(c) >= 0xA0 or c.encode("cp1252", "ignore") == b"") else c.encode("cp1252")[0]
                for c in fragment)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return fragment


def fix_encoding(value: str) -> str:
    """Undo UTF-8 read as Windows-1252 ("Â£5" -> "£5", "donâ€™t" -> "don't"), character by character,
    so text that mixes broken and good characters is mended too; twice for text broken twice."""
    for _ in range(2):
        if not _MOJIBAKE.search(value):
            break
        value = _MOJIBAKE.sub(_as_utf8, value)
    return value


def text(value: Any, max_length: int = 5000) -> Optional[str]:
    """Plain text: entities decoded once, then HTML tags out; encoding fixed, spaces folded, paragraphs kept.

    Decoding before stripping means an escaped tag ("&lt;script&gt;") is removed like a real one,
    and nothing is decoded twice ("&amp;lt;" stays "&lt;").
    """
    if value is None or isinstance(value, (dict, list)):
        return None
    value = str(value)
    if _NEEDS_WORK.search(value):  # most values are plain one-line text, with nothing to undo
        value = html.unescape(fix_encoding(_INVISIBLE.sub("", value)))
        value = _TAG.sub(" ", _BLOCK_END.sub("\n", _SCRIPT.sub(" ", value)))
        value = "\n".join(line for line in value.replace("\r", "\n").split("\n") if line.strip())
    value = "\n".join(_SPACES.sub(" ", line).strip() for line in value.split("\n")).strip()
    return None if value.lower() in MISSING else value[:max_length]


def one_line(value: Any, max_length: int = 500) -> Optional[str]:
    cleaned = text(value, max_length)
    return " ".join(cleaned.split()) if cleaned else None


def enum(value: Any, allowed: tuple[str, ...], aliases: dict[str, str], default: Optional[str] = None) -> Optional[str]:
    """An enum value in the standard's spelling; other spellings through `aliases`, else `default`."""
    cleaned = one_line(value)
    if not cleaned:
        return default
    key = re.sub(r"[\s_-]+", " ", cleaned.lower()).strip()
    return {option.replace("_", " "): option for option in allowed}.get(key) or aliases.get(key, default)


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
    found = None if isinstance(value, bool) else number(value, low, high)
    return None if found is None else int(found)


def decimal(value: Any) -> Optional[Decimal]:
    cleaned = one_line(value)
    if cleaned is None:
        return None
    try:
        number = Decimal(cleaned.replace("£", "").replace(",", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() and 0 <= number < 100000 else None


def number(value: Any, low: float, high: float) -> Optional[float]:
    """A number in [low, high] (a coordinate, or an age in years); out of range or unreadable is None."""
    try:
        found = float(value)
    except (TypeError, ValueError):
        return None
    return found if low <= found <= high else None


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


_BARE_DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}(:\d+)?([/?#]\S*)?$", re.IGNORECASE)


def url(value: Any) -> Optional[str]:
    """A web address; one written without "https://" ("www.example.org", "example.org/send") gets it."""
    cleaned = one_line(value, 2000)
    if not cleaned:
        return None
    cleaned = cleaned.strip(_QUOTES + "<> ")
    if _BARE_DOMAIN.match(cleaned):
        cleaned = "https://" + cleaned
    return cleaned if re.match(r"^https?://[^\s<>\"]+$", cleaned, re.IGNORECASE) else None


_PHONE_LABEL = re.compile(r"^(tel(ephone)?|phone|mob(ile)?|call|t)\.?\s*(no\.?|number)?\s*[:.-]?\s*(?=[+(\d])", re.IGNORECASE)
_EXTENSION = re.compile(r"[\s,;(]*(ext(ension)?\.?|x)\s*:?\s*(\d{1,6})\)?$", re.IGNORECASE)


def phone(value: Any) -> Optional[str]:
    """A phone number as written, without quote marks or a label ("Tel: 01634 ..."); an extension
    is kept as "ext. 123"."""
    cleaned = one_line(value, 80)
    if not cleaned:
        return None
    cleaned = _PHONE_LABEL.sub("", cleaned.strip(_QUOTES + " "))
    extension = _EXTENSION.search(cleaned)
    if extension:
        cleaned = cleaned[:extension.start()]
    cleaned = cleaned.strip(_QUOTES + " ")
    if not (_PHONE.match(cleaned) and sum(c.isdigit() for c in cleaned) >= 7):
        return None
    return f"{cleaned} ext. {extension.group(3)}" if extension else cleaned


def postcode(value: Any) -> Optional[str]:
    cleaned = one_line(value, 20)
    if not cleaned:
        return None
    compact = cleaned.upper().replace(" ", "")
    match = re.match(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})?$", compact)
    if not match:
        return None
    return f"{match.group(1)} {match.group(2)}" if match.group(2) else match.group(1)
