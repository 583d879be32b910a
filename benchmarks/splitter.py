"""Sentence splitting: exact match of reference sentences, and speed, vs baselines in one run.

Reference sentences: the BBC News Summary set's extractive summaries are article sentences, one
per line. Every summary sentence that occurs verbatim in its article is a reference sentence; a
splitter gets it right when one of its sentences is exactly that text (whitespace collapsed).
Run: .venv/bin/python -m benchmarks.splitter --data /work/shared/data [--limit N]
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections.abc import Callable

from benchmarks._data import BBC, CASED, SEE2017, add_data_argument, build, read_jsonl, require
from digests.model import Span
from digests.sentences import split_sentences

Splitter = Callable[[str], list[Span]]
_REGEX = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"“‘(]?[A-Z0-9])|\n+")


def regex_split(text: str) -> list[Span]:
    """The plain-regex baseline: a break after . ! ? before a capital, and at line breaks."""
    spans: list[Span] = []
    start = 0
    for m in _REGEX.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _syntok() -> Splitter | None:
    try:
        from syntok import segmenter
    except ImportError:
        return None

    def split(text: str) -> list[Span]:
        spans: list[Span] = []
        for paragraph in segmenter.analyze(text):
            for sentence in paragraph:
                start = sentence[0].offset
                end = sentence[-1].offset + len(sentence[-1].value)
                spans.append((start, end))
        return spans

    return split


def _norm(s: str) -> str:
    return " ".join(s.split())


def exact_match(split: Splitter, rows: list[dict[str, str]]) -> tuple[float, int, float]:
    """Share of reference sentences split exactly, their count, and the median ms per article."""
    hits = total = 0
    times: list[float] = []
    for row in rows:
        text = row["article"]
        t0 = time.perf_counter()
        spans = split(text)
        times.append((time.perf_counter() - t0) * 1000)
        predicted = {_norm(text[a:b]) for a, b in spans}
        for ref in row["reference"].split("\n"):
            ref = _norm(ref)
            if ref and ref in _norm(text):
                total += 1
                hits += ref in predicted
    return hits / max(1, total), total, statistics.median(times)


def _median_ms(split: Splitter, texts: list[str]) -> float:
    times = []
    for text in texts:
        t0 = time.perf_counter()
        split(text)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    """Run the splitter benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_argument(parser)
    parser.add_argument("--limit", type=int, default=0, help="use only the first N articles")
    args = parser.parse_args()
    print(build())
    root = require(args.data, BBC, CASED, SEE2017)
    rows = list(read_jsonl(root / BBC))
    cased = [r["article"] for r in read_jsonl(root / CASED)]
    see = [r["article"] for r in read_jsonl(root / SEE2017)]
    if args.limit:
        rows, cased, see = rows[: args.limit], cased[: args.limit], see[: args.limit]
    splitters: dict[str, Splitter] = {"newsbot": split_sentences, "regex": regex_split}
    syntok = _syntok()
    if syntok is not None:
        splitters["syntok"] = syntok
    print(f"BBC News Summary: {len(rows)} articles; exact match of reference sentences")
    print(
        f"{'splitter':10} {'exact':>8} {'refs':>7} {'ms/art BBC':>11} {'CNN cased':>10} {'See2017':>8}"
    )
    for name, split in splitters.items():
        share, total, ms = exact_match(split, rows)
        ms_cased = _median_ms(split, cased)
        ms_see = _median_ms(split, see)
        print(f"{name:10} {share:8.2%} {total:7d} {ms:11.3f} {ms_cased:10.3f} {ms_see:8.3f}")
    if syntok is None:
        print("(syntok not installed: pip install syntok to compare with it)")


if __name__ == "__main__":
    main()
