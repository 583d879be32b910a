"""The filter and ping handlers in the core: what they change, and `/news digest` under a filter."""

from __future__ import annotations

from bot.commands.grammar import Command
from bot.fetch import Fetcher
from bot.pings import Ping
from bot.store import Store
from tests.bot.commands_fixtures import ADMIN, READER, T0, add_article, hours, make_core


async def test_digest_now_leaves_out_what_the_filter_excludes(
    store: Store, fetcher: Fetcher
) -> None:
    """`/news digest` shows the roundup the channel would get: the filter applies to it too."""
    core = make_core(store, fetcher)
    assert (await core.handle_text(ADMIN, "subscribe science")).ok
    reply = await core.handle_text(ADMIN, "filter science exclude comet")
    assert reply.ok and not reply.ephemeral
    await add_article(store, "Telescope sees a comet", "The telescope saw it.", at=T0 - hours(1))
    await add_article(store, "Probe reaches Mars", "The probe reached orbit.", at=T0 - hours(1))
    reply = await core.handle_text(READER, "digest")
    [post] = reply.roundups
    assert [d.title for d in post.digests] == ["Probe reaches Mars"]


async def test_include_then_exclude_then_clear(store: Store, fetcher: Fetcher) -> None:
    """Each list is replaced on its own; `clear` drops both and says so."""
    core = make_core(store, fetcher)
    await core.handle_text(ADMIN, "subscribe world")
    await core.handle_text(ADMIN, "filter world include ceasefire")
    reply = await core.handle_text(ADMIN, 'filter world exclude "trade talks"')
    assert reply.lines[0] == (
        "Filter on `world` here: only with `ceasefire`; never with `trade talks`."
    )
    reply = await core.handle_text(ADMIN, "filter world clear")
    assert reply.lines == ("Filter cleared: every `world` story is posted here again.",)
    [sub] = await store.subscriptions(ADMIN.where)
    assert (sub.include_terms, sub.exclude_terms) == (None, None)


async def test_a_ping_of_another_platform_is_refused(store: Store, fetcher: Fetcher) -> None:
    """A Slack user group means nothing on Discord: one line, nothing stored."""
    core = make_core(store, fetcher)
    await core.handle_text(ADMIN, "subscribe world")
    ping = Ping("group", "S0EDITORS", "@editors")
    reply = await core.handle(ADMIN, Command("ping", topic="world", ping=ping))
    assert not reply.ok and reply.lines == ("A group ping cannot be sent on discord.",)
    [sub] = await store.subscriptions(ADMIN.where)
    assert sub.ping is None


async def test_readers_cannot_change_filters(store: Store, fetcher: Fetcher) -> None:
    """Filters change what a channel gets: managers only."""
    core = make_core(store, fetcher)
    await core.handle_text(ADMIN, "subscribe world")
    reply = await core.handle_text(READER, "filter world exclude sport")
    assert not reply.ok and "Only members with" in reply.lines[0]
