"""The follow commands' grammar, and the disabled-feed notice as each platform renders it."""

from __future__ import annotations

import pytest

from bot.adapters import console, discord_render, slack_render
from bot.commands.grammar import (
    HELP,
    Command,
    CommandError,
    make_command,
    parse_command,
    replies_in_channel,
)
from bot.schedules import parse_schedule


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("follow https://example.org/blog", Command("follow", url="https://example.org/blog")),
        (
            "follow <https://example.org/rss|example.org/rss> Science",
            Command("follow", url="https://example.org/rss", topic="science"),
        ),
        ("unfollow https://example.org/rss", Command("unfollow", url="https://example.org/rss")),
        ("following", Command("following")),
    ],
)
def test_follow_commands_parse(text: str, expected: Command) -> None:
    """Slack's words and Discord's typed options give the same command."""
    assert parse_command(text) == expected
    if expected.name != "following":
        typed = make_command(expected.name, url=expected.url, topic=expected.topic)
        assert typed == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "subscribe <https://example.org/rss> daily 08:00",
            Command(
                "subscribe", url="https://example.org/rss", schedule=parse_schedule("daily 08:00")
            ),
        ),
        ("subscribe https://example.org/rss", Command("subscribe", url="https://example.org/rss")),
        (
            "unsubscribe https://example.org/rss",
            Command("unsubscribe", url="https://example.org/rss"),
        ),
        ("subscribe World", Command("subscribe", topic="world")),
    ],
)
def test_subscribe_takes_a_feed_url_or_a_topic(text: str, expected: Command) -> None:
    """`<topic|feed>`: a link names a followed feed, a word a topic, typed or written."""
    assert parse_command(text) == expected
    schedule = expected.schedule.describe().removesuffix(" UTC") if expected.schedule else None
    typed = make_command(expected.name, topic=expected.url or expected.topic, schedule=schedule)
    assert typed == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("subscribe", "Usage: `/news subscribe <topic\\|feed> \\[schedule\\]`"),
        ("unsubscribe https://a.example/rss world", "Usage: `/news unsubscribe <topic\\|feed>`"),
        ("subscribe ftp://a.example/rss", "Unsupported scheme `ftp`"),
        ("follow", "Usage: `/news follow <url> \\[topic\\]`"),
        ("follow https://a.example/rss science extra", "Usage"),
        ("follow ftp://a.example/rss", "Unsupported scheme `ftp`"),
        ("unfollow https://a.example/rss science", "Usage: `/news unfollow <url>`"),
        ("following now", "takes no arguments"),
    ],
)
def test_bad_follow_arguments_get_a_clear_reply(text: str, message: str) -> None:
    """Missing or extra words are one short reply."""
    with pytest.raises(CommandError, match=message):
        parse_command(text)


def test_changes_answer_in_the_channel_and_help_has_examples() -> None:
    """follow/unfollow confirm to the channel; following answers the caller; help shows how."""
    assert replies_in_channel(Command("follow")) and replies_in_channel(Command("unfollow"))
    assert not replies_in_channel(Command("following"))
    examples = ("/news subscribe https://example.org/feed.xml daily 08:00", "/news following")
    for line in ("/news follow <url> [topic]", "/news follow https://", *examples):
        assert line in HELP


NOTICE = "Feed disabled: *Bold* @everyone <@&1> (https://x.example/a_b). HTTP 500"


def test_discord_notice_is_plain_escaped_content_without_mentions() -> None:
    """Markdown and mentions from the feed's title are inert; nothing may ping."""
    payload = discord_render.render_notice(NOTICE)
    assert set(payload) == {"content", "allowed_mentions"}
    assert payload["allowed_mentions"] == {"parse": []}
    assert "\\*Bold\\*" in payload["content"] and "@\u200beveryone" in payload["content"]
    assert "<\u200b@\u200b&1>" in payload["content"]


def test_slack_notice_is_one_escaped_section() -> None:
    """Slack's control characters are entities; the fallback text says the same."""
    payload = slack_render.render_notice(NOTICE)
    [block] = payload["blocks"]
    assert block["type"] == "section" and block["text"]["verbatim"] is True
    assert "&lt;@\u200b&amp;1&gt;" in block["text"]["text"]
    assert payload["text"].startswith("Feed disabled:") and "<@" not in payload["text"]


def test_console_notice_drops_control_characters() -> None:
    """A terminal escape in a feed's title is not printed."""
    assert console.render_notice("Feed disabled: \x1b[31mred\x1b[0m\nnext") == (
        "Feed disabled: [31mred[0m next"
    )
