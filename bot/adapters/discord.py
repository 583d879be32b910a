"""Discord adapter: a discord.py `Client` with an app-command tree, and the outbound sender.

No privileged intents: the bot reads nothing from channels, it only posts and answers commands.
The REST and gateway URLs are settings (NEWSBOT_DISCORD_API_URL / NEWSBOT_DISCORD_GATEWAY_URL) so a
compatible server, or the tests' fake, can stand in for Discord. With NEWSBOT_DISCORD_SHARDS set the
client is an `AutoShardedClient` running that many shards (or NEWSBOT_DISCORD_SHARD_IDS of them). discord.py keeps both as class
attributes, so they are process-wide; `close()` puts the previous values back.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.adapters import discord_render
from bot.errors import PublishError, StartupError
from bot.pings import Ping
from bot.settings import Settings
from bot.store import ChannelRef
from digests import Digest

# A hook that adds commands to the tree before it is synced, e.g. the `/news` group.
TreeSetup = Callable[[app_commands.CommandTree[discord.Client]], None]

# Discord's error codes that mean "this channel is lost to the bot until a person fixes it".
_CHANNEL_GONE = {
    10003: "the channel was deleted (Unknown Channel 10003)",
    50001: "the bot lost access to the channel (Missing Access 50001): give it View Channel",
    50013: "the bot lacks permission to post (Missing Permissions 50013): give it Send Messages "
    "and Embed Links",
}
_READY_TIMEOUT = 60.0


class DiscordSender:
    """Posts rendered digests with discord.py; vendor errors become PublishError."""

    platform = "discord"
    # Discord allows 5 messages per 5 s per channel and 50 requests/s overall: stay well under.
    channel_interval = 1.1
    global_interval = 1 / 25

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    def render_digest(self, digest: Digest, *, pings: Sequence[Ping] = ()) -> list[dict[str, Any]]:
        """One embed message (the pinged roles in its content)."""
        return [discord_render.render_digest(digest, pings=pings)]

    def render_roundup(
        self, heading: str, digests: Sequence[Digest], *, pings: Sequence[Ping] = ()
    ) -> list[dict[str, Any]]:
        """Compact embeds, split into messages within Discord's limits."""
        return discord_render.render_roundup(heading, digests, pings=pings)

    def render_notice(self, text: str) -> list[dict[str, Any]]:
        """One plain message, mentions disabled."""
        return [discord_render.render_notice(text)]

    async def send(self, where: ChannelRef, payload: dict[str, Any], *, key: str) -> str:
        """Post one message with `key` as its enforced nonce; returns the message id."""
        guild = int(where.workspace) if where.workspace.isdigit() else None
        try:
            channel = self.client.get_partial_messageable(int(where.channel), guild_id=guild)
        except ValueError:
            raise PublishError(
                f"not a Discord channel id: {where.channel}", kind="channel"
            ) from None
        embeds = [discord.Embed.from_dict(e) for e in payload.get("embeds", [])]
        try:
            message = await channel.send(
                content=payload.get("content"),
                embeds=embeds,
                allowed_mentions=allowed_mentions(payload),
                nonce=key,  # discord.py adds enforce_nonce: a resend returns the first message
            )
        except discord.RateLimited as exc:
            raise PublishError(
                f"rate limited for {exc.retry_after:.1f} s", retry_after=exc.retry_after
            ) from exc
        except discord.HTTPException as exc:
            raise publish_error(exc) from exc
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise PublishError(f"Discord unreachable: {type(exc).__name__}: {exc}") from exc
        return str(message.id)


def allowed_mentions(payload: dict[str, Any]) -> discord.AllowedMentions:
    """Nothing may ping except the roles the renderer allowed (a subscription's ping)."""
    spec = payload.get("allowed_mentions") or {}
    roles = [discord.Object(int(r)) for r in spec.get("roles") or () if str(r).isdigit()]
    return discord.AllowedMentions(
        everyone=False, users=False, roles=roles or False, replied_user=False
    )


def publish_error(exc: discord.HTTPException) -> PublishError:
    """Translate a discord.py HTTP error into retry / pause-the-channel / fail-this-message."""
    if exc.code in _CHANNEL_GONE:
        return PublishError(f"Discord: {_CHANNEL_GONE[exc.code]}", kind="channel")
    if exc.status == 401:
        return PublishError(
            "Discord: the bot token was revoked (401): set a new DISCORD_TOKEN", kind="channel"
        )
    if exc.status in (403, 404):
        return PublishError(
            f"Discord: {exc.status} {exc.text or 'refused'} (code {exc.code})", kind="channel"
        )
    if exc.status == 429 or exc.status >= 500:
        return PublishError(f"Discord: HTTP {exc.status}, will retry")
    return PublishError(
        f"Discord refused the message: {exc.status} {exc.text} (code {exc.code})", kind="message"
    )


