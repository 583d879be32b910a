"""The quotes issue's seed expectations: every quotation of the seed articles, verbatim, attributed."""

from __future__ import annotations

from pathlib import Path

import pytest

from digests import digest_text
from digests.digest import is_verbatim
from digests.model import Quote
from digests.quotes import find_quotes

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _quotes(name: str) -> tuple[str, list[Quote]]:
    text = (SEEDS / name).read_text(encoding="utf-8")
    return text, find_quotes(text)


def _by_text(quotes: list[Quote], start: str) -> Quote:
    matches = [q for q in quotes if q.text.startswith(start)]
    assert len(matches) == 1, [q.text for q in quotes]
    return matches[0]


def test_seed_xi_quotes_attributed_to_xi_jinping(seed_text: str) -> None:
    """Both of Xi's sentences are full quotes by "Xi Jinping" (via "the Chinese leader")."""
    quotes = find_quotes(seed_text)
    first = _by_text(quotes, "This is not in the basic interests of the two peoples")
    second = _by_text(quotes, "Chinese-US confrontation will bring disaster")
    assert second.text == (
        "Chinese-US confrontation will bring disaster to both countries and the world."
    )
    for quote in (first, second):
        assert quote.speaker == "Xi Jinping"
        assert not quote.partial


def test_seed_white_house_statement_quotes(seed_text: str) -> None:
    """The statement (opened with a curly mark, closed with a straight one) and the "It said"
    quote both belong to the White House."""
    quotes = find_quotes(seed_text)
    statement = _by_text(quotes, "two leaders had a broad, strategic discussion")
    follow_up = _by_text(quotes, "discussed the responsibility of both nations")
    for quote in (statement, follow_up):
        assert quote.speaker in ("White House", "The White House")
        assert not quote.partial
    assert statement.text.endswith("values, and perspectives diverge.")


def test_seed_fragments_only_partial(seed_text: str) -> None:
    """ "serious difficulties" and "coercive and unfair" appear, but only as partial quotes."""
    quotes = find_quotes(seed_text)
    for words in ("serious difficulties", "coercive and unfair"):
        assert _by_text(quotes, words).partial
    digest = digest_text(seed_text)
    assert all(not q.partial for q in digest.quotes)


def test_seed_all_quotes_via_digest(seed_text: str) -> None:
    """`digest_text(quotes=None)` returns every quote, partial ones included, verbatim."""
    digest = digest_text(seed_text, quotes=None)
    assert len(digest.quotes) == 6
    assert all(is_verbatim(q, seed_text) for q in digest.quotes)


def test_seed_main_quotes_named_and_full(seed_text: str) -> None:
    """The three main quotes are full quotes with a named speaker."""
    digest = digest_text(seed_text)
    assert len(digest.quotes) == 3
    assert all(q.speaker and not q.partial for q in digest.quotes)


def test_harbour_bridge_speakers() -> None:
    """A title before the name, "he said" and a continuation after "he said." resolve."""
    _, quotes = _quotes("010_harbour_bridge.txt")
    assert [q.speaker for q in quotes] == ["Ana Okafor", "Tom Reyes", "Tom Reyes"]
    assert quotes[2].text == "Then we are back here with a bigger bill."


@pytest.mark.parametrize("start", ["It’s the best picture", "We built it for the price"])
def test_lunar_probe_british_single_quotes(start: str) -> None:
    """Single quotes as primary marks, with apostrophes (It’s, I’ve) inside them."""
    text, quotes = _quotes("020_lunar_probe.txt")
    quote = _by_text(quotes, start)
    assert quote.speaker in ("Helen Marsh", "Dr. Helen Marsh")
    assert is_verbatim(quote, text)
    assert len(quotes) == 2
