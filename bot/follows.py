"""Feeds followed from chat: a channel following feed N is a `Subscription` whose topic is `feed:N`.

That one key is the whole data model: the outbox owes a story from feed N to the `feed:N`
subscribers (instant or roundup) through the same machinery as topics, and the feed row itself
is shared, so a feed followed by many channels is polled once. A workspace's `[topic]` for a feed
is a `FeedTag` row of that workspace alone: its stories count as that topic only for the same
workspace's subscriptions. Everything here is platform-neutral store work; the chat wording is
in `bot.commands.follows`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, delete, func, select

from bot.feeds import canonical_url
from bot.store import (
    ChannelRef,
    Delivery,
    Feed,
    FeedTag,
    SeenEntry,
    Store,
    Subscription,
    Transaction,
)

FEED_PREFIX = "feed:"
COMMAND_ORIGIN = "command"  # Feed.origin of a feed first added by /news follow
UNFOLLOWED = "no channel follows it any more"  # disabled_reason after the last unfollow
# PostgreSQL advisory lock namespaces (the two-key form; its keys never meet the one-key form's).
_WORKSPACE_LOCK = 0x666F6C77  # "folw": one workspace's follows, for its quota
_FEED_LOCK = 0x66656564  # "feed": one feed URL's row


def feed_key(feed_id: int) -> str:
    """The subscription topic of a channel that follows feed `feed_id`."""
    return f"{FEED_PREFIX}{feed_id}"


def feed_id_of(topic: str) -> int | None:
    """The feed id in a `feed:N` subscription topic; None for an ordinary topic."""
    if not topic.startswith(FEED_PREFIX):
        return None
    rest = topic[len(FEED_PREFIX) :]
    return int(rest) if rest.isdigit() else None


def is_feed_key(topic: str) -> bool:
    """Whether a subscription topic names a followed feed rather than a topic."""
    return feed_id_of(topic) is not None


def feed_label(feed: Feed) -> str:
    """How a followed feed is named to people: its title and URL, or the URL alone."""
    return f"{feed.title} ({feed.url})" if feed.title else feed.url


@dataclass(frozen=True, slots=True)
class Followed:
    """The outcome of a follow: the feed row and what changed."""

    feed: Feed | None  # None when refused
    new_feed: bool  # the feed row was created by this follow
    new_subscription: bool  # this channel did not follow it before
    re_enabled: str | None = None  # the reason it had been disabled, if it was
    refused: str | None = None  # a quota refusal; nothing was changed


async def follow(
    store: Store,
    where: ChannelRef,
    url: str,
    now: datetime,
    *,
    title: str | None,
    topic: str | None,
    created_by: str,
    max_feeds: int,
) -> Followed:
    """Follow `url` from `where`: reuse or create the feed row, re-enable it, subscribe the channel.

    `topic` tags the feed for this workspace only (None keeps its tag). The quota (distinct
    feeds followed per workspace) is checked in the same transaction.
    """
    async with store.transaction() as tx:
        await _serialise(tx, f"{where.platform}\0{where.workspace}", url)
        feed = await tx.session.scalar(select(Feed).where(Feed.url == url))
        in_workspace = await _workspace_feeds(tx, where)
        if (feed is None or feed.id not in in_workspace) and len(in_workspace) >= max_feeds:
            count = len(in_workspace)
            refusal = f"this workspace already follows {count} feed{'s' * (count != 1)}, the limit"
            return Followed(None, False, False, refused=refusal)
        new_feed = feed is None
        if feed is None:
            # backfill 0: the first poll records what is there and posts nothing.
            feed = Feed.new(url, now, origin=COMMAND_ORIGIN, title=title)
            await tx.add(feed)
        re_enabled = feed.disabled_reason if feed.disabled_reason != UNFOLLOWED else None
        if feed.disabled_reason:
            # The fetch just made by the command worked: start polling again now.
            feed.disabled_reason = None
            feed.consecutive_failures = 0
            feed.last_error = None
            feed.next_poll_at = now
        feed.title = feed.title or title
        if topic is not None:
            await _tag(tx, feed.id, where, topic)
        key = feed_key(feed.id)
        query = select(Subscription).where(*_channel(where), Subscription.topic == key)
        sub = await tx.session.scalar(query)
        if sub is None:
            tx.session.add(
                Subscription(
                    platform=where.platform,
                    workspace=where.workspace,
                    channel=where.channel,
                    topic=key,
                    mode="instant",
                    timezone="UTC",
                    origin="command",
                    created_by=created_by,
                    created_at=now,
                )
            )
        else:
            sub.paused_reason = None  # following again lifts a pause, like subscribing again
    return Followed(feed, new_feed, sub is None, re_enabled)


@dataclass(frozen=True, slots=True)
class Unfollowed:
    """The outcome of an unfollow: the feed, and whether polling it stopped (no follower left)."""

    feed: Feed
    stopped: bool


async def unfollow(store: Store, where: ChannelRef, url: str) -> Unfollowed | None:
    """Stop following `url` here; None if this channel does not follow it.

    A command-origin feed nobody follows any more is disabled and reset to new (its seen entries
    dropped), so it is not polled for no one and a later follow starts silently. The row stays:
    SQLite reuses the highest id of a deleted row, and `feed:N` must never name another feed.
    """
    async with store.transaction() as tx:
        feed = await tx.session.scalar(select(Feed).where(Feed.url == url))
        if feed is None:
            return None
        key = feed_key(feed.id)
        sub = await tx.session.scalar(
            select(Subscription).where(*_channel(where), Subscription.topic == key)
        )
        if sub is None:
            return None
        await tx.session.delete(sub)
        await tx.session.flush()
        if not await _workspace_follows(tx, feed.id, where):
            # The workspace's last channel left: its tag goes with it.
            await tx.session.execute(delete(FeedTag).where(*_tag_of(feed.id, where)))
        left = await tx.session.scalar(
            select(func.count()).select_from(Subscription).where(Subscription.topic == key)
        )
        stopped = not left and feed.origin == COMMAND_ORIGIN
        if stopped:
            await tx.session.execute(delete(SeenEntry).where(SeenEntry.feed_id == feed.id))
            feed.disabled_reason = UNFOLLOWED
            feed.identity = feed.etag = feed.last_modified = feed.last_error = None
            feed.last_success_at = None  # with no identity: the next follow's first poll is silent
            feed.consecutive_failures = 0
    return Unfollowed(feed, stopped)


async def drop_follows(store: Store, feed_id: int) -> int:
    """Remove every channel's follow of a feed (before the operator removes the feed itself)."""
    async with store.transaction() as tx:
        await tx.session.execute(delete(FeedTag).where(FeedTag.feed_id == feed_id))
        done = await tx.session.execute(
            delete(Subscription).where(Subscription.topic == feed_key(feed_id))
        )
    return int(getattr(done, "rowcount", 0) or 0)


