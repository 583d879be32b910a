"""`/news follow`, `/news unfollow` and `/news following`: any channel follows any feed.

Platform-neutral handlers called by `Core`; the store work is `bot.follows`, finding the feed
behind a page is `bot.discovery`. A follow fetches the feed once (through the safe fetcher)
before anything is stored, so a private address, a page without a feed or an oversized document
is refused with one line and leaves no row behind.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot import follows
from bot.commands.replies import Reply, describe_feed, error, headline, subscribed
from bot.config import ALL_TOPICS
from bot.discovery import discover
from bot.errors import BlockedError, FeedError, FetchError
from bot.feeds import Entry, canonical_url
from bot.fetch import Fetcher
from bot.schedules import Schedule
from bot.store import ChannelRef, Feed, Store

KnownTopic = Callable[[str], str]  # a topic name checked against the configured ones


class FollowCommands:
    """The follow handlers, over the store, the safe fetcher and the core's clock."""

    def __init__(
        self,
        *,
        store: Store,
        fetcher: Fetcher,
        clock: Callable[[], datetime],
        known_topic: KnownTopic,
        max_feeds: int,
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.clock = clock
        self.known_topic = known_topic
        self.max_feeds = max_feeds

    async def follow(self, where: ChannelRef, user: str, url: str, topic: str | None) -> Reply:
        """Find and fetch the feed behind `url`, then follow it in this channel."""
        tag = self.known_topic(topic) if topic is not None else None
        if tag == ALL_TOPICS:
            return error("`all` already means every story; name a topic, or leave it out.")
        try:
            found = await discover(self.fetcher, url)
        except FetchError as exc:
            return error(_fetch_problem(exc, url))
        except FeedError as exc:
            return error(
                f"I found no feed at `{url}` ({exc}). Give the feed's own link, "
                "or a page that links one."
            )
        done = await follows.follow(
            self.store,
            where,
            canonical_url(found.url),
            self.clock(),
            title=found.feed.title,
            topic=tag,
            created_by=user,
            max_feeds=self.max_feeds,
        )
        if done.feed is None:
            return error(
                f"Not followed: {done.refused}. `/news unfollow` one first, or ask the operator "
                "to raise NEWSBOT_MAX_FEEDS_PER_WORKSPACE."
            )
        feed = done.feed
        lines = [f"Following {follows.feed_label(feed)} here ({found.how})."]
        newest = _newest(found.feed.entries)
        lines.append(f"Newest: “{headline(newest.title)}”" if newest else "It has no entries yet.")
        if done.re_enabled:
            lines.append(f"It had been disabled ({headline(done.re_enabled, 200)}); polling again.")
        if done.new_subscription:
            lines.append(
                "New stories will be posted here as they arrive (not the ones already in it)."
            )
        else:
            lines.append("This channel already followed it.")
        if tag is not None:
            lines.append(
                f"Its stories are also filed under `{tag}` for this workspace's channels "
                "(other servers and teams are not affected)."
            )
        return Reply(tuple(lines), ephemeral=False)

    async def unfollow(self, where: ChannelRef, url: str) -> Reply:
        """Stop following a feed here (by its URL, or a page URL on the same site)."""
        feed = await self._followed(where, url)
        done = await follows.unfollow(self.store, where, feed.url) if feed else None
        if done is None:
            return error(
                f"This channel does not follow `{url}`; `/news following` lists its feeds."
            )
        lines = [f"Unfollowed {follows.feed_label(done.feed)}: no more of its stories here."]
        if done.stopped:
            lines.append("No channel follows it any more, so it is no longer polled.")
        return Reply(tuple(lines), ephemeral=False)

    async def subscribe(
        self, where: ChannelRef, user: str, url: str, schedule: Schedule | None
    ) -> Reply:
        """Make this channel's follow of a feed a roundup on `schedule`, or instant again (None)."""
        feed = await self._followed(where, url)
        if feed is None:
            return error(f"This channel does not follow `{url}`: `/news follow {url}` first.")
        key = follows.feed_key(feed.id)
        sub, _ = await self.store.subscribe(
            where, key, self.clock(), schedule=schedule, created_by=user
        )
        return subscribed("Updated", follows.feed_label(feed), sub, schedule)

    async def _followed(self, where: ChannelRef, url: str) -> Feed | None:
        """The feed this channel follows that `url` names (see `bot.follows.followed_url`)."""
        followed = [feed for _, feed in await follows.followed_feeds(self.store, where)]
        target = follows.followed_url(url, [f.url for f in followed])
        return next((f for f in followed if f.url == target), None)

    async def following(self, where: ChannelRef) -> Reply:
        """This channel's followed feeds with their health."""
        followed = await follows.followed_feeds(self.store, where)
        if not followed:
            return Reply(("This channel follows no feeds. `/news follow <url>` adds one.",))
        tags = await follows.workspace_tags(self.store, where)
        lines = ["Feeds this channel follows:"]
        for sub, feed in followed:
            line = describe_feed(feed)
            if feed.id in tags:
                line += f"; filed under `{tags[feed.id]}` here"
            if sub.schedule is not None:
                line += f"; roundup {sub.schedule.describe()}"
            if sub.paused_reason:
                line += f"; PAUSED: {sub.paused_reason}"
            if feed.disabled_reason:
                line += f" (`/news follow {feed.url}` re-enables it)"
            lines.append(line)
        return Reply(tuple(lines))


def _newest(entries: tuple[Entry, ...]) -> Entry | None:
    """The newest entry by date, else the first in the feed (feeds list newest first)."""
    dated = [(e.published, e) for e in entries if e.published is not None and e.title]
    if dated:
        return max(dated, key=lambda pair: pair[0])[1]
    return next((e for e in entries if e.title), None)


def _fetch_problem(exc: FetchError, url: str) -> str:
    """A refused or failed fetch as one line about following."""
    reason = exc.reason
    if isinstance(exc, BlockedError) and "private" in reason:
        return (
            f"I won't follow `{url}`: it leads to a private network address. "
            "Only public feeds can be followed."
        )
    if reason.startswith("too large"):
        return f"That feed is too large to follow ({reason})."
    return f"I could not fetch `{url}` to check its feed: {reason}."
