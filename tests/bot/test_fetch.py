"""The safe fetcher against a real loopback server: limits, redirects, SSRF guard, validators."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from bot.errors import BlockedError, FetchError
from bot.fetch import Fetcher, is_public_address
from bot.settings import Settings
from tests.bot.conftest import make_settings
from tests.servers.feed_server import FeedServer


async def test_fetch_returns_body_type_and_validators(server: FeedServer, fetcher: Fetcher) -> None:
    """A 200 answer gives the body, the content type, ETag/Last-Modified and max-age."""
    server.static(
        "/f",
        b"<rss/>",
        headers={
            "Last-Modified": "Sat, 28 Nov 2026 10:00:00 GMT",
            "Cache-Control": "public, max-age=900",
        },
        etag='"v1"',
    )
    result = await fetcher.fetch(server.url("/f"))
    assert result.body == b"<rss/>" and result.media_type == "application/rss+xml"
    assert result.etag == '"v1"' and result.last_modified.startswith("Sat, 28 Nov")  # type: ignore[union-attr]
    assert result.max_age == 900


async def test_user_agent_names_contact_url(
    server: FeedServer, fetcher: Fetcher, settings: Settings
) -> None:
    """Every request carries a User-Agent with the operator's contact URL."""
    server.static("/f", b"x")
    await fetcher.fetch(server.url("/f"))
    assert settings.contact_url in server.last_headers["/f"]["User-Agent"]


async def test_conditional_get_gets_304(server: FeedServer, fetcher: Fetcher) -> None:
    """With the ETag from last time the server answers 304 and no body is read."""
    server.static("/f", b"<rss/>", etag='"abc"')
    first = await fetcher.fetch(server.url("/f"))
    second = await fetcher.fetch(server.url("/f"), etag=first.etag)
    assert server.last_headers["/f"]["If-None-Match"] == '"abc"'
    assert second.not_modified and second.body == b""


async def test_304_answers_keep_the_connection_for_the_next_poll(
    server: FeedServer, fetcher: Fetcher
) -> None:
    """Conditional GETs answered 304 one after another share one keep-alive connection."""
    server.static("/f", b"<rss/>", etag='"abc"')
    for _ in range(4):
        assert (await fetcher.fetch(server.url("/f"), etag='"abc"')).not_modified
    assert len(server.client_ports) == 4 and len(set(server.client_ports)) == 1


async def test_429_carries_retry_after(server: FeedServer, fetcher: Fetcher) -> None:
    """429 becomes FetchError("HTTP 429") with the server's Retry-After in seconds."""
    server.static("/f", b"slow down", status=429, headers={"Retry-After": "120"})
    with pytest.raises(FetchError) as exc:
        await fetcher.fetch(server.url("/f"))
    assert exc.value.reason == "HTTP 429" and exc.value.retry_after == 120


async def test_404_reason(server: FeedServer, fetcher: Fetcher) -> None:
    """An HTTP error status is reported as "HTTP <code>"."""
    with pytest.raises(FetchError, match=r"^HTTP 404$"):
        await fetcher.fetch(server.url("/missing"))


async def test_redirects_are_followed(server: FeedServer, fetcher: Fetcher) -> None:
    """A redirect chain within the limit ends at the final URL."""
    server.redirect("/a", "/b", 301)
    server.redirect("/b", server.url("/c"), 307)
    server.static("/c", b"done")
    result = await fetcher.fetch(server.url("/a"))
    assert result.body == b"done" and result.url == server.url("/c")


async def test_redirect_limit(server: FeedServer, fetcher: Fetcher, settings: Settings) -> None:
    """A redirect loop stops at the limit with a clear reason."""
    server.redirect("/loop", "/loop")
    with pytest.raises(FetchError, match="too many redirects"):
        await fetcher.fetch(server.url("/loop"))
    assert server.hits["/loop"] == settings.max_redirects + 1


async def test_redirect_to_private_address_refused(server: FeedServer, fetcher: Fetcher) -> None:
    """A redirect hop to 127.0.0.2 (standing for a private address) is refused before connecting."""
    server.redirect("/r", server.url("/secret", host="127.0.0.2"))
    with pytest.raises(BlockedError, match="blocked: resolves to a private address"):
        await fetcher.fetch(server.url("/r"))
    assert server.hits["/secret"] == 0


async def test_default_settings_deny_loopback(tmp_path: Path, server: FeedServer) -> None:
    """Without an allow list, 127.0.0.1 and localhost are refused and nothing is sent."""
    server.static("/f", b"x")
    f = Fetcher(make_settings(tmp_path, allow_hosts=""))
    try:
        for url in (server.url("/f"), server.url("/f", host="localhost")):
            with pytest.raises(BlockedError):
                await f.fetch(url)
    finally:
        await f.aclose()
    assert server.hits["/f"] == 0


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "file:///etc/passwd", "gopher://127.0.0.1/"])
async def test_only_http_and_https(fetcher: Fetcher, url: str) -> None:
    """Other schemes are refused."""
    with pytest.raises(BlockedError, match="unsupported scheme"):
        await fetcher.fetch(url)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("169.254.169.254", False),  # cloud metadata (link-local)
        ("10.1.2.3", False),
        ("192.168.0.1", False),
        ("172.16.5.4", False),
        ("127.0.0.2", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:10.0.0.1", False),  # IPv4-mapped private
        ("100.64.0.1", False),  # carrier-grade NAT
        ("93.184.216.34", True),
        ("2606:4700::1111", True),
    ],
)
def test_private_address_classes(address: str, public: bool) -> None:
    """The guard's address test: loopback, private, link-local, multicast, unspecified are not public."""
    assert is_public_address(ipaddress.ip_address(address)) is public


