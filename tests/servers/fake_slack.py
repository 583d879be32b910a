"""A fake Slack Web API on 127.0.0.1 for the real slack_sdk / slack_bolt clients, plus `response_url`."""

from __future__ import annotations

import itertools
import json
import math
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from tests.servers.loopback import (
    JSON_BODY,
    FaultQueue,
    LoopbackServer,
    RecordedRequest,
    json_response,
)
from tests.servers.slack_socket_mode import SocketMode, slash_command_payload

JSON = dict[str, Any]
_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class SlackPost:
    """A message the fake accepted through chat.postMessage (or chat.update, with `ts` set)."""

    method: str
    channel: str
    ts: str
    text: str | None
    blocks: list[JSON] | None
    params: JSON


@dataclass(frozen=True)
class ResponseUrlPost:
    """What a slash-command handler sent to its `response_url`."""

    response_id: str
    body: JSON


def block_errors(blocks: list[JSON]) -> list[str]:
    """Block Kit limits `blocks` breaks (50 blocks, header 150, section text 3000, 10 context items)."""
    errors: list[str] = []
    if len(blocks) > 50:
        errors.append("no more than 50 items allowed [json-pointer:/blocks]")
    for i, block in enumerate(blocks):
        text = (block.get("text") or {}).get("text") or ""
        kind = block.get("type")
        if kind == "header" and len(text) > 150:
            errors.append(f"must be less than 151 characters [json-pointer:/blocks/{i}/text]")
        if kind == "section" and len(text) > 3000:
            errors.append(f"must be less than 3001 characters [json-pointer:/blocks/{i}/text]")
        if kind == "context" and len(block.get("elements") or []) > 10:
            errors.append(f"no more than 10 items allowed [json-pointer:/blocks/{i}/elements]")
    return errors


