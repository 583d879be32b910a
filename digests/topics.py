"""Topics: which stories belong to which topic, and why.

Terms are matched on word tokens, not substrings, so "Xi" never matches inside "taxi". A term
written in capitals ("US", "AI") is an acronym and matches only in capitals, so the pronoun "us"
is not the United States. Possessives ("China's") and simple plurals ("chips") match their term;
hyphens and dashes join words like spaces do ("US-China" is the phrase "US China"). Chinese,
Japanese and Korean have no spaces to split on: there a term matches its characters in a row
("习近平" in "习近平会见拜登"), which may also find it inside a longer word ("中美" in "中美洲",
Central America); an exclusion can rule such a word out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from digests.cjk import CJK_RANGES

Where = Literal["title", "body", "feed"]
_Kind = Literal["keyword", "phrase", "exclusion"]

# Scoring: a term in the title counts as three body mentions; a body term counts at most three
# times, so one word repeated cannot carry a story alone; a phrase is worth two keywords.
TITLE_WEIGHT: Final = 3.0
BODY_CAP: Final = 3
PHRASE_WEIGHT: Final = 2.0
KEYWORD_WEIGHT: Final = 1.0
# One passing mention in a body (1.0) or one phrase (2.0) stays under this; a title mention passes.
DEFAULT_MIN_SCORE: Final = 3.0

_NAME: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NAME_MAX: Final = 32
_KEYS: Final = frozenset({"name", "description", "keywords", "phrases", "exclusions", "feeds"})
# "U.S." is one token (dots dropped); apostrophes inside a word ("don't") stay in it.
# Scripts written without spaces between words (Han, kana, Hangul syllables): each character is
# a token, and a term in them is the phrase of its characters ("习近平" is 习 近 平 in a row).
_TOKEN: Final = re.compile(
    rf"(?:\w\.){{2,}}(?!\w)|[{CJK_RANGES}]|[^\W{CJK_RANGES}]+(?:['’][^\W{CJK_RANGES}]+)*"
)
# Only whitespace and hyphens/dashes between two words let a phrase continue across them.
_JOINER: Final = re.compile(r"[\s\-‐‑‒–—]+")
# The joiners but whitespace (a piece holds none), and marks that are no part of a token (neither
# word characters nor CJK).
_JOINERS: Final = "-‐‑‒–—"
_NO_TOKEN_MARKS: Final = _JOINERS + ".…,;:!?\"'“”‘’()[]*•/&|#%$+="
# Marks around a word that are neither part of a token nor joiners; a word inside them is one
# token (a lone letter before a full stop is no dotted "U.S."-style token: that needs two).
_EDGE: Final = ",.;:?!\"'()[]“”‘’"


class TopicConfigError(ValueError):
    """A topic definition is invalid; the one-line message names the topic and the key."""


@dataclass(frozen=True, slots=True)
class Topic:
    """A topic as configured: what it is about, and the terms and feeds that tag a story with it."""

    name: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    exclusions: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason a topic matched: a term (or feed URL), where it was found, how often."""

    term: str
    where: Where
    count: int


@dataclass(frozen=True, slots=True)
class TopicMatch:
    """A topic a story belongs to, with its score and the evidence for it."""

    topic: str
    score: float
    why: tuple[Evidence, ...]

    def explain(self) -> str:
        """The evidence as a short line for display, e.g. `xi jinping (title), china (body ×3)`."""
        parts = []
        for e in self.why:
            times = f" ×{e.count}" if e.count > 1 else ""
            parts.append(f"{e.term} ({e.where}{times})")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class _Entry:
    topic: int
    term: str  # as configured, for display
    kind: _Kind
    # Per word: the exact capitals an acronym must have in the text, else None (any case).
    exact: tuple[str | None, ...]


