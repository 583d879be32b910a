"""Key points: the few sentences that carry the story, tightened without changing their meaning.

Each sentence gets a score from a small linear model over features that mean the same on raw
cased text and on lowercased research text: position, length, centrality (how much of the
article's vocabulary it shares), similarity to the opening, number density, attribution and
pronoun openings, and how much of it is quotation. The weights ship in `keypoints_weights.json`,
fitted by `benchmarks/fit_keypoints.py` on the tuning part of the dev sets.

The points are the best n of the first n + 1 story sentences (a news story's lead carries it), or,
for a story told in paragraphs of several sentences, one point from each lead paragraph. Sentences
that are mostly, or led by, a quotation belong in the quotes and are never key points.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from itertools import chain, pairwise, repeat
from operator import mul
from typing import Final

from digests.cjk import cjk_characters, word_count
from digests.model import Span
from digests.scan import matches_at, positions

# Markers in the first group go with or without a comma; the second group only with one,
# because without it they carry meaning ("So far", "Instead of", "Now that", "In addition to").
_LEADING_MARKERS: Final = re.compile(
    r"^(?:(?:but|and|however|meanwhile|moreover|furthermore|indeed|nonetheless|nevertheless|"
    r"in fact|of course|also)(?:\s*,\s*|\s+)"
    r"|(?:so|yet|still|now|then|plus|besides|instead|in addition|additionally)\s*,\s*)(?=\S)",
    re.IGNORECASE,
)
# "WASHINGTON (CNN) --", "(CNN)", "London (Reuters) -" opening a sentence.
_DATELINE: Final = re.compile(
    r"^(?:[\w.,'’ -]{0,40}?\s*)?(?:\(|-lrb-)\s*(?:cnn|ap|reuters|afp|upi|bbc|xinhua|bloomberg|"
    r"ew\.com|wired|cnn\s+\w+)\s*(?:\)|-rrb-)\s*(?:--|—|–|-)?\s*",
    re.IGNORECASE,
)
_SOURCE_TAG: Final = re.compile(
    r"\s*,\s+(?:the\s+)?(?:[A-Z][\w.&'’-]*\s*){1,5}(?:reports?|reported|writes|wrote)"
    r"(?:\s+on\s+\w+)?(?=\s*[.!?]?\s*[\"”’]?$)"
)
_PAREN_ASIDE: Final = re.compile(r"\s*(?:\([^()]{1,200}\)|-lrb-(?:(?!-rrb-).){1,200}-rrb-)")
# Quotation marks: doubles of any shape (pages mix straight and curly ones), PTB `` '',
# and single curly marks.
# Every alternative opens with a literal mark (the lookbehind comes after the ‘): re then skips
# to the next mark in C instead of trying the pattern at every position.
_DOUBLE_REST: Final = r"[^\"“”\n]*(?:[\"“”]|(?=\n)|\Z)"
_QUOTED: Final = re.compile(
    f'"{_DOUBLE_REST}|“{_DOUBLE_REST}|”{_DOUBLE_REST}'
    r"|``(?:(?!``|'').)*(?:''|(?=``)|$)"
    r"|‘(?<!\w‘)(?:[^‘’\n]|’(?=\w))*(?:’|(?=\n)|\Z)",
)
# The first characters of `_QUOTED`'s alternatives.
_QUOTE_OPENERS: Final = '"“”`‘'
_OPEN_QUOTE: Final = ('"', "“", "``", "‘", "'")
# A digit starting a word (r"\b[0-9]"), with the digit first so that re scans for digits in C.
_NUMBER: Final = re.compile(r"[0-9](?<!\w[0-9])")
# Possessive quantifiers: nothing after a word can fail, so re need not keep backtracking points
# (the same words, ~15% faster on prose).
_WORD: Final = re.compile(r"[a-z0-9]++(?:['’][a-z]++)?+")
# Every ASCII character no `_WORD` word holds, to a space (for `_split_words`).
_NOT_WORD_ASCII: Final = str.maketrans(
    {c: " " for c in map(chr, range(128)) if not (c.isdigit() or "a" <= c <= "z" or c == "'")}
)
# The same map as a table of bytes: bytes.translate is one table lookup per byte, ~20x faster
# than str.translate with a dict (which looks up each character). Bytes >= 128 map to
# themselves, but only ASCII is ever translated.
_NOT_WORD_BYTES: Final = bytes(ord(" ") if c in _NOT_WORD_ASCII else c for c in range(256))
# For text beyond ASCII, encoded with a "?" for each other character: those and "?" itself
# become apostrophes, which send their pieces to the regex (see `_split_words`).
_UNSURE_BYTES: Final = bytes(
    ord("'") if c == ord("?") else ord(" ") if c in _NOT_WORD_ASCII else c for c in range(256)
)
_STOP: Final = frozenset(
    """a an the and or but if of in on at to for from by with as is are was were be been being
    has have had do does did it its it's this that these those he she they we i you his her their
    our my your him them us me not no so than then there here who whom which what when where why
    how all any some more most other such only own same too very can will would could should may
    might must shall said says say told also just about after before over into out up down off
    again further once s t n't 's one two new""".split()
)
_PRONOUNS: Final = frozenset("he she they it this these those his her their its there".split())
_MARKERS: Final = frozenset("but and so yet however meanwhile still also instead".split())
_ATTRIBUTION: Final = frozenset("said says told according added asked explained".split())
# Beyond this many sentences from the top, a sentence is rarely a key point; it still counts
# towards centrality.
_CANDIDATES: Final = 12
_BACK_REFERENCES: Final = frozenset(
    "it its they their them this these those he she his her".split()
)
_QUOTED_SHARE: Final = 14  # the column of the quoted share in a feature row
_LENGTH: Final = 8  # the column of the (capped) length in words
_SPARE: Final = 1


def tighten(sentence: str) -> str:
    """Drop a leading dateline or discourse marker, a trailing source tag, parenthetical asides."""
    s = " ".join(sentence.split())
    # Each pattern is tried only on a sentence holding a mark or word it needs (re tries it at
    # every position): most sentences have none. The tests read the sentence as it is then.
    if len(s) > 60 and ("(" in s or "-" in s):  # "(" or "-lrb-" in any case
        s = _DATELINE.sub("", s, count=1)
    s = _LEADING_MARKERS.sub("", s, count=1)
    if "(" in s or "-lrb-" in s:
        s = _PAREN_ASIDE.sub("", s)
    if "," in s and ("report" in s or "wr" in s):  # reports, reported, writes, wrote
        s = _SOURCE_TAG.sub("", s)
    if s and s[0].islower():
        s = s[0].upper() + s[1:]
    return s


def quote_marked_spans(text: str) -> list[Span]:
    """Spans of text inside quotation marks (a paragraph break closes an unclosed quotation)."""
    return [m.span() for m in matches_at(_QUOTED, text, _QUOTE_OPENERS)]


def quoted_share(text: str, span: Span, quote_spans: Sequence[Span]) -> float:
    """The fraction of a sentence's characters that lie inside direct quotations."""
    start, end = span
    inside = sum(max(0, min(end, qe) - max(start, qs)) for qs, qe in quote_spans)
    return min(1.0, inside / max(1, end - start))


