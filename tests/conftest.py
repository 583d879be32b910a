"""Shared fixtures: the seed article, and the loopback fakes (fake Discord, fake Slack)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.servers.discord_client import discord_endpoints
from tests.servers.fake_discord import FakeDiscord
from tests.servers.fake_slack import FakeSlack

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_ARTICLE = SEEDS / "000_3509497b077d475c.txt"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Refuse to test compiled digest modules built from older sources than the checkout's."""
    # Extension modules load before .py files: after an edit, a stale build would be tested
    # instead of the code on disk. scripts/test rebuilds first (scripts/bootstrap).
    built = [*ROOT.glob("digests_compiled__mypyc*.so"), *(ROOT / "digests").rglob("*.so")]
    if not built:
        return
    sources = (ROOT / "digests").rglob("*.py")
    if max(p.stat().st_mtime for p in sources) > min(p.stat().st_mtime for p in built):
        pytest.exit("digests/ changed since it was compiled: run scripts/bootstrap dev", 2)


@pytest.fixture
def seed_text() -> str:
    """The article this project was started from."""
    return SEED_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A running fake Discord, with discord.py's REST base and gateway pointed at it."""
    async with FakeDiscord() as fake:
        with discord_endpoints(fake.api_url, fake.gateway_url):
            yield fake


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    """A running fake Slack Web API."""
    async with FakeSlack() as fake:
        yield fake