async def followed_feeds(store: Store, where: ChannelRef) -> list[tuple[Subscription, Feed]]:
    """This channel's followed feeds with their subscriptions, in the order they were followed."""
    async with store.transaction() as tx:
        return await channel_feeds(tx, where)


async def channel_feeds(tx: Transaction, where: ChannelRef) -> list[tuple[Subscription, Feed]]:
    """`followed_feeds` inside a transaction the caller already holds."""
    subs = (await tx.session.scalars(select(Subscription).where(*_channel(where)))).all()
    feeds = await feeds_by_id(tx, [s.topic for s in subs])
    pairs = [(s, feeds[i]) for s in subs if (i := feed_id_of(s.topic)) in feeds]
    return sorted(pairs, key=lambda p: p[0].created_at)


def followed_url(url: str, followed: Iterable[str]) -> str | None:
    """The followed feed `url` names: itself, its canonical form, or the one feed on that site."""
    urls = list(followed)
    for candidate in (url, canonical_url(url)):
        if candidate in urls:
            return candidate
    host = urlsplit(url).netloc.lower()
    same_site = [f for f in urls if urlsplit(f).netloc.lower() == host]
    return same_site[0] if len(same_site) == 1 else None


async def workspace_tags(store: Store, where: ChannelRef) -> dict[int, str]:
    """This workspace's topic tags, by feed id."""
    query = select(FeedTag).where(
        FeedTag.platform == where.platform, FeedTag.workspace == where.workspace
    )
    async with store.transaction() as tx:
        return {t.feed_id: t.topic for t in (await tx.session.scalars(query)).all()}


