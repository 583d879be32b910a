"""Discord payloads: every limit at its edge, and article text that cannot ping or format."""

from __future__ import annotations

import warnings
from datetime import datetime
from typing import Any

import pytest

from bot.adapters import discord_render as dr
from bot.adapters._text import graphemes, u16len
from tests.bot.render_samples import (
    CJK,
    DISCORD_MENTIONS,
    E_ACUTE,
    FAMILY,
    INJECTION,
    THUMBS,
    digest,
    dumps,
    quote,
    strings,
    words,
)


def _embed(**fields: Any) -> dict[str, Any]:
    return dr.render_digest(digest(**fields))["embeds"][0]  # type: ignore[no-any-return]


def _check_limits(embed: dict[str, Any]) -> None:
    assert u16len(embed["title"]) <= dr.TITLE_MAX
    assert u16len(embed.get("description", "")) <= dr.DESCRIPTION_MAX
    assert len(embed.get("fields", [])) <= dr.FIELDS_MAX
    for field in embed.get("fields", []):
        assert 0 < u16len(field["name"]) <= dr.FIELD_NAME_MAX
        assert 0 < u16len(field["value"]) <= dr.FIELD_VALUE_MAX
    assert u16len(embed["footer"]["text"]) <= dr.FOOTER_MAX
    assert u16len(embed.get("author", {}).get("name", "")) <= dr.AUTHOR_MAX
    assert dr.embed_size(embed) <= dr.EMBED_TOTAL_MAX


# --- the shape ------------------------------------------------------------------------------


def test_digest_embed_has_linked_title_points_quotes_footer_topic() -> None:
    """Title links to the article; points are bullets; quotes are fields; source in footer."""
    message = dr.render_digest(digest())
    [embed] = message["embeds"]
    assert embed["title"] == "Council approves bridge repairs"
    assert embed["url"] == "https://news.example/riverton/bridge"
    assert embed["description"].splitlines() == [
        "• The council voted 7-2 to repair the bridge.",
        "• Repairs will close the bridge to cars for eight months.",
    ]
    assert embed["fields"] == [
        {"name": "Ana Okafor", "value": "“We will not let it rust.”", "inline": False}
    ]
    assert embed["footer"]["text"] == "Riverton Gazette · 2 min read"
    assert embed["timestamp"] == "2026-11-24T09:30:00+00:00"
    assert embed["author"]["name"] == "local"


def test_message_disables_all_mentions() -> None:
    """Every message payload carries allowed_mentions with nothing to parse."""
    assert dr.render_digest(digest())["allowed_mentions"] == {"parse": []}


def test_naive_published_time_is_sent_as_utc() -> None:
    """A timestamp without a zone is sent as UTC, never as a naive string."""
    assert _embed(published=datetime(2026, 1, 2, 3, 4))["timestamp"].endswith("+00:00")


def test_unattributed_quote_gets_a_field_name() -> None:
    """Discord rejects empty field names, so an unattributed quote says so."""
    assert _embed(quotes=(quote("Hello there.", None),))["fields"][0]["name"] == "Unattributed"


def test_non_http_url_is_not_linked() -> None:
    """A javascript: URL never becomes the title link."""
    assert "url" not in _embed(url="javascript:alert(1)")


def test_no_key_points_means_no_description() -> None:
    """Discord rejects an empty description, so none is sent."""
    assert "description" not in _embed(key_points=())


# --- limits at their edges ----------------------------------------------------------------


def test_title_at_256_is_kept_whole() -> None:
    """A 256-character title is not touched."""
    assert _embed(title="t" * 256)["title"] == "t" * 256


def test_title_at_257_is_cut_at_a_word_with_an_ellipsis() -> None:
    """A 257-character title is cut at a word boundary to at most 256, ending in '…'."""
    title = words(43, "title")[:257]
    out = _embed(title=title)["title"]
    assert u16len(out) <= 256 and out.endswith("title…")


def test_very_long_title_fits() -> None:
    """A 10,000-character title fits and still starts like the original."""
    out = _embed(title=words(2000, "bridge"))["title"]
    assert u16len(out) <= 256 and out.startswith("bridge bridge")


@pytest.mark.parametrize("cluster", [FAMILY, THUMBS, E_ACUTE, CJK[0]])
def test_title_cut_never_splits_a_grapheme(cluster: str) -> None:
    """Emoji with ZWJ or skin tone, combining marks and CJK at the cut point stay whole."""
    for pad in range(0, 12):
        title = "a" * (250 - pad) + cluster * 20
        out = _embed(title=title)["title"]
        assert u16len(out) <= 256
        kept = graphemes(out.removesuffix("…"))
        assert kept == graphemes(title)[: len(kept)]


