"""The outbox: topics tagged and deliveries owed in the poll's own transaction, once per channel."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.errors import StoreError
from bot.fetch import Fetcher
from bot.outbox import Outbox
from bot.poll import Poller
from bot.settings import Settings
from bot.store import ChannelRef, Store
from tests.bot.delivery_helpers import T0, china_text, starter_topics, store_story
from tests.servers.feed_server import story_text

pytestmark = pytest.mark.both_databases  # run on SQLite and PostgreSQL (conftest)

NEWS = ChannelRef("discord", "1", "100")
OTHER = ChannelRef("slack", "T1", "C1")


@pytest.fixture
def outbox(store: Store) -> Outbox:
    """An outbox over the test store with the starter topics."""
    return Outbox(store, starter_topics())


async def test_channel_following_two_matching_topics_gets_the_story_once(
    store: Store, outbox: Outbox
) -> None:
    """A story tagged us-china and world owes a channel following both exactly one delivery."""
    await store.subscribe(NEWS, "us-china", T0)
    await store.subscribe(NEWS, "world", T0)
    await store.subscribe(OTHER, "world", T0)
    title, text = china_text(1)
    await store_story(store, outbox, T0, slug="a1", title=title, text=text)
    rows = await outbox.deliveries()
    assert sorted((r.platform, r.item) for r in rows) == [("discord", "a1"), ("slack", "a1")]
    [discord_row] = [r for r in rows if r.platform == "discord"]
    [article] = await store.articles()
    assert discord_row.topic == (article.topics or [])[0]["topic"]  # the best match labels it
    assert outbox.wake.is_set()


async def test_story_is_tagged_with_topics_and_why(store: Store, outbox: Outbox) -> None:
    """The stored article keeps each topic with its score and the evidence, best first."""
    title, text = china_text(2)
    await store_story(store, outbox, T0, slug="a2", title=title, text=text)
    [article] = await store.articles()
    names = [t["topic"] for t in article.topics or []]
    assert {"us-china", "world"} <= set(names)
    scores = [t["score"] for t in article.topics or []]
    assert scores == sorted(scores, reverse=True)
    [china] = [t for t in article.topics or [] if t["topic"] == "us-china"]
    assert "China (title)" in china["why"]
    # The feed's own key (`feed:N`, for channels that follow it) is stored, not shown.
    assert names[-1] == f"feed:{article.feed_id}"
    assert article.digest is not None and article.digest["topics"] == names[:-1]


async def test_feed_topic_tags_every_story_of_the_feed(store: Store, outbox: Outbox) -> None:
    """A feed configured with a topic gives it to a story whose words match nothing."""
    await store.subscribe(NEWS, "science", T0)
    text = " ".join(story_text(3, 4))
    await store_story(
        store, outbox, T0, slug="a3", title="Quiet day", text=text, feed_topic="science"
    )
    [article] = await store.articles()
    assert [t["topic"] for t in article.topics or []] == ["science", f"feed:{article.feed_id}"]
    assert "(feed)" in (article.topics or [])[0]["why"]
    assert [r.item for r in await outbox.deliveries(NEWS)] == ["a3"]


async def test_paused_and_roundup_subscriptions_owe_no_instant_delivery(
    store: Store, outbox: Outbox
) -> None:
    """Only active instant subscriptions get a story as it arrives."""
    from bot.schedules import parse_schedule

    await store.subscribe(NEWS, "world", T0)
    await store.pause_channel(NEWS, "Missing Access")
    await store.subscribe(OTHER, "world", T0, schedule=parse_schedule("daily 08:00"))
    title, text = china_text(4)
    await store_story(store, outbox, T0, slug="a4", title=title, text=text)
    assert await outbox.deliveries() == []


async def test_deliveries_roll_back_with_the_poll_transaction(
    store: Store, fetcher: Fetcher, settings: Settings, tmp_path: Path
) -> None:
    """If the poll's transaction fails after the hook ran, neither story nor delivery is kept."""
    outbox = Outbox(store, starter_topics())
    await store.subscribe(NEWS, "all", T0)

    async def hook_then_fail(tx, feed, stories, now):
        await outbox.on_stored(tx, feed, stories, now)
        raise StoreError("disk full")

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "one.txt").write_text("Harbour story\n\n" + "\n\n".join(story_text(7)) + "\n")
    await store.add_feed(folder.as_uri(), T0, backfill=10)
    poller = Poller(store, fetcher, settings, on_stored=hook_then_fail, rng=random.Random(1))
    report = await poller.poll_all(T0)
    assert report.outcomes[0].error == "disk full"
    assert await store.articles() == [] and await outbox.deliveries() == []
    poller = Poller(store, fetcher, settings, on_stored=outbox.on_stored, rng=random.Random(1))
    await poller.poll_all(T0)
    assert [r.kind for r in await outbox.deliveries()] == ["story"]
