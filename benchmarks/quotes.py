"""Quote extraction measured on the quote dev sets (GGT, PolNeAR), beside a naive baseline.

Run: `.venv/bin/python -m benchmarks.quotes --data /work/shared/data [--limit N]`.

Metrics (as defined in the data README), on gold quotes of type "direct":
- recall: a gold quote is found when one predicted quote covers >= 50% of its characters;
- precision: predicted quotes lying >= 50% inside some gold quotation of any type;
- speaker accuracy: among found gold quotes, the best-covering prediction's speaker shares a
  name token (case-insensitive, minus articles and honorifics) with the gold speaker
  (GGT: the resolved name; PolNeAR: the surface span or its automatic resolution).
  "strict" additionally needs every token of the gold name in the predicted speaker.
The baseline predicts every span between double quotation marks, with no speaker.

Speed is CPU time (time.process_time: steadier than wall time on a shared machine), the fastest of
3 runs per article, median over articles; besides the two quote sets it is measured on the CNN
cased set (`summ/cnndm_cased_dev.jsonl`, `--cnn N` articles): `find_quotes`, the whole
`digest_text` with quotes (3) and with `quotes=0` (which still finds the quotes, so that key
points never repeat one), and the naive baseline's regex.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks._data import add_data_argument, build
from digests import digest_text
from digests.digest import is_verbatim
from digests.model import Quote
from digests.quotes import find_quotes

_SETS = ("ggt_dev49.jsonl", "polnear_train.jsonl")
_CNN = Path("summ") / "cnndm_cased_dev.jsonl"
# PolNeAR articles from this index on were never inspected while the rules were written.
_HELD_OUT = 300
_BASELINE = re.compile(r"[\"“”]([^\"“”\n]+)[\"“”]")
_STOP = frozenset("the a an of mr mrs ms dr prof and".split())
_TOKEN = re.compile(r"[^\W_]+")

Chars = frozenset[int]


@dataclass
class _Score:
    gold: int = 0
    found: int = 0
    predicted: int = 0
    correct: int = 0
    speaker_ok: int = 0
    speaker_strict: int = 0
    non_verbatim: int = 0

    def line(self, name: str) -> str:
        p = self.correct / self.predicted if self.predicted else 0.0
        r = self.found / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        s = self.speaker_ok / self.found if self.found else 0.0
        st = self.speaker_strict / self.found if self.found else 0.0
        return (
            f"{name:<10} P {p:.3f}  R {r:.3f}  F1 {f:.3f}  speaker {s:.3f} (strict {st:.3f})  "
            f"predicted {self.predicted}  gold {self.gold}  non-verbatim {self.non_verbatim}"
        )


def _articles(path: Path, limit: int | None) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if limit is not None and i >= limit:
                return
            yield json.loads(line)


def _gold_chars(q: dict[str, Any]) -> Chars:
    spans = q.get("content_spans") or [[q["start"], q["end"]]]
    return frozenset(i for s, e in spans for i in range(s, e))


def _tokens(name: str | None) -> set[str]:
    return {t for t in _TOKEN.findall((name or "").lower()) if t not in _STOP}


def _baseline(text: str) -> list[Quote]:
    return [
        Quote(m.group(1), None, False, ((m.start(1), m.end(1)),)) for m in _BASELINE.finditer(text)
    ]


def _score(article: dict[str, object], quotes: list[Quote], score: _Score) -> None:
    text = str(article["text"])
    golds = article["quotes"]
    assert isinstance(golds, list)
    all_gold = [_gold_chars(g) for g in golds]
    preds = [frozenset(i for s, e in q.spans for i in range(s, e)) for q in quotes]
    score.predicted += len(quotes)
    score.non_verbatim += sum(not is_verbatim(q, text) for q in quotes)
    for chars in preds:
        if chars and any(len(chars & g) >= 0.5 * len(chars) for g in all_gold):
            score.correct += 1
    for g, chars in zip(golds, all_gold, strict=True):
        if g["type"] != "direct" or not chars:
            continue
        score.gold += 1
        best = max(range(len(preds)), key=lambda k: len(preds[k] & chars), default=None)
        if best is None or len(preds[best] & chars) < 0.5 * len(chars):
            continue
        score.found += 1
        said = _tokens(quotes[best].speaker)
        names = [g.get("speaker"), g.get("speaker_resolved_auto")]
        if said and any(said & _tokens(n) for n in names if n):
            score.speaker_ok += 1
        if said and any(_tokens(n) and _tokens(n) <= said for n in names if n):
            score.speaker_strict += 1


@dataclass
class _Run:
    ours: _Score
    naive: _Score
    held_out: _Score  # articles from _HELD_OUT on: never looked at while writing the rules
    quote_ms: list[float]
    digest_ms: list[float]


def _best_ms(fn: Callable[[], object], repeat: int = 3) -> float:
    """Fastest of a few runs in CPU time: the machine is shared; the minimum is least disturbed."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best * 1000


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):.3f}" if values else "-"


