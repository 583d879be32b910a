"""The test databases: a SQLite file per test, and (when configured) PostgreSQL.

`NEWSBOT_TEST_POSTGRES_URL` names a PostgreSQL maintenance database (e.g.
`postgresql://postgres@127.0.0.1:5432/postgres`; `scripts/test` finds or starts one). Each test
run creates its own uniquely named database there and drops it at the end, so concurrent runs
never collide; each test starts from an empty schema and runs the migrations itself.
"""

from __future__ import annotations

import asyncio
import functools
import os
import secrets

from sqlalchemy.engine import make_url

from bot.settings import async_database_url

POSTGRES_ENV = "NEWSBOT_TEST_POSTGRES_URL"


@functools.cache
def postgres_admin_url() -> str | None:
    """The maintenance database URL the run may create databases through, if one is configured.

    Read once, at collection: tests run with every NEWSBOT_* variable removed.
    """
    return os.environ.get(POSTGRES_ENV) or None


def _plain(url: str, database: str | None = None) -> str:
    """A libpq-style URL (what asyncpg.connect takes), optionally naming another database."""
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


async def _admin(admin_url: str, *statements: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_plain(admin_url), timeout=10)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


def create_run_database(admin_url: str) -> str:
    """Create this run's database (newsbot_test_<random>); returns its newsbot (asyncpg) URL."""
    name = f"newsbot_test_{os.getpid()}_{secrets.token_hex(4)}"
    asyncio.run(_admin(admin_url, f'CREATE DATABASE "{name}"'))
    return async_database_url(_plain(admin_url, name))


def drop_run_database(admin_url: str, url: str) -> None:
    """Drop this run's database (FORCE: a killed subprocess may have left a connection open)."""
    name = make_url(url).database
    asyncio.run(_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def empty_schema(url: str) -> None:
    """Drop every table (and Alembic's version) so the test migrates an empty database."""
    asyncio.run(_admin(url, "DROP SCHEMA public CASCADE", "CREATE SCHEMA public"))
