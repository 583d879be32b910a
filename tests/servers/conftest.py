"""Fixtures for the loopback fakes: started servers, with discord.py pointed at the fake Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.servers.discord_client import discord_endpoints
from tests.servers.fake_discord import FakeDiscord
from tests.servers.fake_slack import FakeSlack


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