def test_description_at_4096_is_kept_whole() -> None:
    """Key points joining to exactly 4,096 characters are all kept."""
    # Five bullets: "• " + 815 characters, joined by four newlines = 5 * 817 + 4 = 4089.
    points = tuple("p" * 815 for _ in range(5))
    out = _embed(key_points=points, quotes=())["description"]
    assert u16len(out) == 4089 and out.count("\n") == 4


def test_many_key_points_stop_at_the_description_limit() -> None:
    """Ten long key points fit in 4,096 characters with the last one cut, not dropped."""
    points = tuple(words(250, f"k{i}") for i in range(10))
    embed = _embed(key_points=points, quotes=())
    assert u16len(embed["description"]) <= dr.DESCRIPTION_MAX
    assert embed["description"].endswith("…")
    _check_limits(embed)


def test_forty_quotes_fit_every_limit() -> None:
    """Forty long quotes: at most 25 fields, 6,000 in total, and the footer counts the rest."""
    quotes = tuple(quote(words(200, f"q{i}"), f"Speaker {i}") for i in range(40))
    embed = _embed(quotes=quotes)
    _check_limits(embed)
    shown = len(embed["fields"])
    assert 0 < shown < 40
    assert embed["footer"]["text"].endswith(f"{40 - shown} more quotes")


def test_forty_short_quotes_stop_at_25_fields() -> None:
    """Short quotes are capped by the field count: 25 shown, 15 counted in the footer."""
    quotes = tuple(quote(f"Short quote {i}.", f"S{i}") for i in range(40))
    embed = _embed(quotes=quotes)
    assert len(embed["fields"]) == 25
    assert embed["footer"]["text"].endswith("15 more quotes")


def test_quote_value_at_1024_edge() -> None:
    """A quote whose field value is exactly 1,024 characters is kept; 1,025 is cut."""
    exact = _embed(quotes=(quote("x" * 1022),))["fields"][0]["value"]
    assert exact == "“" + "x" * 1022 + "”"
    over = _embed(quotes=(quote("x" * 1023),))["fields"][0]["value"]
    assert u16len(over) <= 1024 and over.endswith("…”") and over.startswith("“")


def test_speaker_name_at_256_edge() -> None:
    """A 256-character speaker is kept; a longer one is cut to 256."""
    assert _embed(quotes=(quote("Hi.", "s" * 256),))["fields"][0]["name"] == "s" * 256
    assert u16len(_embed(quotes=(quote("Hi.", "s" * 300),))["fields"][0]["name"]) <= 256


def test_everything_at_once_stays_under_6000() -> None:
    """Maximal title, points, quotes, source and topics still make a valid embed."""
    embed = _embed(
        title=words(500, "title"),
        key_points=tuple(words(300, "point") for _ in range(10)),
        quotes=tuple(quote(words(300, "said"), words(80, "name")) for _ in range(40)),
        source=words(1000, "source"),
        topics=tuple(f"topic-{i}" for i in range(100)),
    )
    _check_limits(embed)


def test_content_at_2000_edge() -> None:
    """Message content of 2,000 characters is kept; 2,001 is cut to at most 2,000."""
    assert dr.render_digest(digest(), content="c" * 2000)["content"] == "c" * 2000
    out = dr.render_digest(digest(), content="c" * 2001)["content"]
    assert u16len(out) <= 2000 and out.endswith("…")


# --- article text is data -------------------------------------------------------------------


def test_injection_in_every_field_cannot_mention() -> None:
    """Mentions in title, points, quotes, speakers, source and topics are all neutralised."""
    message = dr.render_digest(
        digest(
            title=INJECTION,
            key_points=(INJECTION,),
            quotes=(quote(INJECTION, INJECTION),),
            source=INJECTION,
            topics=("@everyone",),
        ),
        content="New story @here",
    )
    assert DISCORD_MENTIONS.search(dumps(message)) is None
    assert message["allowed_mentions"] == {"parse": []}


def test_markdown_in_article_text_is_escaped() -> None:
    """Emphasis, spoilers, code and masked links in a key point are shown, not rendered."""
    description = _embed(key_points=(INJECTION,))["description"]
    assert r"\*\*bold\*\*" in description
    assert r"\_\_under\_\_" in description
    assert r"\|\|spoiler\|\|" in description
    assert r"\`code\`" in description
    assert r"\[click\](https://evil.example)" in description


