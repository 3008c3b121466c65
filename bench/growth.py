"""What grows with the conversation (issue 19): CPU milliseconds per message of each part of the Rasa
server's path, over the first and the last ten turns of long conversations, without a profiler.

    python -m bench.growth [--conversations 4] [--turns 50]

Runs the Rasa side in this process as bench.profile does (the trained model, the SQLite tracker
store, the action server in its own process) and times, with the process's CPU clock, the parts
named in PARTS (nested parts are included in their parents). Prints each part's p50 per message for
turns 1 to 10 and the last ten turns, and what it added.
"""
from __future__ import annotations

import argparse
import asyncio
import functools
import inspect
import os
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable

from bench import SCRIPT
from harness.assistant import MODEL, Assistant, in_process

PARTS = [  # (label, module, class or None, function)
    ("whole message", "rasa.core.agent", "Agent", "handle_message"),
    ("read the tracker", "rasa.core.processor", "MessageProcessor", "fetch_tracker_and_update_session"),
    ("understand the message", "rasa.core.processor", "MessageProcessor", "parse_message"),
    ("choose next actions", "rasa.core.processor", "MessageProcessor", "_predict_next_with_tracker"),
    ("  of which states of earlier turns", "rasa.shared.core.domain", "Domain", "states_for_tracker_history"),
    ("run actions", "rasa.core.processor", "MessageProcessor", "_run_action"),
    ("  of which tracker to JSON for the action server", "rasa.core.actions.action", "RemoteAction",
     "_action_call_format"),
    ("save the tracker", "rasa.core.processor", "MessageProcessor", "save_tracker"),
    ("applied_events (everywhere)", "rasa.shared.core.trackers", "DialogueStateTracker", "applied_events"),
]


def _timed(spent: dict[str, float], label: str, function: Callable) -> Callable:
    depth = {"n": 0}  # recursion or re-entry: count the outermost call only

    if inspect.iscoroutinefunction(function):
        @functools.wraps(function)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            depth["n"] += 1
            started = time.process_time()
            try:
                return await function(*args, **kwargs)
            finally:
                depth["n"] -= 1
                if depth["n"] == 0:
                    spent[label] += time.process_time() - started
        return async_wrapper

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        depth["n"] += 1
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            depth["n"] -= 1
            if depth["n"] == 0:
                spent[label] += time.process_time() - started
    return wrapper


async def _run(assistant: Assistant, conversations: int, turns: int) -> dict[str, list[tuple[int, float]]]:
    import importlib
    import logging

    from rasa.core.agent import load_agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    import addons.tracker_store  # noqa: F401  (installs the speed-ups first, so that they are timed)

    configure_logging_and_warnings(logging.INFO)
    configure_structlog(logging.INFO)
    spent: dict[str, float] = defaultdict(float)
    for label, module, owner, name in PARTS:
        cls = getattr(importlib.import_module(module), owner)
        setattr(cls, name, _timed(spent, label, getattr(cls, name)))
    agent = await load_agent(model_path=str(MODEL), endpoints=AvailableEndpoints.read_endpoints(str(assistant._endpoints)))
    script = [SCRIPT[i % len(SCRIPT)] for i in range(turns)]
    by_part: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for n in range(-1, conversations):
        sender = f"growth-{n}-{time.time_ns()}"
        for turn, text in enumerate(script, start=1):
            spent.clear()
            await agent.handle_message(UserMessage(text, CollectingOutputChannel(), sender, input_channel="rest"))
            if n >= 0:  # the first conversation warms up
                for label, *_ in PARTS:
                    by_part[label].append((turn, spent.get(label, 0.0) * 1000))
    return by_part


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.growth")
    parser.add_argument("--conversations", type=int, default=4)
    parser.add_argument("--turns", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir, in_process(Path(workdir)) as assistant:
        started = os.getloadavg()
        by_part = asyncio.run(_run(assistant, args.conversations, args.turns))
    last = range(args.turns - 9, args.turns + 1)
    print(f"CPU ms per message (p50), {args.conversations} conversations x {args.turns} turns; "
          f"load average {started[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
    print(f"  {'':50}{'turns 1-10':>12}{f'turns {last[0]}-{last[-1]}':>14}{'added':>8}")
    for label, *_ in PARTS:
        first = statistics.median(ms for turn, ms in by_part[label] if turn <= 10)
        final = statistics.median(ms for turn, ms in by_part[label] if turn in last)
        print(f"  {label:50}{first:12.2f}{final:14.2f}{final - first:8.2f}")


if __name__ == "__main__":
    main()
