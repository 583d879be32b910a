"""Fixtures for the bot: a loopback feed server, settings that allow exactly 127.0.0.1, a real store.

The store is a SQLite file; test modules marked `both_databases` (storage, poll, outbox, delivery,
roundups) run each test that uses the database once on SQLite and once on PostgreSQL when
`NEWSBOT_TEST_POSTGRES_URL` names one (see tests/bot/databases.py; `scripts/test` sets it).
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.adapters.discord import DiscordAdapter
from bot.commands.discord_commands import register_discord_commands
from bot.commands.slack_commands import create_slack_app, slack_routes
from bot.fetch import Fetcher
from bot.poll import Poller
from bot.settings import Settings
from bot.store import Store
from tests.bot.commands_fixtures import SLACK_SECRET, make_core
from tests.bot.databases import (
    POSTGRES_ENV,
    create_run_database,
    drop_run_database,
    empty_schema,
    postgres_admin_url,
)
from tests.servers.fake_discord import FakeDiscord
from tests.servers.fake_slack import FakeSlack
from tests.servers.feed_server import FeedServer
from tests.servers.loopback import LoopbackServer

BOTH = "both_databases"


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker of modules whose database tests run on both backends."""
    config.addinivalue_line("markers", f"{BOTH}: run the database tests on SQLite and PostgreSQL")
    postgres_admin_url()  # read before any test removes NEWSBOT_* from the environment


def pytest_report_header(config: pytest.Config) -> str:
    """Say whether PostgreSQL is part of this run."""
    if postgres_admin_url():
        return f"databases: SQLite and PostgreSQL ({POSTGRES_ENV})"
    return f"databases: SQLite only (set {POSTGRES_ENV} to test PostgreSQL too)"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Marked modules: every test that uses the database runs once per backend."""
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker(BOTH):
        backends = ["sqlite", "postgresql"] if postgres_admin_url() else ["sqlite"]
        metafunc.parametrize("backend", backends, indirect=True)


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """For `newsbot` commands run in-process: a fresh database, an empty config file, 127.0.0.1 allowed."""
    config = tmp_path / "newsbot.toml"
    config.write_text("# empty\n")
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("NEWSBOT_CONFIG", str(config))
    monkeypatch.setenv("NEWSBOT_ALLOW_HOSTS", "127.0.0.1")
    return config


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend of this test: sqlite unless the module runs on both."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def postgres_run_database() -> Iterator[str]:
    """This run's own PostgreSQL database (created once, dropped at the end)."""
    admin = postgres_admin_url()
    if admin is None:
        pytest.skip(f"PostgreSQL not configured ({POSTGRES_ENV})")
    url = create_run_database(admin)
    try:
        yield url
    finally:
        drop_run_database(admin, url)


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """An empty database for one test: a SQLite file, or this run's PostgreSQL database emptied."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'newsbot.db'}"
    url = str(request.getfixturevalue("postgres_run_database"))
    empty_schema(url)
    return url


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
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Settings for one test."""
    return make_settings(tmp_path, database_url=database_url)


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[Store]:
    """A migrated store (SQLite file, or PostgreSQL in modules run on both)."""
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


@pytest.fixture
async def discord_bot(
    fake_discord: FakeDiscord, tmp_path: Path, store: Store, fetcher: Fetcher
) -> AsyncIterator[DiscordAdapter]:
    """The bot's own Discord adapter (commands and sender on one discord.py client) with /news over
    a core on the test store, connected to the fake."""
    settings = make_settings(
        tmp_path,
        discord_token=fake_discord.token,
        discord_api_url=fake_discord.api_url,
        discord_gateway_url=fake_discord.gateway_url,
    )
    core = make_core(store, fetcher)
    adapter = DiscordAdapter(
        settings,
        setups=[lambda tree: register_discord_commands(tree, core)],
        guild_ready_timeout=0.05,
    )
    adapter.sender.channel_interval = 0.01
    await adapter.start(ready_within=10)
    try:
        yield adapter
    finally:
        await adapter.close()


@pytest.fixture
async def slack_events(
    tmp_path: Path, fake_slack: FakeSlack, store: Store, fetcher: Fetcher
) -> AsyncIterator[str]:
    """The bolt app over a core on the test store (managers: workspace admins) at
    http://127.0.0.1:port/slack/events; `commands_fixtures.slack_ask` signs commands for it."""
    settings = make_settings(
        tmp_path,
        slack_bot_token=fake_slack.token,
        slack_signing_secret=SLACK_SECRET,
        slack_api_url=fake_slack.api_url,
        slack_admins="admins",
    )
    web_app = web.Application()
    web_app.add_routes(slack_routes(create_slack_app(settings, make_core(store, fetcher))))
    server = LoopbackServer(web_app)
    await server.start()
    try:
        yield server.origin + "/slack/events"
    finally:
        await server.stop()
