"""The `/news <subcommand> …` grammar shared by every platform."""

from __future__ import annotations

import difflib
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.filters import problem, split_terms
from bot.pings import Ping, PingError, parse_slack_mention
from bot.schedules import Schedule, ScheduleError, parse_schedule

HELP = """\
/news summary <url> [private]   digest any article page (private: only you see it)
/news subscribe <topic|feed> [schedule]   post the topic (or a followed feed) here: instantly, or as a roundup
      schedules: hourly, daily 08:00, weekdays 09:30 Europe/Berlin, weekly mon 08:00, cron '0 8 * * 1-5'
      e.g. /news subscribe https://example.org/feed.xml daily 08:00   (no schedule: back to instant)
/news unsubscribe <topic|feed>  stop posting the topic (or the followed feed: unfollow) here
/news subscriptions             this channel's subscriptions, next roundup, any pause reason
/news topics                    the available topics
/news digest [topic]            post the current roundup now
/news feeds [topic]             the feeds behind a topic and their health
/news follow <url> [topic]      post a feed here (a feed or a site's page: its feed is found),
      e.g. /news follow https://example.org/blog world: [topic] files its stories under it in this workspace
/news unfollow <url>            stop posting that feed here
/news following                 the feeds this channel follows and their health
/news filter <topic|feed> include|exclude words   post only stories with / without these words
      e.g. /news filter world include "climate change", flood   (/news filter world clear: no filter)
/news ping <topic|feed> @role|@group|@here|off   mention them with each post, e.g. /news ping world @editors
/news help                      this list"""

SUBCOMMANDS = (
    "summary",
    "subscribe",
    "unsubscribe",
    "subscriptions",
    "topics",
    "digest",
    "feeds",
    "follow",
    "unfollow",
    "following",
    "filter",
    "ping",
    "help",
)
# Changing a channel's subscriptions needs permission; every other command is open to all.
MUTATING = frozenset({"subscribe", "unsubscribe", "follow", "unfollow", "filter", "ping"})
# Replies everyone in the channel sees; the others go only to the caller (summary: unless private).
IN_CHANNEL = frozenset(
    {"summary", "subscribe", "unsubscribe", "digest", "follow", "unfollow", "filter", "ping"}
)
SUBSCRIBE_USAGE = "Usage: `/news subscribe <topic|feed> [schedule]`"
UNSUBSCRIBE_USAGE = "Usage: `/news unsubscribe <topic|feed>`"
FILTER_USAGE = 'Usage: `/news filter <topic|feed> include|exclude "words"`, or `/news filter <topic|feed> clear`'
PING_USAGE = "Usage: `/news ping <topic|feed> @group|@here|off`"
# Slack clients may turn typed quotes into curly ones; a quoted filter phrase must still work.
_CURLY_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"'})


class CommandError(ValueError):
    """A bad command or argument; the message is the short reply the user sees."""


@dataclass(frozen=True, slots=True)
class Command:
    """A parsed command: subcommand name and its typed arguments."""

    name: str
    url: str | None = None
    topic: str | None = None
    schedule: Schedule | None = None
    private: bool = False
    # filter: include / exclude / clear; ping: "off" to stop pinging.
    action: str | None = None
    terms: tuple[str, ...] = ()
    ping: Ping | None = None


def parse_command(text: str) -> Command:
    """Parse the words after `/news` (Slack sends them as one string)."""
    words = _words(text)
    if not words:
        return Command("help")
    name, args = words[0].lower(), words[1:]
    if name not in SUBCOMMANDS:
        close = difflib.get_close_matches(name, SUBCOMMANDS, n=1)
        hint = f" Did you mean `{close[0]}`?" if close else ""
        raise CommandError(f"Unknown command `{name}`.{hint} Try `/news help`.")
    if name == "summary":
        if not args:
            raise CommandError("Usage: `/news summary <url> [private]`")
        private = len(args) > 1 and args[1].lower() in ("private", "ephemeral", "me")
        if len(args) > 2 or (len(args) == 2 and not private):
            raise CommandError("Usage: `/news summary <url> [private]`")
        return Command(name, url=check_url(args[0]), private=private)
    if name == "subscribe":
        if not args:
            raise CommandError(SUBSCRIBE_USAGE)
        url, topic = _target(args[0], SUBSCRIBE_USAGE)
        return Command(name, url=url, topic=topic, schedule=build_schedule(" ".join(args[1:])))
    if name == "unsubscribe":
        if len(args) != 1:
            raise CommandError(UNSUBSCRIBE_USAGE)
        url, topic = _target(args[0], UNSUBSCRIBE_USAGE)
        return Command(name, url=url, topic=topic)
    if name in ("follow", "unfollow"):
        usage = "<url> [topic]" if name == "follow" else "<url>"
        if not args or len(args) > (2 if name == "follow" else 1):
            raise CommandError(f"Usage: `/news {name} {usage}`")
        topic = args[1].lower() if len(args) > 1 else None
        return Command(name, url=check_url(args[0]), topic=topic)
    if name in ("digest", "feeds"):
        if len(args) > 1:
            raise CommandError(f"Usage: `/news {name} [topic]`")
        return Command(name, topic=args[0].lower() if args else None)
    if name == "filter":
        return parse_filter(args)
    if name == "ping":
        return parse_ping(args)
    if args:
        raise CommandError(f"`/news {name}` takes no arguments.")
    return Command(name)


