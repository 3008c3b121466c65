"""Checks on what a person typed, before it reaches the model or the conversation store."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Dict, Optional

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from bot.redaction import redact

MAX_MESSAGE_CHARS = 5000
"""Longest message the server accepts. The web widget refuses more than 2,000 before sending."""

MAX_SENDER_CHARS = 128

METADATA_KEYS = frozenset({"language"})
"""Metadata a client may send with a message (rasa-webchat sends its page's language). Nothing else
the assistant does reads metadata, and whatever is kept is stored with the message."""
MAX_METADATA_VALUE_CHARS = 35

_SENDER = re.compile(r"^[A-Za-z0-9_.:@-]{1,%d}$" % MAX_SENDER_CHARS)
# Control characters, non-characters, and lone surrogates (JSON can carry "\\ud800", which is
# not a character: the sentence encoder and UTF-8 databases refuse it).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

NOT_ENGLISH_MIN_WORDS = 3
NOT_ENGLISH_MIN_PROBABILITY = 0.95
# Words so common in parents' English that their presence means "treat this as English",
# whatever the language identifier thinks of the jargon around them.
# Words that are also common words of other languages parents here write in are left out: "i" and "to"
# (Polish), "me" and "no" (Spanish), "are" (Romanian), "will", "so" and "im" (German), "her" (Turkish),
# "of" (Dutch). SEND words ("ehcp", "senco") are not markers: parents writing in Polish use them too.
_ENGLISH_MARKERS = frozenset(
    "my the is and what how can he she does for with son daughter child school help please "
    "it's i'm we our you your they was has have not "
    "him his need want mean dont don't cant can't wont won't ive i've why who when where would could "
    "should get got this that there their people say still being just about really because if but up out "
    "any some very much now then only been did yes pls plz".split())
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")

EMPTY = "empty"
NO_WORDS = "no_words"
NOT_ENGLISH = "not_english"
NO_CONTENT = "no_content"

# Words that carry no meaning on their own: a message made only of these cannot be classified.
_FUNCTION_WORDS = frozenset("the a an and or of to in on at is are was it this that these those for with be by as from so but if then".split())


BUTTON_INTENTS = frozenset({
    "greet", "restart", "help", "find_service", "human_handoff", "leave_question", "bot_challenge",
    "feedback_helpful", "feedback_not_helpful", "directory_more", "directory_change", "danger_now"})
"""Intents a person may send as a payload ("/help"): those the widget's and the replies' buttons send,
plus every `faq_...` answer. Any other "/..." is read as words, so nobody can type "/safeguarding",
set slots with "/intent{...}" or invent intents to skew the insight figures."""

_PAYLOAD = re.compile(r"^/([a-z0-9_]+)$")
_LEADING_SLASHES = re.compile(r"^[/\s]+")


class Refused(ValueError):
    """Input a channel must not pass on: `reason` is for the person, `status` the HTTP status to answer with."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def button_payload(text: str) -> bool:
    """True for "/intent" when a button could have sent it."""
    match = _PAYLOAD.match(text)
    return bool(match) and (match.group(1) in BUTTON_INTENTS or match.group(1).startswith("faq_"))


def checked_sender(sender: object) -> str:
    """The conversation id a client sent, or Refused saying what a valid one looks like."""
    if not valid_sender(sender):
        raise Refused(f"'sender' must be a conversation id of 1 to {MAX_SENDER_CHARS} "
                      "letters, digits or the characters - _ . : @")
    return sender  # type: ignore[return-value]


def checked_message(message: object) -> str:
    """What a person sent, ready for the model: cleaned, at most MAX_MESSAGE_CHARS, payloads only from buttons.

    No message at all is an empty one (the assistant answers that it received no words). Every
    channel calls this, so they all accept and store exactly the same things.
    """
    if message is None:
        return ""
    if not isinstance(message, str):
        raise Refused("'message' must be text.")
    if len(message) > MAX_MESSAGE_CHARS:
        raise Refused(f"Messages can be up to {MAX_MESSAGE_CHARS:,} characters. "
                      "Please send a shorter message, or split it into parts.", status=413)
    text = clean(message)
    if text.startswith("/") and not button_payload(text):
        text = _LEADING_SLASHES.sub("", text)  # all of them: "/ /safeguarding" must not become "/safeguarding"
    return text


def checked_metadata(metadata: object) -> Dict[str, str]:
    """The allowed keys of a client's metadata with short text values, cleaned and redacted; the rest dropped."""
    if not isinstance(metadata, dict):
        return {}
    return {key: redact(clean(value)) for key, value in metadata.items()
            if key in METADATA_KEYS and isinstance(value, str) and len(value) <= MAX_METADATA_VALUE_CHARS}


def clean(text: str) -> str:
    """Text safe to store: Unicode-normalised, control characters (NUL and friends) and lone surrogates removed, trimmed."""
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
