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


class _Tally:
    """The counts so far, event by event, over every conversation of the period."""

    def __init__(self, library: content.Library) -> None:
        self.library = library
        self.senders: set[str] = set()
        self.messages = 0
        self.topics: Counter[str] = Counter()
        self.unanswered: list[str] = []
        self.feedback: dict[str, Feedback] = {}
        self.safeguarding = 0
        self.handoffs = 0
        self.talks: dict[str, _Conversation] = {}

    def add(self, event: conversations.StoredEvent) -> None:
        talk = self.talks.setdefault(event.sender_id, _Conversation())
        kind = event.data.get("event")
        if kind == "active_loop":
            talk.in_form = bool(event.data.get("name"))
        elif kind == "user":
            self._message(talk, event)
        elif kind == "action" and event.action_name != "action_listen":
            self._action(talk, event.action_name)

    def _message(self, talk: _Conversation, event: conversations.StoredEvent) -> None:
        """A parent's message: counted, and its topic or its feedback on the last answer."""
        intent_data = (event.data.get("parse_data") or {}).get("intent") or {}
        intent = intent_data.get("name") or event.intent_name
        self.senders.add(event.sender_id)
        self.messages += 1
        if intent in ("feedback_helpful", "feedback_not_helpful"):
            self._feedback(talk, helpful=intent == "feedback_helpful")
            return
        topic = _topic(intent, self.library)
        if topic:
            self.topics[topic] += 1
        text, confidence = str(event.data.get("text") or ""), float(intent_data.get("confidence") or 0.0)
        talk.pending = None if talk.in_form else (text, intent, confidence)

    def _feedback(self, talk: _Conversation, helpful: bool) -> None:
        """"Helpful" or "not helpful", counted against the FAQ entry last answered in the conversation."""
        if not talk.last_entry:
            return
        entry = self.library.entries.get(talk.last_entry)
        counts = self.feedback.setdefault(talk.last_entry, Feedback(entry.title if entry else talk.last_entry))
        if helpful:
            counts.helpful += 1
        else:
            counts.not_helpful += 1

    def _action(self, talk: _Conversation, action: str) -> None:
        if action == "action_safeguarding":
            self.safeguarding += 1
        elif action == "action_talk_to_person":
            self.handoffs += 1
        self._settle(talk, action)

    def _settle(self, talk: _Conversation, action: str) -> None:
        """The first action after a message: whether the message went unanswered, or which entry answered it."""
        if talk.pending is None:
            return
        text, intent, confidence = talk.pending
        talk.pending = None
        guessed = confidence < CONFIDENT and intent not in NOT_TOPICS
        if action in FALLBACK_ACTIONS or (guessed and not text.startswith("/")):
            self.unanswered.append(redact(text))
        answered = self.library.by_intent(intent) if action == "action_answer_faq" else None
        if answered:
            talk.last_entry = answered.id

    def figures(self, start: datetime, end: datetime, top: int) -> Figures:
        return Figures(start, end, conversations=len(self.senders), messages=self.messages,
                       topics=self.topics.most_common(top), unanswered=group(self.unanswered),
                       unanswered_messages=len(self.unanswered),
                       feedback=sorted(self.feedback.values(), key=lambda f: (-f.not_helpful, -f.helpful, f.title)),
                       safeguarding=self.safeguarding, handoffs=self.handoffs)


def compute(engine: Engine, start: datetime, end: datetime, library: Optional[content.Library] = None,
            top: int = 10) -> Figures:
    """Everything on the insight page for [start, end)."""
    tally = _Tally(library or content.load())
    for event in conversations.read(engine, start, end):
        tally.add(event)
    return tally.figures(start, end, top)
