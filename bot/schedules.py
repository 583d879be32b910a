"""Roundup schedules: friendly forms and cron, in a timezone, with DST-correct next run times."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

EXAMPLES = (
    "hourly, daily 08:00, weekdays 09:30 Europe/Berlin, weekly mon 08:00, or cron '0 8 * * 1-5'"
)
_DAYS = {
    "mon": "mon",
    "tue": "tue",
    "wed": "wed",
    "thu": "thu",
    "fri": "fri",
    "sat": "sat",
    "sun": "sun",
}
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.h]([0-5]\d)$")


class ScheduleError(ValueError):
    """A schedule that cannot be parsed; the message says why and gives examples."""


@dataclass(frozen=True, slots=True)
class Schedule:
    """A roundup schedule: a cron expression evaluated in an IANA timezone."""

    cron: str
    timezone: str = "UTC"

    def describe(self) -> str:
        """The schedule as a person would say it."""
        minute, hour, _dom, _mon, dow = self.cron.split()
        if hour == "*" and minute.isdigit():
            return f"hourly at :{int(minute):02d}"
        when = f"{int(hour):02d}:{int(minute):02d}" if hour.isdigit() and minute.isdigit() else None
        if when and dow == "*":
            return f"daily {when} {self.timezone}"
        if when and dow == "mon-fri":
            return f"weekdays {when} {self.timezone}"
        if when:
            return f"{dow} {when} {self.timezone}"
        return f"cron '{self.cron}' {self.timezone}"

    def next_run(self, after: datetime) -> datetime:
        """The first run strictly after `after` (UTC-aware in, UTC-aware out)."""
        trigger = CronTrigger.from_crontab(self.cron, timezone=ZoneInfo(self.timezone))
        fire: datetime | None = trigger.get_next_fire_time(None, after + timedelta(microseconds=1))
        if fire is None:  # a valid crontab always fires again; guard against the library's Optional
            raise ScheduleError(f"schedule '{self.cron}' never fires")
        return fire.astimezone(UTC)


def parse_schedule(text: str, default_timezone: str = "UTC") -> Schedule:
    """Parse `hourly`, `daily HH:MM`, `weekdays HH:MM`, `weekly DAY HH:MM`, `DAY[,DAY] HH:MM` or cron.

    A trailing IANA timezone name (`Europe/Berlin`) applies to every form.
    """
    words = text.strip().split()
    if not words:
        raise ScheduleError(f"empty schedule; try {EXAMPLES}")
    tz = default_timezone
    if "/" in words[-1] or words[-1].upper() in ("UTC", "GMT"):
        tz = words.pop()
    tz = _check_timezone(tz)
    if not words:
        raise ScheduleError(f"schedule has a timezone but no time; try {EXAMPLES}")
    head = words[0].lower()
    if head == "hourly" and len(words) == 1:
        return Schedule("0 * * * *", tz)
    if head == "daily" and len(words) == 2:
        return Schedule(_cron_at(words[1], "*"), tz)
    if head == "weekdays" and len(words) == 2:
        return Schedule(_cron_at(words[1], "mon-fri"), tz)
    if head == "weekly" and len(words) == 3:
        return Schedule(_cron_at(words[2], _days(words[1])), tz)
    if len(words) == 2 and words[0][:3].lower() in _DAYS:
        return Schedule(_cron_at(words[1], _days(words[0])), tz)
    if len(words) == 5:
        cron = " ".join(words)
        try:
            CronTrigger.from_crontab(cron, timezone=ZoneInfo(tz))
        except ValueError as exc:
            raise ScheduleError(f"bad cron expression '{cron}' ({exc}); try {EXAMPLES}") from None
        return Schedule(cron, tz)
    raise ScheduleError(f"cannot read schedule '{text.strip()}'; try {EXAMPLES}")


def _check_timezone(name: str) -> str:
    if name.upper() in ("UTC", "GMT"):
        return "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(
            f"unknown timezone '{name}'; use an IANA name such as Europe/Berlin or America/New_York"
        ) from None
    return name


def _cron_at(clock: str, dow: str) -> str:
    m = _TIME.match(clock)
    if not m:
        raise ScheduleError(f"cannot read time '{clock}': use 24-hour HH:MM such as 08:00")
    return f"{int(m.group(2))} {int(m.group(1))} * * {dow}"


def _days(spec: str) -> str:
    days = []
    for part in spec.lower().split(","):
        day = _DAYS.get(part[:3])
        if day is None or (len(part) > 3 and not part.startswith(day)):
            raise ScheduleError(f"unknown day '{part}': use mon, tue, wed, thu, fri, sat or sun")
        days.append(day)
    return ",".join(days)
