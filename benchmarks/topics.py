"""Topic matching: speed and tagging rates of config/topics.toml on real news, against a baseline.

Run: .venv/bin/python -m benchmarks.topics --data /work/shared/data [--limit N]

Data: summ/bbc_news_summary.jsonl.gz (BBC articles labelled business / tech / politics (UK) /
sport / entertainment) and summ/cnndm_cased_dev.jsonl (CNN articles, for speed). The baseline is
what one writes first: a story gets a topic when any of its terms occurs as a case-insensitive
substring (no whole words, no threshold, no exclusions), checked term by term. The matcher as it
was before the one-lookup-per-word scan (`benchmarks._topics_reference`) is timed too, and every
text's matches (topics, scores, evidence) are compared with it, and on `--random N` texts made of
the shipped terms' words and tricky extra words (acronyms, "U.S.", CJK, accents, letters that
case-fold to others) joined by random marks, with every piece of evidence counted (threshold 0.5).
Both counts of differences must be 0.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

from benchmarks._data import add_data_argument, build
from benchmarks._topics_reference import ReferenceTopicSet
from digests import Topic, TopicSet, parse_topics

ROOT = Path(__file__).resolve().parent.parent
# BBC category -> the starter topic a reader would expect on it.
EXPECTED = {"tech": "technology", "business": "business"}
# Categories where none of the starter topics should fire often.
UNRELATED = ("sport", "entertainment")


def main(argv: list[str] | None = None) -> int:
    """Print tagging rates and throughput for the shipped topics and the substring baseline."""
    parser = argparse.ArgumentParser(description=__doc__)
    add_data_argument(parser)
    parser.add_argument("--limit", type=int, default=0, help="articles per category (0: all)")
    parser.add_argument("--random", type=int, default=10_000, help="random texts compared")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random texts")
    args = parser.parse_args(argv)
    print(build())
    bbc = Path(args.data) / "summ" / "bbc_news_summary.jsonl.gz"
    cnn = Path(args.data) / "summ" / "cnndm_cased_dev.jsonl"
    if not bbc.exists() or not cnn.exists():
        print(f"topics benchmark: data not found under {args.data} (pass --data); skipping")
        return 0
    config = tomllib.loads((ROOT / "config" / "topics.toml").read_text(encoding="utf-8"))
    topics = parse_topics(config)
    topic_set = TopicSet(topics)
    baseline = _substring_matcher(topics)

    stories = list(_read(bbc, args.limit))
    print(f"BBC News ({len(stories)} articles): share of each category tagged with a topic")
    print(f"{'matcher':<10} {'category':<14} " + " ".join(f"{t.name:>11}" for t in topics))
    for name, match in (("newsbot", _newsbot(topic_set)), ("substring", baseline)):
        by_category: dict[str, list[set[str]]] = {}
        for category, title, text in stories:
            by_category.setdefault(category, []).append(match(title, text))
        for category in sorted(by_category):
            tags = by_category[category]
            shares = [sum(t.name in s for s in tags) / len(tags) for t in topics]
            print(f"{name:<10} {category:<14} " + " ".join(f"{x:>11.1%}" for x in shares))
        for category, topic in EXPECTED.items():
            hit = _share(by_category.get(category, []), topic)
            wrong = _share([s for c in UNRELATED for s in by_category.get(c, [])], topic)
            print(
                f"  {name}: {topic} on BBC {category} {hit:.1%}, on sport+entertainment {wrong:.1%}"
            )
        untagged = _share_untagged([s for c in UNRELATED for s in by_category.get(c, [])])
        print(f"  {name}: sport+entertainment with no topic at all {untagged:.1%}")

    texts = [(t, x) for _, t, x in stories] + [(t, x) for t, x in _read_cnn(cnn, args.limit)]
    chars = sum(len(t) + len(x) for t, x in texts)
    reference = ReferenceTopicSet(topics)
    differ = sum(topic_set.match(t, x) != reference.match(t, x) for t, x in texts)
    print(f"\nSame matches as the reference matcher: {len(texts) - differ} of {len(texts)} texts")
    tricky = [*topics, _TRICKY]
    loose = TopicSet(tricky, min_score=0.5)
    loose_reference = ReferenceTopicSet(tricky, min_score=0.5)
    made = list(_random_texts(tricky, args.random, args.seed))
    differ = sum(loose.match(t, x) != loose_reference.match(t, x) for t, x in made)
    print(f"  and on {len(made) - differ} of {len(made)} random texts (seed {args.seed})")
    print(f"Speed on {len(texts)} articles ({chars / len(texts):,.0f} characters on average):")
    timed = (
        ("newsbot", _newsbot(topic_set)),
        ("reference", _newsbot(reference)),
        ("substring", baseline),
    )
    for name, match in timed:
        start = time.process_time()
        for title, text in texts:
            match(title, text)
        elapsed = time.process_time() - start
        per = elapsed / len(texts)
        print(f"  {name:<10} {per * 1000:.3f} ms/article, {60 / per:,.0f} articles/minute (1 core)")
    start = time.perf_counter()
    TopicSet(topics)
    print(f"  compiling the topic set: {(time.perf_counter() - start) * 1000:.2f} ms")
    return 0


def _newsbot(topic_set: TopicSet | ReferenceTopicSet) -> Callable[[str, str], set[str]]:
    return lambda title, text: {m.topic for m in topic_set.match(title, text)}


# Terms of kinds the shipped topics lack: CJK, apostrophes, dots, underscores, digits, accents.
_TRICKY = Topic(
    "tricky",
    keywords=("习近平", "中美", "ſtuff", "o'brien", "café", "x_y", "42"),
    phrases=("中美 关系", "U.S. Army", "rock'n'roll", "Ab-Cd ef"),
    exclusions=("中美洲",),
)
# Words beside the terms' own: case and dots for acronyms, plurals, letters beyond ASCII that
# case-fold to other letters (ſ → s, İ → i + dot, ß → ss, ﬁ → fi), CJK, a decomposed accent.
_EXTRA_WORDS = (
    "the us US U.S. u.s. a. I said ai AIs Chinas chips ſ K İ ß Straße café cafe\u0301 "
    "中 美 洲 中美 习近平 _ 2015 ² x_y ﬁ"
).split()
# What may come between two words: spaces, hyphens and dashes (which join), sentence marks and
# quote marks (which do not), possessives, and nothing at all.
_MARKS = tuple(
    " | | |  |-| - |- | -|—| — |–|, |. |\n|'s |’s |' | '|\"|\" | \"| (|) |(|)|...||/|: |\u00a0|"
    '\u200b|‘|“|” | “|.|\'|’|s |es |." |," '.split("|")
)


def _random_texts(topics: list[Topic], n: int, seed: int) -> Iterator[tuple[str, str]]:
    """`n` (title, text) pairs of term words and extra words in random case and with marks."""
    rng = random.Random(seed)
    terms = [
        w for t in topics for term in (*t.keywords, *t.phrases, *t.exclusions) for w in term.split()
    ]
    words = sorted({w for term in terms for w in term.replace("-", " ").split()})
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(1, 40)):
            word = rng.choice(words) if rng.random() < 0.6 else rng.choice(_EXTRA_WORDS)
            case = rng.random()
            if case < 0.2:
                word = word.upper()
            elif case < 0.4:
                word = word.lower()
            elif case < 0.6:
                word = word.capitalize()
            parts += [word, rng.choice(_MARKS)]
        text = "".join(parts)
        yield text[: rng.randint(0, 30)], text


def _substring_matcher(topics: list[Topic]) -> Callable[[str, str], set[str]]:
    terms = [(t.name, [w.lower() for w in (*t.keywords, *t.phrases)]) for t in topics]

    def match(title: str, text: str) -> set[str]:
        story = f"{title}\n{text}".lower()
        return {name for name, words in terms if any(w in story for w in words)}

    return match


def _share(tags: list[set[str]], topic: str) -> float:
    return sum(topic in s for s in tags) / len(tags) if tags else 0.0


def _share_untagged(tags: list[set[str]]) -> float:
    return sum(not s for s in tags) / len(tags) if tags else 0.0


def _read(path: Path, limit: int) -> Iterator[tuple[str, str, str]]:
    taken: dict[str, int] = {}
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            category = row["category"]
            if limit and taken.get(category, 0) >= limit:  # the file is grouped by category
                continue
            taken[category] = taken.get(category, 0) + 1
            yield category, row["title"], row["article"]


def _read_cnn(path: Path, limit: int) -> Iterator[tuple[str, str]]:
    with path.open(encoding="utf-8") as lines:
        for n, line in enumerate(lines):
            if limit and n >= limit:
                break
            yield "", json.loads(line)["article"]  # no titles in this file: body only


if __name__ == "__main__":
    sys.exit(main())
