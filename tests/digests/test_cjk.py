"""Word counts: the byte-level count of ASCII text is the count of str.split."""

from __future__ import annotations

import random

from digests.cjk import _CJK_CHAR, cjk_characters, word_count


def test_ascii_word_count_is_the_split_count() -> None:
    """Every ASCII whitespace str.split knows (\\x1c-\\x1f too) separates words, runs once."""
    rng = random.Random(3)
    alphabet = [chr(c) for c in range(128)] + ["word", "  ", "\n\n"]
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 60)))
        assert word_count(text) == len(text.split())


def test_word_count_beyond_ascii_counts_cjk_characters_in_pairs() -> None:
    """Beyond ASCII, str.split counts (a no-break space splits) plus one word per two CJK."""
    text = "naïve café\u00a0au lait 北京报道"
    assert word_count(text) == len(text.split()) + 2 == 7


def test_cjk_characters_are_the_regex_count_with_or_without_cjk_lead_bytes() -> None:
    """The UTF-8 lead-byte shortcut never hides a CJK character (every range's edges, Hangul,
    compatibility ideographs) and counts none in dashes, accents, emoji or lone surrogates."""
    rng = random.Random(5)
    edges = [0x3040, 0x30FF, 0x3400, 0x4DBF, 0x4E00, 0x9FFF, 0xF900, 0xFAFF, 0xAC00, 0xD7AF]
    alphabet = [chr(c) for c in edges] + [chr(c - 1) for c in edges] + [chr(c + 1) for c in edges]
    alphabet += ["—", "“", "’", "é", "€", "😀", "\ud800", "\uff0c", "\ufeff", "a", " "]
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 30)))
        assert cjk_characters(text) == len(_CJK_CHAR.findall(text))
