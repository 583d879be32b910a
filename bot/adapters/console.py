"""Console adapter: digests as readable terminal text, for running locally with no accounts."""

from __future__ import annotations

import textwrap

from digests import Digest

_WIDTH = 88


def render_digest(digest: Digest) -> str:
    """A digest as plain terminal text: title, byline facts, key points, quotes."""
    lines = [digest.title or "(untitled)"]
    facts = [f for f in (digest.source, _date(digest), f"{digest.reading_minutes} min read") if f]
    if digest.url:
        facts.append(digest.url)
    lines.append(" · ".join(facts))
    if digest.topics:
        lines.append("topics: " + ", ".join(digest.topics))
    if digest.key_points:
        lines.append("")
        lines.append("Key points")
        for point in digest.key_points:
            lines.append(
                textwrap.fill(point, _WIDTH, initial_indent="  • ", subsequent_indent="    ")
            )
    if digest.quotes:
        lines.append("")
        lines.append("Quotes")
        for q in digest.quotes:
            said = f"“{q.text}” — {q.speaker or 'unattributed'}"
            lines.append(textwrap.fill(said, _WIDTH, initial_indent="  ", subsequent_indent="    "))
    return "\n".join(lines)


def _date(digest: Digest) -> str | None:
    return digest.published.strftime("%Y-%m-%d %H:%M UTC") if digest.published else None
