"""The `newsbot` command line."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from bot.adapters.console import render_digest
from bot.app import App, load, open_app
from bot.commands.replies import subscription_options
from bot.commands.wiring import command_extensions
from bot.condense import PAGE_ACCEPT
from bot.config import ALL_TOPICS, Config, ConfigFile, FeedSpec, SubscriptionSpec, load_topics
from bot.errors import NewsbotError
from bot.fetch import Fetcher
from bot.follows import all_feed_tags, drop_follows, followers, topic_labels, workspaces
from bot.opml import import_opml, read_opml, render_opml
from bot.pings import Ping
from bot.poll import Story
from bot.runner import ROLES, run_bot
from bot.scheduler import utc_now
from bot.settings import Settings
from bot.sources import digest_bytes
from bot.store import ChannelRef, Subscription
from digests import Digest, DigestError, TopicSet, digest_html, digest_text

_MAX_INPUT = 20 * 1024 * 1024


class UsageError(Exception):
    """A bad argument or input: reported as one line and exit status 2."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.func(args)
    except (UsageError, DigestError, NewsbotError, OSError) as exc:
        for line in _reason(exc).splitlines() or [""]:
            print(f"newsbot: error: {line}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return result


def _reason(exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return f"no such file: {exc.filename}"
    if isinstance(exc, IsADirectoryError):
        return f"is a directory: {exc.filename}"
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.strerror or exc}: {exc.filename}"
    return str(exc)


def _quotes_arg(value: str) -> int | None:
    if value == "all":
        return None
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a whole number ≥ 0 or 'all'") from None
    if n < 0:
        raise argparse.ArgumentTypeError("must be a whole number ≥ 0 or 'all'")
    return n


def _points_arg(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a whole number ≥ 1") from None
    if n < 1:
        raise argparse.ArgumentTypeError("must be a whole number ≥ 1")
    return n


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsbot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    d = sub.add_parser("digest", help="digest an article file, stdin (-) or URL")
    d.add_argument("source", nargs="?", help="path (.txt/.md/.html), - for stdin, or http(s) URL")
    d.add_argument(
        "--batch", metavar="FILE.jsonl", help='one {"id", "text"|"html"} object per line'
    )
    d.add_argument("--points", type=_points_arg, default=3, help="number of key points (default 3)")
    d.add_argument("--quotes", type=_quotes_arg, default=3, help="number of quotes, or 'all'")
    d.add_argument("--json", action="store_true", help="print the digest as JSON")
    d.set_defaults(func=_cmd_digest)

    r = sub.add_parser(
        "run", help="run the bot (embedded default: digests of seeds/ to the console)"
    )
    r.add_argument("--seeds", type=Path, help="watch this folder of article files instead")
    r.add_argument("--once", action="store_true", help="poll every feed once, print, and exit")
    r.add_argument(
        "--role",
        choices=list(ROLES),
        default="all",
        help="what this process runs (several share one PostgreSQL database): "
        + "; ".join(f"{name}: {what}" for name, what in ROLES.items()),
    )
    r.set_defaults(func=_cmd_run)

    f = sub.add_parser("feeds", help="list feeds with their state (or add/remove one)")
    f.add_argument("--json", action="store_true", help="print the list as JSON")
    f.set_defaults(func=_cmd_feeds)
    fsub = f.add_subparsers(dest="action")
    fa = fsub.add_parser("add", help="watch a feed URL (or a folder of article files)")
    fa.add_argument("url")
    fa.add_argument("--topic", help="topic name for this feed's stories")
    fa.add_argument("--backfill", type=int, default=0, help="post the newest N on the first poll")
    fr = fsub.add_parser("remove", help="stop watching a feed")
    fr.add_argument("url")
    fi = fsub.add_parser("import", help="watch every feed of an OPML file")
    fi.add_argument("file", type=Path, metavar="FILE.opml")
    fi.add_argument("--topic", help="topic name for the imported feeds' stories")
    fe = fsub.add_parser("export", help="write the watched feeds as OPML (default: stdout)")
    fe.add_argument("file", type=Path, nargs="?", metavar="FILE")

    s = sub.add_parser(
        "subscriptions", help="list channel subscriptions: mode, schedule, next run, pause reason"
    )
    s.add_argument("--json", action="store_true", help="print the list as JSON")
    s.set_defaults(func=_cmd_subscriptions)

    p = sub.add_parser("poll", help="poll feeds and print what was found")
    p.add_argument("--once", action="store_true", required=True, help="poll every feed now")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=_cmd_poll)
    return parser


def _cmd_digest(args: argparse.Namespace) -> int:
    if args.batch:
        if args.source:
            raise UsageError("give either SOURCE or --batch, not both")
        return _digest_batch(Path(args.batch), args.points, args.quotes, _topic_set())
    if not args.source:
        raise UsageError("digest needs a SOURCE (path, - or URL) or --batch FILE.jsonl")
    digest = _digest_source(args.source, args.points, args.quotes, _topic_set())
    if args.json:
        print(
            json.dumps(_digest_json(digest, html=_is_html_source(args.source)), ensure_ascii=False)
        )
    else:
        print(render_digest(digest))
    return 0


def _digest_json(digest: Digest, *, html: bool) -> dict[str, Any]:
    return digest.to_json(include_text=html)


def _is_html_source(source: str) -> bool:
    return source.lower().endswith((".html", ".htm")) or "://" in source


def _topic_set() -> TopicSet:
    """The configured topics (config/topics.toml by default), compiled once per command."""
    _settings, config = load()
    return TopicSet(load_topics(config))


def _digest_source(source: str, points: int, quotes: int | None, topics: TopicSet) -> Digest:
    if "://" in source:
        scheme = source.split("://", 1)[0].lower()
        if scheme not in ("http", "https"):
            raise UsageError(f"unsupported URL scheme {scheme!r}: only http and https")
        settings, _config = load()
        return asyncio.run(_digest_url(settings, source, points, quotes, topics))
    if source == "-":
        data = sys.stdin.buffer.read(_MAX_INPUT + 1)
        name = None
    else:
        path = Path(source)
        if path.stat().st_size > _MAX_INPUT:
            raise UsageError(f"too large: {source} is over {_MAX_INPUT // 2**20} MB")
        data = path.read_bytes()
        name = path.name
    if len(data) > _MAX_INPUT:
        raise UsageError(f"too large: input is over {_MAX_INPUT // 2**20} MB")
    return digest_bytes(data, name=name, points=points, quotes=quotes, topics=topics)


def _digest_batch(path: Path, points: int, quotes: int | None, topics: TopicSet) -> int:
    with path.open(encoding="utf-8", errors="replace") as lines:
        for lineno, line in enumerate(lines, 1):
            if not line.strip():
                continue
            print(json.dumps(_batch_line(line, lineno, points, quotes, topics), ensure_ascii=False))
    return 0


def _batch_line(
    line: str, lineno: int, points: int, quotes: int | None, topics: TopicSet
) -> dict[str, Any]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "line": lineno, "error": f"not JSON: {exc.msg}"}
    if not isinstance(item, dict):
        return {"id": None, "line": lineno, "error": "not a JSON object"}
    ident = item.get("id")
    try:
        text, html = item.get("text"), item.get("html")
        title, url = item.get("title"), item.get("url")
        for key, value in (("text", text), ("html", html), ("title", title), ("url", url)):
            if value is not None and not isinstance(value, str):
                raise DigestError(f"{key!r} must be a string")
        if html is not None:
            digest = digest_html(
                html, url=url, title=title, points=points, quotes=quotes, topics=topics
            )
            out = digest.to_json(include_text=True)
        elif text is not None:
            digest = digest_text(
                text, url=url, title=title, points=points, quotes=quotes, topics=topics
            )
            out = digest.to_json()
        else:
            raise DigestError('each line needs "text" or "html"')
    except DigestError as exc:
        return {"id": ident, "error": str(exc)}
    return {"id": ident, **out}


