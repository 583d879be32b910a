"""Delivery end-to-end with the real discord.py client against the fake Discord (REST + gateway)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.adapters.discord import DiscordAdapter
from bot.deliver import nonce
from bot.outbox import Outbox
from bot.settings import Settings
from bot.store import ChannelRef, Store
from tests.bot.conftest import make_settings
from tests.bot.delivery_helpers import T0, china_text, starter_topics, store_story
from tests.bot.delivery_helpers import worker as make_worker
from tests.servers.fake_discord import FakeDiscord


@pytest.fixture
async def adapter(fake_discord: FakeDiscord, tmp_path: Path) -> AsyncIterator[DiscordAdapter]:
    """The bot's Discord adapter, connected to the fake."""
    settings = make_settings(
        tmp_path,
        discord_token=fake_discord.token,
        discord_api_url=fake_discord.api_url,
        discord_gateway_url=fake_discord.gateway_url,
    )
    discord_adapter = DiscordAdapter(settings, guild_ready_timeout=0.05)
    discord_adapter.sender.channel_interval = 0.01  # pacing is tested on its own; keep tests fast
    await discord_adapter.start(ready_within=10)
    try:
        yield discord_adapter
    finally:
        await discord_adapter.close()


@pytest.fixture
def outbox(store: Store) -> Outbox:
    """An outbox over the test store with the starter topics."""
    return Outbox(store, starter_topics())


def _news(fake: FakeDiscord) -> ChannelRef:
    return ChannelRef("discord", str(fake.guild.id), str(fake.guild.channel("news").id))


async def _owe_one(store: Store, outbox: Outbox, where: ChannelRef, seed: int = 1) -> str:
    await store.subscribe(where, "world", T0)
    title, text = china_text(seed)
    await store_story(store, outbox, T0, slug=f"d{seed}", title=title, text=text)
    return title


async def test_story_arrives_as_embed_with_nonce_and_no_mentions(
    store: Store, outbox: Outbox, adapter: DiscordAdapter, fake_discord: FakeDiscord
) -> None:
    """The message has the digest embed, allowed_mentions none and the delivery's enforced nonce."""
    where = _news(fake_discord)
    title = await _owe_one(store, outbox, where)
    summary = await make_worker(store, outbox, discord=adapter.sender).run_once(T0)
    [message] = fake_discord.messages
    [row] = await outbox.deliveries()
    assert summary.sent == 1 and row.status == "sent"
    assert message.channel_id == int(where.channel)
    assert message.body["embeds"][0]["title"] == title
    assert message.body["allowed_mentions"] == {"parse": []}
    assert message.body["nonce"] == nonce(row.id, 0) and message.body["enforce_nonce"] is True
    assert row.message_ids == [str(message.message_id)]


async def test_rate_limit_retry_after_is_honoured(
    store: Store, outbox: Outbox, adapter: DiscordAdapter, fake_discord: FakeDiscord
) -> None:
    """A 429 with retry_after 0.3 is waited out before the one successful post."""
    where = _news(fake_discord)
    await _owe_one(store, outbox, where)
    path = f"/channels/{where.channel}/messages"
    fake_discord.rate_limit("POST", path, retry_after=0.3)
    await make_worker(store, outbox, discord=adapter.sender).run_once(T0)
    limited, accepted = [r for r in fake_discord.requests if r.path == path]
    assert (limited.status, accepted.status) == (429, 200)
    assert accepted.at - limited.at >= 0.3
    assert len(fake_discord.messages) == 1


async def test_response_lost_after_send_then_restart_does_not_duplicate(
    store: Store, outbox: Outbox, adapter: DiscordAdapter, fake_discord: FakeDiscord
) -> None:
    """Discord creates the message but the reply is lost; the retry (same nonce) posts nothing new."""
    where = _news(fake_discord)
    await _owe_one(store, outbox, where)
    fake_discord.lose_response("POST", f"/channels/{where.channel}/messages")
    first = await make_worker(store, outbox, discord=adapter.sender).run_once(T0)
    [row] = await outbox.deliveries()
    assert first.retrying == 1 and row.status == "pending" and row.attempts == 1
    # A new worker (a restart) picks the pending row up when it is due.
    later = row.next_attempt_at + timedelta(seconds=1)
    await make_worker(store, outbox, discord=adapter.sender).run_once(later)
    [message] = fake_discord.messages
    [row] = await outbox.deliveries()
    assert row.status == "sent" and row.message_ids == [str(message.message_id)]


async def test_worker_killed_between_send_and_record_then_restarted_posts_once(
    store: Store, outbox: Outbox, adapter: DiscordAdapter, fake_discord: FakeDiscord
) -> None:
    """The process dies right after Discord accepted the message; the restart resends the nonce only."""
    where = _news(fake_discord)
    await _owe_one(store, outbox, where)

    class DiesAfterSend:
        platform = "discord"
        channel_interval = 0.0
        global_interval = 0.0
        render_digest = adapter.sender.render_digest
        render_roundup = adapter.sender.render_roundup
        render_notice = adapter.sender.render_notice

        async def send(self, where, payload, *, key):
            await adapter.sender.send(where, payload, key=key)
            raise asyncio.CancelledError  # killed before the id is recorded

    with pytest.raises(asyncio.CancelledError):
        await make_worker(store, outbox, discord=DiesAfterSend()).run_once(T0)
    [row] = await outbox.deliveries()
    assert row.status == "pending" and len(fake_discord.messages) == 1
    await make_worker(store, outbox, discord=adapter.sender).run_once(T0)
    [row] = await outbox.deliveries()
    assert row.status == "sent" and len(fake_discord.messages) == 1
    posts = [
        r for r in fake_discord.requests if r.method == "POST" and r.path.endswith("/messages")
    ]
    assert len(posts) == 2 and row.message_ids == [str(fake_discord.messages[0].message_id)]


