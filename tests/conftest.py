import os
import threading

import pytest

from bot import web
from harness.assistant import Assistant, free_port

WEB_PORT = free_port()
WEB_ORIGIN = f"http://127.0.0.1:{WEB_PORT}"
THIRD_PARTY_PORT = free_port()  # a page with a third-party client (rasa-webchat), another allowed origin
THIRD_PARTY_ORIGIN = f"http://127.0.0.1:{THIRD_PARTY_PORT}"


def pytest_configure(config):
    config.addinivalue_line("markers", "model: reads the trained model, models/medway.tar.gz")
    config.addinivalue_line("markers", "postgres: runs on a throwaway PostgreSQL server")


def pytest_collection_modifyitems(items):
    """Mark what `make test-fast` leaves out, from the fixtures a test uses: the running assistant or a
    page server in its own process, PostgreSQL (a parameter of the database fixtures) and the triaged
    inbox, which needs the model."""
    for item in items:
        params = getattr(item, "callspec", None)
        if {"assistant", "page_server"} & set(item.fixturenames):
            item.add_marker("server")
        if "postgres" in item.fixturenames or (params and "postgresql" in params.params.values()):
            item.add_marker("postgres")
        if "triaged" in item.fixturenames:
            item.add_marker("model")


@pytest.fixture(scope="session")
def assistant(tmp_path_factory):
    """The real assistant, started once for the whole test session; it accepts the demo site's origin.
    Every tracker copy its Rasa server makes is also made as Rasa makes it, and must be the same
    (addons/tracker_copies.py), and every body posted to the action server is also made as Rasa makes
    it (addons/posted_events.py) and decoded whole by the action server (actions/posted_body.py): a
    difference fails the action, and with it the test's reply. A RulePolicy source named by its length is
    checked to be no rule not in stories, as Rasa's key (addons/rule_index.py)."""
    os.environ["MEDWAY_CHECK_TRACKER_COPIES"] = "1"
    os.environ["MEDWAY_CHECK_POSTED_EVENTS"] = "1"
    os.environ["MEDWAY_CHECK_RULE_KEYS"] = "1"
    running = Assistant(tmp_path_factory.mktemp("assistant"), cors_origins=(WEB_ORIGIN, THIRD_PARTY_ORIGIN)).start()
    yield running
    running.stop()


@pytest.fixture
def chat(assistant):
    """A fresh conversation with the running assistant."""
    return assistant.chat()


@pytest.fixture(scope="session")
def demo_site(assistant):
    """The demo Local Offer page with the built widget, on another origin from the Rasa server."""
    web.build()
    server = web.make_server(WEB_PORT, assistant.url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield WEB_ORIGIN
    server.shutdown()
    server.server_close()

from tests.browser import browser  # noqa: E402,F401
from tests.directory_fixtures import empty_directory, postgres, sample_directory  # noqa: E402,F401
