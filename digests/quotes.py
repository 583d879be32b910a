"""Direct quotations: found verbatim, with their speakers (filled in by the quotes issue)."""

from __future__ import annotations

from collections.abc import Sequence

from digests.model import Quote


def find_quotes(text: str) -> list[Quote]:
    """Every direct quotation in the text, in order (none yet: the quotes issue fills this in)."""
    return []


def main_quotes(quotes: Sequence[Quote], n: int | None) -> list[Quote]:
    """The n quotes a digest shows; None means every quote found, partial ones included."""
    if n is None:
        return list(quotes)
    return [q for q in quotes if q.speaker and not q.partial][:n]
