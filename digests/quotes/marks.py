"""Finding quotations by their marks: pairing, paragraph isolation, single quotes vs apostrophes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from digests.model import Span
from digests.scan import positions

# Marks that can only open or only close a double quotation; the straight mark is decided by context.
_OPEN_DOUBLE: Final = "“„«"
_CLOSE_DOUBLE: Final = "”»"
_DOUBLE: Final = _OPEN_DOUBLE + _CLOSE_DOUBLE + '"'
_SINGLE: Final = "‘’'"
# Characters after which a mark opens (besides whitespace) and before which it closes.
_BEFORE_OPEN: Final = "([{—–-/:;,\u00a0"
_AFTER_CLOSE: Final = ".,;:!?)]}—–-…/"
# Elisions that put an apostrophe where an opening single mark would stand: ’90s, ’em, rock ’n’ roll.
_ELISION: Final = re.compile(r"(?:\d\d|n['’]|em\b|cause\b|til\b|tis\b|twas\b|bout\b|round\b)", re.I)
# The marks a single quotation may open with (`_single_opens` says where one does).
_SINGLE_OPENERS: Final = "‘'"
_SINGLE_MARK: Final = re.compile("[‘’']")
# How far (in characters) a single-quoted quotation may run before its closing mark.
_SINGLE_REACH: Final = 3000


@dataclass(frozen=True, slots=True)
class Marked:
    """A quotation as its marks delimit it: content spans (one per paragraph) and mark extents."""

    spans: tuple[Span, ...]
    extents: tuple[Span, ...]
    paragraphs: tuple[int, ...]


def paragraphs(text: str) -> list[Span]:
    """The text's paragraphs: every non-blank line, as (start, end)."""
    # Lines found by str.find (in C), not by a regex testing every character.
    out: list[Span] = []
    start = 0
    n = len(text)
    while start < n:
        end = text.find("\n", start)
        if end < 0:
            end = n
        if end > start and not text[start:end].isspace():
            out.append((start, end))
        start = end + 1
    return out


def find_marked(text: str, paras: list[Span] | None = None) -> list[Marked]:
    """Every quotation delimited by marks, in order; nested quotations are left inside theirs.

    `paras`: the text's `paragraphs`, when the caller has them already.
    """
    if paras is None:
        paras = paragraphs(text)
    found: list[Marked] = []
    # A quotation whose paragraph ended without a closing mark, waiting for the next paragraph to
    # reopen it (the convention for quotes running over several paragraphs).
    pending: list[tuple[Span, Span, int]] = []
    for index, (start, end) in enumerate(paras):
        pairs, dangling = _pair_double(text, start, end)
        if pending:
            first = pairs[0] if pairs else None
            lead = len(text[start:end]) - len(text[start:end].lstrip())
            if first is not None and first[0] == start + lead:
                pairs = pairs[1:]
                pieces = [*pending, ((first[0] + 1, first[1]), (first[0], first[1] + 1), index)]
                found.append(_marked(text, pieces))
                pending = []
            elif dangling is not None and dangling == start + lead and not pairs:
                pending.append(((dangling + 1, end), (dangling, end), index))
                continue
            else:
                pending = []
        pieces_here = [((o + 1, c), (o, c + 1)) for o, c in pairs]
        pieces_here += _pair_single(text, start, end, [(o, c + 1) for o, c in pairs])
        pieces_here.sort()
        for content, extent in pieces_here:
            found.append(_marked(text, [(content, extent, index)]))
        if dangling is not None and _opens_block(text, start, dangling, pairs):
            pending = [((dangling + 1, end), (dangling, end), index)]
    return _outermost([m for m in found if m.spans])


def _role(text: str, i: int) -> str:
    """'o' (opens), 'c' (closes), 'x' (either) or '' (neither) for the mark at i, by context."""
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    opens = prev.isspace() or prev in _BEFORE_OPEN or prev in _DOUBLE + _SINGLE
    closes = nxt.isspace() or nxt in _AFTER_CLOSE or nxt in _DOUBLE + _SINGLE
    mark = text[i]
    if mark in _OPEN_DOUBLE:
        # A curly opener glued to a word and followed by a space is a closer typed wrongly.
        return "c" if closes and not opens and not nxt.isalnum() else "o"
    if mark in _CLOSE_DOUBLE:
        return "o" if opens and not closes else "c"
    if opens and not nxt.isspace() and not (closes and prev not in " \u00a0\t"):
        return "o"
    if closes and not prev.isspace():
        return "c"
    return "x"


