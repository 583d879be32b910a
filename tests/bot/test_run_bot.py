"""`newsbot run` as one process: polls, delivers to the console, serves /healthz, stops on request."""

from __future__ import annotations

import asyncio
import gc
import io
import json
from pathlib import Path

import aiohttp
import pytest

from bot.app import open_app
from bot.config import load_config
from bot.runner import run_bot
from bot.scheduler import utc_now
from bot.web import bound_port, build_web_app, start_web
from tests.bot.conftest import make_settings
from tests.conftest import SEEDS


async def test_run_prints_seed_digests_then_stops_cleanly(tmp_path: Path) -> None:
    """The embedded default config, run (not --once), prints seed digests; `stop` ends it."""
    settings = make_settings(tmp_path, tick=0.2, delivery_tick=0.1, http_host="127.0.0.1")
    config = load_config(SEEDS.parent / "config" / "newsbot.toml")
    out = io.StringIO()
    stop = asyncio.Event()
    gc.unfreeze()
    async with open_app(settings, config, utc_now()) as app:
        task = asyncio.create_task(run_bot(app, stop=stop, console=out, web_port=0))
        async with asyncio.timeout(30):
            while (
                "Small lunar probe" not in out.getvalue() or "Chipmakers warn" not in out.getvalue()
            ):
                assert not task.done(), task
                await asyncio.sleep(0.05)
        stop.set()
        async with asyncio.timeout(15):
            await task
        rows = await app.outbox.deliveries()
    assert rows and all(r.status == "sent" for r in rows)
    assert out.getvalue().count("Small lunar probe") == 1
    # Once started, what startup allocated is out of the collector's way (settle_heap).
    frozen = gc.get_freeze_count()
    gc.unfreeze()  # give this test process's objects back to the collector
    assert frozen > 10_000


async def test_healthz_reports_db_adapters_and_last_poll() -> None:
    """GET /healthz answers the health report as JSON, 200 when ok and 503 otherwise."""
    state = {"status": "ok", "db": "ok", "adapters": ["console"], "last_poll": None}

    async def health() -> dict[str, object]:
        return dict(state)

    runner = await start_web(build_web_app(health), "127.0.0.1", 0)
    try:
        url = f"http://127.0.0.1:{bound_port(runner)}/healthz"
        async with aiohttp.ClientSession() as session:
            async with session.get(url) as response:
                assert response.status == 200
                assert await response.json() == state
            state["status"] = "degraded"
            async with session.get(url) as response:
                assert response.status == 503
    finally:
        await runner.cleanup()


async def test_extra_routes_are_served_next_to_healthz() -> None:
    """Routes handed in (the commands package's /slack/events) are served by the same app."""
    from aiohttp import web

    async def events(request: web.Request) -> web.Response:
        return web.json_response({"got": await request.text()})

    async def health() -> dict[str, object]:
        return {"status": "ok"}

    runner = await start_web(
        build_web_app(health, [web.post("/slack/events", events)]), "127.0.0.1", 0
    )
    try:
        url = f"http://127.0.0.1:{bound_port(runner)}/slack/events"
        async with aiohttp.ClientSession() as session, session.post(url, data="x=1") as response:
            assert json.loads(await response.text()) == {"got": "x=1"}
    finally:
        await runner.cleanup()


def test_subscriptions_command_lists_mode_schedule_next_run_and_pause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`newsbot subscriptions --json` shows config subscriptions with mode, schedule and next run."""
    from bot.cli import main

    config = tmp_path / "newsbot.toml"
    config.write_text(
        f'topics_file = "{SEEDS.parent / "config" / "topics.toml"}"\n'
        '[[subscriptions]]\nplatform = "slack"\nworkspace = "T1"\nchannel = "C1"\n'
        'topic = "world"\nschedule = "daily 08:00 Europe/Berlin"\n'
        '[[subscriptions]]\nplatform = "discord"\nworkspace = "1"\nchannel = "2"\n'
        'topic = "science"\n'
    )
    monkeypatch.setenv("NEWSBOT_CONFIG", str(config))
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    assert main(["subscriptions", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    by_platform = {r["platform"]: r for r in rows}
    assert (
        by_platform["discord"]["mode"] == "instant" and by_platform["discord"]["next_run"] is None
    )
    slack = by_platform["slack"]
    assert slack["mode"] == "roundup" and slack["schedule"] == "daily 08:00 Europe/Berlin"
    assert slack["next_run"] is not None and slack["paused_reason"] is None
    assert (slack["include"], slack["exclude"], slack["ping"]) == ([], [], None)


def test_unknown_topic_in_config_subscription_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A config subscription to a topic that does not exist fails with the known names."""
    from bot.cli import main

    config = tmp_path / "newsbot.toml"
    config.write_text(
        f'topics_file = "{SEEDS.parent / "config" / "topics.toml"}"\n'
        '[[subscriptions]]\nplatform = "console"\nchannel = "console"\ntopic = "sport"\n'
    )
    monkeypatch.setenv("NEWSBOT_CONFIG", str(config))
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    assert main(["subscriptions"]) == 2
    err = capsys.readouterr().err
    assert "unknown topic 'sport'" in err and "world" in err and err.count("\n") == 1


def test_example_config_and_its_topics_load() -> None:
    """The shipped example config validates, with its topics file and subscriptions."""
    from bot.config import load_topics

    config = load_config(SEEDS.parent / "config" / "newsbot.example.toml")
    names = {t.name for t in load_topics(config)}
    assert {"world", "us-china"} <= names
    assert {s.platform for s in config.file.subscriptions} == {"discord", "slack", "console"}
