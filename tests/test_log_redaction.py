"""What staff see in the logs of `make run` (scripts/run): personal details a parent typed are redacted in
the Rasa server's log and in the action server's, even with debug logging on (which logs every message)."""
import secrets

import pytest
import requests

from tests.test_run_script import Run

pytestmark = pytest.mark.server

DETAILS = ["Sarah Jones", "07700 900123", "sarah.jones@example.com"]
MESSAGE = "my name is Sarah Jones, call me on 07700 900123 or email sarah.jones@example.com"
REDACTED = "my name is [name], call me on [phone] or email [email]"


@pytest.fixture(scope="module")
def debug_run(tmp_path_factory):
    token = secrets.token_urlsafe(24)
    started = Run(tmp_path_factory.mktemp("make-run-debug"), LOG_LEVEL="DEBUG", ACTION_SERVER_TOKEN=token)
    started.token = token
    try:
        started.wait_for(f"http://127.0.0.1:{started.ports['rasa']}/webhooks/rest/")
        yield started
    finally:
        started.stop()


def test_the_rasa_server_logs_what_a_parent_typed_only_redacted(debug_run):
    debug_run.say(MESSAGE)
    log = debug_run.output()
    assert REDACTED in log, "debug logging should show the message, redacted"
    assert [d for d in DETAILS if d in log] == []


def test_the_action_server_logs_what_it_was_sent_only_redacted(debug_run):
    """rasa_sdk logs the name of an action it does not know: here, what a caller typed into that field."""
    call = {"next_action": MESSAGE, "sender_id": "log-test", "version": "3.6.2",
            "tracker": {"sender_id": "log-test", "slots": {}, "latest_message": {}, "events": []}, "domain": {}}
    answer = requests.post(f"http://127.0.0.1:{debug_run.ports['actions']}/webhook", json=call,
                           headers={"Authorization": f"Bearer {debug_run.token}"}, timeout=30)
    assert answer.status_code == 404
    log = debug_run.output()
    assert f"No registered action found for name '{REDACTED}'" in log
    assert [d for d in DETAILS if d in log] == []
