"""One load: concurrent scripted conversations over the REST channel, timed message by message.

Shared by `python -m bench` (our assistant alone) and `python -m bench.side_by_side` (ours and the
stock `rasa init` assistant under the same load).
"""
from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from bench import SCRIPT
from bench.figures import percentile


class ChatServer(Protocol):
    def chat(self, sender: str) -> Any: ...  # something with .send(text) -> list of replies


def one_conversation(server: ChatServer, number: int, turns: int = len(SCRIPT),
                     need_reply: bool = True) -> list[tuple[int, float, int]]:
    """Play bench.SCRIPT (repeated to `turns`) as one conversation; (turn, seconds, replies) for each message.
    `need_reply`: fail on a message that got no reply (the stock bot may rightly answer some with none)."""
    chat = server.chat(f"bench-{number}-{time.time_ns()}")
    timings = []
    for turn, text in enumerate((SCRIPT[i % len(SCRIPT)] for i in range(turns)), start=1):
        start = time.perf_counter()
        replies = chat.send(text)
        timings.append((turn, time.perf_counter() - start, len(replies)))
        if need_reply and not replies:
            raise RuntimeError(f"no reply to {text!r}")
    return timings


@dataclass
class Load:
    """What one load measured: each conversation's (turn, seconds, replies), and the wall time of the whole load."""

    runs: list[list[tuple[int, float, int]]]
    elapsed: float

    def __add__(self, other: "Load") -> "Load":
        return Load(self.runs + other.runs, self.elapsed + other.elapsed)

    @property
    def ms(self) -> list[float]:
        return [seconds * 1000 for run in self.runs for _, seconds, _ in run]

    def ms_at(self, turns: range) -> list[float]:
        return [seconds * 1000 for run in self.runs for turn, seconds, _ in run if turn in turns]

    @property
    def unanswered(self) -> int:
        """Messages that got no reply at all."""
        return sum(1 for run in self.runs for _, _, replies in run if not replies)

    @property
    def per_second(self) -> float:
        return len(self.ms) / self.elapsed

    def summary(self) -> dict[str, float]:
        ms = self.ms
        return {"messages": len(ms), "unanswered": self.unanswered, "messages_per_second": round(self.per_second, 1),
                "p50_ms": round(statistics.median(ms), 1), "p95_ms": round(percentile(ms, 0.95), 1)}


def run_load(server: ChatServer, conversations: int, clients: int, turns: int = len(SCRIPT),
             need_reply: bool = True) -> Load:
    """`conversations` conversations of `turns` messages, `clients` of them in flight at once."""
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        runs = list(pool.map(lambda n: one_conversation(server, n, turns, need_reply), range(conversations)))
    return Load(runs, time.perf_counter() - started)
