"""Retention: an article's full text is dropped once it is old; what outlives it stays."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.store import Store

log = logging.getLogger(__name__)
BATCH = 5000  # articles per write: a first run over a large store must not lock it for long
EVERY = timedelta(hours=1)


class TextRetention:
    """A scheduler job: empty the text of articles older than `days` (0: keep every text).

    It looks at most once an hour, and again at the next tick while a batch came back full.
    """

    def __init__(self, store: Store, days: int) -> None:
        self._store = store
        self._days = days
        self._next: datetime | None = None

    async def __call__(self, now: datetime) -> int:
        """Run if due; how many texts were emptied."""
        if not self._days or (self._next is not None and now < self._next):
            return 0
        try:
            done = await self._store.forget_texts(now - timedelta(days=self._days), batch=BATCH)
        except Exception:  # the scheduler must go on; the next look retries
            log.exception("text retention failed")
            done = 0
        self._next = now if done == BATCH else now + EVERY
        return done
