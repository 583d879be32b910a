"""The grammar of `/news filter` and `/news ping`: what parses, and one short line for what does not."""

from __future__ import annotations

import pytest

from bot.commands.grammar import (
    HELP,
    MUTATING,
    CommandError,
    make_command,
    parse_command,
    replies_in_channel,
)
from bot.pings import Ping


def test_filter_terms_are_words_and_quoted_phrases() -> None:
    """Quoted phrases stay whole (straight or curly quotes); commas and spaces separate terms."""
    command = parse_command('filter World include "climate change", flood “sea level”')
    assert (command.name, command.topic, command.url) == ("filter", "world", None)
    assert (command.action, command.terms) == ("include", ("climate change", "flood", "sea level"))


def test_filter_target_may_be_a_feed_url() -> None:
    """A link (Slack wraps it in <>) names a followed feed instead of a topic."""
    command = parse_command("filter <https://example.org/rss|example.org/rss> exclude sport")
    assert (command.url, command.topic, command.terms) == (
        "https://example.org/rss",
        None,
        ("sport",),
    )


def test_filter_clear_and_ping_off() -> None:
    """`clear` takes no terms; `off` stops pinging."""
    assert parse_command("filter world clear").action == "clear"
    assert parse_command("ping world off").action == "off"


def test_ping_group_from_slack_text() -> None:
    """A user group arrives escaped; it becomes a group ping with its handle."""
    command = parse_command("ping world <!subteam^S0AB12|@editors>")
    assert command.ping == Ping("group", "S0AB12", "@editors")


def test_filter_and_ping_need_permission_and_answer_the_channel() -> None:
    """Both change a subscription: managers only, confirmed where everyone sees it."""
    assert {"filter", "ping"} <= MUTATING
    assert replies_in_channel(parse_command("ping world off"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("filter", "Usage: `/news filter <topic|feed> include|exclude"),
        ("filter world", "Usage: `/news filter"),
        ("filter world keep sport", "Usage: `/news filter"),
        ("filter world clear sport", "Usage: `/news filter"),
        ("filter world include", "Give the words to include"),
        ("filter world exclude ,", "Give the words to exclude"),
        ("filter world include ***", "`***` has no words to match"),
        ("filter ftp://example.org/rss include x", "Unsupported scheme `ftp`"),
        ("filter world include " + " ".join(f"w{i}" for i in range(21)), "At most 20 terms"),
        ("ping", "Usage: `/news ping <topic|feed> @group|@here|off`"),
        ("ping world", "Usage: `/news ping"),
        ("ping world @editors extra", "Usage: `/news ping"),
        ("ping world <!everyone>", "I never ping @everyone"),
        ("ping world editors", "is not a user group"),
    ],
)
def test_bad_arguments_get_one_short_line(text: str, expected: str) -> None:
    """Every bad filter or ping argument is one line naming the fix."""
    with pytest.raises(CommandError) as caught:
        parse_command(text)
    assert expected in str(caught.value) and "\n" not in str(caught.value)


def test_typed_options_follow_the_same_rules() -> None:
    """Discord's typed options go through the same checks as the text grammar."""
    command = make_command("filter", topic="World", action="exclude", terms='"stock market", ads')
    assert (command.topic, command.action, command.terms) == (
        "world",
        "exclude",
        ("stock market", "ads"),
    )
    role = Ping.role(42, "Editors")
    assert make_command("ping", topic="world", ping=role).ping == Ping("role", "42", "@Editors")
    with pytest.raises(CommandError, match="one of the two"):
        make_command("ping", topic="world", ping=role, action="off")
    with pytest.raises(CommandError, match="Usage: `/news filter"):
        make_command("filter", topic="", action="clear")


def test_help_documents_both_with_an_example() -> None:
    """`/news help` names filter and ping, each with an example."""
    assert '/news filter world include "climate change", flood' in HELP
    assert "/news ping world @editors" in HELP
