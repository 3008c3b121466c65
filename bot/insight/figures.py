"""The insight figures, read from the tracker store's events for a period.

Counted: conversations and parents' messages; topics (FAQ entries by their content topic, and
the assistant's other skills); questions it could not answer (a fallback, or a guess under
CONFIDENT while no form was asking a question), redacted and grouped; answers marked helpful or
not helpful, by entry; safeguarding replies and hand-offs to a person, as counts only.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Optional

from sqlalchemy.engine import Engine

from bot import content, conversations
from bot.insight.grouping import Group, group
from bot.redaction import redact
from bot.triage.classify import CONFIDENT

FALLBACK_ACTIONS = frozenset({"action_fallback", "action_default_fallback"})
NOT_TOPICS = frozenset({"greet", "goodbye", "thanks", "acknowledge", "restart", "help", "bot_challenge",
                        "feedback_helpful", "feedback_not_helpful", "nlu_fallback", "safeguarding"})
SKILLS = {"find_service": "Finding a service", "directory_more": "Finding a service",
          "directory_change": "Finding a service", "deadline_assessment": "Working out a deadline",
          "deadline_appeal": "Working out a deadline", "deadline_mediation": "Working out a deadline",
          "human_handoff": "Talk to a person", "leave_question": "Leaving a question for a volunteer",
          "ask_send_general": "General SEND questions", "out_of_scope": "Not about SEND"}


@dataclass
class Feedback:
    title: str
    helpful: int = 0
    not_helpful: int = 0


@dataclass
class Figures:
    start: datetime
    end: datetime
    conversations: int = 0
    messages: int = 0
    topics: list[tuple[str, int]] = field(default_factory=list)
    unanswered: list[Group] = field(default_factory=list)
    unanswered_messages: int = 0
    feedback: list[Feedback] = field(default_factory=list)
    safeguarding: int = 0
    handoffs: int = 0


def _topic(intent: Optional[str], library: content.Library) -> Optional[str]:
    if not intent or intent in NOT_TOPICS:
        return None
    entry = library.by_intent(intent)
    return entry.topic if entry else SKILLS.get(intent)


class _Conversation:
    """Walks one conversation's events in order, noticing what each message led to."""

    def __init__(self) -> None:
        self.in_form = False
        self.pending: Optional[tuple[str, Optional[str], float]] = None  # the last message, not yet answered
        self.last_entry: Optional[str] = None


def compute(engine: Engine, start: datetime, end: datetime, library: Optional[content.Library] = None,
            top: int = 10) -> Figures:
    """Everything on the insight page for [start, end)."""
    library = library or content.load()
    figures = Figures(start, end)
    senders: set[str] = set()
    topics: Counter[str] = Counter()
    unanswered: list[str] = []
    feedback: dict[str, Feedback] = {}
    state: dict[str, _Conversation] = {}

    def settle(talk: _Conversation, action: Optional[str]) -> None:
        if talk.pending is None:
            return
        text, intent, confidence = talk.pending
        talk.pending = None
        guessed = confidence < CONFIDENT and intent not in NOT_TOPICS
        if action in FALLBACK_ACTIONS or (guessed and not text.startswith("/")):
            unanswered.append(redact(text))
        answered = library.by_intent(intent) if action == "action_answer_faq" else None
        if answered:
            talk.last_entry = answered.id

    for event in conversations.read(engine, start, end):
        talk = state.setdefault(event.sender_id, _Conversation())
        kind = event.data.get("event")
        if kind == "active_loop":
            talk.in_form = bool(event.data.get("name"))
        elif kind == "user":
            parse = event.data.get("parse_data") or {}
            intent = (parse.get("intent") or {}).get("name") or event.intent_name
            confidence = float((parse.get("intent") or {}).get("confidence") or 0.0)
            text = str(event.data.get("text") or "")
            senders.add(event.sender_id)
            figures.messages += 1
            if intent in ("feedback_helpful", "feedback_not_helpful"):
                if talk.last_entry:
                    entry = library.entries.get(talk.last_entry)
                    counts = feedback.setdefault(talk.last_entry, Feedback(entry.title if entry else talk.last_entry))
                    if intent == "feedback_helpful":
                        counts.helpful += 1
                    else:
                        counts.not_helpful += 1
                continue
            topic = _topic(intent, library)
            if topic:
                topics[topic] += 1
            talk.pending = None if talk.in_form else (text, intent, confidence)
        elif kind == "action" and event.action_name != "action_listen":
            if event.action_name == "action_safeguarding":
                figures.safeguarding += 1
            elif event.action_name == "action_talk_to_person":
                figures.handoffs += 1
            settle(talk, event.action_name)

    figures.conversations = len(senders)
    figures.topics = topics.most_common(top)
    figures.unanswered_messages = len(unanswered)
    figures.unanswered = group(unanswered)
    figures.feedback = sorted(feedback.values(), key=lambda f: (-f.not_helpful, -f.helpful, f.title))
    return figures

