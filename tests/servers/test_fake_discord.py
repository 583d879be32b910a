"""The real discord.py client against the fake Discord REST API and gateway over 127.0.0.1."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands

from tests.servers.discord_client import running_client
from tests.servers.discord_payloads import PRIVILEGED_INTENTS
from tests.servers.fake_discord import FakeDiscord
from tests.servers.loopback import wait_until


def _client(**options: Any) -> discord.Client:
    # guild_ready_timeout: on_ready waits this long after the last GUILD_CREATE (default 2 s).
    return discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.05, **options)


def _news_channel(client: discord.Client, fake: FakeDiscord) -> discord.TextChannel:
    channel = client.get_channel(fake.guild.channel("news").id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_client_becomes_ready_with_guild_and_channels_cached(
    fake_discord: FakeDiscord,
) -> None:
    """Login, HELLO/IDENTIFY/READY and GUILD_CREATE over zlib-stream leave the guild in the cache."""
    async with running_client(_client(), fake_discord.token) as client:
        guild = client.get_guild(fake_discord.guild.id)
        assert guild is not None and guild.name == "Newsroom"
        channel = _news_channel(client, fake_discord)
        assert channel.permissions_for(guild.me).send_messages
        secret = guild.get_channel(fake_discord.guild.channel("secret").id)
        assert secret is not None and not secret.permissions_for(guild.me).view_channel
        assert client.user is not None and client.user.id == fake_discord.bot.id
    assert fake_discord.gateway_queries[0]["compress"] == "zlib-stream"
    assert fake_discord.identifies[0]["intents"] & PRIVILEGED_INTENTS == 0


async def test_auto_sharded_client_finds_gateway_via_gateway_bot(fake_discord: FakeDiscord) -> None:
    """AutoShardedClient asks GET /gateway/bot for the URL and shard count, then becomes ready."""
    client = discord.AutoShardedClient(intents=discord.Intents.default(), guild_ready_timeout=0.05)
    async with running_client(client, fake_discord.token):
        assert client.get_guild(fake_discord.guild.id) is not None
    assert "/gateway/bot" in [r.path for r in fake_discord.requests]
    assert fake_discord.identifies[0]["shard"] == [0, 1]


async def test_bad_token_fails_login(fake_discord: FakeDiscord) -> None:
    """A token the fake does not know gets 401 on /users/@me, which discord.py reports as LoginFailure."""
    with pytest.raises(discord.LoginFailure):
        async with running_client(_client(), "not-the-token"):
            pass


async def test_privileged_intents_not_enabled_close_4014(fake_discord: FakeDiscord) -> None:
    """Asking for the message-content intent the app lacks ends with PrivilegedIntentsRequired."""
    intents = discord.Intents.default()
    intents.message_content = True
    client = discord.Client(intents=intents, guild_ready_timeout=0.05)
    with pytest.raises(discord.PrivilegedIntentsRequired):
        async with running_client(client, fake_discord.token):
            pass


async def test_send_records_embed_nonce_and_allowed_mentions(fake_discord: FakeDiscord) -> None:
    """channel.send with an embed, a nonce and allowed_mentions none reaches the fake as sent."""
    async with running_client(_client(), fake_discord.token) as client:
        embed = discord.Embed(title="Headline", description="• point", url="https://example.org/a")
        sent = await _news_channel(client, fake_discord).send(
            embed=embed, nonce="delivery-1", allowed_mentions=discord.AllowedMentions.none()
        )
    [message] = fake_discord.messages
    assert message.message_id == sent.id
    assert message.body["nonce"] == "delivery-1" and message.body["enforce_nonce"] is True
    assert message.body["allowed_mentions"] == {"parse": []}
    assert message.body["embeds"][0]["title"] == "Headline"
    assert sent.embeds[0].title == "Headline"


async def test_resend_with_same_nonce_returns_original_message(fake_discord: FakeDiscord) -> None:
    """With enforce_nonce, a second send with the same nonce returns the first message, not a new one."""
    async with running_client(_client(), fake_discord.token) as client:
        channel = _news_channel(client, fake_discord)
        first = await channel.send("story", nonce="delivery-7")
        second = await channel.send("story", nonce="delivery-7")
    assert first.id == second.id
    assert len(fake_discord.messages) == 1
    posts = [r for r in fake_discord.requests if r.method == "POST"]
    assert len(posts) == 2


async def test_rate_limited_send_is_retried_once(fake_discord: FakeDiscord) -> None:
    """A 429 with retry_after 0.2 and a Via header is waited out by discord.py; the message arrives once."""
    path = f"/channels/{fake_discord.guild.channel('news').id}/messages"
    fake_discord.rate_limit("POST", path, retry_after=0.2)
    async with running_client(_client(), fake_discord.token) as client:
        await _news_channel(client, fake_discord).send("story")
    limited, accepted = [r for r in fake_discord.requests if r.path == path]
    assert (limited.status, accepted.status) == (429, 200)
    assert accepted.at - limited.at >= 0.2
    assert len(fake_discord.messages) == 1


async def test_lost_response_then_resend_with_same_nonce_posts_once(
    fake_discord: FakeDiscord,
) -> None:
    """Discord creates the message but the reply is lost; a resend with the nonce returns it, once."""
    path = f"/channels/{fake_discord.guild.channel('news').id}/messages"
    fake_discord.lose_response("POST", path)
    async with running_client(_client(), fake_discord.token) as client:
        channel = _news_channel(client, fake_discord)
        with pytest.raises(aiohttp.ClientError):
            await channel.send("story", nonce="delivery-9")
        resent = await channel.send("story", nonce="delivery-9")
    [message] = fake_discord.messages
    assert message.message_id == resent.id
    assert [r.status for r in fake_discord.requests if r.path == path] == [0, 200]


async def test_lost_access_raises_forbidden_50001(fake_discord: FakeDiscord) -> None:
    """A channel the bot lost access to answers 403 Missing Access (code 50001)."""
    fake_discord.forbid_channel(fake_discord.guild.channel("news").id)
    async with running_client(_client(), fake_discord.token) as client:
        with pytest.raises(discord.Forbidden) as error:
            await _news_channel(client, fake_discord).send("story")
    assert error.value.code == 50001
    assert fake_discord.messages == []


async def test_deleted_channel_raises_not_found_10003(fake_discord: FakeDiscord) -> None:
    """A deleted channel answers 404 Unknown Channel (code 10003)."""
    async with running_client(_client(), fake_discord.token) as client:
        channel = _news_channel(client, fake_discord)
        fake_discord.delete_channel(channel.id)
        with pytest.raises(discord.NotFound) as error:
            await channel.send("story")
    assert error.value.code == 10003


async def test_outage_raises_server_error_then_recovers(fake_discord: FakeDiscord) -> None:
    """During a 503 outage sends fail with DiscordServerError; after it, they succeed."""
    async with running_client(_client(), fake_discord.token) as client:
        channel = _news_channel(client, fake_discord)
        fake_discord.start_outage(503)
        with pytest.raises(discord.DiscordServerError):
            await channel.send("story")
        fake_discord.end_outage()
        await channel.send("story")
    assert len(fake_discord.messages) == 1


async def test_oversized_embed_is_rejected_like_discord(fake_discord: FakeDiscord) -> None:
    """An embed title over 256 characters gets 400 Invalid Form Body (50035)."""
    async with running_client(_client(), fake_discord.token) as client:
        with pytest.raises(discord.HTTPException) as error:
            await _news_channel(client, fake_discord).send(embed=discord.Embed(title="x" * 257))
    assert error.value.status == 400 and error.value.code == 50035


def _news_tree(client: discord.Client, seen: list[discord.Interaction]) -> app_commands.CommandTree:
    tree = app_commands.CommandTree(client)
    news = app_commands.Group(name="news", description="newsbot")

    @news.command(name="subscribe", description="Subscribe this channel to a topic")
    async def subscribe(interaction: discord.Interaction, topic: str) -> None:
        seen.append(interaction)
        await interaction.response.defer(thinking=True)
        allowed = interaction.permissions.manage_channels
        await interaction.followup.send(f"{topic}: {'subscribed' if allowed else 'denied'}")

    tree.add_command(news)
    return tree


@pytest.mark.parametrize("manage_channels", [True, False])
async def test_interaction_defer_and_followup_reach_the_fake(
    fake_discord: FakeDiscord, manage_channels: bool
) -> None:
    """INTERACTION_CREATE reaches the tree's /news subscribe; defer and follow-up reach the fake."""
    seen: list[discord.Interaction] = []
    client = _client()
    _news_tree(client, seen)
    async with running_client(client, fake_discord.token):
        payload = await fake_discord.send_interaction(
            "subscribe", {"topic": "world"}, manage_channels=manage_channels
        )
        await wait_until(lambda: len(fake_discord.interaction_replies) >= 2)
    [interaction] = seen
    assert interaction.permissions.manage_channels is manage_channels
    assert interaction.channel_id == fake_discord.guild.channel("news").id
    callback, followup = fake_discord.interaction_replies
    assert (callback.kind, callback.type, callback.token) == ("callback", 5, payload["token"])
    expected = "world: subscribed" if manage_channels else "world: denied"
    assert (followup.kind, followup.body["content"]) == ("followup", expected)


