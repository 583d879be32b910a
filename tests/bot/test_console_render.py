"""Console rendering: readable text, topics shown, terminal escapes from articles dropped."""

from __future__ import annotations

from bot.adapters.console import render_digest, render_roundup
from digests import Quote
from tests.bot.render_samples import digest, quote, words


def test_digest_shows_title_facts_topics_points_and_quotes() -> None:
    """The plain rendering keeps its layout and includes a topics line."""
    out = render_digest(digest(topics=("local", "infrastructure")))
    lines = out.splitlines()
    assert lines[0] == "Council approves bridge repairs"
    assert lines[1] == (
        "Riverton Gazette · 2026-11-24 09:30 UTC · 2 min read · https://news.example/riverton/bridge"
    )
    assert lines[2] == "topics: local, infrastructure"
    assert "  • The council voted 7-2 to repair the bridge." in lines
    assert "  “We will not let it rust.” — Ana Okafor" in lines


def test_digest_without_topics_has_no_topics_line() -> None:
    """No topics, no empty 'topics:' line."""
    assert "topics:" not in render_digest(digest(topics=()))


def test_terminal_escape_sequences_are_dropped() -> None:
    """ESC, BEL and other controls in article text never reach the terminal."""
    out = render_digest(
        digest(
            title="Bridge\x1b]0;pwned\x07 news",
            key_points=("Clear\x1b[2J screen",),
            quotes=(quote("Hi\x1b[31m red", "Bob\x9b"),),
        )
    )
    assert not any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F for c in out)


def test_long_urls_are_not_broken_across_lines() -> None:
    """A long URL in a roundup stays on one line so it can be copied."""
    url = "https://news.example/" + "a" * 150
    [out] = render_roundup("Roundup", [digest(url=url)])
    assert "   " + url in out.splitlines()


def test_empty_roundup_prints_nothing() -> None:
    """An empty period gives no output."""
    assert render_roundup("Daily", []) == []


def test_roundup_numbers_stories_with_first_point() -> None:
    """Each story: number, title, source and date, then its first key point."""
    [out] = render_roundup("Local roundup", [digest(title="A"), digest(title="B")])
    lines = out.splitlines()
    assert lines[0] == "Local roundup"
    assert lines[2] == "1. A (Riverton Gazette · 2026-11-24 09:30 UTC)"
    assert lines[3] == "   The council voted 7-2 to repair the bridge."
    assert "2. B (Riverton Gazette · 2026-11-24 09:30 UTC)" in lines


def test_roundup_key_point_is_shortened() -> None:
    """A very long first key point is cut with an ellipsis in a roundup."""
    [out] = render_roundup("R", [digest(key_points=(words(500, "long"),))])
    assert "long…" in out and len(out) < 1000


def test_partial_quotes_are_marked() -> None:
    """A quoted fragment (shown with --quotes all) says it is partial; full quotes do not."""
    fragment = Quote(
        text="coercive and unfair", speaker="White House", partial=True, spans=((0, 19),)
    )
    out = render_digest(digest(quotes=(fragment, quote("We will not let it rust.", "Ana Okafor"))))
    assert "  “coercive and unfair” — White House (partial)" in out.splitlines()
    assert "  “We will not let it rust.” — Ana Okafor" in out.splitlines()
