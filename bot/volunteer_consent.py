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
