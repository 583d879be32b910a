"""Resolving a speaker mention (pronoun, description, surname) to the name it stands for."""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from operator import itemgetter
from typing import NamedTuple

from digests.quotes import lexicon as lx
from digests.quotes.attribution import Mention, Token

_ING_CUES = frozenset(w for w in lx.CUE_VERBS if w.endswith("ing"))
_INTRO = frozenset(
    """in on at after before during when while speaking asked earlier later last since despite
    as for with without under over following responding writing addressing""".split()
)

_new = tuple.__new__
_TEXT = itemgetter(0)
_ROLES_OR_TITLES = lx.ROLE_NOUNS | lx.TITLES
# How many sentences back a pronoun or description may find its referent.
_WINDOW = 6
# Heads of descriptions that name a document or thing, not a speaker ("the report said").
_THINGS = frozenset(
    """report study statement data poll survey document letter memo release website article
    paper book bill law ruling decision agreement plan proposal complaint lawsuit filing post
    tweet message note sign notice email text video ad advertisement show film song label
    website page policy rule guide guidelines analysis review budget forecast""".split()
)
# Things a person issues: "her statement read", "his office said" stand for that person.
_ISSUED = frozenset("statement office post letter email tweet release website".split())


class Entity(NamedTuple):
    """A capitalised name mentioned in the article outside quotations."""

    name: str  # titles stripped, e.g. "Ana Okafor"
    kind: str  # "person" | "org" | "other"
    start: int
    sentence: int  # index of the sentence in the article
    lead: bool  # stands at the start of its sentence (a likely subject)
    weak: bool  # a lone capitalised word opening a sentence: maybe not a name at all
    roles: frozenset[str]


