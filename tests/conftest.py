import pytest

from tests.assistant import Assistant


@pytest.fixture(scope="session")
def assistant(tmp_path_factory):
    """The real assistant, started once for the whole test session."""
    running = Assistant(tmp_path_factory.mktemp("assistant")).start()
    yield running
    running.stop()


@pytest.fixture
def chat(assistant):
    """A fresh conversation with the running assistant."""
    return assistant.chat()
