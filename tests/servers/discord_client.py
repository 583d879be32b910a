"""Point the real discord.py client at a fake (or any compatible) REST base and gateway, and run it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

DEFAULT_API_URL = "https://discord.com/api/v10"
DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg/"


def configure_discord(api_url: str, gateway_url: str) -> None:
    """Make every discord.py client in this process use `api_url` and `gateway_url`.

    discord.py has no per-client setting for either: REST URLs come from the class attribute
    `Route.BASE` (read when each Route is built, webhooks and interaction callbacks included), and
    a non-sharded `Client.connect` opens `DiscordWebSocket.DEFAULT_GATEWAY` (it never calls
    GET /gateway/bot; only `AutoShardedClient` does). After READY, resumes go to the READY
    payload's `resume_gateway_url`.
    """
    Route.BASE = api_url.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


@contextlib.contextmanager
def discord_endpoints(api_url: str, gateway_url: str) -> Iterator[None]:
    """`configure_discord` for the duration of the block, restoring the previous URLs after."""
    saved = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    configure_discord(api_url, gateway_url)
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved


@contextlib.asynccontextmanager
async def running_client(
    client: discord.Client,
    token: str,
    *,
    seconds: float = 10.0,
    block_seconds: float = 30.0,
    reconnect: bool = True,
) -> AsyncIterator[discord.Client]:
    """Log in, connect in the background and wait for on_ready; close and join the task on exit.

    Start-up and shutdown are each bounded by `seconds`, the `async with` block by `block_seconds`.

    Like `client.start()`, which the bot uses: with reconnect, a 4014 close (privileged intents)
    surfaces as PrivilegedIntentsRequired rather than a bare ConnectionClosed.
    """
    async with client:
        await asyncio.wait_for(client.login(token), seconds)
        connection = asyncio.create_task(client.connect(reconnect=reconnect))
        ready = asyncio.create_task(client.wait_until_ready())
        try:
            done, _ = await asyncio.wait(
                {connection, ready}, timeout=seconds, return_when=asyncio.FIRST_COMPLETED
            )
            if ready not in done:
                if connection in done:
                    connection.result()  # re-raise why the connection ended
                raise TimeoutError(f"discord.py did not become ready within {seconds} s")
            # on_ready fires guild_ready_timeout after the last GUILD_CREATE; on a starved CPU a
            # short timeout can let it fire first, so also wait for the guilds themselves.
            loop = asyncio.get_running_loop()
            deadline = loop.time() + seconds
            while any(guild.unavailable for guild in client.guilds):
                if loop.time() > deadline:
                    raise TimeoutError(f"guilds still unavailable after {seconds} s")
                await asyncio.sleep(0.01)
            async with asyncio.timeout(block_seconds):
                yield client
        finally:
            ready.cancel()
            await client.close()
            with contextlib.suppress(discord.ConnectionClosed):
                await asyncio.wait_for(connection, seconds)
