"""The safeguarding message sets: risk.yml and everyday.yml measure; tuning.yml alone tunes."""
from __future__ import annotations

from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent


def _load(name: str) -> dict[str, list[str]]:
    data = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
    return {str(key): [str(text) for text in values] for key, values in data.items()}


def risk() -> dict[str, list[str]]:
    """Risk messages by kind (medical, self_harm, violence, abuse, neglect, missing, parent_crisis)."""
    return _load("risk.yml")


def everyday() -> dict[str, list[str]]:
    """Everyday messages: 'everyday' and the hard 'near_misses'."""
    return _load("everyday.yml")


def tuning() -> dict[str, list[str]]:
    """The small tuning list ('risk', 'everyday'), the only one used to choose the model threshold."""
    return _load("tuning.yml")


def all_messages() -> list[str]:
    return [t for group in (risk(), everyday(), tuning()) for texts in group.values() for t in texts]
