"""Storage: SQLAlchemy models, Alembic migrations and the small `Store` interface."""

from bot.store.models import (
    Article,
    ArticleReport,
    ChannelRef,
    Delivery,
    Feed,
    FeedTag,
    SeenEntry,
    Subscription,
    Summary,
)
from bot.store.store import Store, Transaction

__all__ = [
    "Article",
    "ArticleReport",
    "ChannelRef",
    "Delivery",
    "Feed",
    "FeedTag",
    "SeenEntry",
    "Store",
    "Subscription",
    "Summary",
    "Transaction",
]
