"""Subscriptions in the store: upsert, per-channel listing, unsubscribe, pausing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.schedules import parse_schedule
from bot.store import ChannelRef, Store

pytestmark = pytest.mark.both_databases  # run on SQLite and PostgreSQL (conftest)

T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
NEWS = ChannelRef("discord", "1", "10")
OTHER = ChannelRef("slack", "T1", "C9")


async def test_subscribe_instant_then_roundup(store: Store) -> None:
    """Subscribing again changes the mode and schedule of the one subscription."""
    sub, created = await store.subscribe(NEWS, "science", T0)
    assert created and sub.mode == "instant" and sub.next_run_at is None
    sub, created = await store.subscribe(
        NEWS, "science", T0, schedule=parse_schedule("daily 08:00 Europe/Berlin")
    )
    assert not created and sub.mode == "roundup"
    assert sub.cron == "0 8 * * *" and sub.timezone == "Europe/Berlin"
    assert sub.next_run_at == datetime(2026, 11, 29, 7, 0, tzinfo=UTC)
    assert len(await store.subscriptions()) == 1


async def test_listing_is_per_channel(store: Store) -> None:
    """A channel sees only its own subscriptions, sorted by topic."""
    await store.subscribe(NEWS, "world", T0)
    await store.subscribe(NEWS, "climate", T0)
    await store.subscribe(OTHER, "world", T0)
    assert [s.topic for s in await store.subscriptions(NEWS)] == ["climate", "world"]
    assert [s.where for s in await store.subscriptions(OTHER)] == [OTHER]


async def test_unsubscribe(store: Store) -> None:
    """Unsubscribe removes the row; a second time reports there was none."""
    await store.subscribe(NEWS, "world", T0)
    assert await store.unsubscribe(NEWS, "world")
    assert not await store.unsubscribe(NEWS, "world")
    assert await store.subscriptions(NEWS) == []


async def test_pause_and_resubscribe_lifts_it(store: Store) -> None:
    """Pausing a channel keeps the reason on each subscription; subscribing again clears it."""
    await store.subscribe(NEWS, "world", T0)
    await store.subscribe(NEWS, "science", T0)
    assert await store.pause_channel(NEWS, "Missing Access (50001)") == 2
    assert {s.paused_reason for s in await store.subscriptions(NEWS)} == {"Missing Access (50001)"}
    await store.subscribe(NEWS, "world", T0)
    paused = {s.topic: s.paused_reason for s in await store.subscriptions(NEWS)}
    assert paused == {"science": "Missing Access (50001)", "world": None}
