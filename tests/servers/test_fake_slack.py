"""The real slack_sdk and slack_bolt clients against the fake Slack Web API over 127.0.0.1."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from tests.servers.fake_slack import FakeSlack
from tests.servers.loopback import LoopbackServer, wait_until
from tests.servers.slack_signing import SignedRequest, signed_slash_command

SECRET = "fake-signing-secret"
BLOCKS = [
    {"type": "header", "text": {"type": "plain_text", "text": "Headline"}},
    {"type": "section", "text": {"type": "mrkdwn", "text": "• a key point"}},
]


def _client(fake: FakeSlack, token: str | None = None) -> AsyncWebClient:
    return AsyncWebClient(token=token or fake.token, base_url=fake.api_url, timeout=5)


async def test_post_message_with_blocks_arrives(fake_slack: FakeSlack) -> None:
    """chat_postMessage reaches the fake with channel, text and blocks, and gets a ts back."""
    response = await _client(fake_slack).chat_postMessage(
        channel="C0NEWS", text="Headline", blocks=BLOCKS
    )
    [post] = fake_slack.posts
    assert (post.channel, post.text, post.blocks) == ("C0NEWS", "Headline", BLOCKS)
    assert response["ts"] == post.ts


async def test_rate_limit_is_retried_by_the_sdk_handler(fake_slack: FakeSlack) -> None:
    """A 429 with Retry-After 1 is waited out by AsyncRateLimitErrorRetryHandler; one post arrives."""
    fake_slack.rate_limit("chat.postMessage", retry_after=1)
    client = _client(fake_slack)
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=1))
    await client.chat_postMessage(channel="C0NEWS", text="story")
    limited, accepted = fake_slack.requests
    assert (limited.status, accepted.status) == (429, 200)
    assert accepted.at - limited.at >= 1.0
    assert len(fake_slack.posts) == 1


async def test_rate_limit_without_handler_raises_ratelimited(fake_slack: FakeSlack) -> None:
    """Without a retry handler the SDK raises SlackApiError 'ratelimited' with the Retry-After header."""
    fake_slack.rate_limit("chat.postMessage", retry_after=7)
    with pytest.raises(SlackApiError) as error:
        await _client(fake_slack).chat_postMessage(channel="C0NEWS", text="story")
    assert error.value.response.status_code == 429
    assert error.value.response.headers["retry-after"] == "7"
    assert fake_slack.posts == []


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived"])
async def test_channel_errors_surface_as_slack_api_error(fake_slack: FakeSlack, error: str) -> None:
    """A channel error injected on the fake reaches the caller as that SlackApiError code."""
    fake_slack.channel_error("C0NEWS", error)
    with pytest.raises(SlackApiError) as raised:
        await _client(fake_slack).chat_postMessage(channel="C0NEWS", text="story")
    assert raised.value.response["error"] == error


async def test_missing_scope_reports_needed_and_provided(fake_slack: FakeSlack) -> None:
    """missing_scope carries the needed and provided scopes, as Slack sends them."""
    fake_slack.fail("chat.postMessage", "missing_scope", needed="chat:write", provided="commands")
    with pytest.raises(SlackApiError) as raised:
        await _client(fake_slack).chat_postMessage(channel="C0NEWS", text="story")
    assert raised.value.response["needed"] == "chat:write"
    assert raised.value.response["provided"] == "commands"


async def test_wrong_and_revoked_tokens_fail_auth(fake_slack: FakeSlack) -> None:
    """An unknown token gets invalid_auth; after revocation the real one gets token_revoked."""
    with pytest.raises(SlackApiError) as wrong:
        await _client(fake_slack, "xoxb-wrong").auth_test()
    fake_slack.revoke_token()
    with pytest.raises(SlackApiError) as revoked:
        await _client(fake_slack).auth_test()
    assert (wrong.value.response["error"], revoked.value.response["error"]) == (
        "invalid_auth",
        "token_revoked",
    )


async def test_server_error_raises_then_next_call_succeeds(fake_slack: FakeSlack) -> None:
    """An injected 503 fails one call; the following call succeeds."""
    fake_slack.server_error("chat.postMessage", status=503)
    client = _client(fake_slack)
    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C0NEWS", text="story")
    await client.chat_postMessage(channel="C0NEWS", text="story")
    assert raised.value.response.status_code == 503
    assert len(fake_slack.posts) == 1


async def test_too_many_blocks_is_invalid_blocks(fake_slack: FakeSlack) -> None:
    """51 blocks are refused with invalid_blocks, like Slack."""
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "x"}}
    with pytest.raises(SlackApiError) as raised:
        await _client(fake_slack).chat_postMessage(
            channel="C0NEWS", text="t", blocks=[section] * 51
        )
    assert raised.value.response["error"] == "invalid_blocks"


async def test_conversations_info_reports_membership(fake_slack: FakeSlack) -> None:
    """conversations.info answers with the channel and whether the bot is a member."""
    fake_slack.channel_error("C0GENERAL", "not_in_channel")
    client = _client(fake_slack)
    news = await client.conversations_info(channel="C0NEWS")
    general = await client.conversations_info(channel="C0GENERAL")
    assert (news["channel"]["is_member"], general["channel"]["is_member"]) == (True, False)


async def test_channel_pacing_rate_limits_a_second_quick_post() -> None:
    """With channel_interval set, a second post to one channel within it gets 429; others pass."""
    async with FakeSlack(channel_interval=5.0) as fake:
        client = _client(fake)
        await client.chat_postMessage(channel="C0NEWS", text="first")
        await client.chat_postMessage(channel="C0GENERAL", text="other channel")
        with pytest.raises(SlackApiError) as raised:
            await client.chat_postMessage(channel="C0NEWS", text="too soon")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["retry-after"] == "5"
    assert [p.text for p in fake.posts] == ["first", "other channel"]


async def test_users_info_reports_workspace_admins(fake_slack: FakeSlack) -> None:
    """users.info says is_admin for the fake's admins only (for the subscribe admin policy)."""
    client = _client(fake_slack)
    admin = await client.users_info(user="U0ADMIN")
    reader = await client.users_info(user="U0READER")
    assert (admin["user"]["is_admin"], reader["user"]["is_admin"]) == (True, False)


