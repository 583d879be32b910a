"""Article topics, and the outbox of deliveries (stories and roundups owed to channels).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Plain types, as in 0001: a migration must not change when application code does.
_UTC = sa.DateTime(timezone=True)

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add articles.topics and create the deliveries table."""
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("topics", sa.JSON))
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("item", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("article_id", sa.String(32)),
        sa.Column("payload", sa.JSON),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", _UTC, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("parts_sent", sa.Integer, nullable=False),
        sa.Column("message_ids", sa.JSON),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("sent_at", _UTC),
        sa.UniqueConstraint("platform", "workspace", "channel", "item"),
    )
    op.create_index("ix_deliveries_due", "deliveries", ["status", "next_attempt_at"])


def downgrade() -> None:
    """Drop the deliveries table and articles.topics."""
    op.drop_index("ix_deliveries_due", "deliveries")
    op.drop_table("deliveries")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("topics")
