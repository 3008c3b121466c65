"""The stock `rasa init` assistant, run beside ours by `make bench` (issue 19's yardstick).

Its project is made once under `.bench/stock/` (ignored by git) with `rasa init --no-prompt`, which
also trains it (Rasa's default pipeline and policies: DIET, ResponseSelector, Memoization, Rule,
UnexpecTED and TED; nothing is downloaded), and its model is reused by every later run. Delete the
folder to make it again (about 3 to 6 minutes on 2 cores).

It is started as `rasa run` starts it from its own project: in-memory tracker store and lock store,
no action server (its project has no custom actions), the REST channel only.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from harness.assistant import ROOT, Chat, free_port, wait_until_up

STOCK = ROOT / ".bench" / "stock"
RASA = Path(sys.executable).parent / "rasa"
ENV = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2", SQLALCHEMY_SILENCE_UBER_WARNING="1")


def model(project: Path = STOCK) -> Path:
    """The stock project's trained model, made and trained the first time (in a folder beside it,
    renamed into place only when `rasa init` has finished, so a run stopped half-way leaves no
    half-written model behind)."""
    found = sorted((project / "models").glob("*.tar.gz"))
    if found:
        return found[-1]
    making = project.with_name(project.name + ".making")
    for leftover in (making, project):
        if leftover.exists():
            shutil.rmtree(leftover)
    making.mkdir(parents=True)
    print(f"Making the stock `rasa init` assistant in {project} (once; it is trained now)", flush=True)
    log = project.parent / "stock-init.log"
    with log.open("wb") as out:
        subprocess.run([str(RASA), "init", "--no-prompt", "--init-dir", str(making)], cwd=making, env=ENV,
                       stdout=out, stderr=subprocess.STDOUT, check=True)
    if not sorted((making / "models").glob("*.tar.gz")):
        raise RuntimeError(f"`rasa init` trained no model; its log: {log}")
    making.rename(project)
    return sorted((project / "models").glob("*.tar.gz"))[-1]


@dataclass
class StockAssistant:
    """The stock assistant's Rasa server on a free port, talked to like ours (`chat(sender).send(text)`)."""

    workdir: Path
    port: int = field(default_factory=free_port)
    process: Optional[subprocess.Popen] = None

    @property
    def webhook(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/rest/webhook"

    def start(self, timeout: float = 240) -> "StockAssistant":
        trained = model()
        self.workdir.mkdir(parents=True, exist_ok=True)
        credentials = self.workdir / "stock-credentials.yml"
        credentials.write_text("rest:\n")
        log_path = self.workdir / "stock-rasa.log"
        with log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [str(RASA), "run", "--model", str(trained), "--port", str(self.port), "--credentials", str(credentials)],
                cwd=STOCK, env=ENV, stdout=log, stderr=subprocess.STDOUT)
        wait_until_up(f"http://127.0.0.1:{self.port}/webhooks/rest/", [self.process], [log_path], timeout)
        if not self.chat("bench-stock-check").send("hello"):  # Rasa serves even when its model failed to load
            raise RuntimeError(f"the stock assistant does not answer 'hello'; its log: {log_path}")
        return self

    def chat(self, sender: str) -> Chat:
        return Chat(self.webhook, sender)

    def processes_by_name(self) -> dict[str, int]:
        """Its one process (for measuring its CPU use)."""
        return {"rasa": self.process.pid} if self.process and self.process.poll() is None else {}

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