def sentence_features(
    text: str, sentences: Sequence[Span], quotes: Sequence[Span]
) -> list[list[float]]:
    """One feature row per candidate sentence (the first `_CANDIDATES`), for the linear scorer."""
    lower = text.lower()
    head_spans = sentences[:_CANDIDATES]
    same_length = len(lower) == len(text)
    # Every character but the words' is a space here (offsets into the text stay).
    spaced = _spaced(lower) if same_length else ""
    if same_length:
        tokens = [_split_words(spaced, lower, a, b) for a, b in head_spans]
    else:  # a few characters ("İ") lower to two: offsets would drift
        tokens = [_WORD.findall(text[a:b].lower()) for a, b in head_spans]
    # Centrality: how often the article repeats a sentence's content words (one pass over
    # the whole text, so long articles cost little more than short ones).
    content = [{w for w in toks if w not in _STOP} for toks in tokens]
    # Only the head sentences' content words are ever looked up: only they are counted.
    tf: dict[str, int] = dict.fromkeys(chain.from_iterable(content), 0)
    if same_length and _covers(lower, head_spans):
        # The head sentences' words are already split out: only the rest is scanned again.
        for toks in tokens:
            _count(tf, toks)
        _count(tf, _split_words(spaced, lower, head_spans[-1][1], len(lower)))
    else:
        _count(
            tf, _split_words(spaced, lower, 0, len(lower)) if same_length else _WORD.findall(lower)
        )
    n = len(sentences)
    first = content[0] if content else set()
    # dict.get in C; a word the whole-text split misses (offset drift) counts 0, as in a Counter.
    centrality = [
        (sum(map(tf.get, words, repeat(0))) - len(words)) / (len(words) + 1.0) for words in content
    ]
    top = max(centrality[:_CANDIDATES], default=0.0) or 1.0
    quoted = _quoted_shares(sentences, quotes)
    rows: list[list[float]] = []
    for i, (a, b) in enumerate(sentences[:_CANDIDATES]):
        toks = tokens[i]
        length = len(toks)
        lead = toks[0] if toks else ""
        head = text[a : a + 3]
        numbers = _numbers(lower, a, b) if same_length else 0
        overlap = len(content[i] & first) / (len(content[i]) + 1.0) if i else 1.0
        rows.append(
            [
                1.0,
                float(i == 0),
                float(i == 1),
                float(i == 2),
                float(i == 3),
                float(i == 4),
                1.0 / (i + 1),
                i / n,
                min(length, 60) / 60.0,
                float(length < 10),
                float(length > 40),
                centrality[i] / top,
                overlap,
                numbers / (length + 1.0),
                quoted[i],
                float(head.startswith(_OPEN_QUOTE)),
                float(bool(_ATTRIBUTION.intersection(toks))),
                float(lead in _PRONOUNS),
                float(lead in _MARKERS),
                float(text[b - 1] == "?" or text[b - 1] == ":"),
            ]
        )
    return rows


