"""The config file (config/newsbot.toml): feeds and optional [settings]; other sections pass through."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.errors import ConfigError


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


class ConfigFile(BaseModel):
    """The whole file; unknown top-level sections (e.g. [[topics]]) are kept for their owners."""

    model_config = ConfigDict(extra="allow", frozen=True)

    settings: dict[str, Any] = Field(default_factory=dict)
    feeds: list[FeedSpec] = Field(default_factory=list)


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
