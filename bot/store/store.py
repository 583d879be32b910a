"""The store: one small interface over SQLAlchemy (SQLite by default, PostgreSQL by URL)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, bindparam, delete, event, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from bot.errors import StoreError
from bot.schedules import Schedule
from bot.settings import Settings
from bot.store.models import (
    Article,
    ArticleReport,
    ChannelRef,
    Feed,
    SeenEntry,
    Subscription,
    Summary,
)

_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_CHUNK = 400  # bound on IN (...) lists: SQLite allows 999 parameters by default
_STARTUP_LOCK = 0x6E657773  # PostgreSQL advisory lock key ("news") held while a worker starts


@dataclass(frozen=True, slots=True)
class PollRecord:
    """What a poll that stored no story writes: the feed's state columns and its new seen keys."""

    feed_id: int
    state: dict[str, Any]  # Feed columns; every record of one batch names the same ones
    seen: tuple[str, ...]  # identity keys to record (already recorded ones are skipped)
    now: datetime


class Store:
    """Feeds, articles and seen entries; every poll of a feed writes in one `transaction()`."""

    def __init__(
        self,
        url: str,
        *,
        poll_lease: timedelta = timedelta(seconds=Settings.model_fields["poll_lease"].default),
    ) -> None:
        self.url = url
        self.poll_lease = poll_lease
        try:
            parsed = make_url(url)
        except (SQLAlchemyError, ValueError):
            raise StoreError(
                "NEWSBOT_DATABASE_URL is not a database URL; fix it "
                "(e.g. sqlite+aiosqlite:///data/newsbot.db or postgresql+asyncpg://user@host/db)"
            ) from None
        self.dialect = parsed.get_backend_name()  # "sqlite" or "postgresql"
        self._sqlite = self.dialect == "sqlite"
        if self._sqlite and parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._engine = create_async_engine(url)
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise StoreError(f"cannot open database {parsed!r}: {exc}") from exc
        if self._sqlite:
            event.listen(self._engine.sync_engine, "connect", _sqlite_pragmas)
        self._sessions = async_sessionmaker(self._engine, expire_on_commit=False)
        # SQLite has one writer: queue our own writers instead of waiting on file locks.
        self._write_lock = asyncio.Lock()

    async def migrate(self) -> None:
        """Bring the schema to the newest migration (creates the database on first run)."""
        try:
            async with self._engine.begin() as conn:
                await conn.run_sync(_upgrade)
        except (SQLAlchemyError, OSError) as exc:
            raise StoreError(f"cannot migrate the database: {_short(exc)}") from exc

    @asynccontextmanager
    async def startup_lock(self) -> AsyncIterator[None]:
        """Workers starting together on one PostgreSQL database migrate and seed it in turn.

        Without it two fresh workers would both create the tables or the config's feeds, and one
        would fail on the other's rows. SQLite: one process at a time anyway, nothing to do.
        """
        if self.dialect != "postgresql":
            yield
            return
        try:
            conn = await self._engine.connect()
            await conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _STARTUP_LOCK})
        except (SQLAlchemyError, OSError) as exc:
            raise StoreError(f"cannot open the database: {_short(exc)}") from exc
        try:
            yield
        finally:
            # A pooled connection outlives close(): unlock by hand (a crash ends the session,
            # which releases it too).
            with contextlib.suppress(SQLAlchemyError, OSError):
                await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _STARTUP_LOCK})
            await conn.close()

    async def close(self) -> None:
        """Close every connection."""
        await self._engine.dispose()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """One atomic unit of work: commits on success, rolls back on any error or cancellation."""
        async with self._write_lock, self._sessions() as session:
            try:
                async with session.begin():
                    yield Transaction(session)
            except SQLAlchemyError as exc:
                raise StoreError(f"database write failed: {_short(exc)}") from exc

    async def seen_keys(self, feed_id: int, keys: Iterable[str]) -> set[str]:
        """Which of these identity keys the feed has seen (a read outside any write transaction)."""
        async with self._sessions() as session:
            return await Transaction(session).seen_keys(feed_id, keys)

    async def feeds(self) -> list[Feed]:
        """Every feed, oldest first."""
        async with self._sessions() as session:
            return list((await session.scalars(select(Feed).order_by(Feed.id))).all())

    async def feed(self, url: str) -> Feed | None:
        """The feed with this URL, if any."""
        async with self._sessions() as session:
            return await session.scalar(select(Feed).where(Feed.url == url))

    async def claim_due(
        self, now: datetime, *, lease: timedelta | None = None, limit: int = 500
    ) -> list[Feed]:
        """Take the due feeds (most overdue first) for this worker: each is leased until `now + lease`.

        The conditional UPDATE makes a feed go to one worker even when several share the database;
        a worker that dies mid-poll loses the lease when it expires, and the feed is polled again.
        On PostgreSQL, SKIP LOCKED lets a second worker take other due feeds at once instead of
        queueing behind the first one's row locks (SQLite has one writer and renders no lock).
        """
        lease = self.poll_lease if lease is None else lease
        query = (
            select(Feed)
            .where(Feed.disabled_reason.is_(None), Feed.next_poll_at <= now)
            .order_by(Feed.next_poll_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        async with self.transaction() as tx:
            due = (await tx.session.scalars(query)).all()
            if not due:
                return []
            # One UPDATE for the lot (a statement per feed cost ~1 ms each); RETURNING names the
            # feeds still due, i.e. not taken by another worker since the SELECT.
            taken = set(
                await tx.session.scalars(
                    update(Feed)
                    .where(Feed.id.in_([f.id for f in due]), Feed.next_poll_at <= now)
                    .values(next_poll_at=now + lease)
                    .returning(Feed.id)
                    .execution_options(synchronize_session=False)
                )
            )
        return [feed for feed in due if feed.id in taken]

    async def add_feed(
        self,
        url: str,
        now: datetime,
        *,
        topic: str | None = None,
        backfill: int = 0,
        interval: int | None = None,
        origin: str = "cli",
    ) -> tuple[Feed, bool]:
        """Add a feed (due now) or update its options; returns the feed and whether it is new."""
        async with self.transaction() as tx:
            feed = await tx.session.scalar(select(Feed).where(Feed.url == url))
            created = feed is None
            if feed is None:
                feed = Feed.new(url, now, origin=origin, backfill=backfill)
                tx.session.add(feed)
            feed.topic = topic if topic is not None else feed.topic
            feed.backfill = backfill
            feed.interval = interval
        return feed, created

    async def remove_feed(self, url: str) -> bool:
        """Forget a feed and its seen entries (its stored articles stay); False if unknown."""
        async with self.transaction() as tx:
            feed = await tx.session.scalar(select(Feed).where(Feed.url == url))
            if feed is None:
                return False
            await tx.session.execute(delete(SeenEntry).where(SeenEntry.feed_id == feed.id))
            await tx.session.delete(feed)
        return True

    async def articles(self) -> list[Article]:
        """Every stored article, oldest first."""
        async with self._sessions() as session:
            query = select(Article).order_by(Article.created_at, Article.id)
            return list((await session.scalars(query)).all())

    async def reports(self, article_id: str) -> list[ArticleReport]:
        """Every feed that carried this story."""
        async with self._sessions() as session:
            query = select(ArticleReport).where(ArticleReport.article_id == article_id)
            return list((await session.scalars(query)).all())

    async def subscribe(
        self,
        where: ChannelRef,
        topic: str,
        now: datetime,
        *,
        schedule: Schedule | None = None,
        created_by: str | None = None,
        origin: str = "command",
    ) -> tuple[Subscription, bool]:
        """Subscribe a channel to a topic (instant, or a roundup on `schedule`), or change how.

        Subscribing again also lifts a pause: the person asking has just fixed the channel.
        Returns the subscription and whether it is new.
        """
        async with self.transaction() as tx:
            sub = await tx.session.scalar(_subscription_query(where, topic))
            created = sub is None
            if sub is None:
                sub = Subscription(
                    platform=where.platform,
                    workspace=where.workspace,
                    channel=where.channel,
                    topic=topic,
                    origin=origin,
                    created_by=created_by,
                    created_at=now,
                )
                tx.session.add(sub)
            sub.mode = "roundup" if schedule else "instant"
            sub.cron = schedule.cron if schedule else None
            sub.timezone = schedule.timezone if schedule else "UTC"
            sub.next_run_at = schedule.next_run(now) if schedule else None
            sub.paused_reason = None
        return sub, created

    async def unsubscribe(self, where: ChannelRef, topic: str) -> bool:
        """Remove a channel's subscription to a topic; False if there was none."""
        async with self.transaction() as tx:
            sub = await tx.session.scalar(_subscription_query(where, topic))
            if sub is None:
                return False
            await tx.session.delete(sub)
        return True

    async def subscriptions(self, where: ChannelRef | None = None) -> list[Subscription]:
        """Every subscription, or one channel's, by topic."""
        query = select(Subscription).order_by(
            Subscription.platform, Subscription.workspace, Subscription.channel, Subscription.topic
        )
        if where is not None:
            query = query.where(*_channel_filter(where))
        async with self._sessions() as session:
            return list((await session.scalars(query)).all())

    async def pause_channel(self, where: ChannelRef, reason: str) -> int:
        """Pause every subscription of a channel the bot can no longer post to; returns how many."""
        async with self.transaction() as tx:
            subs = (
                await tx.session.scalars(select(Subscription).where(*_channel_filter(where)))
            ).all()
            for sub in subs:
                sub.paused_reason = reason
        return len(subs)

    # -- used by the slash commands (bot/commands) --------------------------------------------
    async def stored_digest(self, url: str, since: datetime) -> dict[str, Any] | None:
        """The digest JSON of `url` made since `since`: a `/news summary` or a feed article."""
        async with self._sessions() as session:
            summary = await session.get(Summary, url)
            if summary is not None and summary.created_at >= since:
                return summary.digest
            query = select(Article.digest).where(
                Article.url == url, Article.digest.is_not(None), Article.created_at >= since
            )
            found: dict[str, Any] | None = await session.scalar(query)
            return found

    async def save_summary(self, url: str, digest: dict[str, Any], now: datetime) -> None:
        """Keep (or refresh) the digest of a page asked for by `/news summary`."""
        async with self.transaction() as tx:
            await tx.session.merge(Summary(url=url, digest=digest, created_at=now))

    async def forget_texts(self, before: datetime, *, batch: int = 5000) -> int:
        """Empty the stored text of up to `batch` articles stored before `before`; how many.

        The text is read only while a story is stored (topics, near-duplicate fingerprint); the
        row stays for what outlives it: the digest, the URL that keeps a story from being
        stored twice, "also reported by". Batches keep each write transaction short.
        """
        old = (
            select(Article.id)
            .where(Article.created_at < before, Article.text != "")
            .limit(batch)
            .scalar_subquery()
        )
        async with self.transaction() as tx:
            done = await tx.session.execute(
                update(Article).where(Article.id.in_(old)).values(text="")
            )
        return int(getattr(done, "rowcount", 0) or 0)

    async def recent_articles(self, limit: int = 200) -> list[Article]:
        """The newest original (not duplicate) articles, newest first."""
        query = (
            select(Article)
            .where(Article.duplicate_of.is_(None))
            .order_by(Article.created_at.desc(), Article.id)
            .limit(limit)
        )
        async with self._sessions() as session:
            return list((await session.scalars(query)).all())


class Transaction:
    """The operations a poll needs inside its one transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def feed(self, feed_id: int) -> Feed:
        """The feed row, loaded in this transaction."""
        feed = await self.session.get(Feed, feed_id)
        if feed is None:
            raise StoreError(f"feed {feed_id} was removed during the poll")
        return feed

    async def seen_keys(self, feed_id: int, keys: Iterable[str]) -> set[str]:
        """Which of these identity keys the feed has seen before."""
        found: set[str] = set()
        for chunk in _chunks(sorted(set(keys))):
            query = select(SeenEntry.key).where(
                SeenEntry.feed_id == feed_id, SeenEntry.key.in_(chunk)
            )
            found.update((await self.session.scalars(query)).all())
        return found

    async def mark_seen(
        self,
        feed_id: int,
        keys: Iterable[str],
        now: datetime,
        article_id: str | None = None,
        *,
        known: set[str] | None = None,
    ) -> None:
        """Record identity keys as seen (the ones already there are left alone).

        `known`, when given, is this transaction's up-to-date set of the feed's seen keys (it saves
        a query per call, and is updated here).
        """
        wanted = set(keys)
        if known is None:
            known = await self.seen_keys(feed_id, wanted)
        fresh = wanted - known
        if not fresh:
            return
        known.update(fresh)
        # A bulk INSERT (one executemany), not one ORM object per key: 80 keys per feed add up.
        await self.session.execute(
            insert(SeenEntry),
            [
                {"feed_id": feed_id, "key": k, "article_id": article_id, "first_seen_at": now}
                for k in sorted(fresh)
            ],
        )

    async def record_polls(self, records: Sequence[PollRecord]) -> None:
        """Write several polls' feed states and seen keys: one executemany statement for each.

        Keys another worker recorded meanwhile are skipped (ON CONFLICT DO NOTHING), not an error.
        """
        if not records:
            return
        conn = await self.session.connection()
        done = await conn.execute(
            update(Feed).where(Feed.id == bindparam("feed_id_")),
            [{"feed_id_": r.feed_id, **r.state} for r in records],
        )
        if conn.dialect.supports_sane_multi_rowcount and done.rowcount != len(records):
            raise StoreError("a feed was removed during the poll")
        rows = [
            {"feed_id": r.feed_id, "key": key, "article_id": None, "first_seen_at": r.now}
            for r in records
            for key in dict.fromkeys(r.seen)
        ]
        if not rows:
            return
        if conn.dialect.name in ("sqlite", "postgresql"):
            dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
            await conn.execute(dialect.insert(SeenEntry).on_conflict_do_nothing(), rows)
        else:  # no portable "insert unless present": ask which are new, feed by feed
            for r in records:
                await self.mark_seen(r.feed_id, r.seen, r.now)

    async def article_by_url(self, url: str) -> Article | None:
        """The stored article with this canonical URL."""
        return await self.session.scalar(select(Article).where(Article.url == url))

    async def recent_fingerprints(self, since: datetime) -> list[tuple[str, str]]:
        """(article id, fingerprint) of original articles stored since `since`."""
        query = select(Article.id, Article.fingerprint).where(
            Article.created_at >= since,
            Article.duplicate_of.is_(None),
            Article.fingerprint.is_not(None),
        )
        return [(i, f) for i, f in (await self.session.execute(query)).all() if f]

    async def add(self, *rows: Any) -> None:
        """Insert rows now, so that later queries in this transaction see them."""
        self.session.add_all(rows)
        await self.session.flush()


def _channel_filter(where: ChannelRef) -> tuple[Any, ...]:
    return (
        Subscription.platform == where.platform,
        Subscription.workspace == where.workspace,
        Subscription.channel == where.channel,
    )


def _subscription_query(where: ChannelRef, topic: str) -> Any:
    return select(Subscription).where(*_channel_filter(where), Subscription.topic == topic)


def _upgrade(connection: Connection) -> None:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    # WAL: readers never wait for the writer; NORMAL sync is still crash-safe (atomic) in WAL mode.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _short(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__).splitlines()[0][:300]
