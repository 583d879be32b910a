"""The digest's data objects: what the library returns and what every adapter renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

Span = tuple[int, int]


class DigestError(ValueError):
    """The input cannot be digested (empty, binary, not an article); the message says why."""


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quotation, verbatim from the text, with the character spans it came from."""

    text: str
    speaker: str | None
    partial: bool
    spans: tuple[Span, ...]

    def to_json(self) -> dict[str, Any]:
        """The quote as the JSON object of the command-line interface."""
        return {
            "text": self.text,
            "speaker": self.speaker,
            "partial": self.partial,
            "spans": [list(s) for s in self.spans],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Quote:
        """The inverse of `to_json`."""
        spans = tuple((int(s), int(e)) for s, e in data.get("spans") or ())
        speaker = data.get("speaker")
        return cls(str(data.get("text") or ""), speaker, bool(data.get("partial")), spans)


@dataclass(frozen=True, slots=True)
class Digest:
    """An article condensed: key points and main quotes, plus what a reader needs to place it."""

    title: str
    url: str | None = None
    source: str | None = None
    published: datetime | None = None
    key_points: tuple[str, ...] = ()
    quotes: tuple[Quote, ...] = ()
    topics: tuple[str, ...] = ()
    reading_minutes: int = 1
    # The text that quote spans point into (the extracted text for HTML input).
    text: str = field(default="", repr=False)

    def to_json(self, *, include_text: bool = False) -> dict[str, Any]:
        """The digest as the JSON object of the command-line interface."""
        out: dict[str, Any] = {
            "title": self.title,
            "url": self.url,
            "source": self.source,
            "published": self.published.isoformat() if self.published else None,
            "key_points": list(self.key_points),
            "quotes": [q.to_json() for q in self.quotes],
            "topics": list(self.topics),
            "reading_minutes": self.reading_minutes,
        }
        if include_text:
            out["text"] = self.text
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Digest:
        """The inverse of `to_json` (a stored digest read back; the text only if it was kept)."""
        published = data.get("published")
        return cls(
            title=str(data.get("title") or ""),
            url=data.get("url"),
            source=data.get("source"),
            published=datetime.fromisoformat(published) if published else None,
            key_points=tuple(str(p) for p in data.get("key_points") or ()),
            quotes=tuple(Quote.from_json(q) for q in data.get("quotes") or ()),
            topics=tuple(str(t) for t in data.get("topics") or ()),
            reading_minutes=int(data.get("reading_minutes") or 1),
            text=str(data.get("text") or ""),
        )
