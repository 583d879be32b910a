"""Helpers for the delivery tests: a real store, the starter topics, stories stored as a poll does."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.adapters.console_sender import ConsoleSender
from bot.config import Config, ConfigFile, load_topics
from bot.deliver import DeliveryWorker, Payload, Sender
from bot.outbox import Outbox
from bot.poll import Story
from bot.store import Article, ArticleReport, ChannelRef, Feed, Store
from digests import Digest
from digests.topics import TopicSet
from tests.servers.feed_server import story_text

T0 = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)


def starter_topics() -> TopicSet:
    """The shipped starter topics (config/topics.toml)."""
    return TopicSet(load_topics(Config(ConfigFile(), None)))


def china_text(seed: int) -> tuple[str, str]:
    """A story that matches both us-china and world (title and body terms)."""
    title = f"Beijing and Washington trade warnings as China sanctions diplomats ({seed})"
    body = " ".join(story_text(seed, 4))
    return title, f"{title}. China said the United Nations should act. {body}"


async def store_story(
    store: Store,
    outbox: Outbox,
    now: datetime,
    *,
    slug: str,
    title: str,
    text: str,
    feed_url: str = "https://feeds.example/world.xml",
    feed_topic: str | None = None,
    reports: int = 1,
) -> str:
    """Store a story like the poller's store phase, calling the outbox hook in the same transaction."""
    feed_row, _ = await store.add_feed(feed_url, now, topic=feed_topic)
    url = f"https://news.example/{slug}"
    digest = Digest(title=title, url=url, source="Example News", key_points=(text[:200],))
    async with store.transaction() as tx:
        feed = await tx.feed(feed_row.id)
        article = Article(
            id=slug,
            feed_id=feed.id,
            url=url,
            title=title,
            text=text,
            digest=digest.to_json(),
            created_at=now,
            published=now,
        )
        await tx.add(article)
        for n in range(reports):
            await tx.add(
                ArticleReport(article_id=slug, feed_url=f"{feed_url}#{n}", url=url, reported_at=now)
            )
        await outbox.on_stored(tx, feed, [Story(feed.url, url, title, slug, digest)], now)
    return slug


async def feed_of(store: Store, url: str) -> Feed:
    """The feed row with this URL."""
    feed = await store.feed(url)
    assert feed is not None
    return feed


@dataclass
class RecordingSender:
    """A sender that records what it was asked to post (for worker logic tests without a network)."""

    platform: str = "console"
    channel_interval: float = 0.0
    global_interval: float = 0.0
    sent: list[tuple[ChannelRef, Payload, str]] = field(default_factory=list)
    errors: list[Exception] = field(default_factory=list)

    def render_digest(self, digest: Digest, *, pings: Any = ()) -> list[Payload]:
        return [{"text": digest.title, "pings": [p.label for p in pings]}]

    def render_roundup(self, heading: str, digests: Any, *, pings: Any = ()) -> list[Payload]:
        titles = [d.title for d in digests]
        return (
            [{"text": heading, "titles": titles, "pings": [p.label for p in pings]}]
            if digests
            else []
        )

    def render_notice(self, text: str) -> list[Payload]:
        return [{"text": text}]

    async def send(self, where: ChannelRef, payload: Payload, *, key: str) -> str:
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append((where, payload, key))
        return f"m{len(self.sent)}"


def worker(store: Store, outbox: Outbox, **senders: Sender) -> DeliveryWorker:
    """A delivery worker with seeded jitter (console sender unless others are given)."""
    return DeliveryWorker(
        store, outbox, senders or {"console": ConsoleSender()}, rng=random.Random(5)
    )
