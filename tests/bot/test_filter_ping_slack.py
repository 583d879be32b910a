"""`/news filter` and `/news ping` on Slack end to end: signed slash commands to the bolt app, then
the stories they shape posted through the real slack_sdk client to the fake Slack Web API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.adapters.slack import SlackAdapter
from bot.outbox import Outbox
from bot.store import ChannelRef, Feed, Store
from tests.bot.commands_fixtures import SLACK_ADMIN, slack_ask
from tests.bot.conftest import make_settings
from tests.bot.delivery_helpers import T0, china_text, starter_topics, store_story
from tests.bot.delivery_helpers import worker as make_worker
from tests.servers.fake_slack import FakeSlack

NEWS = ChannelRef("slack", "T0NEWS", "C0NEWS")
GENERAL = ChannelRef("slack", "T0NEWS", "C0GENERAL")
EDITORS = "<!subteam^S0EDITORS|@editors>"


@pytest.fixture
def outbox(store: Store) -> Outbox:
    """An outbox over the test store with the starter topics."""
    return Outbox(store, starter_topics())


async def _deliver(store: Store, outbox: Outbox, fake: FakeSlack, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, slack_bot_token=fake.token, slack_api_url=fake.api_url)
    adapter = SlackAdapter(settings)
    adapter.sender.channel_interval = 0.01
    summary = await make_worker(store, outbox, slack=adapter.sender).run_once(T0)
    assert (summary.retrying, summary.failed) == (0, 0)


async def test_group_ping_and_include_filter_shape_the_slack_post(
    fake_slack: FakeSlack, slack_events: str, store: Store, outbox: Outbox, tmp_path: Path
) -> None:
    """Only the story with an include term is posted in the filtered channel (another channel gets
    both); it mentions the group, and `<!channel>` in its text stays escaped."""
    await store.subscribe(NEWS, "world", T0)
    await store.subscribe(GENERAL, "world", T0)
    body = await slack_ask(fake_slack, slack_events, f"ping world {EDITORS}")
    assert body["response_type"] == "in_channel"
    assert body["text"] == "Pings on: each `world` story posted here mentions @editors."
    body = await slack_ask(
        fake_slack, slack_events, "filter world include “trade warnings”, ceasefire"
    )
    assert "only with `trade warnings` or `ceasefire`" in body["text"]
    title, text = china_text(1)  # "... trade warnings ..."
    await store_story(store, outbox, T0, slug="kept", title=title, text=f"<!channel> look. {text}")
    other = "Embassy staff return as diplomats meet in Geneva"
    await store_story(store, outbox, T0, slug="skipped", title=other, text=f"{other}. " * 3)
    await _deliver(store, outbox, fake_slack, tmp_path)
    [post] = [p for p in fake_slack.posts if p.channel == "C0NEWS"]
    assert len([p for p in fake_slack.posts if p.channel == "C0GENERAL"]) == 2
    assert post.text is not None and post.text.startswith("<!subteam^S0EDITORS> ")
    assert post.blocks is not None and post.blocks[0]["text"]["text"] == "<!subteam^S0EDITORS>"
    blocks = json.dumps(post.blocks)
    assert "&lt;!channel&gt;" in blocks and "<!channel" not in blocks
    assert blocks.count("<!subteam^") == 1
    assert [(r.item, r.status) for r in await outbox.deliveries(NEWS)] == [("kept", "sent")]
    assert {r.status for r in await outbox.deliveries()} == {"sent"}
    listing = await slack_ask(fake_slack, slack_events, "subscriptions", "U0READER")
    assert "only with `trade warnings` or `ceasefire`; pings @editors" in listing["text"]


async def test_here_ping_then_off(
    fake_slack: FakeSlack, slack_events: str, store: Store, outbox: Outbox, tmp_path: Path
) -> None:
    """`@here` pings the channel; `off` stops it, so the next post mentions no one."""
    await store.subscribe(NEWS, "world", T0)
    body = await slack_ask(fake_slack, slack_events, "ping world <!here>")
    assert "mentions @here" in body["text"]
    title, text = china_text(3)
    await store_story(store, outbox, T0, slug="first", title=title, text=text)
    await _deliver(store, outbox, fake_slack, tmp_path)
    body = await slack_ask(fake_slack, slack_events, "ping world off")
    assert body["text"] == "Pings off: `world` posts here mention no one."
    title, text = china_text(4)
    await store_story(store, outbox, T0, slug="second", title=title, text=text)
    await _deliver(store, outbox, fake_slack, tmp_path)
    first, second = fake_slack.posts
    assert first.text is not None and first.text.startswith("<!here> ")
    assert "<!here" not in json.dumps([second.text, second.blocks])


async def test_a_followed_feed_is_named_by_its_url(
    fake_slack: FakeSlack, slack_events: str, store: Store
) -> None:
    """`<topic|feed>` may be a feed's URL: its subscription is the `feed:<id>` one."""
    async with store.transaction() as tx:
        feed = Feed(url="https://feeds.example/world.xml", next_poll_at=T0, created_at=T0)
        await tx.add(feed)
    await store.subscribe(NEWS, f"feed:{feed.id}", T0)
    body = await slack_ask(
        fake_slack, slack_events, "filter <https://feeds.example/world.xml> exclude sport"
    )
    assert "never with `sport`" in body["text"]
    [sub] = await store.subscriptions(NEWS)
    assert sub.exclude_terms == ["sport"]


