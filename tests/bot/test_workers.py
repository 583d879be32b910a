"""Several workers on one PostgreSQL database: channels, roundups and pacing shared, nothing twice.

PostgreSQL only: that is the multi-worker setup (SQLite has one writer; one process uses it).
"""

from __future__ import annotations

import asyncio
import collections
import gc
import itertools
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import open_app
from bot.config import Config, ConfigFile, FeedSpec, SubscriptionSpec
from bot.deliver import DeliveryWorker
from bot.outbox import Outbox
from bot.roundups import run_due_roundups
from bot.schedules import parse_schedule
from bot.settings import Settings
from bot.store import ChannelClaims, ChannelRef, Store
from tests.bot.delivery_helpers import T0, RecordingSender, china_text, starter_topics, store_story

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)

NEWS = ChannelRef("console", "", "news")
SPORT = ChannelRef("console", "", "sport")


@pytest.fixture
async def other(settings: Settings) -> AsyncIterator[Store]:
    """A second worker's store: its own engine and connections on the same database."""
    st = Store(settings.db_url)
    try:
        yield st
    finally:
        await st.close()


async def _owe(store: Store, outbox: Outbox, count: int) -> None:
    await store.subscribe(NEWS, "all", T0)
    await store.subscribe(SPORT, "all", T0)
    for seed in range(count):
        title, text = china_text(seed)
        await store_story(store, outbox, T0, slug=f"w{seed}", title=title, text=text)


def _timed(sender: RecordingSender, stamps: list[tuple[ChannelRef, float]]) -> None:
    original = sender.send

    async def send(where, payload, *, key):
        stamps.append((where, time.monotonic()))
        return await original(where, payload, key=key)

    sender.send = send  # type: ignore[method-assign]


async def test_two_workers_send_each_delivery_once_and_keep_channel_spacing(
    store: Store, other: Store
) -> None:
    """Two workers on one outbox at once: every (story, channel) posted once, 0.1 s apart per channel."""
    outbox = Outbox(store, starter_topics())
    await _owe(store, outbox, 4)
    stamps: list[tuple[ChannelRef, float]] = []
    senders = [RecordingSender(channel_interval=0.1), RecordingSender(channel_interval=0.1)]
    for sender in senders:
        _timed(sender, stamps)
    workers = [
        DeliveryWorker(store, outbox, {"console": senders[0]}),
        DeliveryWorker(other, Outbox(other, starter_topics()), {"console": senders[1]}),
    ]
    # Interleaved passes, as two processes would run them, until the outbox is empty.
    for _ in range(5):
        await asyncio.gather(*(w.run_once(T0) for w in workers))
    sent = collections.Counter(
        (where.channel, payload["text"]) for s in senders for where, payload, _key in s.sent
    )
    assert len(sent) == 8 and set(sent.values()) == {1}  # every (channel, story), none twice
    assert all(r.status == "sent" for r in await outbox.deliveries())
    for where in (NEWS, SPORT):
        times = sorted(t for w, t in stamps if w == where)
        assert all(b - a >= 0.095 for a, b in itertools.pairwise(times)), where


async def test_a_held_channel_waits_for_its_worker_and_a_dead_ones_lease_runs_out(
    store: Store, other: Store
) -> None:
    """A channel another worker holds is skipped; once its lease expires it is taken over."""
    dead = ChannelClaims(store, lease=timedelta(seconds=0.3), worker="dead")
    live = ChannelClaims(other, lease=timedelta(seconds=0.3), worker="live")
    assert await dead.claim(NEWS)
    assert not await live.claim(NEWS)
    assert await live.claim(SPORT)  # other channels are free
    await asyncio.sleep(0.35)
    assert await live.claim(NEWS)
    assert not await dead.wait_turn(NEWS, 0.0, 0.0)  # the old holder notices and stops


async def test_platform_rate_holds_across_workers(store: Store, other: Store) -> None:
    """Two workers sending to different channels still space messages by the platform interval."""
    a = ChannelClaims(store, worker="a")
    b = ChannelClaims(other, worker="b")
    assert await a.claim(NEWS) and await b.claim(SPORT)
    stamps: list[float] = []

    async def sends(claims: ChannelClaims, where: ChannelRef) -> None:
        for _ in range(3):
            assert await claims.wait_turn(where, 0.0, 0.08)
            stamps.append(time.monotonic())

    # A full garbage collection of the test process (0.2-0.3 s late in the suite) would make a
    # wake-up that late; which test it lands in shifts with any change to what runs before.
    gc.collect()
    gc.disable()
    try:
        await asyncio.gather(sends(a, NEWS), sends(b, SPORT))
    finally:
        gc.enable()
    stamps.sort()
    # Slots are booked 0.08 s apart; a wake-up can run late under load (the next one then comes
    # sooner after it, never before its own slot), so the whole run is checked, and no pair may
    # come together as they would without the shared booking.
    assert stamps[-1] - stamps[0] >= 5 * 0.08 - 0.01
    assert all(y - x >= 0.03 for x, y in itertools.pairwise(stamps))


async def test_due_roundup_is_made_once_by_two_workers(store: Store, other: Store) -> None:
    """Two workers running the roundup job at the same instant make one roundup delivery."""
    outbox = Outbox(store, starter_topics())
    await store.subscribe(NEWS, "world", T0, schedule=parse_schedule("daily 08:00 UTC"))
    title, text = china_text(1)
    await store_story(store, outbox, T0 + timedelta(minutes=1), slug="r1", title=title, text=text)
    due = T0 + timedelta(days=1)
    first, second = await asyncio.gather(run_due_roundups(store, due), run_due_roundups(other, due))
    made = [r for r in first + second if r.delivery_id is not None]
    assert len(made) == 1
    assert [d.kind for d in await outbox.deliveries()] == ["roundup"]


async def test_workers_starting_together_migrate_and_seed_once(
    settings: Settings, tmp_path: Path
) -> None:
    """Three workers opening a fresh database at once: no error, one copy of each config row."""
    folder = tmp_path / "articles"
    folder.mkdir()
    config = Config(
        ConfigFile(
            feeds=[FeedSpec(path=str(folder))],
            subscriptions=[SubscriptionSpec(platform="console", channel="console", topic="all")],
        ),
        None,
    )

    async def start() -> tuple[int, int]:
        async with open_app(settings, config, T0) as app:
            return len(await app.store.feeds()), len(await app.store.subscriptions())

    assert list(await asyncio.gather(start(), start(), start())) == [(1, 1)] * 3
