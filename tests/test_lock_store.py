"""The lock store of several replicas (addons/lock_store.py) on a real, throwaway Redis server: a
message behind a dead replica's ticket is answered once the dead ticket expires, and tickets taken
at the same moment by several replicas are all different and served in order."""
import asyncio
import concurrent.futures
import shutil
import subprocess
import threading
import time

import pytest
from rasa.core.lock_store import RedisLockStore

from addons.lock_store import RenewingRedisLockStore
from harness.assistant import free_port

pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="needs Debian's redis-server")

LIFETIME = 1.0


@pytest.fixture(scope="module")
def redis_port(tmp_path_factory):
    port = free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(tmp_path_factory.mktemp("redis"))],
                              stdout=subprocess.DEVNULL)
    store = RedisLockStore(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 20
    while not _answers(store):
        assert time.monotonic() < deadline and server.poll() is None, "redis-server did not start"
        time.sleep(0.05)
    yield port
    server.terminate()
    server.wait(timeout=10)


def _run(coroutine):
    """asyncio.run in a thread of its own: other tests of the session may leave this thread's loop running."""
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def _answers(store: RedisLockStore) -> bool:
    try:
        return bool(store.red.ping())
    except Exception:
        return False


async def _message_behind_a_dead_ticket(store: RedisLockStore, conversation: str) -> float:
    """Seconds until a message waiting behind a dead replica's ticket gets the lock (the dead ticket
    outlives the waiter's first ticket by a little, as when a replica dies just before a resend)."""
    store.issue_ticket(conversation, lock_lifetime=LIFETIME + 0.3)
    started = time.monotonic()
    async with store.lock(conversation, lock_lifetime=LIFETIME, wait_time_in_seconds=0.5):
        return time.monotonic() - started


def test_a_message_behind_a_dead_replicas_ticket_gets_the_lock_when_it_expires(redis_port):
    store = RenewingRedisLockStore(host="127.0.0.1", port=redis_port, key_prefix="test")
    waited = _run(_message_behind_a_dead_ticket(store, "dead-ticket"))
    assert LIFETIME < waited < LIFETIME + 1.5
    assert store.get_lock("dead-ticket") is None, "the lock is deleted after use"


def test_rasas_own_store_leaves_that_message_waiting(redis_port):
    """The flaw the store fixes, shown on Rasa's own store: the waiter never gets the lock."""
    store = RedisLockStore(host="127.0.0.1", port=redis_port, key_prefix="stock")
    with pytest.raises(asyncio.TimeoutError):
        _run(asyncio.wait_for(_message_behind_a_dead_ticket(store, "dead-ticket"), timeout=LIFETIME * 5))


def test_tickets_taken_at_once_by_several_replicas_are_all_different(redis_port):
    stores = [RenewingRedisLockStore(host="127.0.0.1", port=redis_port, key_prefix="race") for _ in range(4)]
    taken: list[int] = []

    def take(store: RenewingRedisLockStore) -> None:
        for _ in range(50):
            taken.append(store.issue_ticket("busy", lock_lifetime=60))

    threads = [threading.Thread(target=take, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == list(range(200))
    stores[0].red.delete(stores[0].key_prefix + "busy")


def test_messages_of_one_conversation_are_served_one_at_a_time_in_order(redis_port):
    store = RenewingRedisLockStore(host="127.0.0.1", port=redis_port, key_prefix="order")
    served: list[int] = []
    inside = 0

    async def message(n: int) -> None:
        nonlocal inside
        await asyncio.sleep(n * 0.01)  # sent in this order
        async with store.lock("order", lock_lifetime=5, wait_time_in_seconds=0.02):
            inside += 1
            assert inside == 1, "two messages of one conversation handled at once"
            served.append(n)
            await asyncio.sleep(0.03)
            inside -= 1

    async def main() -> None:
        await asyncio.gather(*(message(n) for n in range(8)))

    _run(main())
    assert served == list(range(8))
    assert store.get_lock("order") is None
