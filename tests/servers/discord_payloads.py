"""Realistic Discord API v10 JSON payloads for the fake Discord server (users, guilds, messages, interactions)."""

from __future__ import annotations

import itertools
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

JSON = dict[str, Any]

DISCORD_EPOCH_MS = 1420070400000

# Permission bits (https://discord.com/developers/docs/topics/permissions).
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
READ_MESSAGE_HISTORY = 1 << 16
USE_APPLICATION_COMMANDS = 1 << 31
MANAGE_CHANNELS = 1 << 4
# What a plain member has; MODERATOR_PERMISSIONS adds Manage Channels.
MEMBER_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY | USE_APPLICATION_COMMANDS
MODERATOR_PERMISSIONS = MEMBER_PERMISSIONS | MANAGE_CHANNELS
# GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT: need enabling in the developer portal.
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)
BOT_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | READ_MESSAGE_HISTORY

_counter = itertools.count(1)


def snowflake() -> int:
    """A fresh, unique, time-ordered Discord snowflake."""
    ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return (ms << 22) | (next(_counter) & 0x3FFFFF)


def iso_now() -> str:
    """The current time as Discord formats timestamps."""
    return datetime.now(UTC).isoformat()


@dataclass(frozen=True)
class FakeUser:
    """A Discord user (the bot itself or a member invoking a command)."""

    id: int
    username: str
    bot: bool = False

    def payload(self) -> JSON:
        """The user object."""
        data: JSON = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.username.title(),
            "avatar": None,
            "public_flags": 0,
            "flags": 0,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass(frozen=True)
class FakeChannel:
    """A guild text channel; `hidden` denies View Channel to @everyone (the bot cannot see it)."""

    id: int
    name: str
    hidden: bool = False
    type: int = 0

    def payload(self, guild_id: int, position: int = 0) -> JSON:
        """The channel object."""
        overwrites: list[JSON] = []
        if self.hidden:
            deny = VIEW_CHANNEL | SEND_MESSAGES
            overwrites.append({"id": str(guild_id), "type": 0, "allow": "0", "deny": str(deny)})
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(guild_id),
            "name": self.name,
            "position": position,
            "permission_overwrites": overwrites,
            "parent_id": None,
            "topic": None,
            "nsfw": False,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }


@dataclass(frozen=True)
class FakeRole:
    """A guild role members can be given (and a command option can name)."""

    id: int
    name: str
    mentionable: bool = True

    def payload(self, position: int = 2) -> JSON:
        """The role object."""
        return {
            **_role(self.id, self.name, 0),
            "mentionable": self.mentionable,
            "position": position,
        }


@dataclass(frozen=True)
class FakeGuild:
    """A guild the bot is in, with its channels and the bot's role permissions."""

    id: int
    name: str
    channels: tuple[FakeChannel, ...]
    bot_permissions: int = BOT_PERMISSIONS
    bot_role_id: int = field(default_factory=snowflake)
    roles: tuple[FakeRole, ...] = ()

    def channel(self, name: str) -> FakeChannel:
        """The channel with this name."""
        return next(c for c in self.channels if c.name == name)

    def role(self, name: str) -> FakeRole:
        """The role with this name; `@everyone` is the guild's default role (its id is the guild's)."""
        if name == "@everyone":
            return FakeRole(self.id, "@everyone")
        return next(r for r in self.roles if r.name == name)

    def create_payload(self, bot: FakeUser) -> JSON:
        """The GUILD_CREATE dispatch data (roles, channels and the bot's own member)."""
        everyone = {**_role(self.id, "@everyone", MEMBER_PERMISSIONS), "position": 0}
        bot_role = {**_role(self.bot_role_id, bot.username, self.bot_permissions), "managed": True}
        bot_role["tags"] = {"bot_id": str(bot.id)}
        bot_member = member_payload(bot, roles=[self.bot_role_id])
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(snowflake()),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 1,
            "default_message_notifications": 1,
            "explicit_content_filter": 2,
            "roles": [
                everyone,
                {**bot_role, "position": 1},
                *(r.payload(i + 2) for i, r in enumerate(self.roles)),
            ],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "joined_at": iso_now(),
            "large": False,
            "unavailable": False,
            "member_count": 2,
            "members": [bot_member],
            "channels": [c.payload(self.id, i) for i, c in enumerate(self.channels)],
            "threads": [],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }


def ready_payload(
    bot: FakeUser,
    guilds: tuple[FakeGuild, ...],
    session_id: str,
    gateway_url: str,
    shard: list[int] | None = None,
) -> JSON:
    """The READY dispatch data: guilds start unavailable and arrive as GUILD_CREATE."""
    data: JSON = {
        "v": 10,
        "user": bot.payload(),
        "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
        "session_id": session_id,
        "session_type": "normal",
        "resume_gateway_url": gateway_url,
        # Bots created since 2020 share their id with their application.
        "application": {"id": str(bot.id), "flags": 0},
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": ["local"],
        "user_settings": {},
        "_trace": ["fake-discord"],
    }
    if shard is not None:  # echoed when IDENTIFY named a shard (AutoShardedClient)
        data["shard"] = shard
    return data


