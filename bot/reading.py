"""Finding the questions in a long message: parents tell the story first and ask last.

`question_parts` picks the sentences of a long post that ask something, so that a message asking
two different things can be answered on the main one with the other offered as a button.
(Weighting the asking sentences above the whole message when classifying was measured on the
tuning set of real questions and lost 4.5 points: the story carries the topic too.)
"""
from __future__ import annotations

import re

LONG_MESSAGE_WORDS = 25
"""Messages shorter than this are read whole: they are the question (unless `_SECOND_QUESTION` joins two)."""

TWO_QUESTIONS_WORDS = 8
"""From this length a short message joining two questions with "and" is read as two."""

_SECOND_QUESTION = re.compile(
    r",?\s+(?:and also|and|also|plus|oh and)\s+(?=(?:can|could|do|does|is|are|will|would|should|how|what|"
    r"when|where|who|why|which)\b)", re.IGNORECASE)
"""Where a sentence starts asking a second thing: "how long does it take and can I get a personal budget"."""

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+|\n+|(?<=[.?!])(?=[A-Z])")
_ASKING_START = re.compile(
    r"^(?:so |but |and |also |ok |okay |please |basically |just )?"
    r"(?:how|what|whats|what's|when|where|who|whose|which|why|can|could|do|does|did|is|isn't|are|aren't|"
    r"should|shall|will|would|has|have|may|might|am|must|any (?:advice|ideas|help|tips|thoughts)|"
    r"anyone|does anyone|has anyone|i (?:need|want|would like) to know|i'm wondering|i am wondering|"
    r"i wondered|wondering|i was wondering|please help|help|advice)\b", re.IGNORECASE)


_TEXT_SPEAK = {
    "wot": "what", "wat": "what", "wht": "what", "wen": "when", "hw": "how", "hav": "have", "hv": "have",
    "sch": "school", "skool": "school", "skl": "school", "dh": "husband",
    "u": "you", "ur": "your", "r": "are", "pls": "please", "plz": "please", "thx": "thanks", "thnx": "thanks",
    "thnks": "thanks", "ty": "thank you", "kk": "ok", "coz": "because", "cos": "because", "b4": "before",
    "yr": "year", "wud": "would", "shud": "should", "cud": "could", "dx": "diagnosis",
    "dunno": "don't know", "wanna": "want to", "gonna": "going to", "ppl": "people", "bc": "because",
}
_TEXT_SPEAK_WORD = re.compile(r"(?<![\w/'])(" + "|".join(sorted(_TEXT_SPEAK, key=len, reverse=True)) + r")(?![\w/'])",
                              re.IGNORECASE)


def plain(text: str) -> str:
    """Text-speak written out as the words the model and the follow-up reading know: "wot now" is
    "what now", "sch" school, "hav" have. Only words the training examples never use: "DS", "DD" and
    "LA" are in them, and writing those out at reading lost real questions."""
    return _TEXT_SPEAK_WORD.sub(lambda m: _TEXT_SPEAK[m.group(1).lower()], text)


def words(text: str) -> int:
    return len(text.split())


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def asks(sentence: str) -> bool:
    """Whether a sentence asks something: a question mark, or it opens the way questions do."""
    return "?" in sentence or bool(_ASKING_START.match(sentence.strip(" -*\"'")))


_ABOUT_STARTING_AGAIN = re.compile(
    r"^\W*(?:do|does|did|will|would|should|shall|is|are|was|were|has|have|had|must|am|why|how|what|when|where|"
    r"who|which|if|whether)\b|\b(?:have|has|had|got) to\b", re.IGNORECASE)
START_AGAIN_MAX_WORDS = 8
"""A request to start the conversation again is short ("can we start again please"); a longer message
that mentions starting again is about something else."""


def asks_to_start_again(text: str) -> bool:
    """Whether a message the model read as "start again" asks for that (which wipes the conversation),
    and not a question about starting something again: "do we have to start again?" after the moving
    answer asks whether the plan's process restarts."""
    return words(text) <= START_AGAIN_MAX_WORDS and not _ABOUT_STARTING_AGAIN.search(text)


_POINTS_BACK = re.compile(r"\b(?:it|one|that|this|those|these)\b", re.IGNORECASE)
"""A half that says "it" or "one" ("and how do I get one") asks more about the first half, not a second thing."""


def _clauses(sentence: str) -> list[str]:
    """A sentence split where it starts asking a second thing, when both halves ask something on
    their own."""
    halves = [h.strip() for h in _SECOND_QUESTION.split(sentence) if h.strip()]
    if len(halves) < 2 or not all(asks(h) and words(h) >= 3 for h in halves):
        return [sentence]
    return [sentence] if any(_POINTS_BACK.search(h) for h in halves[1:]) else halves


def question_parts(text: str) -> list[str]:
    """The sentences of a long message that ask something (the last two sentences when none
    does), and the two halves of a question joined to another by "and"; empty for a short
    message asking one thing, which is read whole."""
    if words(text) < TWO_QUESTIONS_WORDS:
        return []
    if words(text) < LONG_MESSAGE_WORDS:
        clauses = [c for s in sentences(text) for c in _clauses(s)]
        return clauses if len(clauses) > 1 and all(asks(c) for c in clauses) else []
    parts = sentences(text)
    if len(parts) < 2:
        return []
    asking = [c for s in parts if asks(s) and words(s) >= 3 for c in _clauses(s)]
    return asking or parts[-2:]
