"""Console adapter: digests as readable terminal text, for running locally with no accounts.

Article text is data here too: control characters (terminal escape sequences included) are
dropped before printing, so an article cannot move the cursor, recolour or retitle the terminal.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import UTC

from bot.adapters._text import fit, one_line
from bot.pings import Ping
from digests import Digest

_WIDTH = 88
_COMPACT_POINT_MAX = 350


def render_digest(digest: Digest, *, pings: Sequence[Ping] = ()) -> str:
    """A digest as plain terminal text: title, byline facts, topics, key points, quotes."""
    lines = [(one_line(digest.title) or "(untitled)") + _pinged(pings)]
    facts = [
        f for f in (_clean(digest.source), _date(digest), f"{digest.reading_minutes} min read") if f
    ]
    if digest.url:
        facts.append(one_line(digest.url))
    lines.append(" · ".join(facts))
    if digest.topics:
        lines.append("topics: " + ", ".join(one_line(t) for t in digest.topics))
    if digest.key_points:
        lines.append("")
        lines.append("Key points")
        for point in digest.key_points:
            lines.append(_wrap(one_line(point), "  • ", "    "))
    if digest.quotes:
        lines.append("")
        lines.append("Quotes")
        for q in digest.quotes:
            said = f"“{one_line(q.text)}” — {one_line(q.speaker or '') or 'unattributed'}"
            if q.partial:  # a fragment quoted inside a sentence, not a full statement
                said += " (partial)"
            lines.append(_wrap(said, "  ", "    "))
    return "\n".join(lines)


def render_roundup(
    heading: str, digests: Sequence[Digest], *, pings: Sequence[Ping] = ()
) -> list[str]:
    """A roundup as one block of terminal text, each story compact; [] for an empty period."""
    if not digests:
        return []
    lines = [(one_line(heading) or "Roundup") + _pinged(pings), ""]
    for number, digest in enumerate(digests, start=1):
        facts = [f for f in (_clean(digest.source), _date(digest)) if f]
        title = one_line(digest.title) or "(untitled)"
        lines.append(
            _wrap(f"{number}. {title}" + (f" ({' · '.join(facts)})" if facts else ""), "", "   ")
        )
        if digest.key_points:
            point = fit(one_line(digest.key_points[0]), _COMPACT_POINT_MAX)
            lines.append(_wrap(point, "   ", "   "))
        if digest.url:
            lines.append("   " + one_line(digest.url))
    return ["\n".join(lines)]


def render_notice(text: str) -> str:
    """A notice from the bot as one plain line (control characters dropped)."""
    return one_line(text)


def _pinged(pings: Sequence[Ping]) -> str:
    """A console has no one to notify: it says who the platforms would ping."""
    return f" (pings {', '.join(one_line(p.label) for p in pings)})" if pings else ""


def _wrap(text: str, first: str, rest: str) -> str:
    # Long words (URLs) stay whole: breaking them would make them unusable when copied.
    return textwrap.fill(
        text, _WIDTH, initial_indent=first, subsequent_indent=rest, break_long_words=False
    )


def _clean(text: str | None) -> str | None:
    return one_line(text) if text else None


def _date(digest: Digest) -> str | None:
    when = digest.published
    if when is None:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%d %H:%M UTC")
