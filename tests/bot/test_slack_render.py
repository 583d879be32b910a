"""Slack payloads: Block Kit limits at their edges, and article text that cannot ping or format."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot.adapters import slack_render as sr
from bot.adapters._text import graphemes, u16len
from tests.bot.render_samples import (
    FAMILY,
    INJECTION,
    SLACK_MENTIONS,
    THUMBS,
    digest,
    dumps,
    quote,
    words,
)


def _render(**fields: Any) -> dict[str, Any]:
    return sr.render_digest(digest(**fields))


def _texts(payload: dict[str, Any], block_type: str) -> list[dict[str, Any]]:
    out = []
    for block in payload["blocks"]:
        if block["type"] == block_type == "context":
            out += block["elements"]
        elif block["type"] == block_type:
            out.append(block["text"])
    return out


def _check_limits(payload: dict[str, Any]) -> None:
    assert 0 < len(payload["blocks"]) <= sr.BLOCKS_MAX
    for text in _texts(payload, "header"):
        assert text["type"] == "plain_text" and 0 < u16len(text["text"]) <= sr.HEADER_MAX
    for text in _texts(payload, "section"):
        assert text["type"] == "mrkdwn" and 0 < u16len(text["text"]) <= sr.SECTION_MAX
    for block in payload["blocks"]:
        if block["type"] == "context":
            assert len(block["elements"]) <= sr.CONTEXT_ELEMENTS_MAX
    assert 0 < u16len(payload["text"]) <= sr.TEXT_MAX
    assert sr.blocks_text_size(payload["blocks"]) <= sr.BLOCKS_TEXT_MAX


# --- the shape ------------------------------------------------------------------------------


def test_digest_blocks_header_points_quotes_context() -> None:
    """Header title, bullet points, a quote with its speaker, and a linked source in context."""
    payload = _render()
    assert [b["type"] for b in payload["blocks"]] == ["header", "section", "section", "context"]
    assert _texts(payload, "header")[0]["text"] == "Council approves bridge repairs"
    points, quotes = (t["text"] for t in _texts(payload, "section"))
    assert points.splitlines() == [
        "• The council voted 7-2 to repair the bridge.",
        "• Repairs will close the bridge to cars for eight months.",
    ]
    assert quotes == ">“We will not let it rust.”\n>— _Ana Okafor_"
    context = [e["text"] for e in _texts(payload, "context")]
    assert context[0] == "<https://news.example/riverton/bridge|Riverton Gazette> · 2 min read"
    assert context[1].startswith("<!date^1795512600^")
    assert context[2] == "Topics: local"


def test_fallback_text_for_notifications() -> None:
    """`text` carries the title and source for notifications and screen readers."""
    assert _render()["text"] == "Council approves bridge repairs — Riverton Gazette"


def test_every_mrkdwn_object_is_verbatim() -> None:
    """Slack must not link-ify names or mentions in any mrkdwn object on its own."""
    payload = _render(quotes=(quote("a"), quote("b")))
    mrkdwn = _texts(payload, "section") + _texts(payload, "context")
    assert mrkdwn and all(t["verbatim"] is True for t in mrkdwn)


def test_link_urls_escape_ampersands() -> None:
    """A query string's '&' is sent as '&amp;' inside the link, as Slack expects."""
    context = _texts(_render(url="https://e.example/a?b=1&c=2"), "context")[0]["text"]
    assert context.startswith("<https://e.example/a?b=1&amp;c=2|")


# --- limits at their edges ----------------------------------------------------------------


def test_header_at_150_is_kept_whole() -> None:
    """A 150-character title is not touched."""
    assert _texts(_render(title="h" * 150), "header")[0]["text"] == "h" * 150


def test_header_at_151_is_cut_with_an_ellipsis() -> None:
    """A 151-character title is cut at a word to at most 150."""
    out = _texts(_render(title=words(40, "heading")[:151]), "header")[0]["text"]
    assert u16len(out) <= 150 and out.endswith("heading…")