class TopicSet:
    """Topics compiled once for fast matching of many stories (one dictionary lookup per word)."""

    def __init__(self, topics: Iterable[Topic], *, min_score: float = DEFAULT_MIN_SCORE) -> None:
        """Compile `topics`; a story needs `min_score` to be tagged by its terms."""
        self.topics: tuple[Topic, ...] = tuple(topics)
        self.min_score = min_score
        self._lookup: dict[tuple[str, ...], list[_Entry]] = {}
        self._prefixes: set[tuple[str, ...]] = set()
        # Every word of every term (plural forms included): any other word ends a term there.
        self._words: set[str] = set()
        self._firsts: set[str] = set()  # the words a term starts with
        self._feeds: dict[str, list[int]] = {}
        self._max_words = 1
        for index, topic in enumerate(self.topics):
            kinds: tuple[tuple[_Kind, tuple[str, ...]], ...] = (
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
        """Every topic the story belongs to, best first; `feed` is the URL it came from, if any."""
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

    def _add(self, index: int, term: str, kind: _Kind) -> None:
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
            self._words.update(key)
            self._firsts.add(key[0])
        self._max_words = max(self._max_words, len(norms))

    def _scan(self, text: str) -> dict[_Entry, int]:
        """How often each term occurs in `text`, as whole words."""
        norms, origs, joined = self._term_words(_nfc(text))
        hits: dict[_Entry, int] = {}
        n = len(norms)
        for i in range(n):
            if norms[i] not in self._firsts:
                continue
            key: tuple[str, ...] = ()
            for j in range(i, min(i + self._max_words, n)):
                if j > i and not joined[j]:
                    break
                key = (*key, norms[j])
                if key not in self._prefixes:
                    break
                for entry in self._lookup.get(key, ()):
                    if _exact_ok(entry.exact, origs, i):
                        hits[entry] = hits.get(entry, 0) + 1
        return hits

    def _term_words(self, text: str) -> tuple[list[str], list[str], list[bool]]:
        """The tokens of `text` that can be part of a match, in order, as parallel lists.

        For each: its case-folded form, its capitals (see `_normalize`) and whether it continues
        the token kept before it (nothing but whitespace and hyphens between, no other word).
        A token is kept when it is the first word of some term, or a word of some term that
        continues a kept token: the walk in `_scan` sees a few dozen per article.
        """
        words = self._words
        norms: list[str] = []
        origs: list[str] = []
        joined: list[bool] = []
        link = False  # whether the next token of a term would continue the last one
        plain_text = text.isascii()
        # Tokens never hold whitespace, so each whitespace-separated piece is tokenised alone;
        # most pieces are one plain word, settled by one dictionary lookup without the regex.
        # casefold() works character by character, keeping whitespace as it is and making none,
        # so folding each piece is folding the text. On ASCII it is lower(), and lowering each
        # piece (compiled) beats a second split; casefold() of a whole text that is not all
        # ASCII is slow (it folds each character through the Unicode tables), so only the
        # pieces that are not ASCII take it.
        pieces = text.split()
        for k in range(len(pieces)):
            piece = pieces[k]
            low = piece.lower() if plain_text or piece.isascii() else piece.casefold()
            if low in words and piece.isalnum():
                # One word of letters and digits is one token (a term word holds no CJK
                # character beside others), its case-folded form `low`.
                link = self._keep(low, piece, link, norms, origs, joined)
            elif piece.isalnum() and (plain_text or piece.isascii()):
                link = False  # one word in no term
            else:
                core = piece.strip(_EDGE)
                if core and core.isalnum() and (plain_text or core.isascii()):
                    # A word between commas, full stops, brackets or quote marks ("said.",
                    # "(CNN", "Jones'"): those are neither tokens nor joiners.
                    low = low.strip(_EDGE)
                    link = low in words and self._keep(
                        low, core, link and piece[0] == core[0], norms, origs, joined
                    )
                    link = link and piece[-1] == core[-1]
                elif core and _is_apostrophe_word(core):
                    # "it's", "CNN's", "don't" ("’" too), bare or between marks: one token, the
                    # whole core, as `_piece_words` would find it, without the regex.
                    norm, orig = _normalize(core)
                    link = norm in words and self._keep(
                        norm, orig, link and piece[0] == core[0], norms, origs, joined
                    )
                    link = link and piece[-1] == core[-1]
                else:
                    link = self._piece_words(piece, link, norms, origs, joined)
        return norms, origs, joined

    def _piece_words(
        self, piece: str, link: bool, norms: list[str], origs: list[str], joined: list[bool]
    ) -> bool:
        """Add the term words of one piece with punctuation or CJK; returns the new `link`."""
        if not piece.strip(_NO_TOKEN_MARKS):
            # Marks only ("--", "—", "..."): no token; a run of joiners keeps the word going.
            return link and not piece.strip(_JOINERS)
        parts = piece.split("-")
        if len(parts) > 1 and all(part.isalnum() and part.isascii() for part in parts):
            # ASCII words joined by hyphens ("e-mail", "covid-19"): each word one token, the
            # hyphens joiners.
            for part in parts:
                low = part.lower()
                link = low in self._words and self._keep(low, part, link, norms, origs, joined)
            return link
        return self._piece_tokens(piece, link, norms, origs, joined)

    def _piece_tokens(
        self, piece: str, link: bool, norms: list[str], origs: list[str], joined: list[bool]
    ) -> bool:
        """`_piece_words` by the token regex: any piece."""
        end = 0
        for m in _TOKEN.finditer(piece):
            start = m.start()
            # Nothing at all between two tokens (beside a CJK character) keeps the word going.
            if start > end and _JOINER.fullmatch(piece, end, start) is None:
                link = False
            norm, orig = _normalize(m.group())
            link = norm in self._words and self._keep(norm, orig, link, norms, origs, joined)
            end = m.end()
        if end < len(piece) and _JOINER.fullmatch(piece, end) is None:
            link = False
        return link

    def _keep(
        self,
        norm: str,
        orig: str,
        link: bool,
        norms: list[str],
        origs: list[str],
        joined: list[bool],
    ) -> bool:
        """Keep a term word that starts a term or continues a kept one; returns the new `link`."""
        if not link and norm not in self._firsts:
            return False  # it can neither start a match nor go on with one
        norms.append(norm)
        origs.append(orig)
        joined.append(link)
        return True


def match_topics(
    title: str, text: str, topics: TopicSet | Sequence[Topic], *, feed: str | None = None
) -> list[TopicMatch]:
    """Every topic a story matches, best first; compile a `TopicSet` once when matching many."""
    topic_set = topics if isinstance(topics, TopicSet) else TopicSet(topics)
    return topic_set.match(title, text, feed=feed)


def parse_topics(data: Mapping[str, Any]) -> list[Topic]:
    """Validate the `[[topics]]` tables of a loaded TOML document into `Topic`s.

    Other top-level keys of the document (feeds, subscriptions, …) are left to their own parsers.
    """
    raw = data.get("topics") if isinstance(data, Mapping) else None
    if isinstance(raw, Mapping):
        raise TopicConfigError("topics: write each topic as a [[topics]] table with a name key")
    if not isinstance(raw, list) or not raw:
        raise TopicConfigError("topics: expected at least one [[topics]] table")
    out: list[Topic] = []
    seen: set[str] = set()
    for position, item in enumerate(raw):
        topic = _parse_one(position, item)
        if topic.name in seen:
            raise TopicConfigError(f"topic {topic.name!r}: name: defined more than once")
        seen.add(topic.name)
        out.append(topic)
    return out


def _parse_one(position: int, item: object) -> Topic:
    where = f"topics[{position}]"
    if not isinstance(item, Mapping):
        raise TopicConfigError(f"{where}: expected a table, got {type(item).__name__}")
    name = item.get("name")
    if not isinstance(name, str) or not name:
        raise TopicConfigError(f'{where}: name: missing or not text (e.g. name = "us-china")')
    if not _NAME.fullmatch(name) or len(name) > _NAME_MAX:
        raise TopicConfigError(
            f"topic {name!r}: name: use lowercase letters, digits and single hyphens"
            f" (at most {_NAME_MAX} characters)"
        )
    where = f"topic {name!r}"
    unknown = sorted(set(item) - _KEYS)
    if unknown:
        raise TopicConfigError(
            f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})"
        )
    description = item.get("description", "")
    if not isinstance(description, str):
        raise TopicConfigError(f"{where}: description: must be a string")
    keywords = _strings(where, "keywords", item.get("keywords"), required=True)
    for word in keywords:
        if len(word.split()) > 1:
            raise TopicConfigError(f"{where}: keywords: {word!r} has a space; put it in phrases")
    phrases = _strings(where, "phrases", item.get("phrases", []))
    exclusions = _strings(where, "exclusions", item.get("exclusions", []))
    feeds = _strings(where, "feeds", item.get("feeds", []))
    for url in feeds:
        if not url.startswith(("http://", "https://")):
            raise TopicConfigError(f"{where}: feeds: {url!r} is not an http(s) URL")
    for key, terms in (("keywords", keywords), ("phrases", phrases), ("exclusions", exclusions)):
        for term in terms:
            if not _TOKEN.search(term):
                raise TopicConfigError(f"{where}: {key}: {term!r} has no words to match")
    return Topic(name, description.strip(), keywords, phrases, exclusions, feeds)


