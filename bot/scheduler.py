"""The scheduler: APScheduler ticks, the database decides what is due; stops cleanly on a signal."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.poll import Poller, RoundReport

Clock = Callable[[], datetime]
Job = Callable[
    [datetime], Awaitable[object]
]  # e.g. the roundup job: `run_due_roundups(store, now)`


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


async def run_scheduler(
    poller: Poller,
    *,
    tick: float,
    clock: Clock = utc_now,
    stop: asyncio.Event | None = None,
    grace: float = 30.0,
    jobs: Sequence[Job] = (),
) -> None:
    """Poll what is due every `tick` seconds until `stop` is set (SIGINT/SIGTERM set it).

    Each of `jobs` runs after the poll in the same round, with the same `now`.

    In-flight polls get `grace` seconds to finish; after that they are cancelled, which rolls
    their transactions back, so a restart repeats them rather than half-applying them.
    """
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    running: set[asyncio.Task[RoundReport]] = set()

    async def job() -> None:
        # One round at a time: a slow round delays the next tick instead of overlapping it.
        task = asyncio.create_task(_round(poller, jobs, clock()))
        running.add(task)
        try:
            await task
        finally:
            running.discard(task)

    # A round longer than a tick makes APScheduler warn that it skipped one; that is by design.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.add_job(
        job, "interval", seconds=tick, next_run_time=utc_now(), max_instances=1, coalesce=True
    )
    scheduler.start()
    try:
        await stop.wait()
    finally:
        scheduler.shutdown(wait=False)
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        if running:
            _done, pending = await asyncio.wait(set(running), timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)


async def _round(poller: Poller, jobs: Sequence[Job], now: datetime) -> RoundReport:
    report = await poller.poll_due(now)
    for job in jobs:
        await job(now)
    return report
