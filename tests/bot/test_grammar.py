"""The shared `/news` grammar: typed commands and clear replies for bad arguments."""

from __future__ import annotations

import pytest

from bot.commands.grammar import (
    Command,
    CommandError,
    closest_topics,
    make_command,
    parse_command,
    replies_in_channel,
)
from bot.schedules import Schedule


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Command("help")),
        ("help", Command("help")),
        ("summary https://example.org/a", Command("summary", url="https://example.org/a")),
        (
            "summary <https://example.org/a|example.org/a> private",
            Command("summary", url="https://example.org/a", private=True),
        ),
        ("subscribe US-China", Command("subscribe", topic="us-china")),
        (
            "subscribe climate daily 08:00 Europe/Berlin",
            Command("subscribe", topic="climate", schedule=Schedule("0 8 * * *", "Europe/Berlin")),
        ),
        (
            "subscribe science '0 8 * * 1-5'",
            Command("subscribe", topic="science", schedule=Schedule("0 8 * * 1-5", "UTC")),
        ),
        ("unsubscribe science", Command("unsubscribe", topic="science")),
        ("subscriptions", Command("subscriptions")),
        ("digest", Command("digest")),
        ("feeds climate", Command("feeds", topic="climate")),
    ],
)
def test_parse(text: str, expected: Command) -> None:
    """Each subcommand parses into the same typed command on every platform."""
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sumary https://x.org", "Did you mean `summary`"),
        ("summary", "Usage"),
        ("summary not-a-url", "is not a URL"),
        ("summary ftp://example.org/file", "Unsupported scheme `ftp`"),
        ("subscribe climate daily 26:00", "cannot read time"),
        ("subscribe climate daily 08:00 Moon/Base", "unknown timezone"),
        ("subscribe climate sometimes", "hourly, daily 08:00"),
        ("unsubscribe", "Usage"),
        ("topics extra", "takes no arguments"),
    ],
)
def test_bad_arguments_get_a_clear_reply(text: str, message: str) -> None:
    """A bad argument raises CommandError with a short reply naming the problem."""
    with pytest.raises(CommandError, match=message):
        parse_command(text)


def test_unknown_topic_names_closest() -> None:
    """An unknown topic reply suggests the closest topic names."""
    reply = closest_topics("climat", ["climate", "science", "world"])
    assert "`climate`" in reply and "science" not in reply


def test_typed_options_build_the_same_commands_as_words() -> None:
    """Discord's typed options give the command the words would, with the same checks."""
    assert make_command("subscribe", topic=" World ", schedule="weekdays 09:30") == parse_command(
        "subscribe world weekdays 09:30"
    )
    assert make_command("summary", url="https://example.org/a") == parse_command(
        "summary https://example.org/a"
    )
    assert make_command("feeds", topic=None) == Command("feeds")


@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        ("summary", {"url": "example.org"}, "is not a URL"),
        ("summary", {"url": "gopher://x.org/"}, "Unsupported scheme `gopher`"),
        ("subscribe", {"topic": " "}, "Usage: `/news subscribe <topic"),
        ("subscribe", {"topic": "world", "schedule": "whenever"}, "cannot read schedule"),
        ("subscribe", {"topic": "world", "schedule": "daily 08:00 Moon/Base"}, "unknown timezone"),
    ],
)
def test_bad_typed_options_get_the_same_replies(
    name: str, options: dict[str, str], message: str
) -> None:
    """A bad typed option is refused with the same short reply as on Slack."""
    with pytest.raises(CommandError, match=message):
        make_command(
            name,
            url=options.get("url"),
            topic=options.get("topic"),
            schedule=options.get("schedule"),
        )


def test_changes_and_summaries_reply_in_channel_reads_privately() -> None:
    """Subscribe, unsubscribe, digest and summary answer the channel; reading answers the caller."""
    assert replies_in_channel(Command("subscribe", topic="world"))
    assert replies_in_channel(Command("summary", url="https://a.org/"))
    assert not replies_in_channel(Command("summary", url="https://a.org/", private=True))
    assert not replies_in_channel(Command("topics"))
