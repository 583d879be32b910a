"""What the core says: platform-neutral reply objects and the wording of its lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.errors import BlockedError, FetchError
from bot.pings import Ping
from bot.schedules import Schedule
from bot.store import Feed, Subscription
from digests import Digest


@dataclass(frozen=True, slots=True)
class RoundupPost:
    """One topic's roundup to post: a heading and its stories, best first."""

    heading: str
    digests: tuple[Digest, ...]


@dataclass(frozen=True, slots=True)
class Reply:
    """A platform-neutral answer: text lines, a digest, roundups; `ephemeral`: only the caller sees it.

    Text lines use only `code` spans for emphasis, which both Discord and Slack render.
    """

    lines: tuple[str, ...] = ()
    digest: Digest | None = None
    roundups: tuple[RoundupPost, ...] = ()
    ephemeral: bool = True
    ok: bool = True

    @property
    def text(self) -> str:
        """The text lines as one message."""
        return "\n".join(self.lines)


def error(message: str) -> Reply:
    """A short refusal or problem, shown only to the caller."""
    return Reply((message,), ephemeral=True, ok=False)


def fetch_problem(exc: FetchError, url: str) -> str:
    """A fetch failure as one line a person can act on."""
    reason = exc.reason
    if isinstance(exc, BlockedError):
        if "private" in reason:
            return (
                f"I won't fetch `{url}`: it leads to a private network address. "
                "Only public web pages can be summarised."
            )
        if "scheme" in reason:
            return "Unsupported scheme: only http and https links work."
        return f"I won't fetch `{url}`: {reason}."
    if reason.startswith("too large"):
        return f"That page is too large to summarise ({reason})."
    if "timed out" in reason:
        return f"That page took too long to answer ({reason})."
    if reason.startswith("cannot resolve"):
        return f"I cannot find that site ({reason})."
    if reason.startswith("HTTP "):
        return f"The page answered {reason}, so there is nothing to summarise."
    if reason.startswith("too many redirects"):
        return f"That link redirects too often ({reason})."
    return f"I could not fetch that page: {reason}."


def subscribed(verb: str, name: str, sub: Subscription, schedule: Schedule | None) -> Reply:
    """The reply to a subscribe: instant, or a roundup with its next run (`name` as shown)."""
    if schedule is None or sub.next_run_at is None:
        what = "each new story will be posted here as it arrives."
        return Reply((f"{verb}: {name} here, instantly: {what}",), ephemeral=False)
    when = local_time(sub.next_run_at, schedule.timezone)
    return Reply(
        (
            f"{verb}: a roundup of {name} stories here, {schedule.describe()}.",
            f"Next roundup: {when}.",
        ),
        ephemeral=False,
    )


def describe_subscription(sub: Subscription, label: str | None = None) -> str:
    """One line: topic (or `label`, a followed feed's name), mode, schedule, next run, pause."""
    line = f"feed {label}: " if label else f"`{sub.topic}`: "
    if sub.schedule is not None:
        line += f"roundup {sub.schedule.describe()}"
        if sub.next_run_at is not None:
            line += f", next {local_time(sub.next_run_at, sub.timezone)}"
    else:
        line += "instant (each new story as it arrives)"
    line += "".join(f"; {part}" for part in subscription_options(sub))
    if sub.paused_reason:
        line += f". PAUSED: {sub.paused_reason} (fix it, then subscribe again to resume)"
    return line


def subscription_options(sub: Subscription) -> list[str]:
    """Its filter and ping as short phrases: `only with `a` or `b``, `never with `c``, `pings @x`."""
    parts = []
    if sub.include_terms:
        parts.append("only with " + either(sub.include_terms))
    if sub.exclude_terms:
        parts.append("never with " + either(sub.exclude_terms))
    ping = Ping.from_json(sub.ping)
    if ping is not None:
        parts.append(f"pings {ping.label}")
    return parts


def either(terms: Sequence[str]) -> str:
    """`a`, `b` or `c`."""
    quoted = [f"`{t}`" for t in terms]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def describe_feed(feed: Feed) -> str:
    """One line of feed health: state, last success, last error, disabled reason."""
    name = f"{feed.title} ({feed.url})" if feed.title else feed.url
    parts = [f"`{feed.state}` {name}"]
    parts.append(
        f"last success {utc_time(feed.last_success_at)}"
        if feed.last_success_at
        else "never fetched"
    )
    if feed.last_error:
        parts.append(f"last error: {_one_line(feed.last_error)}")
    if feed.disabled_reason:
        parts.append(f"disabled: {_one_line(feed.disabled_reason)}")
    return "; ".join(parts)


def local_time(when: datetime, timezone: str) -> str:
    """A time in the schedule's timezone, with UTC alongside when they differ."""
    local = when.astimezone(ZoneInfo(timezone))
    text = local.strftime("%a %d %b %Y %H:%M ") + (local.tzname() or timezone)
    if local.utcoffset():
        text += f" ({utc_time(when)})"
    return text


def utc_time(when: datetime) -> str:
    """A UTC time, to the minute."""
    return when.strftime("%Y-%m-%d %H:%M UTC")


def headline(title: str, limit: int = 120) -> str:
    """A stored headline for a one-line mention, cut at a word."""
    title = _one_line(title)
    if len(title) <= limit:
        return title
    return title[:limit].rsplit(" ", 1)[0] + "…"


def joined(names: Sequence[str]) -> str:
    """`a`, `b` and `c`."""
    quoted = [f"`{n}`" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]
