"""Keyword filters of subscriptions: which stories a channel skips, matched like topics.

A filter's terms are matched by the topics' own matcher (`digests.topics.TopicSet`): word tokens
in the title and text, case-insensitive except for all-capital acronyms, plurals and possessives
included, a phrase as its words in a row. Every filtered subscription becomes two throwaway
topics (`<id>+` for its include terms, `<id>-` for its exclude terms), so a story is scanned
once however many subscriptions filter it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from digests.topics import KEYWORD_WEIGHT, Topic, TopicSet

MAX_TERMS = 20  # per list: a filter, not a second topic definition
MAX_TERM_CHARS = 100


@dataclass(frozen=True, slots=True)
class KeywordFilter:
    """Include terms (at least one must occur, when any are set) and exclude terms (none may)."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @classmethod
    def of(cls, include: Sequence[str] | None, exclude: Sequence[str] | None) -> KeywordFilter:
        """A filter from stored term lists (None or empty: no condition)."""
        return cls(tuple(include or ()), tuple(exclude or ()))

    def __bool__(self) -> bool:
        return bool(self.include or self.exclude)

    def keeps(self, title: str, text: str) -> bool:
        """Whether a story passes this one filter (compile it once to test many stories)."""
        return self.compiled()(title, text)

    def compiled(self) -> Callable[[str, str], bool]:
        """`keeps` with the terms compiled once, for many stories."""
        filters = FilterSet({0: self})
        return lambda title, text: 0 not in filters.rejected(title, text)


class FilterSet:
    """Many subscriptions' filters compiled into one topic set; key: the subscription id."""

    def __init__(self, filters: Mapping[int, KeywordFilter]) -> None:
        self._needs_include = frozenset(key for key, f in filters.items() if f.include)
        topics = []
        for key, f in filters.items():
            if f.include:
                topics.append(Topic(f"{key}+", keywords=f.include))
            if f.exclude:
                topics.append(Topic(f"{key}-", keywords=f.exclude))
        # One mention of one term is enough: a filter asks "does the story say it", not "how much".
        self._topics = TopicSet(topics, min_score=KEYWORD_WEIGHT) if topics else None

    def rejected(self, title: str, text: str) -> set[int]:
        """The keys whose filter rejects this story (one scan of title and text)."""
        if self._topics is None:
            return set()
        hit = {m.topic for m in self._topics.match(title, text)}
        out = {k for k in self._needs_include if f"{k}+" not in hit}
        out.update(int(name[:-1]) for name in hit if name.endswith("-"))
        return out


def split_terms(words: Iterable[str]) -> list[str]:
    """Terms from command words: each word or quoted phrase is a term; commas separate too."""
    terms: list[str] = []
    seen: set[str] = set()
    for word in words:
        for piece in word.split(","):
            term = " ".join(piece.split())
            if term and term.casefold() not in seen:
                seen.add(term.casefold())
                terms.append(term)
    return terms


def problem(terms: Sequence[str]) -> str | None:
    """Why these terms cannot make a filter (too many, too long, nothing to match), or None."""
    if len(terms) > MAX_TERMS:
        return f"At most {MAX_TERMS} terms per filter list (got {len(terms)})."
    for term in terms:
        if len(term) > MAX_TERM_CHARS:
            return f"`{term[:40]}…` is too long for a term (at most {MAX_TERM_CHARS} characters)."
        # A term that does not match its own words has no word tokens (e.g. only punctuation).
        if not KeywordFilter((term,)).keeps(term, ""):
            return f"`{term}` has no words to match; give words or a quoted phrase."
    return None