def _role(role_id: int, name: str, permissions: int) -> JSON:
    return {
        "id": str(role_id),
        "name": name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": 0,
        "permissions": str(permissions),
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def member_payload(user: FakeUser, *, roles: list[int], permissions: int | None = None) -> JSON:
    """A guild member object; interactions carry `permissions` (a string bitfield)."""
    data: JSON = {
        "user": user.payload(),
        "nick": None,
        "avatar": None,
        "roles": [str(r) for r in roles],
        "joined_at": iso_now(),
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "communication_disabled_until": None,
    }
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def message_payload(
    *, message_id: int, channel_id: int, author: FakeUser, body: JSON, webhook_id: int | None = None
) -> JSON:
    """The message object Discord returns for a created message."""
    embeds = [{"type": "rich", **e} for e in body.get("embeds") or []]
    data: JSON = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": author.payload(),
        "content": body.get("content") or "",
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "tts": bool(body.get("tts", False)),
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": embeds,
        "pinned": False,
        "type": 0,
        "flags": int(body.get("flags") or 0),
        "components": body.get("components") or [],
    }
    if body.get("nonce") is not None:
        data["nonce"] = body["nonce"]
    if webhook_id is not None:
        data["webhook_id"] = str(webhook_id)
        data["application_id"] = str(webhook_id)
    return data


OptionValue = str | int | float | bool | FakeRole


def command_options(options: Mapping[str, OptionValue], focused: str | None) -> list[JSON]:
    """Interaction options for the given name → value mapping (types inferred from the values)."""
    result: list[JSON] = []
    for name, value in options.items():
        if isinstance(value, FakeRole):  # a role option: its id; the role is in `resolved`
            result.append({"name": name, "type": 8, "value": str(value.id)})
            continue
        # bool first: bool is an int subclass.
        kind = 5 if isinstance(value, bool) else 4 if isinstance(value, int) else 10
        if isinstance(value, str):
            kind = 3
        option: JSON = {"name": name, "type": kind, "value": value}
        if name == focused:
            option["focused"] = True
        result.append(option)
    return result


def interaction_payload(
    *,
    application_id: int,
    guild: FakeGuild,
    channel: FakeChannel,
    user: FakeUser,
    permissions: int,
    command: str,
    command_id: int,
    subcommand: str | None,
    options: Mapping[str, OptionValue],
    interaction_type: int = 2,
    focused: str | None = None,
    locale: str = "en-US",
) -> JSON:
    """An INTERACTION_CREATE for a chat-input command (type 2) or its autocomplete (type 4)."""
    opts = command_options(options, focused)
    if subcommand is not None:
        opts = [{"name": subcommand, "type": 1, "options": opts}]
    channel_data = channel.payload(guild.id)
    channel_data["permissions"] = str(guild.bot_permissions)
    data: JSON = {"id": str(command_id), "name": command, "type": 1, "options": opts}
    roles = {str(v.id): v.payload() for v in options.values() if isinstance(v, FakeRole)}
    if roles:
        data["resolved"] = {"roles": roles}
    return {
        "id": str(snowflake()),
        "application_id": str(application_id),
        "type": interaction_type,
        "data": data,
        "guild_id": str(guild.id),
        "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
        "guild_locale": "en-US",
        "channel_id": str(channel.id),
        "channel": channel_data,
        "member": member_payload(user, roles=[], permissions=permissions),
        "token": f"itoken-{snowflake()}",
        "version": 1,
        "app_permissions": str(guild.bot_permissions),
        "locale": locale,
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(guild.id)},
        "context": 0,
        "attachment_size_limit": 10 * 1024 * 1024,
    }


def embed_errors(body: JSON) -> list[tuple[str, str]]:
    """(field path, message) for each Discord message limit `body` breaks; empty when accepted."""
    errors: list[tuple[str, str]] = []
    content = body.get("content") or ""
    embeds: list[JSON] = body.get("embeds") or []
    if len(content) > 2000:
        errors.append(("content", "Must be 2000 or fewer in length."))
    if len(embeds) > 10:
        errors.append(("embeds", "Must be 10 or fewer in length."))
    total = 0
    for i, embed in enumerate(embeds):
        fields: list[JSON] = embed.get("fields") or []
        sized = {
            "title": (embed.get("title") or "", 256),
            "description": (embed.get("description") or "", 4096),
            "footer.text": ((embed.get("footer") or {}).get("text") or "", 2048),
            "author.name": ((embed.get("author") or {}).get("name") or "", 256),
        }
        for j, f in enumerate(fields):
            sized[f"fields.{j}.name"] = (f.get("name") or "", 256)
            sized[f"fields.{j}.value"] = (f.get("value") or "", 1024)
        if len(fields) > 25:
            errors.append((f"embeds.{i}.fields", "Must be 25 or fewer in length."))
        for name, (text, limit) in sized.items():
            total += len(text)
            if len(text) > limit:
                errors.append((f"embeds.{i}.{name}", f"Must be {limit} or fewer in length."))
    if total > 6000:
        errors.append(("embeds", "Embed size exceeds maximum size of 6000"))
    return errors


def form_errors(errors: list[tuple[str, str]]) -> JSON:
    """Discord's nested `errors` object for a 400 Invalid Form Body (50035)."""
    tree: JSON = {}
    for path, message in errors:
        node = tree
        for part in path.split("."):
            node = node.setdefault(part, {})
        node.setdefault("_errors", []).append({"code": "BASE_TYPE_MAX_LENGTH", "message": message})
    return tree
