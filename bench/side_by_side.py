"""`make bench` (conversation part): our assistant and the stock `rasa init` assistant, same run, same load.

    python -m bench.side_by_side [--conversations 100] [--clients 20] [--single 30] [--rounds 2] [--replicas N]

Starts both (ours as `make run` does: action server, SQLite tracker store; the stock one as
bench/stock.py says), warms both up, then plays bench.SCRIPT's 10-turn conversation over the REST
channel: `--conversations` of them with `--clients` in flight at once, then `--single` with one
client. Each load is split into `--rounds` rounds taken in turn, ours first then stock, then stock
first (ABBA), so a change in the shared machine's speed falls on both. Prints throughput and
p50/p95 for both and the ratios against issue 19's targets at 20 clients (at least 2x the stock
throughput, a p95 at most half the stock p95), with the load average and each server process's CPU
use during each load (from /proc); `--replicas N` also runs ours as N Rasa replicas behind nginx
(bench.scale.Cluster) in the same rounds, reported apart; figures go to bench/results/side_by_side.json.
"""
from __future__ import annotations

import argparse
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench.figures import save
from bench.load import Load, one_conversation, run_load
from bench.stock import StockAssistant
from harness.assistant import Assistant

THROUGHPUT_TARGET = 2.0
"""Ours at least this many times the stock assistant's messages a second (at 20 clients)."""
P95_TARGET = 0.5
"""Our p95 at most this share of the stock assistant's p95 (at 20 clients)."""


def measure(servers: dict[str, Any], conversations: int, clients: int, rounds: int) -> dict[str, Load]:
    """Every assistant under the same load, in turn, the order reversed each round (ABBA, or ABCCBA)."""
    done = {name: Load([], 0.0) for name in servers}
    for number in range(rounds):
        share = conversations // rounds + (1 if number < conversations % rounds else 0)
        for name in (list(servers) if number % 2 == 0 else list(reversed(servers))):
            done[name] += run_load(servers[name], share, clients, need_reply=name != "stock")
    return done


def compare(loads: dict[str, Load], ours_name: str = "ours") -> dict[str, float]:
    ours, stock = loads[ours_name].summary(), loads["stock"].summary()
    return {**{f"ours_{k}": v for k, v in ours.items()}, **{f"stock_{k}": v for k, v in stock.items()},
            "throughput_ratio": round(ours["messages_per_second"] / stock["messages_per_second"], 3),
            "p50_ratio": round(ours["p50_ms"] / stock["p50_ms"], 3),
            "p95_ratio": round(ours["p95_ms"] / stock["p95_ms"], 3)}


def report(title: str, figures: dict[str, float], targets: bool) -> None:
    print(f"  {title}: {figures['ours_messages']} messages each; got no reply: ours {figures['ours_unanswered']}, "
          f"stock {figures['stock_unanswered']}")
    print(f"    {'':14}{'ours':>10}{'stock':>10}{'ours/stock':>12}")
    for label, key in (("messages/s", "messages_per_second"), ("p50 ms", "p50_ms"), ("p95 ms", "p95_ms")):
        ratio = figures["throughput_ratio" if key == "messages_per_second" else key.replace("_ms", "_ratio")]
        line = f"    {label:14}{figures['ours_' + key]:>10}{figures['stock_' + key]:>10}{ratio:>11}x"
        if targets and key == "messages_per_second":
            line += f"   target >= {THROUGHPUT_TARGET}x: {'met' if ratio >= THROUGHPUT_TARGET else 'NOT met'}"
        if targets and key == "p95_ms":
            line += f"   target <= {P95_TARGET}x: {'met' if ratio <= P95_TARGET else 'NOT met'}"
        print(line)
    for side in ("ours", "stock"):
        cpu = {k.removeprefix(f"{side}_cpu_percent_"): v for k, v in figures.items() if k.startswith(f"{side}_cpu_percent_")}
        if cpu:
            print(f"    CPU during the load, {side} (% of one core, 2 cores = 200%): "
                  + ", ".join(f"{name} {percent}%" for name, percent in sorted(cpu.items(), key=lambda kv: -kv[1]))
                  + f"; {figures.get(side + '_cpu_ms_per_message')} ms CPU a message in all")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.side_by_side")
    parser.add_argument("--conversations", type=int, default=100, help="conversations in the concurrent load")
    parser.add_argument("--clients", type=int, default=20, help="conversations in flight at once")
    parser.add_argument("--single", type=int, default=30, help="conversations with one client (0: none)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds per load, ABBA order")
    parser.add_argument("--replicas", type=int, default=0,
                        help="also measure ours as N Rasa replicas (and N action servers) behind nginx, with the "
                             "PostgreSQL tracker store and Redis lock store of `make scale-demo`, in the same run "
                             "(a different shape: reported apart, never as the one-process figure)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as workdir:
        ours = Assistant(Path(workdir) / "ours")
        stock = StockAssistant(Path(workdir) / "stock")
        servers: dict[str, Any] = {"ours": ours, "stock": stock}
        if args.replicas:
            from bench.scale import Cluster

            servers = {"ours": ours, "replicas": Cluster(Path(workdir) / "replicas", replicas=args.replicas),
                       "stock": stock}
        try:
            for server in servers.values():
                server.start()
            for name, server in servers.items():
                for n in range(2):  # warm up: first calls load lazily
                    one_conversation(server, -1 - n, need_reply=name != "stock")
            load_before = os.getloadavg()
            concurrent_loads = measure(servers, args.conversations, args.clients, args.rounds)
            single_loads = measure(servers, args.single, 1, args.rounds) if args.single else None
            load_after = os.getloadavg()
        finally:
            for server in reversed(list(servers.values())):
                server.stop()
    concurrent = compare(concurrent_loads)
    single = compare(single_loads) if single_loads else None

    figures = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "cpus": os.cpu_count(), "load_average_before": [round(x, 2) for x in load_before],
               "load_average_after": [round(x, 2) for x in load_after],
               "concurrent_clients": args.clients, "concurrent": concurrent, "single_client": single}
    print("Side by side: our assistant and the stock `rasa init` assistant, 10-turn conversations over REST, "
          f"same run ({args.rounds} rounds each, ABBA); {os.cpu_count()} CPUs, load average "
          f"{load_before[0]:.1f} before, {load_after[0]:.1f} after")
    report(f"{args.clients} clients at once", concurrent, targets=True)
    if single:
        report("1 client", single, targets=False)
    if args.replicas:
        figures["replicas"] = args.replicas
        figures["replicas_concurrent"] = compare(concurrent_loads, "replicas")
        print(f"\n  Another shape, same run and loads: ours as {args.replicas} Rasa replicas and {args.replicas} action "
              "servers behind nginx (PostgreSQL tracker store, Redis lock store, as `make scale-demo`), against the "
              "stock assistant in its one process:")
        report(f"{args.clients} clients at once", figures["replicas_concurrent"], targets=True)
        if single_loads:
            figures["replicas_single_client"] = compare(single_loads, "replicas")
            report("1 client", figures["replicas_single_client"], targets=False)
    save("side_by_side", figures)


if __name__ == "__main__":
    main()
