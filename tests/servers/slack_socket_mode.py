"""Slack Socket Mode for the fake Slack server: apps.connections.open's WebSocket and envelopes."""

from __future__ import annotations

import json
import uuid
from typing import Any

from aiohttp import WSMsgType, web

JSON = dict[str, Any]


def slash_command_payload(
    text: str,
    *,
    response_url: str,
    command: str = "/news",
    user_id: str = "U0READER",
    channel_id: str = "C0NEWS",
    team_id: str = "T0NEWS",
) -> dict[str, str]:
    """The fields Slack sends for a slash command (form-encoded over HTTP, JSON in Socket Mode)."""
    return {
        "token": "deprecated-verification-token",
        "team_id": team_id,
        "team_domain": "newsroom",
        "channel_id": channel_id,
        "channel_name": "news",
        "user_id": user_id,
        "user_name": "reader",
        "command": command,
        "text": text,
        "api_app_id": "A0NEWSBOT",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": "13345224609.738474920.8088930838d88f008e0",
    }


class SocketMode:
    """The Socket Mode WebSocket: sends `hello` and envelopes, records the client's acks."""

    PATH = "/socket-mode"

    def __init__(self) -> None:
        self.acks: list[JSON] = []  # {"envelope_id": …, "payload"?: …} as the client sent them
        self._sockets: list[web.WebSocketResponse] = []

    @property
    def connections(self) -> int:
        """How many Socket Mode clients are connected."""
        return sum(1 for ws in self._sockets if not ws.closed)

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """The WebSocket endpoint the URL from apps.connections.open points at."""
        ws = web.WebSocketResponse(autoping=True)  # slack_sdk checks liveness with pings
        await ws.prepare(request)
        self._sockets.append(ws)
        hello = {"type": "hello", "num_connections": self.connections}
        hello["debug_info"] = {"host": "fake-slack", "approximate_connection_time": 3600}
        hello["connection_info"] = {"app_id": "A0NEWSBOT"}
        try:
            await ws.send_str(json.dumps(hello))
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    self.acks.append(json.loads(msg.data))
        finally:
            self._sockets.remove(ws)
        return ws

    async def send(self, kind: str, payload: JSON) -> str:
        """Send an envelope of `kind` (slash_commands, events_api, interactive) to every client."""
        envelope_id = str(uuid.uuid4())
        envelope: JSON = {"envelope_id": envelope_id, "type": kind, "payload": payload}
        envelope["accepts_response_payload"] = kind != "events_api"
        sockets = [ws for ws in self._sockets if not ws.closed]
        if not sockets:
            raise RuntimeError("no Socket Mode client is connected")
        for ws in sockets:
            await ws.send_str(json.dumps(envelope))
        return envelope_id

    async def close(self) -> None:
        """Disconnect every client."""
        for ws in list(self._sockets):
            await ws.close()
