"""Crash safety: a poll round killed or cancelled midway loses nothing and repeats nothing."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.poll import Poller
from bot.scheduler import run_scheduler
from bot.settings import Settings
from bot.store import Store
from tests.servers.feed_server import FeedServer, article_page, publish_story, rss, story_text

pytestmark = pytest.mark.both_databases  # run on SQLite and PostgreSQL (conftest)

T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


async def _two_feeds_one_slow(server: FeedServer, store: Store, poller: Poller) -> tuple[str, str]:
    """Feeds /fast and /slow, already polled once; then each gets a new story, /slow's page hangs."""
    server.static("/fast", rss([]))
    server.static("/slow", rss([]))
    for path in ("/fast", "/slow"):
        await store.add_feed(server.url(path), T0)
    await poller.poll_all(T0)
    fast = publish_story(server, "fast", "Fast story", 51)
    slow = publish_story(server, "slow", "Slow story", 52)
    server.slow("/a/slow", 20.0, article_page("Slow story", story_text(52)), "text/html")
    server.static("/fast", rss([fast]))
    server.static("/slow", rss([slow]))
    assert fast.link and slow.link
    return fast.link, slow.link


async def _wait_for_article(store: Store, url: str, seconds: float = 20.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if url in {a.url for a in await store.articles()}:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{url} was never stored")


async def _finish_and_check(
    server: FeedServer, store: Store, poller: Poller, fast: str, slow: str
) -> None:
    server.static("/a/slow", article_page("Slow story", story_text(52)), content_type="text/html")
    report = await poller.poll_all(T0 + timedelta(minutes=20))
    assert [s.url for o in report.outcomes for s in o.new] == [slow]
    urls = [a.url for a in await store.articles()]
    assert sorted(urls) == sorted([fast, slow])  # each story exactly once


async def test_cancelled_round_loses_and_repeats_nothing(
    server: FeedServer, store: Store, poller: Poller
) -> None:
    """Cancel a round after one feed committed and while another is mid-poll; poll again."""
    fast, slow = await _two_feeds_one_slow(server, store, poller)
    task = asyncio.create_task(poller.poll_all(T0 + timedelta(minutes=10)))
    await _wait_for_article(store, fast)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await _finish_and_check(server, store, poller, fast, slow)


async def test_killed_process_loses_and_repeats_nothing(
    server: FeedServer, store: Store, poller: Poller, settings: Settings, tmp_path: Path
) -> None:
    """SIGKILL a `newsbot poll --once` process midway through a round; the next round is exact."""
    fast, slow = await _two_feeds_one_slow(server, store, poller)
    config = tmp_path / "empty.toml"
    config.write_text("# no feeds: the test added them to the database\n")
    env = {
        **os.environ,
        "NEWSBOT_DATABASE_URL": settings.db_url,
        "NEWSBOT_CONFIG": str(config),
        "NEWSBOT_ALLOW_HOSTS": "127.0.0.1",
        "NEWSBOT_READ_TIMEOUT": "30",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "poll", "--once", "--json",
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await _wait_for_article(store, fast, seconds=30)
        assert proc.returncode is None  # still inside the round (the slow page)
    finally:
        proc.kill()
        await proc.wait()
    await _finish_and_check(server, store, poller, fast, slow)


async def test_scheduler_stops_gracefully(server: FeedServer, store: Store, poller: Poller) -> None:
    """Setting the stop event ends the scheduler; an in-flight poll past the grace time rolls back."""
    fast, _slow = await _two_feeds_one_slow(server, store, poller)
    for path in ("/fast", "/slow"):  # make both due now by the real clock
        await store.add_feed(server.url(path), datetime.now(UTC))
    stop = asyncio.Event()
    task = asyncio.create_task(run_scheduler(poller, tick=60, stop=stop, grace=0.2))
    await _wait_for_article(store, fast)
    stop.set()
    await asyncio.wait_for(task, timeout=10)
    assert [a.url for a in await store.articles()] == [fast]
    feed = await store.feed(server.url("/slow"))
    assert feed is not None and feed.last_polled_at == T0  # untouched since its first poll


async def test_sigterm_stops_newsbot_run(tmp_path: Path) -> None:
    """`newsbot run` prints new stories and exits 0 on SIGTERM."""
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "one.txt").write_text("Harbour story\n\n" + " ".join(story_text(61)) + "\n")
    config = tmp_path / "newsbot.toml"
    config.write_text(f'[[feeds]]\npath = "{folder}"\nbackfill = 10\n')
    env = {
        **os.environ,
        "NEWSBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
        "NEWSBOT_CONFIG": str(config),
        "NEWSBOT_HTTP_HOST": "127.0.0.1",  # /healthz on loopback, any free port
        "NEWSBOT_HTTP_PORT": "0",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run",
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None
    try:
        line = await asyncio.wait_for(proc.stdout.readline(), timeout=30)
        assert b"Harbour story" in line
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), timeout=15)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert code == 0
