"""Tokens of a paragraph: words and marks, each quotation collapsed into one, and sentences."""

from __future__ import annotations

import re
from itertools import repeat
from operator import add
from typing import Final, NamedTuple

from digests.model import Span
from digests.quotes import lexicon as lx

# Abbreviations whose period ends no sentence.
ABBREV: Final = frozenset(
    """mr mrs ms dr prof st jr sr gen gov sen rep lt sgt capt col u.s u.k const supt insp det
    cpl cmdr adm maj pvt rev hon atty coun ald cllr""".split()
)
# The text of a quotation's token: two characters, so that no word or mark of the text (one
# character, or starting with a letter or digit) can read the same. ASCII (NUL, neither a
# letter, a capital nor a space), so that a paragraph's tokens joined stay one-byte text: the
# finder lowercases them joined, and a wider character would make that twice as slow.
QUOTE_TEXT: Final = "\x00\x00"
_new = tuple.__new__
# A word (lx.WORD) with the gap before it: the only characters lx.WORD never matches are
# whitespace and a lone underscore, so the gaps account for every skipped character.
_GAP_WORD: Final = re.compile(r"([\s_]*)(" + lx.WORD.pattern + ")")
# Marks that end a word without joining it (lx.WORD stops before them, or ends on a letter
# before a final ".").
_CLOSING: Final = frozenset(",.;:!?")
# Marks that open a word (lx.WORD reads them alone, none being a letter, digit or underscore).
_OPENING: Final = frozenset('"“‘(')
# Marks that lx.WORD reads one by one (neither a letter, digit, underscore nor whitespace): a
# token of nothing but these is that many one-character words.
_MARKS_ALONE: Final = "-—–.…,;:!?\"'“”‘’()[]*•/&|#%$+="


class Token(NamedTuple):
    """A word or punctuation mark of a paragraph, or a whole quotation (quote >= 0)."""

    # A named tuple rather than a dataclass: articles have thousands of tokens, and tuples are
    # several times cheaper to build.
    text: str
    start: int
    end: int
    quote: int = -1


def tokenize(text: str, start: int, end: int, quotes: list[tuple[int, Span]]) -> list[Token]:
    """A paragraph's tokens, each quotation (index, extent) collapsed into one token."""
    words = paragraph_words(text, start, end, quotes)
    return tokens_of(words, 0, len(words.texts))


class Words(NamedTuple):
    """A paragraph's tokens as parallel lists (no object per word: most are only looked at).

    A word ends where it starts plus its length; only a quotation's token (whose text stands
    for the whole quotation) keeps its end, in `quote_ends`: most tokens' ends are never asked
    for, and a list of them would cost an int object per word.
    """

    texts: list[str]  # a quotation's token reads QUOTE_TEXT
    starts: list[int]
    quoted: list[tuple[int, int]]  # (position, quote index) of each quotation's token
    quote_ends: list[int]  # the end of each quotation's extent, in the order of `quoted`


def paragraph_words(text: str, start: int, end: int, quotes: list[tuple[int, Span]]) -> Words:
    """The words of text[start:end], each quotation (index, extent) collapsed into one token."""
    texts: list[str] = []
    starts: list[int] = []
    quoted: list[tuple[int, int]] = []
    quote_ends: list[int] = []
    pos = start
    for index, (qs, qe) in sorted(quotes, key=lambda q: q[1]):
        _words(text, pos, qs, texts, starts)
        quoted.append((len(texts), index))
        quote_ends.append(qe)
        texts.append(QUOTE_TEXT)
        starts.append(qs)
        pos = qe
    _words(text, pos, end, texts, starts)
    return Words(texts, starts, quoted, quote_ends)


def token_ends(words: Words) -> list[int]:
    """The end offset of each token of a paragraph (see `Words`)."""
    ends = [s + len(t) for t, s in zip(words.texts, words.starts, strict=True)]
    for (at, _), end in zip(words.quoted, words.quote_ends, strict=True):
        ends[at] = end
    return ends


def tokens_of(words: Words, a: int, b: int) -> list[Token]:
    """The tokens a:b of a paragraph, for the sentences whose attribution needs them."""
    texts = words.texts[a:b]
    starts = words.starts[a:b]
    out = list(
        map(
            _new,
            repeat(Token),
            zip(texts, starts, map(add, starts, map(len, texts)), repeat(-1)),
        )
    )
    for k in range(len(words.quoted)):
        at, index = words.quoted[k]
        if a <= at < b:
            out[at - a] = Token(QUOTE_TEXT, words.starts[at], words.quote_ends[k], index)
    return out


