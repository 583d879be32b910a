"""Group commit of polls that store no story: all-or-nothing per feed, shared transactions."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from bot.errors import StoreError
from bot.poll_writes import PollWriter
from bot.store import PollRecord, Store

T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
LATER = T0 + timedelta(minutes=10)


async def _feeds(store: Store, n: int) -> list[int]:
    ids = []
    for i in range(n):
        feed, _ = await store.add_feed(f"https://example.org/{i}", T0)
        ids.append(feed.id)
    return ids


def _record(feed_id: int, *keys: str) -> PollRecord:
    state = {"next_poll_at": LATER, "last_success_at": T0, "etag": f'"{feed_id}"'}
    return PollRecord(feed_id, state, keys, T0)


async def _seen(store: Store, feed_id: int, *keys: str) -> set[str]:
    return await store.seen_keys(feed_id, keys)


async def test_concurrent_polls_share_transactions_and_all_commit(store: Store) -> None:
    """Twenty polls written at once take fewer commits than polls, and every one is stored."""
    ids = await _feeds(store, 20)
    commits = 0

    def count(_conn: object) -> None:
        nonlocal commits
        commits += 1

    event.listen(store._engine.sync_engine, "commit", count)
    writer = PollWriter(store)
    await asyncio.gather(*(writer.write(_record(i, f"g:{i}", "t:x")) for i in ids))
    assert commits < len(ids)
    for feed in await store.feeds():
        assert feed.next_poll_at == LATER and feed.etag == f'"{feed.id}"'
        assert await _seen(store, feed.id, f"g:{feed.id}", "t:x") == {f"g:{feed.id}", "t:x"}


async def test_a_removed_feed_fails_only_its_own_poll(store: Store) -> None:
    """A record whose feed is gone raises for that poll; the batch's other polls still commit."""
    a, b = await _feeds(store, 2)
    await store.remove_feed("https://example.org/1")
    writer = PollWriter(store)
    results = await asyncio.gather(
        writer.write(_record(a, "g:a")), writer.write(_record(b, "g:b")), return_exceptions=True
    )
    assert results[0] is None and isinstance(results[1], StoreError)
    assert await _seen(store, a, "g:a") == {"g:a"}
    assert [f.etag for f in await store.feeds()] == [f'"{a}"']


async def test_keys_recorded_meanwhile_are_skipped_not_an_error(store: Store) -> None:
    """A key another worker recorded between our read and our write is left as it is."""
    [a] = await _feeds(store, 1)
    async with store.transaction() as tx:
        await tx.mark_seen(a, ["g:1"], T0 - timedelta(days=1), "article-1")
    await PollWriter(store).write(_record(a, "g:1", "l:1", "l:1"))
    assert await _seen(store, a, "g:1", "l:1") == {"g:1", "l:1"}


async def test_a_cancelled_poll_writes_nothing_and_others_still_commit(store: Store) -> None:
    """Cancelling a poll waiting for the writer drops its record; the rest are written."""
    a, b = await _feeds(store, 2)
    writer = PollWriter(store)
    async with store.transaction():  # hold the store's write lock so both polls queue up
        first = asyncio.create_task(writer.write(_record(a, "g:a")))
        second = asyncio.create_task(writer.write(_record(b, "g:b")))
        await asyncio.sleep(0.05)
        second.cancel()
    await first
    with pytest.raises(asyncio.CancelledError):
        await second
    await writer.write(_record(a, "g:a2"))  # the next batch must not carry the cancelled record
    assert await _seen(store, a, "g:a", "g:a2") == {"g:a", "g:a2"}
    assert await _seen(store, b, "g:b") == set()
