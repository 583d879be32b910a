"""Tables, as SQLAlchemy 2 models. Migrations in `bot/store/migrations/` create them; keep both in step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from bot.schedules import Schedule


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite keeps naive text, so we tag it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive datetimes; store UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: newsbot stores UTC-aware datetimes only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Always hand back an aware UTC datetime."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of newsbot's tables."""


class Feed(Base):
    """A watched feed (or local folder) and its polling state."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    title: Mapped[str | None] = mapped_column(String(500))
    topic: Mapped[str | None] = mapped_column(String(200))
    origin: Mapped[str] = mapped_column(String(20), default="cli")  # "config" or "cli"
    backfill: Mapped[int] = mapped_column(Integer, default=0)
    interval: Mapped[int | None] = mapped_column(Integer)  # seconds; None: the global setting
    identity: Mapped[str | None] = mapped_column(
        String(10)
    )  # guid / link / hash, set on first poll
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    next_poll_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @classmethod
    def new(
        cls, url: str, now: datetime, *, origin: str, backfill: int = 0, title: str | None = None
    ) -> Feed:
        """A feed row not yet polled, due at once."""
        return cls(
            url=url,
            title=title,
            origin=origin,
            backfill=backfill,
            next_poll_at=now,
            consecutive_failures=0,
            created_at=now,
        )

    @property
    def state(self) -> str:
        """new, ok, failing or disabled."""
        if self.disabled_reason:
            return "disabled"
        if self.consecutive_failures:
            return "failing"
        return "ok" if self.last_success_at else "new"


class Article(Base):
    """A story, stored once per canonical URL, with its digest."""

    __tablename__ = "articles"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # hash of the canonical URL
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("feeds.id", ondelete="SET NULL"))
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    title: Mapped[str] = mapped_column(String(1000))
    published: Mapped[datetime | None] = mapped_column(UTCDateTime)
    text: Mapped[str] = mapped_column(Text, default="")
    fingerprint: Mapped[str | None] = mapped_column(String(16))  # 64-bit SimHash, hex
    digest: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    digest_note: Mapped[str | None] = mapped_column(Text)  # e.g. made from the feed's summary
    duplicate_of: Mapped[str | None] = mapped_column(ForeignKey("articles.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # [{"topic", "score", "why"}], best first; None for stories stored before topics existed.
    topics: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)


class SeenEntry(Base):
    """An identity key of a feed entry already seen (guid, link or title hash): never new again."""

    __tablename__ = "seen_entries"

    feed_id: Mapped[int] = mapped_column(
        ForeignKey("feeds.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    article_id: Mapped[str | None] = mapped_column(String(32))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ArticleReport(Base):
    """A feed that carried a story ("also reported by"), with the URL it used."""

    __tablename__ = "article_reports"

    article_id: Mapped[str] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    feed_url: Mapped[str] = mapped_column(String(2048), primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)


Index("ix_articles_duplicate_of", Article.duplicate_of)


class FeedTag(Base):
    """A workspace's topic for a feed it follows from chat (`/news follow <url> <topic>`).

    Per workspace, unlike `Feed.topic` (the operator's, counted everywhere): one community's tag
    must not put a feed's stories in front of another's subscribers.
    """

    __tablename__ = "feed_tags"

    feed_id: Mapped[int] = mapped_column(
        ForeignKey("feeds.id", ondelete="CASCADE"), primary_key=True
    )
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    workspace: Mapped[str] = mapped_column(String(64), primary_key=True)
    topic: Mapped[str] = mapped_column(String(200))


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """Where a message goes: platform, workspace (guild/team id, "" for console) and channel id."""

    platform: str
    workspace: str
    channel: str


class Subscription(Base):
    """A channel ↔ topic subscription: instant, or a roundup on a cron schedule in a timezone."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("platform", "workspace", "channel", "topic"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(20))  # discord / slack / console
    workspace: Mapped[str] = mapped_column(String(64), default="")  # guild or team id
    channel: Mapped[str] = mapped_column(String(64))
    topic: Mapped[str] = mapped_column(String(200), index=True)
    mode: Mapped[str] = mapped_column(String(10), default="instant")  # instant / roundup
    cron: Mapped[str | None] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_reason: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(20), default="command")  # config / command
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Keyword filter (bot/filters.py): a story must contain one include term (if any are set)
    # and no exclude term to be posted here.
    include_terms: Mapped[list[str] | None] = mapped_column(JSON)
    exclude_terms: Mapped[list[str] | None] = mapped_column(JSON)
    # Who each post pings: bot.pings.Ping as JSON ({"kind", "id", "name"}), or None.
    ping: Mapped[dict[str, str] | None] = mapped_column(JSON)

    @property
    def where(self) -> ChannelRef:
        """The channel this subscription posts to."""
        return ChannelRef(self.platform, self.workspace, self.channel)

    @property
    def schedule(self) -> Schedule | None:
        """The roundup schedule, or None for instant delivery."""
        return Schedule(self.cron, self.timezone) if self.mode == "roundup" and self.cron else None


class Delivery(Base):
    """The outbox: one message (a story or a roundup) owed to one channel, and how it went.

    Created in the transaction that decides it; the unique (channel, item) key is what makes a
    story reach a channel at most once, however many of its topics the channel follows.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("platform", "workspace", "channel", "item"),
        Index("ix_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(20))
    workspace: Mapped[str] = mapped_column(String(64), default="")
    channel: Mapped[str] = mapped_column(String(64))
    # The story's article id, roundup:<subscription>:<due time> or notice:<feed>:<disable time>.
    item: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))  # story / roundup / notice
    topic: Mapped[str] = mapped_column(String(200))
    article_id: Mapped[str | None] = mapped_column(String(32))
    # Roundups: {"heading", "articles": [ids], "since", "until"}; the roundup's record.
    # Either kind: "pings" ([bot.pings.Ping as JSON]) when its subscriptions ping someone.
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending / sent / failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    parts_sent: Mapped[int] = mapped_column(Integer, default=0)  # messages of it already posted
    message_ids: Mapped[list[str] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def where(self) -> ChannelRef:
        """The channel this delivery posts to."""
        return ChannelRef(self.platform, self.workspace, self.channel)

    @classmethod
    def owed(
        cls,
        where: ChannelRef,
        *,
        item: str,
        kind: str,
        topic: str,
        now: datetime,
        article_id: str | None = None,
        payload: dict[str, Any] | None = None,
    ) -> Delivery:
        """A new pending delivery to `where`, due at once (add it in the deciding transaction)."""
        return cls(
            platform=where.platform,
            workspace=where.workspace,
            channel=where.channel,
            item=item,
            kind=kind,
            topic=topic,
            article_id=article_id,
            payload=payload,
            status="pending",
            attempts=0,
            parts_sent=0,
            next_attempt_at=now,
            created_at=now,
        )


class ChannelLease(Base):
    """Which worker sends a channel's outbox (until when), and when its next message may go.

    The row with workspace and channel "" is the platform's: its `next_send_at` spaces every
    message on that platform (its global rate limit), whichever worker sends it.
    """

    __tablename__ = "channel_leases"

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    workspace: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_send_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Summary(Base):
    """A page digested for `/news summary`; kept apart from feed articles so that the poller and
    roundups never mistake a page someone asked about for a story from a feed."""

    __tablename__ = "summaries"

    url: Mapped[str] = mapped_column(String(2048), primary_key=True)  # the URL as asked
    digest: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