class Registry:
    """The names an article introduces, in order, with the roles attached to them."""

    def __init__(self) -> None:
        # Capitalised runs are recorded as they come, but turned into entities only when a
        # question about the names needs them (most never do): each entity depends on its own
        # sentence alone, so the answers are those of recording every name up front.
        self._runs: list[tuple[list[Token], list[str], int, int, int, bool, bool]] = []
        self._run_sentences: list[int] = []  # each run's sentence, for bisecting a window
        self._entity_of: list[Entity | None] = []  # per run, once made
        self._made: list[bool] = []
        self._pending: dict[str, list[int]] = {}  # word a run's name may hold -> unmade runs
        self._pending_long: dict[str, list[int]] = {}  # the same for runs of two words or more
        self.anonymous: list[tuple[int, str]] = []  # (start, head) of "a senior official"
        # Names of two or more words by each of their words, in article order, so that a lone
        # surname finds its full name without scanning every mention.
        self._by_word: dict[str, dict[str, list[int]]] = {}  # word -> full name -> starts
        self._kinds: dict[str, set[str]] = {}
        # Last words of names the article shows to be people: speakers of a cue ("Lonechild
        # said"), names with a title or a role ("Mayor Ana Okafor", "Jane Smith, the engineer,").
        self._people: set[str] = set()
        self._pronouns: dict[int, set[str]] = {}  # sentence -> personal pronouns in it
        # Capitalised words seen inside sentences: a capital at a sentence's start proves nothing.
        self._mid_caps: set[str] = set()
        self._full_names: dict[int, str] = {}

    def add_sentence(
        self, sent: list[Token], index: int, words: list[str], caps: list[int] | None = None
    ) -> None:
        """Record the names (and indefinite role descriptions) of one sentence.

        `words` are the sentence's token texts, lowercased (shared with the caller); `caps`, when
        given, the indexes of the tokens that start with a capital.
        """
        lead_at = _lead_index(sent, words)
        # The subject of a sentence with a speech cue is taken to be a person (or organisation).
        # ("Xi ..., telling Biden that ...").
        cued = not _ING_CUES.isdisjoint(words)
        pronouns = lx.PERSONAL.intersection(words)
        if pronouns:
            self._pronouns.setdefault(index, set()).update(pronouns)
        # An indefinite description needs a role noun: most sentences have none.
        if ("a" in words or "an" in words) and not lx.ROLE_NOUNS.isdisjoint(words):
            for k in [k for k, word in enumerate(words[:-1]) if word == "a" or word == "an"]:
                head = _head_after(sent, k + 1)
                if head:
                    self.anonymous.append((sent[k].start, head))
        after = 0
        if caps is None:
            caps = [k for k, t in enumerate(sent) if t.text[:1].isupper()]
        for i in caps:
            if i < after or words[i] in lx.NOT_NAMES:
                # A run cannot start at a word like "The" or "He" (_run_end would stop there).
                continue
            run_end = _run_end(sent, i, words)
            if run_end == i:
                continue
            if i > lead_at:
                self._mid_caps.update(map(_TEXT, sent[i:run_end]))
            run = len(self._runs)
            self._runs.append((sent, words, i, run_end, index, i <= lead_at, cued and i == lead_at))
            self._run_sentences.append(index)
            self._entity_of.append(None)
            self._made.append(False)
            keys, long = _name_words(sent, i, run_end)
            for key in keys:
                self._pending.setdefault(key, []).append(run)
                if long:
                    self._pending_long.setdefault(key, []).append(run)
            after = run_end

    @property
    def entities(self) -> list[Entity]:
        """Every name recorded so far, in article order."""
        self._make(range(len(self._runs)))
        return [e for e in self._entity_of if e is not None]

    def _need(self, word: str, long: bool = False) -> None:
        """Make the entities of every run whose name may contain this word.

        `long`: only runs whose name may have two words or more (all that _by_word holds).
        """
        runs = (self._pending_long if long else self._pending).pop(word, None)
        if runs:
            self._make(runs)

    def _make(self, runs: Iterable[int]) -> None:
        for run in runs:
            if self._made[run]:
                continue
            self._made[run] = True
            sent, words, i, run_end, index, lead, subject = self._runs[run]
            entity = _entity(sent, i, run_end, index, lead, words)
            if entity is None:
                continue
            confirmed = entity.kind != "org" and (
                subject or _person_context(sent, i, run_end, words)
            )
            if confirmed:
                name, _, start, sentence, lead, _, roles = entity
                entity = _new(Entity, (name, "person", start, sentence, lead, False, roles))
            self._entity_of[run] = entity
            self._add(entity, confirmed)

    def _add(self, entity: Entity, confirmed: bool) -> None:
        self._kinds.setdefault(entity.name, set()).add(entity.kind)
        words = entity.name.split()
        given = words[0].lower()
        known = (
            confirmed
            or entity.roles
            or given in lx.FEMALE
            or given in lx.MALE
            or (entity.lead and len(words) > 1)
        )
        if entity.kind == "person" and known:
            self._people.add(words[-1])
        if len(words) > 1:
            for word in set(words):
                names = self._by_word.setdefault(word, {})
                # Entities are made out of article order: keep each list sorted for bisecting.
                insort(names.setdefault(entity.name, []), entity.start)

    def _is_person(self, word: str) -> bool:
        """True when some name ending in this word is shown to be a person's."""
        self._need(word)
        return word in self._people

    def canonical(self, name: str, before: int) -> str:
        """A surname, given name or shortened form mapped to the full name introduced earlier."""
        name = _strip_titles(_after_titles(name))
        tokens = name.split()
        if not tokens:
            return name
        # The full name mentioned latest before the mention, else the first one after it.
        best: tuple[int, str] | None = None  # (latest start before, name)
        after: tuple[int, str] | None = None  # (first start, name)
        self._need(tokens[0], long=True)
        for full, starts in self._by_word.get(tokens[0], {}).items():
            words = full.split()
            if len(words) <= len(tokens) or not _contains(words, tokens):
                continue
            k = bisect_left(starts, before)
            if k:
                best = max(best or (-1, ""), (starts[k - 1], full))
            elif after is None or starts[0] < after[0]:
                after = (starts[0], full)
        if best is not None:
            return best[1]
        return after[1] if after is not None else name

    def kind_of(self, name: str) -> str:
        """person, org or other, as the article's mentions of that name suggest."""
        words = name.split()
        if words:
            self._need(words[0])
        kinds = self._kinds.get(name, set())
        if "org" in kinds:
            return "org"
        if "person" in kinds or self._is_person(words[-1]):
            return "person"
        return "other"

    def resolve(self, mention: Mention, sentence: int, last: str | None) -> str | None:
        """The name a mention refers to, or None when the article does not say."""
        if mention.kind == "name":
            return self.canonical(mention.text, mention.start)
        if mention.kind == "pronoun":
            if mention.text in lx.PERSONAL:
                return self._salient(mention.text, mention.start, sentence, last)
            if mention.text in ("it", "they"):
                return self._salient("it", mention.start, sentence, None)
            return None
        words = mention.text.lower().split()
        head = words[-1]
        if words[0] in ("his", "her", "its", "their") and head in _ISSUED:
            pronoun = {"his": "he", "her": "she"}.get(words[0], "it")
            return self._salient(pronoun, mention.start, sentence, last)
        if mention.indefinite or head in _THINGS or words[0] not in ("the", "this", "that"):
            return None
        if head.endswith("s") and head not in ("boss", "witness", "actress", "hostess"):
            return None
        if head in lx.ORG_NOUNS and head not in lx.ROLE_NOUNS:
            return self._salient("it", mention.start, sentence, None)
        for run in range(len(self._runs) - 1, -1, -1):
            sent, low, i, j = self._runs[run][:4]
            if sent[i].start >= mention.start:
                continue  # its entity would start there too: not before the mention
            if head not in low[max(0, i - 8) : j + 10]:
                continue  # no role word that near (see _entity): head cannot be among its roles
            self._make((run,))
            e = self._entity_of[run]
            if e is not None and e.kind == "person" and head in e.roles:
                return self.canonical(e.name, e.start)
        if any(s < mention.start and h == head for s, h in self.anonymous):
            return None
        return self._salient("", mention.start, sentence, last)

    def _salient(self, pronoun: str, before: int, sentence: int, last: str | None) -> str | None:
        """The nearest fitting name: this sentence's subject, else the closest sentence back."""
        want = "org" if pronoun == "it" else "person"
        here = [e for e in self._fitting(sentence, pronoun, before) if e.lead]
        if here:
            return self.canonical(here[0].name, here[0].start)
        for back in range(sentence - 1, sentence - _WINDOW - 1, -1):
            found = self._fitting(back, pronoun, before)
            if found:
                pick = next((e for e in found if e.lead), found[0])
                return self.canonical(pick.name, pick.start)
            if pronoun and pronoun not in self._pronouns.get(back, set()) and back < sentence - 2:
                break
        if last is not None and (want == "org") == (self.kind_of(last) == "org"):
            return last
        return None

    def _fitting(self, sentence: int, pronoun: str, before: int) -> list[Entity]:
        """The names of one sentence, before a position, that the pronoun may refer to."""
        # Runs are recorded in article order: a sentence's runs are one slice.
        lo = bisect_left(self._run_sentences, sentence)
        hi = bisect_right(self._run_sentences, sentence, lo)
        self._make(range(lo, hi))
        return [
            e
            for e in self._entity_of[lo:hi]
            if e is not None and e.start < before and self._fits(e, pronoun)
        ]

    def _full(self, e: Entity) -> str:
        """The full name of an entity's mention, memoised (asked for each pronoun nearby)."""
        full = self._full_names.get(e.start)
        if full is None:
            full = self._full_names[e.start] = self.canonical(e.name, e.start)
        return full

    def _fits(self, e: Entity, pronoun: str) -> bool:
        if pronoun == "it":
            return e.kind == "org"
        # Only names the article shows to be people (a lone surname counts through its full
        # name): "he" is never "Kinder Morgan" or "Christmas Day".
        full = self._full(e).split()
        if len(full) == 1 and e.weak and full[0] not in self._mid_caps:
            return False
        if e.kind == "org" or (
            not self._is_person(full[-1]) and not self._is_person(e.name.split()[-1])
        ):
            return False
        given = full[0].lower()
        if pronoun == "he":
            return given not in lx.FEMALE
        if pronoun == "she":
            return given not in lx.MALE
        return True