@pytest.mark.parametrize("cluster", [FAMILY, THUMBS, "한"])
def test_header_cut_never_splits_a_grapheme(cluster: str) -> None:
    """ZWJ emoji, skin tones and Hangul at the cut point stay whole."""
    for pad in range(12):
        title = "a" * (145 - pad) + cluster * 10
        out = _texts(_render(title=title), "header")[0]["text"]
        kept = graphemes(out.removesuffix("…"))
        assert u16len(out) <= 150 and kept == graphemes(title)[: len(kept)]


def test_points_section_at_3000_edge() -> None:
    """Points joining to exactly 3,000 characters are kept; more are dropped to fit."""
    # Two lines of "• " + 998 and one of "• " + 996, with two newlines: exactly 3,000.
    exact = ("p" * 998, "p" * 998, "p" * 996)
    text = _texts(_render(key_points=exact, quotes=()), "section")[0]["text"]
    assert u16len(text) == 3000
    over = tuple("p" * 998 for _ in range(3))
    text = _texts(_render(key_points=over, quotes=()), "section")[0]["text"]
    assert u16len(text) <= 3000 and text.count("\n") == 1


def test_forty_long_quotes_fit_and_the_rest_are_counted() -> None:
    """Forty long quotes: as many as fit the message's text budget, then a line counting the rest."""
    quotes = tuple(quote(words(400, f"q{i}"), f"Speaker {i}") for i in range(40))
    payload = _render(quotes=quotes)
    _check_limits(payload)
    shown = sum(t["text"].count(">— ") for t in _texts(payload, "section"))
    notes = [e["text"] for e in _texts(payload, "context")]
    assert 0 < shown < 40
    assert f"{40 - shown} more quotes in the article" in notes


def test_forty_short_quotes_are_all_shown() -> None:
    """Forty short quotes fit, packed several to a section, with no 'more quotes' line."""
    quotes = tuple(quote(f"We will build it, number {i}.", f"Speaker {i}") for i in range(40))
    payload = _render(quotes=quotes)
    _check_limits(payload)
    assert sum(t["text"].count(">— ") for t in _texts(payload, "section")) == 40
    assert not any("more quote" in e["text"] for e in _texts(payload, "context"))


def test_message_text_budget_edge() -> None:
    """The blocks of a digest never carry more than BLOCKS_TEXT_MAX characters of text."""
    for n in (1, 5, 9, 10, 11, 30):
        quotes = tuple(quote("x" * 990, "S") for _ in range(n))
        payload = _render(quotes=quotes)
        assert sr.blocks_text_size(payload["blocks"]) <= sr.BLOCKS_TEXT_MAX


def test_very_long_everything_fits() -> None:
    """Maximal title, points, source and topics still make a valid payload."""
    payload = _render(
        title=words(500, "title"),
        key_points=tuple(words(500, "point") for _ in range(10)),
        quotes=tuple(quote(words(500, "said"), words(100, "name")) for _ in range(40)),
        source=words(1000, "source"),
        topics=tuple(f"topic-{i}" for i in range(500)),
    )
    _check_limits(payload)


# --- article text is data -------------------------------------------------------------------


def test_injection_in_every_field_cannot_ping_or_link() -> None:
    """<!channel>, <!here>, <@U…> and <url|label> in any article field reach Slack escaped."""
    payload = _render(
        title=INJECTION,
        key_points=(INJECTION,),
        quotes=(quote(INJECTION, INJECTION),),
        source=INJECTION,
        topics=("<!channel>",),
    )
    assert SLACK_MENTIONS.search(dumps(payload)) is None
    points = _texts(payload, "section")[0]["text"]
    assert "&lt;!channel&gt;" in points and "&lt;@\u200bU0123ABC&gt;" in points
    assert "&amp;" in points