def _numbers(lower: str, start: int, end: int) -> int:
    """len(_NUMBER.findall(lower, start, end)): the digits from start to end that open a word."""
    # The digits are found by str.find (in C), where the regex tests every character.
    count = 0
    for k in positions(lower, start, end, "0123456789"):
        before = lower[k - 1] if k else " "
        if not (before.isalnum() or before == "_"):  # not after a \w character
            count += 1
    return count


def _count(tf: dict[str, int], words: list[str]) -> None:
    """Add each word's occurrences to its count in `tf`; words not in it are not counted."""
    for word in words:
        count = tf.get(word)  # one lookup for the words not counted (most), two for the others
        if count is not None:
            tf[word] = count + 1


def _spaced(lower: str) -> str:
    """Lowercased text, one character for each of its own, with only `_WORD`'s letters, digits
    and apostrophes left between spaces (for `_split_words`).

    Beyond ASCII, every character that is not ASCII (and "?") reads as an apostrophe: the
    pieces holding one (“’90s”, "it’s", "naïve", "word—word") are left to the regex, on the
    text itself.
    """
    if lower.isascii():
        return lower.encode("ascii").translate(_NOT_WORD_BYTES).decode("ascii")
    return lower.encode("ascii", "replace").translate(_UNSURE_BYTES).decode("ascii")


