"""`/news follow` through the core, over a real store, fetcher, poller and outbox on loopback."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.commands.core import Caller
from bot.fetch import Fetcher
from bot.follows import UNFOLLOWED, feed_id_of, feed_key, follow
from bot.poll import RoundReport
from bot.roundups import best_stories, run_due_roundups
from bot.settings import Settings
from bot.store import ChannelRef, Feed, Store
from tests.bot.commands_fixtures import ADMIN, READER, T0, make_core
from tests.bot.delivery_helpers import RecordingSender, worker
from tests.bot.follow_fixtures import NEW, OLD, fail_feed, pipeline, serve_feed, serve_site
from tests.servers.feed_server import FeedServer, rss

pytestmark = pytest.mark.both_databases  # run on SQLite and PostgreSQL (conftest)

NEWS = ChannelRef("discord", "G1", "C1")
OTHER = Caller("discord", "G1", "C2", "U1", can_manage=True)
ELSEWHERE = Caller("slack", "T9", "C9", "U9", can_manage=True)


async def _only_feed(store: Store) -> Feed:
    [feed] = await store.feeds()
    return feed


def test_feed_key_round_trips_and_ignores_topics() -> None:
    """`feed:N` names feed N; ordinary topic names are not feed keys."""
    assert feed_key(12) == "feed:12" and feed_id_of("feed:12") == 12
    assert feed_id_of("world") is None and feed_id_of("feed:x") is None


async def test_follow_a_page_finds_its_feed_and_names_the_newest_headline(
    store: Store, fetcher: Fetcher, server: FeedServer
) -> None:
    """The reply names the feed found, its title and newest headline; the channel follows it."""
    core = make_core(store, fetcher)
    reply = await core.handle_text(ADMIN, f"follow {serve_site(server)}")
    assert reply.ok and not reply.ephemeral, reply.text
    feed_url = server.url("/news/feed.xml")
    assert f"Following Harbour Gazette ({feed_url}) here (linked from the page)." in reply.text
    assert "Newest: “Ferry returns to the harbour”" in reply.text
    feed = await _only_feed(store)
    assert (feed.url, feed.origin, feed.title) == (feed_url, "command", "Harbour Gazette")
    assert [s.topic for s in await store.subscriptions(NEWS)] == [feed_key(feed.id)]
    listed = await core.handle_text(READER, "subscriptions")
    assert f"feed Harbour Gazette ({feed_url}): instant" in listed.text


async def test_follow_needs_manage_permission(
    store: Store, fetcher: Fetcher, server: FeedServer
) -> None:
    """A member without the right is refused before anything is fetched."""
    reply = await make_core(store, fetcher).handle_text(READER, f"follow {serve_site(server)}")
    assert not reply.ok and "Only members with" in reply.text
    assert sum(server.hits.values()) == 0 and await store.feeds() == []


async def test_refusals_store_nothing(store: Store, fetcher: Fetcher, server: FeedServer) -> None:
    """A private address, a page without a feed, an oversized feed: one line each, no rows."""
    core = make_core(store, fetcher)
    server.static(
        "/plain",
        b"<!doctype html><html><head></head><body>x</body></html>",
        content_type="text/html",
    )
    server.endless("/huge.xml")
    cases = {
        "http://127.0.0.2:9/feed": "it leads to a private network address",
        server.url("/plain"): "I found no feed at",
        server.url("/huge.xml"): "too large to follow",
    }  # fmt: skip
    for url, expected in cases.items():
        reply = await core.handle_text(ADMIN, f"follow {url}")
        assert not reply.ok and expected in reply.text and len(reply.lines) == 1, reply.text
    assert await store.feeds() == [] and await store.subscriptions() == []


async def test_one_feed_row_for_many_channels_and_the_workspace_quota(
    store: Store, fetcher: Fetcher, server: FeedServer
) -> None:
    """Two channels share one feed row; a workspace at its limit cannot add another feed."""
    core = make_core(store, fetcher)
    core.follows.max_feeds = 1
    page = serve_site(server)
    assert (await core.handle_text(ADMIN, f"follow {page}")).ok
    assert (await core.handle_text(OTHER, f"follow {page}")).ok  # same feed: no new row
    assert len(await store.feeds()) == 1
    server.static("/other.xml", rss(OLD, title="Other"))
    refused = await core.handle_text(OTHER, f"follow {server.url('/other.xml')}")
    assert not refused.ok and "this workspace already follows 1 feed, the limit" in refused.text
    assert (await core.handle_text(ELSEWHERE, f"follow {server.url('/other.xml')}")).ok
    assert len(await store.feeds()) == 2


async def test_first_poll_is_silent_then_new_stories_are_owed_to_followers(
    store: Store, fetcher: Fetcher, server: FeedServer, settings: Settings
) -> None:
    """Instant followers get each new story once; roundups of `feed:N` rank them too."""
    core = make_core(store, fetcher)
    page = serve_site(server)
    await core.handle_text(ADMIN, f"follow {page}")
    await core.handle_text(OTHER, f"follow {page}")
    poller, outbox = pipeline(store, fetcher, settings)
    first = await poller.poll_all(T0)
    assert first.outcomes[0].new == () and await outbox.deliveries() == []
    serve_feed(server, [NEW, *OLD])
    await poller.poll_all(T0 + timedelta(minutes=10))
    owed = await outbox.deliveries()
    assert sorted(d.channel for d in owed) == ["C1", "C2"]
    feed = await _only_feed(store)
    assert {d.topic for d in owed} == {feed_key(feed.id)}
    async with store.transaction() as tx:
        ranked = await best_stories(tx, feed_key(feed.id), T0, T0 + timedelta(hours=1), 10)
    assert [a.title for a in ranked] == [NEW.title]
    later = make_core(store, fetcher, now=T0 + timedelta(hours=1))
    digest = await later.handle_text(ADMIN, "digest")
    [post] = digest.roundups
    assert post.heading == f"Roundup: Harbour Gazette ({feed.url})"
    assert [d.title for d in post.digests] == [NEW.title] and post.digests[0].topics == ()


async def test_a_disabled_feed_tells_each_follower_once(
    store: Store, fetcher: Fetcher, server: FeedServer, settings: Settings
) -> None:
    """Failing until disabled owes one notice per following channel, in the disabling poll."""
    core = make_core(store, fetcher)
    page = serve_site(server)
    await core.handle_text(ADMIN, f"follow {page}")
    await core.handle_text(OTHER, f"follow {page}")
    poller, outbox = pipeline(store, fetcher, settings)
    await poller.poll_all(T0)
    fail_feed(server)
    for n in range(settings.max_failures + 2):  # polls after disabling skip the feed
        await poller.poll_all(T0 + timedelta(hours=n + 1))
    feed = await _only_feed(store)
    assert feed.disabled_reason and "HTTP 500" in feed.disabled_reason
    notices = [d for d in await outbox.deliveries() if d.kind == "notice"]
    assert sorted(d.channel for d in notices) == ["C1", "C2"]
    text = (notices[0].payload or {})["text"]
    assert text.startswith(f"Feed disabled: Harbour Gazette ({feed.url}).")
    assert f"re-enable it with /news follow {feed.url}" in text
    sender = RecordingSender(platform="discord")
    summary = await worker(store, outbox, discord=sender).run_once(T0 + timedelta(days=1))
    assert summary.sent == 2 and [p["text"] for _, p, _ in sender.sent] == [text, text]
    listed = await core.handle_text(ADMIN, "following")
    assert "`disabled`" in listed.text and "re-enables it" in listed.text
    serve_feed(server, OLD)
    again = await core.handle_text(ADMIN, f"follow {feed.url}")
    assert "It had been disabled" in again.text
    feed = await _only_feed(store)
    assert feed.disabled_reason is None and feed.consecutive_failures == 0


async def test_unfollow_by_the_last_channel_stops_polling_and_a_new_follow_starts_silently(
    store: Store, fetcher: Fetcher, server: FeedServer, settings: Settings
) -> None:
    """The feed is polled while any channel follows it; after the last unfollow it is disabled
    and reset, and following it again later posts nothing that was already in it."""
    core = make_core(store, fetcher)
    page = serve_site(server)
    await core.handle_text(ADMIN, f"follow {page}")
    await core.handle_text(OTHER, f"follow {page}")
    poller, outbox = pipeline(store, fetcher, settings)
    await poller.poll_all(T0)
    feed_url = server.url("/news/feed.xml")
    first = await core.handle_text(ADMIN, f"unfollow {feed_url}")
    assert first.ok and "no longer polled" not in first.text
    assert (await _only_feed(store)).state == "ok"
    last = await core.handle_text(OTHER, f"unfollow {page}")  # the page's site names it too
    assert last.ok and "no longer polled" in last.text, last.text
    feed = await _only_feed(store)
    assert (feed.state, feed.disabled_reason, feed.identity) == ("disabled", UNFOLLOWED, None)
    assert (
        await store.seen_keys(feed.id, ["x"]) == set()
        and await poller.poll_all(T0) == RoundReport()
    )
    again = await core.handle_text(OTHER, f"unfollow {feed_url}")
    assert not again.ok and "does not follow" in again.text
    serve_feed(server, [NEW, *OLD])  # published while nobody followed it
    back = await core.handle_text(ADMIN, f"follow {feed_url}")
    assert back.ok and "had been disabled" not in back.text
    assert [f.id for f in await store.feeds()] == [feed.id]  # `feed:N` keeps naming this feed
    await poller.poll_due(T0 + timedelta(minutes=1))
    assert await outbox.deliveries() == []  # a fresh, silent first poll


async def test_unfollowing_an_operator_feed_keeps_it(
    store: Store, fetcher: Fetcher, server: FeedServer
) -> None:
    """A config/CLI feed that a channel also followed keeps being polled after the unfollow."""
    serve_site(server)
    feed_url = server.url("/news/feed.xml")
    await store.add_feed(feed_url, T0, topic="world")
    core = make_core(store, fetcher)
    reply = await core.handle_text(ADMIN, f"follow {feed_url} science")
    assert "filed under `science` for this workspace's channels" in reply.text
    assert (await _only_feed(store)).topic == "world"  # the operator's topic is untouched
    await core.handle_text(ADMIN, f"unfollow {feed_url}")
    assert [f.url for f in await store.feeds()] == [feed_url]


async def test_topic_tag_files_the_feed_s_stories_under_a_topic(
    store: Store, fetcher: Fetcher, server: FeedServer
) -> None:
    """`follow <url> science` tags the command feed; an unknown topic is named with hints."""
    core = make_core(store, fetcher)
    page = serve_site(server)
    bad = await core.handle_text(ADMIN, f"follow {page} sciense")
    assert not bad.ok and "Did you mean `science`?" in bad.text
    every = await core.handle_text(ADMIN, f"follow {page} all")
    assert not every.ok and "`all` already means every story" in every.text
    assert await store.feeds() == []
    reply = await core.handle_text(ADMIN, f"follow {page} science")
    assert "filed under `science`" in reply.text
    assert (await _only_feed(store)).topic is None  # a workspace's tag, not the feed's topic
    assert "filed under `science` here" in (await core.handle_text(READER, "following")).text


async def test_feeds_followed_elsewhere_are_not_listed_here(
    store: Store, fetcher: Fetcher, server: FeedServer
) -> None:
    """`/news feeds` shows the operator's feeds and this workspace's follows, not other ones'."""
    await store.add_feed("https://operator.example/rss", T0, topic="science")
    core = make_core(store, fetcher)
    await core.handle_text(ELSEWHERE, f"follow {serve_site(server)} science")
    here = await core.handle_text(READER, "feeds")
    there = await core.handle_text(ELSEWHERE, "feeds science")
    assert "operator.example" in here.text and "Harbour Gazette" not in here.text
    assert "operator.example" in there.text and "Harbour Gazette" in there.text


