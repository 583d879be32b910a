"""`/news` on Discord: an application command group whose subcommands call the core.

Every command defers first (within Discord's 3 s), then runs the core and answers with follow-ups,
so a slow page still gets its answer. Manage Channels is checked here, from the invoking member's
permissions in the channel: Discord's `default_permissions` can only hide the whole `/news` group,
and server admins can override it, so it is never relied on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Literal

import discord
from discord import app_commands

from bot.adapters import discord_render
from bot.commands.core import Caller, Core
from bot.commands.grammar import Command, CommandError, make_command, replies_in_channel
from bot.commands.replies import Reply, error
from bot.follows import feed_label, followed_feeds
from bot.pings import Ping

log = logging.getLogger(__name__)
_CONTENT_MAX = 2000
_CHOICES_MAX = 25  # Discord shows at most 25 autocomplete choices
_CHOICE_MAX = 100  # characters in a choice's name and in its string value
MANAGE_RULE = "the Manage Channels permission"


def register_discord_commands(tree: app_commands.CommandTree[Any], core: Core) -> None:
    """Add the `/news` group (typed options, topic autocomplete) and an error handler to `tree`."""
    news = app_commands.Group(
        name="news", description="News digests: summaries and topic subscriptions", guild_only=True
    )

    async def topic_choices(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        wanted = current.strip().lower()
        names = [n for n in core.topic_names if n.startswith(wanted)]
        names += [n for n in core.topic_names if wanted in n and n not in names]
        return [app_commands.Choice(name=n, value=n) for n in names[:_CHOICES_MAX]]

    async def followed_choices(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        followed = await followed_feeds(core.store, caller_of(interaction).where)
        wanted = current.strip().lower()
        return [
            app_commands.Choice(name=feed_label(f)[:_CHOICE_MAX], value=f.url)
            for _, f in followed
            if len(f.url) <= _CHOICE_MAX and wanted in feed_label(f).lower()
        ][:_CHOICES_MAX]

    async def target_choices(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        """Topics, then the feeds this channel follows: options that take either offer both."""
        topics = await topic_choices(interaction, current)
        feeds = await followed_choices(interaction, current)
        return (topics + feeds)[:_CHOICES_MAX]

    @news.command(name="summary", description="Digest any article page: key points and quotes")
    @app_commands.describe(url="The article's link", private="Only you see the reply")
    async def summary(
        interaction: discord.Interaction[Any], url: str, private: bool = False
    ) -> None:
        await run(interaction, core, "summary", lambda: make_command("summary", url=url), private)

    @news.command(name="subscribe", description="Post a topic (or a followed feed) in this channel")
    @app_commands.describe(
        topic="The topic to follow, or the URL of a feed this channel follows",
        schedule="Empty: each story instantly. Or a roundup: hourly, daily 08:00 Europe/Berlin, "
        "weekdays 09:30, cron",
    )
    @app_commands.autocomplete(topic=target_choices)
    async def subscribe(
        interaction: discord.Interaction[Any], topic: str, schedule: str | None = None
    ) -> None:
        await run(
            interaction,
            core,
            "subscribe",
            lambda: make_command("subscribe", topic=topic, schedule=schedule),
        )

    @news.command(
        name="unsubscribe", description="Stop posting a topic (or a feed) in this channel"
    )
    @app_commands.describe(topic="The topic to stop, or a followed feed's URL (unfollows it)")
    @app_commands.autocomplete(topic=target_choices)
    async def unsubscribe(interaction: discord.Interaction[Any], topic: str) -> None:
        await run(
            interaction, core, "unsubscribe", lambda: make_command("unsubscribe", topic=topic)
        )

    @news.command(name="filter", description="Post only stories with (or without) some words")
    @app_commands.describe(
        target="A topic this channel follows, or a followed feed's URL",
        action="include: only stories with a term; exclude: none with a term; clear: no filter",
        terms='Words or "quoted phrases", separated by spaces or commas',
    )
    @app_commands.autocomplete(target=target_choices)
    async def filter_(
        interaction: discord.Interaction[Any],
        target: str,
        action: Literal["include", "exclude", "clear"],
        terms: str | None = None,
    ) -> None:
        await run(
            interaction,
            core,
            "filter",
            lambda: make_command("filter", topic=target, action=action, terms=terms),
        )

    @news.command(name="ping", description="Mention a role with each post of a topic or feed")
    @app_commands.describe(
        target="A topic this channel follows, or a followed feed's URL",
        role="The role to mention",
        off="Stop mentioning anyone",
    )
    @app_commands.autocomplete(target=target_choices)
    async def ping(
        interaction: discord.Interaction[Any],
        target: str,
        role: discord.Role | None = None,
        off: bool = False,
    ) -> None:
        def build() -> Command:
            mention = role_ping(role, interaction.app_permissions) if role is not None else None
            return make_command("ping", topic=target, action="off" if off else None, ping=mention)

        await run(interaction, core, "ping", build)

    @news.command(name="subscriptions", description="This channel's subscriptions")
    async def subscriptions(interaction: discord.Interaction[Any]) -> None:
        await run(interaction, core, "subscriptions", lambda: Command("subscriptions"))

    @news.command(name="topics", description="The topics you can follow")
    async def topics(interaction: discord.Interaction[Any]) -> None:
        await run(interaction, core, "topics", lambda: Command("topics"))

    @news.command(name="digest", description="Post the current roundup now")
    @app_commands.describe(topic="A topic (default: the ones this channel follows)")
    @app_commands.autocomplete(topic=topic_choices)
    async def digest(interaction: discord.Interaction[Any], topic: str | None = None) -> None:
        await run(interaction, core, "digest", lambda: make_command("digest", topic=topic))

    @news.command(name="feeds", description="The feeds behind a topic and their health")
    @app_commands.describe(topic="A topic (default: every feed)")
    @app_commands.autocomplete(topic=topic_choices)
    async def feeds(interaction: discord.Interaction[Any], topic: str | None = None) -> None:
        await run(interaction, core, "feeds", lambda: make_command("feeds", topic=topic))

    @news.command(name="follow", description="Post a feed here (a feed or a page that links one)")
    @app_commands.describe(
        url="The feed's or site's link",
        topic="Also file its stories under this topic, in this server",
    )
    @app_commands.autocomplete(topic=topic_choices)
    async def follow(
        interaction: discord.Interaction[Any], url: str, topic: str | None = None
    ) -> None:
        await run(interaction, core, "follow", lambda: make_command("follow", url=url, topic=topic))

    @news.command(name="unfollow", description="Stop posting a feed here")
    @app_commands.describe(url="The feed's link (as /news following shows it)")
    @app_commands.autocomplete(url=followed_choices)
    async def unfollow(interaction: discord.Interaction[Any], url: str) -> None:
        await run(interaction, core, "unfollow", lambda: make_command("unfollow", url=url))

    @news.command(name="following", description="The feeds this channel follows and their health")
    async def following(interaction: discord.Interaction[Any]) -> None:
        await run(interaction, core, "following", lambda: Command("following"))

    @news.command(name="help", description="The /news commands")
    async def help_(interaction: discord.Interaction[Any]) -> None:
        await run(interaction, core, "help", lambda: Command("help"))

    tree.add_command(news)
    tree.error(_on_error)


def role_ping(role: discord.Role, bot: discord.Permissions) -> Ping:
    """A role as a ping; the @everyone role is refused (the bot never pings everyone)."""
    if role.is_default():
        raise CommandError("I never ping @everyone: choose a role.")
    # Discord notifies a role that is not mentionable only when the sender may mention every
    # role ("Mention @everyone, @here, and All Roles"); otherwise the mention is plain text.
    return Ping.role(role.id, role.name, silent=not (role.mentionable or bot.mention_everyone))


def caller_of(interaction: discord.Interaction[Any]) -> Caller:
    """The core's view of who asked where; Manage Channels as resolved for this channel."""
    return Caller(
        platform="discord",
        workspace=str(interaction.guild_id or ""),
        channel=str(interaction.channel_id or ""),
        user=str(interaction.user.id),
        can_manage=interaction.permissions.manage_channels,
        manage_rule=MANAGE_RULE,
    )