def _split_words(spaced: str, lower: str, start: int, end: int) -> list[str]:
    """`_WORD.findall(lower, start, end)`, given `spaced` = `_spaced(lower)`.

    Only letters, digits and apostrophes are left between spaces: a piece without an
    apostrophe is one word, and splitting at spaces in C is faster than the regex.
    """
    part = spaced[start:end]
    at = part.find("'")
    if at < 0:
        return part.split()
    # Only the few pieces holding an apostrophe ("don't", "'90s", "rock'n'roll") need the regex:
    # the stretches between them are split in C, rather than every piece tested in a loop.
    # Spaces are the only whitespace left, so a piece runs between two spaces.
    out: list[str] = []
    done = 0
    while at >= 0:
        begin = part.rfind(" ", done, at) + 1
        if begin == 0:
            begin = done
        stop = part.find(" ", at)
        if stop < 0:
            stop = len(part)
        out.extend(part[done:begin].split())
        out.extend(_WORD.findall(lower, start + begin, start + stop))
        done = stop
        at = part.find("'", stop)
    out.extend(part[done:].split())
    return out


def _covers(lower: str, spans: Sequence[Span]) -> bool:
    """True when only whitespace lies before, between and just after the spans (non-empty).

    Then no word runs across a span's edge, and splitting each span and the rest of the text
    gives exactly the words of splitting the whole text.
    """
    if not spans:
        return False
    if spans[0][0] and not lower[: spans[0][0]].isspace():
        return False
    for (_, end), (start, _) in pairwise(spans):
        if not lower[end:start].isspace():
            return False
    end = spans[-1][1]
    return end >= len(lower) or lower[end].isspace()


def _quoted_shares(
    sentences: Sequence[Span], quotes: Sequence[Span], limit: int = _CANDIDATES
) -> list[float]:
    shares = []
    j = 0
    for a, b in sentences[:limit]:
        while j < len(quotes) and quotes[j][1] <= a:
            j += 1
        inside = 0
        k = j
        while k < len(quotes) and quotes[k][0] < b:
            inside += max(0, min(b, quotes[k][1]) - max(a, quotes[k][0]))
            k += 1
        shares.append(min(1.0, inside / max(1, b - a)))
    return shares


@cache
def _weights() -> tuple[float, ...]:
    # Read once per process: package data beside this module, not a file the caller names.
    raw = resources.files("digests").joinpath("keypoints_weights.json").read_text("utf-8")
    return tuple(float(w) for w in json.loads(raw)["weights"])


def score_sentences(text: str, sentences: Sequence[Span], quotes: Sequence[Span]) -> list[float]:
    """The scorer's value for each candidate sentence (higher is more of a key point)."""
    weights = _weights()
    return [sum(map(mul, weights, row)) for row in sentence_features(text, sentences, quotes)]


def key_points(
    text: str,
    sentences: Sequence[Span],
    *,
    n: int = 3,
    title: str | None = None,
    quote_spans: Sequence[Span] = (),
) -> list[str]:
    """The n best-scoring story sentences, tightened, in article order, none a repeat."""
    if n <= 0 or not sentences:
        return []
    quotes = _merge([*quote_marked_spans(text), *quote_spans])
    rows = sentence_features(text, sentences, quotes)
    weights = _weights()
    scores = [sum(map(mul, weights, row)) for row in rows]
    if all(row[_LENGTH] == 0.0 for row in rows):
        # No word the features can read (Chinese, Japanese, Korean: the words are [a-z0-9]):
        # the scorer would rank noise, so the lead sentences come first, as in lead-n.
        scores = [-float(i) for i in range(len(rows))]
    shares = [row[_QUOTED_SHARE] for row in rows]
    # The title is shown anyway; a body line repeating it (HTML <h1>) is not a key point.
    seen: list[set[str]] = [_content(title)] if title else []
    chosen: list[tuple[int, str]] = []
    # The best n of the first n + _SPARE story sentences; later ones only if those run out.
    # (On both dev sets a wider window lowers ROUGE: the lead carries news stories.)
    window = n + _SPARE
    order = sorted(range(len(scores)), key=lambda k: (k >= window, -scores[k]))
    by_paragraph = paragraph_order(text, sentences, quotes, n)
    if by_paragraph:
        shares = _quoted_shares(sentences, quotes, len(sentences))
        order = by_paragraph + [k for k in order if k not in by_paragraph]
    for i in order:
        if len(chosen) >= n:
            break
        a, b = sentences[i]
        if _is_quotation(text, a, shares[i]) or b - a + cjk_characters(text[a:b]) < 25:
            continue  # quotations belong in the quotes; fragments nowhere
        point = tighten(text[a:b])
        words = _content(point)
        if word_count(point) < 5 or any(_repeats(words, other) for other in seen):
            continue
        if any(point == other for _, other in chosen):
            continue  # a repeat with no content word to compare (CJK text, say)
        seen.append(words)
        chosen.append((i, point))
    return [point for _, point in sorted(chosen)]


