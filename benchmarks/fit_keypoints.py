"""Fit the key-point scorer's linear weights on the tuning part of both CNN/DailyMail dev sets.

The tuning part is the fixed 20% of each set picked by `benchmarks._data.is_tuning` (a hash of
the article id); `benchmarks.keypoints` reports on the other 80%. Each candidate sentence's
target is its own ROUGE-1/ROUGE-2 F1 against the reference highlights (rouge-score's tokenizer
with stemming); the weights are a ridge least-squares fit, written to digests/keypoints_weights.json.
Run: .venv/bin/python -m benchmarks.fit_keypoints --data /work/shared/data
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

try:
    import numpy as np
    from rouge_score import tokenize
    from rouge_score.rouge_scorer import _create_ngrams
except ImportError:
    sys.exit("this benchmark needs the bench extra: .venv/bin/pip install -e '.[dev,bench]'")

from benchmarks._data import CASED, SEE2017, add_data_argument, is_tuning, read_jsonl, require
from digests.clean import clean_text
from digests.keypoints import quote_marked_spans, sentence_features, tighten
from digests.sentences import split_sentences

FEATURES = [
    "bias",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "inverse position",
    "relative position",
    "length",
    "short",
    "long",
    "centrality",
    "overlap with first sentence",
    "number density",
    "quoted share",
    "opens with a quote mark",
    "attribution verb",
    "opens with a pronoun",
    "opens with a discourse marker",
    "ends with ? or :",
]
_OUT = Path(__file__).resolve().parent.parent / "digests" / "keypoints_weights.json"


class _Tokens:
    """rouge-score's tokenisation with Porter stemming, cached per word (it is slow)."""

    def __init__(self) -> None:
        from nltk.stem import porter

        self._stemmer = porter.PorterStemmer()
        self._cache: dict[str, str] = {}

    def __call__(self, text: str) -> list[str]:
        out = []
        for w in tokenize.tokenize(text, None):
            s = self._cache.get(w)
            if s is None:
                s = self._stemmer.stem(w) if len(w) > 3 else w
                self._cache[w] = s
            out.append(s)
        return out


def _f1(candidate: list[str], reference: list[str], n: int) -> float:
    c: Counter[tuple[str, ...]] = _create_ngrams(candidate, n)
    r: Counter[tuple[str, ...]] = _create_ngrams(reference, n)
    hits = sum((c & r).values())
    if not hits:
        return 0.0
    p, rec = hits / sum(c.values()), hits / sum(r.values())
    return 2 * p * rec / (p + rec)


def _recall(candidate: list[str], reference: list[str], n: int) -> float:
    c: Counter[tuple[str, ...]] = _create_ngrams(candidate, n)
    r: Counter[tuple[str, ...]] = _create_ngrams(reference, n)
    return sum((c & r).values()) / max(1, sum(r.values()))


def rows_for(
    article: str, reference: str, tok: _Tokens, target: str
) -> tuple[list[list[float]], list[float]]:
    """Feature rows and targets for one article's candidate sentences."""
    text = clean_text(article)
    sentences = split_sentences(text)
    feats = sentence_features(text, sentences, quote_marked_spans(text))
    ref = tok(reference)
    targets = []
    for a, b in sentences[: len(feats)]:
        cand = tok(tighten(text[a:b]))
        if target == "f1":
            targets.append((_f1(cand, ref, 1) + _f1(cand, ref, 2)) / 2)
        else:
            targets.append((_recall(cand, ref, 1) + _recall(cand, ref, 2)) / 2)
    return feats, targets


def main() -> None:
    """Fit and write the weights."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_argument(parser)
    parser.add_argument("--ridge", type=float, default=1.0)
    parser.add_argument("--target", choices=("f1", "recall"), default="f1")
    parser.add_argument("--window", type=int, default=5, help="fit on the first N sentences")
    parser.add_argument("--cased-weight", type=float, default=1.0, help="weight of the cased set")
    parser.add_argument("--dry-run", action="store_true", help="print the weights, write nothing")
    args = parser.parse_args()
    root = require(args.data, SEE2017, CASED)
    tok = _Tokens()
    x: list[list[float]] = []
    y: list[float] = []
    w: list[float] = []
    for name in (SEE2017, CASED):
        rows = [r for r in read_jsonl(root / name) if is_tuning(r["id"])]
        for r in rows:
            feats, targets = rows_for(r["article"], r["reference"], tok, args.target)
            # The scorer chooses within the lead (see key_points): fit it where it chooses.
            feats, targets = feats[: args.window], targets[: args.window]
            x += feats
            y += targets
            # Each set weighs the same in the fit, whatever its size.
            w += [(args.cased_weight if name == CASED else 1.0) / len(rows)] * len(feats)
        print(f"{name}: {len(rows)} tuning articles")
    xa, ya, wa = np.array(x), np.array(y), np.sqrt(np.array(w))
    xw = xa * wa[:, None]
    reg = args.ridge * np.eye(xa.shape[1]) * float(np.mean(wa**2))
    reg[0, 0] = 0.0
    weights = np.linalg.solve(xw.T @ xw + reg, xw.T @ (ya * wa))
    for name, value in zip(FEATURES, weights, strict=True):
        print(f"{name:32} {value:+.4f}")
    if not args.dry_run:
        payload = {
            "about": "Linear key-point scorer; fitted by benchmarks/fit_keypoints.py",
            "features": FEATURES,
            "weights": [round(float(v), 5) for v in weights],
        }
        _OUT.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {_OUT}")


if __name__ == "__main__":
    main()
