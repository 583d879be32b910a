"""`/news filter` and `/news ping` on Discord end to end: interactions from the fake gateway to the
bot's own adapter (commands and sender on one discord.py client), posts checked at the fake REST."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from bot.adapters.discord import DiscordAdapter
from bot.outbox import Outbox
from bot.roundups import run_due_roundups
from bot.schedules import parse_schedule
from bot.store import ChannelRef, Store
from tests.bot.commands_fixtures import discord_followup
from tests.bot.delivery_helpers import T0, china_text, starter_topics, store_story
from tests.bot.delivery_helpers import worker as make_worker
from tests.servers.discord_payloads import OptionValue
from tests.servers.fake_discord import FakeDiscord

ZWSP = "\u200b"


@pytest.fixture
def outbox(store: Store) -> Outbox:
    """An outbox over the test store with the starter topics."""
    return Outbox(store, starter_topics())


def _news(fake: FakeDiscord) -> ChannelRef:
    return ChannelRef("discord", str(fake.guild.id), str(fake.guild.channel("news").id))


async def _command(
    fake: FakeDiscord, subcommand: str, options: dict[str, OptionValue], *, manage: bool = True
) -> str:
    """Send one /news interaction; return the follow-up's text once it arrived."""
    followup = await discord_followup(fake, subcommand, options, manage=manage)
    assert followup.body["allowed_mentions"] == {"parse": []}  # replies never ping
    return str(followup.body["content"])


async def test_filter_and_role_ping_shape_what_reaches_discord(
    fake_discord: FakeDiscord,
    store: Store,
    outbox: Outbox,
    discord_bot: DiscordAdapter,
) -> None:
    """The excluded story is not posted (and not owed); the other pings exactly the chosen role,
    while `@everyone` and another role's mention in its text stay inert."""
    where = _news(fake_discord)
    editors = fake_discord.guild.role("Editors")
    other = fake_discord.guild.role("Night shift")
    await store.subscribe(where, "world", T0)
    said = await _command(fake_discord, "ping", {"target": "world", "role": editors})
    assert said == "Pings on: each `world` story posted here mentions @Editors."
    said = await _command(
        fake_discord,
        "filter",
        {"target": "world", "action": "exclude", "terms": '"football match", sport'},
    )
    assert "Filter on `world` here: never with `football match` or `sport`." in said
    title, text = china_text(1)
    lead = f"@everyone read this <@&{other.id}> now. "
    await store_story(store, outbox, T0, slug="kept", title=title, text=lead + text)
    title2, text2 = china_text(2)
    await store_story(
        store, outbox, T0, slug="skipped", title=title2, text=f"{text2} The sport pages."
    )
    summary = await make_worker(store, outbox, discord=discord_bot.sender).run_once(T0)
    listing = await _command(fake_discord, "subscriptions", {})
    [message] = fake_discord.messages
    assert (summary.sent, summary.retrying, summary.failed) == (1, 0, 0)
    assert message.body["content"] == f"<@&{editors.id}>"
    assert message.body["allowed_mentions"] == {"parse": [], "roles": [editors.id]}
    description = message.body["embeds"][0]["description"]
    assert f"@{ZWSP}everyone" in description and f"<{ZWSP}@{ZWSP}&{other.id}>" in description
    assert "@everyone" not in json.dumps(message.body, ensure_ascii=False)
    assert f"<@&{other.id}>" not in json.dumps(message.body, ensure_ascii=False)
    assert [(r.item, r.status) for r in await outbox.deliveries()] == [("kept", "sent")]
    assert "never with `football match` or `sport`; pings @Editors" in listing


async def test_a_role_that_will_not_be_notified_gets_a_heads_up(
    fake_discord: FakeDiscord, store: Store, discord_bot: DiscordAdapter
) -> None:
    """A role that is not mentionable, with the bot lacking "Mention All Roles": the ping is set
    (the server may fix it later) and the reply says posts will not notify anyone, and how to fix
    it."""
    where = _news(fake_discord)
    await store.subscribe(where, "world", T0)
    quiet = fake_discord.guild.role("Quiet")
    said = await _command(fake_discord, "ping", {"target": "world", "role": quiet})
    first, caveat = said.split("\n")
    assert first == "Pings on: each `world` story posted here mentions @Quiet."
    assert "without notifying anyone" in caveat and "mentionable" in caveat
    [sub] = await store.subscriptions(where)
    assert sub.ping == {"kind": "role", "id": str(quiet.id), "name": "@Quiet"}


async def test_roundup_pings_the_role_on_its_first_message_only(
    fake_discord: FakeDiscord,
    store: Store,
    outbox: Outbox,
    discord_bot: DiscordAdapter,
) -> None:
    """A roundup subscription's ping rides on the roundup, once."""
    where = _news(fake_discord)
    editors = fake_discord.guild.role("Editors")
    await store.subscribe(where, "world", T0, schedule=parse_schedule("daily 08:00"))
    said = await _command(fake_discord, "ping", {"target": "world", "role": editors})
    assert "each `world` roundup posted here mentions @Editors" in said
    for seed in range(2):
        title, text = china_text(seed)
        at = T0 + timedelta(minutes=1)
        await store_story(store, outbox, at, slug=f"r{seed}", title=title, text=text)
    due = T0 + timedelta(days=1)
    await run_due_roundups(store, due)
    await make_worker(store, outbox, discord=discord_bot.sender).run_once(due)
    [message] = fake_discord.messages
    assert message.body["content"].startswith(f"<@&{editors.id}> world roundup")
    assert message.body["allowed_mentions"] == {"parse": [], "roles": [editors.id]}
    assert len(message.body["embeds"]) == 2


@pytest.mark.parametrize(
    ("subcommand", "options", "manage", "expected"),
    [
        ("ping", {"target": "world", "role": "@everyone"}, True, "I never ping @everyone"),
        ("ping", {"target": "world"}, True, "Choose a role to mention, or `off`"),
        ("ping", {"target": "science", "off": True}, True, "does not follow `science`"),
        ("filter", {"target": "world", "action": "include"}, True, "Give the words to include"),
        ("filter", {"target": "world", "action": "exclude", "terms": "?!"}, True, "no words"),
        ("filter", {"target": "world", "action": "clear"}, False, "Manage Channels permission"),
    ],
)
async def test_bad_or_unauthorised_changes_get_one_line(
    fake_discord: FakeDiscord,
    store: Store,
    discord_bot: DiscordAdapter,
    subcommand: str,
    options: dict[str, Any],
    manage: bool,
    expected: str,
) -> None:
    """Each refusal is one short reply and changes nothing."""
    where = _news(fake_discord)
    await store.subscribe(where, "world", T0)
    if options.get("role") == "@everyone":
        options = {**options, "role": fake_discord.guild.role("@everyone")}
    said = await _command(fake_discord, subcommand, options, manage=manage)
    assert expected in said and "\n" not in said
    [sub] = await store.subscriptions(where)
    assert (sub.include_terms, sub.exclude_terms, sub.ping) == (None, None, None)
