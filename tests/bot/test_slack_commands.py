"""`/news` on Slack end to end: signed POSTs to the bolt app over 127.0.0.1, replies on response_url."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

from bot.commands.slack_commands import AdminPolicy, create_slack_app, slack_routes
from bot.errors import ConfigError
from bot.fetch import Fetcher
from bot.store import ChannelRef, Store
from tests.bot.commands_fixtures import make_core
from tests.bot.conftest import make_settings
from tests.servers.fake_slack import FakeSlack
from tests.servers.feed_server import FeedServer, article_page, story_text
from tests.servers.loopback import LoopbackServer, wait_until
from tests.servers.slack_signing import SignedRequest, signed_slash_command

SECRET = "test-signing-secret"
NEWS = ChannelRef("slack", "T0NEWS", "C0NEWS")


@pytest.fixture(autouse=True)
def _no_slack_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's SLACK_* variables win over test values in Settings: keep them out."""
    for key in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(key, raising=False)


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    """A running fake Slack Web API (and response URLs)."""
    async with FakeSlack() as fake:
        yield fake


async def _serve(
    tmp_path: Path, fake: FakeSlack, store: Store, fetcher: Fetcher, admins: str
) -> LoopbackServer:
    settings = make_settings(
        tmp_path,
        slack_bot_token=fake.token,
        slack_signing_secret=SECRET,
        slack_api_url=fake.api_url,
        slack_admins=admins,
    )
    bolt = create_slack_app(settings, make_core(store, fetcher))
    web_app = web.Application()
    web_app.add_routes(slack_routes(bolt))
    server = LoopbackServer(web_app)
    await server.start()
    return server


@pytest.fixture
async def events_url(
    tmp_path: Path, fake_slack: FakeSlack, store: Store, fetcher: Fetcher
) -> AsyncIterator[str]:
    """The bolt app (admin policy: workspace admins) at http://127.0.0.1:port/slack/events."""
    server = await _serve(tmp_path, fake_slack, store, fetcher, "admins")
    try:
        yield server.origin + "/slack/events"
    finally:
        await server.stop()


async def _post(url: str, request: SignedRequest) -> int:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            url, data=request.body, headers=request.headers, timeout=aiohttp.ClientTimeout(total=5)
        ) as response,
    ):
        return response.status


async def _ask(fake: FakeSlack, url: str, text: str, user_id: str = "U0READER") -> dict[str, str]:
    """POST a signed `/news text`; return the first reply posted to its response_url."""
    before = len(fake.responses)
    request = signed_slash_command(
        SECRET, text, response_url=fake.response_url("r1"), user_id=user_id
    )
    assert await _post(url, request) == 200
    await wait_until(lambda: len(fake.responses) > before)
    body: dict[str, str] = fake.responses[before].body
    return body


async def test_help_lists_the_commands(fake_slack: FakeSlack, events_url: str) -> None:
    """`/news help` answers the caller with the command list."""
    body = await _ask(fake_slack, events_url, "help")
    assert body["response_type"] == "ephemeral"
    assert "/news subscribe &lt;topic|feed&gt; [schedule]" in body["text"]


async def test_admin_subscribes_the_channel(
    fake_slack: FakeSlack, events_url: str, store: Store
) -> None:
    """A workspace admin (users.info) subscribes; the confirmation is posted in the channel."""
    body = await _ask(fake_slack, events_url, "subscribe world weekdays 09:30", "U0ADMIN")
    assert body["response_type"] == "in_channel"
    assert "roundup of `world` stories here, weekdays 09:30 UTC" in body["text"]
    [sub] = await store.subscriptions(NEWS)
    assert (sub.topic, sub.created_by) == ("world", "U0ADMIN")


async def test_non_admin_cannot_subscribe(
    fake_slack: FakeSlack, events_url: str, store: Store
) -> None:
    """A member who is not a workspace admin is refused; reading still works for them."""
    body = await _ask(fake_slack, events_url, "subscribe world")
    assert body["response_type"] == "ephemeral"
    assert "Only members with workspace admin rights" in body["text"]
    assert await store.subscriptions(NEWS) == []
    listing = await _ask(fake_slack, events_url, "subscriptions")
    assert "no subscriptions" in listing["text"]


@pytest.mark.parametrize(
    ("admins", "allowed"), [("anyone", True), ("U0OTHER,U0READER", True), ("U0OTHER", False)]
)
async def test_admin_policy_is_configurable(
    tmp_path: Path,
    fake_slack: FakeSlack,
    store: Store,
    fetcher: Fetcher,
    admins: str,
    allowed: bool,
) -> None:
    """NEWSBOT_SLACK_ADMINS `anyone` or a list of user ids lets that reader subscribe."""
    server = await _serve(tmp_path, fake_slack, store, fetcher, admins)
    try:
        await _ask(fake_slack, server.origin + "/slack/events", "subscribe science")
    finally:
        await server.stop()
    assert bool(await store.subscriptions(NEWS)) is allowed
    assert not any(r.path == "/api/users.info" for r in fake_slack.requests)


def test_admin_policy_rejects_malformed_user_ids() -> None:
    """A list with something that is not a Slack user id is a clear configuration error."""
    with pytest.raises(ConfigError, match="'alice' is not a Slack user id"):
        AdminPolicy.parse("U012AB3CD,alice")


