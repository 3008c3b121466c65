"""Scores a redactor on the measured set in tests/eval/redaction/: details removed, clean messages kept.

A detail counts as removed when none of its words or numbers survive, beyond those the rest of
the message already holds ("14" in "he is 14" is not a leak of "14 Maple Avenue").
Run `python -m tests.eval.redaction_score` to see each miss.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import yaml

HERE = Path(__file__).resolve().parent / "redaction"
_TOKEN = re.compile(r"[^\W_]+")
_LABEL = re.compile(r"\[[^\]]*\]")  # [name], [date of birth]: the redactor's own words are not leaks


@dataclass
class Score:
    details: int = 0
    removed: int = 0
    clean: int = 0
    unchanged: int = 0
    leaks: list[tuple[str, str, str]] = field(default_factory=list)
    changed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def removed_share(self) -> float:
        return self.removed / self.details

    @property
    def unchanged_share(self) -> float:
        return self.unchanged / self.clean

    def summary(self) -> str:
        return (f"Redaction: {self.removed_share:.1%} of personal details removed ({self.removed}/{self.details}), "
                f"{self.unchanged_share:.1%} of clean messages unchanged ({self.unchanged}/{self.clean})")


def load() -> tuple[list[dict], list[str]]:
    """The personal messages (text and the spans to remove) and the clean messages."""
    personal = yaml.safe_load((HERE / "personal.yml").read_text(encoding="utf-8"))
    clean = yaml.safe_load((HERE / "clean.yml").read_text(encoding="utf-8"))
    return personal, clean


def _tokens(text: str) -> Counter:
    return Counter(t.lower() for t in _TOKEN.findall(text))


def leaked(original: str, span: str, redacted: str) -> bool:
    """Whether any word of the span is still in the redacted text, more often than outside the span."""
    outside = _tokens(original.replace(span, " "))
    after = _tokens(_LABEL.sub(" ", redacted))
    return any(after[t] > outside[t] for t in _tokens(span))


def score(redact: Callable[[str], str]) -> Score:
    personal, clean = load()
    result = Score()
    for item in personal:
        redacted = redact(item["text"])
        for span in item["remove"]:
            result.details += 1
            if leaked(item["text"], span, redacted):
                result.leaks.append((item["text"], span, redacted))
            else:
                result.removed += 1
    for text in clean:
        result.clean += 1
        redacted = redact(text)
        if redacted == text:
            result.unchanged += 1
        else:
            result.changed.append((text, redacted))
    return result


if __name__ == "__main__":
    from bot.redaction import redact as _redact

    found = score(_redact)
    for _text, span, redacted in found.leaks:
        print(f"LEAK {span!r}: {redacted}")
    for text, redacted in found.changed:
        print(f"CHANGED {text!r} -> {redacted!r}")
    print(found.summary())
