"""Per-workspace topics of feeds followed from chat (`/news follow <url> <topic>`).

A command feed's `feeds.topic` used to be one shared value: the last workspace to tag it set it
for every server and team. Each workspace that follows such a feed keeps the tag it had (so no
channel loses a story it was getting), and `feeds.topic` is left to the operator's own feeds.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create feed_tags, move command feeds' topics into it, clear them on the feeds."""
    op.create_table(
        "feed_tags",
        sa.Column(
            "feed_id",
            sa.Integer,
            sa.ForeignKey("feeds.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("platform", sa.String(20), primary_key=True),
        sa.Column("workspace", sa.String(64), primary_key=True),
        sa.Column("topic", sa.String(200), nullable=False),
    )
    op.execute(
        """
        INSERT INTO feed_tags (feed_id, platform, workspace, topic)
        SELECT DISTINCT f.id, s.platform, s.workspace, f.topic
        FROM feeds f JOIN subscriptions s ON s.topic = 'feed:' || CAST(f.id AS VARCHAR)
        WHERE f.origin = 'command' AND f.topic IS NOT NULL
        """
    )
    op.execute("UPDATE feeds SET topic = NULL WHERE origin = 'command'")


def downgrade() -> None:
    """Put one workspace's tag back on each command feed, then drop feed_tags."""
    op.execute(
        """
        UPDATE feeds SET topic = (
            SELECT MIN(t.topic) FROM feed_tags t WHERE t.feed_id = feeds.id
        )
        WHERE origin = 'command'
        """
    )
    op.drop_table("feed_tags")
