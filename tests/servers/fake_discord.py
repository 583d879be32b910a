"""A fake Discord REST API (v10) and Gateway on 127.0.0.1 that the real discord.py client talks to."""

from __future__ import annotations

import asyncio
import json
import math
import time
import uuid
import zlib
from collections.abc import Awaitable, Callable, Mapping

from aiohttp import WSMsgType, web

from tests.servers.discord_gateway import GatewaySession
from tests.servers.discord_payloads import (
    JSON,
    MEMBER_PERMISSIONS,
    MODERATOR_PERMISSIONS,
    PRIVILEGED_INTENTS,
    FakeChannel,
    FakeGuild,
    FakeRole,
    FakeUser,
    OptionValue,
    embed_errors,
    form_errors,
    interaction_payload,
    message_payload,
    ready_payload,
    snowflake,
)
from tests.servers.discord_records import (
    CommandSync,
    InteractionReply,
    IssuedInteraction,
    SentMessage,
)
from tests.servers.discord_rest import add_rest_routes
from tests.servers.loopback import (
    JSON_BODY,
    FaultQueue,
    LoopbackServer,
    RecordedRequest,
    json_response,
    read_body,
)

API_PREFIX = "/api/v10"
_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# Routes that Discord authenticates by the token in the URL, not the bot token header.
_TOKEN_IN_URL = ("/interactions/", "/webhooks/")


def default_guild() -> FakeGuild:
    """A guild with a visible #news channel and a #secret channel the bot cannot see."""
    return FakeGuild(
        id=snowflake(),
        name="Newsroom",
        channels=(
            FakeChannel(snowflake(), "news"),
            FakeChannel(snowflake(), "secret", hidden=True),
        ),
        roles=(
            FakeRole(snowflake(), "Editors"),
            FakeRole(snowflake(), "Night shift"),
            FakeRole(snowflake(), "Quiet", mentionable=False),
        ),
    )


