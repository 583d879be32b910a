"""Word counts: the byte-level count of ASCII text is the count of str.split."""

from __future__ import annotations

import random

from digests.cjk import word_count


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
