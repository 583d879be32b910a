"""Channel leases and send pacing shared by several workers on one database.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Plain types, as in 0001: a migration must not change when application code does.
_UTC = sa.DateTime(timezone=True)

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the channel_leases table."""
    op.create_table(
        "channel_leases",
        sa.Column("platform", sa.String(20), primary_key=True),
        sa.Column("workspace", sa.String(64), primary_key=True),
        sa.Column("channel", sa.String(64), primary_key=True),
        sa.Column("claimed_by", sa.String(100)),
        sa.Column("claimed_until", _UTC),
        sa.Column("next_send_at", _UTC),
    )


def downgrade() -> None:
    """Drop the channel_leases table."""
    op.drop_table("channel_leases")
