"""`newsbot run`: scheduler, poller, roundup job, delivery worker and the enabled adapters.

Each adapter is enabled by its credentials (DISCORD_TOKEN, SLACK_BOT_TOKEN); the console sender is
always there for console subscriptions, and with no credentials it is the only one (the embedded
default). SIGINT/SIGTERM stop everything cleanly: in-flight rounds finish or roll back.

`--role` splits the work over processes sharing one PostgreSQL database (see `ROLES`); every
piece of work is claimed in the database, so any number of processes of any role can run.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TextIO

from aiohttp import web

from bot.adapters.console_sender import CONSOLE, ConsoleSender
from bot.app import App
from bot.config import ALL_TOPICS
from bot.deliver import DeliveryWorker, RoundSummary, Sender
from bot.retention import TextRetention
from bot.roundups import run_due_roundups
from bot.scheduler import run_scheduler, utc_now
from bot.store import ChannelClaims, ChannelRef
from bot.web import build_web_app, start_web

log = logging.getLogger("newsbot.run")
_STOP_GRACE = 10.0

# What each role runs (`newsbot run --role ...`); "all" is the whole bot in one process.
ROLES: dict[str, str] = {
    "all": "poll + deliver + gateway in one process",
    # The scheduler: due feeds (leased per feed), due roundups (locked per subscription),
    # emptying old article text. Needs no platform credentials.
    "poll": "polls due feeds, makes due roundups, empties old article text",
    # The delivery worker: claims channels and sends what they are owed. Logs in to each
    # platform with credentials; sending is REST only, so alone it opens no Discord gateway.
    "deliver": "sends the outbox through the platform adapters",
    # The inbound side: /news on Discord (gateway + command tree), Slack's /slack/events or
    # Socket Mode, and the web app.
    "gateway": "answers /news commands (Discord gateway, Slack events)",
}


def settle_heap() -> None:
    """Exempt what startup allocated from garbage collection (`gc.freeze`)."""
    # Imports, settings, migrations and adapters leave objects that live as long as the process;
    # every full collection walked them again: 0.28 s of a 2,000-feed first round (3%).
    gc.collect()
    gc.freeze()


@dataclass(frozen=True)
class Extensions:
    """What the commands package plugs into the running bot.

    - `discord_setups`: callables given the discord.py `CommandTree` before it is synced
      (e.g. `lambda tree: register_discord_commands(tree, core)` adding the `/news` group).
    - `web_routes`: aiohttp routes served next to /healthz (e.g. `web.post("/slack/events", h)`).
    - `background`: coroutine factories run for the bot's lifetime (e.g. Slack Socket Mode).
    """

    discord_setups: Sequence[Callable[[Any], None]] = ()
    web_routes: Sequence[web.AbstractRouteDef] = ()
    background: Sequence[Callable[[asyncio.Event], Any]] = field(default_factory=tuple)


@dataclass
class _Health:
    adapters: list[str]
    last_poll: datetime | None = None


async def run_bot(
    app: App,
    *,
    once: bool = False,
    clock: Callable[[], datetime] = utc_now,
    stop: asyncio.Event | None = None,
    extensions: Extensions | None = None,
    console: TextIO | None = None,
    web_port: int | None = None,
    role: str = "all",
) -> RoundSummary | None:
    """Run the bot until `stop` (or a signal); with `once`, one poll + roundups + delivery pass.

    `role` (a key of `ROLES`) picks what this process runs; /healthz is served by every role.
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    polls, delivers, inbound = (role in ("all", r) for r in ("poll", "deliver", "gateway"))
    # Only the gateway role registers /news and serves Slack's events.
    ext = (extensions or Extensions()) if inbound else Extensions()
    stop = stop or asyncio.Event()
    senders: dict[str, Sender] = {"console": ConsoleSender(console)}
    closers: list[Callable[[], Any]] = []
    try:
        if delivers or inbound:
            await _start_adapters(app, ext, senders, closers, gateway=inbound)
        if role == "all" and list(senders) == ["console"] and not await app.store.subscriptions():
            # Nothing configured at all: show every story here rather than post nowhere.
            await app.store.subscribe(CONSOLE, ALL_TOPICS, clock(), origin="default")
        if delivers:
            _warn(_unsent_platforms(await app.store.subscriptions(), senders))
        claims = ChannelClaims(app.store, lease=timedelta(seconds=app.settings.delivery_lease))
        worker = DeliveryWorker(app.store, app.outbox, senders, claims=claims)
        if once:
            now = clock()
            if polls:
                await app.poller.poll_all(now)
                await run_due_roundups(app.store, now, max_items=app.settings.roundup_max_items)
            return await worker.run_once(now) if delivers else RoundSummary()
        health = _Health(sorted(senders) if delivers or inbound else [])
        port = app.settings.http_port if web_port is None else web_port
        runner = await _start_web(app, ext, health, port)
        if runner is not None:
            closers.append(runner.cleanup)
        background = [asyncio.create_task(start(stop)) for start in ext.background]
        settle_heap()
        if delivers:
            tick = app.settings.delivery_tick
            background.append(asyncio.create_task(worker.run(stop, clock, tick=tick)))

        async def roundups(now: datetime) -> None:
            health.last_poll = now
            try:
                done = await run_due_roundups(
                    app.store, now, max_items=app.settings.roundup_max_items
                )
                if any(r.delivery_id is not None for r in done):
                    app.outbox.wake.set()
            except Exception:  # a bad subscription row must not stop the scheduler
                log.exception("roundup job failed")

        try:
            if polls:
                retention = TextRetention(app.store, app.settings.text_retention_days)
                await run_scheduler(
                    app.poller,
                    tick=app.settings.tick,
                    clock=clock,
                    stop=stop,
                    jobs=[roundups, retention],
                )
            else:
                await _until_stopped(stop)
        finally:
            stop.set()
            if background:
                _done, pending = await asyncio.wait(background, timeout=_STOP_GRACE)
                for task in pending:
                    task.cancel()
                await asyncio.gather(*background, return_exceptions=True)
        return None
    finally:
        for close in reversed(closers):
            with contextlib.suppress(Exception):
                await close()


