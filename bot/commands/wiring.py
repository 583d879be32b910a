"""Plugging the commands into the running bot: one call builds the core and each platform's piece.

`newsbot run` (bot/runner.py) takes `discord_setup` for its Discord adapter's command tree,
`web_routes` for its aiohttp web app (next to /healthz), and `socket_mode` as a background task.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aiohttp import web
from discord import app_commands
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from bot.app import App
from bot.commands.core import ArticleRoundups, Core, RoundupSource
from bot.commands.discord_commands import register_discord_commands
from bot.commands.slack_commands import create_slack_app, slack_routes
from bot.fetch import Fetcher
from bot.runner import Extensions
from bot.settings import Settings
from bot.store import Store
from digests import TopicSet

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CommandPieces:
    """What the running bot mounts: the core and one piece per platform (None: not configured)."""

    core: Core
    discord_setup: Callable[[app_commands.CommandTree[Any]], None]
    slack_app: AsyncApp | None
    web_routes: list[web.RouteDef]  # POST /slack/events in HTTP mode, else empty
    socket_mode: Callable[[asyncio.Event], Awaitable[None]] | None  # run until the event is set


def build_commands(
    settings: Settings,
    store: Store,
    fetcher: Fetcher,
    topics: TopicSet,
    *,
    roundups: RoundupSource | None = None,
    slack_app_token: str = "",
) -> CommandPieces:
    """The core and its adapters; Slack only with SLACK_BOT_TOKEN, Socket Mode with an app token."""
    core = Core(
        store=store,
        fetcher=fetcher,
        topics=topics,
        roundups=roundups,
        summary_ttl=timedelta(hours=settings.summary_cache_hours),
        max_feeds=settings.max_feeds_per_workspace,
    )

    def discord_setup(tree: app_commands.CommandTree[Any]) -> None:
        register_discord_commands(tree, core)

    slack_app: AsyncApp | None = None
    routes: list[web.RouteDef] = []
    socket_mode: Callable[[asyncio.Event], Awaitable[None]] | None = None
    if settings.slack_bot_token.get_secret_value():
        slack_app = create_slack_app(settings, core, socket_mode=bool(slack_app_token))
        if slack_app_token:
            socket_mode = _socket_mode(slack_app, slack_app_token)
        else:
            routes = slack_routes(slack_app)
    return CommandPieces(core, discord_setup, slack_app, routes, socket_mode)


def _socket_mode(app: AsyncApp, app_token: str) -> Callable[[asyncio.Event], Awaitable[None]]:
    async def run(stop: asyncio.Event) -> None:
        handler = AsyncSocketModeHandler(app, app_token)
        # bolt leaves these two untyped.
        await handler.connect_async()  # type: ignore[no-untyped-call]
        try:
            await stop.wait()
        finally:
            await handler.close_async()  # type: ignore[no-untyped-call]

    return run


def command_extensions(app: App) -> Extensions:
    """The slash commands as `newsbot run` mounts them, with `/news digest` using the roundup ranking."""
    pieces = build_commands(
        app.settings,
        app.store,
        app.fetcher,
        TopicSet(app.topics),
        roundups=ArticleRoundups(app.store, limit=app.settings.roundup_max_items),
        slack_app_token=app.settings.slack_app_token.get_secret_value(),
    )
    return Extensions(
        discord_setups=[pieces.discord_setup],
        web_routes=pieces.web_routes,
        background=[pieces.socket_mode] if pieces.socket_mode else [],
    )