async def test_a_followed_feed_is_named_by_a_page_of_its_site(
    fake_slack: FakeSlack, slack_events: str, store: Store
) -> None:
    """As with `/news unfollow`, a page of the one followed feed's site names that feed."""
    async with store.transaction() as tx:
        feed = Feed(url="https://feeds.example/world.xml", next_poll_at=T0, created_at=T0)
        await tx.add(feed)
    await store.subscribe(NEWS, f"feed:{feed.id}", T0)
    await slack_ask(fake_slack, slack_events, "ping <https://feeds.example/2026/story.html> @here")
    [sub] = await store.subscriptions(NEWS)
    assert sub.ping is not None and sub.ping["kind"] == "here"


@pytest.mark.parametrize(
    ("text", "user", "expected"),
    [
        ("ping world <!channel>", SLACK_ADMIN, "I never ping @channel"),
        ("ping world @editors", SLACK_ADMIN, "as plain text"),
        ("ping world <@U0ANN|ann>", SLACK_ADMIN, "not to one person"),
        ("ping world", SLACK_ADMIN, "Usage: `/news ping <topic|feed> @group|@here|off`"),
        ("filter world include", SLACK_ADMIN, "Give the words to include"),
        ("filter world maybe sport", SLACK_ADMIN, "Usage: `/news filter"),
        ("filter science exclude sport", SLACK_ADMIN, "does not follow `science`"),
        (
            "filter https://nowhere.example/rss exclude x",
            SLACK_ADMIN,
            "/news follow https://nowhere",
        ),
        ("filter world exclude sport", "U0READER", "workspace admin rights"),
        (f"ping world {EDITORS}", "U0READER", "workspace admin rights"),
    ],
)
async def test_refusals_are_one_line_and_change_nothing(
    fake_slack: FakeSlack, slack_events: str, store: Store, text: str, user: str, expected: str
) -> None:
    """Bad arguments, unknown subscriptions and non-admins each get one short ephemeral line."""
    await store.subscribe(NEWS, "world", T0)
    body = await slack_ask(fake_slack, slack_events, text, user)
    assert body["response_type"] == "ephemeral"
    assert expected.replace("<", "&lt;").replace(">", "&gt;") in body["text"]
    assert "\n" not in body["text"]
    [sub] = await store.subscriptions(NEWS)
    assert (sub.include_terms, sub.exclude_terms, sub.ping) == (None, None, None)
