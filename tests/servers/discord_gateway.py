"""One gateway connection of the fake Discord server: sequencing and optional zlib-stream framing."""

from __future__ import annotations

import asyncio
import json
import zlib
from typing import Any

from aiohttp import web


class GatewaySession:
    """A connected gateway client; sends are serialised so the zlib stream stays in order."""

    def __init__(self, ws: web.WebSocketResponse, compressor: Any | None) -> None:
        self.ws = ws
        # discord.py asks for `compress=zlib-stream`: one zlib stream per connection, each
        # message ending in a Z_SYNC_FLUSH (00 00 ff ff), sent as binary frames.
        self._compressor = compressor
        self._lock = asyncio.Lock()
        self.sequence = 0
        self.identified = False
        self.session_id: str | None = None
        self.shard: tuple[int, int] | None = None  # (id, count) from IDENTIFY; None: unsharded

    def serves(self, guild_id: int) -> bool:
        """Whether this connection receives the guild's events: shard id = (guild_id >> 22) % count."""
        return self.shard is None or (guild_id >> 22) % self.shard[1] == self.shard[0]

    async def send(self, payload: dict[str, Any]) -> None:
        """Send one gateway payload (compressed when the client asked for zlib-stream)."""
        text = json.dumps(payload)
        async with self._lock:
            if self.ws.closed:
                return
            if self._compressor is None:
                await self.ws.send_str(text)
            else:
                data = self._compressor.compress(text.encode()) + self._compressor.flush(
                    zlib.Z_SYNC_FLUSH
                )
                await self.ws.send_bytes(data)

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a DISPATCH (op 0) with the next sequence number."""
        self.sequence += 1
        await self.send({"op": 0, "t": event, "s": self.sequence, "d": data})