async def _until_stopped(stop: asyncio.Event) -> None:
    """Wait for `stop` or SIGINT/SIGTERM (the scheduler does the same in the poll role)."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


async def _start_adapters(
    app: App,
    ext: Extensions,
    senders: dict[str, Sender],
    closers: list[Callable[[], Any]],
    *,
    gateway: bool = True,
) -> None:
    settings = app.settings
    subs = await app.store.subscriptions()
    if settings.discord_token.get_secret_value():
        from bot.adapters.discord import DiscordAdapter

        discord_adapter = DiscordAdapter(settings, setups=ext.discord_setups)
        closers.append(discord_adapter.close)
        await discord_adapter.start(gateway=gateway)
        discord_adapter.sender.channel_interval = settings.channel_interval
        senders["discord"] = discord_adapter.sender
        _warn(await discord_adapter.check_channels(_channels(subs, "discord")))
    if settings.slack_bot_token.get_secret_value():
        from bot.adapters.slack import SlackAdapter

        slack_adapter = SlackAdapter(settings)
        closers.append(slack_adapter.close)
        await slack_adapter.start()
        slack_adapter.sender.channel_interval = settings.channel_interval
        senders["slack"] = slack_adapter.sender
        _warn(await slack_adapter.check_channels(_channels(subs, "slack")))


def _channels(subs: Sequence[Any], platform: str) -> list[ChannelRef]:
    return sorted(
        {s.where for s in subs if s.platform == platform and not s.paused_reason},
        key=lambda w: (w.workspace, w.channel),
    )


def _unsent_platforms(subs: Sequence[Any], senders: dict[str, Sender]) -> list[str]:
    """A line per platform that has subscriptions but no credentials: its posts would wait."""
    missing = sorted({s.platform for s in subs} - set(senders))
    names = {"discord": "DISCORD_TOKEN", "slack": "SLACK_BOT_TOKEN"}
    return [
        f"{p} subscriptions exist but {names.get(p, p)} is not set: their posts wait until it is"
        for p in missing
    ]


def _warn(lines: list[str]) -> None:
    for line in lines:
        print(f"newsbot: warning: {line}", file=sys.stderr, flush=True)


async def _start_web(app: App, ext: Extensions, health: _Health, port: int) -> web.AppRunner | None:
    async def report() -> dict[str, Any]:
        try:
            await app.store.subscriptions()
            db = "ok"
        except Exception as exc:  # reported, not raised: the endpoint is how we learn of it
            db = f"error: {exc}"
        return {
            "status": "ok" if db == "ok" else "degraded",
            "db": db,
            "adapters": health.adapters,
            "last_poll": health.last_poll.isoformat() if health.last_poll else None,
        }

    try:
        return await start_web(build_web_app(report, ext.web_routes), app.settings.http_host, port)
    except OSError as exc:
        if ext.web_routes:
            raise
        _warn(
            [f"no /healthz: cannot listen on port {port} ({exc.strerror}); set NEWSBOT_HTTP_PORT"]
        )
        return None
