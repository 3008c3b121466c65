"""One load: concurrent scripted conversations over the REST channel, timed message by message.

Shared by `python -m bench` (our assistant alone) and `python -m bench.side_by_side` (ours and the
stock `rasa init` assistant under the same load).
"""
from __future__ import annotations

import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Protocol

from bench import SCRIPT
from bench.figures import percentile


class ChatServer(Protocol):
    def chat(self, sender: str) -> Any: ...  # something with .send(text) -> list of replies


def _stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name (field 3, the state, is the first)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, all threads) a running process has used so far, with that of its children
    (PostgreSQL's backends): those still running and those it has waited for (Linux's /proc)."""
    fields = _stat(pid)
    ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime, stime, cutime, cstime
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                child = _stat(int(entry.name))
            except OSError:  # gone meanwhile
                continue
            if int(child[1]) == pid:
                ticks += int(child[11]) + int(child[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def server_processes(server: Any) -> dict[str, int]:
    """The processes serving a load, by name, when the server says (`processes_by_name`), else none."""
    named = getattr(server, "processes_by_name", None)
    return named() if callable(named) else {}


def threads_cpu_ms(pid: int) -> float:
    """CPU time all of a process's threads have run so far, in ms to the nanosecond (/proc/PID/task/*/schedstat;
    threads that ended are not counted: the servers' do not end between two messages)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):  # gone meanwhile
            continue
    return total / 1e6


def one_conversation(server: ChatServer, number: int, turns: int = len(SCRIPT), need_reply: bool = True,
                     cpu_by_turn: Optional[list[tuple[int, float]]] = None) -> list[tuple[int, float, int]]:
    """Play bench.SCRIPT (repeated to `turns`) as one conversation; (turn, seconds, replies) for each message.
    `need_reply`: fail on a message that got no reply (the stock bot may rightly answer some with none).
    `cpu_by_turn`: (turn, CPU ms of all the server's processes) is added for each message (one client only:
    other conversations' messages would count too)."""
    chat = server.chat(f"bench-{number}-{time.time_ns()}")
    pids = list(server_processes(server).values()) if cpu_by_turn is not None else []
    timings = []
    for turn, text in enumerate((SCRIPT[i % len(SCRIPT)] for i in range(turns)), start=1):
        cpu = sum(map(threads_cpu_ms, pids))
        start = time.perf_counter()
        replies = chat.send(text)
        timings.append((turn, time.perf_counter() - start, len(replies)))
        if cpu_by_turn is not None:
            cpu_by_turn.append((turn, sum(map(threads_cpu_ms, pids)) - cpu))
        if need_reply and not replies:
            raise RuntimeError(f"no reply to {text!r}")
    return timings


@dataclass
class Load:
    """What one load measured: each conversation's (turn, seconds, replies), and the wall time of the whole load."""

    runs: list[list[tuple[int, float, int]]]
    elapsed: float
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds each server process used during the load

    def __add__(self, other: "Load") -> "Load":
        cpu = {name: self.cpu.get(name, 0.0) + other.cpu.get(name, 0.0) for name in {**self.cpu, **other.cpu}}
        return Load(self.runs + other.runs, self.elapsed + other.elapsed, cpu)

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
                "p50_ms": round(statistics.median(ms), 1), "p95_ms": round(percentile(ms, 0.95), 1),
                **{f"cpu_percent_{name}": round(100 * seconds / self.elapsed) for name, seconds in self.cpu.items()},
                **({"cpu_ms_per_message": round(1000 * sum(self.cpu.values()) / len(ms), 1)} if self.cpu else {})}


def run_load(server: ChatServer, conversations: int, clients: int, turns: int = len(SCRIPT),
             need_reply: bool = True, cpu_by_turn: Optional[list[tuple[int, float]]] = None) -> Load:
    """`conversations` conversations of `turns` messages, `clients` of them in flight at once; with the CPU
    time each of the server's processes used meanwhile (percent of one core; 200 is both cores of 2)."""
    processes = server_processes(server)
    cpu_before = {name: cpu_seconds(pid) for name, pid in processes.items()}
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        runs = list(pool.map(lambda n: one_conversation(server, n, turns, need_reply, cpu_by_turn), range(conversations)))
    elapsed = time.perf_counter() - started
    return Load(runs, elapsed, {name: cpu_seconds(pid) - cpu_before[name] for name, pid in processes.items()})
