"""`/news follow <url> <topic>` tags the feed for the following workspace only; the operator's feed
topic stays global. Through the core, over a real store, fetcher, poller and outbox on loopback."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, insert, select
from sqlalchemy.ext.asyncio import create_async_engine

import bot.store.migrations
from bot.commands.core import Caller
from bot.fetch import Fetcher
from bot.follows import feed_key
from bot.outbox import Outbox
from bot.poll import Poller
from bot.roundups import run_due_roundups
from bot.schedules import parse_schedule
from bot.settings import Settings
from bot.store import ChannelRef, Feed, FeedTag, Store, Subscription
from tests.bot.commands_fixtures import ADMIN, T0, make_core
from tests.bot.follow_fixtures import NEW, pipeline, serve_feed, serve_site
from tests.servers.feed_server import FeedServer

pytestmark = pytest.mark.both_databases  # run on SQLite and PostgreSQL (conftest)

OTHER = Caller("discord", "G1", "C2", "U1", can_manage=True)
SLACK = Caller("slack", "T9", "C9", "U9", can_manage=True)
G1_WORLD = ChannelRef("discord", "G1", "C5")
G2_WORLD = ChannelRef("discord", "G2", "C7")
T9_WORLD = ChannelRef("slack", "T9", "C10")
T9_SCIENCE = ChannelRef("slack", "T9", "C11")


async def _poll_new_story(
    store: Store, fetcher: Fetcher, settings: Settings, server: FeedServer
) -> tuple[Poller, Outbox]:
    """A silent first poll, then one new story (that matches no topic by its words)."""
    poller, outbox = pipeline(store, fetcher, settings)
    await poller.poll_all(T0)
    serve_feed(server, [NEW])
    await poller.poll_all(T0 + timedelta(minutes=10))
    return poller, outbox


async def _owed(outbox: Outbox) -> set[tuple[str, str, str, str]]:
    return {(d.platform, d.workspace, d.channel, d.topic) for d in await outbox.deliveries()}


async def test_a_tag_counts_only_in_the_workspace_that_set_it(
    store: Store, fetcher: Fetcher, server: FeedServer, settings: Settings
) -> None:
    """A Discord guild files the feed under `world`, a Slack team under `science`: each tag reaches
    its own workspace's subscribers only, and the second tag does not replace the first."""
    core = make_core(store, fetcher)
    page = serve_site(server)
    first = await core.handle_text(ADMIN, f"follow {page} world")
    assert "filed under `world` for this workspace's channels" in first.text, first.text
    assert (await core.handle_text(SLACK, f"follow {page} science")).ok
    for where, topic in [
        (G1_WORLD, "world"),
        (G2_WORLD, "world"),
        (T9_WORLD, "world"),
        (T9_SCIENCE, "science"),
    ]:
        await store.subscribe(where, topic, T0)
    [feed] = await store.feeds()
    assert feed.topic is None  # nothing global
    _poller, outbox = await _poll_new_story(store, fetcher, settings, server)
    key = feed_key(feed.id)
    assert await _owed(outbox) == {
        ("discord", "G1", "C1", key),
        ("discord", "G1", "C5", "world"),
        ("slack", "T9", "C9", key),
        ("slack", "T9", "C11", "science"),
    }
    [article] = await store.articles()
    assert [t["topic"] for t in article.topics or []] == [key]  # the tags are not stored globally
    listed = await core.handle_text(ADMIN, "following")
    assert "filed under `world` here" in listed.text and "science" not in listed.text


async def test_roundups_and_digest_count_the_tag_in_its_workspace_only(
    store: Store, fetcher: Fetcher, server: FeedServer, settings: Settings
) -> None:
    """A `world` roundup in the tagging guild holds the story; the same roundup elsewhere is empty."""
    core = make_core(store, fetcher)
    await core.handle_text(ADMIN, f"follow {serve_site(server)} world")
    daily = parse_schedule("daily 08:00")
    await store.subscribe(G1_WORLD, "world", T0, schedule=daily)
    await store.subscribe(G2_WORLD, "world", T0, schedule=daily)
    await _poll_new_story(store, fetcher, settings, server)
    later = make_core(store, fetcher, now=T0 + timedelta(hours=1))
    here = await later.handle_text(Caller("discord", "G1", "C5", "U1"), "digest world")
    there = await later.handle_text(Caller("discord", "G2", "C7", "U1"), "digest world")
    assert [d.title for p in here.roundups for d in p.digests] == [NEW.title]
    assert there.roundups == () and "No recent stories" in there.text
    results = await run_due_roundups(store, T0 + timedelta(days=1))
    by_channel = {r.subscription_id: r.stories for r in results}
    subs = {s.channel: s.id for s in await store.subscriptions()}
    assert by_channel == {subs["C5"]: 1, subs["C7"]: 0}


