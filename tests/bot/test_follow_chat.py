"""`/news follow` end to end on both platforms: the real discord.py client against the fake Discord,
genuinely signed Slack commands to the bolt app, a loopback site, and a followed feed that fails
until it is disabled, whose notice reaches the fake channel once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.discord import DiscordAdapter
from bot.adapters.slack import SlackSender
from bot.fetch import Fetcher
from bot.follows import UNFOLLOWED, feed_key
from bot.settings import Settings
from bot.store import ChannelRef, Store
from tests.bot.commands_fixtures import T0, discord_followup, slack_ask
from tests.bot.delivery_helpers import worker
from tests.bot.follow_fixtures import fail_feed, pipeline, serve_site
from tests.servers.fake_discord import FakeDiscord
from tests.servers.fake_slack import FakeSlack
from tests.servers.feed_server import FeedServer
from tests.servers.loopback import wait_until

SLACK_NEWS = ChannelRef("slack", "T0NEWS", "C0NEWS")
EPHEMERAL = 64


async def _fail_until_disabled(
    store: Store, fetcher: Fetcher, settings: Settings, server: FeedServer
) -> None:
    poller, _outbox = pipeline(store, fetcher, settings)
    await poller.poll_all(T0)  # the first poll: silent
    fail_feed(server)
    for n in range(settings.max_failures + 1):
        await poller.poll_all(T0 + timedelta(hours=n + 1))


async def test_discord_follow_then_disabled_notice_reaches_the_channel_once(
    discord_bot: DiscordAdapter,
    fake_discord: FakeDiscord,
    store: Store,
    fetcher: Fetcher,
    settings: Settings,
    server: FeedServer,
) -> None:
    """Follow a page in #news; the feed later fails until disabled; one notice is posted there."""
    followup = await discord_followup(fake_discord, "follow", {"url": serve_site(server)})
    assert "Following Harbour Gazette" in followup.body["content"]
    assert "Newest: “Ferry returns to the harbour”" in followup.body["content"]
    assert not int(followup.body.get("flags") or 0) & EPHEMERAL
    listing = await discord_followup(fake_discord, "following", {})
    assert "`new` Harbour Gazette" in listing.body["content"]
    await _fail_until_disabled(store, fetcher, settings, server)
    _poller, outbox = pipeline(store, fetcher, settings)
    for n in range(2):  # a second pass has nothing left to send
        await worker(store, outbox, discord=discord_bot.sender).run_once(T0 + timedelta(days=n + 1))
    [message] = fake_discord.messages
    assert message.channel_id == fake_discord.guild.channel("news").id
    assert message.body["content"].startswith("Feed disabled: Harbour Gazette")
    assert "/news follow http://127.0.0.1" in message.body["content"]
    assert message.body["allowed_mentions"] == {"parse": []}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (None, "it leads to a private network address"),
        ("/plain", "I found no feed at"),
    ],
)
async def test_discord_follow_refusals_are_one_line(
    discord_bot: DiscordAdapter,
    fake_discord: FakeDiscord,
    store: Store,
    server: FeedServer,
    path: str | None,
    expected: str,
) -> None:
    """A private address and a site without any feed are each refused in one line."""
    server.static(
        "/plain",
        b"<!doctype html><html><head></head><body>x</body></html>",
        content_type="text/html",
    )
    url = server.url(path) if path else server.url("/feed", host="127.0.0.2")
    followup = await discord_followup(fake_discord, "follow", {"url": url})
    assert expected in followup.body["content"] and "\n" not in followup.body["content"]
    assert await store.feeds() == []