def _name_words(sent: list[Token], i: int, j: int) -> tuple[set[str], bool]:
    """Every word the entity of the run sent[i:j] may have in its name (see _entity), and
    whether the name may have two words or more."""
    texts = list(map(_TEXT, sent[i:j]))
    joined = "".join(texts)
    if "’s" not in joined and "'s" not in joined:
        # No possessive anywhere: the words are the texts themselves (the usual case).
        return set(texts), len(texts) - texts.count(".") > 1
    out: set[str] = set()
    words = 0
    for tok in sent[i:j]:
        text = tok.text
        words += text != "."
        out.add(text.replace("’s", ""))
        if text.endswith(("'s", "’s")):
            out.add(text[:-2].replace("’s", ""))
    return out, words > 1


def _lead_index(sent: list[Token], low: list[str]) -> int:
    """Index of the first word after leading conjunctions: where a subject name would start.

    `low` holds the sentence's token texts in lower case, as in every helper below.
    """
    i = 0
    if sent and low[0] in _INTRO:
        # "Speaking in Vaughan, Ont., on Thursday, Trudeau denied": past the opening phrase.
        commas = [k for k, w in enumerate(low[:16]) if w == ","]
        nxt = [k for k in commas if k + 1 < len(sent) and sent[k + 1].text[:1].isupper()]
        return nxt[-1] + 1 if nxt else 0
    while i < len(sent) and (low[i] in lx.NOT_NAMES or sent[i].text in ",—"):
        if sent[i].text[:1].isupper() and low[i] not in lx.NOT_NAMES:
            break
        i += 1
        if i > 3:
            return 0
    return i


