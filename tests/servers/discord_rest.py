"""REST routes of the fake Discord server (login, gateway, messages, commands, interactions)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from aiohttp import web

from tests.servers.discord_payloads import JSON, message_payload, snowflake
from tests.servers.discord_records import CommandSync, InteractionReply
from tests.servers.loopback import JSON_BODY, json_response

if TYPE_CHECKING:
    from tests.servers.fake_discord import FakeDiscord


def add_rest_routes(app: web.Application, fake: FakeDiscord, prefix: str) -> None:
    """Register the REST endpoints discord.py uses, answering from and recording into `fake`."""
    routes = _Routes(fake)
    r = app.router
    r.add_get(prefix + "/users/@me", routes.me)
    r.add_get(prefix + "/oauth2/applications/@me", routes.application)
    r.add_get(prefix + "/gateway", routes.gateway)
    r.add_get(prefix + "/gateway/bot", routes.gateway_bot)
    r.add_get(prefix + "/channels/{channel_id}", routes.get_channel)
    r.add_post(prefix + "/channels/{channel_id}/messages", routes.create_message)
    r.add_get(prefix + "/channels/{channel_id}/messages", routes.list_messages)
    for scope in ("/applications/{app_id}", "/applications/{app_id}/guilds/{guild_id}"):
        r.add_put(prefix + scope + "/commands", routes.put_commands)
        r.add_get(prefix + scope + "/commands", routes.get_commands)
        r.add_post(prefix + scope + "/commands", routes.post_command)
    r.add_post(prefix + "/interactions/{interaction_id}/{token}/callback", routes.callback)
    r.add_post(prefix + "/webhooks/{app_id}/{token}", routes.followup)
    r.add_patch(prefix + "/webhooks/{app_id}/{token}/messages/{message_id}", routes.edit)
    r.add_get(
        prefix + "/webhooks/{app_id}/{token}/messages/{message_id}", routes.get_webhook_message
    )


def _unknown(what: str, code: int) -> web.Response:
    return json_response({"message": f"Unknown {what}", "code": code}, 404)


class _Routes:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake

    async def me(self, request: web.Request) -> web.Response:
        return json_response(self.fake.bot.payload())

    async def application(self, request: web.Request) -> web.Response:
        fake = self.fake
        return json_response(
            {
                "id": str(fake.application_id),
                "name": fake.bot.username,
                "icon": None,
                "description": "fake newsbot application",
                "summary": "",
                "type": None,
                "bot_public": False,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "owner": {**fake.bot.payload(), "bot": False, "username": "owner"},
                "flags": 0,
                "bot": fake.bot.payload(),
                "redirect_uris": [],
                "interactions_endpoint_url": None,
            }
        )

    async def gateway(self, request: web.Request) -> web.Response:
        return json_response({"url": self.fake.gateway_url})

    async def gateway_bot(self, request: web.Request) -> web.Response:
        limit = {
            "total": 1000,
            "remaining": 999,
            "reset_after": 86400000,
            "max_concurrency": self.fake.max_concurrency,
        }
        return json_response(
            {"url": self.fake.gateway_url, "shards": self.fake.shards, "session_start_limit": limit}
        )

    async def get_channel(self, request: web.Request) -> web.Response:
        found = self.fake.channel(int(request.match_info["channel_id"]))
        if found is None:
            return _unknown("Channel", 10003)
        guild, channel = found
        return json_response(channel.payload(guild.id))

    async def create_message(self, request: web.Request) -> web.Response:
        return self.fake.create_message(int(request.match_info["channel_id"]), request[JSON_BODY])

    async def list_messages(self, request: web.Request) -> web.Response:
        # Newest first, like Discord; lets an adapter reconcile after a crash.
        channel_id = int(request.match_info["channel_id"])
        limit = int(request.query.get("limit", "50"))
        sent = [m for m in self.fake.messages if m.channel_id == channel_id][::-1][:limit]
        author = self.fake.bot
        return json_response(
            [
                message_payload(
                    message_id=m.message_id, channel_id=channel_id, author=author, body=m.body
                )
                for m in sent
            ]
        )

    def _scope(self, request: web.Request) -> int | None:
        guild_id = request.match_info.get("guild_id")
        return int(guild_id) if guild_id else None

    def _store_command(self, scope: int | None, command: JSON) -> JSON:
        existing = {c["name"]: c for c in self.fake.commands.get(scope, [])}
        old = existing.get(command["name"])
        stored: JSON = {
            "type": 1,
            "description": "",
            "options": [],
            "default_member_permissions": None,
            "nsfw": False,
            **command,
            "id": old["id"] if old else str(snowflake()),
            "application_id": str(self.fake.application_id),
            "version": str(snowflake()),
        }
        if scope is not None:
            stored["guild_id"] = str(scope)
        return stored

    async def put_commands(self, request: web.Request) -> web.Response:
        scope = self._scope(request)
        body: list[JSON] = request[JSON_BODY] or []
        stored = [self._store_command(scope, c) for c in body]
        self.fake.commands[scope] = stored
        self.fake.command_syncs.append(CommandSync(scope, body))
        return json_response(stored)

    async def get_commands(self, request: web.Request) -> web.Response:
        return json_response(self.fake.commands.get(self._scope(request), []))

    async def post_command(self, request: web.Request) -> web.Response:
        scope = self._scope(request)
        stored = self._store_command(scope, request[JSON_BODY])
        others = [c for c in self.fake.commands.get(scope, []) if c["name"] != stored["name"]]
        self.fake.commands[scope] = [*others, stored]
        return json_response(stored, 201)

    async def callback(self, request: web.Request) -> web.Response:
        fake = self.fake
        interaction_id = int(request.match_info["interaction_id"])
        token = request.match_info["token"]
        issued = fake.interactions.get(interaction_id)
        late = issued is not None and time.monotonic() - issued.issued_at > fake.ack_deadline
        if issued is None or issued.payload["token"] != token or late:
            return _unknown("interaction", 10062)
        if issued.acknowledged:
            message = "Interaction has already been acknowledged."
            return json_response({"message": message, "code": 40060}, 400)
        body: JSON = request[JSON_BODY]
        issued.acknowledged = True
        fake.interaction_replies.append(InteractionReply("callback", interaction_id, token, body))
        kind = int(body["type"])
        data: JSON = body.get("data") or {}
        resource: JSON = {"type": kind}
        if kind in (4, 5):
            issued.original_message_id = snowflake()
            resource["message"] = self._message(issued.original_message_id, issued.payload, data)
        if request.query.get("with_response") not in ("1", "true", "True"):
            return web.Response(status=204)
        interaction = {
            "id": str(interaction_id),
            "type": issued.payload["type"],
            "response_message_id": str(issued.original_message_id or ""),
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(int(data.get("flags") or 0) & 64),
        }
        if issued.original_message_id is None:
            del interaction["response_message_id"]
        return json_response({"interaction": interaction, "resource": resource})

    def _message(self, message_id: int, interaction: JSON, body: JSON) -> JSON:
        return message_payload(
            message_id=message_id,
            channel_id=int(interaction["channel_id"]),
            author=self.fake.bot,
            body=body,
            webhook_id=self.fake.application_id,
        )

    def _acknowledged(self, request: web.Request) -> tuple[int, JSON] | None:
        token = request.match_info["token"]
        if request.match_info["app_id"] != str(self.fake.application_id):
            return None
        for interaction_id, issued in self.fake.interactions.items():
            if issued.payload["token"] == token and issued.acknowledged:
                return interaction_id, issued.payload
        return None

    async def followup(self, request: web.Request) -> web.Response:
        found = self._acknowledged(request)
        if found is None:
            return _unknown("Webhook", 10015)
        interaction_id, payload = found
        body: JSON = request[JSON_BODY]
        reply = InteractionReply("followup", interaction_id, request.match_info["token"], body)
        self.fake.interaction_replies.append(reply)
        return json_response(self._message(snowflake(), payload, body))

    async def edit(self, request: web.Request) -> web.Response:
        found = self._acknowledged(request)
        if found is None:
            return _unknown("Webhook", 10015)
        interaction_id, payload = found
        body: JSON = request[JSON_BODY]
        reply = InteractionReply("edit", interaction_id, request.match_info["token"], body)
        self.fake.interaction_replies.append(reply)
        message_id = self._message_id(interaction_id, request.match_info["message_id"])
        return json_response(self._message(message_id, payload, body))

    async def get_webhook_message(self, request: web.Request) -> web.Response:
        found = self._acknowledged(request)
        if found is None:
            return _unknown("Webhook", 10015)
        interaction_id, payload = found
        message_id = self._message_id(interaction_id, request.match_info["message_id"])
        return json_response(self._message(message_id, payload, {}))

    def _message_id(self, interaction_id: int, raw: str) -> int:
        if raw == "@original":
            return self.fake.interactions[interaction_id].original_message_id or snowflake()
        return int(raw)
