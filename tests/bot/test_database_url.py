"""NEWSBOT_DATABASE_URL: the spellings users paste map to the async drivers; a bad one is one line."""

from __future__ import annotations

import pytest

from bot.errors import ConfigError
from bot.settings import load_settings


@pytest.mark.parametrize(
    ("pasted", "used"),
    [
        ("sqlite:///data/newsbot.db", "sqlite+aiosqlite:///data/newsbot.db"),
        ("sqlite:////var/lib/newsbot.db", "sqlite+aiosqlite:////var/lib/newsbot.db"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgres://u:p@db.example:5432/news", "postgresql+asyncpg://u:p@db.example:5432/news"),
        ("postgresql://u@localhost/news", "postgresql+asyncpg://u@localhost/news"),
        ("postgresql+asyncpg://u@localhost/news", "postgresql+asyncpg://u@localhost/news"),
        # Heroku adds libpq's sslmode; asyncpg calls it ssl.
        ("postgres://u:p@h/db?sslmode=require", "postgresql+asyncpg://u:p@h/db?ssl=require"),
    ],
)
def test_pasted_spellings_map_to_the_async_drivers(
    monkeypatch: pytest.MonkeyPatch, pasted: str, used: str
) -> None:
    """sqlite:///, postgres:// and postgresql:// URLs get aiosqlite / asyncpg."""
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", pasted)
    assert load_settings().db_url == used


def test_password_with_special_characters_survives(monkeypatch: pytest.MonkeyPatch) -> None:
    """A percent-encoded password is passed on, not decoded into a broken URL."""
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", "postgres://u:p%40ss%2Fw@h/db")
    assert load_settings().db_url == "postgresql+asyncpg://u:p%40ss%2Fw@h/db"


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ("nonsense", "not a database URL"),
        ("mysql://u@h/db", "unsupported database 'mysql'"),
        ("postgresql+psycopg2://u@h/db", "unsupported database 'postgresql+psycopg2'"),
    ],
)
def test_bad_url_is_one_line_naming_the_fix(
    monkeypatch: pytest.MonkeyPatch, bad: str, says: str
) -> None:
    """The error names the variable, what is wrong and the spellings that work."""
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", bad)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith("setting NEWSBOT_DATABASE_URL")
    assert says in message and "postgresql://user:password@host:5432/newsbot" in message
    assert "\n" not in message


def test_unset_url_is_the_sqlite_file_in_the_data_dir() -> None:
    """No URL: the default SQLite file."""
    assert load_settings().db_url.startswith("sqlite+aiosqlite:///")
