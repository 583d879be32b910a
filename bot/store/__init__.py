"""Storage: SQLAlchemy models, Alembic migrations and the small `Store` interface."""

from bot.store.models import (
    Article,
    ArticleReport,
    ChannelRef,
    Delivery,
    Feed,
    SeenEntry,
    Subscription,
    Summary,
)
from bot.store.store import PollRecord, Store, Transaction

__all__ = [
    "Article",
    "ArticleReport",
    "ChannelRef",
    "Delivery",
    "Feed",
    "PollRecord",
    "SeenEntry",
    "Store",
    "Subscription",
    "Summary",
    "Transaction",
]