class FakeSlack(LoopbackServer):
    """Slack Web API methods under /api/, and response URLs under /response/{id}."""

    def __init__(
        self,
        *,
        token: str = "xoxb-fake-token",
        app_token: str = "xapp-fake-token",
        channels: dict[str, str] | None = None,
        channel_interval: float | None = None,
    ) -> None:
        self.token = token
        self.app_token = app_token
        self.socket_mode = SocketMode()
        # When set, a second post to one channel within this many seconds gets 429 (Slack
        # allows about one message per second per channel).
        self.channel_interval = channel_interval
        self._last_post: dict[str, float] = {}
        self.team_id = "T0NEWS"
        self.bot_user_id = "U0NEWSBOT"
        self.bot_id = "B0NEWSBOT"
        # id → name; the bot is a member of each.
        self.channels = channels or {"C0NEWS": "news", "C0GENERAL": "general"}
        # users.info reports these user ids as workspace admins.
        self.admins: set[str] = {"U0ADMIN"}
        self.requests: list[RecordedRequest] = []
        self.posts: list[SlackPost] = []
        self.responses: list[ResponseUrlPost] = []
        self.faults = FaultQueue()
        self._channel_errors: dict[str, str] = {}
        self._revoked = False
        self._ts = itertools.count(1)
        app = web.Application(middlewares=[self._middleware])
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{response_id}", self._response_url)
        app.router.add_get(SocketMode.PATH, self.socket_mode.handle)
        super().__init__(app)

    @property
    def api_url(self) -> str:
        """The value for `AsyncWebClient(base_url=...)` (ends with a slash, as slack_sdk expects)."""
        return self.origin + "/api/"

    def response_url(self, response_id: str = "r1") -> str:
        """A `response_url` whose posts this fake records under `response_id`."""
        return f"{self.origin}/response/{response_id}"

    async def send_slash_command(
        self, text: str, *, response_id: str = "r1", user_id: str = "U0READER"
    ) -> str:
        """Push `/news {text}` to connected Socket Mode clients; returns the envelope id."""
        payload = slash_command_payload(
            text, response_url=self.response_url(response_id), user_id=user_id
        )
        return await self.socket_mode.send("slash_commands", payload)

    async def stop(self) -> None:
        """Close Socket Mode connections, then stop serving."""
        await self.socket_mode.close()
        await super().stop()

    # -- fault injection -------------------------------------------------------------------
    def rate_limit(self, method: str | None, *, count: int = 1, retry_after: int = 1) -> None:
        """Answer the next `count` calls of `method` (None: any) with 429 and Retry-After."""
        body = {"ok": False, "error": "ratelimited"}
        headers = {"Retry-After": str(retry_after)}
        self.faults.add(None, method, count, lambda: json_response(body, 429, headers))

    def server_error(self, method: str | None, *, status: int = 503, count: int = 1) -> None:
        """Answer the next `count` calls of `method` with an HTTP `status` (5xx)."""
        self.faults.add(None, method, count, lambda: web.Response(status=status, text="upstream"))

    def fail(self, method: str | None, error: str, *, count: int = 1, **extra: Any) -> None:
        """Answer the next `count` calls with `ok: false` and `error` (e.g. missing_scope, needed=…)."""
        body = {"ok": False, "error": error, **extra}
        headers = {}
        if error == "missing_scope":
            headers = {
                "X-OAuth-Scopes": str(extra.get("provided", "")),
                "X-Accepted-OAuth-Scopes": str(extra.get("needed", "")),
            }
        self.faults.add(None, method, count, lambda: json_response(body, 200, headers))

    def channel_error(self, channel: str, error: str) -> None:
        """From now on, posting to `channel` fails with `error` (channel_not_found, not_in_channel, …)."""
        self._channel_errors[channel] = error

    def revoke_token(self) -> None:
        """Every later call fails with token_revoked."""
        self._revoked = True

    # -- handlers --------------------------------------------------------------------------
    @web.middleware
    async def _middleware(self, request: web.Request, handler: _Handler) -> web.StreamResponse:
        arrived = time.monotonic()
        body = await _params(request)
        request[JSON_BODY] = body
        response = await handler(request)
        query, headers = dict(request.query), dict(request.headers)
        record = RecordedRequest(
            request.method, request.path, query, headers, body, response.status, arrived
        )
        self.requests.append(record)
        return response

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        injected = self.faults.take(request.method, method)
        if injected is not None:
            return injected
        params: JSON = request[JSON_BODY]
        error = self._auth_error(request, params)
        if error is not None:
            return json_response({"ok": False, "error": error})
        if method == "apps.connections.open":
            return json_response(self._connections_open(request))
        if method == "auth.test":
            return json_response(self._auth_test())
        if method in ("chat.postMessage", "chat.update"):
            wait = self._pacing_wait(str(params.get("channel", "")))
            if method == "chat.postMessage" and wait is not None:
                headers = {"Retry-After": str(math.ceil(wait))}
                return json_response({"ok": False, "error": "ratelimited"}, 429, headers)
            return json_response(self._post(method, params))
        if method == "conversations.info":
            return json_response(self._conversation(str(params.get("channel", ""))))
        if method == "users.info":
            return json_response(self._user(str(params.get("user", ""))))
        return json_response({"ok": False, "error": "unknown_method"})

    def _connections_open(self, request: web.Request) -> JSON:
        url = self.origin.replace("http://", "ws://", 1) + SocketMode.PATH
        return {"ok": True, "url": f"{url}?ticket={uuid.uuid4()}&app_id=A0NEWSBOT"}

    def _auth_error(self, request: web.Request, params: JSON) -> str | None:
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ") if header else params.get("token")
        if not token:
            return "not_authed"
        is_app_token = token.startswith("xapp-")
        if request.match_info["method"] == "apps.connections.open" or is_app_token:
            # Only an app-level token may open Socket Mode, and it may do nothing else.
            if request.match_info["method"] != "apps.connections.open" or not is_app_token:
                return "not_allowed_token_type"
            return None if token == self.app_token else "invalid_auth"
        if token != self.token:
            return "invalid_auth"
        return "token_revoked" if self._revoked else None

    def _auth_test(self) -> JSON:
        return {
            "ok": True,
            "url": "https://newsroom.slack.com/",
            "team": "Newsroom",
            "user": "newsbot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _post(self, method: str, params: JSON) -> JSON:
        channel = str(params.get("channel", ""))
        if channel not in self.channels:
            return {"ok": False, "error": "channel_not_found"}
        if channel in self._channel_errors:
            return {"ok": False, "error": self._channel_errors[channel]}
        blocks = params.get("blocks")
        if isinstance(blocks, str):  # form-encoded calls carry blocks as a JSON string
            blocks = json.loads(blocks)
        text = params.get("text")
        if not text and not blocks:
            return {"ok": False, "error": "no_text"}
        errors = block_errors(blocks or [])
        if errors:
            return {"ok": False, "error": "invalid_blocks", "errors": errors}
        if text is not None and len(text) > 40000:
            return {"ok": False, "error": "msg_too_long"}
        ts = str(params["ts"]) if method == "chat.update" else self._next_ts()
        self.posts.append(SlackPost(method, channel, ts, text, blocks, params))
        if method == "chat.postMessage":
            self._last_post[channel] = time.monotonic()
        message = {"type": "message", "user": self.bot_user_id, "bot_id": self.bot_id}
        message.update({"text": text or "", "ts": ts})
        if blocks:
            message["blocks"] = blocks
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _pacing_wait(self, channel: str) -> float | None:
        """Seconds left before `channel` may get another message, when pacing is enforced."""
        if self.channel_interval is None:
            return None
        last = self._last_post.get(channel)
        elapsed = time.monotonic() - last if last is not None else math.inf
        return self.channel_interval - elapsed if elapsed < self.channel_interval else None

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _conversation(self, channel: str) -> JSON:
        if channel not in self.channels or self._channel_errors.get(channel) == "channel_not_found":
            return {"ok": False, "error": "channel_not_found"}
        info = {"id": channel, "name": self.channels[channel], "is_channel": True}
        info.update({"is_private": False, "is_archived": False})
        info["is_member"] = self._channel_errors.get(channel) != "not_in_channel"
        return {"ok": True, "channel": info}

    def _user(self, user_id: str) -> JSON:
        if not user_id.startswith(("U", "W")):
            return {"ok": False, "error": "user_not_found"}
        admin = user_id in self.admins
        user = {"id": user_id, "team_id": self.team_id, "name": user_id.lower(), "deleted": False}
        user.update({"is_admin": admin, "is_owner": False, "is_bot": user_id == self.bot_user_id})
        return {"ok": True, "user": user}

    async def _response_url(self, request: web.Request) -> web.StreamResponse:
        body: JSON = request[JSON_BODY]
        self.responses.append(ResponseUrlPost(request.match_info["response_id"], body))
        return web.Response(text="ok")


async def _params(request: web.Request) -> JSON:
    """Query, form and JSON parameters merged, as the Web API accepts all three."""
    params: JSON = dict(request.query)
    if not request.can_read_body:
        return params
    raw = await request.text()
    if request.content_type == "application/json":
        params.update(json.loads(raw or "{}"))
    else:
        params.update(parse_qsl(raw, keep_blank_values=True))
    return params
