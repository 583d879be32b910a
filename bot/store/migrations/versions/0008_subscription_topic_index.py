"""An index on subscriptions.topic: a poll that stores stories reads only the subscriptions of
the topics they matched (`Outbox.on_stored`), not every subscription of every channel.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Index subscriptions by topic."""
    op.create_index("ix_subscriptions_topic", "subscriptions", ["topic"])


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_subscriptions_topic", table_name="subscriptions")
