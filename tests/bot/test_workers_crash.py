"""Three real `newsbot run` processes on one PostgreSQL database; one is SIGKILLed mid-round.

Every story must be stored once and posted once to each subscribed channel of the fake Discord
(which runs in this process and records every message; Discord nonces cover the window between
"posted" and "recorded" of the killed worker).
"""

from __future__ import annotations

import asyncio
import collections
import os
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.store import ChannelLease, ChannelRef, Store
from tests.servers.discord_payloads import FakeChannel, FakeGuild, snowflake
from tests.servers.fake_discord import FakeDiscord
from tests.servers.feed_server import FeedServer, publish_story, rss

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)

ROOT = Path(__file__).resolve().parents[2]
FEEDS, STORIES = 3, 4  # 12 stories, 2 channels: 24 messages


@pytest.fixture
async def discord() -> AsyncIterator[FakeDiscord]:
    """A fake Discord whose guild has two channels the bot can post to."""
    guild = FakeGuild(
        snowflake(),
        "Newsroom",
        (FakeChannel(snowflake(), "news"), FakeChannel(snowflake(), "world")),
    )
    async with FakeDiscord(guilds=(guild,)) as fake:
        yield fake


async def _wait(condition, seconds: float, what: str) -> None:
    for _ in range(int(seconds / 0.1)):
        if await condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


async def _holder_pid(store: Store) -> int | None:
    """The pid of a worker holding a channel lease right now (it is mid-delivery), if any."""
    async with store.transaction() as tx:
        rows = (await tx.session.scalars(select(ChannelLease))).all()
    now = datetime.now(UTC)
    held = [
        r.claimed_by for r in rows if r.claimed_by and r.claimed_until and r.claimed_until > now
    ]
    return int(held[0].split(":")[1]) if held else None


async def test_three_workers_one_killed_each_story_stored_once_posted_once_per_channel(
    store: Store, server: FeedServer, discord: FakeDiscord, database_url: str, tmp_path: Path
) -> None:
    """Kill one of three `newsbot run` workers while it holds a channel; the rest finish the job."""
    channels = [str(c.id) for c in discord.guild.channels]
    now = datetime.now(UTC)
    for channel in channels:
        await store.subscribe(ChannelRef("discord", str(discord.guild.id), channel), "all", now)
    config = tmp_path / "newsbot.toml"
    config.write_text("# feeds and subscriptions are in the database\n")
    env = {
        **os.environ,
        "NEWSBOT_DATABASE_URL": database_url,
        "NEWSBOT_CONFIG": str(config),
        "NEWSBOT_ALLOW_HOSTS": "127.0.0.1",
        "NEWSBOT_HTTP_HOST": "127.0.0.1",
        "NEWSBOT_HTTP_PORT": "0",
        "NEWSBOT_TICK": "0.3",
        "NEWSBOT_DELIVERY_TICK": "0.2",
        "NEWSBOT_CHANNEL_INTERVAL": "0.3",
        "NEWSBOT_POLL_LEASE": "6",
        "NEWSBOT_DELIVERY_LEASE": "2",
        "DISCORD_TOKEN": discord.token,
        "NEWSBOT_DISCORD_API_URL": discord.api_url,
        "NEWSBOT_DISCORD_GATEWAY_URL": discord.gateway_url,
    }
    logs = [tmp_path / f"worker{n}.log" for n in range(3)]
    procs = []
    for log in logs:
        with log.open("wb") as stderr:  # a file, not a pipe: a chatty worker never blocks
            procs.append(
                await asyncio.create_subprocess_exec(
                    *(sys.executable, "-m", "bot", "run"),
                    cwd=ROOT,
                    env=env,
                    stdout=asyncio.subprocess.DEVNULL,
                    stderr=stderr,
                )
            )
    try:

        async def all_connected() -> bool:
            assert all(p.returncode is None for p in procs), "a worker exited"
            return discord.connected_sessions() == 3

        await _wait(all_connected, 30, "three workers on the gateway")
        # The stories: each feed is new with a backfill, so its first poll posts them all.
        links: list[str] = []
        for f in range(FEEDS):
            items = [
                publish_story(server, f"f{f}s{s}", f"Story {f}-{s}", 100 * f + s)
                for s in range(STORIES)
            ]
            server.static(f"/feed{f}", rss(items))
            links += [str(i.link) for i in items]
            await store.add_feed(server.url(f"/feed{f}"), datetime.now(UTC), backfill=STORIES)

        holders: list[int] = []

        async def someone_delivering() -> bool:
            pid = await _holder_pid(store) if discord.messages else None
            holders.extend([pid] if pid else [])
            return bool(holders)

        await _wait(someone_delivering, 30, "a worker holding a channel, messages posted")
        [victim] = [p for p in procs if p.pid == holders[0]]
        victim.kill()
        await victim.wait()
        expected = FEEDS * STORIES * len(channels)
        assert len(discord.messages) < expected  # killed mid-round: the others must finish it

        async def all_posted() -> bool:
            return len(discord.messages) >= expected

        await _wait(all_posted, 30, f"{expected} messages")
        await asyncio.sleep(1.0)  # anything posted twice would show up meanwhile
    finally:
        for p in procs:
            if p.returncode is None:
                p.kill()
            await p.wait()
        for log in logs:  # shown by pytest when the test fails
            print(log.name, log.read_text(errors="replace")[-3000:])
    articles = await store.articles()
    assert sorted(a.url for a in articles) == sorted(links)  # each story stored once
    posted = collections.Counter(
        (m.channel_id, m.body["embeds"][0]["title"]) for m in discord.messages
    )
    assert len(posted) == expected and set(posted.values()) == {1}  # once per channel
