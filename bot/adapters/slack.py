"""Slack adapter (outbound): chat.postMessage with Block Kit through slack_sdk's AsyncWebClient.

Enabled when SLACK_BOT_TOKEN is set; NEWSBOT_SLACK_API_URL points it at a compatible server. The
inbound side (slash commands through bolt, /slack/events) is the commands package's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters import slack_render
from bot.errors import PublishError, StartupError
from bot.pings import Ping
from bot.settings import Settings
from bot.store import ChannelRef
from digests import Digest

_NEEDED_SCOPE = "chat:write"
# Errors after which posting to the channel cannot work until a person acts: pause it.
_CHANNEL_ERRORS = {
    "channel_not_found": "the channel does not exist or the bot cannot see it: invite the bot",
    "not_in_channel": "the bot is not in the channel: /invite the bot there",
    "is_archived": "the channel is archived",
    "invalid_auth": "SLACK_BOT_TOKEN is invalid: reinstall the app and set the new token",
    "token_revoked": "the bot token was revoked: reinstall the app and set SLACK_BOT_TOKEN",
    "account_inactive": "the bot token was revoked: reinstall the app and set SLACK_BOT_TOKEN",
    "not_authed": "no token sent: set SLACK_BOT_TOKEN",
    "restricted_action": "the workspace does not let the bot post there",
    "team_access_not_granted": "the token has no access to this workspace",
}
_MESSAGE_ERRORS = {
    "msg_too_long",
    "invalid_blocks",
    "no_text",
    "invalid_arguments",
    "too_many_attachments",
}


class SlackSender:
    """Posts rendered digests with chat.postMessage; vendor errors become PublishError."""

    platform = "slack"
    # Slack allows about one message per second per channel (bursts briefly tolerated).
    channel_interval = 1.1
    global_interval = 1 / 20

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    def render_digest(self, digest: Digest, *, pings: Sequence[Ping] = ()) -> list[dict[str, Any]]:
        """Header, key points, quotes and context blocks, with a plain-text fallback."""
        return [slack_render.render_digest(digest, pings=pings)]

    def render_roundup(
        self, heading: str, digests: Sequence[Digest], *, pings: Sequence[Ping] = ()
    ) -> list[dict[str, Any]]:
        """One section per story, split into messages within Slack's limits."""
        return slack_render.render_roundup(heading, digests, pings=pings)

    def render_notice(self, text: str) -> list[dict[str, Any]]:
        """One plain section with the same text as its fallback."""
        return [slack_render.render_notice(text)]

    async def send(self, where: ChannelRef, payload: dict[str, Any], *, key: str) -> str:
        """Post one message; returns its `ts`. Slack has no idempotency key, so `key` is unused."""
        try:
            response = await self.client.chat_postMessage(channel=where.channel, **payload)
        except SlackApiError as exc:
            raise publish_error(exc) from exc
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise PublishError(f"Slack unreachable: {type(exc).__name__}: {exc}") from exc
        return str(response.get("ts", ""))


def publish_error(exc: SlackApiError) -> PublishError:
    """Translate a Slack API error into retry / pause-the-channel / fail-this-message."""
    response = exc.response
    status = int(getattr(response, "status_code", 0) or 0)
    data = response.data if isinstance(getattr(response, "data", None), dict) else {}
    error = str(data.get("error", "")) if isinstance(data, dict) else ""
    if status == 429 or error == "ratelimited":
        retry_after = float(response.headers.get("Retry-After", "1") or 1)
        return PublishError(f"rate limited for {retry_after:.0f} s", retry_after=retry_after)
    if error == "missing_scope":
        needed = data.get("needed") or _NEEDED_SCOPE
        provided = data.get("provided") or "none"
        return PublishError(
            f"Slack: the token lacks scope {needed} (has: {provided}): add it under OAuth & "
            "Permissions and reinstall the app",
            kind="channel",
        )
    if error in _CHANNEL_ERRORS:
        return PublishError(f"Slack: {error}: {_CHANNEL_ERRORS[error]}", kind="channel")
    if error in _MESSAGE_ERRORS:
        return PublishError(f"Slack refused the message: {error}", kind="message")
    return PublishError(f"Slack: {error or f'HTTP {status}'}, will retry")


class SlackAdapter:
    """The Slack Web API client and its sender; enabled when SLACK_BOT_TOKEN is set."""

    def __init__(self, settings: Settings) -> None:
        self.client = AsyncWebClient(
            token=settings.slack_bot_token.get_secret_value(),
            base_url=settings.slack_api_url,
            timeout=30,
        )
        self.sender = SlackSender(self.client)
        self.team_id = ""

    async def start(self) -> None:
        """Check the token (auth.test) and its scopes; each problem is one StartupError line."""
        try:
            response = await self.client.auth_test()
        except SlackApiError as exc:
            data = exc.response.data if isinstance(exc.response.data, dict) else {}
            error = data.get("error")
            if error == "missing_scope":
                raise StartupError(publish_error(exc).reason) from None
            raise StartupError(
                f"SLACK_BOT_TOKEN was refused by Slack ({error or exc.response.status_code}): "
                "copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions"
            ) from None
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise StartupError(
                f"cannot reach Slack at {self.client.base_url}: {exc}; check NEWSBOT_SLACK_API_URL"
            ) from None
        self.team_id = str(response.get("team_id", ""))
        scopes = response.headers.get("x-oauth-scopes")
        if scopes is not None and _NEEDED_SCOPE not in {s.strip() for s in scopes.split(",")}:
            raise StartupError(
                f"Slack token lacks scope {_NEEDED_SCOPE} (has: {scopes or 'none'}): add it under "
                "OAuth & Permissions and reinstall the app"
            )

    async def check_channels(self, channels: Iterable[ChannelRef]) -> list[str]:
        """One line per configured Slack channel the bot cannot post to, naming the fix."""
        problems = []
        for where in channels:
            try:
                response = await self.client.conversations_info(channel=where.channel)
            except SlackApiError as exc:
                data = exc.response.data if isinstance(exc.response.data, dict) else {}
                error = data.get("error")
                if error == "channel_not_found":
                    problems.append(
                        f"Slack channel {where.channel} is not visible to the bot: check the id "
                        "and /invite the bot to it"
                    )
                continue  # missing channels:read or a hiccup: delivery will tell
            except (aiohttp.ClientError, TimeoutError, OSError):
                continue
            info = response.get("channel") or {}
            if not info.get("is_member", True):
                problems.append(
                    f"Slack channel {where.channel} (#{info.get('name', '?')}): the bot is not a "
                    "member: /invite the bot there"
                )
        return problems

    async def close(self) -> None:
        """Nothing to close: slack_sdk opens a session per call."""
