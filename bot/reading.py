"""Finding the questions in a long message: parents tell the story first and ask last.

`question_parts` picks the sentences of a long post that ask something, so that a message asking
two different things can be answered on the main one with the other offered as a button.
(Weighting the asking sentences above the whole message when classifying was measured on the
tuning set of real questions and lost 4.5 points: the story carries the topic too.)
"""
from __future__ import annotations

import re

LONG_MESSAGE_WORDS = 25
"""Messages shorter than this are read whole: they are the question."""

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+|\n+|(?<=[.?!])(?=[A-Z])")
_ASKING_START = re.compile(
    r"^(?:so |but |and |also |ok |okay |please |basically |just )?"
    r"(?:how|what|whats|what's|when|where|who|whose|which|why|can|could|do|does|did|is|isn't|are|aren't|"
    r"should|shall|will|would|has|have|may|might|am|must|any (?:advice|ideas|help|tips|thoughts)|"
    r"anyone|does anyone|has anyone|i (?:need|want|would like) to know|i'm wondering|i am wondering|"
    r"i wondered|wondering|i was wondering|please help|help|advice)\b", re.IGNORECASE)


def words(text: str) -> int:
    return len(text.split())


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def asks(sentence: str) -> bool:
    """Whether a sentence asks something: a question mark, or it opens the way questions do."""
    return "?" in sentence or bool(_ASKING_START.match(sentence.strip(" -*\"'")))


def question_parts(text: str) -> list[str]:
    """The sentences of a long message that ask something (the last two sentences when none
    does); empty for a short message, which is read whole."""
    if words(text) < LONG_MESSAGE_WORDS:
        return []
    parts = sentences(text)
    if len(parts) < 2:
        return []
    asking = [s for s in parts if asks(s) and words(s) >= 3]
    return asking or parts[-2:]
