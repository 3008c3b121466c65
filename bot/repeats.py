"""No identical reply twice in a row.

A parent who asks the same thing again did not get what they needed from the first answer:
sending the same wall of text again reads as a machine that is not listening. The caller says
what it is about to send (an entry id, or a text); if the previous turn sent the same, it sends
a short notice instead, with related questions and a person.

The conversation is read from Rasa's tracker events as plain dicts (no Rasa import): `user` and
`bot` events, a `restart` or `session_started` starting afresh. An FAQ answer carries its entry id
in a custom payload (`{"feedback_for": id}`, which the widget also uses for "Was this helpful?").
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

from bot.redaction import redact

FEEDBACK_KEY = "feedback_for"
_FRESH_START = {"restart", "session_started"}


def _normal(text: Optional[str]) -> str:
    return " ".join((text or "").split()).lower()


def previous_turns(events: Iterable[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The bot events of each earlier turn, oldest first; the turn now being answered (after the
    last user message) is left out."""
    turns: list[list[dict[str, Any]]] = []
    current: Optional[list[dict[str, Any]]] = None
    for event in events:
        kind = event.get("event")
        if kind in _FRESH_START:
            turns, current = [], None
        elif kind == "user":
            if current is not None:
                turns.append(current)
            current = []
        elif kind == "bot" and current is not None:
            current.append(event)
    return turns


def entries_in(turn: list[dict[str, Any]]) -> set[str]:
    """The FAQ entries a turn answered."""
    found = set()
    for event in turn:
        custom = (event.get("data") or {}).get("custom")
        if isinstance(custom, dict) and custom.get(FEEDBACK_KEY):
            found.add(str(custom[FEEDBACK_KEY]))
    return found


def texts_in(turn: list[dict[str, Any]]) -> set[str]:
    return {_normal(event.get("text")) for event in turn if event.get("text")}


def _is_notice(turn: list[dict[str, Any]]) -> bool:
    return any(text.startswith(_NOTICES) for text in texts_in(turn))


def times_in_a_row(events: Iterable[dict[str, Any]], entry: Optional[str] = None, text: Optional[str] = None) -> int:
    """How many turns in a row, just before this one, sent this reply: this entry's answer (when
    `entry` is given) with this same text (when `text` is given), or the notice that stood in for
    it. A run of notices counts only if it began with the reply itself, and an answer edited in
    between is not the same reply."""
    if entry is None and text is None:
        return 0
    count = counted = 0
    # The tracker store keeps the assistant's words redacted ("call [phone]"), so both forms count.
    forms = {_normal(text), _normal(redact(text))} if text is not None else set()
    for turn in reversed(previous_turns(events)):
        if entry is not None and entry not in entries_in(turn):
            break
        same = text is None or bool(forms & texts_in(turn))
        # a notice stands in for the reply it replaced: an entry's notice only for that entry
        notice = _is_notice(turn) and (entry is not None or not entries_in(turn))
        if not same and not notice:
            break
        count += 1
        if same:
            counted = count
    return counted


def asked_in_the_same_words(events: Iterable[dict[str, Any]]) -> bool:
    """The message being answered is the one before it again, word for word (ignoring case and spaces)."""
    said = [_normal(e.get("text")) for e in events if e.get("event") == "user"]
    return len(said) >= 2 and said[-1] == said[-2]


_NOTICES = ("that's the same answer as before", "i'm sorry, i don't have more than", "i'm sorry, i still can't help")
"""How each notice below starts (lower case): a notice stands in for the reply it replaced."""


def same_answer_text(title: str, times: int) -> str:
    """Instead of an FAQ answer the parent has just been given (`times` turns in a row): two
    wordings in turn, so that the notice itself is never sent twice in a row either."""
    if times % 2:
        return (f"That's the same answer as before: \"{title}\", just above. If it did not answer your "
                "question, try one of the related questions below, or talk to a person.")
    return (f"I'm sorry, I don't have more than the answer about \"{title}\" above. A person can help "
            "with your situation: Medway SENDIASS gives free, impartial advice.")


NOT_SURE_GIST = "I'm still not sure how to help with that"
ONLY_SEND_GIST = ("I can only help with questions about SEND; for other council services, please visit "
                  "https://www.medway.gov.uk")


def same_reply_text(times: int, gist: str = NOT_SURE_GIST) -> str:
    """Instead of any other reply sent word for word in the previous turn (a fallback, say), with
    the gist of that reply in a few words."""
    if times % 2:
        return (f"That's the same answer as before: {gist}. You could try other words, choose a topic, "
                "or talk to a person.")
    return ("I'm sorry, I still can't help with that. A person can: Medway SENDIASS gives free, "
            "impartial advice, or you can leave a question for a volunteer.")


def fresh_variation(variations: list[dict[str, Any]], events: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The first of a response's variations (greeting, thanks, goodbye) that the turn before did
    not send, so "thanks" twice does not get the same words twice; the first if all were sent."""
    turns = previous_turns(events)
    sent = texts_in(turns[-1]) if turns else set()
    return next((v for v in variations if _normal(v.get("text")) not in sent), variations[0] if variations else {})