def make_command(
    name: str,
    *,
    url: str | None = None,
    topic: str | None = None,
    schedule: str | None = None,
    private: bool = False,
    action: str | None = None,
    terms: str | None = None,
    ping: Ping | None = None,
) -> Command:
    """Build a command from typed options (Discord), with the same checks as `parse_command`."""
    if name not in SUBCOMMANDS:
        raise CommandError(f"Unknown command `{name}`. Try `/news help`.")
    if name == "summary":
        return Command(name, url=check_url((url or "").strip()), private=private)
    if name in ("follow", "unfollow"):
        clean_topic = (topic or "").strip().lower() or None
        return Command(name, url=check_url((url or "").strip()), topic=clean_topic)
    if name == "filter":
        return parse_filter([topic or "", action or "", *_words(terms or "")])
    if name == "ping":
        if (ping is None) == (action != "off"):
            raise CommandError("Choose a role to mention, or `off` to stop: one of the two.")
        target_url, target = _target(topic or "", PING_USAGE)
        return Command(name, url=target_url, topic=target, action=action, ping=ping)
    if name in ("subscribe", "unsubscribe"):
        usage = SUBSCRIBE_USAGE if name == "subscribe" else UNSUBSCRIBE_USAGE
        target_url, target = _target(topic or "", usage)
        return Command(name, url=target_url, topic=target, schedule=build_schedule(schedule or ""))
    clean = (topic or "").strip().lower() or None
    return Command(name, topic=clean, schedule=build_schedule(schedule or ""))


def parse_filter(args: Sequence[str]) -> Command:
    """`<topic|feed> include|exclude terms…` (words or quoted phrases) or `<topic|feed> clear`."""
    if len(args) < 2:
        raise CommandError(FILTER_USAGE)
    url, topic = _target(args[0], FILTER_USAGE)
    action = args[1].lower()
    if action == "clear" and len(args) == 2:
        return Command("filter", url=url, topic=topic, action=action)
    if action not in ("include", "exclude"):
        raise CommandError(FILTER_USAGE)
    terms = split_terms(args[2:])
    if not terms:
        raise CommandError(
            f'Give the words to {action}, e.g. `/news filter {args[0]} {action} "climate change", '
            "flood`."
        )
    bad = problem(terms)
    if bad:
        raise CommandError(bad)
    return Command("filter", url=url, topic=topic, action=action, terms=tuple(terms))


def parse_ping(args: Sequence[str]) -> Command:
    """`<topic|feed> @group|@here|off` as Slack sends it (a group escaped as `<!subteam^…>`)."""
    if len(args) != 2:
        raise CommandError(PING_USAGE)
    url, topic = _target(args[0], PING_USAGE)
    if args[1].lower() in ("off", "none"):
        return Command("ping", url=url, topic=topic, action="off")
    try:
        ping = parse_slack_mention(args[1])
    except PingError as exc:
        raise CommandError(str(exc)) from None
    return Command("ping", url=url, topic=topic, ping=ping)


def replies_in_channel(command: Command) -> bool:
    """Whether the reply is for the whole channel (else only the caller sees it)."""
    return command.name in IN_CHANNEL and not command.private


def build_schedule(text: str, timezone: str = "UTC") -> Schedule | None:
    """An empty schedule means instant delivery; anything else must parse."""
    if not text.strip() or text.strip().lower() == "instant":
        return None
    try:
        return parse_schedule(text, timezone)
    except ScheduleError as exc:
        raise CommandError(str(exc)) from None


def check_url(url: str) -> str:
    """Accept only absolute http(s) URLs with a host; the fetcher checks the address later."""
    url = url.strip("<>")  # Slack wraps links as <https://…>
    url = url.split("|", 1)[0]
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        raise CommandError(
            f"`{url}` is not a URL: give a full link such as https://example.com/story"
        )
    if parts.scheme.lower() not in ("http", "https"):
        raise CommandError(f"Unsupported scheme `{parts.scheme}`: only http and https links work.")
    return url


def _words(text: str) -> list[str]:
    """Shell-like words: a quoted phrase is one word (unbalanced quotes: split on spaces)."""
    text = text.translate(_CURLY_QUOTES)
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _target(arg: str, usage: str) -> tuple[str | None, str | None]:
    """A `<topic|feed>` argument: (feed URL, None) for a link, else (None, topic name)."""
    arg = arg.strip()
    if not arg:
        raise CommandError(usage)
    if "://" in arg or arg.startswith("<"):
        return check_url(arg), None
    return None, arg.lower()


def closest_topics(name: str, topics: list[str]) -> str:
    """A reply for an unknown topic that names the closest matches."""
    close = difflib.get_close_matches(name, topics, n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(f'`{t}`' for t in close)}?" if close else ""
    return f"Unknown topic `{name}`.{hint} `/news topics` lists them."