class ShardedClient(discord.AutoShardedClient):
    """discord.py's AutoShardedClient, identifying its shards as fast as Discord allows.

    discord.py waits 5 s before every IDENTIFY but the first. Discord's rule is per bucket: shards
    with the same `shard_id % max_concurrency` (from GET /gateway/bot) identify 5 s apart, so a
    bot with max_concurrency 16 may start 16 shards at once.
    """

    _IDENTIFY_INTERVAL = 5.0

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._max_concurrency: int | None = None
        self._last_identify: dict[int, float] = {}

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Wait until this shard's identify bucket is free."""
        if self._max_concurrency is None:
            try:
                limits = await self.fetch_session_start_limits()
                self._max_concurrency = max(1, limits.max_concurrency)
            except (discord.HTTPException, aiohttp.ClientError, OSError):
                self._max_concurrency = 1
        bucket = (shard_id or 0) % self._max_concurrency
        loop = asyncio.get_running_loop()
        last = self._last_identify.get(bucket)
        if last is not None:
            await asyncio.sleep(max(0.0, last + self._IDENTIFY_INTERVAL - loop.time()))
        self._last_identify[bucket] = loop.time()


class DiscordAdapter:
    """The Discord client, its command tree and its sender; enabled when DISCORD_TOKEN is set."""

    def __init__(
        self,
        settings: Settings,
        *,
        setups: Iterable[TreeSetup] = (),
        guild_ready_timeout: float = 2.0,
        intents: discord.Intents | None = None,
    ) -> None:
        self.token = settings.discord_token.get_secret_value()
        self._saved_urls = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
        Route.BASE = settings.discord_api_url.rstrip("/")
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)
        # By default only the guilds intent (channel cache); interactions need no intent at all.
        options: dict[str, Any] = {
            "intents": intents or discord.Intents(guilds=True),
            "max_ratelimit_timeout": 30.0,
            "guild_ready_timeout": guild_ready_timeout,
        }
        sharding = settings.discord_sharding
        if sharding is None:
            self.client: discord.Client = discord.Client(**options)
        else:
            count, ids = sharding
            self.client = ShardedClient(shard_count=count, shard_ids=ids, **options)
        self.tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(self.client)
        for setup in setups:
            setup(self.tree)
        self.sender = DiscordSender(self.client)
        self._connection: asyncio.Task[None] | None = None

    async def start(self, *, ready_within: float = _READY_TIMEOUT, gateway: bool = True) -> None:
        """Log in, connect and wait until ready; a bad token or intent is one StartupError line.

        Without `gateway` the client only logs in: sending and channel checks are REST calls, so
        a deliver-only worker holds no gateway session (the gateway role holds the bot's one).
        """
        try:
            await asyncio.wait_for(self.client.login(self.token), ready_within)
        except discord.LoginFailure:
            raise StartupError(
                "DISCORD_TOKEN was refused by Discord (401): copy the bot token again from the "
                "Developer Portal (Bot → Reset Token)"
            ) from None
        except (aiohttp.ClientError, TimeoutError, OSError, discord.HTTPException) as exc:
            raise StartupError(
                f"cannot reach Discord at {Route.BASE}: {exc}; check NEWSBOT_DISCORD_API_URL"
            ) from None
        if not gateway:
            return
        self._connection = asyncio.create_task(self.client.connect(reconnect=True))
        ready = asyncio.create_task(self.client.wait_until_ready())
        done, _ = await asyncio.wait(
            {self._connection, ready}, timeout=ready_within, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            error = self._connection.exception() if self._connection in done else None
            if isinstance(error, discord.PrivilegedIntentsRequired):
                raise StartupError(
                    "Discord closed the gateway with 4014 (disallowed intents): enable the "
                    "intents in the Developer Portal (Bot → Privileged Gateway Intents) or stop "
                    "requesting them"
                )
            raise StartupError(f"Discord gateway not ready within {ready_within:.0f} s: {error}")
        if self.tree.get_commands():
            try:
                await self.tree.sync()
            except discord.HTTPException as exc:
                raise StartupError(
                    f"cannot register slash commands ({exc.status}): invite the bot with the "
                    "applications.commands scope"
                ) from None

    async def check_channels(self, channels: Iterable[ChannelRef]) -> list[str]:
        """One line per configured Discord channel the bot cannot see, naming the fix."""
        problems = []
        for where in channels:
            try:
                await self.client.fetch_channel(int(where.channel))
            except ValueError:
                problems.append(f"Discord channel {where.channel!r} is not a channel id")
            except (discord.Forbidden, discord.NotFound) as exc:
                problems.append(
                    f"Discord channel {where.channel} is not visible to the bot ({exc.status} "
                    f"code {exc.code}): invite the bot to the server and give it View Channel "
                    "and Send Messages there"
                )
            except (discord.HTTPException, aiohttp.ClientError, TimeoutError):
                continue  # unknown; the delivery worker will retry and pause if need be
        return problems

    async def close(self) -> None:
        """Disconnect and put discord.py's URLs back."""
        try:
            await self.client.close()
            if self._connection is not None:
                with contextlib.suppress(Exception, asyncio.CancelledError):
                    await asyncio.wait_for(self._connection, 10.0)
        finally:
            Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = self._saved_urls