async def test_subscribe_with_a_followed_feed_s_url_makes_it_a_roundup_and_back(
    store: Store, fetcher: Fetcher, server: FeedServer, settings: Settings
) -> None:
    """`subscribe <feed> daily 08:00` turns this channel's follow into a roundup named by the feed;
    without a schedule it is instant again; `unsubscribe <feed>` unfollows it."""
    core = make_core(store, fetcher)
    page = serve_site(server)
    await core.handle_text(ADMIN, f"follow {page}")
    feed = await _only_feed(store)
    refused = await core.handle_text(OTHER, f"subscribe {feed.url} daily 08:00")
    assert not refused.ok and f"does not follow `{feed.url}`: `/news follow" in refused.text
    assert [s.channel for s in await store.subscriptions()] == ["C1"]
    reply = await core.handle_text(ADMIN, f"subscribe {feed.url} daily 08:00")
    assert reply.ok and not reply.ephemeral, reply.text
    assert reply.lines == (
        f"Updated: a roundup of Harbour Gazette ({feed.url}) stories here, daily 08:00 UTC.",
        "Next roundup: Sun 29 Nov 2026 08:00 UTC.",
    )
    listed = await core.handle_text(READER, "following")
    assert "; roundup daily 08:00 UTC" in listed.text
    poller, outbox = pipeline(store, fetcher, settings)
    await poller.poll_all(T0)
    serve_feed(server, [NEW, *OLD])
    await poller.poll_all(T0 + timedelta(minutes=10))
    assert await outbox.deliveries() == []  # a roundup: nothing instant
    await run_due_roundups(store, T0 + timedelta(days=1))
    [roundup] = await outbox.deliveries()
    payload = roundup.payload or {}
    assert payload["heading"] == f"Harbour Gazette ({feed.url}) roundup (daily 08:00 UTC)"
    assert len(payload["articles"]) == 1
    instant = await core.handle_text(ADMIN, f"subscribe {page}")  # a page of its site names it
    assert instant.lines == (
        f"Updated: Harbour Gazette ({feed.url}) here, instantly: "
        "each new story will be posted here as it arrives.",
    )
    [sub] = await store.subscriptions(NEWS)
    assert (sub.mode, sub.cron, sub.next_run_at) == ("instant", None, None)
    gone = await core.handle_text(ADMIN, f"unsubscribe {feed.url}")
    assert gone.ok and "Unfollowed Harbour Gazette" in gone.text and "no longer polled" in gone.text
    assert await store.subscriptions() == []


