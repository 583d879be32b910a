"""Local sources: a folder of article files (seeds/) read as if it were a feed."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bot.errors import FeedError
from bot.feeds import Entry, ParsedFeed
from digests import Digest, DigestError, TopicSet, digest_html, digest_text

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def is_folder_url(url: str) -> bool:
    """True for a `file:` URL, which names a local folder source."""
    return url.lower().startswith("file:")


def folder_path(url: str) -> Path:
    """The folder a `file:` URL names."""
    return Path(unquote(urlsplit(url).path))


def article_files(folder: Path) -> list[Path]:
    """The article files in a folder, by name (README excluded)."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES and p.stem.lower() != "readme"
    )


def read_folder(url: str, *, max_bytes: int) -> ParsedFeed:
    """A folder as a feed: one entry per article file, identified by its file name."""
    folder = folder_path(url)
    if not folder.is_dir():
        raise FeedError(f"not a folder: {folder}")
    entries = []
    for path in article_files(folder):
        if path.stat().st_size > max_bytes:
            continue
        raw = path.read_bytes()
        entries.append(
            Entry(
                guid=path.name,
                link=path.resolve().as_uri(),
                title=_title(raw, path.name),
                raw=raw,
            )
        )
    return ParsedFeed(title=folder.name, entries=tuple(entries))


def _title(raw: bytes, name: str) -> str:
    if name.lower().endswith((".html", ".htm")):
        match = _TITLE.search(raw[:65536])
        if match:
            return " ".join(match.group(1).decode("utf-8", "replace").split())
    first = raw[:1000].decode("utf-8", "replace").strip().split("\n", 1)[0]
    return first.lstrip("# ").strip()[:300] or name


def digest_bytes(
    data: bytes,
    *,
    name: str | None,
    points: int,
    quotes: int | None,
    topics: TopicSet | None = None,
) -> Digest:
    """Digest a file's bytes: HTML by name or content, else UTF-8 text."""
    if b"\x00" in data[:8192]:
        raise DigestError("binary data, not an article")
    if _looks_like_html(data, name):
        return digest_html(data, points=points, quotes=quotes, source=None, topics=topics)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DigestError("not UTF-8 text (binary data?)") from None
    return digest_text(text, points=points, quotes=quotes, topics=topics)


def _looks_like_html(data: bytes, name: str | None) -> bool:
    if name and name.lower().endswith((".html", ".htm")):
        return True
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))
