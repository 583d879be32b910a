"""Feeds: parsing (RSS/Atom via feedparser, JSON Feed by hand), canonical URLs and entry identity."""

from __future__ import annotations

import calendar
import hashlib
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import feedparser

from bot.errors import FeedError

_TRACKING = {
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "mc_cid", "mc_eid",
    "igshid", "_ga", "_gl", "ref_src", "cmpid", "ocid", "mkt_tok", "oly_anon_id", "oly_enc_id",
    "vero_id", "__s", "s_cid",
}  # fmt: skip
_TAGS = re.compile(r"<[^>]+>")
_JSON_FEED = "https://jsonfeed.org/version/"
MAX_ENTRIES = 1000  # more in one document is an archive or an attack; the newest are kept


@dataclass(frozen=True, slots=True)
class Entry:
    """One feed entry, as much as the feed told us."""

    guid: str | None
    link: str | None  # canonical, absolute
    title: str
    published: datetime | None = None
    summary: str = ""  # the feed's own content or summary (may be HTML)
    raw: bytes | None = None  # the article file itself, for local folder sources


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A parsed feed: its title, its entries in document order, and any parse problem."""

    title: str | None
    entries: tuple[Entry, ...]
    problem: str | None = None  # feedparser's "bozo" reason when it still yielded entries


def parse_feed(body: bytes, *, content_type: str = "", url: str = "") -> ParsedFeed:
    """Parse RSS, Atom or JSON Feed bytes; raises FeedError when it is not a feed at all."""
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    media_type = content_type.split(";")[0].strip().lower()
    if head.startswith(b"{") or ("json" in media_type and not head.startswith(b"<")):
        return _parse_json_feed(body, url)
    # A stream, never bytes or str: feedparser treats those as a file name or URL to open.
    parsed = feedparser.parse(
        io.BytesIO(body),
        response_headers={"content-type": content_type or "application/xml"},
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    entries = _cap(_dedupe(_entry(e, url) for e in parsed.get("entries", [])))
    problem = str(parsed.get("bozo_exception") or "") if parsed.get("bozo") else None
    if not entries and not parsed.get("version"):
        if "html" in media_type or head.lower().startswith((b"<!doctype html", b"<html")):
            raise FeedError(f"not a feed: got {media_type or 'text/html'}")
        raise FeedError(f"not a feed: {problem or 'no entries and no feed markup'}"[:300])
    title = parsed.get("feed", {}).get("title")
    return ParsedFeed(title=title or None, entries=entries, problem=problem or None)


def _entry(e: dict[str, Any], base: str) -> Entry:
    # dict.get, not FeedParserDict.get: none of these keys is one feedparser maps to another,
    # and its own lookup (aliases, deprecation fallbacks) was a tenth of this function's time.
    get = dict.get
    link = get(e, "link") or next(
        (x.get("href") for x in get(e, "links") or [] if x.get("href")), None
    )
    when = get(e, "published_parsed") or get(e, "updated_parsed")
    published = datetime.fromtimestamp(calendar.timegm(when), UTC) if when else None
    content = get(e, "content") or []
    summary = (content[0].get("value") if content else None) or get(e, "summary") or ""
    return Entry(
        guid=(str(get(e, "id") or "").strip() or None),
        link=canonical_url(urljoin(base, link)) if link else None,
        title=" ".join(str(get(e, "title") or "").split()),
        published=published,
        summary=str(summary),
    )


def _parse_json_feed(body: bytes, url: str) -> ParsedFeed:
    try:
        doc = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise FeedError(f"not a feed: invalid JSON ({exc.__class__.__name__})") from None
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith(_JSON_FEED):
        raise FeedError("not a feed: JSON without a jsonfeed.org version")
    items = doc.get("items")
    if not isinstance(items, list):
        raise FeedError("not a feed: JSON Feed without an items list")
    entries = []
    for item in items:
        if not isinstance(item, dict):
            continue
        link = _str(item.get("url")) or _str(item.get("external_url"))
        entries.append(
            Entry(
                guid=_str(item.get("id")),
                link=canonical_url(urljoin(url, link)) if link else None,
                title=" ".join((_str(item.get("title")) or "").split()),
                published=_iso(_str(item.get("date_published")) or _str(item.get("date_modified"))),
                summary=_str(item.get("content_html"))
                or _str(item.get("content_text"))
                or _str(item.get("summary"))
                or "",
            )
        )
    return ParsedFeed(title=_str(doc.get("title")), entries=_cap(_dedupe(entries)))


def _str(value: Any) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)  # JSON Feed ids must be strings, but numbers are common
    return value.strip() or None if isinstance(value, str) else None


def _iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _dedupe(entries: Iterable[Entry]) -> list[Entry]:
    """Drop entries a feed lists twice (same guid and link), keeping the first."""
    seen: set[tuple[str | None, str | None, str]] = set()
    out = []
    for entry in entries:
        key = (entry.guid, entry.link, entry.title)
        if key not in seen:
            seen.add(key)
            out.append(entry)
    return out


def _cap(entries: list[Entry]) -> tuple[Entry, ...]:
    if len(entries) <= MAX_ENTRIES:
        return tuple(entries)
    dated = sorted(
        range(len(entries)),
        key=lambda i: (entries[i].published is not None, entries[i].published, -i),
        reverse=True,
    )
    return tuple(entries[i] for i in sorted(dated[:MAX_ENTRIES]))


def canonical_url(url: str) -> str:
    """The URL without tracking parameters (utm_*, fbclid, …), fragment or default port."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if port and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    if parts.username:
        host = f"{parts.username}@{host}"
    query = parts.query and urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not k.lower().startswith("utm_") and k.lower() not in _TRACKING
        ],
        doseq=True,
    )
    path = parts.path or ("/" if host else "")
    return urlunsplit((scheme, host, path, query, ""))