async def _digest_url(
    settings: Settings, url: str, points: int, quotes: int | None, topics: TopicSet
) -> Digest:
    fetcher = Fetcher(settings)
    try:
        page = await fetcher.fetch(url, accept=PAGE_ACCEPT)
    finally:
        await fetcher.aclose()
    if not page.is_article_page:
        raise UsageError(f"not an article page: {url} is {page.media_type}")
    return digest_html(page.body, url=page.url, points=points, quotes=quotes, topics=topics)


def _with_app(
    args: argparse.Namespace,
    body: Callable[[App], Awaitable[int]],
    *,
    config: Config | None = None,
    on_story: Callable[[Story], Awaitable[None]] | None = None,
) -> int:
    settings, loaded = load()

    async def go() -> int:
        async with open_app(settings, config or loaded, utc_now(), on_story=on_story) as app:
            return await body(app)

    return asyncio.run(go())


def _cmd_run(args: argparse.Namespace) -> int:
    config = None
    if args.seeds is not None:
        if not args.seeds.is_dir():
            raise UsageError(f"not a folder: {args.seeds}")
        spec = FeedSpec(path=str(args.seeds.resolve()), backfill=10_000)
        console = SubscriptionSpec(platform="console", channel="console", topic=ALL_TOPICS)
        config = Config(ConfigFile(feeds=[spec], subscriptions=[console]), None)

    async def body(app: App) -> int:
        extensions = command_extensions(app)
        await run_bot(app, once=args.once, extensions=extensions, role=args.role)
        return 0

    return _with_app(args, body, config=config)


