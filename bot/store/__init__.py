"""Storage: SQLAlchemy models, Alembic migrations and the small `Store` interface."""

from bot.store.claims import ChannelClaims
from bot.store.models import (
    Article,
    ArticleReport,
    ChannelLease,
    ChannelRef,
    Delivery,
    Feed,
    FeedTag,
    SeenEntry,
    Subscription,
    Summary,
)
from bot.store.store import PollRecord, Store, Transaction

__all__ = [
    "Article",
    "ArticleReport",
    "ChannelClaims",
    "ChannelLease",
    "ChannelRef",
    "Delivery",
    "Feed",
    "FeedTag",
    "PollRecord",
    "SeenEntry",
    "Store",
    "Subscription",
    "Summary",
    "Transaction",
]
