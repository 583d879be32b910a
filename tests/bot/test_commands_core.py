"""The platform-neutral command core, called directly: permissions, replies, store effects."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from bot.commands.core import ArticleRoundups, Core
from bot.fetch import Fetcher
from bot.schedules import parse_schedule
from bot.store import ChannelRef, Store, Subscription
from digests import Digest
from tests.bot.commands_fixtures import (
    ADMIN,
    READER,
    T0,
    RecordingRoundups,
    add_article,
    hours,
    make_core,
)

NEWS = ChannelRef("discord", "G1", "C1")


@pytest.fixture
def core(store: Store, fetcher: Fetcher) -> Core:
    """A core over the test store with the clock at T0."""
    return make_core(store, fetcher)


async def test_help_lists_every_subcommand(core: Core) -> None:
    """`/news help` (and a bare `/news`) lists the commands."""
    for words in ("help", ""):
        reply = await core.handle_text(READER, words)
        for name in ("summary", "subscribe", "unsubscribe", "subscriptions", "topics", "digest"):
            assert f"/news {name}" in reply.text


async def test_unknown_subcommand_suggests_the_closest(core: Core) -> None:
    """A misspelt subcommand gets a short reply naming the likely one."""
    reply = await core.handle_text(READER, "subscirbe world")
    assert not reply.ok and "Did you mean `subscribe`?" in reply.text


async def test_subscribe_needs_permission_and_changes_nothing(core: Core, store: Store) -> None:
    """A caller without manage permission is refused and no subscription is stored."""
    reply = await core.handle_text(READER, "subscribe world")
    assert (
        not reply.ok
        and "Only members with permission to manage the channel can change" in reply.text
    )
    assert await store.subscriptions(NEWS) == []


async def test_subscribe_instant_confirms_and_stores(core: Core, store: Store) -> None:
    """Subscribing without a schedule is instant and says so, in the channel."""
    reply = await core.handle_text(ADMIN, "subscribe World")
    assert reply.ok and not reply.ephemeral
    assert "`world` here, instantly" in reply.text
    [sub] = await store.subscriptions(NEWS)
    assert (sub.topic, sub.mode, sub.created_by) == ("world", "instant", "U1")


async def test_subscribe_all_is_every_story(core: Core, store: Store) -> None:
    """`all` is accepted like in the config file: a subscription to every story."""
    reply = await core.handle_text(ADMIN, "subscribe all")
    assert reply.ok
    [sub] = await store.subscriptions(NEWS)
    assert sub.topic == "all"


async def test_subscribe_roundup_gives_next_run_in_its_timezone(core: Core, store: Store) -> None:
    """A roundup subscription confirms the schedule and the next run in local time and UTC."""
    reply = await core.handle_text(ADMIN, "subscribe science daily 08:00 Europe/Berlin")
    assert "roundup of `science` stories here, daily 08:00 Europe/Berlin" in reply.text
    assert "Next roundup: Sun 29 Nov 2026 08:00 CET (2026-11-29 07:00 UTC)." in reply.text
    [sub] = await store.subscriptions(NEWS)
    assert (sub.mode, sub.cron, sub.timezone) == ("roundup", "0 8 * * *", "Europe/Berlin")


async def test_unknown_topic_names_the_closest_matches(core: Core, store: Store) -> None:
    """An unknown topic is refused with the nearest topic names."""
    reply = await core.handle_text(ADMIN, "subscribe scince")
    assert not reply.ok
    assert "Unknown topic `scince`. Did you mean `science`?" in reply.text
    assert await store.subscriptions(NEWS) == []


async def test_unparseable_schedule_gives_examples(core: Core) -> None:
    """A schedule that cannot be read is refused with examples of ones that can."""
    reply = await core.handle_text(ADMIN, "subscribe world now-ish please")
    assert not reply.ok
    assert "cannot read schedule 'now-ish please'" in reply.text
    assert "daily 08:00" in reply.text and "weekdays 09:30" in reply.text


async def test_unknown_timezone_is_named(core: Core) -> None:
    """An unknown timezone is refused with an example of a valid one."""
    reply = await core.handle_text(ADMIN, "subscribe world daily 08:00 Mars/Olympus_Mons")
    assert not reply.ok
    assert "unknown timezone 'Mars/Olympus_Mons'" in reply.text and "Europe/Berlin" in reply.text


async def test_unsubscribe_needs_permission(core: Core, store: Store) -> None:
    """Unsubscribing is a change: refused without permission, the subscription stays."""
    await store.subscribe(NEWS, "world", T0)
    reply = await core.handle_text(READER, "unsubscribe world")
    assert not reply.ok and len(await store.subscriptions(NEWS)) == 1


async def test_unsubscribe_removes_or_explains(core: Core, store: Store) -> None:
    """Unsubscribe removes a subscription; a second time says there is none."""
    await store.subscribe(NEWS, "world", T0)
    assert "Unsubscribed" in (await core.handle_text(ADMIN, "unsubscribe world")).text
    assert await store.subscriptions(NEWS) == []
    again = await core.handle_text(ADMIN, "unsubscribe world")
    assert not again.ok and "not subscribed to `world`" in again.text
    unknown = await core.handle_text(ADMIN, "unsubscribe wrold")
    assert "Did you mean `world`?" in unknown.text


async def test_unsubscribe_works_for_a_topic_no_longer_configured(core: Core, store: Store) -> None:
    """A subscription to a topic dropped from the config can still be removed."""
    await store.subscribe(NEWS, "sport", T0)
    assert (await core.handle_text(ADMIN, "unsubscribe sport")).ok
    assert await store.subscriptions(NEWS) == []


async def test_subscriptions_show_mode_schedule_next_run_and_pause(
    core: Core, store: Store
) -> None:
    """Reading subscriptions is open and shows mode, schedule, next run and a pause reason."""
    empty = await core.handle_text(READER, "subscriptions")
    assert "no subscriptions" in empty.text
    await core.handle_text(ADMIN, "subscribe world")
    await core.handle_text(ADMIN, "subscribe science weekdays 09:30")
    await store.pause_channel(NEWS, "Missing Access (50001)")
    reply = await core.handle_text(READER, "subscriptions")
    assert reply.ok and reply.ephemeral
    science, world = reply.lines[1:]
    assert science.startswith("`science`: roundup weekdays 09:30 UTC, next Mon 30 Nov 2026 09:30")
    assert world.startswith("`world`: instant")
    assert "PAUSED: Missing Access (50001)" in world


async def test_topics_have_descriptions_and_a_recent_headline(core: Core, store: Store) -> None:
    """Each topic has its description; a topic with a stored matching story shows its headline."""
    await add_article(store, "Old telescope news", "The telescope saw a probe.", at=T0 - hours(3))
    await add_article(store, "New telescope finds a comet", "The telescope and probe found it.")
    reply = await core.handle_text(READER, "topics")
    lines = {line.split("`")[1]: line for line in reply.lines[1:]}
    assert set(lines) == {"world", "science", "technology"}
    assert "Research and discoveries. Recent: “New telescope finds a comet”" in lines["science"]
    assert "Recent" not in lines["world"]


async def test_feeds_show_health(core: Core, store: Store) -> None:
    """Feeds list state, last success, last error and a disabled reason."""
    ok, _ = await store.add_feed("https://a.example/rss", T0, topic="science")
    bad, _ = await store.add_feed("https://b.example/rss", T0)
    async with store.transaction() as tx:
        (await tx.feed(ok.id)).last_success_at = T0 - hours(1)
        row = await tx.feed(bad.id)
        row.last_error, row.disabled_reason = "HTTP 404", "10 failures in a row"
    science = await core.handle_text(READER, "feeds science")
    assert science.lines[1:] == ("`ok` https://a.example/rss; last success 2026-11-28 11:00 UTC",)
    every = await core.handle_text(READER, "feeds")
    assert "`disabled` https://b.example/rss; never fetched; last error: HTTP 404; " in every.text
    assert "disabled: 10 failures in a row" in every.text
    assert "No feeds belong to `world`" in (await core.handle_text(READER, "feeds world")).text


async def test_digest_posts_the_injected_roundup_in_channel(store: Store, fetcher: Fetcher) -> None:
    """`digest <topic>` asks the roundup builder for now and posts its stories in the channel."""
    story = Digest(title="Probe lands", url="https://news.example/probe")
    roundups = RecordingRoundups({"science": [story]})
    core = make_core(store, fetcher, roundups=roundups)
    reply = await core.handle_text(READER, "digest science")
    assert roundups.calls == [("science", T0 - hours(24), T0)]
    [post] = reply.roundups
    assert (post.heading, post.digests, reply.ephemeral) == ("Roundup: science", (story,), False)


async def test_digest_without_topic_uses_the_channel_topics(store: Store, fetcher: Fetcher) -> None:
    """A bare `digest` covers each topic the channel follows; an empty one is said, not posted."""
    roundups = RecordingRoundups({"science": [Digest(title="Probe lands")]})
    core = make_core(store, fetcher, roundups=roundups)
    assert "follows no topics" in (await core.handle_text(READER, "digest")).text
    await store.subscribe(NEWS, "world", T0)
    await store.subscribe(NEWS, "science", T0)
    reply = await core.handle_text(READER, "digest")
    assert [c[0] for c in roundups.calls] == ["science", "world"]
    assert reply.lines == ("No recent stories for `world`.",)
    assert [p.heading for p in reply.roundups] == ["Roundup: science"]


async def test_digest_of_a_roundup_subscription_covers_the_time_since_its_last_run(
    store: Store, fetcher: Fetcher
) -> None:
    """For a channel's roundup topic, `digest` asks for the stories since its last roundup."""
    roundups = RecordingRoundups({})
    core = make_core(store, fetcher, roundups=roundups)
    await store.subscribe(NEWS, "science", T0 - hours(48), schedule=parse_schedule("hourly"))
    async with store.transaction() as tx:
        [sub] = (await tx.session.scalars(select(Subscription))).all()
        sub.last_run_at = T0 - hours(1)
    await core.handle_text(READER, "digest science")
    assert roundups.calls == [("science", T0 - hours(1), T0)]


