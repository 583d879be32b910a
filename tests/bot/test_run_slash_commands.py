"""`newsbot run` mounts the slash commands: a signed Slack `/news` reaches the running bot's web app."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp

from bot.adapters.discord import DiscordAdapter
from bot.app import open_app
from bot.commands.wiring import command_extensions
from bot.config import load_config
from bot.runner import run_bot
from bot.scheduler import utc_now
from bot.store import ChannelRef
from tests.bot.conftest import make_settings
from tests.conftest import SEEDS
from tests.servers.fake_discord import FakeDiscord
from tests.servers.fake_slack import FakeSlack
from tests.servers.loopback import wait_until
from tests.servers.slack_signing import signed_slash_command

SECRET = "run-test-signing-secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_running_bot_serves_news_on_slack_events_next_to_healthz(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    """The composition `newsbot run` uses: /healthz and a signed `/news subscribe` on one port."""
    settings = make_settings(
        tmp_path,
        tick=0.2,
        delivery_tick=0.1,
        http_host="127.0.0.1",
        slack_bot_token=fake_slack.token,
        slack_signing_secret=SECRET,
        slack_api_url=fake_slack.api_url,
        slack_admins="anyone",
    )
    config = load_config(SEEDS.parent / "config" / "newsbot.toml")
    port = _free_port()
    stop = asyncio.Event()
    async with open_app(settings, config, utc_now()) as app:
        task = asyncio.create_task(
            run_bot(app, stop=stop, extensions=command_extensions(app), web_port=port)
        )
        try:
            base = f"http://127.0.0.1:{port}"
            async with aiohttp.ClientSession() as session, asyncio.timeout(30):
                while True:  # the web app comes up after the adapters start
                    assert not task.done(), task
                    try:
                        async with session.get(f"{base}/healthz") as health:
                            if health.status in (200, 503):
                                break
                    except aiohttp.ClientConnectionError:
                        await asyncio.sleep(0.05)
                request = signed_slash_command(
                    SECRET, "subscribe science", response_url=fake_slack.response_url("r1")
                )
                async with session.post(
                    f"{base}/slack/events", data=request.body, headers=request.headers
                ) as response:
                    assert response.status == 200
                await wait_until(lambda: len(fake_slack.responses) == 1)
            assert "science" in fake_slack.responses[0].body["text"]
            subs = await app.store.subscriptions(ChannelRef("slack", "T0NEWS", "C0NEWS"))
            assert [s.topic for s in subs] == ["science"]
        finally:
            stop.set()
            async with asyncio.timeout(15):
                await task


async def test_news_group_is_synced_by_the_discord_adapter(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """`command_extensions` hands the Discord adapter the /news group, synced on start."""
    settings = make_settings(
        tmp_path,
        discord_token=fake_discord.token,
        discord_api_url=fake_discord.api_url,
        discord_gateway_url=fake_discord.gateway_url,
    )
    config = load_config(SEEDS.parent / "config" / "newsbot.toml")
    async with open_app(settings, config, utc_now()) as app:
        ext = command_extensions(app)
        adapter = DiscordAdapter(settings, setups=ext.discord_setups, guild_ready_timeout=0.05)
        try:
            await adapter.start(ready_within=10)
        finally:
            await adapter.close()
    [sync] = fake_discord.command_syncs
    [news] = sync.commands
    assert news["name"] == "news"
    assert {o["name"] for o in news["options"]} >= {"summary", "subscribe", "subscriptions"}