async def run(
    interaction: discord.Interaction[Any],
    core: Core,
    name: str,
    build: Callable[[], Command],
    private: bool = False,
) -> None:
    """Defer (ephemeral unless the reply is for the channel), run the core, follow up."""
    ephemeral = not replies_in_channel(Command(name, private=private))
    try:
        await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    except discord.HTTPException as exc:
        # Too late (10062) or gone: Discord no longer accepts any answer to this interaction.
        log.warning("/news %s: cannot acknowledge the interaction: %s", name, exc)
        return
    try:
        command = build()
    except CommandError as exc:
        reply = error(str(exc))
    else:
        reply = await core.handle(caller_of(interaction), command)
    await send_reply(interaction, reply, ephemeral=ephemeral)


async def send_reply(
    interaction: discord.Interaction[Any], reply: Reply, *, ephemeral: bool
) -> None:
    """Send the reply as follow-ups; a refused part is said in one short line, never raised."""
    for payload in render_reply(reply):
        try:
            await interaction.followup.send(
                content=payload.get("content") or discord.utils.MISSING,
                embeds=[discord.Embed.from_dict(e) for e in payload.get("embeds", [])],
                allowed_mentions=discord.AllowedMentions.none(),
                ephemeral=ephemeral,
            )
        except discord.HTTPException as exc:
            log.warning("/news reply refused: HTTP %s code %s: %s", exc.status, exc.code, exc.text)
            if exc.status == 404 or exc.status >= 500:
                return  # the interaction expired (15 min) or Discord is down: no one to tell
            await _say_refused(interaction, exc)
            return


