"""The topic matcher as it was before the linear-time scan (commit 4b8255f), kept as a reference.

`benchmarks.topics` checks that `digests.TopicSet` returns exactly what this returns (topics,
scores, evidence) on every text it times. It walks every token with a tuple of words per start
position; the shipped matcher looks up one dictionary entry per token instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from digests.cjk import CJK_RANGES
from digests.topics import (
    BODY_CAP,
    DEFAULT_MIN_SCORE,
    KEYWORD_WEIGHT,
    PHRASE_WEIGHT,
    TITLE_WEIGHT,
    Evidence,
    Topic,
    TopicMatch,
    Where,
)

_TOKEN = re.compile(
    rf"(?:\w\.){{2,}}(?!\w)|[{CJK_RANGES}]|[^\W{CJK_RANGES}]+(?:['’][^\W{CJK_RANGES}]+)*"
)
_JOINER = re.compile(r"[\s\-‐‑‒–—]+")


@dataclass(frozen=True, slots=True)
class _Entry:
    topic: int
    term: str
    kind: str
    exact: tuple[str | None, ...]


@dataclass(frozen=True, slots=True)
class _Token:
    norm: str
    orig: str
    joined: bool


class ReferenceTopicSet:
    """The old `TopicSet`: same constructor and `match`, the old token walk."""

    def __init__(self, topics: Iterable[Topic], *, min_score: float = DEFAULT_MIN_SCORE) -> None:
        """Compile `topics` the old way."""
        self.topics: tuple[Topic, ...] = tuple(topics)
        self.min_score = min_score
        self._lookup: dict[tuple[str, ...], list[_Entry]] = {}
        self._prefixes: set[tuple[str, ...]] = set()
        self._feeds: dict[str, list[int]] = {}
        self._max_words = 1
        for index, topic in enumerate(self.topics):
            kinds = (
                ("keyword", topic.keywords),
                ("phrase", topic.phrases),
                ("exclusion", topic.exclusions),
            )
            for kind, terms in kinds:
                for term in terms:
                    self._add(index, term, kind)
            for feed in topic.feeds:
                self._feeds.setdefault(_feed_key(feed), []).append(index)

    def match(self, title: str, text: str, *, feed: str | None = None) -> list[TopicMatch]:
        """Every topic the story belongs to, best first (the old code, unchanged)."""
        counts: list[dict[tuple[str, Where], int]] = [{} for _ in self.topics]
        weights: dict[tuple[int, str], float] = {}
        vetoed: set[int] = set()
        parts: tuple[tuple[Where, str], ...] = (("title", title), ("body", text))
        for where, part in parts:
            for entry, n in self._scan(part).items():
                if entry.kind == "exclusion":
                    vetoed.add(entry.topic)
                else:
                    key = (entry.term, where)
                    weights[entry.topic, entry.term] = (
                        PHRASE_WEIGHT if entry.kind == "phrase" else KEYWORD_WEIGHT
                    )
                    counts[entry.topic][key] = counts[entry.topic].get(key, 0) + n
        from_feed = set(self._feeds.get(_feed_key(feed), ())) if feed else set()
        found: list[tuple[float, int, TopicMatch]] = []
        for index, topic in enumerate(self.topics):
            if index in vetoed:
                continue
            score = 0.0
            why = []
            for (term, where), n in counts[index].items():
                score += weights[index, term] * (
                    TITLE_WEIGHT if where == "title" else min(n, BODY_CAP)
                )
                why.append(Evidence(term, where, n))
            if index in from_feed:
                score += self.min_score
                why.insert(0, Evidence(feed or "", "feed", 1))
            if score >= self.min_score:
                why.sort(key=lambda e: (e.where != "feed", e.where != "title", -e.count))
                found.append((score, index, TopicMatch(topic.name, score, tuple(why))))
        found.sort(key=lambda f: (-f[0], f[1]))
        return [m for _, _, m in found]

    def _add(self, index: int, term: str, kind: str) -> None:
        words = [w for w in (_normalize(t.group()) for t in _TOKEN.finditer(_nfc(term))) if w[0]]
        if not words:
            return
        exact = tuple(o if _is_acronym(o) else None for _, o in words)
        norms = [n for n, _ in words]
        label = " ".join(term.split())
        variants = {norms[-1]}
        if exact[-1] is None:
            variants |= _plurals(norms[-1])
        else:
            variants.add(norms[-1] + "s")
        for last in variants:
            key = (*norms[:-1], last)
            entry = _Entry(index, label, kind, exact)
            bucket = self._lookup.setdefault(key, [])
            if entry not in bucket:
                bucket.append(entry)
            for i in range(1, len(key) + 1):
                self._prefixes.add(key[:i])
        self._max_words = max(self._max_words, len(norms))

    def _scan(self, text: str) -> dict[_Entry, int]:
        tokens = _tokens(text)
        hits: dict[_Entry, int] = {}
        for i in range(len(tokens)):
            key: tuple[str, ...] = ()
            for j in range(i, min(i + self._max_words, len(tokens))):
                if j > i and not tokens[j].joined:
                    break
                key = (*key, tokens[j].norm)
                if key not in self._prefixes:
                    break
                for entry in self._lookup.get(key, ()):
                    if _exact_ok(entry.exact, tokens[i : j + 1]):
                        hits[entry] = hits.get(entry, 0) + 1
        return hits


def _nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _normalize(token: str) -> tuple[str, str]:
    orig = token.replace("’", "'")
    if orig.endswith(("'s", "'S")):
        orig = orig[:-2]
    if "." in orig:
        orig = orig.replace(".", "")
    return orig.casefold(), orig


def _tokens(text: str) -> list[_Token]:
    text = _nfc(text)
    out: list[_Token] = []
    end = 0
    for m in _TOKEN.finditer(text):
        norm, orig = _normalize(m.group())
        joined = bool(out) and (
            m.start() == end or _JOINER.fullmatch(text, end, m.start()) is not None
        )
        out.append(_Token(norm, orig, joined))
        end = m.end()
    return out


def _is_acronym(word: str) -> bool:
    return len(word) >= 2 and word.isalpha() and word.isupper()


def _exact_ok(exact: tuple[str | None, ...], tokens: Sequence[_Token]) -> bool:
    for want, token in zip(exact, tokens, strict=True):
        if want is not None and token.orig not in (want, want + "s"):
            return False
    return True


def _plurals(word: str) -> set[str]:
    if len(word) < 3 or not word.isalpha():
        return set()
    forms = {word + "s"}
    if word.endswith(("s", "x", "z", "ch", "sh")):
        forms.add(word + "es")
    if word.endswith("y") and word[-2] not in "aeiou":
        forms.add(word[:-1] + "ies")
    return forms


def _feed_key(url: str) -> str:
    return url.strip().rstrip("/").lower()