def test_plain_text_mentions_are_broken_too() -> None:
    """'@channel' without brackets gets a zero-width space, in blocks and in `text`."""
    payload = _render(title="Hello @channel", key_points=("Hi @here",))
    assert "@channel" not in dumps(payload) and "@here" not in dumps(payload)


def test_emphasis_in_article_text_does_not_format() -> None:
    """'*bold*' and '_it_' get a zero-width space after each mark (mrkdwn has no escape)."""
    points = _texts(_render(key_points=("a *bold* and _it_ claim",)), "section")[0]["text"]
    assert "*\u200bbold*\u200b" in points and "_\u200bit_\u200b" in points


def test_header_is_not_entity_escaped() -> None:
    """plain_text is not parsed: '&' stays '&' rather than showing '&amp;'."""
    assert _texts(_render(title="Salt & pepper"), "header")[0]["text"] == "Salt & pepper"


# --- roundups -------------------------------------------------------------------------------


def test_empty_roundup_posts_nothing() -> None:
    """An empty period gives no messages."""
    assert sr.render_roundup("Daily", []) == []


def test_small_roundup_is_one_message() -> None:
    """Two stories: a header and one section each with a linked title and first point."""
    [message] = sr.render_roundup("Tech daily", [digest(title="A"), digest(title="B")])
    assert [b["type"] for b in message["blocks"]] == ["header", "section", "section"]
    first = message["blocks"][1]["text"]["text"]
    assert first.startswith("*<https://news.example/riverton/bridge|A>*\nThe council voted")
    assert message["text"] == "Tech daily: 2 stories"


def test_large_roundup_splits_within_limits_keeping_order() -> None:
    """Forty-five long stories split over messages within every limit, in order."""
    stories = [
        digest(title=f"Story{i} " + words(100, "x"), key_points=(words(200, "y"),))
        for i in range(45)
    ]
    messages = sr.render_roundup("Roundup", stories)
    assert len(messages) >= 3
    seen = []
    for number, message in enumerate(messages, start=1):
        _check_limits(message)
        assert message["blocks"][0]["text"]["text"] == f"Roundup ({number}/{len(messages)})"
        seen += [b["text"]["text"].split("|")[1].split(" ")[0] for b in message["blocks"][1:]]
    assert seen == [f"Story{i}" for i in range(45)]


def test_short_roundup_stories_stop_at_twenty_per_message() -> None:
    """Twenty-five tiny stories: twenty in the first message, five in the second."""
    messages = sr.render_roundup("R", [digest(title=f"S{i}") for i in range(25)])
    assert [len(m["blocks"]) - 1 for m in messages] == [20, 5]


def test_roundup_cannot_ping() -> None:
    """Mentions in the heading or the stories are neutralised in roundups too."""
    messages = sr.render_roundup(INJECTION, [digest(title=INJECTION, key_points=(INJECTION,))])
    assert SLACK_MENTIONS.search(dumps(messages)) is None


# --- checked by slack_sdk's own Block Kit models ------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        sr.render_digest(
            digest(
                title=words(100, "t"),
                key_points=tuple(words(500, "p") for _ in range(10)),
                quotes=tuple(quote(words(500, "q"), words(50, "n")) for _ in range(60)),
            )
        ),
        sr.render_digest(digest(title=INJECTION, key_points=(INJECTION,), source=INJECTION)),
        *sr.render_roundup(words(100, "h"), [digest(title=words(300, "t")) for _ in range(30)]),
    ],
    ids=["maximal", "injection", "roundup-1", "roundup-2"],
)
def test_slack_sdk_models_accept_every_block(payload: dict[str, Any]) -> None:
    """slack_sdk parses each block back to the same dict and finds no limit exceeded."""
    for block in payload["blocks"]:
        model = Block.parse(block)
        assert model is not None
        model.validate_json()  # raises SlackObjectFormationError past a limit
        assert model.to_dict() == block
