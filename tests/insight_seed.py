"""A tracker store seeded with known conversations, written by the assistant's own store (for insight tests)."""
from __future__ import annotations

import asyncio
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator, Optional, Sequence

from aiohttp import web
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from addons.tracker_store import RedactingSQLTrackerStore
from bot import aio, volunteer_queue

# (sender, [(text, intent, confidence, action or None, active loop after or "")], days before `now`)
CONVERSATIONS = [
    ("parent-a", [("what is an ehcp", "faq_ehcp_overview", 0.93, "action_answer_faq", ""),
                  ("/feedback_not_helpful", "feedback_not_helpful", 1.0, "utter_feedback_thanks", ""),
                  ("ehcp meaning", "faq_ehcp_overview", 0.88, "action_answer_faq", ""),
                  ("/feedback_helpful", "feedback_helpful", 1.0, "utter_feedback_thanks", ""),
                  ("how long does an assessment take", "faq_ehcp_timescales", 0.81, "action_answer_faq", "")], 2),
    ("parent-b", [("When does the SEN panel meet?", "nlu_fallback", 0.12, "action_fallback", ""),
                  ("does the SEN panel meet in december", "nlu_fallback", 0.15, "action_fallback", ""),
                  ("my email is jo@example.com, can the mediators ring me", "faq_mediation", 0.31, "action_answer_faq", ""),
                  ("/feedback_not_helpful", "feedback_not_helpful", 1.0, "utter_feedback_thanks", "")], 5),
    ("parent-c", [("my son says he wants to die", "safeguarding", 1.0, "action_safeguarding", ""),
                  ("I want to talk to someone", "human_handoff", 0.95, "action_talk_to_person", "")], 1),
    ("parent-d", [("is there speech therapy near me", "find_service", 0.9, "service_search_form", "service_search_form"),
                  ("4", "nlu_fallback", 0.1, "service_search_form", "service_search_form"),
                  ("anywhere", "nlu_fallback", 0.1, "service_search_form", None),
                  ("when does the sen panel meet", "nlu_fallback", 0.11, "action_fallback", "")], 0),
    ("parent-old", [("what is a personal budget", "faq_personal_budgets", 0.9, "action_answer_faq", ""),
                    ("When does the SEN panel meet", "nlu_fallback", 0.1, "action_fallback", "")], 60),
]

EXPECTED = {  # for the 30 days before `now`
    "conversations": 4, "messages": 15, "unanswered_messages": 4, "safeguarding": 1, "handoffs": 1,
    "groups": [("When does the SEN panel meet?", 3), ("my email is [email], can the mediators ring me", 1)],
}


def _events(turns, start: datetime) -> list[Event]:
    t = start.timestamp()
    events: list[Event] = [ActionExecuted("action_session_start", timestamp=t), SessionStarted(timestamp=t),
                           ActionExecuted("action_listen", timestamp=t)]
    for text, intent, confidence, action, loop in turns:
        t += 10
        events.append(UserUttered(text, intent={"name": intent, "confidence": confidence},
                                  parse_data={"text": text, "intent": {"name": intent, "confidence": confidence},
                                              "entities": [], "intent_ranking": []}, timestamp=t))
        events.append(ActionExecuted(action, timestamp=t + 1))
        if loop != "":
            events.append(ActiveLoop(loop, timestamp=t + 1))
        if action != "service_search_form" or loop is None:
            events.append(BotUttered("(reply)", timestamp=t + 2))
        events.append(ActionExecuted("action_listen", timestamp=t + 3))
    return events


def seed(url: str, now: datetime, domain: Optional[Domain] = None) -> None:
    """Write the conversations above through the assistant's tracker store into `url` (SQLite)."""
    store = RedactingSQLTrackerStore(domain or Domain.empty(), dialect="sqlite", db=make_url(url).database)

    async def save_all() -> None:
        for sender, turns, days_ago in CONVERSATIONS:
            await store.save(DialogueStateTracker.from_events(sender, _events(turns, now - timedelta(days=days_ago, hours=1))))

    aio.run(save_all())
    store.engine.dispose()


def seed_stores(folder: Path, left: Sequence[tuple[str, Optional[str]]]) -> tuple[str, str]:
    """A seeded tracker store and a volunteer queue holding `left` (question, email): their URLs."""
    tracker_url, queue_url = f"sqlite:///{folder / 'tracker.db'}", f"sqlite:///{folder / 'queue.db'}"
    seed(tracker_url, datetime.now(timezone.utc))
    queue = volunteer_queue.connect(queue_url)
    for question, email in left:
        volunteer_queue.add(queue, question, email)
    queue.dispose()
    return tracker_url, queue_url


@contextmanager
def serving(app: web.Application) -> Iterator[str]:
    """Serve an insight app on a free loopback port, from an event loop in its own thread (the test's
    thread may have a loop of its own, Playwright's); yields the base URL."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    runner = web.AppRunner(app, access_log=None)

    async def start() -> None:
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()

    try:
        asyncio.run_coroutine_threadsafe(start(), loop).result(30)
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        loop.close()
