"""`newsbot feeds` shows who follows each feed; OPML import and export, and bad files in one line."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from bot.cli import main
from bot.follows import feed_key
from bot.opml import OpmlError, parse_opml
from bot.scheduler import utc_now
from bot.store import ChannelRef, FeedTag, Store

OPML = b"""<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0"><head><title>My feeds</title></head><body>
  <outline text="News">
    <outline type="rss" text="Harbour" title="Harbour Gazette" xmlUrl="https://harbour.example/feed.xml"/>
    <outline type="rss" text="Science" xmlUrl="https://science.example/rss"/>
    <outline type="rss" text="Again" xmlUrl="https://harbour.example/feed.xml"/>
    <outline type="rss" text="Local" xmlUrl="file:///etc/passwd"/>
  </outline>
</body></opml>
"""


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


async def _follow(url: str, *channels: ChannelRef, tag: str | None = None) -> None:
    """Each channel follows the feed; `tag`: the first channel's workspace files it there."""
    store = Store(os.environ["NEWSBOT_DATABASE_URL"])
    try:
        feed = await store.feed(url)
        assert feed is not None
        for where in channels:
            await store.subscribe(where, feed_key(feed.id), utc_now())
        if tag is not None:
            async with store.transaction() as tx:
                first = channels[0]
                await tx.add(FeedTag(feed_id=feed.id, platform=first.platform,
                                     workspace=first.workspace, topic=tag))  # fmt: skip
    finally:
        await store.close()


def test_feeds_lists_the_workspaces_that_follow_each_feed(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Text groups followers by workspace; JSON lists each channel."""
    _run(capsys, "feeds", "add", "https://harbour.example/feed.xml")
    channels = [
        ChannelRef("discord", "G1", "C1"),
        ChannelRef("discord", "G1", "C2"),
        ChannelRef("slack", "T9", "C9"),
    ]
    asyncio.run(_follow("https://harbour.example/feed.xml", *channels, tag="harbours"))
    code, out, _ = _run(capsys, "feeds")
    assert code == 0
    assert "followed in: discord G1 (2 channels, topic harbours), slack T9 (1 channel)" in out
    [row] = json.loads(_run(capsys, "feeds", "--json")[1])
    assert row["followers"] == [
        {"platform": c.platform, "workspace": c.workspace, "channel": c.channel} for c in channels
    ]
    assert row["tags"] == [{"platform": "discord", "workspace": "G1", "topic": "harbours"}]
    # `newsbot subscriptions` names the followed feed, not its `feed:N` key.
    subs = _run(capsys, "subscriptions")[1]
    assert "discord/G1/C1  https://harbour.example/feed.xml  instant" in subs
    rows = json.loads(_run(capsys, "subscriptions", "--json")[1])
    assert {(r["topic"], r["feed"]) for r in rows} == {
        ("feed:1", "https://harbour.example/feed.xml")
    }
    # Removing the feed takes its follows with it, so `feed:1` can never name another feed.
    code, out, _ = _run(capsys, "feeds", "remove", "https://harbour.example/feed.xml")
    assert code == 0 and "(3 channels followed it)" in out
    assert json.loads(_run(capsys, "subscriptions", "--json")[1]) == []


def test_opml_import_then_export_round_trips(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Import adds each http(s) feed once with the topic; export lists them as OPML outlines."""
    path = cli_env.parent / "mine.opml"
    path.write_bytes(OPML)
    code, out, _ = _run(capsys, "feeds", "import", str(path), "--topic", "science")
    assert code == 0 and f"imported 2 feeds from {path} (0 already watched)" in out
    rows = json.loads(_run(capsys, "feeds", "--json")[1])
    assert [(r["url"], r["topic"]) for r in rows] == [
        ("https://harbour.example/feed.xml", "science"),
        ("https://science.example/rss", "science"),
    ]
    again = _run(capsys, "feeds", "import", str(path))[1]
    assert "imported 0 feeds" in again and "(2 already watched)" in again
    code, out, _ = _run(capsys, "feeds", "export")
    assert code == 0
    assert [f.url for f in parse_opml(out.encode())] == [r["url"] for r in rows]
    target = cli_env.parent / "out.opml"
    assert _run(capsys, "feeds", "export", str(target))[0] == 0
    assert parse_opml(target.read_bytes()) == parse_opml(out.encode())


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"<opml><body><outline", "not valid XML"),
        (b"<rss version='2.0'></rss>", "not OPML: the root element is <rss>"),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
            b'"&lol;&lol;&lol;&lol;">]><opml><body><outline text="&lol2;" '
            b'xmlUrl="https://x.example/f"/></body></opml>',
            "declares a DTD or entities",
        ),
    ],
)
def test_a_bad_opml_file_is_one_line(
    cli_env: Path, capsys: pytest.CaptureFixture[str], content: bytes, expected: str
) -> None:
    """Broken XML, another format, or an entity bomb: exit 2 with one line, nothing imported."""
    path = cli_env.parent / "bad.opml"
    path.write_bytes(content)
    code, _, err = _run(capsys, "feeds", "import", str(path))
    assert code == 2 and expected in err and len(err.strip().splitlines()) == 1
    assert json.loads(_run(capsys, "feeds", "--json")[1]) == []


def test_a_missing_opml_file_is_one_line(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A path that does not exist is named."""
    code, _, err = _run(capsys, "feeds", "import", str(cli_env.parent / "none.opml"))
    assert code == 2 and "no such file" in err


def test_external_entities_are_refused_too() -> None:
    """A SYSTEM entity (file read) is refused before the parser sees it."""
    doc = b'<!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]><opml>&x;</opml>'
    with pytest.raises(OpmlError, match="DTD"):
        parse_opml(doc)
