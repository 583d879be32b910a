"""`/news filter` and `/news ping`: a channel's options on one of its subscriptions.

The `<topic|feed>` argument names a subscription of the caller's channel: a topic name, or a
followed feed's URL (whose subscription's topic is the key `feed:<feed id>`). Changes are plain
column updates; the outbox and the roundup job read them for every story they owe.
"""

from __future__ import annotations

from sqlalchemy import select

from bot import follows
from bot.commands.grammar import Command, CommandError
from bot.commands.replies import Reply, subscription_options
from bot.store import ChannelRef, Store, Subscription, Transaction

# Which ping kinds a platform can deliver (Discord roles; Slack user groups and @here).
_PING_KINDS = {
    "discord": ("role",),
    "slack": ("group", "here"),
    "console": ("role", "group", "here"),  # shown, never sent
}


async def set_filter(store: Store, where: ChannelRef, command: Command) -> Reply:
    """Set or clear the include / exclude terms of one of the channel's subscriptions."""
    async with store.transaction() as tx:
        sub, name = await _subscription(tx, where, command)
        if command.action == "clear":
            sub.include_terms = sub.exclude_terms = None
        elif command.action == "include":
            sub.include_terms = list(command.terms)
        else:
            sub.exclude_terms = list(command.terms)
        options = [o for o in subscription_options(sub) if not o.startswith("pings ")]
    if not options:
        cleared = f"Filter cleared: every `{name}` story is posted here again."
        return Reply((cleared,), ephemeral=False)
    return Reply(
        (
            f"Filter on `{name}` here: {'; '.join(options)}.",
            "Stories it leaves out are skipped here, not queued.",
        ),
        ephemeral=False,
    )


async def set_ping(store: Store, where: ChannelRef, command: Command) -> Reply:
    """Set (or turn off) who each post of one of the channel's subscriptions mentions."""
    ping = command.ping if command.action != "off" else None
    if ping is not None and ping.kind not in _PING_KINDS.get(where.platform, ()):
        raise CommandError(f"A {ping.kind} ping cannot be sent on {where.platform}.")
    async with store.transaction() as tx:
        sub, name = await _subscription(tx, where, command)
        sub.ping = ping.to_json() if ping is not None else None
        roundup = sub.mode == "roundup"
    if ping is None:
        return Reply((f"Pings off: `{name}` posts here mention no one.",), ephemeral=False)
    what = "roundup" if roundup else "story"
    line = f"Pings on: each `{name}` {what} posted here mentions {ping.label}."
    if not ping.silent:
        return Reply((line,), ephemeral=False)
    caveat = (
        f"Heads-up: {ping.label} is not mentionable and I lack “Mention @everyone, @here, and All "
        "Roles”, so posts will name the role without notifying anyone. Make the role mentionable "
        "(Server Settings → Roles) or give me that permission."
    )
    return Reply((line, caveat), ephemeral=False)


async def _subscription(
    tx: Transaction, where: ChannelRef, command: Command
) -> tuple[Subscription, str]:
    """The channel's subscription named by the command, and how to name it in replies."""
    if command.url is not None:
        # Named like `/news unfollow` names it: the feed's URL, its canonical form, or a page of
        # the one followed feed on that site.
        pairs = await follows.channel_feeds(tx, where)
        target = follows.followed_url(command.url, [feed.url for _, feed in pairs])
        found = next((sub for sub, feed in pairs if feed.url == target), None)
        if found is None:
            raise CommandError(
                f"This channel does not follow `{command.url}`: `/news follow {command.url}` first."
            )
        return found, command.url
    key = name = command.topic or ""
    query = select(Subscription).where(
        Subscription.platform == where.platform,
        Subscription.workspace == where.workspace,
        Subscription.channel == where.channel,
        Subscription.topic == key,
    )
    sub = await tx.session.scalar(query)
    if sub is None:
        raise CommandError(
            f"This channel does not follow `{name}`: `/news subscribe {name}` first."
        )
    return sub, name
