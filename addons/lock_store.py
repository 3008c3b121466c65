"""Rasa's Redis lock store, with two flaws of Rasa 3.6's ticket lock fixed for several replicas.

Each message of a conversation takes a numbered ticket and waits until its ticket is the first one
left; a ticket expires after the lock lifetime, so that a replica that dies holding one does not
block its conversation for ever. In Rasa 3.6:

1. **A waiting ticket expires too.** A message waiting behind a dead replica's ticket holds a ticket
   of the same lifetime; when both have expired by the time it next looks (once a second), the lock
   is empty, reports ticket 0 as being served, and the message waits until its HTTP request times out
   (the parent sees no answer). Here a waiting message renews its own ticket each time it looks: only
   tickets whose holder stopped looking (a dead replica's) expire.
2. **Tickets are read, changed and written back in separate steps.** Two replicas taking a ticket
   for the same conversation at the same moment can both be given the same number, and both run.
   Here every change of a lock is one Redis transaction (WATCH / MULTI), retried on a clash.

Configured in `deploy/endpoints.scale.yml` as `type: addons.lock_store.RenewingRedisLockStore` with
the same settings as Rasa's `type: redis` (url, port, db, password, key_prefix ...).
"""
from __future__ import annotations

import asyncio
import json
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Callable, Optional, Text, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")


class RenewingRedisLockStore(RedisLockStore):
    """Tickets renewed while their message waits; every change of a lock atomic in Redis."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _change(self, conversation_id: Text, change: Callable[[TicketLock], T]) -> T:
        """Apply `change` to the conversation's lock (a new one if none) in one transaction, retried if
        another replica changed the lock meanwhile; an emptied lock is deleted."""
        import redis

        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(stored)) if stored else TicketLock(conversation_id)
                    result = change(lock)
                    pipe.multi()
                    if lock.tickets:
                        pipe.set(key, lock.dumps())
                    else:
                        pipe.delete(key)
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            return self._change(conversation_id, lambda lock: lock.issue_ticket(lock_lifetime))
        except Exception as e:
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e

    def _renew(self, conversation_id: Text, ticket: int, lock_lifetime: float) -> tuple[bool, int]:
        """Drop expired tickets and renew this one. Returns whether it is now served, and its number:
        a new one, at the back, if it had expired all the same (this replica stalled longer than
        the lifetime)."""

        def renew(lock: TicketLock) -> tuple[bool, int]:
            mine = next((t for t in lock.tickets if t.number == ticket), None)
            if mine is not None:
                mine.expires = time.time() + lock_lifetime
            number = ticket if mine is not None else lock.issue_ticket(lock_lifetime)
            return not lock.is_locked(number), number

        return self._change(conversation_id, renew)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        self.finish_serving(conversation_id, ticket_number)  # an emptied lock is deleted there

    @asynccontextmanager
    async def lock(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = 1) -> AsyncGenerator[TicketLock, None]:
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        try:
            served, ticket = self._renew(conversation_id, ticket, lock_lifetime)
            while not served:
                await asyncio.sleep(wait_time_in_seconds)
                served, ticket = self._renew(conversation_id, ticket, lock_lifetime)
            lock = self.get_lock(conversation_id)
            if lock is None:
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
            yield lock
        finally:
            self.cleanup(conversation_id, ticket)
