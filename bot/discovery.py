"""Feed discovery: a URL that is a feed, or a web page whose feed is linked or at a common path.

Every request goes through the safe fetcher (size, time and private-address limits apply to each
candidate too), and at most `MAX_CANDIDATES` candidates are tried, so a page cannot make the bot
fetch without bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit, urlunsplit

from bot.errors import BlockedError, FeedError, FetchError
from bot.feeds import ParsedFeed, parse_feed
from bot.fetch import Fetcher, FetchResult

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/json",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
    }
)
COMMON_PATHS = ("/feed", "/rss.xml", "/atom.xml", "/index.xml", "/feed.xml", "/rss", "/feed.json")
MAX_CANDIDATES = 8  # linked feeds first, then common paths


@dataclass(frozen=True, slots=True)
class Found:
    """A feed found for a URL: where it is, what it holds, and how it was found."""

    url: str
    feed: ParsedFeed
    how: str  # "the link is a feed", "linked from the page", "at /feed on the site"


async def discover(fetcher: Fetcher, url: str) -> Found:
    """The feed behind `url`; FetchError (private, too large, …) or FeedError (none found)."""
    page = await fetcher.fetch(url, accept=FEED_ACCEPT)
    try:
        return Found(url, _parse(page), "the link is a feed")
    except FeedError:
        if "html" not in page.media_type and not _looks_like_html(page.body):
            raise
    linked = feed_links(page.body, page.url)
    candidates = [(u, "linked from the page") for u in linked]
    candidates += [(u, f"at {urlsplit(u).path} on the site") for u in common_urls(page.url)]
    tried: set[str] = {url, page.url}
    problems: list[str] = []
    for candidate, how in candidates:
        if candidate in tried:
            continue
        if len(tried) >= MAX_CANDIDATES + 2:  # + the URL as given and where it led
            break
        tried.add(candidate)
        try:
            return Found(candidate, _parse(await fetcher.fetch(candidate, accept=FEED_ACCEPT)), how)
        except BlockedError:
            if how == "linked from the page":
                raise  # the page names it: say why it is refused
        except (FetchError, FeedError) as exc:
            if how == "linked from the page":
                problems.append(f"{candidate}: {exc}")
    detail = f" (linked feed failed: {problems[0]})" if problems else ""
    raise FeedError(f"no feed found on that page or at the usual paths{detail}")


def _parse(result: FetchResult) -> ParsedFeed:
    return parse_feed(result.body, content_type=result.content_type, url=result.url)


def _looks_like_html(body: bytes) -> bool:
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<head" in head


class _LinkFinder(HTMLParser):
    """Collects `<link rel="alternate" type="…feed type…" href>` in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "link":
            return
        values = {k.lower(): (v or "") for k, v in attrs}
        rels = values.get("rel", "").lower().split()
        kind = values.get("type", "").split(";")[0].strip().lower()
        if "alternate" in rels and kind in FEED_TYPES and values.get("href", "").strip():
            self.hrefs.append(values["href"].strip())


def feed_links(html: bytes, base: str) -> list[str]:
    """Absolute http(s) URLs of the feeds a page links as alternates, in document order."""
    finder = _LinkFinder()
    # The head is enough; a cap keeps a huge page cheap.
    finder.feed(html[: 512 * 1024].decode("utf-8", errors="replace"))
    out: list[str] = []
    for href in finder.hrefs:
        absolute = urljoin(base, href)
        if urlsplit(absolute).scheme in ("http", "https") and absolute not in out:
            out.append(absolute)
    return out


def common_urls(page_url: str) -> list[str]:
    """The usual feed locations at the root of the page's site."""
    parts = urlsplit(page_url)
    return [urlunsplit((parts.scheme, parts.netloc, path, "", "")) for path in COMMON_PATHS]
