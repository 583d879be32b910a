"""Scanning for a few characters by str.find gives what a regex scan of every character gives."""

from __future__ import annotations

import random
import re

from digests.keypoints import _QUOTED, quote_marked_spans
from digests.quotes.marks import _DOUBLE
from digests.scan import matches_at, positions
from digests.sentences import _CANDIDATE, _CANDIDATE_CHARS


def test_positions_are_the_marks_a_regex_class_finds() -> None:
    """`positions` gives every place of any of the marks in the range, in order."""
    rng = random.Random(2)
    alphabet = ['"', "“", "”", "„", "«", "»", "'", "‘", "’", "a", " ", "\n", "é", "😀"]
    marks = _DOUBLE + "‘'"
    pattern = re.compile("[" + re.escape(marks) + "]")
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
        a = rng.randrange(len(text) + 1)
        b = rng.randrange(a, len(text) + 1)
        assert positions(text, a, b, marks) == [m.start() for m in pattern.finditer(text, a, b)]


def test_matching_at_the_marks_gives_the_finditer_spans() -> None:
    """quote_marked_spans and the sentence splitter match only where a pattern's first
    character stands: the same spans as a scan of every position."""
    rng = random.Random(4)
    alphabet = ['"', "“", "”", "`", "``", "''", "‘", "’", "'", ".", "!", "?", "…", "。", "\n"]
    alphabet += ["a", "B", " ", "  ", ")", "»", "-rrb-", "word", "Word", "\t"]
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
        assert quote_marked_spans(text) == [m.span() for m in _QUOTED.finditer(text)]
        at_marks = [
            m.span()
            for at in positions(text, 0, len(text), _CANDIDATE_CHARS)
            if (m := _CANDIDATE.match(text, at)) is not None
        ]
        # Overlaps only arise for a later mark inside a run the match before consumed.
        kept: list[tuple[int, int]] = []
        for span in at_marks:
            if not kept or span[0] >= kept[-1][1]:
                kept.append(span)
        assert kept == [m.span() for m in _CANDIDATE.finditer(text)]
        assert [m.span() for m in matches_at(_CANDIDATE, text, _CANDIDATE_CHARS)] == kept
