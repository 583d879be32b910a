"""HTML → article text: token-overlap P/R/F1 against the expected text, and ms per page.

Pages: extraction/readability/<id>.html with Readability.js's expected text <id>.txt (not human
ground truth: it favours Readability-like output). Tokens are lower-cased words; precision and
recall count the multiset overlap per page, averaged over pages (macro). Systems, in one run:
trafilatura alone (`trafilatura.extract`, default settings), newsbot's `extract_html` (trafilatura
in precision mode, readability-lxml fallback, own charset decoding), and `extract_html` followed by
`clean_text` (the digest's boilerplate masking) — cleaning must not cost recall.
Run: .venv/bin/python -m benchmarks.extraction --data /work/shared/data [--limit N]
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import trafilatura

from benchmarks._data import READABILITY, add_data_argument, require
from digests.clean import clean_text
from digests.html import extract_html
from digests.model import DigestError

_TOKEN = re.compile(r"\w+")


def _tokens(text: str) -> Counter[str]:
    return Counter(_TOKEN.findall(text.lower()))


def prf(predicted: str, expected: str) -> tuple[float, float, float]:
    """Token-overlap precision, recall and F1 of one page."""
    p, e = _tokens(predicted), _tokens(expected)
    hits = sum((p & e).values())
    precision = hits / max(1, sum(p.values()))
    recall = hits / max(1, sum(e.values()))
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return precision, recall, f1


def _trafilatura(data: bytes) -> str:
    return trafilatura.extract(data) or ""


def _newsbot(data: bytes) -> str:
    try:
        return extract_html(data).text
    except DigestError:
        return ""


def _newsbot_clean(data: bytes) -> str:
    try:
        return clean_text(extract_html(data).text)
    except DigestError:
        return ""


def main() -> None:
    """Run the extraction benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_argument(parser)
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages")
    args = parser.parse_args()
    folder = require(args.data, READABILITY) / READABILITY
    pages: list[tuple[bytes, str]] = []
    for html in sorted(folder.glob("*.html")):
        if html.name.endswith(".expected.html"):
            continue
        txt = Path(str(html)[: -len(".html")] + ".txt")
        if txt.exists():
            pages.append((html.read_bytes(), txt.read_text(encoding="utf-8")))
    if args.limit:
        pages = pages[: args.limit]
    systems: dict[str, Callable[[bytes], str]] = {
        "trafilatura alone": _trafilatura,
        "newsbot extract_html": _newsbot,
        "extract_html + clean": _newsbot_clean,
    }
    print(f"{len(pages)} pages from {folder}; token-overlap macro P/R/F1 vs <id>.txt")
    print(f"  {'system':22} {'P':>6} {'R':>6} {'F1':>6} {'median ms':>10} {'mean ms':>8}")
    # Systems take turns page by page, so none gains from warm caches or loses to load spikes.
    scores: dict[str, list[tuple[float, float, float]]] = {name: [] for name in systems}
    times: dict[str, list[float]] = {name: [] for name in systems}
    for data, expected in pages:
        for name, run in systems.items():
            t0 = time.perf_counter()
            text = run(data)
            times[name].append((time.perf_counter() - t0) * 1000)
            scores[name].append(prf(text, expected))
    for name in systems:
        p, r, f = (statistics.fmean(s[i] for s in scores[name]) for i in range(3))
        print(
            f"  {name:22} {p:6.3f} {r:6.3f} {f:6.3f} "
            f"{statistics.median(times[name]):10.1f} {statistics.fmean(times[name]):8.1f}"
        )


if __name__ == "__main__":
    main()
