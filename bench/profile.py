"""Where one message's milliseconds go (issue 19): the Rasa server and the action server, with cProfile.

    python -m bench.profile [--conversations 10] [--turns 10] [--top 25]

The Rasa side runs in this process (the trained model, the SQLite tracker store and lock store of
`make run`), handling the benchmark's scripted conversation (bench.SCRIPT, repeated to --turns)
message by message as the REST channel would, without the HTTP layer; the action server runs as
`make run` starts it, in its own process. Every call Rasa makes to the action server is recorded,
then replayed in-process through rasa_sdk's executor under cProfile, with the JSON decoding the
action server's web layer does, so both sides are profiled. Prints milliseconds per message for
the parts of the path, then the functions with the most cumulative time.
"""
from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import pstats
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import SCRIPT
from harness.assistant import MODEL, Assistant, in_process

PARTS = [  # (label, file ending, function name): cumulative time per message
    ("whole message (handle_message)", "rasa/core/agent.py", "handle_message"),
    ("  read the tracker (tracker store retrieve, session check)", "rasa/core/processor.py", "fetch_tracker_and_update_session"),
    ("  understand the message (intent model and entities)", "rasa/core/processor.py", "parse_message"),
    ("  choose next actions (policies)", "rasa/core/processor.py", "_predict_next_with_tracker"),
    ("  run actions (all; remote ones below)", "rasa/core/processor.py", "_run_action"),
    ("    remote action calls (this side's CPU only)", "rasa/core/actions/action.py", "run"),
    ("      tracker and domain to JSON for it", "rasa/core/actions/action.py", "_action_call_format"),
    ("  save the tracker (tracker store save)", "rasa/core/processor.py", "save_tracker"),
    ("    redaction of new events", "addons/tracker_store.py", "redact_event"),
    ("  redaction in log records", "bot/redaction.py", "filter"),
]
ACTION_PARTS = [
    ("one action call: JSON decode + run (ms per call)", "bench/profile.py", "_serve"),
    ("  JSON decode of the request body", "json/__init__.py", "loads"),
    ("  rasa_sdk executor run", "rasa_sdk/executor.py", "run"),
    ("    tracker from the JSON", "rasa_sdk/interfaces.py", "from_dict"),
]


def _cumulative(stats: pstats.Stats, ending: str, name: str) -> float:
    total = 0.0
    for (filename, _line, function), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if function == name and filename.replace("\\", "/").endswith(ending):
            total = max(total, cumulative)  # recursion and several definitions: the outermost
    return total


def _report(title: str, stats: pstats.Stats, parts: list[tuple[str, str, str]], count: int, top: int) -> None:
    print(f"\n{title} (CPU ms per message, {count} messages, under cProfile: slower than without it)")
    for label, ending, name in parts:
        print(f"  {label:58} {_cumulative(stats, ending, name) * 1000 / count:7.2f}")
    out = io.StringIO()
    stats.stream = out  # type: ignore[attr-defined]
    stats.sort_stats("cumulative").print_stats(top)
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[-6000:])


async def _rasa_side(assistant: Assistant, conversations: int, turns: int, top: int) -> list[dict[str, Any]]:
    import logging

    from rasa.core.agent import load_agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.INFO)  # as `rasa run` logs by default
    configure_structlog(logging.INFO)
    calls: list[dict[str, Any]] = []
    request = EndpointConfig.request

    async def recording(self: EndpointConfig, *args: Any, **kwargs: Any) -> Any:
        if "json" in kwargs:
            calls.append(kwargs["json"])
        return await request(self, *args, **kwargs)

    EndpointConfig.request = recording  # type: ignore[method-assign]
    agent = await load_agent(model_path=str(MODEL), endpoints=AvailableEndpoints.read_endpoints(str(assistant._endpoints)))
    script = [SCRIPT[i % len(SCRIPT)] for i in range(turns)]

    early, late = cProfile.Profile(time.process_time), cProfile.Profile(time.process_time)
    window = range(turns - 9, turns + 1) if turns >= 20 else range(0)  # long conversations: the last 10 apart

    async def conversation(n: int, timings: list[tuple[int, float]], cpu: list[float],
                           profiler: Any = None) -> None:
        sender = f"profile-{n}-{time.time_ns()}"
        for turn, text in enumerate(script, start=1):
            chosen = (late if turn in window else early) if profiler else None
            if chosen:
                chosen.enable()
            started, started_cpu = time.perf_counter(), time.process_time()
            await agent.handle_message(UserMessage(text, CollectingOutputChannel(), sender, input_channel="rest"))
            timings.append((turn, time.perf_counter() - started))
            cpu.append(time.process_time() - started_cpu)
            if chosen:
                chosen.disable()

    await conversation(-1, [], [])  # warm up
    plain: list[tuple[int, float]] = []
    cpu: list[float] = []
    for n in range(conversations):
        await conversation(n, plain, cpu)
    calls.clear()
    profiled: list[tuple[int, float]] = []
    for n in range(conversations):
        await conversation(1000 + n, profiled, [], profiler=True)
    ms = [s * 1000 for _, s in plain]
    print(f"Rasa side in-process, without the profiler: p50 {statistics.median(ms):.1f} ms a message (wall), "
          f"{statistics.median(cpu) * 1000:.1f} ms CPU of this process; turn 1 p50 "
          f"{statistics.median([s * 1000 for t, s in plain if t == 1]):.1f} ms, turn {turns} p50 "
          f"{statistics.median([s * 1000 for t, s in plain if t == turns]):.1f} ms")
    if window:
        cpu_by_turn = list(zip((t for t, _ in plain), cpu))
        first = [c * 1000 for t, c in cpu_by_turn if t <= 10]
        last = [c * 1000 for t, c in cpu_by_turn if t in window]
        print(f"  CPU p50 over turns 1-10: {statistics.median(first):.1f} ms; over turns {window[0]}-{turns}: "
              f"{statistics.median(last):.1f} ms")
        _report(f"Rasa server, turns 1 to {window[0] - 1}", pstats.Stats(early), PARTS,
                conversations * (window[0] - 1), top)
        _report(f"Rasa server, turns {window[0]} to {turns}", pstats.Stats(late), PARTS, conversations * 10, top)
    else:
        _report("Rasa server", pstats.Stats(early), PARTS, len(profiled), top)
    return calls


async def _serve(executor: Any, body: bytes) -> Any:
    return await executor.run(json.loads(body))


async def _action_side(calls: list[dict[str, Any]], top: int) -> None:
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    bodies = [json.dumps(call).encode() for call in calls]
    sizes = sorted(len(b) for b in bodies)
    for body in bodies[:5]:
        await _serve(executor, body)  # warm up
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for body in bodies:
        await _serve(executor, body)
    profiler.disable()
    print(f"\nAction server: {len(bodies)} calls replayed; request body p50 {sizes[len(sizes) // 2] / 1000:.0f} kB, "
          f"largest {sizes[-1] / 1000:.0f} kB")
    _report("Action server", pstats.Stats(profiler), ACTION_PARTS, len(bodies), top)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("--conversations", type=int, default=10)
    parser.add_argument("--turns", type=int, default=len(SCRIPT))
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir, in_process(Path(workdir)) as assistant:
        calls = asyncio.run(_rasa_side(assistant, args.conversations, args.turns, args.top))
        asyncio.run(_action_side(calls, args.top))


if __name__ == "__main__":
    main()
