"""The condense phase: a new entry becomes a digest, from its page or, failing that, the feed's text."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.errors import FetchError
from bot.feeds import Entry, plain_text
from bot.fetch import Fetcher
from bot.sources import digest_bytes
from digests import Digest, DigestError, digest_html, digest_text

PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.5"


@dataclass(frozen=True, slots=True)
class Condensed:
    """A new entry with its digest (None when no text could be digested) and how it was made."""

    entry: Entry
    digest: Digest | None
    text: str  # the text the fingerprint is taken from
    note: str | None = None  # e.g. "digest from the feed's summary: page HTTP 404"


async def condense(
    entry: Entry, fetcher: Fetcher, *, min_page_chars: int, points: int = 3, quotes: int = 3
) -> Condensed:
    """Digest the article page; on failure or a paywall-short page, the feed's own content."""
    if entry.raw is not None:
        return await _from_file(entry, points, quotes)
    reason = "no link"
    if entry.link and entry.link.startswith(("http://", "https://")):
        try:
            page = await fetcher.fetch(entry.link, accept=PAGE_ACCEPT)
            if not page.is_article_page:
                raise FetchError(f"page is {page.media_type}")
            digest = await asyncio.to_thread(
                digest_html,
                page.body,
                url=entry.link,
                title=entry.title or None,
                published=entry.published,
                points=points,
                quotes=quotes,
            )
            if len(digest.text.strip()) >= min_page_chars:
                return Condensed(entry, digest, digest.text)
            reason = f"page text too short ({len(digest.text.strip())} characters, paywall?)"
        except FetchError as exc:
            reason = f"page {exc.reason}"
        except DigestError as exc:
            reason = f"page not an article: {exc}"
    return await _from_feed(entry, reason, points, quotes)


async def _from_feed(entry: Entry, reason: str, points: int, quotes: int) -> Condensed:
    text = plain_text(entry.summary)
    note = f"digest from the feed's summary ({reason})"
    try:
        if "<" in entry.summary:
            digest = await asyncio.to_thread(
                digest_html,
                f"<html><body><article>{entry.summary}</article></body></html>",
                url=entry.link,
                title=entry.title or None,
                published=entry.published,
                points=points,
                quotes=quotes,
            )
        else:
            digest = digest_text(
                text,
                url=entry.link,
                title=entry.title or None,
                published=entry.published,
                points=points,
                quotes=quotes,
            )
    except DigestError as exc:
        return Condensed(entry, None, text, note=f"no digest ({reason}; feed summary: {exc})")
    return Condensed(entry, digest, digest.text or text, note=note)


async def _from_file(entry: Entry, points: int, quotes: int) -> Condensed:
    assert entry.raw is not None
    try:
        digest = await asyncio.to_thread(
            digest_bytes, entry.raw, name=entry.guid, points=points, quotes=quotes
        )
    except DigestError as exc:
        return Condensed(entry, None, entry.title, note=f"no digest: {exc}")
    return Condensed(entry, digest, digest.text)
