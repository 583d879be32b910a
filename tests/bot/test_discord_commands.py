"""`/news` on Discord end to end: the fake gateway sends INTERACTION_CREATE to the real discord.py
client; its deferral, follow-ups and command sync arrive at the fake REST server over 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import discord
import pytest
from discord import app_commands

from bot.commands.core import Core
from bot.commands.discord_commands import register_discord_commands
from bot.fetch import Fetcher
from bot.follows import feed_key
from bot.scheduler import utc_now
from bot.store import ChannelRef, Store
from digests import Digest
from tests.bot.commands_fixtures import RecordingRoundups, make_core
from tests.bot.conftest import make_settings
from tests.servers.discord_client import discord_endpoints, running_client
from tests.servers.discord_records import InteractionReply
from tests.servers.fake_discord import FakeDiscord
from tests.servers.feed_server import FeedServer, article_page, story_text
from tests.servers.loopback import wait_until

EPHEMERAL = 64


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A running fake Discord with discord.py's REST base and gateway pointed at it."""
    async with FakeDiscord() as fake:
        with discord_endpoints(fake.api_url, fake.gateway_url):
            yield fake


@asynccontextmanager
async def bot(fake: FakeDiscord, core: Core) -> AsyncIterator[app_commands.CommandTree[Any]]:
    """A connected discord.py client whose tree has the /news commands."""
    client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.05)
    tree: app_commands.CommandTree[Any] = app_commands.CommandTree(client)
    register_discord_commands(tree, core)
    async with running_client(client, fake.token):
        yield tree


def _news(fake: FakeDiscord) -> ChannelRef:
    return ChannelRef("discord", str(fake.guild.id), str(fake.guild.channel("news").id))


async def _replies(fake: FakeDiscord, payload: dict[str, Any]) -> list[InteractionReply]:
    """The callback and first follow-up of one interaction, once both have arrived."""
    mine = int(payload["id"])

    def of_it() -> list[InteractionReply]:
        return [r for r in fake.interaction_replies if r.interaction_id == mine]

    await wait_until(lambda: len(of_it()) >= 2, seconds=10)
    return of_it()


async def test_tree_sync_registers_the_news_group(
    fake_discord: FakeDiscord, store: Store, fetcher: Fetcher
) -> None:
    """Syncing puts one /news command with every subcommand and typed, autocompleted options."""
    async with bot(fake_discord, make_core(store, fetcher)) as tree:
        await tree.sync()
    [sync] = fake_discord.command_syncs
    [news] = sync.commands
    subs = {o["name"]: o for o in news["options"]}
    assert set(subs) == {
        "summary",
        "subscribe",
        "unsubscribe",
        "subscriptions",
        "topics",
        "digest",
        "feeds",
        "follow",
        "unfollow",
        "following",
        "filter",
        "ping",
        "help",
    }
    topic = next(o for o in subs["subscribe"]["options"] if o["name"] == "topic")
    assert (topic["type"], topic["required"], topic["autocomplete"]) == (3, True, True)
    private = next(o for o in subs["summary"]["options"] if o["name"] == "private")
    assert (private["type"], private.get("required", False)) == (5, False)


@pytest.mark.parametrize("manage_channels", [True, False])
async def test_subscribe_checks_manage_channels_itself(
    fake_discord: FakeDiscord, store: Store, fetcher: Fetcher, manage_channels: bool
) -> None:
    """Subscribe defers, then follows up: done with Manage Channels, refused without it."""
    async with bot(fake_discord, make_core(store, fetcher)):
        payload = await fake_discord.send_interaction(
            "subscribe",
            {"topic": "science", "schedule": "daily 08:00 Europe/Berlin"},
            manage_channels=manage_channels,
        )
        callback, followup = await _replies(fake_discord, payload)
    assert (callback.kind, callback.type) == ("callback", 5)
    assert followup.kind == "followup"
    subs = await store.subscriptions(_news(fake_discord))
    if manage_channels:
        assert "roundup of `science` stories here" in followup.body["content"]
        assert [s.topic for s in subs] == ["science"]
    else:
        assert "Only members with the Manage Channels permission" in followup.body["content"]
        assert subs == []
    assert followup.body["allowed_mentions"] == {"parse": []}