async def test_slow_server_times_out(server: FeedServer, fetcher: Fetcher) -> None:
    """A server that does not answer within the read timeout gives "timed out"."""
    server.slow("/slow", 3.0)
    with pytest.raises(FetchError, match="timed out"):
        await fetcher.fetch(server.url("/slow"))


async def test_endless_body_is_capped(server: FeedServer, fetcher: Fetcher) -> None:
    """A body with no end stops at the size limit: "too large: > 1 MB"."""
    server.endless("/endless")
    with pytest.raises(FetchError, match=r"^too large: > 1 MB$"):
        await fetcher.fetch(server.url("/endless"))


async def test_gzip_bomb_is_capped(server: FeedServer, fetcher: Fetcher) -> None:
    """A 50 KB gzip body that expands to 50 MB stops at the decompressed limit."""
    server.gzip_bomb("/bomb")
    with pytest.raises(FetchError, match="too large: > 1 MB decompressed"):
        await fetcher.fetch(server.url("/bomb"))


async def test_gzip_body_is_decompressed(server: FeedServer, fetcher: Fetcher) -> None:
    """An ordinary gzip-encoded feed is decompressed."""
    import gzip

    server.static("/gz", gzip.compress(b"<rss>ok</rss>"), headers={"Content-Encoding": "gzip"})
    assert (await fetcher.fetch(server.url("/gz"))).body == b"<rss>ok</rss>"


async def test_declared_length_over_limit(server: FeedServer, fetcher: Fetcher) -> None:
    """A Content-Length over the limit is refused before reading."""
    server.static("/big", b"x" * (2 * 2**20))
    with pytest.raises(FetchError, match="too large"):
        await fetcher.fetch(server.url("/big"))


async def test_connects_to_the_checked_address(
    server: FeedServer, fetcher: Fetcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name is resolved once per hop (stubbed DNS) and the request goes to that address, Host kept.

    Resolving again at connect time is what DNS rebinding exploits; the stub would answer a
    private address the second time.
    """
    answers = iter([["127.0.0.1"], ["10.0.0.1"]])
    calls: list[str] = []

    async def fake_resolve(host: str, port: int) -> list[ipaddress.IPv4Address]:
        calls.append(host)
        return [ipaddress.IPv4Address(a) for a in next(answers)]

    monkeypatch.setattr("bot.fetch._resolve", fake_resolve)
    server.static("/f", b"ok")
    result = await fetcher.fetch(f"http://feeds.example:{server.port}/f")
    assert result.body == b"ok" and calls == ["feeds.example"]
    assert server.last_headers["/f"]["Host"] == f"feeds.example:{server.port}"


async def test_name_resolving_to_private_address_is_refused(
    server: FeedServer, fetcher: Fetcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name whose (stubbed) DNS answer includes a private address is refused before connecting."""

    async def fake_resolve(host: str, port: int) -> list[ipaddress.IPv4Address]:
        return [ipaddress.IPv4Address("127.0.0.1"), ipaddress.IPv4Address("127.0.0.2")]

    monkeypatch.setattr("bot.fetch._resolve", fake_resolve)
    server.static("/f", b"ok")
    with pytest.raises(BlockedError, match="private address"):
        await fetcher.fetch(f"http://evil.example:{server.port}/f")
    assert server.hits["/f"] == 0


async def test_last_modified_sent_back(server: FeedServer, fetcher: Fetcher) -> None:
    """Last-Modified from the previous answer goes back as If-Modified-Since; 304 follows."""
    from aiohttp import web

    stamp = "Sat, 28 Nov 2026 10:00:00 GMT"

    async def handler(request: web.Request) -> web.StreamResponse:
        if request.headers.get("If-Modified-Since") == stamp:
            return web.Response(status=304)
        return web.Response(body=b"<rss/>", headers={"Last-Modified": stamp})

    server.routes["/lm"] = handler
    first = await fetcher.fetch(server.url("/lm"))
    second = await fetcher.fetch(server.url("/lm"), last_modified=first.last_modified)
    assert first.last_modified == stamp and second.not_modified


async def test_refused_connection_is_connection_failed_not_a_timeout(fetcher: Fetcher) -> None:
    """A port nobody listens on fails at once as "connection failed", not as a timeout."""
    import socket

    with socket.socket() as s:  # a free port, closed again before the fetch
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(FetchError, match=r"^connection failed: "):
        await fetcher.fetch(f"http://127.0.0.1:{port}/f")


async def test_server_hanging_up_mid_answer_is_connection_failed(fetcher: Fetcher) -> None:
    """A server that closes the connection before a whole answer gives "connection failed"."""
    import asyncio

    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        with pytest.raises(FetchError, match=r"^connection failed: "):
            await fetcher.fetch(f"http://127.0.0.1:{port}/f")
    finally:
        server.close()
        await server.wait_closed()


async def test_cookies_are_never_sent_back(server: FeedServer, fetcher: Fetcher) -> None:
    """A cookie one site sets is not kept: the next request carries no Cookie header."""
    server.static("/f", b"<rss/>", headers={"Set-Cookie": "session=abc; Path=/"})
    await fetcher.fetch(server.url("/f"))
    await fetcher.fetch(server.url("/f"))
    assert "Cookie" not in server.last_headers["/f"]
