"""Polling as plain phases with the clock passed in: fetch → parse → decide → condense → store.

The scheduler's job is one line, `await poller.poll_due(now)`; tests call the phases directly.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.condense import Condensed, condense
from bot.errors import FeedError, FetchError, NewsbotError
from bot.feeds import Entry, ParsedFeed, choose_identity, entry_keys, is_seen, parse_feed
from bot.fetch import Fetcher, FetchResult
from bot.follows import owe_disabled_notices
from bot.poll_writes import PollWriter, succeeded_state
from bot.settings import Settings
from bot.sources import is_folder_url, read_folder
from bot.store import Article, ArticleReport, Feed, PollRecord, Store, Transaction
from digests import Digest
from digests.fingerprint import from_hex, near_duplicate, simhash, to_hex

FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.5"
INLINE_PARSE_BYTES = 256 * 1024
DUPLICATE_WINDOW = timedelta(days=3)  # near-duplicates are looked for among stories this recent
CLAIM_BATCH = 500  # due feeds leased per claim: polled well within the 10-minute lease


@dataclass(frozen=True, slots=True)
class Story:
    """A new story stored by a poll, ready to deliver."""

    feed: str
    url: str
    title: str
    article_id: str
    digest: Digest | None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Duplicate:
    """An entry recognised as a story already stored (same URL or near-duplicate text)."""

    feed: str
    url: str
    duplicate_of: str  # the URL of the first copy


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """What one poll of one feed found."""

    feed: str
    new: tuple[Story, ...] = ()
    duplicates: tuple[Duplicate, ...] = ()
    seen: int = 0  # entries recorded as seen without posting (first poll, old entries)
    skipped: int = 0  # new entries over the per-poll limit (a flood), recorded as seen
    error: str | None = None
    not_modified: bool = False


@dataclass(frozen=True, slots=True)
class RoundReport:
    """What a round over several feeds found."""

    outcomes: tuple[FeedOutcome, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        """The `newsbot poll --once --json` object."""
        return {
            "new": [
                {"feed": s.feed, "url": s.url, "title": s.title, "note": s.note}
                for o in self.outcomes
                for s in o.new
            ],
            "duplicates": [
                {"feed": d.feed, "url": d.url, "duplicate_of": d.duplicate_of}
                for o in self.outcomes
                for d in o.duplicates
            ],
            "failed": [{"feed": o.feed, "error": o.error} for o in self.outcomes if o.error],
            "skipped": [{"feed": o.feed, "count": o.skipped} for o in self.outcomes if o.skipped],
            "polled": len(self.outcomes),
        }


OnStory = Callable[[Story], Awaitable[None]]
# Called inside a feed's store transaction with its new stories, so that whatever it writes (the
# delivery outbox) commits or rolls back together with the stories themselves.
OnStored = Callable[[Transaction, Feed, Sequence[Story], datetime], Awaitable[None]]


class Poller:
    """Polls feeds into the store; `on_story` is called once per new story after its commit."""

    def __init__(
        self,
        store: Store,
        fetcher: Fetcher,
        settings: Settings,
        *,
        on_story: OnStory | None = None,
        on_stored: OnStored | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.settings = settings
        self.on_story = on_story
        self.on_stored = on_stored
        self.rng = rng or random.Random()
        self._feeds_at_once = asyncio.Semaphore(settings.concurrency)
        self.claim_batch = CLAIM_BATCH
        self._writes = PollWriter(store)

    async def poll_due(self, now: datetime) -> RoundReport:
        """Poll every enabled feed whose next poll time has come, claimed a batch at a time.

        Claiming again until a batch comes back short is what lets one worker keep up with more
        feeds per tick than one claim holds (20,000 feeds at 10 minutes are ~1,000 per tick).
        Every polled feed's next poll is after `now`, so each batch is new and the loop ends.
        """
        outcomes: list[FeedOutcome] = []
        while True:
            batch = await self.store.claim_due(now, limit=self.claim_batch)
            outcomes += (await self.poll_feeds(batch, now)).outcomes
            if len(batch) < self.claim_batch:
                return RoundReport(tuple(outcomes))

    async def poll_all(self, now: datetime) -> RoundReport:
        """Poll every enabled feed now, due or not."""
        feeds = [f for f in await self.store.feeds() if not f.disabled_reason]
        return await self.poll_feeds(feeds, now)

    async def poll_feeds(self, feeds: Sequence[Feed], now: datetime) -> RoundReport:
        """Poll these feeds concurrently (within the fetcher's host and global limits)."""
        results = await asyncio.gather(
            *(self._bounded(f, now) for f in feeds), return_exceptions=True
        )
        outcomes = []
        for feed, result in zip(feeds, results, strict=True):
            if isinstance(result, asyncio.CancelledError):
                raise result
            if isinstance(result, BaseException):  # e.g. the database failed recording a failure
                result = FeedOutcome(feed.url, error=f"{type(result).__name__}: {result}")
            outcomes.append(result)
        return RoundReport(tuple(outcomes))

    async def _bounded(self, feed: Feed, now: datetime) -> FeedOutcome:
        async with self._feeds_at_once:
            return await self.poll_feed(feed, now)

    async def poll_feed(self, feed: Feed, now: datetime) -> FeedOutcome:
        """One feed: fetch, parse, decide, condense, store; failures recorded.

        Stories are stored in the feed's own transaction; a poll with none shares one (PollWriter).
        """
        try:
            fetched = await fetch_feed(self.fetcher, feed, self.settings)
            meta = fetched if isinstance(fetched, FetchResult) else None
            if meta is not None and meta.not_modified:
                state = self._succeeded(feed, now, meta)
                await self._writes.write(PollRecord(feed.id, state, (), now))
                return FeedOutcome(feed.url, not_modified=True)
            parsed = await parse(fetched)
            keyed = tuple((e, entry_keys(e)) for e in parsed.entries)  # once per entry
            keys = [k for _, ks in keyed for k in ks.values()]
            seen = set() if is_first_poll(feed) else await self.store.seen_keys(feed.id, keys)
            decision = decide(
                feed, parsed, seen, max_new=self.settings.max_new_per_poll, keyed=keyed
            )
            if not decision.candidates:  # only seen keys and the feed's state: shared transaction
                state = self._succeeded(feed, now, meta, parsed, decision.identity)
                unseen = tuple(k for k in keys if k not in seen)
                await self._writes.write(PollRecord(feed.id, state, unseen, now))
                return FeedOutcome(feed.url, seen=len(keyed))
            condensed = await asyncio.gather(*(self._condense(e) for e in decision.candidates))
            async with self.store.transaction() as tx:
                outcome = await store_poll(tx, feed.id, decision, condensed, now)
                row = await tx.feed(feed.id)
                if self.on_stored and outcome.new:
                    await self.on_stored(tx, row, outcome.new, now)
                for column, value in self._succeeded(
                    row, now, meta, parsed, decision.identity
                ).items():
                    setattr(row, column, value)
        except (FetchError, FeedError) as exc:
            retry = exc.retry_after if isinstance(exc, FetchError) else None
            return await self._failed(feed, now, str(exc), retry)
        except NewsbotError as exc:
            return await self._failed(feed, now, str(exc), None)
        except Exception as exc:  # a bug must not stop the other feeds, nor go unnoticed
            return await self._failed(
                feed, now, f"internal error: {type(exc).__name__}: {exc}", None
            )
        if self.on_story:
            for story in outcome.new:
                await self.on_story(story)
        return outcome

    async def _condense(self, entry: Entry) -> Condensed:
        return await condense(entry, self.fetcher, min_page_chars=self.settings.min_page_chars)

    def _succeeded(
        self,
        feed: Feed,
        now: datetime,
        meta: FetchResult | None,
        parsed: ParsedFeed | None = None,
        identity: str | None = None,
    ) -> dict[str, Any]:
        next_poll = self._next_poll(feed, now, meta.max_age if meta else None)
        return succeeded_state(feed, now, next_poll, meta, parsed, identity)

    def _next_poll(self, feed: Feed, now: datetime, max_age: float | None) -> datetime:
        interval = max(60, feed.interval or self.settings.poll_interval)
        jitter = self.rng.uniform(-self.settings.poll_jitter, self.settings.poll_jitter)
        return now + timedelta(seconds=max(interval * (1 + jitter), max_age or 0, 60))

    async def _failed(
        self, feed: Feed, now: datetime, reason: str, retry_after: float | None
    ) -> FeedOutcome:
        async with self.store.transaction() as tx:
            row = await tx.feed(feed.id)
            row.consecutive_failures += 1
            row.last_error = reason
            row.last_polled_at = now
            delay = backoff_delay(
                row.consecutive_failures, self.settings.backoff_base, self.settings.backoff_cap
            )
            row.next_poll_at = now + timedelta(seconds=max(delay, retry_after or 0))
            if row.consecutive_failures >= self.settings.max_failures:
                newly = row.disabled_reason is None
                row.disabled_reason = (
                    f"disabled after {row.consecutive_failures} consecutive failures; "
                    f"last: {reason}"
                )
                if newly:  # the channels that follow it are told, in this same transaction
                    await owe_disabled_notices(tx, row, now)
        return FeedOutcome(feed.url, error=reason)


def backoff_delay(failures: int, base: float, cap: float) -> float:
    """Seconds to wait after `failures` consecutive failures: base × 2ⁿ⁻¹, capped."""
    return float(min(cap, base * 2 ** min(max(failures - 1, 0), 30)))


async def fetch_feed(fetcher: Fetcher, feed: Feed, settings: Settings) -> FetchResult | ParsedFeed:
    """Fetch phase: the feed's bytes (conditional GET), or a local folder read as a feed."""
    if is_folder_url(feed.url):
        return await asyncio.to_thread(read_folder, feed.url, max_bytes=settings.max_body_bytes)
    return await fetcher.fetch(
        feed.url, etag=feed.etag, last_modified=feed.last_modified, accept=FEED_ACCEPT
    )


async def parse(fetched: FetchResult | ParsedFeed) -> ParsedFeed:
    """Parse phase: small feeds inline, large ones in a thread so they cannot stall other polls.

    (Threads do not parse in parallel under the GIL; for small feeds they only add GIL hand-offs
    to every database round trip.)
    """
    if isinstance(fetched, ParsedFeed):
        return fetched
    if len(fetched.body) <= INLINE_PARSE_BYTES:
        return parse_feed(fetched.body, content_type=fetched.content_type, url=fetched.url)
    return await asyncio.to_thread(
        parse_feed, fetched.body, content_type=fetched.content_type, url=fetched.url
    )


@dataclass(frozen=True, slots=True)
class Decision:
    """Decide phase result: which entries are new, and every entry's identity keys."""

    identity: str
    candidates: tuple[Entry, ...]
    keys: tuple[tuple[Entry, dict[str, str]], ...]
    first_poll: bool
    skipped: int = 0  # new entries over the per-poll limit, recorded as seen


def is_first_poll(feed: Feed) -> bool:
    """A feed never polled successfully: its current entries are recorded, not posted."""
    return feed.identity is None and feed.last_success_at is None


def decide(
    feed: Feed,
    parsed: ParsedFeed,
    seen: set[str],
    *,
    max_new: int = 10_000,
    keyed: Sequence[tuple[Entry, dict[str, str]]] | None = None,
) -> Decision:
    """Which entries are new. On a feed's first poll none are, except the newest `backfill`.

    More than `max_new` new entries at once (a feed rewritten wholesale) keeps the newest
    `max_new`; the rest are recorded as seen and counted in `skipped`, so a channel is not flooded.
    `keyed` is the entries with their `entry_keys`, when the caller has them already.
    """
    keyed = tuple(keyed) if keyed is not None else tuple((e, entry_keys(e)) for e in parsed.entries)
    first = is_first_poll(feed)
    identity = feed.identity or choose_identity(parsed.entries)
    if identity == "guid" and choose_identity(parsed.entries) != "guid":
        identity = choose_identity(parsed.entries)  # guids stopped being unique in the feed
    if first:
        chosen = _newest(keyed, range(len(keyed)), feed.backfill)
        return Decision(identity, tuple(keyed[i][0] for i in chosen), keyed, True)
    fresh = []
    for i, (_entry, keys) in enumerate(keyed):
        old, better = is_seen(keys, seen, identity)
        identity = better or identity
        if not old:
            fresh.append(i)
    chosen = _newest(keyed, fresh, max_new)
    return Decision(
        identity, tuple(keyed[i][0] for i in chosen), keyed, False, len(fresh) - len(chosen)
    )


def _newest(
    keyed: Sequence[tuple[Entry, dict[str, str]]], indexes: Iterable[int], n: int
) -> list[int]:
    """The `n` newest of these entries (by date, else feed order), in feed order."""
    order = sorted(
        indexes,
        key=lambda i: (keyed[i][0].published is not None, keyed[i][0].published, -i),
        reverse=True,
    )
    return sorted(order[:n])


async def store_poll(
    tx: Transaction, feed_id: int, decision: Decision, condensed: Sequence[Condensed], now: datetime
) -> FeedOutcome:
    """Store phase, inside the poll's one transaction: articles, "also reported by", seen keys."""
    feed = await tx.feed(feed_id)
    fresh_seen = await tx.seen_keys(feed_id, [k for _, ks in decision.keys for k in ks.values()])
    since = now - DUPLICATE_WINDOW
    recent = [(i, from_hex(f)) for i, f in await tx.recent_fingerprints(since)] if condensed else []
    new: list[Story] = []
    dups: list[Duplicate] = []
    keys_of = {id(e): ks for e, ks in decision.keys}
    for item in condensed:
        keys = keys_of[id(item.entry)]
        if not decision.first_poll and is_seen(keys, fresh_seen, decision.identity)[0]:
            continue  # stored meanwhile (another worker): never twice
        url = item.entry.link or f"urn:newsbot:{feed_id}:{next(iter(keys.values()))}"
        existing = await tx.article_by_url(url)
        if existing is not None:
            await _report(tx, existing.duplicate_of or existing.id, feed.url, url, now)
            original = await tx.session.get(Article, existing.duplicate_of or existing.id)
            dups.append(Duplicate(feed.url, url, original.url if original else existing.url))
            await tx.mark_seen(feed_id, keys.values(), now, existing.id, known=fresh_seen)
            continue
        fingerprint = simhash(f"{item.entry.title} {item.text}")
        match = next((i for i, f in recent if near_duplicate(fingerprint, f)), None)
        article = _article(feed_id, url, item, fingerprint, match, now)
        await tx.add(article)
        await _report(tx, match or article.id, feed.url, url, now)
        await tx.mark_seen(feed_id, keys.values(), now, article.id, known=fresh_seen)
        if match:
            original = await tx.session.get(Article, match)
            dups.append(Duplicate(feed.url, url, original.url if original else match))
        else:
            recent.append((article.id, fingerprint))
            title = item.digest.title if item.digest else item.entry.title
            new.append(Story(feed.url, url, title, article.id, item.digest, item.note))
    await tx.mark_seen(
        feed_id, [k for _, ks in decision.keys for k in ks.values()], now, known=fresh_seen
    )
    return FeedOutcome(
        feed.url,
        tuple(new),
        tuple(dups),
        seen=len(decision.keys) - len(new),
        skipped=decision.skipped,
    )


def article_id(url: str) -> str:
    """A story's stable id: a hash of its canonical URL."""
    return hashlib.blake2b(url.encode(), digest_size=16).hexdigest()


def _article(
    feed_id: int, url: str, item: Condensed, fingerprint: int, match: str | None, now: datetime
) -> Article:
    return Article(
        id=article_id(url),
        feed_id=feed_id,
        url=url,
        title=(item.digest.title if item.digest else item.entry.title)[:1000] or "(untitled)",
        published=item.entry.published or (item.digest.published if item.digest else None),
        text=item.text,
        fingerprint=to_hex(fingerprint) if fingerprint else None,
        digest=item.digest.to_json() if item.digest else None,
        digest_note=item.note,
        duplicate_of=match,
        created_at=now,
    )


async def _report(tx: Transaction, article: str, feed_url: str, url: str, now: datetime) -> None:
    if await tx.session.get(ArticleReport, (article, feed_url)) is None:
        await tx.add(ArticleReport(article_id=article, feed_url=feed_url, url=url, reported_at=now))
