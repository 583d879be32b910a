"""The composition root: settings and config loaded once, store migrated, poller wired."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from bot.config import Config, load_config
from bot.fetch import Fetcher
from bot.poll import OnStory, Poller
from bot.settings import Settings, load_settings
from bot.store import Store


@dataclass(frozen=True, slots=True)
class App:
    """Everything a command needs, built once."""

    settings: Settings
    config: Config
    store: Store
    fetcher: Fetcher
    poller: Poller


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
    """Open the store (migrating it), add the config file's feeds, and close it all afterwards."""
    store = Store(settings.db_url)
    fetcher = Fetcher(settings)
    try:
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
        yield App(
            settings, config, store, fetcher, Poller(store, fetcher, settings, on_story=on_story)
        )
    finally:
        await fetcher.aclose()
        await store.close()