def _person_context(sent: list[Token], i: int, j: int, low: list[str]) -> bool:
    """True when the words around a name show it names a person (cue, title, role, "who")."""
    if low[i].rstrip(".") in lx.TITLES and j - i > 1:
        return True
    k = _skip_between(sent, j, low)
    if k < len(sent) and low[k] in lx.CUE_VERBS:
        return True
    if k + 1 < len(sent) and sent[k].text == ",":
        if low[k + 1] == "who" or _roles_in(sent, k + 1):
            return True
        # "Hiram Macharia, marketing executive at LG Electronics, said": a cue after the aside.
        for c in range(k + 1, min(len(sent), k + 14)):
            if sent[c].quote >= 0:
                break
            if sent[c].text == ",":
                after = _skip_between(sent, c + 1, low)
                return after < len(sent) and low[after] in lx.CUE_VERBS
    if i and low[i - 1] in lx.CUE_VERBS:
        return i < 2 or sent[i - 2].text == "," or sent[i - 2].quote >= 0
    return bool(i and low[i - 1] in lx.ROLE_NOUNS)


def _skip_between(sent: list[Token], k: int, low: list[str]) -> int:
    while k < len(sent) and (
        low[k] in lx.BETWEEN or (sent[k].text.endswith("ly") and sent[k].text.islower())
    ):
        k += 1
    return k


def _run_end(sent: list[Token], i: int, low: list[str]) -> int:
    j = i
    n = len(sent)
    while j < n:
        tok = sent[j]
        text = tok.text
        if tok.quote >= 0:
            break
        if text[:1].isupper() and not (j == i and low[j] in lx.NOT_NAMES):
            j += 1
            if text.endswith(("'s", "’s")):
                break
            if j < n and sent[j].text == "." and len(text) <= 4:
                j += 1
            continue
        connects = j > i and low[j] in lx.CONNECTORS and j + 1 < n
        if connects and sent[j + 1].text[:1].isupper():
            j += 1
            continue
        if j > i and low[j] in ("of", "for") and j + 1 < n:
            nxt = sent[j + 1].text
            if low[j - 1] in lx.ORG_WORDS and nxt[:1].isupper():
                j += 1
                continue
        break
    return j