async def test_bad_argument_gets_a_short_reply(fake_slack: FakeSlack, events_url: str) -> None:
    """An unknown topic is answered with the closest matches, never silence."""
    body = await _ask(fake_slack, events_url, "feeds scienc")
    assert "Unknown topic `scienc`. Did you mean `science`?" in body["text"]


async def test_summary_posts_the_digest_blocks(
    fake_slack: FakeSlack, events_url: str, server: FeedServer
) -> None:
    """`/news summary <url>` replies in the channel with the digest as Block Kit."""
    server.static(
        "/a", article_page("Ferry service resumes", story_text(3)), content_type="text/html"
    )
    body = await _ask(fake_slack, events_url, f"summary <{server.url('/a')}>")
    assert body["response_type"] == "in_channel"
    blocks = body["blocks"]
    assert isinstance(blocks, list) and blocks[0]["text"]["text"] == "Ferry service resumes"


@pytest.mark.parametrize("forgery", ["wrong secret", "stale timestamp", "no headers"])
async def test_forged_or_replayed_request_gets_401_and_changes_nothing(
    fake_slack: FakeSlack, events_url: str, store: Store, forgery: str
) -> None:
    """A wrong signature, a timestamp over 5 minutes old, or no signature headers: 401, no effect."""
    url = fake_slack.response_url()
    text = "subscribe world"
    if forgery == "wrong secret":
        request = signed_slash_command("not-the-secret", text, response_url=url, user_id="U0ADMIN")
    elif forgery == "stale timestamp":
        stale = int(time.time()) - 6 * 60
        request = signed_slash_command(
            SECRET, text, response_url=url, user_id="U0ADMIN", timestamp=stale
        )
    else:
        signed = signed_slash_command(SECRET, text, response_url=url, user_id="U0ADMIN")
        request = SignedRequest(signed.body, {"Content-Type": signed.headers["Content-Type"]})
    assert await _post(events_url, request) == 401
    assert await store.subscriptions(NEWS) == []
    assert fake_slack.responses == []


def test_http_mode_needs_the_signing_secret(tmp_path: Path, store: Store, fetcher: Fetcher) -> None:
    """Without SLACK_SIGNING_SECRET the app is refused for HTTP mode (it could verify nothing)."""
    settings = make_settings(tmp_path, slack_bot_token="xoxb-1", slack_api_url="http://127.0.0.1/")
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET is not set"):
        create_slack_app(settings, make_core(store, fetcher))
    socket_app = create_slack_app(settings, make_core(store, fetcher), socket_mode=True)
    with pytest.raises(ConfigError, match="cannot verify requests"):
        slack_routes(socket_app)


async def test_socket_mode_answers_news(
    tmp_path: Path, fake_slack: FakeSlack, store: Store, fetcher: Fetcher
) -> None:
    """The same app in Socket Mode acks the /news envelope and answers via response_url."""
    settings = make_settings(
        tmp_path, slack_bot_token=fake_slack.token, slack_api_url=fake_slack.api_url
    )
    app = create_slack_app(settings, make_core(store, fetcher), socket_mode=True)
    handler = AsyncSocketModeHandler(app, fake_slack.app_token)
    try:
        # bolt leaves these two untyped.
        await asyncio.wait_for(handler.connect_async(), 5)  # type: ignore[no-untyped-call]
        await wait_until(lambda: fake_slack.socket_mode.connections == 1)
        await fake_slack.send_slash_command("topics", response_id="sm1")
        await wait_until(lambda: bool(fake_slack.responses) and bool(fake_slack.socket_mode.acks))
    finally:
        await asyncio.wait_for(handler.close_async(), 5)  # type: ignore[no-untyped-call]
    [reply] = fake_slack.responses
    assert reply.response_id == "sm1" and "`world`: International affairs" in reply.body["text"]


async def test_ack_comes_before_the_page_is_fetched(
    fake_slack: FakeSlack, events_url: str, server: FeedServer
) -> None:
    """The POST is answered (ack) while the page is still held; the digest follows on response_url."""
    release = asyncio.Event()
    page = article_page("Held page", story_text(9))

    async def held(request: web.Request) -> web.StreamResponse:
        await asyncio.wait_for(release.wait(), 10)
        return web.Response(body=page, headers={"Content-Type": "text/html"})

    server.routes["/held"] = held
    request = signed_slash_command(
        SECRET, f"summary {server.url('/held')}", response_url=fake_slack.response_url("r1")
    )
    assert await _post(events_url, request) == 200
    await wait_until(lambda: server.hits["/held"] == 1)
    assert fake_slack.responses == []  # acknowledged, page not answered yet
    release.set()
    await wait_until(lambda: bool(fake_slack.responses))
    assert fake_slack.responses[0].body["blocks"][0]["text"]["text"] == "Held page"


async def test_user_text_cannot_ping_the_channel(fake_slack: FakeSlack, events_url: str) -> None:
    """Words echoed back (an unknown topic `<!channel>`) are escaped, so they cannot ping anyone."""
    body = await _ask(fake_slack, events_url, "feeds <!channel>")
    assert "&lt;!channel&gt;" in body["text"] and "<!channel>" not in str(body)
