"""Fixtures for the bot: a loopback feed server, settings that allow exactly 127.0.0.1, a real store."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.fetch import Fetcher
from bot.poll import Poller
from bot.settings import Settings
from bot.store import Store
from tests.servers.feed_server import FeedServer


@pytest.fixture(autouse=True)
def _no_newsbot_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's NEWSBOT_* variables must not leak into tests."""
    import os

    for key in list(os.environ):
        if key.startswith("NEWSBOT_"):
            monkeypatch.delenv(key)
    for key in ("DISCORD_TOKEN", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(key, raising=False)


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Test settings: allow exactly 127.0.0.1, short timeouts, a SQLite file in tmp_path."""
    values: dict[str, Any] = {
        "data_dir": tmp_path,
        "database_url": f"sqlite+aiosqlite:///{tmp_path / 'newsbot.db'}",
        "allow_hosts": "127.0.0.1",
        "connect_timeout": 2.0,
        "read_timeout": 1.0,
        "total_timeout": 5.0,
        "max_body_bytes": 1 * 2**20,
        "min_page_chars": 200,
        "max_failures": 3,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
async def server() -> AsyncIterator[FeedServer]:
    """A feed server on 127.0.0.1, port 0."""
    srv = FeedServer()
    await srv.start()
    try:
        yield srv
    finally:
        await srv.stop()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for one test."""
    return make_settings(tmp_path)


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[Store]:
    """A migrated SQLite file store."""
    st = Store(settings.db_url)
    await st.migrate()
    try:
        yield st
    finally:
        await st.close()


@pytest.fixture
async def fetcher(settings: Settings) -> AsyncIterator[Fetcher]:
    """The safe fetcher with test settings."""
    f = Fetcher(settings)
    try:
        yield f
    finally:
        await f.aclose()


@pytest.fixture
def poller(store: Store, fetcher: Fetcher, settings: Settings) -> Poller:
    """A poller over the test store, with seeded jitter."""
    return Poller(store, fetcher, settings, rng=random.Random(4))
