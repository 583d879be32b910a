"""Tokens and lazily made names: the fast paths give the answers of the plain rules."""

from __future__ import annotations

import random

import pytest

from digests.quotes import find_quotes
from digests.quotes import lexicon as lx
from digests.quotes.tokens import (
    QUOTE_TEXT,
    capital_marks,
    capitals,
    lowered,
    paragraph_words,
    sentence_bounds,
    token_ends,
)


def test_capitals_follow_str_isupper_in_and_beyond_the_basic_plane() -> None:
    """Capitals are found by a regex over the Basic Multilingual Plane, else word by word."""
    assert capitals(["Élan", "élan", "Ωmega", "\ue000", "3D"]) == [0, 2]
    assert capitals(["\U0001d400bc", "x", "Y"]) == [0, 2]  # MATHEMATICAL BOLD CAPITAL A


def test_capitals_equal_str_isupper_for_every_first_character_up_to_latin_extended() -> None:
    """The ASCII shortcut (A-Z by code) gives what str.isupper gives, and so does the rest."""
    words = ["", *(chr(c) + "x" for c in range(1, 0x250)), "ǅx", "ᾈx", "\u2160x"]
    assert capitals(words) == [k for k, w in enumerate(words) if w and w[0].isupper()]


def test_sentences_end_at_each_of_the_three_stops_in_order() -> None:
    """'.', '!' and '?' tokens end sentences before a capital; '…' and a final stop do not."""
    texts = ["Stop", "!", "He", "left", ".", "Why", "?", "Then", "…", "Now", "."]
    assert sentence_bounds(texts) == [(0, 2), (2, 5), (5, 7), (7, 11)]
    assert sentence_bounds(["Mr", ".", "Ek", "said", "?", "no", "."]) == [(0, 7)]


def test_a_quotation_token_is_no_word_mark_capital_or_space_and_stays_one_byte() -> None:
    """QUOTE_TEXT: two characters no token of text can read; ASCII, so joins stay one-byte."""
    assert len(QUOTE_TEXT) == 2 and QUOTE_TEXT.isascii()
    assert not (QUOTE_TEXT[:1].isalnum() or QUOTE_TEXT[:1].isupper() or QUOTE_TEXT[:1].isspace())
    assert QUOTE_TEXT.lower() == QUOTE_TEXT
    text = "A stray \x00\x00 pair, \x00 and \ue000 are marks."
    words = paragraph_words(text, 0, len(text), [])
    assert QUOTE_TEXT not in words.texts and words.quoted == []


def test_paragraph_words_give_offsets_into_the_text() -> None:
    """Each word's offsets point at that word (gaps of spaces or a lone underscore skipped)."""
    text = 'Ana Okafor _  said: "Fix it." Then  left.'
    opening = text.index('"')
    words = paragraph_words(text, 0, len(text), [(0, (opening, text.index('"', opening + 1) + 1))])
    spans = zip(words.starts, token_ends(words), strict=True)
    assert [text[s:e] for s, e in spans] == [
        "Ana",
        "Okafor",
        "said",
        ":",
        '"Fix it."',
        "Then",
        "left",
        ".",
    ]
    assert words.quoted == [(4, 0)]


def test_private_use_character_is_not_read_as_a_quotation() -> None:
    """A stray U+E000 in the text is a mark like any other, not a quotation's token."""
    text = 'Ana Okafor spoke \ue000 to reporters.\n\n"We will fix the bridge," she said.'
    assert [(q.text, q.speaker) for q in find_quotes(text)] == [
        ("We will fix the bridge", "Ana Okafor")
    ]


def test_surname_finds_a_full_name_given_later_in_the_paragraph() -> None:
    """With no full name before it, a surname takes the first one after it (names made lazily)."""
    text = 'Reporters met the mayor. "We will fix the bridge," Okafor said. Ana Okafor won in May.'
    assert [q.speaker for q in find_quotes(text)] == ["Ana Okafor"]


