"""The outbox: each new story is tagged with its topics and owed to the channels that follow them.

`Outbox.on_stored` runs inside the poll's per-feed transaction (the poller's `on_stored` hook), so a
story and its deliveries commit together: a crash can lose neither one without the other.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.config import ALL_TOPICS
from bot.filters import FilterSet, KeywordFilter
from bot.follows import feed_key, feed_tags, is_feed_key
from bot.pings import Ping, unique
from bot.poll import Story
from bot.store import Article, ChannelRef, Delivery, Feed, Store, Subscription, Transaction
from digests import Digest
from digests.topics import Evidence, TopicMatch, TopicSet


class Outbox:
    """Creates delivery rows for instant subscriptions, and reads due ones back for the worker."""

    def __init__(self, store: Store, topics: TopicSet) -> None:
        self.store = store
        self.topics = topics
        # Set whenever deliveries are created, so the worker can start on them at once.
        self.wake = asyncio.Event()
        # The last compiled filters: compiling is ~0.17 ms per filter (34 ms for 200), and they
        # rarely change between two polls that store stories.
        self._filters: tuple[frozenset[tuple[int, KeywordFilter]], FilterSet] | None = None

    def tag(self, title: str, text: str, feed: Feed | None) -> list[TopicMatch]:
        """The story's topics, best first; a feed's own (operator's) `topic` counts as a match too.

        A story from feed N also matches `feed:N` (last), which is what channels that follow the
        feed (`/news follow`) subscribe to, instant or roundup.
        """
        matches = self.topics.match(title, text, feed=feed.url if feed else None)
        if feed is not None and feed.topic and all(m.topic != feed.topic for m in matches):
            why = (Evidence(feed.url, "feed", 1),)
            matches.append(TopicMatch(feed.topic, self.topics.min_score, why))
            matches.sort(key=lambda m: -m.score)
        if feed is not None and feed.id is not None:
            why = (Evidence(feed.url, "feed", 1),)
            matches.append(TopicMatch(feed_key(feed.id), 0.0, why))
        return matches

    async def on_stored(
        self, tx: Transaction, feed: Feed, stories: Sequence[Story], now: datetime
    ) -> None:
        """Tag each new story and add one delivery per (story, channel) for instant subscriptions.

        A workspace's own tag of the feed (`/news follow <url> <topic>`) counts for that
        workspace's subscriptions only; it is not stored with the story.
        """
        tags = await feed_tags(tx, feed.id) if feed.id is not None else {}
        tagged: list[tuple[Article, list[str]]] = []
        for story in stories:
            article = await tx.session.get(Article, story.article_id)
            if article is None:
                continue
            matches = self.tag(article.title, article.text, feed)
            article.topics = [topic_json(m) for m in matches]
            if article.digest is not None:
                shown = [m.topic for m in matches if not is_feed_key(m.topic)]
                article.digest = {**article.digest, "topics": shown}
            tagged.append((article, [m.topic for m in matches]))
        # Only the subscriptions these stories can reach are read: a busy bot has thousands.
        wanted = {t for _, topics in tagged for t in topics} | set(tags.values()) | {ALL_TOPICS}
        query = select(Subscription).where(
            Subscription.mode == "instant",
            Subscription.paused_reason.is_(None),
            Subscription.topic.in_(sorted(wanted)),
        )
        subs = list((await tx.session.scalars(query.order_by(Subscription.id))).all())
        filters = self._filter_set(subs)
        created = 0
        for article, topics in tagged:
            # A story a subscription's filter rejects is simply not owed there (no row at all).
            skip = filters.rejected(article.title, article.text)
            kept = [s for s in subs if s.id not in skip]
            created += await _owe(tx, kept, article.id, topics, now, tags)
        await tx.session.flush()
        if created:
            self.wake.set()

    def _filter_set(self, subs: Sequence[Subscription]) -> FilterSet:
        """These subscriptions' filters compiled, reusing the last compilation when unchanged."""
        filters = _filters(subs)
        key = frozenset(filters.items())
        if self._filters is None or self._filters[0] != key:
            self._filters = (key, FilterSet(filters))
        return self._filters[1]

    async def due(
        self,
        now: datetime,
        platforms: Sequence[str],
        *,
        where: ChannelRef | None = None,
        limit: int = 200,
    ) -> list[Delivery]:
        """Pending deliveries for these platforms (or one channel) due at `now`, oldest first."""
        query = (
            select(Delivery)
            .where(
                Delivery.status == "pending",
                Delivery.next_attempt_at <= now,
                Delivery.platform.in_(list(platforms)),
            )
            .order_by(Delivery.id)
            .limit(limit)
        )
        if where is not None:
            query = query.where(*_channel_is(where))
        async with self.store.transaction() as tx:
            return list((await tx.session.scalars(query)).all())

    async def next_due_at(self) -> datetime | None:
        """When the earliest pending delivery is due, if any."""
        query = (
            select(Delivery.next_attempt_at)
            .where(Delivery.status == "pending")
            .order_by(Delivery.next_attempt_at)
            .limit(1)
        )
        async with self.store.transaction() as tx:
            return await tx.session.scalar(query)

    async def deliveries(self, where: ChannelRef | None = None) -> list[Delivery]:
        """Every delivery (or one channel's), oldest first."""
        query = select(Delivery).order_by(Delivery.id)
        if where is not None:
            query = query.where(*_channel_is(where))
        async with self.store.transaction() as tx:
            return list((await tx.session.scalars(query)).all())

    async def articles(self, ids: Sequence[str]) -> list[Article]:
        """These stored articles, in the order given (missing ones left out)."""
        async with self.store.transaction() as tx:
            found = {a.id: a for a in await _articles(tx, ids)}
        return [found[i] for i in ids if i in found]


def _channel_is(where: ChannelRef) -> tuple[Any, ...]:
    return (
        Delivery.platform == where.platform,
        Delivery.workspace == where.workspace,
        Delivery.channel == where.channel,
    )


async def _articles(tx: Transaction, ids: Sequence[str]) -> Sequence[Article]:
    return (await tx.session.scalars(select(Article).where(Article.id.in_(list(ids))))).all()


async def _owe(
    tx: Transaction,
    subs: Sequence[Subscription],
    article_id: str,
    story_topics: list[str],
    now: datetime,
    tags: Mapping[tuple[str, str], str] | None = None,
) -> int:
    """Add the story's deliveries: one per channel, whichever of its topics the channel follows.

    `tags` are workspaces' own topics for the story's feed, by (platform, workspace).
    """
    already = {
        (d.platform, d.workspace, d.channel)
        for d in (
            await tx.session.scalars(select(Delivery).where(Delivery.item == article_id))
        ).all()
    }
    owed: dict[tuple[str, str, str], str] = {}
    pings: dict[tuple[str, str, str], list[Ping | None]] = {}
    for sub in subs:
        key = (sub.platform, sub.workspace, sub.channel)
        topics = _with_tag(story_topics, (tags or {}).get((sub.platform, sub.workspace)))
        if sub.topic == ALL_TOPICS:
            topic = topics[0] if topics else ALL_TOPICS
        elif sub.topic in topics:
            topic = sub.topic
        else:
            continue
        # Every subscription that brings the story here adds its ping to the one message.
        pings.setdefault(key, []).append(Ping.from_json(sub.ping))
        # The best-matching topic labels the message when several qualify.
        if key not in already and (
            key not in owed or _rank(topic, topics) < _rank(owed[key], topics)
        ):
            owed[key] = topic
    for (platform, workspace, channel), topic in sorted(owed.items()):
        pinged = unique(pings[platform, workspace, channel])
        tx.session.add(
            Delivery.owed(
                ChannelRef(platform, workspace, channel),
                item=article_id,
                kind="story",
                topic=topic,
                now=now,
                article_id=article_id,
                payload={"pings": [p.to_json() for p in pinged]} if pinged else None,
            )
        )
    return len(owed)


def _with_tag(topics: list[str], tag: str | None) -> list[str]:
    """The story's topics in one workspace: its own tag of the feed after the matched topics."""
    if tag is None or tag in topics:
        return topics
    at = next((i for i, t in enumerate(topics) if is_feed_key(t)), len(topics))
    return [*topics[:at], tag, *topics[at:]]


def _filters(subs: Sequence[Subscription]) -> dict[int, KeywordFilter]:
    found = {s.id: KeywordFilter.of(s.include_terms, s.exclude_terms) for s in subs}
    return {key: f for key, f in found.items() if f}


def _rank(topic: str, topics: list[str]) -> int:
    return topics.index(topic) if topic in topics else len(topics)


def topic_json(match: TopicMatch) -> dict[str, Any]:
    """A topic match as stored on the article: name, score and why it matched."""
    return {"topic": match.topic, "score": match.score, "why": match.explain()}


def digest_of(article: Article) -> Digest:
    """The stored digest of an article (or a bare title + link when it has none)."""
    topics = tuple(t["topic"] for t in article.topics or () if not is_feed_key(t["topic"]))
    if article.digest is None:
        return Digest(title=article.title, url=article.url, topics=topics)
    stored = Digest.from_json(article.digest)
    return replace(
        stored,
        title=stored.title or article.title,
        url=stored.url or article.url,
        published=stored.published or article.published,
        topics=stored.topics or topics,
    )


def backoff(
    attempts: int, *, base: float = 10.0, cap: float = 900.0, jitter: float = 0.0
) -> timedelta:
    """Delay before retry number `attempts`: base × 2ⁿ⁻¹ capped, scaled by 1 ± jitter."""
    delay = min(cap, base * 2 ** min(max(attempts - 1, 0), 20))
    return timedelta(seconds=delay * (1 + jitter))
