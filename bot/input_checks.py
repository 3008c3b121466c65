"""Checks on what a person typed, before it reaches the model or the conversation store."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Optional

from py3langid.langid import MODEL_FILE, LanguageIdentifier

MAX_MESSAGE_CHARS = 5000
"""Longest message the server accepts. The web widget refuses more than 2,000 before sending."""

MAX_SENDER_CHARS = 128

_SENDER = re.compile(r"^[A-Za-z0-9_.:@-]{1,%d}$" % MAX_SENDER_CHARS)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")

NOT_ENGLISH_MIN_WORDS = 3
NOT_ENGLISH_MIN_PROBABILITY = 0.95
# Words so common in parents' English that their presence means "treat this as English",
# whatever the language identifier thinks of the jargon around them.
_ENGLISH_MARKERS = frozenset(
    "my the is and what how can he she does for with son daughter child school help please "
    "it's i'm we our you your they was has have not".split())
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")

EMPTY = "empty"
NO_WORDS = "no_words"
NOT_ENGLISH = "not_english"
NO_CONTENT = "no_content"

# Words that carry no meaning on their own: a message made only of these cannot be classified.
_FUNCTION_WORDS = frozenset("the a an and or of to in on at is are was it this that these those for with be by as from so but if then".split())


def clean(text: str) -> str:
    """Text safe to store: Unicode-normalised, control characters (NUL and friends) removed, trimmed."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", text)).strip()


def valid_sender(sender: object) -> bool:
    """A conversation id from a client: short, and only characters that are safe in logs and URLs."""
    return isinstance(sender, str) and bool(_SENDER.match(sender))


def _is_latin(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN")


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    """py3langid's model ships inside the package: nothing is downloaded."""
    return LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)


def _other_latin_language(text: str) -> bool:
    """True only when a Latin-script message is confidently another language with no common English word."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < NOT_ENGLISH_MIN_WORDS or _ENGLISH_MARKERS.intersection(words):
        return False
    language, probability = _identifier().classify(text)
    return language != "en" and probability >= NOT_ENGLISH_MIN_PROBABILITY


def unusual(text: str) -> Optional[str]:
    """Why a message cannot be understood as English words, or None when it might be.

    Digits alone are not unusual: they answer questions such as a child's age. English with
    typos and SEND jargon ("senco wont reply", "EHCP annual review deadline") is never refused.
    """
    if not text or not text.strip():
        return EMPTY
    if text.startswith("/"):
        return None
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None if any(c.isdigit() for c in text) else NO_WORDS
    latin = sum(1 for c in letters if _is_latin(c))
    if latin < len(letters) / 2 or _other_latin_language(text):
        return NOT_ENGLISH
    words = [w.lower() for w in _WORD.findall(text)]
    if words and all(w in _FUNCTION_WORDS for w in words):
        return NO_CONTENT
    return None
