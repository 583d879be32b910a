"""Shared pieces for the follow tests: a loopback site whose page links its feed, a failing feed."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from aiohttp import web

from bot.fetch import Fetcher
from bot.outbox import Outbox
from bot.poll import Poller
from bot.settings import Settings
from bot.store import Store
from tests.bot.commands_fixtures import TOPICS
from tests.servers.feed_server import FeedServer, Item, rss

T1 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
OLD = [
    Item("h1", "https://harbour.example/ferry", "Ferry returns to the harbour", T1),
    Item("h0", "https://harbour.example/bridge", "Council votes on the bridge", T1 - timedelta(1)),
]
NEW = Item(
    "h2", "https://harbour.example/festival", "Harbour festival draws crowds", T1 + timedelta(1)
)


def serve_site(server: FeedServer, items: list[Item] | None = None) -> str:
    """A page at /news linking its RSS feed at /news/feed.xml; returns the page's URL."""
    link = '<link rel="alternate" type="application/rss+xml" title="News" href="/news/feed.xml">'
    server.static(
        "/news",
        f"<!doctype html><html><head><title>Harbour</title>{link}</head><body>x</body></html>".encode(),
        content_type="text/html",
    )
    serve_feed(server, items if items is not None else OLD)
    return server.url("/news")


def serve_feed(server: FeedServer, items: list[Item]) -> None:
    """(Re)publish the feed behind the site's page."""
    server.static("/news/feed.xml", rss(items, title="Harbour Gazette"))


def fail_feed(server: FeedServer) -> None:
    """From now on the feed answers 500."""

    async def broken(request: web.Request) -> web.StreamResponse:
        return web.Response(status=500, text="down")

    server.routes["/news/feed.xml"] = broken


def pipeline(store: Store, fetcher: Fetcher, settings: Settings) -> tuple[Poller, Outbox]:
    """The poller with the outbox hook, as `newsbot run` wires them."""
    outbox = Outbox(store, TOPICS)
    poller = Poller(store, fetcher, settings, on_stored=outbox.on_stored, rng=random.Random(3))
    return poller, outbox
