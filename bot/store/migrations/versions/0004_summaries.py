"""Pages digested by `/news summary`, so that asking again is served from the store.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Plain types, as in 0001: a migration must not change when application code does.
_UTC = sa.DateTime(timezone=True)

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the summaries table."""
    op.create_table(
        "summaries",
        sa.Column("url", sa.String(2048), primary_key=True),
        sa.Column("digest", sa.JSON, nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
    )
    op.create_index("ix_summaries_created_at", "summaries", ["created_at"])


def downgrade() -> None:
    """Drop the summaries table."""
    op.drop_index("ix_summaries_created_at", "summaries")
    op.drop_table("summaries")
