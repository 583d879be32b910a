"""Resolving a speaker mention (pronoun, description, surname) to the name it stands for."""

from __future__ import annotations

from dataclasses import dataclass

from digests.quotes import lexicon as lx
from digests.quotes.attribution import Mention, Token


@dataclass(frozen=True, slots=True)
class Entity:
    """A capitalised name mentioned in the article outside quotations."""

    name: str  # titles stripped, e.g. "Ana Okafor"
    kind: str  # "person" | "org" | "other"
    start: int
    sentence: int  # index of the sentence in the article
    first: bool  # the first name in its sentence (a likely subject)
    roles: frozenset[str]


class Registry:
    """The names an article introduces, in order, with the roles attached to them."""

    def __init__(self) -> None:
        self.entities: list[Entity] = []
        self.anonymous: list[tuple[int, str]] = []  # (start, head) of "a senior official"

    def add_sentence(self, sent: list[Token], index: int) -> None:
        """Record the names (and indefinite role descriptions) of one sentence."""
        i = 0
        first = True
        while i < len(sent):
            run_end = _run_end(sent, i)
            if run_end == i:
                low = sent[i].text.lower()
                if low in ("a", "an") and i + 1 < len(sent):
                    head = _head_after(sent, i + 1)
                    if head:
                        self.anonymous.append((sent[i].start, head))
                i += 1
                continue
            entity = _entity(sent, i, run_end, index, first)
            if entity is not None:
                self.entities.append(entity)
                first = first and entity.kind not in ("person", "org")
            i = run_end

    def canonical(self, name: str, before: int) -> str:
        """A surname, given name or shortened form mapped to the full name introduced earlier."""
        name = _strip_titles(name)
        tokens = name.split()
        if not tokens:
            return name
        # The latest full name before the mention, else the first one after it.
        fuller = [
            e
            for e in self.entities
            if len(e.name.split()) > len(tokens) and _contains(e.name.split(), tokens)
        ]
        earlier = [e for e in fuller if e.start < before]
        if earlier:
            return earlier[-1].name
        return fuller[0].name if fuller else name

    def kind_of(self, name: str) -> str:
        """person, org or other, as the article's mentions of that name suggest."""
        kinds = {e.kind for e in self.entities if e.name == name}
        if "org" in kinds:
            return "org"
        if "person" in kinds:
            return "person"
        return "other"

    def resolve(self, mention: Mention, sentence: int, last: str | None) -> str | None:
        """The name a mention refers to, or None when the article does not say."""
        if mention.kind == "name":
            return self.canonical(mention.text, mention.start)
        if mention.kind == "pronoun":
            if mention.text in lx.PERSONAL:
                return self._salient("person", mention.start, sentence, last)
            if mention.text in ("it", "they"):
                return self._salient("org", mention.start, sentence, None)
            return None
        head = mention.text.split()[-1].lower()
        if mention.indefinite or (head.endswith("s") and head not in ("boss", "witness")):
            return None
        if head in lx.ORG_NOUNS and head not in lx.ROLE_NOUNS:
            return self._salient("org", mention.start, sentence, None)
        for e in reversed(self.entities):
            if e.start < mention.start and e.kind == "person" and head in e.roles:
                return self.canonical(e.name, e.start)
        if any(s < mention.start and h == head for s, h in self.anonymous):
            return None
        return self._salient("person", mention.start, sentence, last)

    def _salient(self, kind: str, before: int, sentence: int, last: str | None) -> str | None:
        """The subject of this or the previous sentence, else the last speaker or name."""
        earlier = [e for e in self.entities if e.start < before and self._is(e, kind)]
        here = [e for e in earlier if e.sentence == sentence]
        if here:
            return self.canonical(here[0].name, here[0].start)
        prev = [e for e in earlier if e.sentence == sentence - 1]
        if prev:
            pick = next((e for e in prev if e.first), prev[0])
            return self.canonical(pick.name, pick.start)
        if last is not None and (kind == "org") == (self.kind_of(last) == "org"):
            return last
        near = [e for e in earlier if e.sentence >= sentence - 4]
        if near:
            return self.canonical(near[-1].name, near[-1].start)
        return None

    def _is(self, e: Entity, kind: str) -> bool:
        if e.kind == kind:
            return True
        if e.kind == "other" and kind == "person":
            # A lone surname counts as the person whose full name contains it.
            full = self.canonical(e.name, e.start)
            return full != e.name and self.kind_of(full) == "person"
        return False


def _run_end(sent: list[Token], i: int) -> int:
    j = i
    while j < len(sent):
        tok = sent[j]
        text = tok.text
        if tok.quote >= 0:
            break
        if text[:1].isupper() and not (j == i and text.lower() in lx.NOT_NAMES):
            j += 1
            if text.endswith(("'s", "’s")):
                break
            if j < len(sent) and sent[j].text == "." and len(text) <= 4:
                j += 1
            continue
        connects = j > i and text.lower() in lx.CONNECTORS and j + 1 < len(sent)
        if connects and sent[j + 1].text[:1].isupper():
            j += 1
            continue
        if j > i and text.lower() in ("of", "for") and j + 1 < len(sent):
            nxt = sent[j + 1].text
            if sent[j - 1].text.lower() in lx.ORG_WORDS and nxt[:1].isupper():
                j += 1
                continue
        break
    return j


def _entity(sent: list[Token], i: int, j: int, index: int, first: bool) -> Entity | None:
    words = [t.text for t in sent[i:j] if t.text != "."]
    if words and words[-1].endswith(("'s", "’s")):
        words[-1] = words[-1][:-2]
    lowered = [w.lower() for w in words]
    titled = any(w in lx.TITLES for w in lowered[:-1])
    name = _strip_titles(" ".join(words))
    if not name or name.lower() in lx.NOT_NAMES:
        return None
    parts = name.split()
    roles = {w for w in lowered if w in lx.ROLE_NOUNS or w in lx.TITLES}
    if i and sent[i - 1].text.lower() in lx.ROLE_NOUNS:
        roles.add(sent[i - 1].text.lower())
    if j + 1 < len(sent) and sent[j].text == ",":
        roles |= _roles_in(sent, j + 1)
    if i >= 2 and sent[i - 1].text == ",":
        roles |= _roles_before(sent, i - 2)
    if any(w in lx.ORG_WORDS for w in lowered) or (len(name) > 1 and name.isupper()):
        kind = "org"
    elif titled or len(parts) >= 2 or roles:
        kind = "person"
    else:
        kind = "other"
    if i and sent[i - 1].text.lower() in ("in", "at", "from", "to", "near", "across", "of"):
        kind = "org" if kind == "org" else "other"
    return Entity(name, kind, sent[i].start, index, first, frozenset(roles))


def _roles_in(sent: list[Token], k: int) -> set[str]:
    """Role words of an appositive after a name: 'Jane Smith, the city's engineer,'."""
    if k >= len(sent) or sent[k].text.lower() not in ("the", "a", "an", "its", "his", "her"):
        return set()
    out: set[str] = set()
    for tok in sent[k + 1 : k + 9]:
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


def _strip_titles(name: str) -> str:
    parts = name.replace("’s", "").split()
    while len(parts) > 1 and (parts[0].lower() in lx.TITLES or parts[0].lower() == "the"):
        parts = parts[1:]
    return " ".join(parts)


def _contains(full: list[str], part: list[str]) -> bool:
    n = len(part)
    return any(full[i : i + n] == part for i in range(len(full) - n + 1))
