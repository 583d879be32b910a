"""The composition root: settings and config loaded once, store migrated, poller and outbox wired."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.config import Config, load_config, load_topics
from bot.fetch import Fetcher
from bot.outbox import Outbox
from bot.poll import OnStory, Poller
from bot.settings import Settings, load_settings
from bot.store import Store
from digests.topics import Topic, TopicSet


@dataclass(frozen=True, slots=True)
class App:
    """Everything a command needs, built once."""

    settings: Settings
    config: Config
    store: Store
    fetcher: Fetcher
    poller: Poller
    topics: tuple[Topic, ...]
    outbox: Outbox


def load() -> tuple[Settings, Config]:
    """Settings (environment over the config file's [settings]) and the config file."""
    env_only = load_settings()
    default = env_only.config == type(env_only).model_fields["config"].default
    config = load_config(env_only.config, required=not default)
    return load_settings(config.file.settings), config


@asynccontextmanager
async def open_app(
    settings: Settings, config: Config, now: datetime, *, on_story: OnStory | None = None
) -> AsyncIterator[App]:
    """Open the store (migrating it), add the config file's feeds and subscriptions, close after."""
    topics = tuple(load_topics(config))
    store = Store(settings.db_url, poll_lease=timedelta(seconds=settings.poll_lease))
    fetcher = Fetcher(settings)
    try:
        async with store.startup_lock():
            await store.migrate()
            for url, spec in config.feed_urls():
                await store.add_feed(
                    url,
                    now,
                    topic=spec.topic,
                    backfill=spec.backfill,
                    interval=spec.interval,
                    origin="config",
                )
            await _add_config_subscriptions(store, config, now)
        outbox = Outbox(store, TopicSet(topics))
        poller = Poller(store, fetcher, settings, on_story=on_story, on_stored=outbox.on_stored)
        yield App(settings, config, store, fetcher, poller, topics, outbox)
    finally:
        await fetcher.aclose()
        await store.close()


async def _add_config_subscriptions(store: Store, config: Config, now: datetime) -> None:
    """The config file's subscriptions, created once: later changes by command are kept."""
    for spec in config.file.subscriptions:
        existing = {s.topic for s in await store.subscriptions(spec.where)}
        if spec.topic not in existing:
            await store.subscribe(
                spec.where, spec.topic, now, schedule=spec.parsed_schedule, origin="config"
            )