def paragraph_order(
    text: str, sentences: Sequence[Span], quotes: Sequence[Span], n: int
) -> list[int]:
    """For a story told in paragraphs of several sentences: one point per lead paragraph.

    Flat text, and text with one sentence a line (tabloid style), gets [] here: its lead
    sentences are the units. When each of the first n + 1 paragraphs holds several sentences,
    the paragraphs are the units instead: from each, its most informative sentence that is
    neither mostly quotation nor opened by a pronoun pointing back; those carrying any
    quotation give way first, then the later ones.
    """
    units = _paragraphs(text, sentences)[: n + _SPARE]
    if len(units) < 2 or any(len(u) < 2 for u in units):
        return []
    shares = _quoted_shares(sentences, quotes, units[-1][-1] + 1)
    picks = []
    for unit in units:
        standalone = [
            k
            for k in unit
            if not _is_quotation(text, sentences[k][0], shares[k])
            and not _dangling(text, sentences[k])
        ]
        if standalone:
            picks.append(max(standalone, key=lambda k: (_size(text, sentences[k]), -k)))
    return sorted(picks, key=lambda k: (shares[k] > 0, k))[:n]


def _paragraphs(text: str, sentences: Sequence[Span]) -> list[list[int]]:
    """Sentence indices grouped by paragraph (a line break between sentences starts one)."""
    groups: list[list[int]] = []
    prev_end = 0
    for i, (a, b) in enumerate(sentences):
        if not groups or "\n" in text[prev_end:a]:
            groups.append([])
        groups[-1].append(i)
        prev_end = b
    return groups


def _merge(spans: list[Span]) -> list[Span]:
    """Sorted, non-overlapping spans (the finder's and the marks' overlap, and must count once)."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _is_quotation(text: str, start: int, share: float) -> bool:
    """True for a sentence that is mostly quotation, or led by one (not a short quoted title)."""
    return share > 0.5 or (share > 0.25 and text.startswith(_OPEN_QUOTE, start))


def _dangling(text: str, span: Span) -> bool:
    """True when a sentence opens with a pronoun that points back to an earlier one."""
    head = _WORD.match(text[span[0] : span[0] + 12].lower())
    return head is not None and head.group() in _BACK_REFERENCES


def _size(text: str, span: Span) -> int:
    """How many content words a sentence carries."""
    return len(_content(text[span[0] : span[1]]))


def _content(text: str) -> set[str]:
    lower = text.lower()
    # _WORD.findall(lower), split in C (see _split_words).
    return {w for w in _split_words(_spaced(lower), lower, 0, len(lower)) if w not in _STOP}


def _repeats(words: set[str], other: set[str]) -> bool:
    """True when most of the shorter sentence's content words are in the other one."""
    small = min(len(words), len(other))
    return small > 0 and len(words & other) / small > 0.7
