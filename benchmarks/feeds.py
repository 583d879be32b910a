"""Feeds benchmark: a poll round over many loopback feeds, an all-304 round, and parser robustness.

    .venv/bin/python -m benchmarks.feeds --data /work/shared/data [--feeds 2000 --items 20]

Part 1 serves N feeds × M items from one server process on 127.0.0.1 (different paths) and times
the poller: a first round (every entry recorded as seen, nothing posted), then a round where every
feed answers 304. Baseline, same run: plain httpx GET + feedparser of the same feeds with the same
concurrency (no safety checks, no store). Part 2 parses every file of the feedparser corpus under
<data>/feeds/feedparser/ with bot.feeds.parse_feed (each parse bounded by a timer), baseline raw
feedparser.parse. Without the data, part 2 is skipped with a message.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import resource
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser
import httpx

from benchmarks._data import add_data_argument
from bot.errors import FeedError
from bot.feeds import parse_feed
from bot.fetch import Fetcher
from bot.poll import Poller
from bot.settings import Settings
from bot.store import Feed, Store

ROOT = Path(__file__).resolve().parent.parent


# Server (runs in its own process) ---------------------------------------------------------------


def _serve(items: int) -> None:
    from email.utils import format_datetime

    from aiohttp import web

    base = datetime(2026, 11, 1, tzinfo=UTC)
    cache: dict[int, bytes] = {}

    def body(n: int, port: int) -> bytes:
        if n not in cache:
            parts = [f"<?xml version='1.0'?><rss version='2.0'><channel><title>Feed {n}</title>"]
            for i in range(items):
                when = format_datetime(base + timedelta(minutes=n * items + i), usegmt=True)
                parts.append(
                    f"<item><title>Feed {n} story {i}</title><guid>f{n}-{i}</guid>"
                    f"<link>http://127.0.0.1:{port}/a/{n}/{i}</link><pubDate>{when}</pubDate>"
                    f"<description>Story {i} of feed {n}: a short summary of what happened, "
                    f"who said what and why it matters.</description></item>"
                )
            parts.append("</channel></rss>")
            cache[n] = "".join(parts).encode()
        return cache[n]

    async def feed(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        etag = f'"{n}-v1"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        port = request.url.port or 80
        return web.Response(
            body=body(n, port), headers={"Content-Type": "application/rss+xml", "ETag": etag}
        )

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/f/{n}", feed)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        print(port, flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())


# Part 1: poll rounds ----------------------------------------------------------------------------


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _rounds(port: int, n_feeds: int, per_host: int) -> dict[str, Any]:
    tmp = tempfile.mkdtemp(prefix="newsbot-bench-")
    settings = Settings(
        data_dir=Path(tmp),
        database_url=f"sqlite+aiosqlite:///{tmp}/bench.db",
        allow_hosts="127.0.0.1",
        per_host_concurrency=per_host,
    )
    store = Store(settings.db_url)
    await store.migrate()
    now = datetime.now(UTC)
    async with store.transaction() as tx:
        await tx.add(
            *(
                Feed(url=f"http://127.0.0.1:{port}/f/{n}", origin="cli", backfill=0,
                     next_poll_at=now, consecutive_failures=0, created_at=now)
                for n in range(n_feeds)
            )
        )  # fmt: skip
    fetcher = Fetcher(settings)
    poller = Poller(store, fetcher, settings)
    out: dict[str, Any] = {"rss_before_mb": _rss_mb()}
    for name in ("first", "not_modified"):
        wall, cpu = time.perf_counter(), time.process_time()
        report = await poller.poll_all(datetime.now(UTC))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        failed = [o.error for o in report.outcomes if o.error]
        out[name] = {
            "seconds": wall,
            "cpu_ms_per_feed": 1000 * cpu / n_feeds,
            "feeds": len(report.outcomes),
            "failed": len(failed),
            "not_modified": sum(o.not_modified for o in report.outcomes),
            "new": sum(len(o.new) for o in report.outcomes),
            "first_errors": failed[:3],
        }
    out["peak_rss_mb"] = _rss_mb()
    await fetcher.aclose()
    await store.close()
    return out


async def _baseline(port: int, n_feeds: int, concurrency: int) -> dict[str, Any]:
    sem = asyncio.Semaphore(concurrency)
    entries = 0

    async def one(client: httpx.AsyncClient, n: int) -> None:
        nonlocal entries
        async with sem:
            r = await client.get(f"http://127.0.0.1:{port}/f/{n}")
        entries += len(feedparser.parse(io.BytesIO(r.content)).entries)

    wall, cpu = time.perf_counter(), time.process_time()
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, trust_env=False) as client:
        await asyncio.gather(*(one(client, n) for n in range(n_feeds)))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"seconds": wall, "cpu_ms_per_feed": 1000 * cpu / n_feeds, "entries": entries}


def part1(n_feeds: int, items: int, per_host: int) -> None:
    """Run the server process, then the poller rounds and the baseline against it."""
    server = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.feeds", "--serve", "--items", str(items)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        rounds = asyncio.run(_rounds(port, n_feeds, per_host))
        base = asyncio.run(_baseline(port, n_feeds, Settings.model_fields["concurrency"].default))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(10)
    print(f"## Part 1: {n_feeds} feeds × {items} items on 127.0.0.1, per-host limit {per_host}")
    for name in ("first", "not_modified"):
        r = rounds[name]
        print(
            f"{name:>13} round: {r['seconds']:.2f} s wall, {r['cpu_ms_per_feed']:.2f} ms CPU/feed, "
            f"{r['feeds']} feeds, {r['failed']} failed, {r['not_modified']} × 304, {r['new']} posted"
        )
        for err in r["first_errors"]:
            print(f"    e.g. {err}")
    print(
        f"  peak RSS: {rounds['peak_rss_mb']:.0f} MB (before the rounds: {rounds['rss_before_mb']:.0f} MB)"
    )
    print(
        f"  baseline (httpx GET + feedparser, no guard, no store): {base['seconds']:.2f} s wall, "
        f"{base['cpu_ms_per_feed']:.2f} ms CPU/feed, {base['entries']} entries"
    )


# Part 2: robustness over the feedparser corpus -----------------------------------------------


class _Slow(Exception):
    pass


def _alarm(_sig: int, _frame: Any) -> None:
    raise _Slow


def part2(data: Path, limit_s: float) -> None:
    """Parse every corpus file with parse_feed (bounded by a timer) and with raw feedparser."""
    corpus = data / "feeds" / "feedparser"
    index = corpus / "INDEX.tsv"
    if not index.exists():
        print(f"## Part 2 skipped: no feed corpus at {corpus} (pass --data or set NEWSBOT_DATA)")
        return
    with index.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    signal.signal(signal.SIGALRM, _alarm)
    ours = {"with_entries": 0, "empty": 0, "not_a_feed": 0, "escaped": 0, "timed_out": 0}
    raw = {"with_entries": 0, "bozo": 0, "escaped": 0}
    slowest = 0.0
    escaped: list[str] = []
    t_ours = t_raw = 0.0
    for row in rows:
        body = (corpus / row["path"]).read_bytes()
        header = row.get("http_header") or ""
        ctype = header.split(":", 1)[1].strip() if header.lower().startswith("content-type") else ""
        if not ctype:
            ctype = "application/json" if row["path"].endswith(".json") else "application/xml"
        start = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, limit_s)
        try:
            feed = parse_feed(body, content_type=ctype, url="https://example.org/feed")
            ours["with_entries" if feed.entries else "empty"] += 1
        except FeedError:
            ours["not_a_feed"] += 1
        except _Slow:
            ours["timed_out"] += 1
        except Exception as exc:  # the point of the run: count anything that escapes
            ours["escaped"] += 1
            escaped.append(f"{row['path']}: {type(exc).__name__}: {exc}")
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        took = time.perf_counter() - start
        t_ours += took
        slowest = max(slowest, took)
        start = time.perf_counter()
        try:
            parsed = feedparser.parse(io.BytesIO(body), response_headers={"content-type": ctype})
            raw["with_entries"] += bool(parsed.entries)
            raw["bozo"] += bool(parsed.bozo)
        except Exception:
            raw["escaped"] += 1
        t_raw += time.perf_counter() - start
    print(f"## Part 2: {len(rows)} files of {corpus}")
    print(
        f"  bot.feeds.parse_feed: {ours['with_entries']} with entries, {ours['empty']} parsed "
        f"without entries, {ours['not_a_feed']} refused as not a feed, {ours['escaped']} "
        f"exceptions escaped, {ours['timed_out']} over {limit_s:g} s; slowest "
        f"{1000 * slowest:.1f} ms, total {t_ours:.2f} s"
    )
    print(
        f"  baseline feedparser.parse: {raw['with_entries']} with entries, {raw['bozo']} bozo, "
        f"{raw['escaped']} exceptions, total {t_raw:.2f} s"
    )
    for line in escaped[:10]:
        print(f"    escaped: {line}")


def main() -> None:
    """Command line of the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_argument(parser)
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument(
        "--per-host", type=int, default=Settings.model_fields["per_host_concurrency"].default
    )
    parser.add_argument("--parse-limit", type=float, default=5.0, help="seconds per corpus file")
    parser.add_argument("--skip-rounds", action="store_true")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(args.items)
        return
    data = Path(args.data)
    if not args.skip_rounds:
        part1(args.feeds, args.items, args.per_host)
    part2(data, args.parse_limit)


if __name__ == "__main__":
    main()
