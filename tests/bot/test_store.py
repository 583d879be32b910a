"""The store: migrations match the models, UTC datetimes, atomic transactions."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect

from bot.errors import StoreError
from bot.settings import Settings
from bot.store import Feed, Store
from bot.store.models import Base

pytestmark = pytest.mark.both_databases  # run on SQLite and PostgreSQL (conftest)

T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


async def test_migrations_create_what_the_models_describe(store: Store) -> None:
    """After `migrate()`, Alembic finds no difference between the database and the models."""

    def diff(conn: Connection) -> list[object]:
        return list(compare_metadata(MigrationContext.configure(conn), Base.metadata))

    async with store._engine.connect() as conn:
        assert await conn.run_sync(diff) == []
        tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert {"feeds", "articles", "seen_entries", "article_reports", "alembic_version"} <= tables


async def test_migrate_twice_is_harmless(store: Store) -> None:
    """Running the migrations on an up-to-date database changes nothing."""
    await store.add_feed("https://example.org/feed", T0)
    await store.migrate()
    assert [f.url for f in await store.feeds()] == ["https://example.org/feed"]


async def test_database_file_and_folder_created(tmp_path: Path) -> None:
    """The SQLite file (and its folder) is created on first run."""
    db = tmp_path / "nested" / "dir" / "newsbot.db"
    store = Store(f"sqlite+aiosqlite:///{db}")
    try:
        await store.migrate()
    finally:
        await store.close()
    assert db.exists()


async def test_datetimes_come_back_utc_aware(store: Store) -> None:
    """A datetime stored in another zone comes back as the same instant, in UTC."""
    plus_two = datetime(2026, 11, 28, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    await store.add_feed("https://example.org/feed", plus_two)
    feed = await store.feed("https://example.org/feed")
    assert feed is not None and feed.next_poll_at == T0 and feed.next_poll_at.tzinfo is UTC


async def test_naive_datetimes_are_refused(store: Store) -> None:
    """Storing a naive datetime is an error, not a silent local-time guess."""
    with pytest.raises((StoreError, ValueError)):
        await store.add_feed("https://example.org/feed", datetime(2026, 11, 28, 12, 0))


async def test_failed_transaction_writes_nothing(store: Store) -> None:
    """An error inside a transaction rolls back everything written in it."""
    with pytest.raises(RuntimeError):
        async with store.transaction() as tx:
            await tx.add(Feed(url="https://x.org/f", origin="cli", backfill=0, next_poll_at=T0,
                              consecutive_failures=0, created_at=T0))  # fmt: skip
            raise RuntimeError("crash")
    assert await store.feeds() == []


async def test_cancelled_transaction_writes_nothing(store: Store) -> None:
    """A transaction cancelled midway (shutdown) rolls back."""
    started = asyncio.Event()

    async def write() -> None:
        async with store.transaction() as tx:
            await tx.add(Feed(url="https://x.org/f", origin="cli", backfill=0, next_poll_at=T0,
                              consecutive_failures=0, created_at=T0))  # fmt: skip
            started.set()
            await asyncio.sleep(30)

    task = asyncio.create_task(write())
    await asyncio.wait_for(started.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await store.feeds() == []


async def test_seen_keys_mark_and_query(store: Store) -> None:
    """mark_seen is idempotent; seen_keys answers which keys are known."""
    feed, _ = await store.add_feed("https://example.org/feed", T0)
    async with store.transaction() as tx:
        await tx.mark_seen(feed.id, ["g:1", "l:1"], T0)
        await tx.mark_seen(feed.id, ["g:1", "t:1"], T0)
    async with store.transaction() as tx:
        assert await tx.seen_keys(feed.id, ["g:1", "t:1", "c:9"]) == {"g:1", "t:1"}


async def test_remove_feed(store: Store) -> None:
    """Removing a feed forgets it and its seen entries; removing an unknown URL says so."""
    feed, _ = await store.add_feed("https://example.org/feed", T0)
    async with store.transaction() as tx:
        await tx.mark_seen(feed.id, ["g:1"], T0)
    assert await store.remove_feed("https://example.org/feed") is True
    assert await store.remove_feed("https://example.org/feed") is False
    assert await store.feeds() == []


async def test_due_feed_goes_to_one_worker(store: Store, settings: Settings) -> None:
    """Two workers on one database claiming at once: each due feed is claimed exactly once."""
    for i in range(5):
        await store.add_feed(f"https://example.org/{i}", T0)
    other = Store(settings.db_url)  # a second worker: its own engine and connections
    try:
        a, b = await asyncio.gather(store.claim_due(T0), other.claim_due(T0))
    finally:
        await other.close()
    assert sorted(f.url for f in a + b) == [f"https://example.org/{i}" for i in range(5)]
    assert await store.claim_due(T0 + timedelta(minutes=5)) == []  # leased
    assert len(await store.claim_due(T0 + timedelta(minutes=11))) == 5  # lease expired
