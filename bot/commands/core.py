"""The platform-neutral command core: plain async handlers over the store, fetcher and digests.

Adapters (Discord, Slack, any third platform) build a `Caller` and a `Command`, call
`Core.handle`, and render the `Reply`. Nothing here knows a platform; nothing here raises.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.commands.filters import set_filter, set_ping
from bot.commands.follows import FollowCommands
from bot.commands.grammar import (
    HELP,
    MUTATING,
    Command,
    CommandError,
    closest_topics,
    parse_command,
)
from bot.commands.replies import (
    Reply,
    RoundupPost,
    describe_feed,
    describe_subscription,
    error,
    fetch_problem,
    headline,
    joined,
    subscribed,
)
from bot.condense import PAGE_ACCEPT
from bot.config import ALL_TOPICS
from bot.errors import FetchError, NewsbotError, StoreError
from bot.fetch import Fetcher
from bot.filters import KeywordFilter
from bot.follows import is_feed_key, topic_labels, visible_feeds, workspace_tags
from bot.outbox import digest_of
from bot.roundups import best_stories
from bot.settings import Settings
from bot.store import ChannelRef, Store
from digests import Digest, DigestError, TopicSet, digest_html

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
_EXAMPLE_ARTICLES = 200  # newest stored articles searched for a topic's example headline


# A subscription's keyword filter as `keep(title, text)` (bot.filters.KeywordFilter.compiled).
Keep = Callable[[str, str], bool]


class RoundupSource(Protocol):
    """Builds a topic's roundup (in the bot: `ArticleRoundups`, the delivery ranking)."""

    async def stories(
        self,
        topic: str,
        since: datetime,
        until: datetime,
        *,
        keep: Keep | None = None,
        where: ChannelRef | None = None,
    ) -> Sequence[Digest]:
        """The topic's stories stored in (since, until] that `keep` keeps, best first.

        `where` is the asking channel: feeds its workspace tagged with the topic count too.
        """
        ...


class ArticleRoundups:
    """`RoundupSource` over a ranking of stored articles, so `/news digest` matches the roundups."""

    def __init__(self, store: Store, *, limit: int = 10) -> None:
        self._store = store
        self._limit = limit

    async def stories(
        self,
        topic: str,
        since: datetime,
        until: datetime,
        *,
        keep: Keep | None = None,
        where: ChannelRef | None = None,
    ) -> Sequence[Digest]:
        """The ranking's best stories of the period, as digests."""
        async with self._store.transaction() as tx:
            articles = await best_stories(
                tx, topic, since, until, self._limit, keep=keep, where=where
            )
        return [digest_of(a) for a in articles]


