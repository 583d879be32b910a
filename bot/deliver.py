"""The delivery worker: posts what the outbox owes, exactly once, through rate limits and outages.

Each due delivery is rendered by its platform's sender and posted message by message; after each
message the platform's id is recorded, so a restart resumes where it stopped. Discord messages carry
a nonce derived from the delivery id with `enforce_nonce`, so even a crash between "posted" and
"recorded" cannot duplicate there (see docs/architecture.md for Slack's remaining window).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import update

from bot.errors import PublishError
from bot.outbox import Outbox, backoff, digest_of
from bot.pings import Ping, pings_of
from bot.store import ChannelClaims, ChannelRef, Delivery, Store
from digests import Digest

Payload = dict[str, Any]
log = logging.getLogger("newsbot.deliver")


class Sender(Protocol):
    """One platform's outbound side: render a digest or roundup, post one message."""

    platform: str
    channel_interval: float  # seconds between two messages to one channel
    global_interval: float  # seconds between two messages on the whole platform

    def render_digest(self, digest: Digest, *, pings: Sequence[Ping] = ()) -> list[Payload]:
        """The messages for one story (`pings`: the mentions its subscriptions asked for)."""
        ...

    def render_roundup(
        self, heading: str, digests: Sequence[Digest], *, pings: Sequence[Ping] = ()
    ) -> list[Payload]:
        """The messages for a roundup."""
        ...

    def render_notice(self, text: str) -> list[Payload]:
        """A short plain message from the bot itself (e.g. a followed feed was disabled)."""
        ...

    async def send(self, where: ChannelRef, payload: Payload, *, key: str) -> str:
        """Post one message; returns its platform id. `key` is stable across retries (a nonce)."""
        ...


def nonce(delivery_id: int, part: int) -> str:
    """The idempotency key of one message of a delivery (Discord allows 25 characters)."""
    return f"nb{delivery_id}.{part}"[:25]


