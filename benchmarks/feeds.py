"""Feeds benchmark: poll rounds over 500 / 2,000 / 8,000 loopback feeds against a baseline, and parser robustness.

    .venv/bin/python -m benchmarks.feeds --data /work/shared/data [--sizes 500,2000,8000 --items 20]

Part 1 serves N feeds × M items from one server process listening on 127.0.0.1 … 127.0.0.H (one
"host" per address, `--hosts`, so the per-host limit applies as it would to real feeds) and, for
each size, runs in a fresh process of its own (so its peak RSS is that size's):

- the poller on a fresh SQLite file, exactly as `newsbot run` polls (`Poller.poll_due`, which
  claims due feeds): a first round (every entry new to the store and recorded as seen, nothing
  posted), then an all-304 round (every feed made due again; each answers 304 to its ETag);
- two baselines: a minimal asyncio loop, plain GET + feedparser of the same feeds with the same
  global concurrency (no safety checks, no identity keys, no store), then a conditional GET of
  each with its ETag (the baseline of the all-304 round) — once with a plain httpx client (its
  own httpcore pool) and once with a plain aiohttp session, the cheapest client here: the two
  loops differ only in the client, so their gap is the client's cost.

Part 2 parses every file of the feedparser corpus under <data>/feeds/feedparser/ with
bot.feeds.parse_feed (each parse bounded by a timer), baseline raw feedparser.parse. Without the
data, part 2 is skipped with a message.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import feedparser
import httpx
from sqlalchemy import update

from benchmarks._data import add_data_argument
from bot.errors import FeedError
from bot.feeds import parse_feed
from bot.fetch import Fetcher
from bot.poll import Poller
from bot.runner import settle_heap
from bot.settings import Settings
from bot.store import Feed, Store

ROOT = Path(__file__).resolve().parent.parent
POLL_INTERVAL = 600  # seconds: the default interval, for the "feeds one worker keeps up with" line


# Server (runs in its own process) ---------------------------------------------------------------


def _host(n: int, hosts: int) -> str:
    """The loopback address feed `n` lives on (127.0.0.1 … 127.0.0.<hosts>)."""
    return f"127.0.0.{1 + n % hosts}"


def _serve(items: int, hosts: int) -> None:
    from email.utils import format_datetime

    from aiohttp import web

    base = datetime(2026, 11, 1, tzinfo=UTC)
    cache: dict[int, bytes] = {}

    def body(n: int, port: int) -> bytes:
        if n not in cache:
            host = _host(n, hosts)
            parts = [f"<?xml version='1.0'?><rss version='2.0'><channel><title>Feed {n}</title>"]
            for i in range(items):
                when = format_datetime(base + timedelta(minutes=n * items + i), usegmt=True)
                parts.append(
                    f"<item><title>Feed {n} story {i}</title><guid>f{n}-{i}</guid>"
                    f"<link>http://{host}:{port}/a/{n}/{i}</link><pubDate>{when}</pubDate>"
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
        first = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await first.start()
        port = first._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        for h in range(2, hosts + 1):  # the same port on every other loopback address
            await web.TCPSite(runner, f"127.0.0.{h}", port, backlog=1024).start()
        print(port, flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())


# Part 1: poll rounds (each size in a process of its own) ---------------------------------------


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _url(port: int, n: int, hosts: int) -> str:
    return f"http://{_host(n, hosts)}:{port}/f/{n}"


async def _rounds(port: int, n_feeds: int, hosts: int, per_host: int) -> dict[str, Any]:
    tmp = tempfile.mkdtemp(prefix="newsbot-bench-")
    settings = Settings(
        data_dir=Path(tmp),
        database_url=f"sqlite+aiosqlite:///{tmp}/bench.db",
        allow_hosts=",".join(f"127.0.0.{h}" for h in range(1, hosts + 1)),
        per_host_concurrency=per_host,
    )
    store = Store(settings.db_url)
    await store.migrate()
    now = datetime.now(UTC)
    async with store.transaction() as tx:
        await tx.add(*(Feed.new(_url(port, n, hosts), now, origin="cli") for n in range(n_feeds)))
    fetcher = Fetcher(settings)
    poller = Poller(store, fetcher, settings)
    settle_heap()  # as `newsbot run` does once started
    out: dict[str, Any] = {"rss_before_mb": _rss_mb()}
    for name in ("first", "not_modified"):
        now = datetime.now(UTC)
        async with store.transaction() as tx:  # every feed due now
            await tx.session.execute(update(Feed).values(next_poll_at=now - timedelta(seconds=1)))
        wall, cpu = time.perf_counter(), time.process_time()
        report = await poller.poll_due(now)
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


async def _baseline(
    port: int, n_feeds: int, hosts: int, concurrency: int, client_kind: str
) -> dict[str, Any]:
    """GET + feedparser of every feed, then a conditional GET of each with its ETag (304s).

    `client_kind` "httpx": a plain httpx.AsyncClient (its default httpcore pool); "aiohttp": a
    plain aiohttp.ClientSession, the cheapest asyncio client here, so the lower bound.
    """
    sem = asyncio.Semaphore(concurrency)
    entries = 0
    etags: dict[int, str] = {}
    get: Callable[[str, dict[str, str]], Awaitable[tuple[int, dict[str, str], bytes]]]

    async def one(n: int) -> None:
        nonlocal entries
        async with sem:
            _, headers, body = await get(_url(port, n, hosts), {})
        etags[n] = headers["etag"]
        entries += len(feedparser.parse(io.BytesIO(body)).entries)

    async def again(n: int) -> None:
        async with sem:
            status, _, _ = await get(_url(port, n, hosts), {"If-None-Match": etags[n]})
        assert status == 304

    async def rounds() -> None:
        for name, job in (("get", one), ("not_modified", again)):
            wall, cpu = time.perf_counter(), time.process_time()
            await asyncio.gather(*(job(n) for n in range(n_feeds)))
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            out[name] = {"seconds": wall, "cpu_ms_per_feed": 1000 * cpu / n_feeds}

    out: dict[str, Any] = {"rss_before_mb": _rss_mb()}
    if client_kind == "httpx":
        limits = httpx.Limits(max_connections=concurrency)
        async with httpx.AsyncClient(limits=limits, trust_env=False) as client:

            async def get_httpx(url: str, headers: dict[str, str]) -> tuple[int, Any, bytes]:
                r = await client.get(url, headers=headers)
                return r.status_code, r.headers, r.content

            get = get_httpx
            await rounds()
    else:
        connector = aiohttp.TCPConnector(limit=concurrency)
        async with aiohttp.ClientSession(connector=connector) as session:

            async def get_aiohttp(url: str, headers: dict[str, str]) -> tuple[int, Any, bytes]:
                async with session.get(url, headers=headers) as r:
                    return r.status, r.headers, await r.read()

            get = get_aiohttp
            await rounds()
    out.update(entries=entries, peak_rss_mb=_rss_mb())
    return out


def _in_process(args: list[str]) -> dict[str, Any]:
    """Run one measurement in a fresh Python process (its own peak RSS); its JSON result."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.feeds", *args],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def part1(sizes: list[int], items: int, hosts: int, per_host: int) -> None:
    """Run the server process, then for each size the poller rounds and the baseline against it."""
    server = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.feeds", "--serve", "--items", str(items),
         "--hosts", str(hosts)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    rows = []
    try:
        assert server.stdout is not None
        port = str(int(server.stdout.readline()))
        common = ["--port", port, "--hosts", str(hosts), "--per-host", str(per_host)]
        for n in sizes:
            base = _in_process(["--measure", "baseline", "--feeds", str(n), *common])
            bare = _in_process(["--measure", "baseline-aiohttp", "--feeds", str(n), *common])
            rounds = _in_process(["--measure", "poller", "--feeds", str(n), *common])
            rows.append((n, rounds, base, bare))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(10)
    print(
        f"## Part 1: feeds × {items} items on {hosts} loopback addresses, per-host limit "
        f"{per_host}, global {Settings.model_fields['concurrency'].default}"
    )
    print(
        "| feeds | first round | baseline GET + parse: httpx / aiohttp | ratio to each "
        "| all-304 round | baseline 304: httpx / aiohttp | ratio to each "
        "| CPU per feed, first: poller / httpx / aiohttp | CPU per feed, 304: poller / httpx / "
        "aiohttp | peak RSS poller (before) / baselines |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n, r, b, a in rows:
        first, nm = r["first"], r["not_modified"]
        print(
            f"| {n:,} | {first['seconds']:.2f} s "
            f"| {b['get']['seconds']:.2f} / {a['get']['seconds']:.2f} s "
            f"| {first['seconds'] / b['get']['seconds']:.2f}× / "
            f"{first['seconds'] / a['get']['seconds']:.2f}× "
            f"| {nm['seconds']:.2f} s "
            f"| {b['not_modified']['seconds']:.2f} / {a['not_modified']['seconds']:.2f} s "
            f"| {nm['seconds'] / b['not_modified']['seconds']:.2f}× / "
            f"{nm['seconds'] / a['not_modified']['seconds']:.2f}× "
            f"| {first['cpu_ms_per_feed']:.2f} / {b['get']['cpu_ms_per_feed']:.2f} / "
            f"{a['get']['cpu_ms_per_feed']:.2f} ms "
            f"| {nm['cpu_ms_per_feed']:.2f} / {b['not_modified']['cpu_ms_per_feed']:.2f} / "
            f"{a['not_modified']['cpu_ms_per_feed']:.2f} ms "
            f"| {r['peak_rss_mb']:.0f} MB ({r['rss_before_mb']:.0f}) / "
            f"{b['peak_rss_mb']:.0f}, {a['peak_rss_mb']:.0f} MB |"
        )
    for n, r, b, a in rows:
        for name in ("first", "not_modified"):
            x = r[name]
            if (
                x["failed"]
                or x["feeds"] != n
                or (name == "not_modified" and x["not_modified"] != n)
            ):
                print(
                    f"  {n} {name}: {x['feeds']} polled, {x['failed']} failed, "
                    f"{x['not_modified']} × 304; e.g. {x['first_errors']}"
                )
        for base in (b, a):
            if base["entries"] != n * items:
                print(f"  {n} baseline: {base['entries']} entries, expected {n * items}")
    n, r, _, _ = rows[-1]
    per_feed = r["not_modified"]["seconds"] / n
    print(
        f"  at the {n:,}-feed all-304 round's rate ({1000 * per_feed:.2f} ms per feed), one worker "
        f"polls {POLL_INTERVAL / per_feed:,.0f} feeds per {POLL_INTERVAL // 60}-minute interval; "
        f"20,000 feeds would take {20000 * per_feed:.0f} s (extrapolated)"
    )


def _measure(kind: str, port: int, n_feeds: int, hosts: int, per_host: int) -> None:
    if kind.startswith("baseline"):
        concurrency = Settings.model_fields["concurrency"].default
        client = "aiohttp" if kind == "baseline-aiohttp" else "httpx"
        result = asyncio.run(_baseline(port, n_feeds, hosts, concurrency, client))
    else:
        result = asyncio.run(_rounds(port, n_feeds, hosts, per_host))
    print(json.dumps(result))


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
    parser.add_argument("--sizes", default="500,2000,8000", help="feed counts, comma-separated")
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument(
        "--hosts", type=int, default=50, help="loopback addresses feeds spread over"
    )
    parser.add_argument(
        "--per-host", type=int, default=Settings.model_fields["per_host_concurrency"].default
    )
    parser.add_argument("--parse-limit", type=float, default=5.0, help="seconds per corpus file")
    parser.add_argument("--skip-rounds", action="store_true")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--measure", choices=("poller", "baseline", "baseline-aiohttp"), help=argparse.SUPPRESS
    )
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--feeds", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(args.items, args.hosts)
        return
    if args.measure:
        _measure(args.measure, args.port, args.feeds, args.hosts, args.per_host)
        return
    data = Path(args.data)
    if not args.skip_rounds:
        part1([int(n) for n in args.sizes.split(",")], args.items, args.hosts, args.per_host)
    part2(data, args.parse_limit)


if __name__ == "__main__":
    main()
