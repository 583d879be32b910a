"""Key points: the few sentences that carry the story, tightened without changing their meaning."""

from __future__ import annotations

import re
from collections.abc import Sequence

from digests.model import Span

_LEADING_MARKERS = re.compile(
    r"^(?:but|and|so|yet|however|meanwhile|still|also|instead|moreover|furthermore|indeed|"
    r"nonetheless|nevertheless|in addition|in fact|of course|then)\b,?\s+",
    re.IGNORECASE,
)
_SOURCE_TAG = re.compile(
    r",\s+(?:the\s+)?(?:[A-Z][\w.&'’-]*\s*){1,5}(?:reports?|reported|said|says|writes|notes)"
    r"(?:\s+on\s+\w+)?(?=[.!?]?[\"”’]?$)"
)
_PAREN_ASIDE = re.compile(r"\s*\([^()]{1,200}\)")
_QUOTE_CHARS = '"“”«»'


def tighten(sentence: str) -> str:
    """Drop a leading discourse marker, a trailing source tag and parenthetical asides."""
    s = " ".join(sentence.split())
    s = _LEADING_MARKERS.sub("", s, count=1)
    s = _PAREN_ASIDE.sub("", s)
    s = _SOURCE_TAG.sub("", s)
    if s and s[0].islower():
        s = s[0].upper() + s[1:]
    return s


def quoted_share(text: str, span: Span, quote_spans: Sequence[Span]) -> float:
    """The fraction of a sentence's characters that lie inside direct quotations."""
    start, end = span
    inside = sum(max(0, min(end, qe) - max(start, qs)) for qs, qe in quote_spans)
    return inside / max(1, end - start)


def key_points(
    text: str,
    sentences: Sequence[Span],
    *,
    n: int = 3,
    title: str | None = None,
    quote_spans: Sequence[Span] = (),
) -> list[str]:
    """Pick n sentences in article order, skipping quotation-led ones, and tighten them."""
    picked: list[str] = []
    # The title is shown anyway; a body line repeating it (HTML <h1>) is not a key point.
    seen: set[str] = {" ".join(title.lower().split())} if title else set()
    for span in sentences:
        if len(picked) >= n:
            break
        raw = text[span[0] : span[1]]
        if len(raw.split()) < 5 or quoted_share(text, span, quote_spans) > 0.5:
            continue
        if raw.lstrip()[:1] in _QUOTE_CHARS:
            continue
        point = tighten(raw)
        key = " ".join(point.lower().split())
        if key in seen:
            continue
        seen.add(key)
        picked.append(point)
    return picked
