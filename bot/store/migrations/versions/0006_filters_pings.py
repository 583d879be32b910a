"""Per-subscription keyword filters and role / user-group pings.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add include_terms, exclude_terms and ping to subscriptions (all empty by default)."""
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("include_terms", sa.JSON))
        batch.add_column(sa.Column("exclude_terms", sa.JSON))
        batch.add_column(sa.Column("ping", sa.JSON))


def downgrade() -> None:
    """Drop the three columns."""
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("ping")
        batch.drop_column("exclude_terms")
        batch.drop_column("include_terms")