def _pattern_words(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """The definition the fast word splitter must reproduce: lx.WORD's matches."""
    return [(m.group(), m.start(), m.end()) for m in lx.WORD.finditer(text, start, end)]


def _split_words(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    words = paragraph_words(text, start, end, [])
    return list(zip(words.texts, words.starts, token_ends(words), strict=True))


@pytest.mark.parametrize(
    "text",
    [
        "Xi said, “Chinese-US confrontation will bring disaster.” It's the U.S. (again)",
        "rock ’n’ roll in the ’90s: Xi’s “no”… well--maybe; e-mail __init__ _x_ x_",
        "tabs\tand\u00a0no-break\u2028line\x1cseparators\x1f!?",
        "Ⅻ ٣٤ ß² 3D 3.5% $5 5,000 ½ U.S.A. a.m. end.",
        "",
        "   ",
        ".,;:!?",
    ],
)
def test_fast_word_split_gives_exactly_the_word_pattern(text: str) -> None:
    """Whitespace first, then the regex only where a piece is not one plain word."""
    assert _split_words(text, 0, len(text)) == _pattern_words(text, 0, len(text))


def test_fast_word_split_matches_the_pattern_on_random_text() -> None:
    """Random strings over letters, digits, marks, underscores and odd whitespace, any bounds."""
    rng = random.Random(20261130)
    alphabet = "aZé1٣Ⅻß_ .,;:!?'’-—\u00a0\t\n\x1c\u2028“”\"()…"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        assert _split_words(text, start, end) == _pattern_words(text, start, end), text


def test_fast_word_split_matches_the_pattern_on_random_marked_words() -> None:
    """Words with apostrophes and marks around them ('"It's,', "(CNN's", "“don’t") too."""
    rng = random.Random(4)
    heads = ["", "", '"', "“", "‘", "(", "'", "’", "-", "_"]
    bodies = ["it's", "CNN’s", "rock'n'roll", "o''k", "'90s", "x'", "ab", "é'ß", "U.S", "a_b", "٣'"]
    bodies += ["e-mail", "U.S.-led", "3.5", "a--b", "-x", "x-", "a.b.c", "é-ß", "--", "...", "—"]
    bodies += ["-.-", "a-'b", "Ⅻ-٣", "#", "$5", "50%", "•", "_-_", ""]
    tails = ["", "", ",", ".", ";", ":", "!", "?", ")", "'", "’", "”", ".,", "_"]
    for _ in range(2000):
        pieces = [rng.choice(heads) + rng.choice(bodies) + rng.choice(tails) for _ in range(6)]
        text = rng.choice([" ", "  ", "\n"]).join(pieces)
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        assert _split_words(text, start, end) == _pattern_words(text, start, end), text
        assert _split_words(text, 0, len(text)) == _pattern_words(text, 0, len(text)), text


def test_lowered_tokens_are_the_tokens_lowercased() -> None:
    """Lowering only the tokens with a capital (ASCII text) gives every token lowercased, with
    quotations, underscores and text beyond ASCII (lowered whole) too."""
    rng = random.Random(8)
    pieces = ["Ana", "OKAFOR", "iPhone", "the", "U.S.", "e-Mail", "_", "X_y", "said,", "3D", "é"]
    pieces += ["Élan", "--", "'The", "(CNN)", "a"]
    for _ in range(500):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randrange(0, 12)))
        quotes: list[tuple[int, tuple[int, int]]] = []
        if " " in text and rng.random() < 0.5:
            at = text.index(" ")
            stop = text.find(" ", at + 1)
            quotes = [(0, (at, stop if stop > 0 else len(text)))]  # a word with capitals, say
        words = paragraph_words(text, 0, len(text), quotes)
        expected = [t.lower() for t in words.texts]
        assert lowered(words, capital_marks(text), len(text)) == expected, text
