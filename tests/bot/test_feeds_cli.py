"""`newsbot feeds`, `newsbot poll --once`, `newsbot digest URL` and setting errors, end to end."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from tests.servers.feed_server import FeedServer, publish_story, rss


@pytest.fixture
def live_server() -> Iterator[FeedServer]:
    """The feed server on its own thread and loop, so that the (synchronous) CLI can call it."""
    loop = asyncio.new_event_loop()
    server = FeedServer()
    ready = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.start())
        ready.set()
        loop.run_forever()
        loop.run_until_complete(server.stop())
        loop.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(10)
    try:
        yield server
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_feeds_add_list_remove(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """add stores a feed with its topic, the JSON list shows its state, remove forgets it."""
    code, out, _ = _run(capsys, "feeds", "add", "https://example.org/rss", "--topic", "science")
    assert code == 0 and "added" in out
    _, out, _ = _run(capsys, "feeds", "--json")
    [row] = json.loads(out)
    assert row["url"] == "https://example.org/rss" and row["topic"] == "science"
    assert row["state"] == "new" and row["last_success"] is None and row["next_poll"]
    assert {"last_error", "disabled_reason"} <= set(row)
    code, out, _ = _run(capsys, "feeds", "remove", "https://example.org/rss")
    assert code == 0 and json.loads(_run(capsys, "feeds", "--json")[1]) == []


def test_feeds_remove_unknown(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Removing a feed that is not there is one error line and exit status 2."""
    code, _, err = _run(capsys, "feeds", "remove", "https://example.org/none")
    assert code == 2 and "no such feed" in err and len(err.strip().splitlines()) == 1


def test_feeds_add_rejects_other_schemes(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Only http(s) URLs or local folders can be added."""
    code, _, err = _run(capsys, "feeds", "add", "ftp://example.org/rss")
    assert code == 2 and "not a feed URL" in err


def test_poll_once_json(
    cli_env: Path, live_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """poll --once --json: first poll finds nothing new; then new, duplicates and failures."""
    live_server.static("/one", rss([publish_story(live_server, "old", "Old story", 70)]))
    live_server.static("/two", rss([]))
    for path in ("/one", "/two", "/broken"):
        _run(capsys, "feeds", "add", live_server.url(path))
    code, out, _ = _run(capsys, "poll", "--once", "--json")
    data = json.loads(out)
    assert code == 0 and data["new"] == [] and data["duplicates"] == []
    assert data["failed"] == [{"feed": live_server.url("/broken"), "error": "HTTP 404"}]
    story = publish_story(live_server, "fresh", "Fresh story", 71)
    live_server.static("/one", rss([story]))
    live_server.static("/two", rss([story]))
    data = json.loads(_run(capsys, "poll", "--once", "--json")[1])
    # Both feeds are polled concurrently: whichever stores the story first has it as new.
    [new] = data["new"]
    [dup] = data["duplicates"]
    assert new["url"] == story.link and new["title"] == "Fresh story"
    assert dup == {"feed": dup["feed"], "url": story.link, "duplicate_of": story.link}
    assert {new["feed"], dup["feed"]} == {live_server.url("/one"), live_server.url("/two")}


def test_feeds_list_shows_failure(
    cli_env: Path, live_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """After a failed poll the list shows the state and the last error: nothing fails silently."""
    _run(capsys, "feeds", "add", live_server.url("/gone"))
    _run(capsys, "poll", "--once")
    _, out, _ = _run(capsys, "feeds")
    assert "[failing]" in out and "last error: HTTP 404" in out


def test_digest_url_through_safe_fetcher(
    cli_env: Path, live_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """`newsbot digest URL` fetches the page with the safe fetcher and digests it."""
    story = publish_story(live_server, "page", "Page story", 72)
    code, out, _ = _run(capsys, "digest", story.link or "", "--json")
    data = json.loads(out)
    assert code == 0 and data["title"] == "Page story" and data["key_points"]


def test_digest_url_blocked_by_default(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without the allow list, a loopback URL is refused with a reason and nothing is fetched."""
    monkeypatch.delenv("NEWSBOT_ALLOW_HOSTS")
    code, _, err = _run(capsys, "digest", "http://127.0.0.1:9/x")
    assert code == 2 and "blocked: resolves to a private address" in err


def test_bad_setting_is_one_line(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad environment setting exits 2 with one line naming the variable."""
    monkeypatch.setenv("NEWSBOT_POLL_INTERVAL", "10")
    code, _, err = _run(capsys, "feeds")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "NEWSBOT_POLL_INTERVAL" in err and "60" in err


def test_bad_config_file_one_line_per_problem(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each problem in the config file is one error line naming the entry; unknown sections pass."""
    cli_env.write_text(
        '[[topics]]\nname = "later"\n\n[[feeds]]\nurl = "ftp://x"\n\n[[feeds]]\npath = "a"\nbackfill = -1\n'
    )
    code, _, err = _run(capsys, "feeds")
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 2
    assert "feeds.0" in lines[0] and "http" in lines[0]
    assert "feeds.1.backfill" in lines[1]


def test_missing_config_file(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """NEWSBOT_CONFIG naming a missing file is one line with the fix."""
    monkeypatch.setenv("NEWSBOT_CONFIG", str(cli_env.parent / "nope.toml"))
    code, _, err = _run(capsys, "feeds")
    assert code == 2 and "NEWSBOT_CONFIG" in err and "no such file" in err


def test_bad_database_url_is_one_line(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database URL that is not one gets one line naming NEWSBOT_DATABASE_URL."""
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", "nonsense")
    code, _, err = _run(capsys, "feeds")
    assert code == 2 and "NEWSBOT_DATABASE_URL" in err and len(err.strip().splitlines()) == 1
