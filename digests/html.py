"""HTML page → article text and metadata (trafilatura, with readability-lxml as the fallback)."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import charset_normalizer
import trafilatura
from lxml import html as lxml_html
from readability import Document

from digests.model import DigestError

# Below this many characters trafilatura has most likely missed the article body.
_MIN_TEXT = 250
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_BLOCK_TAGS = ("p", "div", "h1", "h2", "h3", "h4", "li", "blockquote", "pre", "br", "tr")


@dataclass(frozen=True, slots=True)
class Extracted:
    """The article text of a page, with whatever metadata the page carried."""

    text: str
    title: str | None
    published: datetime | None
    source: str | None


def decode_html(data: bytes, declared: str | None = None) -> str:
    """Decode a page's bytes: BOM, then the declared (HTTP or meta) charset, then detection."""
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(enc, errors="replace")
    candidates = [declared] if declared else []
    meta = _META_CHARSET.search(data[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii", "ignore"))
    for enc in candidates:
        try:
            return data.decode(_normalise_charset(enc))
        except (LookupError, UnicodeDecodeError):
            continue
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        best = charset_normalizer.from_bytes(data).best()
        return str(best) if best is not None else data.decode("cp1252", errors="replace")


def _normalise_charset(enc: str) -> str:
    # Browsers treat latin-1 labels as windows-1252; pages rely on it for curly quotes.
    enc = enc.strip().lower()
    return "cp1252" if enc in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii") else enc


def extract_html(page: str | bytes, *, url: str | None = None) -> Extracted:
    """Reduce an HTML page to its article text, title, date and site name."""
    html = decode_html(page) if isinstance(page, bytes) else page
    if not html.strip():
        raise DigestError("empty page")
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        with_metadata=True,
    )
    text = _tidy(getattr(doc, "text", None) or "")
    title = getattr(doc, "title", None)
    if len(text) < _MIN_TEXT:
        fallback = _readability_text(html)
        if len(fallback) > len(text):
            text = fallback
    if not text:
        raise DigestError("no article text found in the page")
    if not title:
        title = _html_title(html)
    return Extracted(
        text=text,
        title=title,
        published=_parse_date(getattr(doc, "date", None)),
        source=getattr(doc, "sitename", None),
    )


def _readability_text(html: str) -> str:
    try:
        summary = Document(html).summary(html_partial=True)
        tree = lxml_html.fromstring(summary)
    except (
        Exception
    ):  # readability raises bare Exceptions on odd markup; the fallback just gives up
        return ""
    for el in tree.iter(*_BLOCK_TAGS):
        el.tail = "\n" + (el.tail or "")
    return _tidy(tree.text_content())


def _html_title(html: str) -> str | None:
    m = re.search(r"<title[^>]*>(.*?)</title>", html, re.IGNORECASE | re.DOTALL)
    return " ".join(m.group(1).split()) or None if m else None


def _tidy(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
