"""Storage: SQLAlchemy models, Alembic migrations and the small `Store` interface."""

from bot.store.models import Article, ArticleReport, Feed, SeenEntry
from bot.store.store import Store, Transaction

__all__ = ["Article", "ArticleReport", "Feed", "SeenEntry", "Store", "Transaction"]