def _bolt_app(fake: FakeSlack) -> AsyncApp:
    app = AsyncApp(client=_client(fake), signing_secret=SECRET)

    @app.command("/news")
    async def news(ack: AsyncAck, respond: AsyncRespond, command: dict[str, str]) -> None:
        await ack()
        await respond(text=f"you asked: {command['text']}")

    return app


@pytest.fixture
async def bolt_url(fake_slack: FakeSlack) -> AsyncIterator[str]:
    """A bolt app in HTTP mode served at http://127.0.0.1:port/slack/events."""
    bolt = _bolt_app(fake_slack)

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    web_app = web.Application()
    web_app.router.add_post("/slack/events", events)
    async with LoopbackServer(web_app) as server:
        yield server.origin + "/slack/events"


async def _post(url: str, request: SignedRequest) -> int:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            url, data=request.body, headers=request.headers, timeout=aiohttp.ClientTimeout(total=5)
        ) as response,
    ):
        return response.status


async def test_signed_slash_command_reply_reaches_response_url(
    fake_slack: FakeSlack, bolt_url: str
) -> None:
    """A genuinely signed /news request is accepted by bolt and its reply lands on response_url."""
    request = signed_slash_command(SECRET, "topics", response_url=fake_slack.response_url("r1"))
    assert await _post(bolt_url, request) == 200
    await wait_until(lambda: bool(fake_slack.responses))
    [reply] = fake_slack.responses
    assert (reply.response_id, reply.body["text"]) == ("r1", "you asked: topics")
    # bolt verified its token against the fake, not slack.com
    assert fake_slack.requests[0].path == "/api/auth.test"


@pytest.mark.parametrize("forgery", ["wrong secret", "stale timestamp", "no signature"])
async def test_forged_or_stale_request_gets_401(
    fake_slack: FakeSlack, bolt_url: str, forgery: str
) -> None:
    """bolt rejects a wrong signature, a timestamp over 5 minutes old or missing headers with 401."""
    url = fake_slack.response_url()
    if forgery == "wrong secret":
        request = signed_slash_command("not-the-secret", "topics", response_url=url)
    elif forgery == "stale timestamp":
        stale = int(time.time()) - 6 * 60
        request = signed_slash_command(SECRET, "topics", response_url=url, timestamp=stale)
    else:
        signed = signed_slash_command(SECRET, "topics", response_url=url)
        request = SignedRequest(signed.body, {"Content-Type": signed.headers["Content-Type"]})
    assert await _post(bolt_url, request) == 401
    assert fake_slack.responses == []


async def test_socket_mode_slash_command_is_acked_and_answered(fake_slack: FakeSlack) -> None:
    """bolt in Socket Mode opens the fake's WebSocket, acks a /news envelope and replies via response_url."""
    handler = AsyncSocketModeHandler(_bolt_app(fake_slack), fake_slack.app_token)
    try:
        # bolt leaves these two untyped.
        await asyncio.wait_for(handler.connect_async(), 5)  # type: ignore[no-untyped-call]
        await wait_until(lambda: fake_slack.socket_mode.connections == 1)
        envelope_id = await fake_slack.send_slash_command("topics", response_id="sm1")
        await wait_until(lambda: bool(fake_slack.responses) and bool(fake_slack.socket_mode.acks))
    finally:
        await asyncio.wait_for(handler.close_async(), 5)  # type: ignore[no-untyped-call]
    assert fake_slack.socket_mode.acks[0]["envelope_id"] == envelope_id
    [reply] = fake_slack.responses
    assert (reply.response_id, reply.body["text"]) == ("sm1", "you asked: topics")


async def test_bot_token_cannot_open_socket_mode(fake_slack: FakeSlack) -> None:
    """apps.connections.open needs the app-level token; the bot token gets not_allowed_token_type."""
    with pytest.raises(SlackApiError) as raised:
        await _client(fake_slack).apps_connections_open(app_token=fake_slack.token)
    assert raised.value.response["error"] == "not_allowed_token_type"