def _pair_double(text: str, start: int, end: int) -> tuple[list[tuple[int, int]], int | None]:
    """Pair double marks within one paragraph; also return an opener left unpaired at its end."""
    pairs: list[tuple[int, int]] = []
    open_at: int | None = None
    nested = False  # inside curly marks within a straight-quoted quotation
    for i in positions(text, start, end, _DOUBLE):
        role = _role(text, i)
        mark = text[i]
        if open_at is not None and text[open_at] == '"' and mark == "“" and role == "o":
            # "… “inner words,” …": curly marks inside a straight-quoted quotation nest.
            nested = True
            continue
        if nested:
            nested = mark != "”"
            continue
        if open_at is None:
            if role in "ox" and role:
                open_at = i
        elif role in "cx" and role:
            if i > open_at + 1:
                pairs.append((open_at, i))
                open_at = None
        elif role == "o":
            # An opener while one is open: the earlier mark was stray; keep the damage local.
            open_at = i
    return pairs, open_at


def _opens_block(text: str, start: int, at: int, pairs: list[tuple[int, int]]) -> bool:
    """True when an unclosed mark plausibly starts a quote running on into the next paragraph."""
    before = text[start:at].rstrip()
    return not before or before[-1] in ":,.!?" or (bool(pairs) and pairs[-1][1] >= at - 40)


def _pair_single(text: str, start: int, end: int, masked: list[Span]) -> list[tuple[Span, Span]]:
    """Single marks used as primary quotation marks, told apart from apostrophes."""
    out: list[tuple[Span, Span]] = []
    after = start
    # Most single marks are apostrophes inside words ("it's"): _single_opens turns them down
    # by the characters around them.
    for i in positions(text, start, end, _SINGLE_OPENERS):
        if i < after or not _single_opens(text, i) or _inside(i, masked):
            continue
        close = _single_close(text, i + 1, end, masked)
        if close is not None:
            out.append(((i + 1, close), (i, close + 1)))
            after = close + 1
    return out


def _single_opens(text: str, i: int) -> bool:
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if not (prev.isspace() or prev in _BEFORE_OPEN or prev in _DOUBLE):
        return False
    return (nxt.isalnum() or nxt in "…$£€(") and not _ELISION.match(text, i + 1)


def _single_close(text: str, i: int, end: int, masked: list[Span]) -> int | None:
    """The closing single mark for an opener before i: not an apostrophe inside a word."""
    weak: int | None = None
    # Bounded: a run of apostrophes in opening position must not make the search quadratic.
    for found in _SINGLE_MARK.finditer(text, i, min(end, i + _SINGLE_REACH)):
        j = found.start()
        ch = text[j]
        reopens = ch == "‘" or (ch == "'" and _single_opens(text, j) and not _inside(j, masked))
        if reopens and text[j - 1].isspace():
            # Another opener before any closer: this one was an apostrophe or a stray mark.
            return weak
        if ch not in "’'" or _inside(j, masked):
            continue
        prev = text[j - 1]
        nxt = text[j + 1] if j + 1 < end else " "
        if prev.isspace() or nxt.isalnum():
            continue
        if not (nxt.isspace() or nxt in _AFTER_CLOSE or nxt in _DOUBLE):
            continue
        rest = text[j + 1 : j + 3]
        if prev in "sS" and rest[:1].isspace() and rest[1:2].islower():
            # "the players’ union": a plural possessive, unless nothing better follows.
            weak = j if weak is None else weak
            continue
        return j
    return weak


def _inside(i: int, spans: list[Span]) -> bool:
    return any(s <= i < e for s, e in spans)


def _marked(text: str, pieces: list[tuple[Span, Span, int]]) -> Marked:
    spans: list[Span] = []
    extents: list[Span] = []
    paras: list[int] = []
    for (s, e), extent, para in pieces:
        while s < e and text[s].isspace():
            s += 1
        while e > s and (text[e - 1].isspace() or (text[e - 1] == "," and e == _last(text, s, e))):
            e -= 1
        if s < e:
            spans.append((s, e))
            extents.append(extent)
            paras.append(para)
    return Marked(tuple(spans), tuple(extents), tuple(paras))


def _last(text: str, s: int, e: int) -> int:
    """End of the trimmed content (so that only a final comma is dropped)."""
    while e > s and text[e - 1].isspace():
        e -= 1
    return e


def _outermost(found: list[Marked]) -> list[Marked]:
    """Drop quotations lying inside another one (a quote within a quote is part of it)."""
    extents = sorted((s, -e) for m in found for s, e in m.extents)
    inner: set[tuple[int, int]] = set()
    reach = -1
    for s, neg_e in extents:
        if -neg_e <= reach:
            inner.add((s, -neg_e))
        reach = max(reach, -neg_e)
    return [m for m in found if m.extents[0] not in inner]
