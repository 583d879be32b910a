"""Roundup schedules: parsing with clear errors, DST-correct next runs with an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.schedules import Schedule, ScheduleError, parse_schedule


@pytest.mark.parametrize(
    ("text", "cron", "tz"),
    [
        ("hourly", "0 * * * *", "UTC"),
        ("daily 08:00", "0 8 * * *", "UTC"),
        ("daily 8:05 Europe/Berlin", "5 8 * * *", "Europe/Berlin"),
        ("weekdays 09:30", "30 9 * * mon-fri", "UTC"),
        ("weekly monday 07:15 America/New_York", "15 7 * * mon", "America/New_York"),
        ("mon,thu 18:00", "0 18 * * mon,thu", "UTC"),
        ("0 8 * * 1-5 Asia/Tokyo", "0 8 * * 1-5", "Asia/Tokyo"),
    ],
)
def test_parse_forms(text: str, cron: str, tz: str) -> None:
    """Each friendly form and plain cron becomes a cron expression in a timezone."""
    assert parse_schedule(text) == Schedule(cron, tz)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("daily 25:00", "cannot read time"),
        ("daily 08:00 Mars/Olympus", "unknown timezone"),
        ("fortnightly", "cannot read schedule"),
        ("99 8 * * *", "bad cron expression"),
        ("weekly funday 08:00", "unknown day"),
        ("", "empty schedule"),
    ],
)
def test_parse_errors_are_clear(text: str, message: str) -> None:
    """A bad schedule says what is wrong; unreadable ones list examples."""
    with pytest.raises(ScheduleError, match=message) as exc:
        parse_schedule(text)
    if "cannot read schedule" in message:
        assert "daily 08:00" in str(exc.value)


def test_berlin_0800_across_spring_dst_change() -> None:
    """daily 08:00 Europe/Berlin fires at 07:00 UTC before and 06:00 UTC after 2026-03-29."""
    schedule = parse_schedule("daily 08:00 Europe/Berlin")
    runs = []
    now = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)
    for _ in range(4):
        now = schedule.next_run(now)
        runs.append(now)
    assert runs == [
        datetime(2026, 3, 28, 7, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 6, 0, tzinfo=UTC),
        datetime(2026, 3, 30, 6, 0, tzinfo=UTC),
        datetime(2026, 3, 31, 6, 0, tzinfo=UTC),
    ]


def test_next_run_is_strictly_after() -> None:
    """At exactly the fire time, the next run is the following one (fires once, not twice)."""
    schedule = parse_schedule("daily 08:00")
    at = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    assert schedule.next_run(at) == datetime(2026, 6, 2, 8, 0, tzinfo=UTC)


def test_describe() -> None:
    """The schedule reads back as a person would say it."""
    assert (
        parse_schedule("weekdays 09:30 Europe/Berlin").describe() == "weekdays 09:30 Europe/Berlin"
    )
    assert parse_schedule("hourly").describe() == "hourly at :00"
