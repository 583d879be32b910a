"""Runtime settings from the environment (NEWSBOT_*) and the config file's [settings] table.

Every default lives here. Settings are loaded once, in the composition root (`bot.cli`), never at
import time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
_MB = 1024 * 1024


class Settings(BaseSettings):
    """Every tunable of the running bot; environment variables win over the config file."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSBOT_", extra="forbid", frozen=True, populate_by_name=True
    )

    data_dir: Path = ROOT / "data"
    database_url: str = ""  # empty: sqlite+aiosqlite:///<data_dir>/newsbot.db
    config: Path = ROOT / "config" / "newsbot.toml"
    allow_hosts: str = ""  # comma-separated hosts/addresses exempt from the private-address guard
    contact_url: str = "https://github.com/newsbot/newsbot"
    max_body_bytes: int = Field(default=10 * _MB, ge=1024)
    connect_timeout: float = Field(default=10.0, gt=0)
    read_timeout: float = Field(default=20.0, gt=0)
    total_timeout: float = Field(default=60.0, gt=0)
    max_redirects: int = Field(default=5, ge=0, le=20)
    concurrency: int = Field(default=50, ge=1)
    per_host_concurrency: int = Field(default=4, ge=1)
    poll_interval: int = Field(default=600, ge=60)  # seconds; minimum one minute
    poll_jitter: float = Field(default=0.1, ge=0, le=0.5)  # ± fraction of the interval
    backoff_base: int = Field(default=300, ge=1)  # seconds: 5 min × 2ⁿ after n failures
    backoff_cap: int = Field(default=6 * 3600, ge=1)
    max_failures: int = Field(default=10, ge=1)  # consecutive failures before a feed is disabled
    tick: float = Field(default=30.0, gt=0)  # seconds between scheduler looks at what is due
    max_new_per_poll: int = Field(default=25, ge=1)  # more at once is a flood: newest kept
    min_page_chars: int = Field(
        default=600, ge=0
    )  # shorter page text: paywall, use the feed's text
    # NEWSBOT_TEXT_RETENTION_DAYS: an article's full text is kept this long (0: forever); its
    # digest, URL and reports stay, so nothing is posted twice once the text is gone.
    text_retention_days: int = Field(default=30, ge=0)

    # -- chat platforms and the web endpoint (delivery) -------------------------------------
    # Credentials use the platforms' customary variable names (no NEWSBOT_ prefix); each adapter
    # is enabled by its credentials being present, and with none the console adapter runs.
    discord_token: SecretStr = Field(
        default=SecretStr(""), validation_alias=AliasChoices("DISCORD_TOKEN", "discord_token")
    )
    discord_api_url: str = "https://discord.com/api/v10"  # NEWSBOT_DISCORD_API_URL
    discord_gateway_url: str = "wss://gateway.discord.gg/"  # NEWSBOT_DISCORD_GATEWAY_URL
    slack_bot_token: SecretStr = Field(
        default=SecretStr(""), validation_alias=AliasChoices("SLACK_BOT_TOKEN", "slack_bot_token")
    )
    slack_signing_secret: SecretStr = Field(
        default=SecretStr(""),
        validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "slack_signing_secret"),
    )
    slack_app_token: SecretStr = Field(
        default=SecretStr(""), validation_alias=AliasChoices("SLACK_APP_TOKEN", "slack_app_token")
    )
    slack_api_url: str = "https://slack.com/api/"  # NEWSBOT_SLACK_API_URL
    http_port: int = Field(
        default=3000, ge=0, le=65535
    )  # NEWSBOT_HTTP_PORT: /healthz, /slack/events
    http_host: str = "0.0.0.0"  # NEWSBOT_HTTP_HOST
    delivery_tick: float = Field(default=2.0, gt=0)  # seconds between looks at the outbox
    # Seconds between two messages to one channel: Slack allows ~1/s, Discord 5 per 5 s.
    channel_interval: float = Field(default=1.1, ge=0)
    roundup_max_items: int = Field(default=10, ge=1, le=50)  # stories in one roundup
    # -- end of the delivery block ----------------------------------------------------------
    # -- Discord sharding ---------------------------------------------------------------------
    # NEWSBOT_DISCORD_SHARDS: empty runs one unsharded gateway connection; a number N runs N
    # shards (discord.py AutoShardedClient); "auto" asks Discord for its recommended count.
    # NEWSBOT_DISCORD_SHARD_IDS: the comma-separated shards this process runs (default: all of
    # them), so several processes can split one bot's guilds between them.
    discord_shards: str = ""
    discord_shard_ids: str = ""
    # -- end of the Discord sharding block ---------------------------------------------------
    # -- slash commands (bot/commands) --------------------------------------------------------
    # Who may change a Slack channel's subscriptions: "admins" (workspace admins and owners),
    # "anyone", or a comma-separated list of user ids.
    slack_admins: str = "admins"  # NEWSBOT_SLACK_ADMINS
    # NEWSBOT_SUMMARY_CACHE_HOURS: /news summary serves a digest this recent from the store.
    summary_cache_hours: float = Field(default=24.0, ge=0)
    # -- several workers on one database (bot/runner.py roles, claims in bot/store) -----------
    # NEWSBOT_POLL_LEASE: a worker's claim on a due feed; a worker that dies mid-poll loses it
    # after this long and the feed is polled again (longer than the slowest poll).
    poll_lease: float = Field(default=600.0, gt=0)
    # NEWSBOT_DELIVERY_LEASE: a worker's claim on a channel's outbox, renewed by every message;
    # a dead worker's channels go to another after this long (longer than one send, 429s included).
    delivery_lease: float = Field(default=120.0, gt=0)
    # -- end of the workers block --------------------------------------------------------------
    # -- feeds followed from chat (/news follow) ----------------------------------------------
    # NEWSBOT_MAX_FEEDS_PER_WORKSPACE: distinct feeds one guild/team may follow (abuse guard).
    max_feeds_per_workspace: int = Field(default=50, ge=0)

    @field_validator("contact_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://", "mailto:")):
            raise ValueError("must be an http(s) or mailto: URL")
        return value

    @field_validator("database_url")
    @classmethod
    def _async_database_url(cls, value: str) -> str:
        return async_database_url(value)

    @field_validator("discord_shards")
    @classmethod
    def _shard_count(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in ("", "auto") and not (value.isdigit() and int(value) >= 1):
            raise ValueError("must be a shard count of at least 1, or auto")
        return value

    @field_validator("discord_shard_ids")
    @classmethod
    def _shard_ids(cls, value: str, info: ValidationInfo) -> str:
        ids = [part.strip() for part in value.split(",") if part.strip()]
        if not ids:
            return ""
        count = str(info.data.get("discord_shards", ""))
        if not count.isdigit():
            raise ValueError("needs NEWSBOT_DISCORD_SHARDS set to the total shard count")
        if not all(i.isdigit() and int(i) < int(count) for i in ids) or len(set(ids)) < len(ids):
            raise ValueError(f"must be distinct shard ids from 0 to {int(count) - 1}")
        return ",".join(ids)

    @property
    def discord_sharding(self) -> tuple[int | None, list[int] | None] | None:
        """None: one unsharded connection; else (shard count, None for Discord's; ids, None for all)."""
        if not self.discord_shards:
            return None
        count = None if self.discord_shards == "auto" else int(self.discord_shards)
        ids = (
            [int(i) for i in self.discord_shard_ids.split(",")] if self.discord_shard_ids else None
        )
        return count, ids

    @property
    def allowed_hosts(self) -> frozenset[str]:
        """Hosts and addresses exempt from the private-address guard."""
        return frozenset(h.strip().lower() for h in self.allow_hosts.split(",") if h.strip())

    @property
    def db_url(self) -> str:
        """The SQLAlchemy URL to use: the setting, or a SQLite file in the data directory."""
        return self.database_url or f"sqlite+aiosqlite:///{self.data_dir / 'newsbot.db'}"

    @property
    def user_agent(self) -> str:
        """The User-Agent header: names the bot and how to reach its operator."""
        return f"newsbot/0.1 (+{self.contact_url})"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The environment wins over values passed in (which come from the config file)."""
        return (env_settings, init_settings)


def load_settings(file_values: dict[str, Any] | None = None) -> Settings:
    """Settings from the environment over `file_values`; a bad value raises one-line ConfigError."""
    try:
        return Settings(**(file_values or {}))
    except ValidationError as exc:
        err = exc.errors()[0]
        key = str(err["loc"][0]) if err["loc"] else "?"
        field = Settings.model_fields.get(key)
        fix = "remove it"
        if field:
            fix = f"fix the value (default {field.default})" if field.default != "" else "fix it"
        raise ConfigError(
            f"setting NEWSBOT_{key.upper()} (or [settings] {key}): {err['msg']}; {fix}"
        ) from None


_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",  # Heroku's spelling
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}
_URL_EXAMPLES = "sqlite:///data/newsbot.db or postgresql://user:password@host:5432/newsbot"


def async_database_url(value: str) -> str:
    """The URL as pasted (sqlite:///…, postgres://…, postgresql://…) with newsbot's async driver.

    Raises ValueError naming the spellings that work; "" (the default SQLite file) stays "".
    """
    if not value:
        return value
    try:
        url = make_url(value)
    except ArgumentError:
        raise ValueError(f"not a database URL: use {_URL_EXAMPLES}") from None
    driver = _ASYNC_DRIVERS.get(url.drivername.lower())
    if driver is None:
        raise ValueError(
            f"unsupported database {url.drivername!r}: use {_URL_EXAMPLES} "
            "(newsbot uses its own async drivers, aiosqlite and asyncpg)"
        )
    url = url.set(drivername=driver)
    if driver == "postgresql+asyncpg" and "sslmode" in url.query:
        # libpq's sslmode (Heroku adds ?sslmode=require) is asyncpg's `ssl` argument.
        url = url.update_query_dict({"ssl": url.query["sslmode"]}).difference_update_query(
            ["sslmode"]
        )
    return url.render_as_string(hide_password=False)