def _entity(
    sent: list[Token], i: int, j: int, index: int, lead: bool, low: list[str]
) -> Entity | None:
    words = [t.text for t in sent[i:j] if t.text != "."]
    # Only "." lowercases to ".", so this keeps the same words as above.
    lowered = [w for w in low[i:j] if w != "."]
    if words and words[-1].endswith(("'s", "’s")):
        words[-1] = words[-1][:-2]
        lowered[-1] = lowered[-1][:-2]
    roles = set(lowered).intersection(_ROLES_OR_TITLES)
    org = not lx.ORG_WORDS.isdisjoint(lowered)
    # "TransLink CEO Kevin Desmond", "Toronto Mayor John Tory": the name follows the last title.
    cut = -1
    if not lx.TITLES.isdisjoint(lowered[:-1]):
        cut = max(k for k, w in enumerate(lowered[:-1]) if w in lx.TITLES)
    if cut >= 0 and not org:
        words = words[cut + 1 :]
    name = _strip_titles(" ".join(words))
    lower = name.lower()
    if not name or lower in lx.NOT_NAMES or lower in lx.TITLES:
        return None
    parts = name.split()
    if i and low[i - 1] in lx.ROLE_NOUNS:
        roles.add(low[i - 1])
    if j + 1 < len(sent) and sent[j].text == ",":
        roles |= _roles_in(sent, j + 1)
    if i >= 2 and sent[i - 1].text == ",":
        roles |= _roles_before(sent, i - 2)
    if org or (cut < 0 and any(len(p) > 1 and p.isupper() for p in parts)):
        kind = "org"
    elif cut >= 0 or len(parts) >= 2 or roles:
        kind = "person"
    else:
        kind = "other"
    if i and low[i - 1] in ("in", "at", "from", "to", "near", "across", "of"):
        kind = "org" if kind == "org" else "other"
    weak = i == 0 and cut < 0 and len(parts) == 1
    # tuple.__new__ skips the named tuple's Python-level __new__ (tens of entities per article).
    return _new(Entity, (name, kind, sent[i].start, index, lead, weak, frozenset(roles)))


def _roles_in(sent: list[Token], k: int) -> set[str]:
    """Role words of an appositive after a name: 'Jane Smith, the city's engineer,'."""
    out: set[str] = set()
    for tok in sent[k : k + 9]:
        if tok.text in ",.;:" or tok.quote >= 0:
            break
        low = tok.text.lower()
        if low in lx.ROLE_NOUNS or low in lx.TITLES:
            out.add(low)
    return out


def _roles_before(sent: list[Token], k: int) -> set[str]:
    """Role words of a description just before a name: 'The city's chief engineer, Priya'."""
    out: set[str] = set()
    for tok in sent[max(0, k - 6) : k + 1]:
        low = tok.text.lower()
        if low in lx.ROLE_NOUNS:
            out.add(low)
    return out


def _head_after(sent: list[Token], k: int) -> str | None:
    for tok in sent[k : k + 5]:
        low = tok.text.lower()
        if not tok.text[:1].isalpha() or tok.quote >= 0:
            return None
        if low in lx.ROLE_NOUNS:
            return low
    return None


def _after_titles(name: str) -> str:
    """ "Washington Political Editor Matthew Boyle" -> "Matthew Boyle" (not for organisations)."""
    words = name.split()
    lowered = [w.lower().rstrip(".") for w in words]
    if any(w in lx.ORG_WORDS for w in lowered):
        return name
    cut = max((k for k, w in enumerate(lowered[:-1]) if w in lx.TITLES), default=-1)
    rest = words[cut + 1 :]
    if len(rest) > 2 and rest[0] == "of":
        rest = rest[2:]  # "Secretary of State Madeleine Albright"
    return " ".join(rest) if rest else name


def _strip_titles(name: str) -> str:
    parts = name.replace("’s", "").split()
    while len(parts) > 1 and (parts[0].lower() in lx.TITLES or parts[0].lower() == "the"):
        parts = parts[1:]
    return " ".join(parts)


def _contains(full: list[str], part: list[str]) -> bool:
    n = len(part)
    return any(full[i : i + n] == part for i in range(len(full) - n + 1))