class FakeDiscord(LoopbackServer):
    """Discord REST + Gateway on one loopback port; see docs/architecture.md "Test servers"."""

    def __init__(
        self,
        *,
        token: str = "fake-bot-token",
        guilds: tuple[FakeGuild, ...] | None = None,
        heartbeat_interval_ms: int = 41250,
        nonce_window: float = 300.0,
        ack_deadline: float = 3.0,
        privileged_intents: int = 0,
        shards: int = 1,
        max_concurrency: int = 1,
    ) -> None:
        self.token = token
        self.bot = FakeUser(snowflake(), "newsbot", bot=True)
        # Bots created since 2020 share their id with their application.
        self.application_id = self.bot.id
        self.guilds = guilds or (default_guild(),)
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.nonce_window = nonce_window
        self.ack_deadline = ack_deadline
        # Privileged intents enabled for the app in the developer portal; others close with 4014.
        self.privileged_intents = privileged_intents
        # GET /gateway/bot's recommended shard count and identify concurrency.
        self.shards = shards
        self.max_concurrency = max_concurrency
        self.reader = FakeUser(snowflake(), "reader")  # who invokes commands by default
        self.requests: list[RecordedRequest] = []
        self.messages: list[SentMessage] = []
        self.interaction_replies: list[InteractionReply] = []
        self.command_syncs: list[CommandSync] = []
        self.commands: dict[int | None, list[JSON]] = {}
        self.identifies: list[JSON] = []
        self.identified_shards: list[tuple[int, int]] = []  # (shard id, count) of each IDENTIFY
        self.resumes: list[JSON] = []
        self.gateway_queries: list[dict[str, str]] = []
        self.interactions: dict[int, IssuedInteraction] = {}
        self.faults = FaultQueue()
        self._lost = FaultQueue()
        self.identified = asyncio.Event()
        self._sessions: list[GatewaySession] = []
        self.session_ids: list[str] = []  # issued by READY, in order
        self._nonces: dict[tuple[int, str], tuple[float, JSON]] = {}
        self._forbidden: set[int] = set()
        self._deleted: set[int] = set()
        self._outage: tuple[int, float] | None = None
        app = web.Application(middlewares=[self._middleware])
        app.router.add_get("/gateway", self._gateway)
        add_rest_routes(app, self, API_PREFIX)
        super().__init__(app)

    # -- addresses -------------------------------------------------------------------------
    @property
    def api_url(self) -> str:
        """REST base including the version, the value for `discord.http.Route.BASE`."""
        return self.origin + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """Gateway WebSocket URL (discord.py adds `?v=10&encoding=json&compress=zlib-stream`)."""
        return self.origin.replace("http://", "ws://", 1) + "/gateway"

    @property
    def guild(self) -> FakeGuild:
        """The first (by default the only) guild."""
        return self.guilds[0]

    def channel(self, channel_id: int) -> tuple[FakeGuild, FakeChannel] | None:
        """The guild and channel with this id, if it exists (and was not deleted)."""
        if channel_id in self._deleted:
            return None
        for guild in self.guilds:
            for channel in guild.channels:
                if channel.id == channel_id:
                    return guild, channel
        return None

    # -- fault injection -------------------------------------------------------------------
    def rate_limit(
        self,
        method: str | None,
        path: str | None,
        *,
        count: int = 1,
        retry_after: float = 0.2,
        is_global: bool = False,
    ) -> None:
        """Answer the next `count` matching requests with 429 (path relative to /api/v10)."""

        def respond() -> web.Response:
            body = {"message": "You are being rate limited.", "retry_after": retry_after}
            body["global"] = is_global
            headers = {
                "Retry-After": str(math.ceil(retry_after)),
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
                "X-RateLimit-Reset-After": f"{retry_after:.3f}",
                "X-RateLimit-Bucket": "fake-bucket",
                "X-RateLimit-Scope": "global" if is_global else "user",
                # discord.py treats a 429 without Via as a Cloudflare ban and raises.
                "Via": "1.1 google",
            }
            if is_global:
                headers["X-RateLimit-Global"] = "true"
            return json_response(body, 429, headers)

        self.faults.add(method, path, count, respond)

    def fail(
        self,
        method: str | None,
        path: str | None,
        *,
        status: int,
        count: int = 1,
        code: int = 0,
        message: str = "error",
    ) -> None:
        """Answer the next `count` matching requests with `status` and a Discord error body."""
        self.faults.add(
            method, path, count, lambda: json_response({"message": message, "code": code}, status)
        )

    def lose_response(self, method: str | None, path: str | None, *, count: int = 1) -> None:
        """Handle the next `count` successful matching requests, then drop the connection unanswered.

        Models the window between "Discord created the message" and "the client recorded it";
        such requests are recorded with status 0.
        """
        self._lost.add(method, path, count, lambda: web.Response(status=599))

    def start_outage(self, status: int = 503, seconds: float | None = None) -> None:
        """Answer every REST request with `status` until `end_outage` or for `seconds`.

        discord.py retries 500/502/504 itself (sleeping 1, 3, 5, 7 s); 503 fails at once.
        """
        until = math.inf if seconds is None else time.monotonic() + seconds
        self._outage = (status, until)

    def end_outage(self) -> None:
        """End the outage."""
        self._outage = None

    def forbid_channel(self, channel_id: int) -> None:
        """The bot lost access: requests for this channel get 403 Missing Access (50001)."""
        self._forbidden.add(channel_id)

    def delete_channel(self, channel_id: int) -> None:
        """The channel is gone: requests for it get 404 Unknown Channel (10003)."""
        self._deleted.add(channel_id)

    # -- gateway ---------------------------------------------------------------------------
    def connected_sessions(self) -> int:
        """How many gateway connections are open and identified (or resumed)."""
        return sum(1 for s in self._sessions if s.identified and not s.ws.closed)

    async def dispatch(self, event: str, data: JSON) -> int:
        """Send a dispatch event to every identified gateway session; returns how many got it.

        An event of a guild goes only to the shard that guild belongs to (as Discord routes it).
        """
        guild_id = int(data["guild_id"]) if data.get("guild_id") else None
        sessions = [
            s
            for s in self._sessions
            if s.identified and not s.ws.closed and (guild_id is None or s.serves(guild_id))
        ]
        for session in sessions:
            await session.dispatch(event, data)
        return len(sessions)

    async def send_interaction(
        self,
        subcommand: str | None,
        options: Mapping[str, OptionValue] | None = None,
        *,
        command: str = "news",
        permissions: int | None = None,
        manage_channels: bool = False,
        channel: FakeChannel | None = None,
        guild: FakeGuild | None = None,
        user: FakeUser | None = None,
        interaction_type: int = 2,
        focused: str | None = None,
        locale: str = "en-US",
    ) -> JSON:
        """Push an INTERACTION_CREATE for `/command subcommand options…` and return its payload."""
        if permissions is None:
            permissions = MODERATOR_PERMISSIONS if manage_channels else MEMBER_PERMISSIONS
        guild = guild or self.guild
        payload = interaction_payload(
            application_id=self.application_id,
            guild=guild,
            channel=channel or guild.channels[0],
            user=user or self.reader,
            permissions=permissions,
            command=command,
            command_id=self._command_id(command, guild.id),
            subcommand=subcommand,
            options=options or {},
            interaction_type=interaction_type,
            focused=focused,
            locale=locale,
        )
        self.interactions[int(payload["id"])] = IssuedInteraction(payload, time.monotonic())
        if await self.dispatch("INTERACTION_CREATE", payload) == 0:
            raise RuntimeError("no identified gateway session to send the interaction to")
        return payload

    async def disconnect_gateway(self, code: int = 4000) -> None:
        """Close every gateway connection with `code` (the client then resumes or reconnects)."""
        for session in list(self._sessions):
            await session.ws.close(code=code)

    def _command_id(self, name: str, guild_id: int) -> int:
        for scope in (guild_id, None):
            for command in self.commands.get(scope, []):
                if command["name"] == name:
                    return int(command["id"])
        return snowflake()

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        query = dict(request.query)
        self.gateway_queries.append(query)
        compressor = zlib.compressobj() if query.get("compress") == "zlib-stream" else None
        session = GatewaySession(ws, compressor)
        self._sessions.append(session)
        try:
            await session.send({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                await self._gateway_op(session, json.loads(msg.data))
        finally:
            self._sessions.remove(session)
        return ws

    async def _gateway_op(self, session: GatewaySession, msg: JSON) -> None:
        op = msg.get("op")
        data: JSON = msg.get("d") or {}
        if op == 1:
            await session.send({"op": 11})
        elif op == 2:
            self.identifies.append(data)
            if data.get("token") != self.token:
                await session.ws.close(code=4004, message=b"Authentication failed.")
                return
            if int(data.get("intents", 0)) & PRIVILEGED_INTENTS & ~self.privileged_intents:
                await session.ws.close(code=4014, message=b"Disallowed intent(s).")
                return
            shard = data.get("shard")
            if shard is not None:
                if not (len(shard) == 2 and 0 <= int(shard[0]) < int(shard[1])):
                    await session.ws.close(code=4010, message=b"Invalid shard.")
                    return
                session.shard = (int(shard[0]), int(shard[1]))
                self.identified_shards.append(session.shard)
            guilds = tuple(g for g in self.guilds if session.serves(g.id))
            session.identified = True
            session.session_id = uuid.uuid4().hex
            self.session_ids.append(session.session_id)
            ready = ready_payload(self.bot, guilds, session.session_id, self.gateway_url, shard)
            await session.dispatch("READY", ready)
            for guild in guilds:
                await session.dispatch("GUILD_CREATE", guild.create_payload(self.bot))
            self.identified.set()
        elif op == 6:
            self.resumes.append(data)
            if data.get("token") == self.token and data.get("session_id") in self.session_ids:
                session.identified = True
                session.session_id = data["session_id"]
                await session.dispatch("RESUMED", {})
            else:
                await session.send({"op": 9, "d": False})

    async def stop(self) -> None:
        """Close gateway connections, then stop serving."""
        for session in list(self._sessions):
            await session.ws.close(code=1001)
        await super().stop()

    # -- REST plumbing ---------------------------------------------------------------------
    @web.middleware
    async def _middleware(self, request: web.Request, handler: _Handler) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX):
            return await handler(request)  # the gateway
        arrived = time.monotonic()
        path = request.path[len(API_PREFIX) :]
        body = await read_body(request)
        request[JSON_BODY] = body
        response = self._refusal(request, path)
        if response is None:
            try:
                response = await handler(request)
            except web.HTTPNotFound:
                response = json_response({"message": "404: Not Found", "code": 0}, 404)
        query, headers = dict(request.query), dict(request.headers)
        status = response.status
        lost = status < 300 and self._lost.take(request.method, path) is not None
        if lost:
            # Discord did the work, but the client never hears back (crash, timeout, reset).
            status = 0
        self.requests.append(
            RecordedRequest(request.method, path, query, headers, body, status, arrived)
        )
        if lost and request.transport is not None:
            request.transport.abort()
        return response

    def _refusal(self, request: web.Request, path: str) -> web.StreamResponse | None:
        """The error Discord would answer before handling the request, if any."""
        authorization = request.headers.get("Authorization")
        if not path.startswith(_TOKEN_IN_URL) and authorization != f"Bot {self.token}":
            return json_response({"message": "401: Unauthorized", "code": 0}, 401)
        if self._outage is not None:
            status, until = self._outage
            if time.monotonic() < until:
                return json_response({"message": "upstream unavailable", "code": 0}, status)
            self._outage = None
        injected = self.faults.take(request.method, path)
        if injected is not None:
            return injected
        if path.startswith("/channels/"):
            channel_id = int(path.split("/")[2])
            found = self.channel(channel_id)
            if found is None:
                return json_response({"message": "Unknown Channel", "code": 10003}, 404)
            if channel_id in self._forbidden or found[1].hidden:
                return json_response({"message": "Missing Access", "code": 50001}, 403)
        return None

    def create_message(self, channel_id: int, body: JSON) -> web.Response:
        """POST /channels/{id}/messages: validate, de-duplicate by nonce, record."""
        if not (body.get("content") or body.get("embeds") or body.get("components")):
            return json_response({"message": "Cannot send an empty message", "code": 50006}, 400)
        errors = embed_errors(body)
        if errors:
            invalid = {"message": "Invalid Form Body", "code": 50035, "errors": form_errors(errors)}
            return json_response(invalid, 400)
        nonce = body.get("nonce")
        key = (channel_id, str(nonce))
        now = time.monotonic()
        if nonce is not None and body.get("enforce_nonce"):
            seen = self._nonces.get(key)
            if seen is not None and now - seen[0] < self.nonce_window:
                return json_response(seen[1])
        message_id = snowflake()
        data = message_payload(
            message_id=message_id, channel_id=channel_id, author=self.bot, body=body
        )
        if nonce is not None:
            self._nonces[key] = (now, data)
        self.messages.append(SentMessage(channel_id, message_id, body))
        return json_response(data)
