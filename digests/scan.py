"""Scanning text for a few characters with str.find (in C), not a regex testing every character."""

from __future__ import annotations

import re


def positions(text: str, start: int, end: int, marks: str) -> list[int]:
    """Where any of the marks stands in text[start:end], in order."""
    # One str.find after another per mark: C scans that skip to the next mark (a character not
    # in the text's range of code points is ruled out at once).
    out: list[int] = []
    for mark in marks:
        i = text.find(mark, start, end)
        while i >= 0:
            out.append(i)
            i = text.find(mark, i + 1, end)
    if len(marks) > 1:
        out.sort()
    return out


def matches_at(pattern: re.Pattern[str], text: str, first: str) -> list[re.Match[str]]:
    """`pattern.finditer(text)`'s matches, for a pattern whose every match opens with a
    character of `first`: the pattern is tried only where one stands."""
    out: list[re.Match[str]] = []
    after = 0
    for at in positions(text, 0, len(text), first):
        if at < after:
            continue  # inside the last match, which finditer goes on after
        m = pattern.match(text, at)
        if m is not None:
            out.append(m)
            after = m.end()
    return out
