"""Roundups: due at the right UTC instant (DST included), best stories first, nothing when empty."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from bot.adapters.console_sender import ConsoleSender
from bot.outbox import Outbox
from bot.roundups import best_stories, run_due_roundups
from bot.schedules import parse_schedule
from bot.store import Article, ChannelRef, Store
from tests.bot.delivery_helpers import RecordingSender, china_text, starter_topics, store_story
from tests.bot.delivery_helpers import worker as make_worker

pytestmark = pytest.mark.both_databases  # run on SQLite and PostgreSQL (conftest)

CHANNEL = ChannelRef("console", "", "console")
# Europe/Berlin leaves CET (UTC+1) for CEST (UTC+2) at 01:00 UTC on Sunday 29 March 2026.
FRIDAY = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)


@pytest.fixture
def outbox(store: Store) -> Outbox:
    """An outbox over the test store with the starter topics."""
    return Outbox(store, starter_topics())


async def _berlin_world(store: Store) -> None:
    await store.subscribe(
        CHANNEL, "world", FRIDAY, schedule=parse_schedule("daily 08:00 Europe/Berlin")
    )


async def test_berlin_0800_roundup_fires_once_at_the_right_utc_instant_across_dst(
    store: Store, outbox: Outbox
) -> None:
    """08:00 Berlin is 07:00 UTC on Saturday (CET) and 06:00 UTC on Sunday (CEST), once each."""
    await _berlin_world(store)
    fired: list[datetime] = []
    title, text = china_text(1)
    await store_story(store, outbox, FRIDAY + timedelta(hours=1), slug="s1", title=title, text=text)
    title, text = china_text(2)
    await store_story(store, outbox, FRIDAY + timedelta(days=1), slug="s2", title=title, text=text)
    now = FRIDAY
    # Step the injected clock through two days in 15-minute steps: no sleeping, every run checked.
    for _ in range(2 * 24 * 4):
        now += timedelta(minutes=15)
        if await run_due_roundups(store, now):
            fired.append(now)
    assert fired == [
        datetime(2026, 3, 28, 7, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 6, 0, tzinfo=UTC),
    ]
    rows = [r for r in await outbox.deliveries() if r.kind == "roundup"]
    assert [(r.payload or {})["articles"] for r in rows] == [["s1"], ["s2"]]
    [sub] = await store.subscriptions()
    assert sub.next_run_at == datetime(2026, 3, 30, 6, 0, tzinfo=UTC)


async def test_roundup_runs_once_however_often_it_is_checked(store: Store, outbox: Outbox) -> None:
    """Checking again at the same instant (or a restart) does not create a second roundup."""
    await _berlin_world(store)
    title, text = china_text(3)
    await store_story(
        store, outbox, FRIDAY + timedelta(minutes=1), slug="s3", title=title, text=text
    )
    due = datetime(2026, 3, 28, 7, 0, tzinfo=UTC)
    first = await run_due_roundups(store, due)
    again = await run_due_roundups(store, due)
    assert len(first) == 1 and first[0].delivery_id is not None and again == []


async def test_empty_period_posts_nothing(store: Store, outbox: Outbox) -> None:
    """A due roundup with no stories creates no delivery, prints nothing, and moves on."""
    await _berlin_world(store)
    due = datetime(2026, 3, 28, 7, 0, tzinfo=UTC)
    [result] = await run_due_roundups(store, due)
    assert result.delivery_id is None and result.stories == 0
    assert result.next_run_at == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)
    stream = io.StringIO()
    summary = await make_worker(store, outbox, console=ConsoleSender(stream)).run_once(due)
    assert summary.sent == 0 and stream.getvalue() == "" and await outbox.deliveries() == []


async def test_roundup_orders_by_sources_then_recency_and_caps_the_count(
    store: Store, outbox: Outbox
) -> None:
    """The story three sources carried comes first, then newest first; at most max_items."""
    await store.subscribe(CHANNEL, "world", FRIDAY, schedule=parse_schedule("daily 08:00 UTC"))
    for n, (hours, reports) in enumerate([(1, 1), (2, 3), (3, 1), (4, 1)]):
        title, text = china_text(10 + n)
        await store_story(
            store, outbox, FRIDAY + timedelta(hours=hours), slug=f"r{n}", title=title, text=text,
            reports=reports,
        )  # fmt: skip
    [result] = await run_due_roundups(store, datetime(2026, 3, 28, 8, 0, tzinfo=UTC), max_items=3)
    [row] = [r for r in await outbox.deliveries() if r.kind == "roundup"]
    assert result.stories == 3
    assert (row.payload or {})["articles"] == ["r1", "r3", "r2"]


async def test_roundup_delivery_posts_heading_and_stories(store: Store, outbox: Outbox) -> None:
    """The worker renders a roundup delivery with its heading and stories, best first."""
    await store.subscribe(CHANNEL, "world", FRIDAY, schedule=parse_schedule("daily 08:00 UTC"))
    title, text = china_text(20)
    await store_story(
        store, outbox, FRIDAY + timedelta(minutes=1), slug="w1", title=title, text=text
    )
    due = datetime(2026, 3, 28, 8, 0, tzinfo=UTC)
    await run_due_roundups(store, due)
    sender = RecordingSender()
    summary = await make_worker(store, outbox, console=sender).run_once(due)
    [(where, payload, _key)] = sender.sent
    assert summary.sent == 1 and where == CHANNEL
    assert payload["text"].startswith("world roundup (daily 08:00 UTC)")
    assert payload["titles"] == [title]


async def test_a_busy_period_is_ranked_without_one_parameter_per_story(store: Store) -> None:
    """36,000 world stories in a day: the best come back, loaded in full, the rest never loaded.

    The queries' parameters do not grow with the period (PostgreSQL refuses over 32,767).
    """
    rows = [
        {
            "id": f"s{n}",
            "url": f"https://news.example/s{n}",
            "title": f"Story {n}",
            "text": "words " * 50,
            "created_at": FRIDAY + timedelta(seconds=n),
            "published": FRIDAY + timedelta(seconds=n),
            "topics": [{"topic": "science" if n % 10 == 9 else "world", "score": 3.0, "why": []}],
        }
        for n in range(40_000)
    ]
    async with store.transaction() as tx:
        await tx.session.execute(insert(Article), rows)
    async with store.transaction() as tx:
        best = await best_stories(tx, "world", FRIDAY, FRIDAY + timedelta(days=1), 3)
    assert [a.id for a in best] == ["s39998", "s39997", "s39996"]  # s39999 is science
    assert all(a.text.startswith("words") for a in best)
