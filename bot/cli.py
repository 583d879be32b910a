"""The `newsbot` command line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.adapters.console import render_digest
from digests import Digest, DigestError, digest_html, digest_text

_SEEDS = Path(__file__).resolve().parent.parent / "seeds"
_MAX_INPUT = 20 * 1024 * 1024


class UsageError(Exception):
    """A bad argument or input: reported as one line and exit status 2."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.func(args)
    except (UsageError, DigestError, OSError) as exc:
        print(f"newsbot: error: {_reason(exc)}", file=sys.stderr)
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
    r.add_argument("--seeds", type=Path, default=_SEEDS, help="folder of article files")
    r.set_defaults(func=_cmd_run)
    return parser


def _cmd_digest(args: argparse.Namespace) -> int:
    if args.batch:
        if args.source:
            raise UsageError("give either SOURCE or --batch, not both")
        return _digest_batch(Path(args.batch), args.points, args.quotes)
    if not args.source:
        raise UsageError("digest needs a SOURCE (path, - or URL) or --batch FILE.jsonl")
    digest = _digest_source(args.source, args.points, args.quotes)
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


def _digest_source(source: str, points: int, quotes: int | None) -> Digest:
    if "://" in source:
        scheme = source.split("://", 1)[0].lower()
        if scheme not in ("http", "https"):
            raise UsageError(f"unsupported URL scheme {scheme!r}: only http and https")
        raise UsageError("URL input needs the safe fetcher, which is not built yet")
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
    return digest_bytes(data, name=name, points=points, quotes=quotes)


def digest_bytes(data: bytes, *, name: str | None, points: int, quotes: int | None) -> Digest:
    """Digest a file's bytes: HTML by name or content, else UTF-8 text."""
    if b"\x00" in data[:8192]:
        raise DigestError("binary data, not an article")
    if _looks_like_html(data, name):
        return digest_html(data, points=points, quotes=quotes, source=None)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DigestError("not UTF-8 text (binary data?)") from None
    return digest_text(text, points=points, quotes=quotes)


def _looks_like_html(data: bytes, name: str | None) -> bool:
    if name and name.lower().endswith((".html", ".htm")):
        return True
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def _digest_batch(path: Path, points: int, quotes: int | None) -> int:
    with path.open(encoding="utf-8", errors="replace") as lines:
        for lineno, line in enumerate(lines, 1):
            if not line.strip():
                continue
            print(json.dumps(_batch_line(line, lineno, points, quotes), ensure_ascii=False))
    return 0


def _batch_line(line: str, lineno: int, points: int, quotes: int | None) -> dict[str, Any]:
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
            digest = digest_html(html, url=url, title=title, points=points, quotes=quotes)
            out = digest.to_json(include_text=True)
        elif text is not None:
            digest = digest_text(text, url=url, title=title, points=points, quotes=quotes)
            out = digest.to_json()
        else:
            raise DigestError('each line needs "text" or "html"')
    except DigestError as exc:
        return {"id": ident, "error": str(exc)}
    return {"id": ident, **out}


def _cmd_run(args: argparse.Namespace) -> int:
    seeds: Path = args.seeds
    files = sorted(
        p
        for p in seeds.iterdir()
        if p.suffix in (".txt", ".md", ".html", ".htm") and p.stem.lower() != "readme"
    )
    if not files:
        raise UsageError(f"no article files in {seeds}")
    for path in files:
        try:
            digest = digest_bytes(path.read_bytes(), name=path.name, points=3, quotes=3)
        except DigestError as exc:
            print(f"newsbot: {path.name}: {exc}", file=sys.stderr)
            continue
        print(render_digest(digest))
        print("─" * 60)
    return 0