def _cmd_subscriptions(args: argparse.Namespace) -> int:
    async def body(app: App) -> int:
        subs = await app.store.subscriptions()
        labels = await topic_labels(app.store, [s.topic for s in subs])
        rows = [{**_subscription_row(s), "feed": labels.get(s.topic)} for s in subs]
        if args.json:
            print(json.dumps(rows, ensure_ascii=False))
            return 0
        for sub, r in zip(subs, rows, strict=True):
            where = "/".join(p for p in (r["platform"], r["workspace"], r["channel"]) if p)
            when = f"{r['schedule']}, next {r['next_run']}" if r["mode"] == "roundup" else "instant"
            print(f"{where}  {r['feed'] or r['topic']}  {when}")
            if subscription_options(sub):
                print(f"    {'; '.join(subscription_options(sub))}")
            if r["paused_reason"]:
                print(f"    paused: {r['paused_reason']}")
        if not rows:
            print("no subscriptions: add [[subscriptions]] to the config or use /news subscribe")
        return 0

    return _with_app(args, body)


def _subscription_row(sub: Subscription) -> dict[str, Any]:
    schedule = sub.schedule.describe() if sub.schedule else None
    return {
        "platform": sub.platform,
        "workspace": sub.workspace,
        "channel": sub.channel,
        "topic": sub.topic,
        "mode": sub.mode,
        "schedule": schedule,
        "timezone": sub.timezone,
        "next_run": sub.next_run_at.isoformat() if sub.next_run_at else None,
        "paused_reason": sub.paused_reason,
        "origin": sub.origin,
        "include": sub.include_terms or [],
        "exclude": sub.exclude_terms or [],
        "ping": ping.label if (ping := Ping.from_json(sub.ping)) else None,
    }


