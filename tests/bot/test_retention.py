"""Text retention: old articles lose their full text, never their digest, URL or reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

import bot.retention
from bot.outbox import Outbox, digest_of
from bot.retention import TextRetention
from bot.store import Article, Store
from tests.bot.delivery_helpers import china_text, starter_topics, store_story

pytestmark = pytest.mark.both_databases  # run on SQLite and PostgreSQL (conftest)

T0 = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)


@pytest.fixture
def outbox(store: Store) -> Outbox:
    """An outbox over the test store with the starter topics."""
    return Outbox(store, starter_topics())


async def _stories(store: Store, outbox: Outbox, ages_in_days: list[int], first: int = 0) -> None:
    for n, age in enumerate(ages_in_days, start=first):
        title, text = china_text(n)
        await store_story(
            store, outbox, T0 - timedelta(days=age), slug=f"s{n}", title=title, text=text
        )


async def _texts(store: Store) -> dict[str, str]:
    async with store.transaction() as tx:
        rows = (await tx.session.execute(select(Article.id, Article.text))).all()
    return {i: t for i, t in rows}


async def test_old_texts_are_emptied_and_digests_kept(store: Store, outbox: Outbox) -> None:
    """Stories over 30 days old lose their text; their digests render as before."""
    await _stories(store, outbox, [40, 31, 29, 1])
    async with store.transaction() as tx:
        before = {a.id: digest_of(a) for a in (await tx.session.scalars(select(Article))).all()}
    assert await store.forget_texts(T0 - timedelta(days=30)) == 2
    texts = await _texts(store)
    assert texts["s0"] == texts["s1"] == "" and texts["s2"] and texts["s3"]
    async with store.transaction() as tx:
        after = {a.id: digest_of(a) for a in (await tx.session.scalars(select(Article))).all()}
    assert after == before
    assert await store.forget_texts(T0 - timedelta(days=30)) == 0  # nothing left to do


async def test_a_large_backlog_is_emptied_in_batches(
    store: Store, outbox: Outbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full batch brings the job back at the next tick; then it waits an hour."""
    monkeypatch.setattr(bot.retention, "BATCH", 2)
    await _stories(store, outbox, [40, 40, 40, 1])
    job = TextRetention(store, days=30)
    assert await job(T0) == 2
    assert await job(T0 + timedelta(seconds=60)) == 1  # the rest of the backlog
    await _stories(store, outbox, [40], first=4)  # another old one: left until the hour is up
    assert await job(T0 + timedelta(minutes=30)) == 0
    assert await job(T0 + timedelta(minutes=62)) == 1
    assert [i for i, t in (await _texts(store)).items() if t] == ["s3"]


async def test_zero_days_keeps_every_text(store: Store, outbox: Outbox) -> None:
    """NEWSBOT_TEXT_RETENTION_DAYS=0: the job never empties anything."""
    await _stories(store, outbox, [400])
    assert await TextRetention(store, days=0)(T0) == 0
    assert all((await _texts(store)).values())
