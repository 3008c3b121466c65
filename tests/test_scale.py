"""Issue 19: two Rasa replicas behind nginx, one SIGKILLed mid-load, nothing lost or answered twice.

Starts PostgreSQL, Redis, two action servers, two Rasa servers (deploy/endpoints.scale.yml), the
demo page and nginx (`bench/scale.py`, which `make scale-demo` runs with a report), about a minute
on 2 cores; then plays 10 conversations of 10 turns, 5 at a time, kills replica 1 after 30% of
them, and reads every conversation back from the PostgreSQL tracker store.
"""
import time

import pytest
import requests

from bench import SCRIPT
from bench.scale import (
    LOCK_LIFETIME,
    Cluster,
    check_stored,
    resend_answered,
    run_load,
    send,
    socketio_hello,
    texts,
    upstream_counts,
)

pytestmark = [pytest.mark.server, pytest.mark.postgres, pytest.mark.model]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    running = Cluster(tmp_path_factory.mktemp("scale")).start()
    yield running
    running.stop()


def test_the_page_the_widget_and_socket_io_work_through_the_balancer(cluster):
    page = requests.get(f"{cluster.url}/", timeout=30)
    assert page.status_code == 200 and "medway-chat.js" in page.text and cluster.url in page.text
    assert requests.get(f"{cluster.url}/medway-chat.js", timeout=30).status_code == 200
    assert "Medway SEND assistant" in socketio_hello(cluster, "polling")
    assert "Medway SEND assistant" in socketio_hello(cluster, "websocket")


def test_a_resent_message_is_answered_once(cluster):
    first = send(cluster.webhook, "scale-resend", 1, "what is an ehcp")
    again, before, after = resend_answered(cluster, first)
    assert before == after == 1, "the resent message was handled a second time"
    assert texts(again) == texts(first.replies)
    # A resent message the store never received (its replica died first) is handled as new, once.
    fresh = requests.post(cluster.webhook, json={"sender": "scale-resend", "message": "hello",
                                                 "message_id": "scale-resend.2", "resend": True}, timeout=60)
    assert fresh.status_code == 200 and fresh.json()
    users = [e["message_id"] for e in cluster.stored_events()["scale-resend"] if e["event"] == "user"]
    assert users == ["scale-resend.1", "scale-resend.2"]
    refused = requests.post(cluster.webhook, json={"sender": "x", "message": "hi", "message_id": "no spaces"},
                            timeout=30)
    assert refused.status_code == 400


@pytest.mark.parametrize("resend", [True, False], ids=["resend", "ordinary message"])
def test_a_message_behind_a_dead_replicas_lock_is_answered(cluster, resend):
    """Rasa 3.6's own ticket lock leaves a message whose own ticket expired with the dead one waiting
    until its HTTP request times out; the lock store of deploy/endpoints.scale.yml
    (addons/lock_store.py) renews a waiting message's ticket."""
    from rasa.core.lock_store import RedisLockStore

    sender = f"scale-dead-lock-{resend}"
    assert send(cluster.webhook, sender, 1, "hello").replies
    locks = RedisLockStore(host="127.0.0.1", port=cluster.redis_port, db=1, key_prefix="medway")
    # As if a replica died handling this conversation, its ticket outliving by a little the one a
    # message sent now would get.
    locks.issue_ticket(sender, lock_lifetime=LOCK_LIFETIME + 0.5)
    started = time.monotonic()
    answer = requests.post(cluster.webhook, json={"sender": sender, "message": "what is an ehcp",
                                                  "message_id": f"{sender}.2", "resend": resend}, timeout=90)
    waited = time.monotonic() - started
    assert answer.status_code == 200 and answer.json(), answer.text
    assert not any("something went wrong" in (r.get("text") or "") for r in answer.json())
    assert LOCK_LIFETIME < waited < LOCK_LIFETIME + 6
    users = [e["message_id"] for e in cluster.stored_events()[sender] if e["event"] == "user"]
    assert users == [f"{sender}.1", f"{sender}.2"]


def test_killing_a_replica_mid_load_loses_and_repeats_nothing(cluster):
    result = run_load(cluster, conversations=10, clients=5, kill_after=0.3, victim="rasa-1")
    runs = result["runs"]
    counts = upstream_counts(cluster)
    resent = sum(t.attempts > 1 for run in runs for t in run)
    print(f"\nScale: {result['total']} messages in {result['elapsed']:.1f} s, rasa-1 killed after "
          f"{result['killed_after_answers']} answers; nginx {counts}; resent by clients: {resent}")
    assert result["killed_after_answers"] is not None, "the replica was never killed"
    assert cluster.processes["rasa-1"].poll() is not None
    dead, alive = (str(p) for p in cluster.rasa_ports)
    assert counts.get(dead, 0) > 0 and counts.get(alive, 0) > 0, f"both replicas should have answered: {counts}"
    assert check_stored(cluster, runs) == []
    assert all(len(run) == len(SCRIPT) for run in runs)
    # The directory search (turn 4) answered with service cards through the balancer, on either replica.
    assert all(any((r.get("custom") or {}).get("service_cards") for r in run[3].replies) for run in runs)
