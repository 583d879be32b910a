"""Pings: who a subscription's posts notify (a Discord role, a Slack user group, or Slack's @here).

A `Ping` is stored on the subscription and copied onto each delivery it causes; the platform
renderers turn it into that platform's mention and the only mention the message allows. Nothing
in an article can add one: `@everyone`, `@channel` and other mentions in article text stay inert.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

PingKind = Literal["role", "group", "here"]
_KINDS: frozenset[str] = frozenset({"role", "group", "here"})

# What Slack sends in a command's text with "Escape channels, users, and links" on.
_SLACK_GROUP = re.compile(r"<!subteam\^([A-Z0-9]+)(?:\|([^>]*))?>")
_SLACK_SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")
_SLACK_USER = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")


class PingError(ValueError):
    """Not something a subscription may ping; the message says what to give instead."""


@dataclass(frozen=True, slots=True)
class Ping:
    """A mention target: `role` (Discord role id), `group` (Slack user group id) or `here`."""

    kind: PingKind
    id: str = ""
    name: str = ""  # as shown to people, e.g. "@editors"
    # Known when the command sets it, never stored: the platform will show this mention without
    # notifying anyone (a Discord role that is not mentionable, the bot lacking the permission).
    silent: bool = field(default=False, compare=False)

    @classmethod
    def role(cls, role_id: int | str, name: str, *, silent: bool = False) -> Ping:
        """A Discord role."""
        return cls("role", str(role_id), "@" + name.lstrip("@"), silent)

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Ping | None:
        """A stored ping (None when absent or not one of ours)."""
        if not data or data.get("kind") not in _KINDS:
            return None
        kind: PingKind = data["kind"]
        return cls(kind, str(data.get("id") or ""), str(data.get("name") or ""))

    def to_json(self) -> dict[str, str]:
        """The ping as stored on a subscription or a delivery."""
        return {"kind": self.kind, "id": self.id, "name": self.name}

    @property
    def label(self) -> str:
        """How a person sees it named: `@editors`, `@here`."""
        return self.name or ("@here" if self.kind == "here" else f"@{self.id}")


def pings_of(payload: Mapping[str, Any] | None) -> tuple[Ping, ...]:
    """The pings recorded on a delivery's payload (none when it has none)."""
    found = (Ping.from_json(p) for p in (payload or {}).get("pings") or ())
    return tuple(p for p in found if p is not None)


def unique(pings: Iterable[Ping | None]) -> list[Ping]:
    """Distinct pings in first-seen order, None dropped."""
    out: list[Ping] = []
    for ping in pings:
        if ping is not None and ping not in out:
            out.append(ping)
    return out


def parse_slack_mention(text: str) -> Ping:
    """A user group or @here as typed in a Slack command (escaped `<!subteam^…>` form)."""
    text = text.strip()
    group = _SLACK_GROUP.fullmatch(text)
    if group:
        handle = (group.group(2) or "").strip()
        return Ping("group", group.group(1), "@" + handle.lstrip("@") if handle else "")
    special = _SLACK_SPECIAL.fullmatch(text)
    word = special.group(1) if special else text.lower().lstrip("@") if text[:1] == "@" else ""
    if word == "here":
        return Ping("here", "", "@here")
    if word in ("channel", "everyone"):
        raise PingError(
            f"I never ping @{word}: name a user group (type `@` and pick it) or `@here`."
        )
    if _SLACK_USER.fullmatch(text):
        raise PingError("Pings go to a user group or `@here`, not to one person.")
    if text.startswith("@"):
        raise PingError(
            f"Slack sent `{text}` as plain text, so I cannot tell which group it is: pick the "
            "group from Slack's suggestions (the app's /news command needs “Escape channels, "
            "users, and links” turned on)."
        )
    raise PingError(f"`{text}` is not a user group: give `@group`, `@here` or `off`.")