async def test_immediate_ephemeral_reply_then_edit_of_original(fake_discord: FakeDiscord) -> None:
    """send_message (type 4, ephemeral) then edit_original_response reach callback and @original."""
    client = _client()
    tree = app_commands.CommandTree(client)
    edited: list[discord.InteractionMessage] = []

    @tree.command(name="topics", description="List topics")
    async def topics(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("loading…", ephemeral=True)
        edited.append(await interaction.edit_original_response(content="world, science"))

    async with running_client(client, fake_discord.token):
        await fake_discord.send_interaction(None, command="topics")
        await wait_until(lambda: bool(edited))
    callback, edit = fake_discord.interaction_replies
    assert (callback.type, callback.body["data"]["flags"]) == (4, 64)
    assert (edit.kind, edit.body["content"]) == ("edit", "world, science")
    assert edited[0].content == "world, science"


async def test_autocomplete_interaction_gets_choices(fake_discord: FakeDiscord) -> None:
    """An autocomplete interaction (type 4) reaches the tree's autocomplete; choices come back (type 8)."""
    client = _client()
    tree = app_commands.CommandTree(client)
    news = app_commands.Group(name="news", description="newsbot")

    async def topics(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = ["world", "us-china", "technology"]
        return [app_commands.Choice(name=n, value=n) for n in names if n.startswith(current)]

    @news.command(name="subscribe", description="Subscribe this channel to a topic")
    @app_commands.autocomplete(topic=topics)
    async def subscribe(interaction: discord.Interaction, topic: str) -> None:
        raise AssertionError("autocomplete must not invoke the command")

    tree.add_command(news)
    async with running_client(client, fake_discord.token):
        await fake_discord.send_interaction(
            "subscribe", {"topic": "wo"}, interaction_type=4, focused="topic"
        )
        await wait_until(lambda: bool(fake_discord.interaction_replies))
    [reply] = fake_discord.interaction_replies
    assert reply.type == 8
    assert reply.body["data"]["choices"] == [{"name": "world", "value": "world"}]


async def test_gateway_disconnect_is_resumed(fake_discord: FakeDiscord) -> None:
    """After the fake drops the gateway (4000), discord.py resumes the session and keeps receiving."""
    seen: list[discord.Interaction] = []
    client = _client()
    _news_tree(client, seen)
    async with running_client(client, fake_discord.token):
        await fake_discord.disconnect_gateway(4000)
        await wait_until(lambda: bool(fake_discord.resumes))
        await wait_until(lambda: fake_discord.connected_sessions() == 1)
        await fake_discord.send_interaction("subscribe", {"topic": "world"})
        await wait_until(lambda: bool(seen))
    assert [r["session_id"] for r in fake_discord.resumes] == fake_discord.session_ids
    assert len(fake_discord.identifies) == 1


async def test_tree_sync_puts_commands(fake_discord: FakeDiscord) -> None:
    """tree.sync() bulk-overwrites the global commands, and guild sync the guild's commands."""
    client = _client()
    tree = _news_tree(client, [])
    async with running_client(client, fake_discord.token):
        synced = await tree.sync()
        tree.copy_global_to(guild=discord.Object(fake_discord.guild.id))
        await tree.sync(guild=discord.Object(fake_discord.guild.id))
    assert [c.name for c in synced] == ["news"]
    global_sync, guild_sync = fake_discord.command_syncs
    assert (global_sync.guild_id, guild_sync.guild_id) == (None, fake_discord.guild.id)
    [news] = global_sync.commands
    assert [o["name"] for o in news["options"]] == ["subscribe"]


async def test_late_acknowledgement_is_unknown_interaction() -> None:
    """A response after the acknowledgement deadline gets 404 Unknown interaction (10062)."""
    from tests.servers.discord_client import discord_endpoints

    errors: list[BaseException] = []
    async with FakeDiscord(ack_deadline=0.1) as fake:
        with discord_endpoints(fake.api_url, fake.gateway_url):
            client = _client()
            tree = app_commands.CommandTree(client)

            @tree.command(name="slow", description="answers too late")
            async def slow(interaction: discord.Interaction) -> None:
                await asyncio.sleep(0.2)
                try:
                    await interaction.response.defer()
                except discord.NotFound as exc:
                    errors.append(exc)

            async with running_client(client, fake.token):
                await fake.send_interaction(None, command="slow")
                await wait_until(lambda: bool(errors))
    assert isinstance(errors[0], discord.NotFound) and errors[0].code == 10062
    assert fake.interaction_replies == []
