"""The delivery worker's own rules: pacing, order, resuming a half-posted roundup, failing loudly."""

from __future__ import annotations

import itertools
import time
from datetime import timedelta

import pytest

from bot.errors import PublishError
from bot.outbox import Outbox
from bot.roundups import run_due_roundups
from bot.schedules import parse_schedule
from bot.store import ChannelRef, Store
from tests.bot.delivery_helpers import T0, RecordingSender, china_text, starter_topics, store_story
from tests.bot.delivery_helpers import worker as make_worker

pytestmark = pytest.mark.both_databases  # run on SQLite and PostgreSQL (conftest)

CHANNEL = ChannelRef("console", "", "console")


@pytest.fixture
def outbox(store: Store) -> Outbox:
    """An outbox over the test store with the starter topics."""
    return Outbox(store, starter_topics())


async def _owe(store: Store, outbox: Outbox, count: int) -> None:
    await store.subscribe(CHANNEL, "all", T0)
    for seed in range(count):
        title, text = china_text(seed)
        await store_story(store, outbox, T0, slug=f"p{seed}", title=title, text=text)


async def test_messages_to_one_channel_are_paced(store: Store, outbox: Outbox) -> None:
    """Three stories for one channel go out in order, at least channel_interval apart."""
    await _owe(store, outbox, 3)
    stamps: list[float] = []
    sender = RecordingSender(channel_interval=0.15)
    original = sender.send

    async def timed(where, payload, *, key):
        stamps.append(time.monotonic())
        return await original(where, payload, key=key)

    sender.send = timed  # type: ignore[method-assign]
    summary = await make_worker(store, outbox, console=sender).run_once(T0)
    assert summary.sent == 3
    assert [k for _, _, k in sender.sent] == sorted(k for _, _, k in sender.sent)
    assert all(b - a >= 0.14 for a, b in itertools.pairwise(stamps))


async def test_retry_keeps_later_items_of_the_channel_waiting(store: Store, outbox: Outbox) -> None:
    """A transient failure stops the channel's queue for this round, so order is kept."""
    await _owe(store, outbox, 2)
    sender = RecordingSender(errors=[PublishError("HTTP 502")])
    summary = await make_worker(store, outbox, console=sender).run_once(T0)
    assert (summary.sent, summary.retrying) == (0, 1) and sender.sent == []
    rows = await outbox.deliveries()
    assert [r.status for r in rows] == ["pending", "pending"] and rows[0].last_error == "HTTP 502"


async def test_message_refused_fails_that_delivery_only_with_reason(
    store: Store, outbox: Outbox
) -> None:
    """A message the platform refuses is marked failed with why; the channel stays subscribed."""
    await _owe(store, outbox, 2)
    sender = RecordingSender(errors=[PublishError("invalid_blocks", kind="message")])
    await make_worker(store, outbox, console=sender).run_once(T0)
    rows = await outbox.deliveries()
    assert [(r.status, r.last_error) for r in rows] == [
        ("failed", "invalid_blocks"),
        ("sent", None),
    ]
    [sub] = await store.subscriptions()
    assert sub.paused_reason is None


async def test_half_posted_roundup_resumes_at_the_next_message(
    store: Store, outbox: Outbox
) -> None:
    """A roundup split in two messages that failed after the first posts only the second on retry."""
    await store.subscribe(CHANNEL, "world", T0, schedule=parse_schedule("daily 08:00"))
    for seed in range(2):
        title, text = china_text(seed)
        await store_story(
            store, outbox, T0 + timedelta(minutes=1), slug=f"h{seed}", title=title, text=text
        )
    due = T0 + timedelta(days=1)
    await run_due_roundups(store, due)

    class TwoParts(RecordingSender):
        def render_roundup(self, heading, digests, *, pings=()):
            return [{"text": f"{heading} 1/2"}, {"text": f"{heading} 2/2"}]

    sender = TwoParts()
    worker = make_worker(store, outbox, console=sender)
    sender.errors = []
    original = sender.send
    calls = 0

    async def second_fails(where, payload, *, key):
        nonlocal calls
        calls += 1
        if calls == 2:
            raise PublishError("timeout")
        return await original(where, payload, key=key)

    sender.send = second_fails  # type: ignore[method-assign]
    await worker.run_once(due)
    [row] = await outbox.deliveries()
    assert row.status == "pending" and row.parts_sent == 1
    await worker.run_once(row.next_attempt_at)
    [row] = await outbox.deliveries()
    assert row.status == "sent" and [p["text"][-3:] for _, p, _ in sender.sent] == ["1/2", "2/2"]
    assert [k for _, _, k in sender.sent] == [f"nb{row.id}.0", f"nb{row.id}.1"]


async def test_unexpected_error_fails_the_row_with_reason_and_the_rest_proceed(
    store: Store, outbox: Outbox
) -> None:
    """A bug while sending one delivery marks it failed with the error; the next one still goes."""
    await _owe(store, outbox, 2)
    sender = RecordingSender(errors=[KeyError("embeds")])
    summary = await make_worker(store, outbox, console=sender).run_once(T0)
    rows = await outbox.deliveries()
    assert (summary.sent, summary.failed) == (1, 1)
    assert rows[0].status == "failed" and "KeyError" in (rows[0].last_error or "")