async def feed_tags(tx: Transaction, feed_id: int) -> dict[tuple[str, str], str]:
    """Every workspace's topic tag of one feed, by (platform, workspace)."""
    query = select(FeedTag).where(FeedTag.feed_id == feed_id)
    return {(t.platform, t.workspace): t.topic for t in (await tx.session.scalars(query)).all()}


async def tagged_feeds(tx: Transaction, where: ChannelRef, topic: str) -> set[int]:
    """The feeds this workspace filed under `topic`."""
    query = select(FeedTag.feed_id).where(
        FeedTag.platform == where.platform,
        FeedTag.workspace == where.workspace,
        FeedTag.topic == topic,
    )
    return set((await tx.session.scalars(query)).all())


async def feeds_by_id(tx: Transaction, topics: Iterable[str]) -> dict[int, Feed]:
    """The feed rows named by these subscription topics (ordinary topics are skipped)."""
    ids = sorted({i for t in topics if (i := feed_id_of(t)) is not None})
    if not ids:
        return {}
    return {f.id: f for f in (await tx.session.scalars(select(Feed).where(Feed.id.in_(ids))))}


async def topic_labels(store: Store, topics: Iterable[str]) -> dict[str, str]:
    """People's names for `feed:N` subscription topics (a removed feed keeps its key)."""
    async with store.transaction() as tx:
        feeds = await feeds_by_id(tx, topics)
    return {feed_key(i): feed_label(f) for i, f in feeds.items()}


async def visible_feeds(store: Store, where: ChannelRef, feeds: Sequence[Feed]) -> list[Feed]:
    """The feeds a workspace may see: the operator's, and those it follows from chat itself."""
    async with store.transaction() as tx:
        mine = await _workspace_feeds(tx, where)
    return [f for f in feeds if f.origin != COMMAND_ORIGIN or f.id in mine]


async def followers(store: Store) -> dict[int, list[ChannelRef]]:
    """Every followed feed's channels, by feed id (for `newsbot feeds`)."""
    query = select(Subscription).where(Subscription.topic.startswith(FEED_PREFIX))
    out: dict[int, list[ChannelRef]] = {}
    async with store.transaction() as tx:
        for sub in (await tx.session.scalars(query.order_by(Subscription.id))).all():
            feed_id = feed_id_of(sub.topic)
            if feed_id is not None:
                out.setdefault(feed_id, []).append(sub.where)
    return out


async def all_feed_tags(store: Store) -> dict[int, dict[tuple[str, str], str]]:
    """Every workspace's topic tag of every feed, by feed id (for `newsbot feeds`)."""
    out: dict[int, dict[tuple[str, str], str]] = {}
    async with store.transaction() as tx:
        for t in (await tx.session.scalars(select(FeedTag))).all():
            out.setdefault(t.feed_id, {})[(t.platform, t.workspace)] = t.topic
    return out


def workspaces(channels: Iterable[dict[str, str]], tags: Iterable[dict[str, str]] = ()) -> str:
    """Followers grouped by workspace, for `newsbot feeds`: "discord G1 (2 channels, topic x), …"."""
    counts: dict[tuple[str, str], int] = {}
    for c in channels:
        key = (c["platform"], c["workspace"] or "-")
        counts[key] = counts.get(key, 0) + 1
    topics = {(t["platform"], t["workspace"] or "-"): t["topic"] for t in tags}
    return ", ".join(
        f"{p} {w} ({n} channel{'s' * (n != 1)}"
        + (f", topic {topics[p, w]})" if (p, w) in topics else ")")
        for (p, w), n in sorted(counts.items())
    )