async def test_default_roundups_rank_the_topic_stories_of_the_period(
    store: Store, fetcher: Fetcher
) -> None:
    """Without an injected builder, `/news digest` uses the delivery ranking over stored stories."""
    await add_article(store, "Telescope sees a comet", "The telescope and probe.")
    await add_article(store, "Chip sales up", "Chip makers sold more chip designs.")
    await add_article(store, "Old telescope story", "telescope probe", at=T0 - hours(30))
    stories = await ArticleRoundups(store).stories("science", T0 - hours(24), T0)
    assert [d.title for d in stories] == ["Telescope sees a comet"]
    reply = await make_core(store, fetcher).handle_text(READER, "digest science")
    [post] = reply.roundups
    assert [d.title for d in post.digests] == ["Telescope sees a comet"]


async def test_a_crashing_dependency_becomes_a_short_reply(store: Store, fetcher: Fetcher) -> None:
    """A bug below the core is logged; the caller gets a one-line apology, not a traceback."""

    class Broken:
        async def stories(
            self,
            topic: str,
            since: object,
            until: object,
            keep: object = None,
            where: object = None,
        ) -> list[Digest]:
            raise RuntimeError("boom")

    core = make_core(store, fetcher, roundups=Broken())
    reply = await core.handle_text(READER, "digest world")
    assert not reply.ok and reply.lines == (
        "Sorry, something went wrong on my side; the error is logged.",
    )


async def test_a_database_failure_is_a_short_reply(core: Core, store: Store) -> None:
    """A write that the database refuses is answered with one line, no SQL in the chat."""
    async with store.transaction() as tx:
        await tx.session.execute(text("DROP TABLE subscriptions"))
    reply = await core.handle_text(ADMIN, "subscribe world")
    assert reply.lines == ("Sorry, the database is not available right now; try again shortly.",)