async def test_outage_of_minutes_loses_nothing(
    store: Store, outbox: Outbox, adapter: DiscordAdapter, fake_discord: FakeDiscord
) -> None:
    """Twenty minutes of 503s (clock injected): retries back off, and every story arrives once."""
    where = _news(fake_discord)
    for seed in (1, 2, 3):
        await _owe_one(store, outbox, where, seed)
    fake_discord.start_outage(503)
    worker = make_worker(store, outbox, discord=adapter.sender)
    now = T0
    for _ in range(20):  # one look a minute
        await worker.run_once(now)
        now += timedelta(minutes=1)
    rows = await outbox.deliveries()
    assert all(r.status == "pending" for r in rows) and fake_discord.messages == []
    assert 1 < rows[0].attempts < 20  # backed off, not hammered every minute
    fake_discord.end_outage()
    for _ in range(30):
        if all(r.status == "sent" for r in await outbox.deliveries()):
            break
        await worker.run_once(now)
        now += timedelta(minutes=1)
    assert [r.status for r in await outbox.deliveries()] == ["sent"] * 3
    assert len(fake_discord.messages) == 3


async def test_missing_access_pauses_subscription_with_reason(
    store: Store, outbox: Outbox, adapter: DiscordAdapter, fake_discord: FakeDiscord
) -> None:
    """403 Missing Access (50001) pauses the channel's subscriptions and fails the delivery, with why."""
    where = _news(fake_discord)
    await _owe_one(store, outbox, where)
    fake_discord.forbid_channel(int(where.channel))
    summary = await make_worker(store, outbox, discord=adapter.sender).run_once(T0)
    [sub] = await store.subscriptions(where)
    [row] = await outbox.deliveries()
    assert summary.failed == 1 and fake_discord.messages == []
    assert sub.paused_reason is not None and "50001" in sub.paused_reason
    assert row.status == "failed" and row.last_error == sub.paused_reason


async def test_hidden_configured_channel_is_reported_at_start(
    adapter: DiscordAdapter, fake_discord: FakeDiscord
) -> None:
    """A configured channel the bot cannot see gets one line naming the fix."""
    secret = ChannelRef(
        "discord", str(fake_discord.guild.id), str(fake_discord.guild.channel("secret").id)
    )
    [line] = await adapter.check_channels([_news(fake_discord), secret])
    assert secret.channel in line and "View Channel" in line


async def test_newsbot_run_once_posts_seed_digests_to_a_discord_channel(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    """`run --once` with DISCORD_TOKEN set: the poll's stories reach the subscribed channel once each."""
    from bot.app import open_app
    from bot.config import load_config
    from bot.runner import run_bot

    settings, config_path = _seeds_to_news(fake_discord, tmp_path)
    async with open_app(settings, load_config(config_path), T0) as app:
        summary = await run_bot(app, once=True, clock=lambda: T0)
    titles = [m.body["embeds"][0]["title"] for m in fake_discord.messages]
    assert summary is not None and summary.sent == len(titles) == 5
    assert any("Small lunar probe" in t for t in titles)
    assert len({m.body["nonce"] for m in fake_discord.messages}) == 5


async def test_deliver_role_sends_over_rest_without_a_gateway_session(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    """`--role deliver` posts what `--role poll` owed, and never identifies on the gateway."""
    from bot.app import open_app
    from bot.config import load_config
    from bot.runner import run_bot

    settings, config_path = _seeds_to_news(fake_discord, tmp_path)
    async with open_app(settings, load_config(config_path), T0) as app:
        await run_bot(app, once=True, role="poll", clock=lambda: T0)
        assert fake_discord.messages == []
        summary = await run_bot(app, once=True, role="deliver", clock=lambda: T0)
    assert summary is not None and summary.sent == len(fake_discord.messages) == 5
    assert not fake_discord.identified.is_set()


def _seeds_to_news(fake_discord: FakeDiscord, tmp_path: Path) -> tuple[Settings, Path]:
    """Settings for the fake Discord and a config: seeds/ (backfilled) → #news, every topic."""
    from tests.conftest import SEEDS

    where = _news(fake_discord)
    config_path = tmp_path / "newsbot.toml"
    config_path.write_text(
        f'topics_file = "{SEEDS.parent / "config" / "topics.toml"}"\n'
        f'[[feeds]]\npath = "{SEEDS}"\nbackfill = 100\n'
        f'[[subscriptions]]\nplatform = "discord"\nworkspace = "{where.workspace}"\n'
        f'channel = "{where.channel}"\ntopic = "all"\n'
    )
    settings = make_settings(
        tmp_path,
        discord_token=fake_discord.token,
        discord_api_url=fake_discord.api_url,
        discord_gateway_url=fake_discord.gateway_url,
        channel_interval=0.05,
    )
    return settings, config_path
