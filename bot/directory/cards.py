"""Search results as parents see them: short cards, as text for any channel and as a payload
the web widget renders."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Optional

SAMPLE_NOTE = "Sample data: not a real service"
SUMMARY_CHARS = 160


def _summary(description: Optional[str]) -> str:
    text = " ".join((description or "").split())
    if len(text) <= SUMMARY_CHARS:
        return text
    cut = text[:SUMMARY_CHARS].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def ages(low: Optional[int], high: Optional[int]) -> str:
    if low is None and high is None:
        return "All ages"
    if low is None:
        return f"Up to age {high}"
    if high is None:
        return f"Age {low} and over"
    return f"Ages {low} to {high}"


def _pounds(amount: Any) -> str:
    value = Decimal(str(amount))
    return f"£{value:,.0f}" if value == value.to_integral_value() else f"£{value:,.2f}"


def cost_options(options: list[dict[str, Any]], fees: str = "") -> list[str]:
    """Each priced option in words ("Under 18s: £35 per 1 hour session"), leaving out one the
    fees text already gives, at most three."""
    parts = []
    for option in options:
        if option.get("amount") is None:
            continue
        words = " ".join(p for p in (_pounds(option["amount"]), option.get("amount_description")) if p)
        if option.get("option"):
            words = f"{option['option']}: {words}"
        if _pounds(option["amount"]) not in fees and words not in parts and (option.get("amount_description") or "") != fees:
            parts.append(words)
    return parts[:3]


def cost(card: dict[str, Any]) -> str:
    fees = card.get("fees") or ""
    if card.get("is_free"):
        return "Free" if not fees or fees.lower() == "free" else fees
    return "; ".join(p for p in [fees, *cost_options(card.get("cost_options") or [], fees)] if p) or "Ask the service about cost"


def updated(value: Optional[str]) -> Optional[str]:
    if not value:
        return None
    day = date.fromisoformat(value)
    return f"{day.day} {day:%B %Y}"


def card(row: dict[str, Any]) -> dict[str, Any]:
    """The fields of one card, all plain text (the widget shows them as text, never as HTML)."""
    contact = [c for c in (row.get("phone"), row.get("email")) if c]
    return {
        "id": row["id"], "name": row["name"], "organization": row.get("organization"),
        "summary": _summary(row.get("description")), "ages": ages(row.get("minimum_age"), row.get("maximum_age")),
        "cost": cost(row), "free": bool(row.get("is_free")), "where": row.get("where"),
        "how_to_access": row.get("application_process"), "phone": row.get("phone"), "email": row.get("email"),
        "url": row.get("url"), "contact": " · ".join(contact) if contact else None,
        "opening_times": row.get("opening_times"),
        "last_updated": updated(row.get("last_modified")), "sample": bool(row.get("is_sample")),
    }


def as_text(cards: list[dict[str, Any]], first_number: int = 1) -> str:
    """Numbered cards as plain text, for channels that cannot show cards (and for screen readers)."""
    blocks = []
    for number, c in enumerate(cards, start=first_number):
        title = f"{number}. {c['name']}" + (f" ({SAMPLE_NOTE.lower()})" if c["sample"] else "")
        lines = [title, c["summary"], " · ".join(p for p in (c["ages"], c["cost"], c["where"]) if p)]
        if c.get("opening_times"):
            lines.append(f"Opening times: {c['opening_times']}")
        if c["how_to_access"]:
            lines.append(f"How to get it: {c['how_to_access']}")
        contact = " · ".join(p for p in (c["phone"], c["email"], c["url"]) if p)
        if contact:
            lines.append(f"Contact: {contact}")
        if c["last_updated"]:
            lines.append(f"Last updated {c['last_updated']}")
        blocks.append("\n".join(line for line in lines if line))
    return "\n\n".join(blocks)
