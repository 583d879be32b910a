"""OPML, the feed readers' exchange format: `newsbot feeds import FILE.opml` and `feeds export`.

Parsed with the standard library's ElementTree. OPML needs no DTD, so a document that declares
one (or entities) is refused before parsing: that rules out entity-expansion bombs ("billion
laughs") and external entities whatever the expat version. A bad file is one `OpmlError` line.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.errors import NewsbotError
from bot.store import Feed, Store

MAX_OPML_BYTES = 5 * 1024 * 1024
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class OpmlError(NewsbotError):
    """An OPML file that cannot be read; the message says why in one line."""


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    """One `<outline xmlUrl=…>`: the feed's URL and its title, if given."""

    url: str
    title: str | None


def parse_opml(data: bytes) -> list[OpmlFeed]:
    """The http(s) feeds of an OPML document, in document order, each once."""
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(f"too large: over {MAX_OPML_BYTES // 2**20} MB")
    if _DTD.search(data):
        raise OpmlError("refused: the file declares a DTD or entities, which OPML never needs")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise OpmlError(f"not valid XML: {exc}") from None
    if root.tag.lower() != "opml":
        raise OpmlError(f"not OPML: the root element is <{root.tag}>, not <opml>")
    found: dict[str, OpmlFeed] = {}
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url.lower().startswith(("http://", "https://")) and url not in found:
            title = (outline.get("title") or outline.get("text") or "").strip() or None
            found[url] = OpmlFeed(url, title)
    return list(found.values())


def render_opml(feeds: Sequence[Feed], now: datetime) -> bytes:
    """An OPML 2.0 document listing these feeds (folders of files are not feeds: left out)."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = "newsbot feeds"
    ET.SubElement(head, "dateCreated").text = now.strftime("%a, %d %b %Y %H:%M:%S GMT")
    body = ET.SubElement(root, "body")
    for feed in feeds:
        if not feed.url.startswith(("http://", "https://")):
            continue
        attrs = {"type": "rss", "text": feed.title or feed.url, "xmlUrl": feed.url}
        if feed.title:
            attrs["title"] = feed.title
        if feed.topic:
            attrs["category"] = feed.topic
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


def read_opml(path: Path) -> list[OpmlFeed]:
    """The feeds of an OPML file; every problem (size, DTD, XML, not OPML) is one OpmlError."""
    if path.stat().st_size > MAX_OPML_BYTES:
        raise OpmlError(f"{path}: too large: over {MAX_OPML_BYTES // 2**20} MB")
    try:
        return parse_opml(path.read_bytes())
    except OpmlError as exc:
        raise OpmlError(f"{path}: {exc}") from None


@dataclass(frozen=True, slots=True)
class Imported:
    """What an import did."""

    added: int
    already: int


async def import_opml(
    store: Store, feeds: Sequence[OpmlFeed], now: datetime, *, topic: str | None
) -> Imported:
    """Add each feed (as `newsbot feeds add` would); feeds already watched keep their options."""
    known = {f.url for f in await store.feeds()}
    added = 0
    for item in feeds:
        if item.url in known:
            continue
        await store.add_feed(item.url, now, topic=topic)
        added += 1
    return Imported(added, len(feeds) - added)
