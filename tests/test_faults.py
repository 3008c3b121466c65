"""Faults behind the channels: the action server stopping, the tracker database locked by another process.

These stop and lock parts of the assistant, so they use an assistant of their own.
"""
import subprocess
import sys
import threading

import pytest

from harness.assistant import Assistant, SocketChat
from tests.conftest import THIRD_PARTY_ORIGIN

pytestmark = pytest.mark.server

SORRY = "Sorry, something went wrong on our side"
DRAFT_PLAN = "how long do I have to comment on the draft plan?"


@pytest.fixture(scope="module")
def own_assistant(tmp_path_factory):
    running = Assistant(tmp_path_factory.mktemp("faults"), cors_origins=(THIRD_PARTY_ORIGIN,)).start()
    yield running
    running.stop()


def user_texts(tracker):
    return [e["text"] for e in tracker["events"] if e["event"] == "user"]


def test_the_action_server_stopped_mid_conversation_gets_a_polite_reply_and_the_talk_goes_on(own_assistant):
    chat = own_assistant.chat()
    socket_chat = SocketChat(own_assistant.url, origin=THIRD_PARTY_ORIGIN)
    try:
        assert "mediation adviser" in chat.say("what is mediation")
        own_assistant.stop_actions()
        try:
            for reply in (chat.say(DRAFT_PLAN), socket_chat.say(DRAFT_PLAN)):
                assert SORRY in reply and "999" in reply
                assert "Traceback" not in reply and "Exception" not in reply
        finally:
            own_assistant.start_actions()
        assert "at least 15 days" in chat.say(DRAFT_PLAN)
        assert "at least 15 days" in socket_chat.say(DRAFT_PLAN)
        assert "SENDIASS" in chat.say("talk to a person")
    finally:
        socket_chat.close()
    assert user_texts(own_assistant.tracker(chat.sender)) == [
        "what is mediation", DRAFT_PLAN, DRAFT_PLAN, "talk to a person"]


LOCKER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("COMMIT")
"""


def test_a_tracker_database_locked_for_a_few_seconds_loses_no_message(own_assistant):
    chat = own_assistant.chat()
    other = own_assistant.chat()
    assert "mediation adviser" in chat.say("what is mediation")
    locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(own_assistant.workdir / "tracker.db"), "8"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert locker.stdout.readline().strip() == "locked"
        replies = {}
        side = threading.Thread(target=lambda: replies.setdefault("other", other.say("hello")))
        side.start()
        replies["first"] = chat.say(DRAFT_PLAN)
        replies["second"] = chat.say("talk to a person")
        side.join(timeout=120)
    finally:
        locker.wait(timeout=30)
    assert "at least 15 days" in replies["first"] or SORRY in replies["first"]
    assert "SENDIASS" in replies["second"] or SORRY in replies["second"]
    assert "Medway SEND assistant" in replies["other"] or SORRY in replies["other"]
    assert user_texts(own_assistant.tracker(chat.sender)) == ["what is mediation", DRAFT_PLAN, "talk to a person"]
    assert user_texts(own_assistant.tracker(other.sender)) == ["hello"]
    assert "Medway SEND assistant" in chat.say("hello")
