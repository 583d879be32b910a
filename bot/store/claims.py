"""Channel leases: several workers share one outbox, each channel sent by one worker at a time.

A worker claims a channel before sending what it is owed (a conditional UPDATE: free, expired or
already ours), books every message's send time through the database, and releases the channel
when done. Booking a message locks the channel's row and the platform's row (workspace and
channel ""), and moves both `next_send_at`s on: the per-channel spacing and the platform-wide
rate (Discord's global limit) then hold across processes, and a channel that changes hands
keeps its spacing. A worker that dies keeps its channels until the lease runs out (each booking
renews it); then another worker takes them over. Times here are the real clock: pacing is real.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.settings import Settings
from bot.store.models import ChannelLease, ChannelRef
from bot.store.store import Store, Transaction


def _utc_now() -> datetime:
    return datetime.now(UTC)


def worker_name() -> str:
    """This process's name in claims: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(3)}"


class ChannelClaims:
    """This worker's leases on channels, and the shared pacing of its messages."""

    def __init__(
        self,
        store: Store,
        *,
        lease: timedelta = timedelta(seconds=Settings.model_fields["delivery_lease"].default),
        worker: str | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.store = store
        self.lease = lease
        self.worker = worker or worker_name()
        self.clock = clock
        self._went: dict[ChannelRef, datetime] = {}  # when this worker's last message went

    async def claim(self, where: ChannelRef) -> bool:
        """Take the channel for this worker unless another worker holds an unexpired lease."""
        now = self.clock()
        async with self.store.transaction() as tx:
            await _ensure(tx, self.store.dialect, where)
            taken = await tx.session.execute(
                update(ChannelLease)
                .where(
                    *_key(where),
                    or_(
                        ChannelLease.claimed_by.is_(None),
                        ChannelLease.claimed_by == self.worker,
                        ChannelLease.claimed_until <= now,
                    ),
                )
                .values(claimed_by=self.worker, claimed_until=now + self.lease)
                .execution_options(synchronize_session=False)
            )
        return getattr(taken, "rowcount", 0) == 1

    async def wait_turn(
        self, where: ChannelRef, channel_interval: float, global_interval: float
    ) -> bool:
        """Book the next message's slot and sleep until it; False if the channel was taken over."""
        spacing = timedelta(seconds=channel_interval)
        platform_key = ChannelRef(where.platform, "", "")
        async with self.store.transaction() as tx:
            # Always the channel row first, then the platform row: no two workers deadlock.
            row = await _locked(tx, where)
            if row is None or row.claimed_by != self.worker:
                return False
            platform = await _locked(tx, platform_key)
            now = self.clock()
            at = max(
                now,
                row.next_send_at or now,
                (platform and platform.next_send_at) or now,
                # A message that went later than booked (the commit took a while) pushes the next.
                self._went.get(where, now) + spacing,
                self._went.get(platform_key, now) + timedelta(seconds=global_interval),
            )
            row.next_send_at = at + spacing
            row.claimed_until = at + self.lease
            if platform is not None:
                platform.next_send_at = at + timedelta(seconds=global_interval)
        delay = (at - self.clock()).total_seconds()
        if delay > 0:
            await asyncio.sleep(delay)
        self._went[where] = self._went[platform_key] = max(at, self.clock())
        return True

    async def release(self, where: ChannelRef) -> None:
        """Give the channel back (its next_send_at stays for whoever sends next)."""
        self._went.pop(where, None)
        async with self.store.transaction() as tx:
            await tx.session.execute(
                update(ChannelLease)
                .where(*_key(where), ChannelLease.claimed_by == self.worker)
                .values(claimed_by=None, claimed_until=None)
                .execution_options(synchronize_session=False)
            )


def _key(where: ChannelRef) -> tuple[Any, ...]:
    return (
        ChannelLease.platform == where.platform,
        ChannelLease.workspace == where.workspace,
        ChannelLease.channel == where.channel,
    )


async def _locked(tx: Transaction, where: ChannelRef) -> ChannelLease | None:
    # FOR UPDATE on PostgreSQL; SQLite has one writer at a time and renders no lock clause.
    query = select(ChannelLease).where(*_key(where)).with_for_update()
    return await tx.session.scalar(query.execution_options(populate_existing=True))


async def _ensure(tx: Transaction, dialect: str, where: ChannelRef) -> None:
    """Create the channel's and its platform's rows if missing (a no-op when they exist)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    rows = [
        {"platform": where.platform, "workspace": where.workspace, "channel": where.channel},
        {"platform": where.platform, "workspace": "", "channel": ""},
    ]
    for row in rows:
        await tx.session.execute(insert(ChannelLease).values(**row).on_conflict_do_nothing())