async def test_concurrent_follows_keep_the_quota_and_one_row_per_feed(
    backend: str, database_url: str, store: Store
) -> None:
    """Follows racing from several workers (stores with their own connections; PostgreSQL only,
    where several `newsbot run` share the database) pass the workspace quota exactly as often as
    it allows, and a feed first followed from several workspaces at once is one row."""
    workers = [store, *(Store(database_url) for _ in range(2 if backend == "postgresql" else 0))]

    async def one(n: int, where: ChannelRef, url: str) -> bool:
        done = await follow(
            workers[n % len(workers)],
            where,
            url,
            T0,
            title=None,
            topic=None,
            created_by="U1",
            max_feeds=2,
        )
        return done.refused is None

    try:
        quota = [
            one(n, ChannelRef("discord", "G1", f"C{n}"), f"https://f{n}.example/rss")
            for n in range(6)
        ]
        same = [
            one(n, ChannelRef("slack", f"T{n}", "C1"), "https://same.example/rss") for n in range(4)
        ]
        results = await asyncio.gather(*quota, *same)
    finally:
        for extra in workers[1:]:
            await extra.close()
    assert sum(results[:6]) == 2 and all(results[6:])
    assert len({s.topic for s in await store.subscriptions() if s.workspace == "G1"}) == 2
    assert len(await store.feeds()) == 3
