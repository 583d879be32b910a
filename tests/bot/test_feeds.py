"""Feed parsing, canonical URLs and entry identity (pure functions, no network)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.errors import FeedError
from bot.feeds import Entry, canonical_url, choose_identity, entry_keys, is_seen, parse_feed

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom test</title>
<entry><id>urn:a:1</id><title>First story</title><link href="/news/1?utm_source=x#top"/>
<updated>2026-11-20T10:00:00Z</updated><content type="html">&lt;p&gt;Body one&lt;/p&gt;</content></entry>
</feed>"""

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>RSS test</title>
<item><title>One</title><guid>g1</guid><link>https://example.org/1</link>
<pubDate>Fri, 20 Nov 2026 10:00:00 GMT</pubDate><description>Summary one</description></item>
<item><title>Two</title><guid>g2</guid><link>https://example.org/2</link></item>
</channel></rss>"""


def test_rss_entries() -> None:
    """RSS 2.0 items become entries with guid, link, title, date and summary."""
    feed = parse_feed(RSS, content_type="application/rss+xml", url="https://example.org/feed")
    assert feed.title == "RSS test"
    first = feed.entries[0]
    assert (first.guid, first.link, first.title) == ("g1", "https://example.org/1", "One")
    assert first.published == datetime(2026, 11, 20, 10, tzinfo=UTC)
    assert first.summary == "Summary one"
    assert len(feed.entries) == 2


def test_atom_links_resolved_and_canonical() -> None:
    """Atom relative links are resolved against the feed URL and lose tracking and fragment."""
    feed = parse_feed(ATOM, content_type="application/atom+xml", url="https://ex.org/feed.xml")
    entry = feed.entries[0]
    assert entry.link == "https://ex.org/news/1"
    assert entry.guid == "urn:a:1" and "Body one" in entry.summary


def test_json_feed() -> None:
    """JSON Feed 1.1 is read by hand: id, url, title, date, content."""
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON test",
        "items": [
            {"id": 7, "url": "https://ex.org/7?fbclid=abc", "title": "Seven",
             "date_published": "2026-11-20T10:00:00+01:00", "content_text": "Text seven"},
            "not an item",
            {"id": "8", "content_html": "<p>Eight</p>"},
        ],
    }  # fmt: skip
    feed = parse_feed(json.dumps(doc).encode(), content_type="application/feed+json")
    assert [e.guid for e in feed.entries] == ["7", "8"]
    assert feed.entries[0].link == "https://ex.org/7"
    assert feed.entries[0].published == datetime(2026, 11, 20, 9, tzinfo=UTC)


def test_json_without_version_is_not_a_feed() -> None:
    """JSON that is not a JSON Feed is refused with a reason."""
    with pytest.raises(FeedError, match="not a feed"):
        parse_feed(b'{"items": []}', content_type="application/json")


def test_malformed_xml_still_yields_entries() -> None:
    """A bozo feed (bad entity, unclosed tags) yields the entries it could read and says why."""
    broken = RSS.replace(b"<title>One</title>", b"<title>One &bogus; &amp</title>").replace(
        b"</channel></rss>", b""
    )
    feed = parse_feed(broken, content_type="application/rss+xml")
    assert len(feed.entries) == 2 and feed.problem


def test_html_page_is_not_a_feed() -> None:
    """An HTML page is refused as "not a feed: got text/html"."""
    page = b"<!doctype html><html><head><title>Home</title></head><body>Hi</body></html>"
    with pytest.raises(FeedError, match="not a feed: got text/html"):
        parse_feed(page, content_type="text/html")


def test_garbage_is_not_a_feed() -> None:
    """Bytes that are no feed at all are refused, not crashed on."""
    with pytest.raises(FeedError, match="not a feed"):
        parse_feed(b"\x00\x01\x02 binary", content_type="application/octet-stream")


def test_parse_never_opens_files_named_by_the_body() -> None:
    """A body that is a file name is parsed as data, not opened (feedparser would open it)."""
    with pytest.raises(FeedError):
        parse_feed(b"/etc/hostname", content_type="text/plain")


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://Ex.org:443/a?utm_source=t&utm_medium=x&id=3#frag", "https://ex.org/a?id=3"),
        ("http://ex.org/a?fbclid=1&gclid=2&b=2", "http://ex.org/a?b=2"),
        ("https://ex.org", "https://ex.org/"),
        ("https://ex.org:8443/x?mc_cid=1", "https://ex.org:8443/x"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    """Canonical URLs drop tracking parameters, fragments and default ports."""
    assert canonical_url(url) == canonical


def _e(guid: str | None, link: str | None, title: str, day: int = 1) -> Entry:
    return Entry(guid, link, title, datetime(2026, 11, day, tzinfo=UTC), "summary " + title)


def test_identity_choice() -> None:
    """guid when unique, else link when unique, else title hash."""
    assert choose_identity([_e("a", "l1", "x"), _e("b", "l2", "y")]) == "guid"
    assert choose_identity([_e("a", "l1", "x"), _e("a", "l2", "y")]) == "link"
    assert choose_identity([_e(None, "l1", "x"), _e(None, "l1", "y")]) == "hash"


def test_changed_dates_do_not_make_entries_new() -> None:
    """A feed without guid or link that rewrites every date is still recognised (title + text)."""
    old = _e(None, None, "Same story", day=1)
    seen = set(entry_keys(old).values())
    assert is_seen(entry_keys(_e(None, None, "Same story", day=9)), seen, "hash") == (True, None)
    assert is_seen(entry_keys(_e(None, None, "Other story", day=9)), seen, "hash")[0] is False


def test_reused_guid_is_a_new_story() -> None:
    """A known guid on an entry whose link and title are new is a reused guid: new, switch to link."""
    seen = set(entry_keys(_e("item-1", "https://ex.org/a", "Story A")).values())
    keys = entry_keys(_e("item-1", "https://ex.org/b", "Story B", day=2))
    assert is_seen(keys, seen, "guid") == (False, "link")


def test_unstable_guid_is_not_a_new_story() -> None:
    """A new guid on a known link is an unstable guid: not new, switch to link."""
    seen = set(entry_keys(_e("rand-1", "https://ex.org/a", "Story A")).values())
    keys = entry_keys(_e("rand-2", "https://ex.org/a", "Story A"))
    assert is_seen(keys, seen, "guid") == (True, "link")


def test_stable_guid_with_changed_link_is_old() -> None:
    """A known guid whose link changed but title did not stays old."""
    seen = set(entry_keys(_e("g", "https://ex.org/a", "Story A")).values())
    assert is_seen(entry_keys(_e("g", "https://ex.org/a2", "Story A")), seen, "guid") == (
        True,
        None,
    )


def test_huge_feed_keeps_the_newest_entries() -> None:
    """A document with more than MAX_ENTRIES items keeps the newest MAX_ENTRIES."""
    from bot.feeds import MAX_ENTRIES

    items = [
        {"id": str(i), "title": f"t{i}", "date_published": f"2026-01-01T00:00:{i % 60:02d}Z"}
        for i in range(MAX_ENTRIES + 60)
    ]
    items.append({"id": "newest", "date_published": "2026-11-28T00:00:00Z"})
    doc = {"version": "https://jsonfeed.org/version/1.1", "items": items}
    feed = parse_feed(json.dumps(doc).encode(), content_type="application/feed+json")
    assert len(feed.entries) == MAX_ENTRIES and feed.entries[-1].guid == "newest"