def _cmd_feeds(args: argparse.Namespace) -> int:
    async def body(app: App) -> int:
        if args.action == "add":
            url = _feed_url(args.url)
            _feed, created = await app.store.add_feed(
                url, utc_now(), topic=args.topic, backfill=max(0, args.backfill)
            )
            print(
                f"{'added' if created else 'updated'} {url}"
                + (f" (topic {args.topic})" if args.topic else "")
            )
            return 0
        if args.action == "remove":
            feed = await app.store.feed(args.url)
            dropped = await drop_follows(app.store, feed.id) if feed else 0
            if not await app.store.remove_feed(args.url):
                raise UsageError(f"no such feed: {args.url} (see `newsbot feeds`)")
            print(f"removed {args.url}" + (f" ({dropped} channels followed it)" if dropped else ""))
            if any(u == args.url for u, _ in app.config.feed_urls()):
                print("note: it is in the config file too, and comes back on the next start")
            return 0
        if args.action in ("import", "export"):
            return await _opml(app, args)
        following, tags = await followers(app.store), await all_feed_tags(app.store)
        rows = [
            _feed_row(f, following.get(f.id, []), tags.get(f.id, {}))
            for f in await app.store.feeds()
        ]
        if args.json:
            print(json.dumps(rows, ensure_ascii=False))
        else:
            for r in rows:
                print(
                    f"{r['url']}  [{r['state']}]" + (f" topic={r['topic']}" if r["topic"] else "")
                )
                print(
                    f"    last success: {r['last_success'] or 'never'}  next poll: {r['next_poll'] or '-'}"
                )
                if r["last_error"]:
                    print(f"    last error: {r['last_error']}")
                if r["disabled_reason"]:
                    print(f"    disabled: {r['disabled_reason']}")
                if r["followers"]:
                    print(f"    followed in: {workspaces(r['followers'], r['tags'])}")
            if not rows:
                print("no feeds: add one with `newsbot feeds add URL`")
        return 0

    return _with_app(args, body)


def _feed_url(value: str) -> str:
    if value.startswith(("http://", "https://")):
        return value
    if value.startswith("file:") or Path(value).is_dir():
        path = Path(value.removeprefix("file://").removeprefix("file:"))
        if not path.is_dir():
            raise UsageError(f"not a folder: {path}")
        return path.resolve().as_uri()
    raise UsageError(f"not a feed URL: {value} (http(s) URL or a folder of article files)")


async def _opml(app: App, args: argparse.Namespace) -> int:
    if args.action == "export":
        document = render_opml(await app.store.feeds(), utc_now())
        if args.file:
            args.file.write_bytes(document)
        else:
            sys.stdout.buffer.write(document)
        return 0
    done = await import_opml(app.store, read_opml(args.file), utc_now(), topic=args.topic)
    print(f"imported {done.added} feeds from {args.file} ({done.already} already watched)")
    return 0


def _feed_row(
    feed: Any,
    following: Sequence[ChannelRef] = (),
    tags: Mapping[tuple[str, str], str] | None = None,
) -> dict[str, Any]:
    def iso(value: Any) -> str | None:
        return value.isoformat() if value else None

    return {
        "url": feed.url,
        "title": feed.title,
        "topic": feed.topic,
        "state": feed.state,
        "identity": feed.identity,
        "last_success": iso(feed.last_success_at),
        "last_error": feed.last_error,
        "consecutive_failures": feed.consecutive_failures,
        "next_poll": None if feed.disabled_reason else iso(feed.next_poll_at),
        "disabled_reason": feed.disabled_reason,
        "followers": [
            {"platform": w.platform, "workspace": w.workspace, "channel": w.channel}
            for w in following
        ],
        # A workspace's own topic for the feed (`/news follow <url> <topic>`): counted there only.
        "tags": [
            {"platform": p, "workspace": w, "topic": t}
            for (p, w), t in sorted((tags or {}).items())
        ],
    }


def _cmd_poll(args: argparse.Namespace) -> int:
    async def body(app: App) -> int:
        report = await app.poller.poll_all(utc_now())
        data = report.to_json()
        if args.json:
            print(json.dumps(data, ensure_ascii=False))
            return 0
        for item in data["new"]:
            print(f"new: {item['title']} — {item['url']}")
        for item in data["duplicates"]:
            print(f"duplicate: {item['url']} (first: {item['duplicate_of']})")
        for item in data["failed"]:
            print(f"failed: {item['feed']}: {item['error']}")
        print(
            f"{data['polled']} feeds polled: {len(data['new'])} new, "
            f"{len(data['duplicates'])} duplicates, {len(data['failed'])} failed"
        )
        return 0

    return _with_app(args, body)