def _strings(where: str, key: str, value: object, *, required: bool = False) -> tuple[str, ...]:
    if value is None and required:
        raise TopicConfigError(f"{where}: {key}: missing (a list of words)")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TopicConfigError(f"{where}: {key}: must be a list of strings")
    cleaned = tuple(" ".join(v.split()) for v in value)
    if required and not cleaned:
        raise TopicConfigError(f"{where}: {key}: is empty; give at least one")
    if any(not v for v in cleaned):
        raise TopicConfigError(f"{where}: {key}: contains an empty string")
    return tuple(dict.fromkeys(cleaned))  # drop repeats, keep order


def _nfc(text: str) -> str:
    # Decomposed accents ("e" + U+0301) would otherwise split a word in two.
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _normalize(token: str) -> tuple[str, str]:
    """(case-folded form, original capitals) of a token, without possessive or abbreviation dots."""
    orig = token.replace("’", "'")
    if orig.endswith(("'s", "'S")):
        orig = orig[:-2]
    if "." in orig:
        orig = orig.replace(".", "")
    return orig.casefold(), orig


def _is_apostrophe_word(core: str) -> bool:
    """True for ASCII letters and digits joined by apostrophes (' or ’), none at either end.

    `_TOKEN` reads such a word, with only edge marks around it, as one token: the whole word.
    """
    parts = core.replace("’", "'").split("'")
    return len(parts) > 1 and all(part.isalnum() and part.isascii() for part in parts)


def _is_acronym(word: str) -> bool:
    return len(word) >= 2 and word.isalpha() and word.isupper()


def _exact_ok(exact: tuple[str | None, ...], origs: list[str], start: int) -> bool:
    """Whether the words from `start` have the capitals each acronym of the term needs."""
    for k in range(len(exact)):
        want = exact[k]
        if want is not None and origs[start + k] not in (want, want + "s"):
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
