"""Alembic migrations, shipped in the package and run by `Store.migrate()`."""
