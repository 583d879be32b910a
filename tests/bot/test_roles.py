"""`newsbot run --role`: poll stores and owes, deliver sends, gateway does neither."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import pytest

from bot.adapters.console_sender import CONSOLE
from bot.app import open_app
from bot.cli import main
from bot.config import ALL_TOPICS, load_config
from bot.runner import run_bot
from bot.scheduler import utc_now
from tests.bot.conftest import make_settings
from tests.conftest import SEEDS


async def test_poll_role_owes_and_deliver_role_sends(tmp_path: Path) -> None:
    """A poll-only pass stores the seeds and owes them; a deliver-only pass posts them once."""
    settings = make_settings(tmp_path)
    config = load_config(SEEDS.parent / "config" / "newsbot.toml")
    async with open_app(settings, config, utc_now()) as app:
        await app.store.subscribe(CONSOLE, ALL_TOPICS, utc_now())
        out = io.StringIO()
        assert await run_bot(app, once=True, role="poll", console=out) is not None
        rows = await app.outbox.deliveries()
        assert out.getvalue() == "" and rows and {r.status for r in rows} == {"pending"}
        summary = await run_bot(app, once=True, role="deliver", console=out)
        assert summary is not None and summary.sent == len(rows)
        assert out.getvalue().count("Small lunar probe") == 1
        assert {r.status for r in await app.outbox.deliveries()} == {"sent"}


async def test_gateway_role_neither_polls_nor_delivers(tmp_path: Path) -> None:
    """The gateway role runs until stopped and leaves feeds and the outbox alone."""
    settings = make_settings(tmp_path, http_host="127.0.0.1")
    config = load_config(SEEDS.parent / "config" / "newsbot.toml")
    async with open_app(settings, config, utc_now()) as app:
        await app.store.subscribe(CONSOLE, ALL_TOPICS, utc_now())
        stop = asyncio.Event()
        task = asyncio.create_task(run_bot(app, stop=stop, role="gateway", web_port=0))
        await asyncio.sleep(0.5)
        assert not task.done()
        stop.set()
        async with asyncio.timeout(10):
            await task
        assert await app.store.articles() == [] and await app.outbox.deliveries() == []


async def test_unknown_role_is_refused(tmp_path: Path) -> None:
    """A role that is not one of ROLES is an error, not a silent no-op."""
    config = load_config(SEEDS.parent / "config" / "newsbot.toml")
    async with open_app(make_settings(tmp_path), config, utc_now()) as app:
        with pytest.raises(ValueError, match="unknown role"):
            await run_bot(app, once=True, role="pollster")


def test_cli_role_poll_stores_without_posting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`newsbot run --once --role poll` polls the embedded default and posts nothing."""
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'roles.db'}")
    assert main(["run", "--once", "--role", "poll"]) == 0
    assert "Small lunar probe" not in capsys.readouterr().out
    assert main(["feeds", "--json"]) == 0
    [feed] = json.loads(capsys.readouterr().out)
    assert feed["state"] == "ok"  # polled


def test_cli_refuses_an_unknown_role(capsys: pytest.CaptureFixture[str]) -> None:
    """`--role` takes only the roles the runner knows."""
    with pytest.raises(SystemExit) as exited:
        main(["run", "--role", "pollster"])
    assert exited.value.code == 2 and "invalid choice" in capsys.readouterr().err