@dataclass(frozen=True, slots=True)
class RoundSummary:
    """What one pass over the outbox did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0


class DeliveryWorker:
    """Sends due deliveries through the senders; the clock is passed in (`now`)."""

    def __init__(
        self,
        store: Store,
        outbox: Outbox,
        senders: Mapping[str, Sender],
        *,
        rng: random.Random | None = None,
        backoff_base: float = 10.0,
        backoff_cap: float = 900.0,
        claims: ChannelClaims | None = None,
    ) -> None:
        self.store = store
        self.outbox = outbox
        self.senders = dict(senders)
        self.rng = rng or random.Random()
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        # Each channel is sent by one worker at a time, its messages paced through the database
        # (per channel and per platform), so several workers on one database share the outbox.
        self.claims = claims or ChannelClaims(store)

    async def run_once(self, now: datetime) -> RoundSummary:
        """Send every delivery due at `now`: channels in parallel, each channel in order."""
        channels = {d.where for d in await self.outbox.due(now, list(self.senders))}
        results = await asyncio.gather(*(self._claimed(where, now) for where in channels))
        flat = [r for rs in results for r in rs]
        return RoundSummary(flat.count("sent"), flat.count("retry"), flat.count("failed"))

    async def run(
        self, stop: asyncio.Event, clock: Callable[[], datetime], *, tick: float = 2.0
    ) -> None:
        """Deliver until `stop` is set, waking on new deliveries or every `tick` seconds."""
        while not stop.is_set():
            self.outbox.wake.clear()
            try:
                await self.run_once(clock())
            except Exception:  # the worker must outlive a bad row or a database hiccup
                log.exception("delivery round failed")
            waits = [asyncio.create_task(stop.wait()), asyncio.create_task(self.outbox.wake.wait())]
            await asyncio.wait(waits, timeout=tick, return_when=asyncio.FIRST_COMPLETED)
            for task in waits:
                task.cancel()

    async def _claimed(self, where: ChannelRef, now: datetime) -> list[str]:
        """The channel's due deliveries, if this worker gets the channel (another may hold it)."""
        if not await self.claims.claim(where):
            return []
        try:
            # Read after the claim: the worker that held the channel may have sent some meanwhile.
            return await self._channel(
                where, await self.outbox.due(now, [where.platform], where=where), now
            )
        finally:
            await self.claims.release(where)

    async def _channel(self, where: ChannelRef, items: list[Delivery], now: datetime) -> list[str]:
        outcomes = []
        for delivery in items:
            outcome = await self._deliver(delivery, now)
            outcomes.append(outcome)
            if outcome == "paused":
                # Everything else owed to this channel was failed with the same reason.
                outcomes.extend("failed" for _ in items[len(outcomes) :])
                break
            if outcome in ("retry", "lost"):
                break  # keep the channel's order: later items wait for this one
        return ["failed" if o == "paused" else o for o in outcomes if o != "lost"]

    async def _deliver(self, delivery: Delivery, now: datetime) -> str:
        sender = self.senders[delivery.platform]
        try:
            payloads = await self._render(sender, delivery)
            if not payloads:
                await self._finish(delivery.id, now, status="sent", error="nothing to post")
                return "sent"
            ids = list(delivery.message_ids or [])
            for part in range(delivery.parts_sent, len(payloads)):
                turn = self.claims.wait_turn(
                    delivery.where, sender.channel_interval, sender.global_interval
                )
                if not await turn:
                    return "lost"  # the lease ran out and another worker has the channel
                message_id = await sender.send(
                    delivery.where, payloads[part], key=nonce(delivery.id, part)
                )
                ids.append(message_id)
                await self._progress(delivery.id, part + 1, ids)
            await self._finish(delivery.id, now, status="sent")
            return "sent"
        except PublishError as exc:
            if exc.kind == "retry":
                await self._retry(delivery.id, now, exc)
                return "retry"
            if exc.kind == "channel":
                await self._pause(delivery.where, exc.reason, now)
                return "paused"
            await self._finish(delivery.id, now, status="failed", error=exc.reason)
            return "failed"
        except Exception as exc:  # a bug with one row must not block the whole outbox, nor hide
            log.exception("delivery %s: internal error", delivery.id)
            reason = f"internal error: {type(exc).__name__}: {exc}"
            await self._finish(delivery.id, now, status="failed", error=reason)
            return "failed"

    async def _render(self, sender: Sender, delivery: Delivery) -> list[Payload]:
        payload = delivery.payload or {}
        if delivery.kind == "notice":
            return sender.render_notice(str(payload.get("text", "")))
        pings = pings_of(payload)
        if delivery.kind == "roundup":
            articles = await self.outbox.articles(payload.get("articles", []))
            digests = [digest_of(a) for a in articles]
            heading = str(payload.get("heading", "Roundup"))
            return sender.render_roundup(heading, digests, pings=pings)
        articles = await self.outbox.articles([delivery.article_id or ""])
        if not articles:
            raise PublishError("the story was deleted before it could be posted", kind="message")
        return sender.render_digest(digest_of(articles[0]), pings=pings)

    async def _progress(self, delivery_id: int, parts: int, ids: list[str]) -> None:
        async with self.store.transaction() as tx:
            row = await tx.session.get(Delivery, delivery_id)
            if row is not None:
                row.parts_sent = parts
                row.message_ids = list(ids)

    async def _finish(
        self, delivery_id: int, now: datetime, *, status: str, error: str | None = None
    ) -> None:
        async with self.store.transaction() as tx:
            row = await tx.session.get(Delivery, delivery_id)
            if row is not None:
                row.status = status
                row.last_error = error
                row.sent_at = now if status == "sent" else None
        if status == "failed":
            log.warning("delivery %s failed: %s", delivery_id, error)

    async def _retry(self, delivery_id: int, now: datetime, exc: PublishError) -> None:
        async with self.store.transaction() as tx:
            row = await tx.session.get(Delivery, delivery_id)
            if row is None:
                return
            row.attempts += 1
            row.last_error = exc.reason
            if exc.retry_after is not None:
                # The server said when (429 / 503 Retry-After): earlier would only be refused.
                delay = backoff(1, base=exc.retry_after)
            else:
                jitter = self.rng.uniform(-0.2, 0.2)
                delay = backoff(
                    row.attempts, base=self.backoff_base, cap=self.backoff_cap, jitter=jitter
                )
            row.next_attempt_at = now + delay
            if exc.retry_after is not None:
                # A rate limit holds the whole channel: what else it is owed waits too.
                query = update(Delivery).where(
                    Delivery.platform == row.platform,
                    Delivery.workspace == row.workspace,
                    Delivery.channel == row.channel,
                    Delivery.status == "pending",
                    Delivery.next_attempt_at < row.next_attempt_at,
                )
                await tx.session.execute(query.values(next_attempt_at=row.next_attempt_at))

    async def _pause(self, where: ChannelRef, reason: str, now: datetime) -> None:
        """Pause the channel's subscriptions and fail what it is owed, both with the reason."""
        await self.store.pause_channel(where, reason)
        for row in await self.outbox.deliveries(where):
            if row.status == "pending":
                await self._finish(row.id, now, status="failed", error=reason)
        log.warning("paused %s channel %s: %s", where.platform, where.channel, reason)
