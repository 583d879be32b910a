"""Feed discovery against a loopback site: a feed, a page linking one, common paths, refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.discovery import MAX_CANDIDATES, common_urls, discover, feed_links
from bot.errors import BlockedError, FeedError, FetchError
from bot.fetch import Fetcher
from tests.servers.feed_server import FeedServer, Item, rss

ITEMS = [
    Item("g2", "https://news.example/2", "Ferry returns to the harbour", datetime(2026, 11, 2, tzinfo=UTC)),
    Item("g1", "https://news.example/1", "Council votes on the bridge", datetime(2026, 11, 1, tzinfo=UTC)),
]  # fmt: skip


def page(head: str = "") -> bytes:
    """A small HTML page with `head` in its <head>."""
    return f"<!doctype html><html><head><title>Site</title>{head}</head><body>Hi</body></html>".encode()


async def test_a_feed_url_is_taken_as_it_is(server: FeedServer, fetcher: Fetcher) -> None:
    """A URL that serves a feed is the feed; one request."""
    server.static("/news.rss", rss(ITEMS, title="Harbour News"))
    found = await discover(fetcher, server.url("/news.rss"))
    assert (found.url, found.feed.title, found.how) == (
        server.url("/news.rss"),
        "Harbour News",
        "the link is a feed",
    )
    assert [e.title for e in found.feed.entries] == [i.title for i in ITEMS]
    assert sum(server.hits.values()) == 1


async def test_a_page_s_alternate_link_is_followed(server: FeedServer, fetcher: Fetcher) -> None:
    """A page's <link rel="alternate" type="application/atom+xml"> (relative) leads to its feed."""
    link = '<link rel="alternate" type="application/rss+xml" href="feeds/main.xml">'
    server.static("/blog/", page(link), content_type="text/html; charset=utf-8")
    server.static("/blog/feeds/main.xml", rss(ITEMS, title="The blog"))
    found = await discover(fetcher, server.url("/blog/"))
    assert found.url == server.url("/blog/feeds/main.xml")
    assert (found.feed.title, found.how) == ("The blog", "linked from the page")
    assert server.hits["/feed"] == 0  # a linked feed is tried before the common paths


async def test_a_page_without_a_link_finds_a_common_path(
    server: FeedServer, fetcher: Fetcher
) -> None:
    """No alternate link: /feed, /rss.xml, … at the site's root are tried, in order."""
    server.static("/about", page(), content_type="text/html")
    server.static("/atom.xml", rss(ITEMS, title="Root feed"))
    found = await discover(fetcher, server.url("/about"))
    assert (found.url, found.how) == (server.url("/atom.xml"), "at /atom.xml on the site")
    assert server.hits["/feed"] == server.hits["/rss.xml"] == 1


async def test_a_site_with_no_feed_is_one_clear_error(server: FeedServer, fetcher: Fetcher) -> None:
    """A page with no feed anywhere raises FeedError; the number of requests is bounded."""
    server.static("/", page(), content_type="text/html")
    with pytest.raises(FeedError, match="no feed found on that page or at the usual paths"):
        await discover(fetcher, server.url("/"))
    assert sum(server.hits.values()) <= 1 + MAX_CANDIDATES


async def test_a_private_address_is_refused_before_any_request(fetcher: Fetcher) -> None:
    """127.0.0.2 is not in the test allow-list: refused by the safe fetcher."""
    with pytest.raises(BlockedError, match="private address"):
        await discover(fetcher, "http://127.0.0.2:9/feed")


async def test_a_page_linking_a_private_feed_says_so(server: FeedServer, fetcher: Fetcher) -> None:
    """A public page whose feed link points at a private address: the refusal is named."""
    private = server.url("/secret.xml", host="127.0.0.2")
    server.static(
        "/", page(f'<link rel="alternate" type="application/rss+xml" href="{private}">'),
        content_type="text/html",
    )  # fmt: skip
    with pytest.raises(BlockedError):
        await discover(fetcher, server.url("/"))


async def test_a_feed_over_the_size_limit_is_refused(server: FeedServer, fetcher: Fetcher) -> None:
    """An endless feed stops at the fetcher's size limit with a 'too large' reason."""
    server.endless("/huge.xml")
    with pytest.raises(FetchError, match="too large"):
        await discover(fetcher, server.url("/huge.xml"))


def test_feed_links_keeps_feed_types_in_document_order() -> None:
    """Only alternates of a feed type count; stylesheets and other alternates do not."""
    html = page(
        '<link rel="stylesheet" href="/s.css">'
        '<link rel="alternate" hreflang="de" href="/de/">'
        '<link rel="alternate" type="application/atom+xml" href="/atom">'
        '<link rel="Alternate" type="application/feed+json" href="https://other.example/f.json">'
        '<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">'
    )
    assert feed_links(html, "https://site.example/a/b") == [
        "https://site.example/atom",
        "https://other.example/f.json",
    ]


def test_common_urls_are_at_the_site_root() -> None:
    """The usual paths are tried at the root, whatever page was given."""
    urls = common_urls("https://site.example/a/b?q=1")
    assert urls[:2] == ["https://site.example/feed", "https://site.example/rss.xml"]
