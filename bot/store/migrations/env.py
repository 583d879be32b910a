"""Alembic environment: runs on the connection `Store.migrate()` hands over (no alembic.ini)."""

from __future__ import annotations

from alembic import context

from bot.store.models import Base

connection = context.config.attributes["connection"]
# render_as_batch: later migrations that alter tables must work on SQLite too.
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
