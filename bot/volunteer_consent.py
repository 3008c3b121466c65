"""Reading a parent's yes or no to leaving a question, and "no email, thanks"."""
from __future__ import annotations

import re
from typing import Optional

_YES = re.compile(r"^(yes|yeah|yep|yup|y|ok|okay|sure|fine|please do|i agree|agree|go ahead|yes please|"
                  r"yes,? (send|save|leave) it|that's fine|that is fine|send it|save it|leave it)\b", re.IGNORECASE)
_NO = re.compile(r"^(no|nope|nah|n|don't|do not|no thanks|no thank you|cancel|stop|i don't agree|"
                 r"i do not agree|not now|never ?mind)\b", re.IGNORECASE)
_NO_EMAIL = re.compile(r"^(skip|no|none|nope|no thanks|no thank you|no email|i'd rather not|i would rather not|"
                       r"rather not|not now|don't have one|i don't have one|n/?a)\b", re.IGNORECASE)


_CHANGED_TO_YES = re.compile(
    r"^(?:(?:actually|oh|wait|sorry|hang on|on second thoughts?|erm|um)\b[, ]*)+(?:yes|yeah|yep|ok|okay)\b|"
    r"\bi (?:do |really )?(?:want|would like|wanna) to (?:leave|ask|send)\b|\bplease (?:do )?leave it\b|"
    r"\bleave it please\b|\bi(?:'ll| will) leave (?:it|one|a question)\b", re.IGNORECASE)


def changed_to_yes(text: str) -> bool:
    """"Actually yes please leave it", "I do want to leave it": a parent who wants to leave a question
    after all (not a question to leave)."""
    return bool(_CHANGED_TO_YES.search(_plain(text)))


def _plain(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").strip().split()).rstrip(".!")


def answer_to_consent(text: str) -> Optional[str]:
    """'yes', 'no', or None when the answer is neither (then the parent is asked again)."""
    plain = _plain(text)
    if _NO.match(plain):
        return "no"
    if _YES.match(plain):
        return "yes"
    return None


def wants_no_email(text: str) -> bool:
    return bool(_NO_EMAIL.match(_plain(text)))
