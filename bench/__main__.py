"""`make bench` (conversation part): start the assistant, replay a scripted 10-turn conversation
200 times, print latency. The script includes a one-sentence directory search.

Prints p50/p95 latency per message, latency at the first and last turn (the whole tracker is sent
to the action server on each call, so long conversations can slow down) and messages per second.
Figures are also written to bench/results/ as JSON.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

from bench import SCRIPT
from bench.figures import percentile, save
from tests.assistant import Assistant


def one_conversation(assistant: Assistant, number: int) -> list[tuple[int, float]]:
    chat = assistant.chat(f"bench-{number}-{time.time_ns()}")
    timings = []
    for turn, text in enumerate(SCRIPT, start=1):
        start = time.perf_counter()
        replies = chat.send(text)
        timings.append((turn, time.perf_counter() - start))
        if not replies:
            raise RuntimeError(f"no reply to {text!r}")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4, help="conversations in flight at once")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as workdir:
        assistant = Assistant(Path(workdir)).start()
        try:
            one_conversation(assistant, -1)  # warm up: first calls load lazily
            started = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                runs = list(pool.map(lambda n: one_conversation(assistant, n), range(args.conversations)))
            elapsed = time.perf_counter() - started
        finally:
            assistant.stop()

    all_ms = [seconds * 1000 for run in runs for _, seconds in run]
    by_turn = {turn: [s * 1000 for run in runs for t, s in run if t == turn] for turn in (1, len(SCRIPT))}
    figures = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "conversations": args.conversations,
        "turns_per_conversation": len(SCRIPT),
        "concurrent_clients": args.clients,
        "messages": len(all_ms),
        "p50_ms": round(statistics.median(all_ms), 1),
        "p95_ms": round(percentile(all_ms, 0.95), 1),
        "p50_ms_turn_1": round(statistics.median(by_turn[1]), 1),
        "p50_ms_turn_10": round(statistics.median(by_turn[len(SCRIPT)]), 1),
        "messages_per_second": round(len(all_ms) / elapsed, 1),
    }
    print(f"Conversation benchmark: {figures['conversations']} conversations x {figures['turns_per_conversation']} turns, "
          f"{figures['concurrent_clients']} clients at once, REST channel")
    print(f"  latency per message: p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms")
    print(f"  p50 at turn 1: {figures['p50_ms_turn_1']} ms; at turn 10: {figures['p50_ms_turn_10']} ms")
    print(f"  throughput: {figures['messages_per_second']} messages per second")
    save("conversation", figures)


if __name__ == "__main__":
    main()
