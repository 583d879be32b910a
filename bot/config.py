"""The config file (config/newsbot.toml): feeds, topics, initial subscriptions and [settings]."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.errors import ConfigError
from bot.schedules import Schedule, ScheduleError, parse_schedule
from bot.store.models import ChannelRef
from digests.topics import Topic, TopicConfigError, parse_topics

ALL_TOPICS = "all"  # a subscription to every story, whatever its topics
PLATFORMS = ("discord", "slack", "console")
_DEFAULT_TOPICS = Path(__file__).resolve().parent.parent / "config" / "topics.toml"


class FeedSpec(BaseModel):
    """One `[[feeds]]` entry: an http(s) `url`, or a `path` to a folder of article files."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str | None = None
    path: str | None = None  # relative to the config file's folder
    topic: str | None = None
    backfill: int = Field(default=0, ge=0, le=10_000)  # newest entries posted on the first poll
    interval: int | None = Field(default=None, ge=60)  # seconds, overrides poll_interval

    @model_validator(mode="after")
    def _one_source(self) -> FeedSpec:
        if (self.url is None) == (self.path is None):
            raise ValueError("give exactly one of url = ... or path = ...")
        if self.url is not None and not self.url.startswith(("http://", "https://")):
            raise ValueError("url must start with http:// or https://")
        return self


class SubscriptionSpec(BaseModel):
    """One `[[subscriptions]]` entry: a channel that follows a topic from the start."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    platform: str
    workspace: str = ""  # Discord guild id / Slack team id; "" for the console
    channel: str
    topic: str
    schedule: str | None = None  # None: instant; else e.g. "daily 08:00 Europe/Berlin"

    @field_validator("platform")
    @classmethod
    def _known_platform(cls, value: str) -> str:
        if value not in PLATFORMS:
            raise ValueError(f"must be one of {', '.join(PLATFORMS)}")
        return value

    @field_validator("schedule")
    @classmethod
    def _valid_schedule(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_schedule(value)
            except ScheduleError as exc:
                raise ValueError(str(exc)) from None
        return value

    @property
    def where(self) -> ChannelRef:
        """The channel."""
        return ChannelRef(self.platform, self.workspace, self.channel)

    @property
    def parsed_schedule(self) -> Schedule | None:
        """The roundup schedule, or None for instant."""
        return parse_schedule(self.schedule) if self.schedule else None


class ConfigFile(BaseModel):
    """The whole file; unknown top-level sections are kept for their owners."""

    model_config = ConfigDict(extra="allow", frozen=True)

    settings: dict[str, Any] = Field(default_factory=dict)
    feeds: list[FeedSpec] = Field(default_factory=list)
    # Topics: [[topics]] tables here, else `topics_file` (relative to this file), else the
    # starter set in config/topics.toml.
    topics: list[dict[str, Any]] | None = None
    topics_file: str | None = None
    subscriptions: list[SubscriptionSpec] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Config:
    """The loaded config: the parsed file and where it lives (relative paths start there)."""

    file: ConfigFile
    path: Path | None

    def feed_urls(self) -> list[tuple[str, FeedSpec]]:
        """Each feed's URL (folders as absolute file: URLs) with its spec."""
        base = self.path.parent if self.path else Path.cwd()
        out = []
        for spec in self.file.feeds:
            if spec.path is not None:
                out.append(((base / spec.path).resolve().as_uri(), spec))
            else:
                out.append((spec.url or "", spec))
        return out


def load_topics(config: Config) -> list[Topic]:
    """The configured topics, validated; a bad definition is one ConfigError line."""
    if config.file.topics is not None:
        where, data = config.path or Path("config"), {"topics": config.file.topics}
    else:
        base = config.path.parent if config.path else Path.cwd()
        where = base / config.file.topics_file if config.file.topics_file else _DEFAULT_TOPICS
        if not where.exists():
            if config.file.topics_file:
                raise ConfigError(f"topics_file: no such file {where}; fix the path")
            return []
        try:
            data = tomllib.loads(where.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
            raise ConfigError(f"{where}: not valid TOML: {exc}") from None
    try:
        topics = parse_topics(data)
    except TopicConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    names = {t.name for t in topics} | {ALL_TOPICS}
    for sub in config.file.subscriptions:
        if sub.topic not in names:
            raise ConfigError(
                f"subscriptions: unknown topic {sub.topic!r} for {sub.platform} channel "
                f"{sub.channel}; use one of {', '.join(sorted(names))}"
            )
    return topics


def load_config(path: Path, *, required: bool = True) -> Config:
    """Read and validate the config file; every problem is one line of the ConfigError."""
    if not path.exists():
        if required:
            raise ConfigError(f"NEWSBOT_CONFIG: no such file {path}; fix the path or create it")
        return Config(ConfigFile(), None)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    try:
        return Config(ConfigFile.model_validate(data), path)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "(top level)"
            lines.append(f"{path}: {where}: {err['msg']}")
        raise ConfigError("\n".join(lines)) from None
