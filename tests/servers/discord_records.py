"""What the fake Discord server records: messages, interaction replies, command syncs."""

from __future__ import annotations

from dataclasses import dataclass

from tests.servers.discord_payloads import JSON


@dataclass(frozen=True)
class SentMessage:
    """A message the fake created in a channel (a nonce replay does not create one)."""

    channel_id: int
    message_id: int
    body: JSON


@dataclass(frozen=True)
class InteractionReply:
    """What the client sent for an interaction: `callback` (type 4/5/…), `followup` or `edit`."""

    kind: str
    interaction_id: int
    token: str
    body: JSON

    @property
    def type(self) -> int | None:
        """The interaction callback type (5 deferred, 4 message, 8 autocomplete); None for webhooks."""
        value = self.body.get("type")
        return int(value) if self.kind == "callback" and value is not None else None


@dataclass(frozen=True)
class CommandSync:
    """One bulk overwrite of application commands (guild_id None: global)."""

    guild_id: int | None
    commands: list[JSON]


@dataclass
class IssuedInteraction:
    """An interaction the fake pushed, with its acknowledgement state."""

    payload: JSON
    issued_at: float
    acknowledged: bool = False
    original_message_id: int | None = None