async def test_the_operator_s_feed_topic_stays_global(
    store: Store, fetcher: Fetcher, server: FeedServer, settings: Settings
) -> None:
    """An operator feed's topic reaches every workspace; a chat tag on it adds a topic for the
    tagging workspace only, and the operator's topic is unchanged."""
    serve_site(server)
    feed_url = server.url("/news/feed.xml")
    await store.add_feed(feed_url, T0, topic="world")
    core = make_core(store, fetcher)
    reply = await core.handle_text(ADMIN, f"follow {feed_url} science")
    assert "filed under `science` for this workspace's channels" in reply.text
    await store.subscribe(G2_WORLD, "world", T0)
    await store.subscribe(ChannelRef("discord", "G1", "C6"), "science", T0)
    await store.subscribe(ChannelRef("discord", "G2", "C8"), "science", T0)
    [feed] = await store.feeds()
    assert feed.topic == "world"
    _poller, outbox = await _poll_new_story(store, fetcher, settings, server)
    assert await _owed(outbox) == {
        ("discord", "G1", "C1", feed_key(feed.id)),
        ("discord", "G2", "C7", "world"),
        ("discord", "G1", "C6", "science"),
    }


async def test_the_workspace_s_last_unfollow_removes_its_tag(
    store: Store, fetcher: Fetcher, server: FeedServer
) -> None:
    """The tag stays while a channel of the workspace follows the feed, and goes with the last."""
    core = make_core(store, fetcher)
    page = serve_site(server)
    await core.handle_text(ADMIN, f"follow {page} world")
    again = await core.handle_text(OTHER, f"follow {page}")  # no topic: the tag is kept
    assert again.ok and "filed under" not in again.text
    await core.handle_text(SLACK, f"follow {page} science")

    async def tags() -> set[tuple[str, str, str]]:
        async with store.transaction() as tx:
            rows = (await tx.session.scalars(select(FeedTag))).all()
        return {(t.platform, t.workspace, t.topic) for t in rows}

    assert await tags() == {("discord", "G1", "world"), ("slack", "T9", "science")}
    await core.handle_text(ADMIN, f"unfollow {page}")
    assert "filed under `world` here" in (await core.handle_text(OTHER, "following")).text
    await core.handle_text(OTHER, f"unfollow {page}")
    assert await tags() == {("slack", "T9", "science")}
    await core.handle_text(ADMIN, f"follow {page}")
    assert "filed under" not in (await core.handle_text(ADMIN, "following")).text


def _upgrade(conn: Connection, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(Path(bot.store.migrations.__file__).parent))
    config.attributes["connection"] = conn
    command.upgrade(config, revision)


async def test_migration_gives_each_following_workspace_the_old_shared_tag(
    database_url: str,
) -> None:
    """0007 moves a command feed's topic to the workspaces that follow it; operator topics stay."""
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_upgrade, "0006")
            feeds = [
                {"id": 1, "url": "https://a.example/rss", "origin": "command", "topic": "world"},
                {"id": 2, "url": "https://b.example/rss", "origin": "cli", "topic": "science"},
            ]
            times = {"next_poll_at": T0, "created_at": T0, "backfill": 0}
            await conn.execute(
                insert(Feed), [{**f, **times, "consecutive_failures": 0} for f in feeds]
            )
            subs = [
                ("discord", "G1", "C1", "feed:1"),
                ("discord", "G1", "C2", "feed:1"),
                ("slack", "T9", "C9", "feed:1"),
                ("discord", "G2", "C7", "feed:2"),
            ]
            await conn.execute(
                insert(Subscription),
                [
                    {
                        "platform": p,
                        "workspace": w,
                        "channel": c,
                        "topic": t,
                        "mode": "instant",
                        "timezone": "UTC",
                        "origin": "command",
                        "created_at": T0,
                    }
                    for p, w, c, t in subs
                ],
            )
    finally:
        await engine.dispose()
    store = Store(database_url)
    try:
        await store.migrate()
        async with store.transaction() as tx:
            tags = (await tx.session.scalars(select(FeedTag))).all()
        assert {(t.feed_id, t.platform, t.workspace, t.topic) for t in tags} == {
            (1, "discord", "G1", "world"),
            (1, "slack", "T9", "world"),
        }
        assert [(f.id, f.topic) for f in await store.feeds()] == [(1, None), (2, "science")]
    finally:
        await store.close()