def _words(text: str, start: int, end: int, texts: list[str], starts: list[int]) -> None:
    # The hot loop of the whole quote finder: every word of every paragraph up to the last quote.
    # lx.WORD never matches across whitespace, so text[start:end] splits at whitespace first (in
    # C) and only the pieces that are not one plain word need the regex: most pieces are
    # alphanumeric (one word), or alphanumeric and one closing mark ("said," -> "said" ",").
    # The result is exactly lx.WORD's words; tests check that on mixed and hostile text.
    piece = text[start:end]
    pos = 0
    for token in piece.split():
        at = piece.find(token, pos)
        size = len(token)
        pos = at + size
        at += start
        if token.isalnum():
            texts.append(token)
            starts.append(at)
        elif size > 1 and token[size - 1] in _CLOSING and token[: size - 1].isalnum():
            texts.append(token[: size - 1])
            texts.append(token[size - 1])
            starts.append(at)
            starts.append(at + size - 1)
        else:
            # An opening mark and a closing one around one word, which may hold apostrophes,
            # hyphens or periods ('"The', "it's", "CNN's,", "“don’t", "e-mail", "U.S."): lx.WORD
            # reads each mark alone, the word whole.
            lead = 1 if token[0] in _OPENING else 0
            trail = 1 if size > 1 and token[size - 1] in _CLOSING else 0
            body = token[lead : size - trail]
            if body and (body.isalnum() or _joined_word(body)):
                if lead:
                    texts.append(token[0])
                    starts.append(at)
                texts.append(body)
                starts.append(at + lead)
                if trail:
                    texts.append(token[size - 1])
                    starts.append(at + size - 1)
                continue
            if not token.strip(_MARKS_ALONE):
                # Marks only ("--", "...", "—"): lx.WORD reads each one alone.
                for mark in token:
                    texts.append(mark)
                    starts.append(at)
                    at += 1
                continue
            for gap, word in _GAP_WORD.findall(token):
                at += len(gap)
                texts.append(word)
                starts.append(at)
                at += len(word)


# Each ASCII capital A-Z to b"U", every other byte to b" " (see `capital_marks`).
_CAPITAL_MARKS: Final = bytes(ord("U") if 65 <= c <= 90 else ord(" ") for c in range(256))


def capital_marks(text: str) -> bytes:
    """For ASCII text, a b"U" at each capital letter's offset (b" " elsewhere); else b""."""
    return text.encode("ascii").translate(_CAPITAL_MARKS) if text.isascii() else b""


def lowered(words: Words, marks: bytes, end: int) -> list[str]:
    """A paragraph's token texts lowercased; `marks` is `capital_marks` of the text (`end`: the
    paragraph's end).

    In ASCII text a token without a capital is its own lowercase: only the few tokens the marks
    show a capital in are lowered, and the others stay the same strings, instead of a new
    string for every token. Other text is lowered whole, in one C call each way.
    """
    texts = words.texts
    if not marks:
        return "\n".join(texts).lower().split("\n") if texts else []  # no token holds a newline
    starts = words.starts
    out = texts.copy()
    n = len(texts)
    if not n:
        return out
    k = 0
    at = marks.find(b"U", starts[0], end)
    while at >= 0:
        # The token holding the capital: the last one starting at or before it (every capital
        # lies in a token, a quotation's token covering the whole quotation).
        while k + 1 < n and starts[k + 1] <= at:
            k += 1
        out[k] = texts[k].lower()
        if k + 1 == n:
            break
        at = marks.find(b"U", starts[k + 1], end)
    return out


def _joined_word(body: str) -> bool:
    """True for letters and digits (str.isalnum) joined by single apostrophes (' or ’), hyphens
    or periods: one lx.WORD word, which runs from a letter or digit over those to the last one."""
    parts = body.replace("’", "'").replace("-", "'").replace(".", "'").split("'")
    return len(parts) > 1 and all(part.isalnum() for part in parts)


def capitals(texts: list[str]) -> list[int]:
    """Indexes of the token texts whose first character is a capital (str.isupper)."""
    # A plain loop: compiled (see setup.py) it is twice as fast as a regex over the first
    # characters, and it needs no table of capitals. ASCII first characters (nearly all) are
    # settled by their code, without a call of str.isupper (not a compiled primitive).
    out: list[int] = []
    for k in range(len(texts)):
        text = texts[k]
        if not text:
            continue
        first = ord(text[0])
        if first < 128:
            if 65 <= first <= 90:  # A-Z: the only ASCII capitals
                out.append(k)
        elif text[0].isupper():
            out.append(k)
    return out


def sentences(tokens: list[Token]) -> list[list[Token]]:
    """Split a paragraph's tokens into sentences at . ! ? before a capital or a quotation."""
    texts = [QUOTE_TEXT if t.quote >= 0 else t.text for t in tokens]
    return [tokens[a:b] for a, b in sentence_bounds(texts)]


def _stops(texts: list[str]) -> list[int]:
    """Positions of the tokens . ! ? in order."""
    # One compiled pass, a length test first (most tokens are words): 4x faster than a
    # list.count and list.index scan of the tokens for each of the three marks.
    out: list[int] = []
    for k in range(len(texts)):
        text = texts[k]
        if len(text) == 1 and (text == "." or text == "!" or text == "?"):
            out.append(k)
    return out


def _initials(word: str) -> bool:
    """ "a.e" (of "A.E. Dick Howard"): single letters joined by periods, no sentence end."""
    return (
        len(word) >= 3
        and word[1] == "."
        and all(c == "." if k % 2 else c.isalpha() for k, c in enumerate(word))
    )


def sentence_bounds(texts: list[str]) -> list[tuple[int, int]]:
    """The (start, end) token indexes of a paragraph's sentences (see `sentences`)."""
    out: list[tuple[int, int]] = []
    begin = 0
    last = len(texts) - 1
    # Only the stops need looking at, and they are found by a C-level scan of the texts.
    for i in _stops(texts):
        if i >= last:
            continue
        nxt = texts[i + 1]
        prev = texts[i - 1].lower() if i else ""
        if prev in ABBREV or (len(prev) == 1 and prev.isalpha()) or _initials(prev):
            continue
        if nxt == QUOTE_TEXT or nxt[:1].isupper() or nxt in "\"“‘'(":
            out.append((begin, i + 1))
            begin = i + 1
    if begin <= last:
        out.append((begin, last + 1))
    return out