def test_heading_markup_at_line_start_is_escaped() -> None:
    """A title or speaker starting with '#', '-' or '>' cannot become a heading or list."""
    assert _embed(title="# Breaking")["title"] == r"\# Breaking"
    assert _embed(quotes=(quote("Hi.", "- Bob"),))["fields"][0]["name"] == r"\- Bob"


def test_single_pipe_is_left_alone() -> None:
    """Only a doubled pipe is spoiler markup; 'A | B' stays readable."""
    assert _embed(title="Markets | Stocks rise")["title"] == "Markets | Stocks rise"


def test_escape_is_never_cut_in_half() -> None:
    """A title of markup characters is cut between escapes, never after a lone backslash."""
    out = _embed(title="*" * 400)["title"]
    body = out.removesuffix("…")
    assert u16len(out) <= 256 and body == r"\*" * (len(body) // 2)


# --- roundups -------------------------------------------------------------------------------


def test_empty_roundup_posts_nothing() -> None:
    """An empty period gives no messages."""
    assert dr.render_roundup("Daily roundup", []) == []


def test_small_roundup_is_one_message_one_embed_per_story() -> None:
    """Three stories: one message, three compact embeds with linked titles."""
    stories = [digest(title=f"Story {i}", url=f"https://news.example/{i}") for i in range(3)]
    [message] = dr.render_roundup("us-china — daily roundup", stories)
    assert message["content"] == "us-china — daily roundup"
    assert [e["title"] for e in message["embeds"]] == ["Story 0", "Story 1", "Story 2"]
    assert message["embeds"][0]["url"] == "https://news.example/0"
    assert message["embeds"][0]["description"] == "The council voted 7-2 to repair the bridge."
    assert message["allowed_mentions"] == {"parse": []}


def test_large_roundup_splits_within_limits_keeping_order() -> None:
    """Twenty-five long stories split into several messages, each within 10 embeds and 6,000."""
    stories = [
        digest(title=f"Story {i} " + words(60, "long"), key_points=(words(100, "point"),))
        for i in range(25)
    ]
    messages = dr.render_roundup("Roundup", stories)
    assert len(messages) > 2
    titles = []
    for number, message in enumerate(messages, start=1):
        assert message["content"] == f"Roundup ({number}/{len(messages)})"
        assert 0 < len(message["embeds"]) <= dr.EMBEDS_MAX
        assert sum(dr.embed_size(e) for e in message["embeds"]) <= dr.EMBED_TOTAL_MAX
        titles += [e["title"].split(" long")[0] for e in message["embeds"]]
    assert titles == [f"Story {i}" for i in range(25)]


def test_short_roundup_stories_stop_at_ten_embeds_per_message() -> None:
    """Twelve tiny stories need two messages because of the ten-embed limit."""
    messages = dr.render_roundup("R", [digest(title=f"S{i}") for i in range(12)])
    assert [len(m["embeds"]) for m in messages] == [10, 2]


def test_roundup_heading_and_stories_cannot_mention() -> None:
    """Mentions in the heading or a story are neutralised in a roundup too."""
    messages = dr.render_roundup(INJECTION, [digest(title=INJECTION, key_points=(INJECTION,))])
    assert DISCORD_MENTIONS.search(dumps(messages)) is None
    assert all(u16len(s) <= dr.CONTENT_MAX for m in messages for s in strings(m["content"]))


# --- checked by discord.py's own Embed ------------------------------------------------------


def test_discord_py_embed_round_trips_and_counts_under_6000() -> None:
    """discord.Embed.from_dict keeps every field, and its own length count is within 6,000."""
    with warnings.catch_warnings():
        # discord.py imports the deprecated audioop for voice, which we do not use.
        warnings.simplefilter("ignore", DeprecationWarning)
        import discord
    embed = _embed(
        title=words(500, "title"),
        key_points=tuple(words(300, "point") for _ in range(10)),
        quotes=tuple(quote(words(300, "said"), words(80, "name")) for _ in range(40)),
        source=words(1000, "source"),
    )
    model = discord.Embed.from_dict(embed)
    assert len(model) <= dr.EMBED_TOTAL_MAX
    round_trip = model.to_dict()
    round_trip.pop("flags", None)  # discord.py adds the embed flags it defaults
    assert round_trip == embed