async def test_slack_follow_following_unfollow_and_the_disabled_notice(
    fake_slack: FakeSlack,
    slack_events: str,
    store: Store,
    fetcher: Fetcher,
    settings: Settings,
    server: FeedServer,
) -> None:
    """Signed commands follow a page; the notice goes to the channel once; unfollow removes it."""
    page = serve_site(server)
    private = await slack_ask(fake_slack, slack_events, "follow http://127.0.0.2/feed")
    assert "private network address" in private["text"] and private["response_type"] == "ephemeral"
    body = await slack_ask(fake_slack, slack_events, f"follow {page}")
    assert body["response_type"] == "in_channel"
    assert "Following Harbour Gazette" in body["text"] and "Newest:" in body["text"]
    [feed] = await store.feeds()
    assert [s.topic for s in await store.subscriptions(SLACK_NEWS)] == [feed_key(feed.id)]
    await _fail_until_disabled(store, fetcher, settings, server)
    _poller, outbox = pipeline(store, fetcher, settings)
    sender = SlackSender(AsyncWebClient(token=fake_slack.token, base_url=fake_slack.api_url))
    sender.channel_interval = 0.01
    for n in range(2):
        await worker(store, outbox, slack=sender).run_once(T0 + timedelta(days=n + 1))
    [post] = [p for p in fake_slack.posts if p.method == "chat.postMessage"]
    assert post.channel == "C0NEWS" and (post.text or "").startswith(
        "Feed disabled: Harbour Gazette"
    )
    listing = await slack_ask(fake_slack, slack_events, "following")
    assert "`disabled` Harbour Gazette" in listing["text"]
    gone = await slack_ask(fake_slack, slack_events, f"unfollow {feed.url}")
    assert "no longer polled" in gone["text"]
    assert await store.subscriptions(SLACK_NEWS) == []
    assert [f.disabled_reason for f in await store.feeds()] == [UNFOLLOWED]


async def test_discord_unfollow_offers_this_channel_s_feeds(
    discord_bot: DiscordAdapter, fake_discord: FakeDiscord, store: Store, server: FeedServer
) -> None:
    """Typing in unfollow's url option lists the channel's feeds by name; unfollow takes it."""
    await discord_followup(fake_discord, "follow", {"url": serve_site(server)})
    await fake_discord.send_interaction(
        "unfollow", {"url": "harb"}, interaction_type=4, focused="url", manage_channels=True
    )
    await wait_until(lambda: any(r.type == 8 for r in fake_discord.interaction_replies))
    [choices] = [r for r in fake_discord.interaction_replies if r.type == 8]
    feed_url = server.url("/news/feed.xml")
    assert choices.body["data"]["choices"] == [
        {"name": f"Harbour Gazette ({feed_url})", "value": feed_url}
    ]
    followup = await discord_followup(fake_discord, "unfollow", {"url": feed_url})
    assert "Unfollowed Harbour Gazette" in followup.body["content"]
    assert await store.subscriptions() == []


async def test_slack_subscribe_makes_a_followed_feed_a_roundup(
    fake_slack: FakeSlack, slack_events: str, store: Store, server: FeedServer
) -> None:
    """A signed `/news subscribe <feed> weekdays 09:30 Europe/Berlin` schedules this channel's
    follow as a roundup, told to the channel; `/news unsubscribe <feed>` unfollows it."""
    await slack_ask(fake_slack, slack_events, f"follow {serve_site(server)}")
    [feed] = await store.feeds()
    body = await slack_ask(
        fake_slack, slack_events, f"subscribe <{feed.url}> weekdays 09:30 Europe/Berlin"
    )
    assert body["response_type"] == "in_channel"
    assert body["text"].startswith(f"Updated: a roundup of Harbour Gazette ({feed.url}) stories")
    [sub] = await store.subscriptions(SLACK_NEWS)
    assert (sub.topic, sub.mode, sub.cron, sub.timezone) == (
        feed_key(feed.id),
        "roundup",
        "30 9 * * mon-fri",
        "Europe/Berlin",
    )
    gone = await slack_ask(fake_slack, slack_events, f"unsubscribe {feed.url}")
    assert gone["response_type"] == "in_channel" and "Unfollowed Harbour Gazette" in gone["text"]
    assert await store.subscriptions(SLACK_NEWS) == []
