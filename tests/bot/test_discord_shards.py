"""Discord sharding: the real discord.py AutoShardedClient against the fake gateway's shards."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.adapters.discord import DiscordAdapter, ShardedClient
from bot.commands.discord_commands import register_discord_commands
from bot.errors import ConfigError
from bot.fetch import Fetcher
from bot.settings import load_settings
from bot.store import ChannelRef, Store
from tests.bot.commands_fixtures import make_core
from tests.bot.conftest import make_settings
from tests.servers.discord_payloads import FakeChannel, FakeGuild, snowflake
from tests.servers.fake_discord import FakeDiscord
from tests.servers.loopback import wait_until


def _guild_on_shard(shard: int, count: int, name: str) -> FakeGuild:
    """A guild whose id Discord routes to `shard` of `count`: (id >> 22) % count == shard."""
    fresh = snowflake()
    ms = fresh >> 22
    ms += (shard - ms % count) % count
    return FakeGuild((ms << 22) | (fresh & 0x3FFFFF), name, (FakeChannel(snowflake(), "news"),))


GUILDS = (_guild_on_shard(0, 2, "Zero"), _guild_on_shard(1, 2, "One"))


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A fake Discord recommending 2 shards, with one guild on each."""
    async with FakeDiscord(guilds=GUILDS, shards=2, max_concurrency=2) as fake:
        yield fake


def _adapter(
    fake: FakeDiscord, tmp_path: Path, core_store: Store, fetcher: Fetcher, **sharding: str
) -> DiscordAdapter:
    settings = make_settings(
        tmp_path,
        discord_token=fake.token,
        discord_api_url=fake.api_url,
        discord_gateway_url=fake.gateway_url,
        **sharding,
    )
    core = make_core(core_store, fetcher)
    adapter = DiscordAdapter(
        settings,
        setups=[lambda tree: register_discord_commands(tree, core)],
        guild_ready_timeout=0.05,
    )
    adapter.sender.channel_interval = 0.01
    return adapter


@pytest.mark.parametrize("shards", ["2", "auto"])
async def test_two_shards_identify_and_both_guilds_get_deliveries_and_commands(
    fake_discord: FakeDiscord, tmp_path: Path, store: Store, fetcher: Fetcher, shards: str
) -> None:
    """Both shards IDENTIFY ([0, 2] and [1, 2]); each guild's message and command go through."""
    adapter = _adapter(fake_discord, tmp_path, store, fetcher, discord_shards=shards)
    try:
        await adapter.start(ready_within=10)
        assert isinstance(adapter.client, ShardedClient)
        assert sorted(fake_discord.identified_shards) == [(0, 2), (1, 2)]
        assert sorted(g.id for g in adapter.client.guilds) == sorted(g.id for g in GUILDS)
        for guild in GUILDS:
            channel = guild.channel("news")
            where = ChannelRef("discord", str(guild.id), str(channel.id))
            await adapter.sender.send(where, {"content": f"hello {guild.name}"}, key=f"k{guild.id}")
            payload = await fake_discord.send_interaction("help", guild=guild, channel=channel)
            mine = int(payload["id"])
            await wait_until(
                lambda mine=mine: any(  # type: ignore[misc]
                    r.interaction_id == mine and r.kind == "followup"
                    for r in fake_discord.interaction_replies
                ),
                seconds=10,
            )
    finally:
        await adapter.close()
    assert [(m.channel_id, m.body["content"]) for m in fake_discord.messages] == [
        (g.channel("news").id, f"hello {g.name}") for g in GUILDS
    ]
    if shards == "auto":  # the count came from GET /gateway/bot
        assert any(r.path == "/gateway/bot" for r in fake_discord.requests)


async def test_shard_ids_run_only_those_shards(
    fake_discord: FakeDiscord, tmp_path: Path, store: Store, fetcher: Fetcher
) -> None:
    """NEWSBOT_DISCORD_SHARD_IDS=1 of 2: only shard 1 identifies, and sees only its guild."""
    adapter = _adapter(
        fake_discord, tmp_path, store, fetcher, discord_shards="2", discord_shard_ids="1"
    )
    try:
        await adapter.start(ready_within=10)
        assert fake_discord.identified_shards == [(1, 2)]
        assert [g.id for g in adapter.client.guilds] == [GUILDS[1].id]
    finally:
        await adapter.close()


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"NEWSBOT_DISCORD_SHARDS": "0"}, "NEWSBOT_DISCORD_SHARDS"),
        ({"NEWSBOT_DISCORD_SHARDS": "2", "NEWSBOT_DISCORD_SHARD_IDS": "0,2"}, "from 0 to 1"),
        ({"NEWSBOT_DISCORD_SHARDS": "2", "NEWSBOT_DISCORD_SHARD_IDS": "1,1"}, "distinct"),
        ({"NEWSBOT_DISCORD_SHARD_IDS": "0"}, "needs NEWSBOT_DISCORD_SHARDS"),
    ],
)
def test_bad_sharding_settings_are_one_line(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], names: str
) -> None:
    """Shard ids must be distinct and below the count, which must be a number ≥ 1 or auto."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError) as error:
        load_settings()
    assert names in str(error.value) and "\n" not in str(error.value)


def test_sharding_setting_values() -> None:
    """Unset: unsharded; a number with ids; auto: Discord's count, every shard."""
    assert load_settings({}).discord_sharding is None
    assert load_settings({"discord_shards": "4", "discord_shard_ids": "3, 1"}).discord_sharding == (
        4,
        [3, 1],
    )
    assert load_settings({"discord_shards": "auto"}).discord_sharding == (None, None)
