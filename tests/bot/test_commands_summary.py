"""`/news summary` in the core: safe fetching over 127.0.0.1, every refusal, the store as a cache."""

from __future__ import annotations

import pytest

from bot.commands.core import Core
from bot.fetch import Fetcher
from bot.store import Store
from tests.bot.commands_fixtures import READER, T0, hours, make_core
from tests.servers.feed_server import FeedServer, article_page, story_text

TITLE = "Harbour bridge reopens after repairs"


@pytest.fixture
def core(store: Store, fetcher: Fetcher) -> Core:
    """A core over the test store with the clock at T0."""
    return make_core(store, fetcher)


def _page(server: FeedServer, path: str = "/story") -> str:
    server.static(path, article_page(TITLE, story_text(7)), content_type="text/html")
    return server.url(path)


async def test_summary_digests_a_page_and_replies_in_channel(
    core: Core, server: FeedServer
) -> None:
    """A public (here: allowed loopback) article page is fetched and digested."""
    reply = await core.handle_text(READER, f"summary {_page(server)}")
    assert reply.ok and not reply.ephemeral and reply.digest is not None
    assert reply.digest.title == TITLE and len(reply.digest.key_points) == 3


async def test_private_option_makes_the_reply_ephemeral(core: Core, server: FeedServer) -> None:
    """`summary <url> private` answers only the caller."""
    reply = await core.handle_text(READER, f"summary {_page(server)} private")
    assert reply.digest is not None and reply.ephemeral


async def test_second_summary_is_served_from_the_store(
    store: Store, fetcher: Fetcher, server: FeedServer
) -> None:
    """A URL digested recently is not fetched again; after the cache period it is."""
    url = _page(server)
    first = await make_core(store, fetcher).handle_text(READER, f"summary {url}")
    second = await make_core(store, fetcher, now=T0 + hours(2)).handle_text(
        READER, f"summary <{url}>"
    )
    assert server.hits["/story"] == 1
    assert first.digest is not None and second.digest is not None
    assert (second.digest.title, second.digest.key_points) == (
        first.digest.title,
        first.digest.key_points,
    )
    await make_core(store, fetcher, now=T0 + hours(25)).handle_text(READER, f"summary {url}")
    assert server.hits["/story"] == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("summary example", "`example` is not a URL"),
        ("summary ftp://example.com/file", "Unsupported scheme `ftp`"),
        ("summary", "Usage: `/news summary <url> [private]`"),
    ],
)
async def test_bad_urls_are_refused_before_fetching(core: Core, text: str, expected: str) -> None:
    """Not a URL, an unsupported scheme or no URL at all get a short reply."""
    reply = await core.handle_text(READER, text)
    assert not reply.ok and expected in reply.text


async def test_private_address_is_refused(core: Core, server: FeedServer) -> None:
    """A URL on an address outside the allow list (127.0.0.2) is refused without connecting."""
    reply = await core.handle_text(READER, f"summary {server.url('/story', host='127.0.0.2')}")
    assert not reply.ok and "private network address" in reply.text
    assert server.hits["/story"] == 0


async def test_redirect_to_private_address_is_refused(core: Core, server: FeedServer) -> None:
    """A redirect to 127.0.0.2 is checked like the first hop and refused."""
    _page(server)
    server.redirect("/go", server.url("/story", host="127.0.0.2"))
    reply = await core.handle_text(READER, f"summary {server.url('/go')}")
    assert not reply.ok and "private network address" in reply.text
    assert server.hits["/story"] == 0


async def test_too_large_page_is_refused(core: Core, server: FeedServer) -> None:
    """A page over the size limit (1 MB in tests) is refused with the limit."""
    server.static("/big", b"<p>" + b"a" * (2 * 2**20), content_type="text/html")
    reply = await core.handle_text(READER, f"summary {server.url('/big')}")
    assert not reply.ok and "too large to summarise (too large: > 1 MB)" in reply.text


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (b"\x89PNG\r\n", "image/png", "not an article page (it is `image/png`)"),
        (b"<html><body><nav>Home</nav></body></html>", "text/html", "not an article"),
    ],
)
async def test_not_an_article_is_refused(
    core: Core, server: FeedServer, body: bytes, content_type: str, expected: str
) -> None:
    """An image, or HTML without article text, is refused as not an article."""
    server.static("/x", body, content_type=content_type)
    reply = await core.handle_text(READER, f"summary {server.url('/x')}")
    assert not reply.ok and expected in reply.text


async def test_http_error_is_explained(core: Core, server: FeedServer) -> None:
    """A 404 says what the page answered."""
    reply = await core.handle_text(READER, f"summary {server.url('/missing')}")
    assert reply.text == "The page answered HTTP 404, so there is nothing to summarise."


async def test_timeout_is_explained(core: Core, server: FeedServer) -> None:
    """A page slower than the read timeout (1 s in tests) gets a 'took too long' reply."""
    server.slow("/slow", 3.0, body=article_page(TITLE, story_text(1)), content_type="text/html")
    reply = await core.handle_text(READER, f"summary {server.url('/slow')}")
    assert not reply.ok and "took too long to answer (timed out" in reply.text


async def test_plain_text_with_a_charset_is_an_article(core: Core, server: FeedServer) -> None:
    """`text/plain; charset=utf-8` is read like any page (the check looks at the media type)."""
    body = "\n".join(story_text(4)).encode()
    server.static("/plain", body, content_type="text/plain; charset=utf-8")
    reply = await core.handle_text(READER, f"summary {server.url('/plain')}")
    assert reply.ok and reply.digest is not None and reply.digest.key_points
