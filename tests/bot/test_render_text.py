"""Grapheme-safe fitting shared by the renderers."""

from __future__ import annotations

import pytest

from bot.adapters._text import fit, graphemes, one_line, safe_url, u16len
from tests.bot.render_samples import CJK, E_ACUTE, FAMILY, FLAG, THUMBS, words


def _is_grapheme_prefix(cut: str, original: str) -> bool:
    body = cut.removesuffix("…")
    clusters = graphemes(original)
    return graphemes(body) == clusters[: len(graphemes(body))]


def test_text_at_the_limit_is_unchanged() -> None:
    """A text exactly `limit` units long comes back as it was."""
    assert fit("a" * 100, 100) == "a" * 100


def test_text_one_over_the_limit_is_cut_with_an_ellipsis() -> None:
    """One unit over the limit: cut to the limit, ending in an ellipsis."""
    out = fit("a" * 101, 100)
    assert u16len(out) == 100 and out.endswith("…")


def test_cut_falls_at_a_word_boundary() -> None:
    """Words are never cut in half when a space is near."""
    out = fit(words(30, "alpha"), 50)
    assert out.endswith("alpha…")
    assert all(w == "alpha" for w in out.removesuffix("…").split())


def test_trailing_punctuation_is_dropped_before_the_ellipsis() -> None:
    """No 'word,…' — the comma goes."""
    out = fit("one, two, three, four, five, six", 12)
    assert out == "one, two…"


@pytest.mark.parametrize("cluster", [FAMILY, THUMBS, FLAG, E_ACUTE])
def test_cut_never_splits_a_grapheme_cluster(cluster: str) -> None:
    """ZWJ sequences, skin tones, flags and combining marks survive any limit whole."""
    text = cluster * 40
    for limit in range(1, 60):
        out = fit(text, limit)
        assert u16len(out) <= limit
        assert _is_grapheme_prefix(out, text), (limit, out)


def test_cjk_without_spaces_is_cut_between_characters() -> None:
    """Text with no spaces is cut at a grapheme boundary, filling the room."""
    text = CJK * 5
    out = fit(text, 20)
    assert u16len(out) == 20 and _is_grapheme_prefix(out, text)


def test_emoji_count_as_two_units() -> None:
    """Limits are UTF-16 units, so an astral emoji takes two."""
    assert u16len("😀") == 2 and u16len(FAMILY) == 11


def test_escape_sequences_are_not_cut_in_half() -> None:
    """An escaper's output for one cluster is kept or dropped whole."""

    def double(clusters: list[str]) -> list[str]:
        return [c * 2 for c in clusters]

    out = fit("abcdefghij", 8, double)  # type: ignore[arg-type]
    assert out == "aabbcc…"


def test_one_line_drops_control_characters_and_collapses_space() -> None:
    """Terminal escapes and newlines do not survive."""
    assert one_line("a\x1b[2J\n\tb\x07  c") == "a[2J b c"


def test_one_line_keeps_carriage_returns_as_spaces() -> None:
    """Old Mac line ends separate words instead of gluing them."""
    assert one_line("one\rtwo\r\nthree") == "one two three"


def test_one_line_drops_bidi_overrides_but_keeps_zwj() -> None:
    """Right-to-left overrides go; the joiner inside an emoji sequence stays."""
    assert one_line("abc\u202edcba\u2066x\u2069 👨\u200d👩") == "abcdcbax 👨\u200d👩"


def test_safe_url_refuses_non_http_and_encodes_link_breakers() -> None:
    """javascript: URLs are dropped; ')' '<' '>' '|' are percent-encoded."""
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("https://e.example/a (b)|<c>") is None  # a space: not a URL
    assert safe_url("https://e.example/a_(b)|<c>") == "https://e.example/a_%28b%29%7C%3Cc%3E"
