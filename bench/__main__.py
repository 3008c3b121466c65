"""Our assistant alone: start it, replay a scripted 10-turn conversation 200 times, print latency
(`make bench` runs bench.side_by_side instead, ours beside the stock `rasa init` assistant). The
script includes a one-sentence directory search; `--turns 50` measures a long conversation.

Prints p50/p95 latency per message, latency at the first and last turn (the whole tracker is sent
to the action server on each call, so long conversations can slow down) and messages per second.
With one client (`--clients 1`) it also prints the CPU both server processes spent on each message over the first
and last ten turns (steadier than wall time on a shared machine). Figures are also written to bench/results/ as JSON.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from bench import SCRIPT
from bench.figures import save
from bench.load import one_conversation, run_load
from harness.assistant import Assistant


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4, help="conversations in flight at once")
    parser.add_argument("--turns", type=int, default=len(SCRIPT),
                        help="turns per conversation (the script repeated): does latency grow with the conversation?")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as workdir:
        assistant = Assistant(Path(workdir)).start()
        try:
            one_conversation(assistant, -1)  # warm up: first calls load lazily
            cpu_by_turn: list[tuple[int, float]] = []  # one client: each message's CPU, both server processes
            load = run_load(assistant, args.conversations, args.clients, args.turns,
                            cpu_by_turn=cpu_by_turn if args.clients == 1 else None)
        finally:
            assistant.stop()

    last = args.turns
    by_turn = {turn: load.ms_at(range(turn, turn + 1)) for turn in (1, last)}
    figures = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "conversations": args.conversations,
        "turns_per_conversation": last,
        "concurrent_clients": args.clients,
        **{k: v for k, v in load.summary().items() if k not in ("messages_per_second", "unanswered")},
        "p50_ms_turn_1": round(statistics.median(by_turn[1]), 1),
        f"p50_ms_turn_{last}": round(statistics.median(by_turn[last]), 1),
        "messages_per_second": load.summary()["messages_per_second"],
    }
    if last >= 2 * len(SCRIPT):  # the same ten messages at the start and at the end of the conversation
        first = load.ms_at(range(1, len(SCRIPT) + 1))
        final = load.ms_at(range(last - len(SCRIPT) + 1, last + 1))
        figures["p50_ms_first_10_turns"] = round(statistics.median(first), 1)
        figures["p50_ms_last_10_turns"] = round(statistics.median(final), 1)
        if cpu_by_turn:  # the CPU the servers spent on each message: steadier than wall time on a shared machine
            for name, turns in (("first", range(1, len(SCRIPT) + 1)), ("last", range(last - len(SCRIPT) + 1, last + 1))):
                spent = [ms for turn, ms in cpu_by_turn if turn in turns]
                figures[f"cpu_ms_p50_{name}_10_turns"] = round(statistics.median(spent), 2)
                figures[f"cpu_ms_mean_{name}_10_turns"] = round(statistics.mean(spent), 2)
    print(f"Conversation benchmark: {figures['conversations']} conversations x {figures['turns_per_conversation']} turns, "
          f"{figures['concurrent_clients']} clients at once, REST channel")
    print(f"  latency per message: p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms")
    print(f"  p50 at turn 1: {figures['p50_ms_turn_1']} ms; at turn {last}: {figures[f'p50_ms_turn_{last}']} ms")
    if "p50_ms_first_10_turns" in figures:
        print(f"  p50 over the first 10 turns: {figures['p50_ms_first_10_turns']} ms; over the last 10: "
              f"{figures['p50_ms_last_10_turns']} ms")
    if "cpu_ms_p50_first_10_turns" in figures:
        print(f"  CPU of both server processes a message (p50, mean): first 10 turns {figures['cpu_ms_p50_first_10_turns']}, "
              f"{figures['cpu_ms_mean_first_10_turns']} ms; last 10: {figures['cpu_ms_p50_last_10_turns']}, "
              f"{figures['cpu_ms_mean_last_10_turns']} ms")
    print(f"  throughput: {figures['messages_per_second']} messages per second")
    save("conversation", figures)


if __name__ == "__main__":
    main()
