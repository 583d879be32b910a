"""Text fitting shared by the renderers: escaping per grapheme and truncation that never breaks one.

Limits are measured in UTF-16 code units: that is what JavaScript clients count, and it is never
fewer than code points, so a string within a limit here is within it however the server counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TypeVar

import regex

ELLIPSIS = "…"
# An escaper maps a text's grapheme clusters to the strings to emit for them (one per cluster), so
# that truncation can never cut an escape sequence or a cluster (ZWJ emoji, flags, accents) in two.
Escaper = Callable[[Sequence[str]], list[str]]

_GRAPHEME = regex.compile(r"\X")
# C0/C1 controls (terminal escape sequences among them) and bidirectional overrides and isolates,
# which can make text display in another order than it reads; tab and newline become spaces.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Characters that read badly just before an ellipsis.
_TRAILING = frozenset(" \t,;:—–-")

T = TypeVar("T")


def u16len(text: str) -> int:
    """Length in UTF-16 code units (an emoji outside the BMP counts two)."""
    return len(text.encode("utf-16-le")) // 2


def one_line(text: str) -> str:
    """Article text as one line: control characters dropped, whitespace runs collapsed."""
    # Split first: str.split() treats CR, VT, FF and the separators \x1c-\x1f as spaces.
    return " ".join(_CONTROL.sub("", " ".join(text.split())).split())


def graphemes(text: str) -> list[str]:
    """The text's extended grapheme clusters (Unicode UAX #29)."""
    return list(_GRAPHEME.findall(text))


def plain(clusters: Sequence[str]) -> list[str]:
    """The identity escaper."""
    return list(clusters)


def fit(text: str, limit: int, escape: Escaper = plain, *, ellipsis: str = ELLIPSIS) -> str:
    """`text` escaped and cut to at most `limit` units at a word boundary, ending in an ellipsis.

    A single word longer than half the room (a URL, or CJK text without spaces) is cut at a
    grapheme boundary instead, so long unbroken text still fills the space.
    """
    clusters = graphemes(text)
    units = escape(clusters)
    lengths = [u16len(u) for u in units]
    if sum(lengths) <= limit:
        return "".join(units)
    room = limit - u16len(ellipsis)
    if room <= 0:
        return ""
    n = used = 0
    while n < len(units) and used + lengths[n] <= room:
        used += lengths[n]
        n += 1
    if n < len(units) and not clusters[n].isspace():
        space = next((i for i in range(n - 1, 0, -1) if clusters[i].isspace()), 0)
        if sum(lengths[:space]) >= room // 2:
            n = space
    while n > 0 and clusters[n - 1] in _TRAILING:
        n -= 1
    return "".join(units[:n]) + ellipsis


def safe_url(url: str | None) -> str | None:
    """An http(s) URL with the characters that would end a markup link percent-encoded."""
    if not url:
        return None
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")) or any(c.isspace() for c in url):
        return None
    for char, code in (("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E"), ("|", "%7C")):
        url = url.replace(char, code)
    return url


def pack(
    items: Sequence[T], size: Callable[[T], int], *, max_items: int, max_size: int
) -> list[list[T]]:
    """Split items, in order, into groups of at most `max_items` whose sizes add up to `max_size`.

    An item bigger than the budget still gets a group of its own (renderers truncate first).
    """
    groups: list[list[T]] = [[]]
    used = 0
    for item in items:
        cost = size(item)
        if groups[-1] and (len(groups[-1]) >= max_items or used + cost > max_size):
            groups.append([])
            used = 0
        groups[-1].append(item)
        used += cost
    return groups if groups[-1] else []
