"""Feeds, articles, seen entries and "also reported by".

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Plain column types, not the models' TypeDecorator: a migration must not change when application
# code does. UTCDateTime (bot/store/models.py) stores exactly this type.
_UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the first tables."""
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("url", sa.String(2048), nullable=False, unique=True),
        sa.Column("title", sa.String(500)),
        sa.Column("topic", sa.String(200)),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("backfill", sa.Integer, nullable=False),
        sa.Column("interval", sa.Integer),
        sa.Column("identity", sa.String(10)),
        sa.Column("etag", sa.String(500)),
        sa.Column("last_modified", sa.String(100)),
        sa.Column("next_poll_at", _UTC, nullable=False),
        sa.Column("consecutive_failures", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("last_polled_at", _UTC),
        sa.Column("last_success_at", _UTC),
        sa.Column("disabled_reason", sa.Text),
        sa.Column("created_at", _UTC, nullable=False),
    )
    op.create_index("ix_feeds_next_poll_at", "feeds", ["next_poll_at"])
    op.create_table(
        "articles",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("feed_id", sa.Integer, sa.ForeignKey("feeds.id", ondelete="SET NULL")),
        sa.Column("url", sa.String(2048), nullable=False, unique=True),
        sa.Column("title", sa.String(1000), nullable=False),
        sa.Column("published", _UTC),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("fingerprint", sa.String(16)),
        sa.Column("digest", sa.JSON),
        sa.Column("digest_note", sa.Text),
        sa.Column("duplicate_of", sa.String(32), sa.ForeignKey("articles.id")),
        sa.Column("created_at", _UTC, nullable=False),
    )
    op.create_index("ix_articles_created_at", "articles", ["created_at"])
    op.create_index("ix_articles_duplicate_of", "articles", ["duplicate_of"])
    op.create_table(
        "seen_entries",
        sa.Column(
            "feed_id",
            sa.Integer,
            sa.ForeignKey("feeds.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("article_id", sa.String(32)),
        sa.Column("first_seen_at", _UTC, nullable=False),
    )
    op.create_table(
        "article_reports",
        sa.Column(
            "article_id",
            sa.String(32),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("feed_url", sa.String(2048), primary_key=True),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("reported_at", _UTC, nullable=False),
    )


def downgrade() -> None:
    """Drop the first tables."""
    op.drop_table("article_reports")
    op.drop_table("seen_entries")
    op.drop_table("articles")
    op.drop_index("ix_feeds_next_poll_at", "feeds")
    op.drop_table("feeds")