@pytest.mark.parametrize(
    ("subcommand", "options", "expected"),
    [
        ("help", {}, "/news subscribe <topic|feed> [schedule]"),
        ("topics", {}, "`science`: Research and discoveries"),
        ("subscriptions", {}, "This channel has no subscriptions"),
        ("feeds", {"topic": "world"}, "No feeds belong to `world`"),
        ("unsubscribe", {"topic": "wrold"}, "Did you mean `world`?"),
        ("subscribe", {"topic": "world", "schedule": "at noonish"}, "cannot read schedule"),
        ("summary", {"url": "not a link"}, "is not a URL"),
    ],
)
@pytest.mark.parametrize("manage_channels", [True, False])
async def test_each_command_defers_then_answers(
    fake_discord: FakeDiscord,
    store: Store,
    fetcher: Fetcher,
    subcommand: str,
    options: dict[str, str | int | float | bool],
    expected: str,
    manage_channels: bool,
) -> None:
    """Every subcommand defers (type 5) and answers in a follow-up; only changes need the right.

    Argument errors come first (as on Slack), so a bad schedule is named even to a member.
    """
    if subcommand == "unsubscribe" and not manage_channels:
        expected = "Only members with the Manage Channels permission can change"
    async with bot(fake_discord, make_core(store, fetcher)):
        payload = await fake_discord.send_interaction(
            subcommand, options, manage_channels=manage_channels
        )
        callback, followup = await _replies(fake_discord, payload)
    assert callback.type == 5
    assert expected in followup.body["content"]


async def test_reading_commands_answer_only_the_caller(
    fake_discord: FakeDiscord, store: Store, fetcher: Fetcher
) -> None:
    """Reading commands defer ephemerally; subscribe answers the channel."""
    async with bot(fake_discord, make_core(store, fetcher)):
        reading = await fake_discord.send_interaction("topics")
        read_callback, _ = await _replies(fake_discord, reading)
        change = await fake_discord.send_interaction(
            "subscribe", {"topic": "world"}, manage_channels=True
        )
        change_callback, _ = await _replies(fake_discord, change)
    assert read_callback.body["data"]["flags"] & EPHEMERAL
    assert not int(change_callback.body.get("data", {}).get("flags") or 0) & EPHEMERAL


async def test_topic_autocomplete_offers_matching_topics(
    fake_discord: FakeDiscord, store: Store, fetcher: Fetcher
) -> None:
    """Typing in the topic option gets the topic names that match, as choices."""
    async with bot(fake_discord, make_core(store, fetcher)):
        await fake_discord.send_interaction(
            "subscribe", {"topic": "sc"}, interaction_type=4, focused="topic"
        )
        await wait_until(lambda: bool(fake_discord.interaction_replies))
    [reply] = fake_discord.interaction_replies
    assert reply.type == 8
    assert reply.body["data"]["choices"] == [{"name": "science", "value": "science"}]


async def test_options_taking_a_topic_or_a_feed_offer_the_channels_followed_feeds_too(
    fake_discord: FakeDiscord, store: Store, fetcher: Fetcher
) -> None:
    """`/news ping` (like subscribe, unsubscribe and filter) offers the topics that match, then
    the feeds this channel follows, valued by their URL; another channel's follow is not offered."""
    now = utc_now()
    news = fake_discord.guild.channel("news")
    here = ChannelRef("discord", str(fake_discord.guild.id), str(news.id))
    elsewhere = ChannelRef("discord", str(fake_discord.guild.id), "1")
    mine, _ = await store.add_feed("https://scilog.example/feed.xml", now, origin="command")
    theirs, _ = await store.add_feed("https://scinews.example/rss", now, origin="command")
    await store.subscribe(here, feed_key(mine.id), now)
    await store.subscribe(elsewhere, feed_key(theirs.id), now)
    async with bot(fake_discord, make_core(store, fetcher)):
        await fake_discord.send_interaction(
            "ping", {"target": "sc"}, interaction_type=4, focused="target", channel=news
        )
        await wait_until(lambda: bool(fake_discord.interaction_replies))
    [reply] = fake_discord.interaction_replies
    assert reply.body["data"]["choices"] == [
        {"name": "science", "value": "science"},
        {"name": "https://scilog.example/feed.xml", "value": "https://scilog.example/feed.xml"},
    ]


