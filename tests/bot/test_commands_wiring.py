"""Wiring the commands into the running bot: the pieces per configuration, the ranking adapter."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.commands.core import ArticleRoundups
from bot.commands.wiring import build_commands
from bot.fetch import Fetcher
from bot.settings import load_settings
from bot.store import Store
from tests.bot.commands_fixtures import T0, TOPICS, add_article, hours
from tests.bot.conftest import make_settings


@pytest.fixture(autouse=True)
def _no_slack_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's SLACK_* variables win over test values in Settings: keep them out."""
    for key in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(key, raising=False)


def test_without_slack_credentials_only_discord_is_wired(
    tmp_path: Path, store: Store, fetcher: Fetcher
) -> None:
    """No SLACK_BOT_TOKEN: no Slack app, no routes, no Socket Mode; the Discord setup is there."""
    pieces = build_commands(make_settings(tmp_path), store, fetcher, TOPICS)
    assert (pieces.slack_app, pieces.web_routes, pieces.socket_mode) == (None, [], None)
    assert callable(pieces.discord_setup)


def test_http_mode_serves_slack_events(tmp_path: Path, store: Store, fetcher: Fetcher) -> None:
    """Token and signing secret: one POST /slack/events route for the web app."""
    settings = make_settings(tmp_path, slack_bot_token="xoxb-1", slack_signing_secret="s")
    pieces = build_commands(settings, store, fetcher, TOPICS)
    [route] = pieces.web_routes
    assert (route.method, route.path, pieces.socket_mode) == ("POST", "/slack/events", None)


def test_socket_mode_replaces_the_route(tmp_path: Path, store: Store, fetcher: Fetcher) -> None:
    """With an app token the app runs over Socket Mode and serves no HTTP route."""
    settings = make_settings(tmp_path, slack_bot_token="xoxb-1")
    pieces = build_commands(settings, store, fetcher, TOPICS, slack_app_token="xapp-1")
    assert pieces.web_routes == [] and pieces.socket_mode is not None


async def test_article_roundups_keep_the_best_up_to_the_limit(store: Store) -> None:
    """`ArticleRoundups` (what `newsbot run` wires with `roundup_max_items`) returns the ranking's
    best stories of the period, at most `limit`, newest first among equals."""
    for hour in (3, 2, 1):
        await add_article(store, f"Probe news {hour}", "The probe landed.", at=T0 - hours(hour))
    stories = await ArticleRoundups(store, limit=2).stories("science", T0 - hours(4), T0)
    assert [d.title for d in stories] == ["Probe news 1", "Probe news 2"]


def test_slack_settings_come_from_slacks_own_variable_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SLACK_BOT_TOKEN / SLACK_SIGNING_SECRET (no prefix) and NEWSBOT_SLACK_* are read; secrets hidden."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-env")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret-env")
    monkeypatch.setenv("NEWSBOT_SLACK_ADMINS", "U012AB3CD")
    monkeypatch.setenv("NEWSBOT_SLACK_API_URL", "http://127.0.0.1:9/api/")
    settings = load_settings()
    assert settings.slack_bot_token.get_secret_value() == "xoxb-env"
    assert settings.slack_signing_secret.get_secret_value() == "secret-env"
    assert (settings.slack_admins, settings.slack_api_url) == (
        "U012AB3CD",
        "http://127.0.0.1:9/api/",
    )
    assert "secret-env" not in repr(settings)
