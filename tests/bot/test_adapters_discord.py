"""The Discord adapter's start-up: one clear line per problem, and the hook for slash commands."""

from __future__ import annotations

from pathlib import Path

import discord
import pytest
from discord import app_commands
from discord.http import Route

from bot.adapters.discord import DiscordAdapter
from bot.errors import StartupError
from tests.bot.conftest import make_settings
from tests.servers.fake_discord import FakeDiscord


def _adapter(fake: FakeDiscord, tmp_path: Path, **options: object) -> DiscordAdapter:
    settings = make_settings(
        tmp_path,
        discord_token=str(options.pop("token", fake.token)),
        discord_api_url=fake.api_url,
        discord_gateway_url=fake.gateway_url,
    )
    return DiscordAdapter(settings, guild_ready_timeout=0.05, **options)  # type: ignore[arg-type]


async def test_invalid_token_is_one_line_naming_discord_token(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    """A 401 on login stops start-up with one line that says which setting to fix."""
    adapter = _adapter(fake_discord, tmp_path, token="wrong-token")
    try:
        with pytest.raises(StartupError) as error:
            await adapter.start(ready_within=10)
    finally:
        await adapter.close()
    assert "DISCORD_TOKEN" in str(error.value) and "401" in str(error.value)
    assert "\n" not in str(error.value)


async def test_disallowed_intents_close_4014_is_one_line(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    """Asking for privileged intents the app lacks (close 4014) names the portal setting."""
    adapter = _adapter(fake_discord, tmp_path, intents=discord.Intents.all())
    try:
        with pytest.raises(StartupError) as error:
            await adapter.start(ready_within=10)
    finally:
        await adapter.close()
    assert "4014" in str(error.value) and "Privileged Gateway Intents" in str(error.value)


async def test_default_client_asks_for_no_privileged_intent(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    """The bot identifies with the guilds intent only (no members, presences or message content)."""
    adapter = _adapter(fake_discord, tmp_path)
    try:
        await adapter.start(ready_within=10)
    finally:
        await adapter.close()
    assert [i["intents"] for i in fake_discord.identifies] == [discord.Intents(guilds=True).value]


async def test_setup_hooks_add_commands_that_are_synced_at_start(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    """A setup callable registers a /news group on the tree; start-up syncs it to Discord."""

    def add_news(tree: app_commands.CommandTree[discord.Client]) -> None:
        tree.add_command(app_commands.Group(name="news", description="News digests"))

    adapter = _adapter(fake_discord, tmp_path, setups=[add_news])
    try:
        await adapter.start(ready_within=10)
    finally:
        await adapter.close()
    [sync] = fake_discord.command_syncs
    assert [c["name"] for c in sync.commands] == ["news"]


async def test_close_restores_discord_urls(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    """The process-wide REST base is put back when the adapter closes."""
    before = Route.BASE
    adapter = _adapter(fake_discord, tmp_path)
    adapter_base = Route.BASE
    await adapter.close()
    assert adapter_base == fake_discord.api_url and before == Route.BASE