async def test_digest_posts_roundup_embeds(
    fake_discord: FakeDiscord, store: Store, fetcher: Fetcher
) -> None:
    """`/news digest science` follows up with the roundup as embeds, in the channel."""
    story = Digest(title="Probe lands on the Moon", url="https://news.example/probe")
    core = make_core(store, fetcher, roundups=RecordingRoundups({"science": [story]}))
    async with bot(fake_discord, core):
        payload = await fake_discord.send_interaction("digest", {"topic": "science"})
        _, followup = await _replies(fake_discord, payload)
    assert followup.body["content"] == "Roundup: science"
    assert [e["title"] for e in followup.body["embeds"]] == ["Probe lands on the Moon"]


async def test_summary_redirecting_to_a_private_address_is_refused(
    fake_discord: FakeDiscord, store: Store, fetcher: Fetcher, server: FeedServer
) -> None:
    """A link that redirects to 127.0.0.2 (not allowed) gets a clear refusal, nothing fetched."""
    server.redirect("/go", server.url("/inside", host="127.0.0.2"))
    async with bot(fake_discord, make_core(store, fetcher)):
        payload = await fake_discord.send_interaction("summary", {"url": server.url("/go")})
        _, followup = await _replies(fake_discord, payload)
    assert "leads to a private network address" in followup.body["content"]
    assert server.hits["/inside"] == 0


async def test_summary_of_a_page_slower_than_the_ack_window_still_answers(
    fake_discord: FakeDiscord, store: Store, server: FeedServer, tmp_path: Path
) -> None:
    """A page that answers after 5 s: the deferral beats Discord's 3 s, the digest follows."""
    settings = make_settings(tmp_path, read_timeout=8.0, total_timeout=10.0)
    server.slow(
        "/slow", 5.0, body=article_page("Late ferry news", story_text(5)), content_type="text/html"
    )
    fetcher = Fetcher(settings)
    try:
        async with bot(fake_discord, make_core(store, fetcher)):
            payload = await fake_discord.send_interaction(
                "summary", {"url": server.url("/slow"), "private": True}
            )
            callback, followup = await _replies(fake_discord, payload)
    finally:
        await fetcher.aclose()
    # The fake answers a callback later than 3 s with 10062; this one was accepted.
    assert (callback.type, callback.body["data"]["flags"]) == (5, EPHEMERAL)
    assert followup.body["flags"] & EPHEMERAL
    [embed] = followup.body["embeds"]
    assert embed["title"] == "Late ferry news"


async def test_a_refused_follow_up_is_reported_in_one_line(
    fake_discord: FakeDiscord, store: Store, fetcher: Fetcher
) -> None:
    """If Discord rejects the answer (400 Invalid Form Body), the caller still gets a short line."""
    async with bot(fake_discord, make_core(store, fetcher)):
        payload = await fake_discord.send_interaction("topics")
        # Same event loop: the fault is in place before the bot can defer and follow up.
        webhook = f"/webhooks/{payload['application_id']}/{payload['token']}"
        fake_discord.fail("POST", webhook, status=400, code=50035, message="Invalid Form Body")
        mine = int(payload["id"])
        await wait_until(
            lambda: sum(r.interaction_id == mine for r in fake_discord.interaction_replies) >= 2
        )
    callback, notice = [r for r in fake_discord.interaction_replies if r.interaction_id == mine]
    assert callback.type == 5
    assert notice.body["content"] == "Sorry, Discord refused this reply (Invalid Form Body)."
    assert notice.body["flags"] & EPHEMERAL
