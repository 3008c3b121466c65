"""bot.db: the engines and URLs the directory, the volunteer queue and the stored conversations share."""
import subprocess
import sys

from bot import conversations, db, volunteer_queue
from bot.directory import db as directory_db
from harness.assistant import ROOT


def test_the_queue_and_the_conversations_do_not_load_the_directory():
    code = "import sys, bot.conversations, bot.volunteer_queue; print(sorted(m for m in sys.modules if m.startswith('bot.directory')))"
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_each_database_reads_its_own_variable_else_a_file_in_var(monkeypatch):
    for name in ("MEDWAY_DIRECTORY_URL", "MEDWAY_QUEUE_URL", "MEDWAY_TRACKER_URL"):
        monkeypatch.delenv(name, raising=False)
    assert directory_db.database_url() == f"sqlite:///{ROOT / 'var' / 'directory.db'}"
    assert volunteer_queue.database_url() == f"sqlite:///{ROOT / 'var' / 'volunteer-queue.db'}"
    monkeypatch.setenv("MEDWAY_QUEUE_URL", "postgresql://q@db.example.org/queue")
    monkeypatch.setenv("MEDWAY_TRACKER_URL", "postgresql://t@db.example.org/rasa")
    assert volunteer_queue.database_url() == "postgresql://q@db.example.org/queue"
    assert conversations.database_url() == "postgresql://t@db.example.org/rasa"
    assert directory_db.database_url() == f"sqlite:///{ROOT / 'var' / 'directory.db'}"


def test_sqlite_engines_make_their_folder_and_enforce_foreign_keys(tmp_path):
    engine = db.make_engine(db.sqlite_url(tmp_path / "new" / "x.db"))
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert (tmp_path / "new" / "x.db").exists()
    engine.dispose()