async def _say_refused(interaction: discord.Interaction[Any], exc: discord.HTTPException) -> None:
    message = f"Sorry, Discord refused this reply ({exc.text or 'HTTP ' + str(exc.status)})."
    try:
        await interaction.followup.send(message[:_CONTENT_MAX], ephemeral=True)
    except discord.HTTPException as again:
        log.warning("could not report the refused /news reply: %s", again)


def render_reply(reply: Reply) -> list[dict[str, Any]]:
    """The reply as Discord message payloads: text chunks, a digest embed, roundup embeds."""
    payloads: list[dict[str, Any]] = [{"content": c} for c in _chunks(reply.text)]
    if reply.digest is not None:
        payloads.append(discord_render.render_digest(reply.digest))
    for post in reply.roundups:
        payloads.extend(discord_render.render_roundup(post.heading, post.digests))
    return payloads or [{"content": "Done."}]


async def _on_error(
    interaction: discord.Interaction[Any], exc: app_commands.AppCommandError
) -> None:
    """Errors raised before our handlers run (bad option values, checks) become a short reply."""
    if isinstance(exc, app_commands.TransformerError):
        message = f"`{exc.value}` is not a valid value for that option."
    elif isinstance(exc, app_commands.CheckFailure):
        message = "You cannot use this command here."
    else:
        log.error("/news failed", exc_info=exc)
        message = "Sorry, something went wrong on my side; the error is logged."
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True)
        else:
            await interaction.response.send_message(message, ephemeral=True)
    except discord.HTTPException as send_exc:
        log.warning("could not report a /news error: %s", send_exc)


def _chunks(text: str) -> list[str]:
    """Split text at line ends into messages of at most 2,000 characters."""
    chunks: list[str] = []
    current = ""
    for line in text.splitlines():
        while len(line) > _CONTENT_MAX:
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[: _CONTENT_MAX - 1] + "…")
            line = ""
        if current and len(current) + 1 + len(line) > _CONTENT_MAX:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current.strip():
        chunks.append(current)
    return chunks
