"""Delivery end-to-end with the real slack_sdk client against the fake Slack Web API."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.adapters.slack import SlackAdapter
from bot.errors import StartupError
from bot.outbox import Outbox
from bot.store import ChannelRef, Store
from tests.bot.conftest import make_settings
from tests.bot.delivery_helpers import T0, china_text, starter_topics, store_story
from tests.bot.delivery_helpers import worker as make_worker
from tests.servers.fake_slack import FakeSlack

NEWS = ChannelRef("slack", "T0NEWS", "C0NEWS")


def _adapter(fake: FakeSlack, tmp_path: Path, token: str | None = None) -> SlackAdapter:
    settings = make_settings(
        tmp_path, slack_bot_token=token or fake.token, slack_api_url=fake.api_url
    )
    adapter = SlackAdapter(settings)
    adapter.sender.channel_interval = 0.01  # pacing is tested on its own; keep tests fast
    return adapter


@pytest.fixture
def outbox(store: Store) -> Outbox:
    """An outbox over the test store with the starter topics."""
    return Outbox(store, starter_topics())


async def _owe(store: Store, outbox: Outbox, where: ChannelRef, seed: int = 1) -> str:
    await store.subscribe(where, "world", T0)
    title, text = china_text(seed)
    await store_story(store, outbox, T0, slug=f"s{seed}", title=title, text=text)
    return title


async def test_story_is_posted_with_blocks_and_text_fallback(
    store: Store, outbox: Outbox, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    """chat.postMessage carries the header block, sections and a plain-text fallback; ts recorded."""
    title = await _owe(store, outbox, NEWS)
    adapter = _adapter(fake_slack, tmp_path)
    await adapter.start()
    summary = await make_worker(store, outbox, slack=adapter.sender).run_once(T0)
    [post] = fake_slack.posts
    [row] = await outbox.deliveries()
    assert summary.sent == 1 and post.channel == "C0NEWS"
    assert post.blocks is not None and post.blocks[0]["type"] == "header"
    assert title[:40] in post.blocks[0]["text"]["text"]
    assert post.text and title[:40] in post.text
    assert row.status == "sent" and row.message_ids == [post.ts]


async def test_rate_limited_post_waits_for_retry_after(
    store: Store, outbox: Outbox, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    """A 429 with Retry-After 30 holds the delivery for 30 s (injected clock), then it posts once."""
    await _owe(store, outbox, NEWS)
    fake_slack.rate_limit("chat.postMessage", retry_after=30)
    worker = make_worker(store, outbox, slack=_adapter(fake_slack, tmp_path).sender)
    first = await worker.run_once(T0)
    [row] = await outbox.deliveries()
    assert first.retrying == 1 and row.next_attempt_at == T0 + timedelta(seconds=30)
    early = await worker.run_once(T0 + timedelta(seconds=29))
    assert early.sent == 0 and fake_slack.posts == []
    await worker.run_once(T0 + timedelta(seconds=30))
    assert len(fake_slack.posts) == 1
    assert [r.status for r in fake_slack.requests if r.path == "/api/chat.postMessage"] == [
        429,
        200,
    ]


async def test_channel_not_found_pauses_subscription_with_reason(
    store: Store, outbox: Outbox, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    """channel_not_found pauses the channel's subscriptions and fails the delivery with the reason."""
    gone = ChannelRef("slack", "T0NEWS", "C0GONE")
    await _owe(store, outbox, gone)
    summary = await make_worker(
        store, outbox, slack=_adapter(fake_slack, tmp_path).sender
    ).run_once(T0)
    [sub] = await store.subscriptions(gone)
    [row] = await outbox.deliveries()
    assert summary.failed == 1 and fake_slack.posts == []
    assert sub.paused_reason is not None and "channel_not_found" in sub.paused_reason
    assert row.status == "failed" and row.last_error == sub.paused_reason


async def test_server_errors_are_retried_with_backoff(
    store: Store, outbox: Outbox, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    """Two 503s leave the delivery pending with growing delays; the third try posts it."""
    await _owe(store, outbox, NEWS)
    fake_slack.server_error("chat.postMessage", status=503, count=2)
    worker = make_worker(store, outbox, slack=_adapter(fake_slack, tmp_path).sender)
    await worker.run_once(T0)
    [row] = await outbox.deliveries()
    first_delay = row.next_attempt_at - T0
    await worker.run_once(row.next_attempt_at)
    [row2] = await outbox.deliveries()
    assert row2.attempts == 2 and row2.next_attempt_at - row.next_attempt_at > first_delay
    await worker.run_once(row2.next_attempt_at)
    assert len(fake_slack.posts) == 1


async def test_invalid_token_is_one_startup_line(fake_slack: FakeSlack, tmp_path: Path) -> None:
    """A token Slack refuses stops start-up with one line naming SLACK_BOT_TOKEN."""
    with pytest.raises(StartupError) as error:
        await _adapter(fake_slack, tmp_path, token="xoxb-wrong").start()
    message = str(error.value)
    assert "SLACK_BOT_TOKEN" in message and "invalid_auth" in message and "\n" not in message


async def test_missing_scope_names_needed_and_provided(
    store: Store, outbox: Outbox, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    """missing_scope on post pauses the channel with the scope needed and the scopes the token has."""
    await _owe(store, outbox, NEWS)
    fake_slack.fail(
        "chat.postMessage", "missing_scope", needed="chat:write", provided="channels:read"
    )
    await make_worker(store, outbox, slack=_adapter(fake_slack, tmp_path).sender).run_once(T0)
    [sub] = await store.subscriptions(NEWS)
    assert sub.paused_reason is not None
    assert "chat:write" in sub.paused_reason and "channels:read" in sub.paused_reason


async def test_configured_channel_without_bot_is_reported(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    """A configured channel the bot is not in gets one line saying to /invite it."""
    fake_slack.channel_error("C0GENERAL", "not_in_channel")
    adapter = _adapter(fake_slack, tmp_path)
    lines = await adapter.check_channels([NEWS, ChannelRef("slack", "T0NEWS", "C0GENERAL")])
    assert len(lines) == 1 and "C0GENERAL" in lines[0] and "/invite" in lines[0]


async def test_per_channel_pacing_stays_under_slacks_one_message_per_second(
    store: Store, outbox: Outbox, tmp_path: Path
) -> None:
    """With the default pacing, two stories for one channel are both accepted by a strict Slack."""
    async with FakeSlack(channel_interval=1.0) as strict:
        await _owe(store, outbox, NEWS, seed=1)
        await _owe(store, outbox, NEWS, seed=2)
        adapter = _adapter(strict, tmp_path)
        adapter.sender.channel_interval = type(adapter.sender).channel_interval  # the default
        summary = await make_worker(store, outbox, slack=adapter.sender).run_once(T0)
        statuses = [r.status for r in strict.requests if r.path == "/api/chat.postMessage"]
    assert summary.sent == 2 and statuses == [200, 200] and len(strict.posts) == 2


async def test_missing_scope_at_start_is_one_line_with_needed_and_provided(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    """auth.test answering missing_scope stops start-up naming the scope needed and those granted."""
    fake_slack.fail("auth.test", "missing_scope", needed="chat:write", provided="users:read")
    with pytest.raises(StartupError) as error:
        await _adapter(fake_slack, tmp_path).start()
    message = str(error.value)
    assert "chat:write" in message and "users:read" in message and "\n" not in message
