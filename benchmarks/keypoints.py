"""Key points vs lead-3 (ROUGE, paired bootstrap) and digest speed vs sumy LexRank, in one run.

ROUGE-1/2/Lsum F1 with rouge-score (stemming on; the reference highlights and the summaries are
split on newlines for Lsum). newsbot = the key points of `digest_text(article)`; lead-3 = the
first three sentences of the article (newsbot's splitter), untouched. Both CNN/DailyMail dev sets;
by default only their held-out 80% (the 20% in `benchmarks._data.is_tuning` fitted the weights).
Speed: whole `digest_text` per article on one core vs sumy LexRank over the same sentences
(sumy's document is built from newsbot's sentence spans with a regex word tokenizer, so no NLTK
data is downloaded).
Run: .venv/bin/python -m benchmarks.keypoints --data /work/shared/data [--limit N]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable

try:
    import numpy as np
    from rouge_score import rouge_scorer
except ImportError:
    sys.exit("this benchmark needs the bench extra: .venv/bin/pip install -e '.[dev,bench]'")

from benchmarks._data import (
    BBC,
    CASED,
    SEE2017,
    add_data_argument,
    build,
    is_tuning,
    read_jsonl,
    require,
)
from digests import digest_text
from digests.clean import clean_text
from digests.keypoints import paragraph_order, quote_marked_spans
from digests.model import DigestError
from digests.sentences import split_sentences

_METRICS = ("rouge1", "rouge2", "rougeLsum")
_WORD = re.compile(r"\w+")


def newsbot(article: str) -> str:
    """newsbot's three key points, one per line."""
    try:
        return "\n".join(digest_text(article).key_points)
    except DigestError:
        return ""


def lead3(article: str) -> str:
    """The first three sentences, one per line."""
    return "\n".join(article[a:b] for a, b in split_sentences(article)[:3])


def rouge_table(
    rows: list[dict[str, str]], systems: dict[str, Callable[[str], str]]
) -> dict[str, np.ndarray]:
    """Per-article F1 (rows) of each metric (columns) for each system."""
    scorer = rouge_scorer.RougeScorer(list(_METRICS), use_stemmer=True)
    out = {name: np.zeros((len(rows), len(_METRICS))) for name in systems}
    for i, row in enumerate(rows):
        for name, system in systems.items():
            scores = scorer.score(row["reference"], system(row["article"]))
            out[name][i] = [scores[m].fmeasure * 100 for m in _METRICS]
    return out


def bootstrap(diff: np.ndarray, rounds: int = 1000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The 95% paired bootstrap interval (low, high) of the mean difference per metric."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(diff), size=(rounds, len(diff)))
    means = diff[idx].mean(axis=1)
    return np.percentile(means, 2.5, axis=0), np.percentile(means, 97.5, axis=0)


def lexrank() -> Callable[[str], list[str]]:
    """sumy LexRank (3 sentences) over newsbot's sentence spans, with no NLTK data needed."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.summarizers.lex_rank import LexRankSummarizer

    class _Words:
        """A word tokenizer for sumy that needs no NLTK data."""

        @staticmethod
        def to_words(text: str) -> list[str]:
            return _WORD.findall(text)

    summarizer = LexRankSummarizer()
    tokenizer = _Words()

    def summarize(article: str) -> list[str]:
        sentences = [Sentence(article[a:b], tokenizer) for a, b in split_sentences(article)]
        document = ObjectDocumentModel([Paragraph(sentences)])
        return [str(s) for s in summarizer(document, 3)]

    return summarize


def speed(articles: list[str]) -> None:
    """Median ms and articles/second for newsbot's whole digest and for sumy LexRank."""
    systems: dict[str, Callable[[str], object]] = {
        "newsbot digest_text": digest_text,
        "sumy LexRank": lexrank(),
    }
    for name, run in systems.items():
        run(articles[0])  # warm-up (loads the weights once)
        times = []
        cpu = []
        for article in articles:
            t0, c0 = time.perf_counter(), time.process_time()
            run(article)
            cpu.append(time.process_time() - c0)
            times.append(time.perf_counter() - t0)
        print(
            f"  {name:22} median {statistics.median(times) * 1000:7.3f} ms/article "
            f"(CPU {statistics.median(cpu) * 1000:.3f}), "
            f"{len(times) / sum(times):8.1f} articles/s ({len(times)} articles)"
        )


def main() -> None:
    """Run the key-point benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_argument(parser)
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles per set")
    parser.add_argument("--part", choices=("heldout", "tuning", "all"), default="heldout")
    parser.add_argument(
        "--bbc", action="store_true", help="also the BBC News Summary set (a sanity check only)"
    )
    args = parser.parse_args()
    print(build())
    root = require(args.data, SEE2017, CASED)
    for name in (SEE2017, CASED):
        rows = list(read_jsonl(root / name))
        if args.part != "all":
            rows = [r for r in rows if is_tuning(r["id"]) == (args.part == "tuning")]
        if args.limit:
            rows = rows[: args.limit]
        _report(f"{name} ({args.part}, {len(rows)} articles)", rows)
        print(f"  speed on {name}:")
        speed([r["article"] for r in rows])
    if args.bbc and (root / BBC).exists():
        rows = list(read_jsonl(root / BBC))[: args.limit or None]
        paragraphed = sum(_paragraphed(r["article"]) for r in rows)
        _report(
            f"{BBC} ({len(rows)} articles, silver extractive references; "
            f"{paragraphed} use the paragraph rule)",
            rows,
        )


def _report(label: str, rows: list[dict[str, str]]) -> None:
    table = rouge_table(rows, {"newsbot": newsbot, "lead-3": lead3})
    diff = table["newsbot"] - table["lead-3"]
    low, high = bootstrap(diff)
    print(f"{label}: ROUGE F1, rouge-score with stemming")
    print(f"  {'':10} {'R-1':>7} {'R-2':>7} {'R-Lsum':>7}")
    for system in ("newsbot", "lead-3"):
        print(f"  {system:10} " + " ".join(f"{v:7.2f}" for v in table[system].mean(axis=0)))
    print(
        f"  {'diff':10} "
        + " ".join(
            f"{d:+.2f} [{lo:+.2f}, {hi:+.2f}]"
            for d, lo, hi in zip(diff.mean(axis=0), low, high, strict=True)
        )
    )


def _paragraphed(article: str) -> bool:
    text = clean_text(article)
    return bool(paragraph_order(text, split_sentences(text), quote_marked_spans(text), 3))


if __name__ == "__main__":
    main()
