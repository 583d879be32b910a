"""`/news` on Slack: one slash command on a slack_bolt app, answered through `response_url`.

bolt verifies every HTTP request (v0 HMAC-SHA256 over `v0:timestamp:body` with the signing
secret, timestamps older than 5 minutes refused) and answers a bad one with 401 before any
listener runs. The listener acks at once (Slack's 3 s window), then the core runs and `respond()`
posts to the command's `response_url` (valid for 30 minutes), so a slow page still gets its answer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters import slack_render
from bot.commands.core import Caller, Core
from bot.commands.grammar import MUTATING, CommandError, parse_command
from bot.commands.replies import Reply, error
from bot.errors import ConfigError
from bot.settings import Settings

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
_TEXT_MAX = 3000  # characters per section block


@dataclass(frozen=True, slots=True)
class AdminPolicy:
    """Who may change a channel's subscriptions: anyone, workspace admins, or listed user ids."""

    anyone: bool = False
    users: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, value: str) -> AdminPolicy:
        """`anyone`, `admins`, or a comma-separated list of Slack user ids (U…/W…)."""
        text = value.strip()
        if text.lower() == "anyone":
            return cls(anyone=True)
        if text.lower() in ("admins", ""):
            return cls()
        users = frozenset(u.strip() for u in text.split(",") if u.strip())
        bad = sorted(u for u in users if u[:1] not in ("U", "W") or not u.isalnum())
        if bad:
            raise ConfigError(
                f"setting NEWSBOT_SLACK_ADMINS: {bad[0]!r} is not a Slack user id; "
                "use admins, anyone, or ids such as U012AB3CD,U045EF6GH"
            )
        return cls(users=users)

    @property
    def rule(self) -> str:
        """The rule as the refusal states it."""
        return "admin rights (as the bot is configured)" if self.users else "workspace admin rights"

    async def allows(self, client: AsyncWebClient, user_id: str) -> bool:
        """Whether `user_id` may change subscriptions (workspace admins: asked via users.info)."""
        if self.anyone:
            return True
        if self.users:
            return user_id in self.users
        try:
            user = (await client.users_info(user=user_id)).get("user") or {}
        except (SlackApiError, SlackClientError) as exc:
            log.warning("users.info %s failed: %s", user_id, exc)
            return False
        return any(bool(user.get(k)) for k in ("is_admin", "is_owner", "is_primary_owner"))


def create_slack_app(settings: Settings, core: Core, *, socket_mode: bool = False) -> AsyncApp:
    """A bolt app answering `/news`: HTTP mode via `slack_routes`, or Socket Mode (no secret)."""
    token = settings.slack_bot_token.get_secret_value()
    secret = settings.slack_signing_secret.get_secret_value()
    if not token:
        raise ConfigError("SLACK_BOT_TOKEN is not set: the Slack app needs the bot token (xoxb-…)")
    if not secret and not socket_mode:
        raise ConfigError(
            "SLACK_SIGNING_SECRET is not set: copy it from the Slack app's Basic Information page "
            "(or use Socket Mode with SLACK_APP_TOKEN)"
        )
    policy = AdminPolicy.parse(settings.slack_admins)
    client = AsyncWebClient(token=token, base_url=settings.slack_api_url)
    # The secret is passed even when empty so that bolt never falls back to the environment.
    app = AsyncApp(client=client, signing_secret=secret)

    @app.command("/news")
    async def news(
        ack: AsyncAck, respond: AsyncRespond, command: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        reply = await handle_slash_command(core, policy, client, command)
        await send_reply(respond, reply)

    return app


def slack_routes(app: AsyncApp) -> list[web.RouteDef]:
    """aiohttp routes serving the app at POST /slack/events (mount them on the bot's web app)."""
    # An empty secret would make every request "verified" with a key anyone knows.
    if not getattr(app, "_signing_secret", ""):
        raise ConfigError("SLACK_SIGNING_SECRET is not set: /slack/events cannot verify requests")

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    return [web.post(EVENTS_PATH, events)]


async def handle_slash_command(
    core: Core, policy: AdminPolicy, client: AsyncWebClient, command: dict[str, Any]
) -> Reply:
    """Parse `/news …` and run it; the admin check (a users.info call) only for changes."""
    try:
        parsed = parse_command(str(command.get("text") or ""))
    except CommandError as exc:
        return error(str(exc))
    user = str(command.get("user_id") or "")
    can_manage = parsed.name in MUTATING and await policy.allows(client, user)
    caller = Caller(
        platform="slack",
        workspace=str(command.get("team_id") or ""),
        channel=str(command.get("channel_id") or ""),
        user=user,
        can_manage=can_manage,
        manage_rule=policy.rule,
    )
    return await core.handle(caller, parsed)


async def send_reply(respond: AsyncRespond, reply: Reply) -> None:
    """Post the reply to the response_url: text, then a digest or roundups, each a message."""
    kind = "ephemeral" if reply.ephemeral else "in_channel"
    try:
        for payload in render_reply(reply):
            await respond(
                text=payload["text"],
                blocks=payload.get("blocks"),
                response_type=kind,
                replace_original=False,
            )
    except (SlackApiError, SlackClientError, aiohttp.ClientError, TimeoutError, OSError) as exc:
        log.warning("could not send a /news reply to Slack: %s", exc)


def render_reply(reply: Reply) -> list[dict[str, Any]]:
    """The reply as Slack message payloads (`text` plus optional Block Kit `blocks`)."""
    payloads: list[dict[str, Any]] = []
    if reply.lines:
        text = escape(reply.text)
        payloads.append({"text": text, "blocks": _sections(text)})
    if reply.digest is not None:
        payloads.append(slack_render.render_digest(reply.digest))
    for post in reply.roundups:
        payloads.extend(slack_render.render_roundup(post.heading, post.digests))
    return payloads or [{"text": "Done."}]


def escape(text: str) -> str:
    """Slack's three control characters; the core's lines carry no Slack markup of their own."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _sections(text: str) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    current = ""
    for line in text.splitlines():
        line = line[: _TEXT_MAX - 1]
        if current and len(current) + 1 + len(line) > _TEXT_MAX:
            blocks.append(_section(current))
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current.strip():
        blocks.append(_section(current))
    return blocks[:50]


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}
