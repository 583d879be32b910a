"""Pings in the renderers: each platform mentions only its own kind, once, and nothing else pings."""

from __future__ import annotations

import json

from bot.adapters import console, discord_render, slack_render
from bot.pings import Ping
from tests.bot.render_samples import DISCORD_MENTIONS, INJECTION, SLACK_MENTIONS, digest

ROLE = Ping.role(987654321, "Editors")
GROUP = Ping("group", "S0EDITORS", "@editors")
HERE = Ping("here", "", "@here")


def test_discord_mentions_only_roles_and_allows_exactly_them() -> None:
    """A role is mentioned and allowed; Slack's kinds are ignored; injected text stays inert."""
    payload = discord_render.render_digest(
        digest(title=INJECTION, key_points=(INJECTION,)), pings=[ROLE, GROUP, HERE]
    )
    assert payload["content"] == "<@&987654321>"
    assert payload["allowed_mentions"] == {"parse": [], "roles": ["987654321"]}
    assert not DISCORD_MENTIONS.search(json.dumps(payload["embeds"], ensure_ascii=False))
    plain = discord_render.render_digest(digest(), pings=[GROUP])
    assert "content" not in plain and plain["allowed_mentions"] == {"parse": []}


def test_discord_roundup_pings_on_the_first_message_only() -> None:
    """A roundup split in several messages notifies once."""
    many = [digest(title=f"Story {n}") for n in range(15)]
    messages = discord_render.render_roundup("world roundup", many, pings=[ROLE])
    assert len(messages) == 2
    assert messages[0]["content"].startswith("<@&987654321> world roundup")
    assert messages[0]["allowed_mentions"]["roles"] == ["987654321"]
    assert messages[1]["allowed_mentions"] == {"parse": []} and "<@&" not in messages[1]["content"]


def test_slack_mentions_groups_and_here_but_not_roles() -> None:
    """The group and @here lead the text and the first block; article mentions stay escaped."""
    payload = slack_render.render_digest(
        digest(title=INJECTION, key_points=(INJECTION,)), pings=[GROUP, HERE, ROLE]
    )
    assert payload["text"].startswith("<!subteam^S0EDITORS> <!here> ")
    assert payload["blocks"][0]["text"]["text"] == "<!subteam^S0EDITORS> <!here>"
    rest = json.dumps(payload["blocks"][1:]) + payload["text"].split(" ", 2)[2]
    assert not SLACK_MENTIONS.search(rest)
    roundup = slack_render.render_roundup("world roundup", [digest()] * 30, pings=[GROUP])
    assert len(roundup) == 2 and roundup[0]["text"].startswith("<!subteam^S0EDITORS> ")
    assert "<!subteam" not in json.dumps(roundup[1])


def test_console_says_who_would_be_pinged() -> None:
    """The console has no one to notify, so it names the ping."""
    assert "(pings @editors, @here)" in console.render_digest(digest(), pings=[GROUP, HERE])
    [text] = console.render_roundup("world roundup", [digest()], pings=[ROLE])
    assert text.startswith("world roundup (pings @Editors)")
