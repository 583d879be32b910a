"""Roundups: when a roundup subscription is due, owe its channel the period's best stories.

`run_due_roundups(store, now)` is the scheduler's whole job; the clock is passed in, so a test can
step it across a DST change without sleeping.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from bot.config import ALL_TOPICS
from bot.filters import KeywordFilter
from bot.follows import feed_id_of, feed_key, feed_label, feeds_by_id, is_feed_key, tagged_feeds
from bot.pings import Ping
from bot.schedules import Schedule
from bot.store import (
    Article,
    ArticleReport,
    ChannelRef,
    Delivery,
    Store,
    Subscription,
    Transaction,
)


@dataclass(frozen=True, slots=True)
class RoundupResult:
    """What one due roundup subscription produced (`delivery_id` None: an empty period)."""

    subscription_id: int
    topic: str
    stories: int
    delivery_id: int | None
    next_run_at: datetime


async def run_due_roundups(
    store: Store, now: datetime, *, max_items: int = 10
) -> list[RoundupResult]:
    """Every roundup due at `now`: a delivery with its best stories, and the next run scheduled."""
    query = select(Subscription.id).where(
        Subscription.mode == "roundup",
        Subscription.paused_reason.is_(None),
        Subscription.next_run_at <= now,
    )
    async with store.transaction() as tx:
        due = list((await tx.session.scalars(query.order_by(Subscription.next_run_at))).all())
    results = []
    for sub_id in due:
        # One transaction per subscription: the delivery and the advanced schedule go together.
        async with store.transaction() as tx:
            result = await _run_one(tx, sub_id, now, max_items)
        if result is not None:
            results.append(result)
    return results


async def _run_one(
    tx: Transaction, sub_id: int, now: datetime, max_items: int
) -> RoundupResult | None:
    # Locked for this worker; on PostgreSQL another worker running the same roundup skips it
    # (SKIP LOCKED) and, once this commits, sees the advanced next_run_at.
    query = select(Subscription).where(Subscription.id == sub_id).with_for_update(skip_locked=True)
    sub = await tx.session.scalar(query)
    if sub is None or sub.next_run_at is None or sub.next_run_at > now or sub.paused_reason:
        return None  # changed meanwhile (unsubscribed, paused, or run by another worker)
    since = sub.last_run_at or sub.created_at
    due_at = sub.next_run_at
    keyword_filter = KeywordFilter.of(sub.include_terms, sub.exclude_terms)
    keep = keyword_filter.compiled() if keyword_filter else None
    ranked = await best_stories(tx, sub.topic, since, now, max_items, keep=keep, where=sub.where)
    ping = Ping.from_json(sub.ping)
    delivery_id = None
    if ranked:
        delivery = Delivery.owed(
            sub.where,
            item=f"roundup:{sub.id}:{due_at.isoformat()}",
            kind="roundup",
            topic=sub.topic,
            now=now,
            payload={
                "heading": await _heading(tx, sub),
                "articles": [a.id for a in ranked],
                "since": since.isoformat(),
                "until": now.isoformat(),
                **({"pings": [ping.to_json()]} if ping else {}),
            },
        )
        await tx.add(delivery)
        delivery_id = delivery.id
    # A bot that was down over several runs posts one roundup now, not one per missed run.
    sub.last_run_at = now
    sub.next_run_at = _schedule(sub).next_run(now)
    return RoundupResult(sub.id, sub.topic, len(ranked), delivery_id, sub.next_run_at)


async def best_stories(
    tx: Transaction,
    topic: str,
    since: datetime,
    until: datetime,
    limit: int,
    *,
    keep: Callable[[str, str], bool] | None = None,
    where: ChannelRef | None = None,
) -> list[Article]:
    """The period's stories for `topic`, best first: most sources, then newest, then best match.

    `keep(title, text)` is a subscription's keyword filter: rejected stories make room for others.
    `where` is the subscription's channel: the feeds its workspace tagged `topic` count too.
    """
    period = (
        Article.created_at > since,
        Article.created_at <= until,
        Article.duplicate_of.is_(None),
    )
    # Ranked on light columns: a busy period holds thousands of stories with their whole text,
    # and only `limit` of them are loaded in full.
    light = select(Article.id, Article.topics, Article.published, Article.created_at)
    tagged: set[str] = set()
    if where is not None and topic != ALL_TOPICS and not is_feed_key(topic):
        tagged = {feed_key(i) for i in await tagged_feeds(tx, where, topic)}
    ranked: dict[str, tuple[float, datetime]] = {}
    for article_id, topics, published, created_at in await tx.session.execute(light.where(*period)):
        score = _score(topics, topic, tagged)
        if score is not None:
            ranked[article_id] = (score, published or created_at)
    if not ranked:
        return []
    # Counted over the same period by a join, not an IN list of every story's id (databases
    # bound the number of parameters).
    counts_query = (
        select(ArticleReport.article_id, func.count())
        .join(Article, Article.id == ArticleReport.article_id)
        .where(*period)
        .group_by(ArticleReport.article_id)
    )
    sources = {i: n for i, n in (await tx.session.execute(counts_query)).all()}

    def key(article_id: str) -> tuple[int, float, float]:
        score, when = ranked[article_id]
        return (-sources.get(article_id, 1), -when.timestamp(), -score)

    order = sorted(ranked, key=key)
    best = order[:limit] if keep is None else await _kept(tx, order, limit, keep)
    loaded = await tx.session.scalars(select(Article).where(Article.id.in_(best)))
    by_id = {a.id: a for a in loaded.all()}
    return [by_id[i] for i in best]


async def _kept(
    tx: Transaction, order: list[str], limit: int, keep: Callable[[str, str], bool]
) -> list[str]:
    """The first `limit` ids, in order, whose story passes `keep` (title and text read in chunks)."""
    kept: list[str] = []
    step = min(max(limit * 2, 50), 400)  # bounded IN lists
    for start in range(0, len(order), step):
        chunk = order[start : start + step]
        query = select(Article.id, Article.title, Article.text).where(Article.id.in_(chunk))
        words = {i: (title, text) for i, title, text in await tx.session.execute(query)}
        kept.extend(i for i in chunk if i in words and keep(*words[i]))
        if len(kept) >= limit:
            break
    return kept[:limit]


def _score(topics: list[dict[str, Any]] | None, topic: str, tagged: set[str]) -> float | None:
    """How well a story's stored topics match `topic` (None: not at all).

    `tagged` holds the `feed:N` keys of feeds the workspace filed under `topic`: their stories
    match with the lowest score, as the outbox counts them.
    """
    topics = topics or []
    if topic == ALL_TOPICS:
        return float(topics[0]["score"]) if topics else 0.0
    for t in topics:
        if t.get("topic") == topic:
            return float(t.get("score", 0.0))
    return 0.0 if any(t.get("topic") in tagged for t in topics) else None


async def _heading(tx: Transaction, sub: Subscription) -> str:
    schedule = _schedule(sub)
    label = "All topics" if sub.topic == ALL_TOPICS else sub.topic
    # A followed feed's roundup is named by the feed, never by its `feed:N` key.
    feeds = await feeds_by_id(tx, [sub.topic])  # no query for an ordinary topic
    feed_id = feed_id_of(sub.topic)
    if feed_id in feeds:
        label = feed_label(feeds[feed_id])
    return f"{label} roundup ({schedule.describe()})"


def _schedule(sub: Subscription) -> Schedule:
    # A roundup row always has a cron (Store.subscribe sets both); the default only keeps a
    # hand-edited row from stopping the job.
    return sub.schedule or Schedule("0 8 * * *", sub.timezone)