@dataclass(frozen=True, slots=True)
class Caller:
    """Who asked, and where: platform, workspace (guild/team), channel, user, may they manage it."""

    platform: str
    workspace: str
    channel: str
    user: str
    can_manage: bool = False
    # Said when permission is missing, e.g. "the Manage Channels permission".
    manage_rule: str = "permission to manage the channel"

    @property
    def where(self) -> ChannelRef:
        """The channel the command was used in."""
        return ChannelRef(self.platform, self.workspace, self.channel)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Core:
    """The command handlers, over injected dependencies (the clock too, for tests)."""

    def __init__(
        self,
        *,
        store: Store,
        fetcher: Fetcher,
        topics: TopicSet,
        roundups: RoundupSource | None = None,
        clock: Clock = _utcnow,
        summary_ttl: timedelta = timedelta(hours=24),
        roundup_period: timedelta = timedelta(hours=24),
        max_feeds: int | None = None,
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.topics = topics
        self.roundups: RoundupSource = roundups or ArticleRoundups(store)
        self.clock = clock
        self.summary_ttl = summary_ttl
        # The period of `/news digest` for a topic the channel has no roundup of yet.
        self.roundup_period = roundup_period
        limit = Settings.model_fields["max_feeds_per_workspace"].default
        self.follows = FollowCommands(
            store=store,
            fetcher=fetcher,
            clock=lambda: self.clock(),
            known_topic=self._known_topic,
            max_feeds=limit if max_feeds is None else max_feeds,
        )

    @property
    def topic_names(self) -> list[str]:
        """Every configured topic name, in config order."""
        return [t.name for t in self.topics.topics]

    async def handle_text(self, caller: Caller, text: str) -> Reply:
        """Parse the words after `/news` and handle them (Slack, console)."""
        try:
            command = parse_command(text)
        except CommandError as exc:
            return error(str(exc))
        return await self.handle(caller, command)

    async def handle(self, caller: Caller, command: Command) -> Reply:
        """Run one command; every failure becomes a short reply, never an exception."""
        try:
            if command.name in MUTATING and not caller.can_manage:
                return error(
                    f"Only members with {caller.manage_rule} can change this channel's "
                    "subscriptions; `/news subscriptions` shows them to everyone."
                )
            return await self._dispatch(caller, command)
        except CommandError as exc:
            return error(str(exc))
        except StoreError as exc:
            log.warning("command %s: %s", command.name, exc)
            return error("Sorry, the database is not available right now; try again shortly.")
        except NewsbotError as exc:
            log.warning("command %s failed: %s", command.name, exc)
            return error(f"Sorry, that failed: {exc}")
        except Exception:
            # The one place a bug may surface: logged in full, a short apology in the chat.
            log.exception("command %s crashed", command.name)
            return error("Sorry, something went wrong on my side; the error is logged.")

    async def _dispatch(self, caller: Caller, command: Command) -> Reply:
        match command.name:
            case "summary":
                return await self.summary(command.url or "", private=command.private)
            case "subscribe":
                return await self.subscribe(caller, command)
            case "unsubscribe" if command.url is not None:
                return await self.follows.unfollow(caller.where, command.url)
            case "unsubscribe":
                return await self.unsubscribe(caller, command.topic or "")
            case "subscriptions":
                return await self.subscriptions(caller)
            case "topics":
                return await self.list_topics()
            case "digest":
                return await self.digest(caller, command.topic)
            case "feeds":
                return await self.feeds(command.topic, caller.where)
            case "follow":
                where, url = caller.where, command.url or ""
                return await self.follows.follow(where, caller.user, url, command.topic)
            case "unfollow":
                return await self.follows.unfollow(caller.where, command.url or "")
            case "following":
                return await self.follows.following(caller.where)
            case "filter":
                return await set_filter(self.store, caller.where, command)
            case "ping":
                return await set_ping(self.store, caller.where, command)
            case _:
                return Reply(("```", HELP, "```"))

    # -- handlers ----------------------------------------------------------------------------
    async def summary(self, url: str, *, private: bool = False) -> Reply:
        """Digest a page: from the store when digested recently, else fetched safely now."""
        now = self.clock()
        stored = await self.store.stored_digest(url, now - self.summary_ttl)
        if stored is not None:
            return Reply(digest=Digest.from_json(stored), ephemeral=private)
        try:
            page = await self.fetcher.fetch(url, accept=PAGE_ACCEPT)
        except FetchError as exc:
            return error(fetch_problem(exc, url))
        if not page.is_article_page:
            return error(f"That link is not an article page (it is `{page.media_type}`).")
        try:
            digest = await asyncio.to_thread(
                digest_html, page.body, url=page.url, topics=self.topics
            )
        except DigestError as exc:
            return error(f"That page is not an article I can summarise ({exc}).")
        if not digest.key_points:
            return error("That page is not an article I can summarise (no sentences found).")
        await self.store.save_summary(url, digest.to_json(), now)
        return Reply(digest=digest, ephemeral=private)

    async def subscribe(self, caller: Caller, command: Command) -> Reply:
        """Subscribe the caller's channel to a topic (or a feed it follows), instantly or as a roundup."""
        if command.url is not None:
            return await self.follows.subscribe(
                caller.where, caller.user, command.url, command.schedule
            )
        topic = self._known_topic(command.topic or "")
        now = self.clock()
        sub, created = await self.store.subscribe(
            caller.where, topic, now, schedule=command.schedule, created_by=caller.user
        )
        verb = "Subscribed" if created else "Updated"
        return subscribed(verb, f"`{topic}`", sub, command.schedule)

    async def unsubscribe(self, caller: Caller, topic: str) -> Reply:
        """Remove the channel's subscription to a topic."""
        # A topic dropped from the config can still be unsubscribed, so try the store first.
        if await self.store.unsubscribe(caller.where, topic):
            return Reply(
                (f"Unsubscribed: `{topic}` will no longer be posted here.",), ephemeral=False
            )
        self._known_topic(topic)
        return error(f"This channel is not subscribed to `{topic}`.")

    async def subscriptions(self, caller: Caller) -> Reply:
        """This channel's subscriptions: mode, schedule, next run, pause reason."""
        subs = await self.store.subscriptions(caller.where)
        if not subs:
            return Reply(
                ("This channel has no subscriptions. `/news topics` lists what you can follow.",)
            )
        labels = await topic_labels(self.store, [s.topic for s in subs])
        lines = (describe_subscription(s, labels.get(s.topic)) for s in subs)
        return Reply(("This channel's subscriptions:", *lines))

    async def list_topics(self) -> Reply:
        """Every topic with its description and an example recent headline."""
        if not self.topics.topics:
            return Reply(("No topics are configured.",))
        examples = await self._example_headlines()
        lines = ["Topics (`/news subscribe <topic>` to follow one):"]
        for topic in self.topics.topics:
            line = f"`{topic.name}`: {topic.description or 'no description'}"
            if topic.name in examples:
                line += f". Recent: “{headline(examples[topic.name])}”"
            lines.append(line)
        return Reply(tuple(lines))

    async def digest(self, caller: Caller, topic: str | None) -> Reply:
        """Post the current roundup of a topic, or of each topic the channel follows, now."""
        subs = {s.topic: s for s in await self.store.subscriptions(caller.where)}
        if topic is not None:
            names = [self._known_topic(topic)]
        else:
            names = sorted(subs)
            if not names:
                return error("This channel follows no topics; name one, e.g. `/news digest world`.")
        now = self.clock()
        labels = await topic_labels(self.store, names)  # followed feeds by name, not `feed:N`
        posts: list[RoundupPost] = []
        empty: list[str] = []
        for name in names:
            sub = subs.get(name)
            # The current roundup: what the next scheduled one would hold so far.
            last = sub.last_run_at if sub is not None and sub.mode == "roundup" else None
            since = last or now - self.roundup_period
            # The channel's filter applies here too: the roundup shows what it would be posted.
            found = KeywordFilter.of(sub.include_terms, sub.exclude_terms) if sub else None
            keep = found.compiled() if found else None
            found_stories = await self.roundups.stories(
                name, since, now, keep=keep, where=caller.where
            )
            digests = tuple(found_stories)
            if digests:
                posts.append(RoundupPost(f"Roundup: {labels.get(name, name)}", digests))
            else:
                empty.append(labels.get(name, name))
        lines = (f"No recent stories for {joined(empty)}.",) if empty else ()
        return Reply(lines, roundups=tuple(posts), ephemeral=not posts)

    async def feeds(self, topic: str | None, where: ChannelRef | None = None) -> Reply:
        """The feeds behind a topic (or all feeds) with their health."""
        feeds = await self.store.feeds()
        if where is not None:  # feeds other workspaces follow from chat are theirs to see
            feeds = await visible_feeds(self.store, where, feeds)
        if topic is not None:
            name = self._known_topic(topic)
            configured = next(t for t in self.topics.topics if t.name == name).feeds
            # A feed this workspace filed under the topic belongs to it here (and only here).
            tags = await workspace_tags(self.store, where) if where is not None else {}
            feeds = [
                f for f in feeds if f.topic == name or f.url in configured or tags.get(f.id) == name
            ]
            if not feeds:
                return Reply(
                    (
                        f"No feeds belong to `{name}`; its stories are found by keywords in every feed.",
                    )
                )
        if not feeds:
            return Reply(("No feeds are configured yet.",))
        return Reply(("Feeds:", *(describe_feed(f) for f in feeds)))

    # -- helpers -----------------------------------------------------------------------------
    def _known_topic(self, name: str) -> str:
        names = self.topic_names
        # `all` is every story, as in the config file's subscriptions.
        if name.lower() in names or name.lower() == ALL_TOPICS:
            return name.lower()
        raise CommandError(closest_topics(name.lower(), names))

    async def _example_headlines(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for article in await self.store.recent_articles(_EXAMPLE_ARTICLES):
            # The topics the poller tagged the story with when it stored it.
            for tag in article.topics or ():
                if not is_feed_key(tag["topic"]):  # a followed feed's key is not a topic
                    found.setdefault(tag["topic"], article.title)
            if len(found) == len(self.topics.topics):
                break
        return found
