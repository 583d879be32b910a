"""Console sender: prints each delivery as terminal text (the embedded default's "channel")."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from bot.adapters import console
from bot.pings import Ping
from bot.store import ChannelRef
from digests import Digest

CONSOLE = ChannelRef("console", "", "console")
_RULE = "─" * 60


class ConsoleSender:
    """Writes digests and roundups to a stream (stdout by default); never fails."""

    platform = "console"
    channel_interval = 0.0
    global_interval = 0.0

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream
        self._ids = itertools.count(1)

    def render_digest(self, digest: Digest, *, pings: Sequence[Ping] = ()) -> list[dict[str, Any]]:
        """The digest as one block of text."""
        return [{"text": console.render_digest(digest, pings=pings)}]

    def render_roundup(
        self, heading: str, digests: Sequence[Digest], *, pings: Sequence[Ping] = ()
    ) -> list[dict[str, Any]]:
        """The roundup as one block of text ([] for an empty period)."""
        return [{"text": text} for text in console.render_roundup(heading, digests, pings=pings)]

    def render_notice(self, text: str) -> list[dict[str, Any]]:
        """The notice as one line of text."""
        return [{"text": console.render_notice(text)}]

    async def send(self, where: ChannelRef, payload: dict[str, Any], *, key: str) -> str:
        """Print the text and a rule; the id is a running number."""
        stream = self.stream or sys.stdout
        print(payload["text"], file=stream)
        print(_RULE, file=stream, flush=True)
        return f"console-{next(self._ids)}"