def _cnn_speed(path: Path, limit: int) -> None:
    """find_quotes and the whole digest (quotes on, quotes=0) on CNN articles, and the baseline."""
    times: dict[str, list[float]] = {"find_quotes": [], "digest": [], "digest0": [], "naive": []}
    for article in _articles(path, limit):
        text = str(article["article"])
        # Interleaved per article, so that the machine's load weighs on each figure alike.
        times["find_quotes"].append(_best_ms(lambda t=text: find_quotes(t)))  # type: ignore[misc]
        times["digest"].append(_best_ms(lambda t=text: digest_text(t)))  # type: ignore[misc]
        times["digest0"].append(_best_ms(lambda t=text: digest_text(t, quotes=0)))  # type: ignore[misc]
        times["naive"].append(_best_ms(lambda t=text: _baseline(t)))  # type: ignore[misc]
    n = len(times["digest"])
    print(f"== {_CNN} ({n} articles): CPU ms/article, median (p90)")
    for name, values in times.items():
        p90 = sorted(values)[int(0.9 * n)] if values else 0.0
        print(f"{name:<12} {_median(values)} ({p90:.3f})")


def _run(path: Path, limit: int | None) -> _Run:
    run = _Run(_Score(), _Score(), _Score(), [], [])
    for i, article in enumerate(_articles(path, limit)):
        text = str(article["text"])
        quotes = find_quotes(text)
        _score(article, quotes, run.ours)
        if i >= _HELD_OUT:
            _score(article, quotes, run.held_out)
        _score(article, _baseline(text), run.naive)
        run.quote_ms.append(_best_ms(lambda t=text: find_quotes(t)))  # type: ignore[misc]
        run.digest_ms.append(_best_ms(lambda t=text: digest_text(t, quotes=None)))  # type: ignore[misc]
    return run


def main(argv: list[str] | None = None) -> int:
    """Print P/R/F1/speaker accuracy for newsbot and the baseline on both dev sets, and speed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_argument(parser)
    parser.add_argument("--limit", type=int, help="only the first N articles of each set")
    parser.add_argument("--cnn", type=int, default=1000, help="CNN articles timed (0: none)")
    args = parser.parse_args(argv)
    print(build())
    data = Path(args.data)
    folder = data / "quotes"
    if not all((folder / name).is_file() for name in _SETS):
        print(f"quote data not found under {folder}; pass --data or set NEWSBOT_DATA")
        return 0
    for name in _SETS:
        run = _run(folder / name, args.limit)
        quote_ms, digest_ms = run.quote_ms, run.digest_ms
        print(f"== {name} ({len(quote_ms)} articles)")
        print(run.ours.line("newsbot"))
        if run.held_out.gold:
            print(run.held_out.line(f"  #{_HELD_OUT}+"))
        print(run.naive.line("baseline"))
        share = statistics.median(q / d for q, d in zip(quote_ms, digest_ms, strict=True) if d)
        print(
            f"speed: find_quotes median {statistics.median(quote_ms):.3f} ms/article "
            f"(p90 {sorted(quote_ms)[int(0.9 * len(quote_ms))]:.3f}); whole digest_text "
            f"median {statistics.median(digest_ms):.3f} ms/article; quotes' share of the "
            f"digest median {share:.0%}"
        )
    if args.cnn and (data / _CNN).is_file():
        _cnn_speed(data / _CNN, args.cnn)
    return 0


if __name__ == "__main__":
    sys.exit(main())
