"""Roundups: when a roundup subscription is due, owe its channel the period's best stories.

`run_due_roundups(store, now)` is the scheduler's whole job; the clock is passed in, so a test can
step it across a DST change without sleeping.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from bot.config import ALL_TOPICS
from bot.schedules import Schedule
from bot.store import Article, ArticleReport, Delivery, Store, Subscription, Transaction


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
    sub = await tx.session.get(Subscription, sub_id)
    if sub is None or sub.next_run_at is None or sub.next_run_at > now or sub.paused_reason:
        return None  # changed meanwhile (unsubscribed, paused, or run by another worker)
    since = sub.last_run_at or sub.created_at
    due_at = sub.next_run_at
    ranked = await best_stories(tx, sub.topic, since, now, max_items)
    delivery_id = None
    if ranked:
        delivery = Delivery(
            platform=sub.platform,
            workspace=sub.workspace,
            channel=sub.channel,
            item=f"roundup:{sub.id}:{due_at.isoformat()}",
            kind="roundup",
            topic=sub.topic,
            payload={
                "heading": _heading(sub, now),
                "articles": [a.id for a in ranked],
                "since": since.isoformat(),
                "until": now.isoformat(),
            },
            status="pending",
            attempts=0,
            parts_sent=0,
            next_attempt_at=now,
            created_at=now,
        )
        await tx.add(delivery)
        delivery_id = delivery.id
    # A bot that was down over several runs posts one roundup now, not one per missed run.
    sub.last_run_at = now
    sub.next_run_at = _schedule(sub).next_run(now)
    return RoundupResult(sub.id, sub.topic, len(ranked), delivery_id, sub.next_run_at)


async def best_stories(
    tx: Transaction, topic: str, since: datetime, until: datetime, limit: int
) -> list[Article]:
    """The period's stories for `topic`, best first: most sources, then newest, then best match."""
    query = select(Article).where(
        Article.created_at > since,
        Article.created_at <= until,
        Article.duplicate_of.is_(None),
    )
    articles = [a for a in (await tx.session.scalars(query)).all() if _score(a, topic) is not None]
    if not articles:
        return []
    counts_query = (
        select(ArticleReport.article_id, func.count())
        .where(ArticleReport.article_id.in_([a.id for a in articles]))
        .group_by(ArticleReport.article_id)
    )
    sources = {i: n for i, n in (await tx.session.execute(counts_query)).all()}

    def key(article: Article) -> tuple[int, float, float]:
        when = article.published or article.created_at
        return (-sources.get(article.id, 1), -when.timestamp(), -(_score(article, topic) or 0.0))

    return sorted(articles, key=key)[:limit]


def _score(article: Article, topic: str) -> float | None:
    topics = article.topics or []
    if topic == ALL_TOPICS:
        return float(topics[0]["score"]) if topics else 0.0
    for t in topics:
        if t.get("topic") == topic:
            return float(t.get("score", 0.0))
    return None


def _heading(sub: Subscription, now: datetime) -> str:
    schedule = _schedule(sub)
    label = "All topics" if sub.topic == ALL_TOPICS else sub.topic
    return f"{label} roundup ({schedule.describe()})"


def _schedule(sub: Subscription) -> Schedule:
    # A roundup row always has a cron (Store.subscribe sets both); the default only keeps a
    # hand-edited row from stopping the job.
    return sub.schedule or Schedule("0 8 * * *", sub.timezone)
