"""The volunteer queue: redacted questions, optional emails, done marks and retention, on SQLite and PostgreSQL."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from bot import volunteer_queue
from bot.volunteer_consent import answer_to_consent, wants_no_email

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite", "postgresql"])
def queue(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'queue.db'}"
    else:
        url = request.getfixturevalue("postgres").create_database(f"q_{uuid.uuid4().hex[:12]}")
    engine = volunteer_queue.connect(url)
    yield engine
    engine.dispose()


def test_questions_are_stored_redacted_listed_newest_first_and_marked_done(queue):
    first = volunteer_queue.add(queue, "My son is called Sam, can I email jo@example.com the report?",
                                now=NOW - timedelta(days=2))
    second = volunteer_queue.add(queue, "Is there a SEND panel in August?", "parent@example.org", now=NOW)
    listed = volunteer_queue.listed(queue)
    assert [e.id for e in listed] == [second, first]
    assert listed[1].question == "My son is called [name], can I email [email] the report?"
    assert listed[1].contact_email is None and listed[0].contact_email == "parent@example.org"
    assert listed[1].created_at == NOW - timedelta(days=2)

    assert volunteer_queue.mark_done(queue, first, now=NOW)
    assert not volunteer_queue.mark_done(queue, first)  # already done
    assert not volunteer_queue.mark_done(queue, 9999)
    assert [e.id for e in volunteer_queue.listed(queue)] == [second]
    done = volunteer_queue.listed(queue, include_done=True)
    assert [e.id for e in done] == [second, first] and done[1].done_at == NOW


def test_bad_questions_and_emails_are_refused(queue):
    with pytest.raises(ValueError):
        volunteer_queue.add(queue, "   \x00  ")
    with pytest.raises(ValueError):
        volunteer_queue.add(queue, "a real question?", "not an email")
    long_id = volunteer_queue.add(queue, "why " * 2000)
    assert len(volunteer_queue.listed(queue)[0].question) == volunteer_queue.MAX_QUESTION_CHARS
    assert volunteer_queue.add(queue, "'; DROP TABLE volunteer_question; --") == long_id + 1


def test_retention_deletes_old_questions_done_or_not(queue):
    old = volunteer_queue.add(queue, "an old open question", now=NOW - timedelta(days=91))
    volunteer_queue.add(queue, "an old done question", now=NOW - timedelta(days=100))
    volunteer_queue.mark_done(queue, old + 1, now=NOW - timedelta(days=99))
    recent = volunteer_queue.add(queue, "a recent question", now=NOW - timedelta(days=89))
    assert volunteer_queue.forget(queue, 90, now=NOW, dry_run=True) == 2
    assert volunteer_queue.forget(queue, 90, now=NOW) == 2
    assert [e.id for e in volunteer_queue.listed(queue, include_done=True)] == [recent]


@pytest.mark.parametrize("text,expected", [
    ("yes", "yes"), ("Yes please", "yes"), ("ok", "yes"), ("yes, leave it.", "yes"), ("I agree", "yes"),
    ("no", "no"), ("No thanks", "no"), ("nope", "no"), ("don't", "no"), ("cancel", "no"),
    ("maybe", None), ("what do you mean", None), ("nothing", None), ("yesterday", None),
])
def test_consent_is_an_explicit_yes_or_no(text, expected):
    assert answer_to_consent(text) == expected


def test_no_email_answers():
    assert all(wants_no_email(t) for t in ("skip", "No thanks", "none", "n/a", "I'd rather not"))
    assert not any(wants_no_email(t) for t in ("jo@example.com", "nobody@example.com", "my email is"))
    assert volunteer_queue.valid_email("jo.parent+send@example.co.uk")
    assert not volunteer_queue.valid_email("jo.parent@example")


def test_a_flood_of_junk_does_not_hide_a_new_question_on_the_insight_page(tmp_path):
    """250 junk questions, then a real one: volunteers see the real one on the page they use."""
    import re

    import requests

    from bot.insight import server
    from tests.insight_seed import seed_stores, serving

    tracker_url, queue_url = seed_stores(tmp_path, [(f"junk {n}", None) for n in range(250)])
    queue = volunteer_queue.connect(queue_url)
    volunteer_queue.add(queue, "Can the SEN panel meet before Christmas?", "parent@example.org")
    queue.dispose()
    token = "a-token-for-this-test-only"
    with serving(server.make_app(token, tracker_url, queue_url)) as base:
        page = requests.get(base + "/", headers={"Authorization": f"Bearer {token}"}, timeout=30).text
    table = re.search(r'<table id="queue">.*?</table>', page, re.S).group(0)
    assert "Can the SEN panel meet before Christmas?" in table
    assert table.index("Can the SEN panel meet before Christmas?") < table.index("junk 249") < table.index("junk 248")
