"""A real HTTP server on 127.0.0.1 (port 0) serving feeds and pages that tests program per path."""

from __future__ import annotations

import asyncio
import gzip
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Item:
    """One feed item, as the server publishes it."""

    guid: str | None
    link: str | None
    title: str
    published: datetime | None = None
    summary: str = ""


def rss(items: Sequence[Item], *, title: str = "Test feed") -> bytes:
    """An RSS 2.0 document with these items."""
    parts = [
        f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{title}</title>"
    ]
    for it in items:
        parts.append("<item>")
        parts.append(f"<title>{escape(it.title)}</title>")
        if it.guid:
            parts.append(f"<guid isPermaLink='false'>{escape(it.guid)}</guid>")
        if it.link:
            parts.append(f"<link>{escape(it.link)}</link>")
        if it.published:
            parts.append(f"<pubDate>{format_datetime(it.published, usegmt=True)}</pubDate>")
        if it.summary:
            parts.append(f"<description>{escape(it.summary)}</description>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def article_page(title: str, paragraphs: Sequence[str]) -> bytes:
    """A small HTML article page."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><title>{escape(title)}</title></head><body>"
        f"<article><h1>{escape(title)}</h1>{body}</article></body></html>"
    ).encode()


class FeedServer:
    """aiohttp on 127.0.0.1:0; `routes[path]` answers each request; `hits` counts them."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.hits: Counter[str] = Counter()
        self.last_headers: dict[str, dict[str, str]] = {}
        self.client_ports: list[int] = []  # the client's port of each request: one per connection
        self.port = 0
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Bind to a free port on 127.0.0.1."""
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(
            app, handle_signals=False, access_log=None, shutdown_timeout=0.5
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def stop(self) -> None:
        """Close the server."""
        if self._runner:
            await self._runner.cleanup()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        """The absolute URL of `path` on this server."""
        return f"http://{host}:{self.port}{path}"

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.hits[path] += 1
        self.last_headers[path] = dict(request.headers)
        peer = request.transport.get_extra_info("peername") if request.transport else None
        self.client_ports.append(peer[1] if peer else 0)
        handler = self.routes.get(path)
        if handler is None:
            return web.Response(status=404, text="not found")
        return await handler(request)

    # Route builders -------------------------------------------------------------------------

    def static(
        self,
        path: str,
        body: bytes,
        *,
        content_type: str = "application/rss+xml",
        status: int = 200,
        headers: dict[str, str] | None = None,
        etag: str | None = None,
    ) -> None:
        """Serve fixed bytes; with `etag`, answer 304 when the client already has it."""

        async def handler(request: web.Request) -> web.StreamResponse:
            if etag and request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers={"ETag": etag})
            extra = dict(headers or {})
            if etag:
                extra["ETag"] = etag
            return web.Response(
                status=status,
                body=body,
                content_type=None,
                headers={"Content-Type": content_type, **extra},
            )

        self.routes[path] = handler

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        """Answer with a redirect to `location`."""

        async def handler(request: web.Request) -> web.StreamResponse:
            return web.Response(status=status, headers={"Location": location})

        self.routes[path] = handler

    def slow(
        self, path: str, delay: float, body: bytes = b"late", content_type: str = "text/plain"
    ) -> None:
        """Wait `delay` seconds before answering (bounded: the client times out first)."""

        async def handler(request: web.Request) -> web.StreamResponse:
            await asyncio.sleep(delay)
            return web.Response(body=body, headers={"Content-Type": content_type})

        self.routes[path] = handler

    def endless(self, path: str, *, limit: int = 64 * 2**20) -> None:
        """Stream a body with no length, up to `limit` bytes (the client must stop far sooner)."""

        async def handler(request: web.Request) -> web.StreamResponse:
            response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
            await response.prepare(request)
            chunk = b"<rss>" + b" " * 65531
            sent = 0
            try:
                while sent < limit:
                    await response.write(chunk)
                    sent += len(chunk)
            except (ConnectionResetError, RuntimeError):
                pass
            return response

        self.routes[path] = handler

    def gzip_bomb(self, path: str, *, size: int = 50 * 2**20) -> None:
        """A small gzip body that expands to `size` bytes."""
        bomb = gzip.compress(b"\0" * size, compresslevel=9)

        async def handler(request: web.Request) -> web.StreamResponse:
            return web.Response(
                body=bomb,
                headers={"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"},
            )

        self.routes[path] = handler


def now_utc() -> datetime:
    """The current time, UTC."""
    return datetime.now(UTC)


_WORDS = (
    "council harbour bridge budget minister river school storm court election market bank "
    "festival museum railway airport hospital farmers energy climate police teachers union "
    "village mayor report inquiry vote plan project workers prices trade talks summit city "
    "coast forest flood drought harvest factory mine port ferry tunnel library stadium"
).split()


def story_text(seed: int, sentences: int = 8) -> list[str]:
    """Deterministic filler paragraphs, different for every seed (so fingerprints differ)."""
    import random

    rng = random.Random(seed)
    paras = []
    for _ in range(sentences):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(14, 22))]
        paras.append(" ".join(words).capitalize() + ", officials said on Tuesday.")
    return paras


def publish_story(server: FeedServer, slug: str, title: str, seed: int) -> Item:
    """Serve an article page at /a/<slug> and return the feed item pointing to it."""
    server.static(f"/a/{slug}", article_page(title, story_text(seed)), content_type="text/html")
    return Item(
        guid=f"id-{slug}",
        link=server.url(f"/a/{slug}"),
        title=title,
        summary=f"Summary of {title}.",
    )