def disabled_notice(feed: Feed) -> str:
    """The one message a following channel gets when its feed is disabled."""
    return (
        f"Feed disabled: {feed_label(feed)}. Why: {feed.disabled_reason or 'it kept failing'}. "
        f"A manager can re-enable it with /news follow {feed.url}"
    )


async def owe_disabled_notices(tx: Transaction, feed: Feed, now: datetime) -> int:
    """Owe each channel following `feed` one notice that it was disabled (call in that transaction).

    The item key holds the feed and the disable time, so the notice is created once with the
    disable itself: never lost by a crash, never doubled by a retry.
    """
    query = select(Subscription).where(
        Subscription.topic == feed_key(feed.id), Subscription.paused_reason.is_(None)
    )
    channels = sorted({s.where for s in (await tx.session.scalars(query)).all()}, key=str)
    item = f"notice:{feed.id}:{now.isoformat()}"
    for where in channels:
        tx.session.add(
            Delivery.owed(
                where,
                item=item,
                kind="notice",
                topic=feed_key(feed.id),
                now=now,
                payload={"text": disabled_notice(feed)},
            )
        )
    return len(channels)


async def _serialise(tx: Transaction, workspace: str, url: str) -> None:
    """On PostgreSQL, hold this workspace's and this URL's follow locks until commit.

    Workers sharing PostgreSQL could otherwise both pass the quota, or both insert a new URL's
    row. Workspace before URL: never a cycle. SQLite's one process queues its writers itself.
    """
    if tx.session.get_bind().dialect.name != "postgresql":
        return
    for space, name in ((_WORKSPACE_LOCK, workspace), (_FEED_LOCK, url)):
        await tx.session.execute(select(func.pg_advisory_xact_lock(space, _lock_key(name))))


def _lock_key(name: str) -> int:
    """A stable signed 32-bit key for a name (Python's `hash` differs between processes)."""
    digest = hashlib.blake2b(name.encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


async def _tag(tx: Transaction, feed_id: int, where: ChannelRef, topic: str) -> None:
    """Set (or change) this workspace's topic tag of the feed."""
    tag = await tx.session.scalar(select(FeedTag).where(*_tag_of(feed_id, where)))
    if tag is None:
        tx.session.add(
            FeedTag(
                feed_id=feed_id, platform=where.platform, workspace=where.workspace, topic=topic
            )
        )
    else:
        tag.topic = topic


def _tag_of(feed_id: int, where: ChannelRef) -> tuple[ColumnElement[bool], ...]:
    return (
        FeedTag.feed_id == feed_id,
        FeedTag.platform == where.platform,
        FeedTag.workspace == where.workspace,
    )


async def _workspace_follows(tx: Transaction, feed_id: int, where: ChannelRef) -> int:
    """How many channels of this workspace follow the feed."""
    query = (
        select(func.count())
        .select_from(Subscription)
        .where(
            Subscription.platform == where.platform,
            Subscription.workspace == where.workspace,
            Subscription.topic == feed_key(feed_id),
        )
    )
    return int(await tx.session.scalar(query) or 0)


async def _workspace_feeds(tx: Transaction, where: ChannelRef) -> set[int]:
    query = select(Subscription.topic).where(
        Subscription.platform == where.platform,
        Subscription.workspace == where.workspace,
        Subscription.topic.startswith(FEED_PREFIX),
    )
    return {i for t in (await tx.session.scalars(query)).all() if (i := feed_id_of(t)) is not None}


def _channel(where: ChannelRef) -> tuple[ColumnElement[bool], ...]:
    return (
        Subscription.platform == where.platform,
        Subscription.workspace == where.workspace,
        Subscription.channel == where.channel,
    )
