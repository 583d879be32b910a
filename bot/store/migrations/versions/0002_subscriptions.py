"""Channel subscriptions to topics.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Plain types, as in 0001: a migration must not change when application code does.
_UTC = sa.DateTime(timezone=True)

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the subscriptions table."""
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("mode", sa.String(10), nullable=False),
        sa.Column("cron", sa.String(100)),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("next_run_at", _UTC),
        sa.Column("last_run_at", _UTC),
        sa.Column("paused_reason", sa.Text),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("created_by", sa.String(64)),
        sa.Column("created_at", _UTC, nullable=False),
        sa.UniqueConstraint("platform", "workspace", "channel", "topic"),
    )
    op.create_index("ix_subscriptions_next_run_at", "subscriptions", ["next_run_at"])


def downgrade() -> None:
    """Drop the subscriptions table."""
    op.drop_index("ix_subscriptions_next_run_at", "subscriptions")
    op.drop_table("subscriptions")