def plain_text(html_or_text: str) -> str:
    """Feed summaries are often HTML: tags dropped, whitespace collapsed (for keys and fingerprints)."""
    import html

    return " ".join(html.unescape(_TAGS.sub(" ", html_or_text)).split())


def entry_keys(entry: Entry) -> dict[str, str]:
    """Every identity key of an entry: guid (g), link (l), title+date (t), title+text (c)."""
    title = entry.title.casefold()
    keys = {
        "t": _key("t", f"{title}|{entry.published.isoformat() if entry.published else ''}"),
        "c": _key("c", f"{title}|{plain_text(entry.summary)[:500].casefold()}"),
    }
    if entry.guid:
        keys["g"] = _key("g", entry.guid)
    if entry.link:
        keys["l"] = _key("l", entry.link)
    return keys


def _key(kind: str, value: str) -> str:
    return f"{kind}:{hashlib.blake2b(value.encode(), digest_size=16).hexdigest()}"


def choose_identity(entries: Iterable[Entry]) -> str:
    """guid when every entry has a unique one, else link when unique, else a title hash."""
    items = list(entries)
    guids = [e.guid for e in items]
    if items and all(guids) and len(set(guids)) == len(guids):
        return "guid"
    links = [e.link for e in items]
    if items and all(links) and len(set(links)) == len(links):
        return "link"
    return "hash"


def is_seen(keys: Mapping[str, str], seen: set[str], identity: str) -> tuple[bool, str | None]:
    """Whether an entry was seen before, and a better identity strategy if this one proved unstable.

    guid: seen when its guid is; but a known guid on an entry whose link *and* title are new is
    a reused guid (new story), and a new guid on a known link or title+date is an unstable guid
    (old story) — either way the feed moves to link identity. link: seen when its link or guid is.
    hash: seen when its title+date or title+text is, so a feed that rewrites every date does not flood.
    """
    has = {kind: key in seen for kind, key in keys.items()}
    if identity == "guid" and "g" in keys:
        if has["g"]:
            if "l" in keys and not has["l"] and not has["t"] and not has["c"]:
                return False, "link"
            return True, None
        if has.get("l") or has["t"]:
            return True, "link" if "l" in keys else "hash"
        return False, None
    if identity in ("guid", "link") and "l" in keys:
        return has["l"] or has.get("g", False), None
    return has["t"] or has["c"], None
