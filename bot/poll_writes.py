"""Group commit for polls that store no story: their feed state and seen keys share transactions.

Most polls find nothing new (a 304, or only entries already seen). Each used to cost a
transaction of its own — a handful of round trips to the database thread and a commit — which
made the database, not the network, the limit of a round. Here each such poll queues a
`PollRecord`; whichever poll holds the writer's lock writes everything queued so far in one
transaction (one UPDATE and one INSERT for the lot), and every poll returns once its own record
is committed. A feed is still all-or-nothing: a batch commits whole or, on an error, is retried
one record per transaction so that one bad record fails only its own poll. Polls that store
stories keep their own transaction (stories and outbox rows together), in bot/poll.py.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from bot.feeds import ParsedFeed
from bot.fetch import FetchResult
from bot.store import Feed, PollRecord, Store

MAX_BATCH = 500  # records per transaction: keeps each write short for the other writers


class PollWriter:
    """Writes `PollRecord`s of concurrent polls in shared transactions (group commit)."""

    def __init__(self, store: Store, *, max_batch: int = MAX_BATCH) -> None:
        self._store = store
        self._max_batch = max_batch
        self._queue: list[tuple[PollRecord, asyncio.Future[None]]] = []
        self._lock = asyncio.Lock()

    async def write(self, record: PollRecord) -> None:
        """Return once `record` is committed; raises StoreError if it could not be."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.append((record, done))
        try:
            async with self._lock:
                while not done.done():
                    batch = self._queue[: self._max_batch]
                    del self._queue[: self._max_batch]
                    try:
                        await self._commit(batch)
                    except asyncio.CancelledError:
                        # Cancelled mid-write (rolled back): the other polls' records go back to
                        # the front of the queue for the next waiter to write.
                        self._queue[:0] = [(r, f) for r, f in batch if not f.done()]
                        raise
        except asyncio.CancelledError:
            # A cancelled poll writes nothing: as if it had never run (it is polled again).
            self._queue[:] = [(r, f) for r, f in self._queue if f is not done]
            done.cancel()
            raise
        await done

    async def _commit(self, batch: list[tuple[PollRecord, asyncio.Future[None]]]) -> None:
        try:
            async with self._store.transaction() as tx:
                await tx.record_polls([record for record, _ in batch])
        except Exception as exc:
            if len(batch) == 1:
                batch[0][1].set_exception(exc)
                return
            for one in batch:  # find the record at fault; the others still commit
                await self._commit([one])
            return
        for _, future in batch:
            future.set_result(None)


def succeeded_state(
    feed: Feed,
    now: datetime,
    next_poll: datetime,
    meta: FetchResult | None,
    parsed: ParsedFeed | None = None,
    identity: str | None = None,
) -> dict[str, Any]:
    """A feed's columns after a successful poll (a 304 without validators keeps the old ones)."""
    etag, modified = feed.etag, feed.last_modified
    if meta is not None and meta.not_modified:
        etag, modified = meta.etag or etag, meta.last_modified or modified
    elif meta is not None:
        etag, modified = meta.etag, meta.last_modified
    return {
        "consecutive_failures": 0,
        "last_error": None,
        "last_polled_at": now,
        "last_success_at": now,
        "next_poll_at": next_poll,
        "etag": etag,
        "last_modified": modified,
        "identity": identity if parsed and parsed.entries else feed.identity,
        "title": feed.title or (parsed.title if parsed else None),
    }
