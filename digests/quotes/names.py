"""Names in a sentence: capitalised runs of words, their kind (person, organisation) and roles."""

from __future__ import annotations

from typing import Final, NamedTuple

from digests.quotes import lexicon as lx
from digests.quotes.tokens import QUOTE_TEXT

_INTRO: Final = frozenset(
    """in on at after before during when while speaking asked earlier later last since despite
    as for with without under over following responding writing addressing""".split()
)
_CONJUNCTIONS: Final = frozenset(("and", "but", "so", "yet", "or"))
_new = tuple.__new__
_ROLES_OR_TITLES: Final = lx.ROLE_NOUNS | lx.TITLES
# Speech verbs that say so without a quotation beside them ("was read out" is no speech).
_SPEECH: Final = lx.CUE_VERBS - lx.WEAK_CUES
# Speech verbs whose object is the one spoken to ("told HuffPost", "asked Smith").
_ADDRESSED: Final = frozenset("told tell tells telling asked ask asks asking".split())


class Entity(NamedTuple):
    """A capitalised name mentioned in the article outside quotations."""

    name: str  # titles stripped, e.g. "Ana Okafor"
    kind: str  # "person" | "org" | "other"
    start: int
    sentence: int  # index of the sentence in the article
    lead: bool  # stands at the start of its sentence (a likely subject)
    weak: bool  # a lone capitalised word opening a sentence: maybe not a name at all
    roles: frozenset[str]


def name_words(text: list[str], i: int, j: int) -> tuple[set[str], bool]:
    """Every word the entity of the run text[i:j] may have in its name (see `entity`), and
    whether the name may have two words or more."""
    texts = text[i:j]
    joined = "".join(texts)
    if "’s" not in joined and "'s" not in joined:
        # No possessive anywhere: the words are the texts themselves (the usual case).
        return set(texts), len(texts) - texts.count(".") > 1
    out: set[str] = set()
    for word in texts:
        out.add(word.replace("’s", ""))
        if word.endswith(("'s", "’s")):
            out.add(word[:-2].replace("’s", ""))
    return out, len(texts) - texts.count(".") > 1


def opens_sentence(low: str) -> bool:
    """True when a capitalised word at a sentence's start is likely no name, but an adverb,
    preposition, determiner or verb ("Meanwhile", "Unlike", "Knowing", "Stated")."""
    if low in lx.OPENERS or low in lx.CUE_VERBS:
        return True
    # Participles and adverbs; given names with those endings ("Irving", "Kelly") excepted.
    return (
        len(low) > 5
        and (low.endswith("ing") or low.endswith("ly"))
        and low not in lx.MALE
        and low not in lx.FEMALE
    )


def lead_index(text: list[str], low: list[str]) -> int:
    """Index of the first word after leading conjunctions: where a subject name would start.

    Every helper here reads one sentence as its token texts (`text`, a quotation standing as
    QUOTE_TEXT) and the same lowercased (`low`).
    """
    d = dateline_end(text)
    if d:
        return d + lead_index(text[d:], low[d:])
    return _past_modifier(text, low, _subject_start(text, low))


def pair_at(text: list[str], low: list[str]) -> tuple[int, int, int, int] | None:
    """ "… Ana Okafor and Ben Tamm said": two full names joined by "and" before a speech verb,
    as (start, end) of each."""
    n = len(text)
    j = -1
    for _ in range(low.count("and")):
        j = low.index("and", j + 1)  # a C-level scan to each "and"
        if j < 2 or j + 2 >= n or not text[j - 1][:1].isupper():
            continue
        i = j
        while i > 0 and text[i - 1][:1].isupper() and text[i - 1] != QUOTE_TEXT:
            i -= 1
        m = j + 1
        while m < n and text[m][:1].isupper() and text[m] != QUOTE_TEXT:
            m += 1
        k = _skip_between(text, m, low)
        if j - i >= 2 and m - j - 1 >= 2 and k < n and low[k] in lx.CUE_VERBS:
            return i, j, j + 1, m
    return None


def dateline_end(text: list[str]) -> int:
    """Where a wire dateline ends ("WASHINGTON, Dec. 8 (UPI) — …"): past its dash, else 0."""
    if not text or len(text[0]) < 3 or not text[0].isupper() or not text[0].isalpha():
        return 0
    for k in range(1, min(len(text) - 1, 14)):
        if text[k] in ("—", "–") or (text[k] == "-" and text[k + 1] == "-"):
            return k + 2 if text[k] == "-" else k + 1
    return 0


def _past_modifier(text: list[str], low: list[str], i: int) -> int:
    """Where the subject's own name starts, past a name that only modifies it.

    "North Carolina’s Ada Fisher", "Trump senior adviser Jason Miller", "Florida consultant
    Rick Wilson": the person is the last name; "Trump’s plan was …": a possessive makes no
    subject at all (the index of the word after it, where no name starts).
    """
    n = len(text)
    if i >= n or not text[i][:1].isupper() or text[i] == QUOTE_TEXT:
        return i
    j = i
    while j < n and text[j][:1].isupper() and text[j] != QUOTE_TEXT:
        j += 1
        if text[j - 1].endswith(("'s", "’s")):
            # The name after it starts there, or no name does; a long capitalised run after it
            # is a title-case headline ("Smith’s Final Column Explains Why …"), no person.
            k = j
            while k < n and text[k][:1].isupper() and text[k] != QUOTE_TEXT:
                k += 1
            return j if k - j <= 3 else i
    k = j
    while k < n and k < j + 4 and text[k].islower():
        k += 1
    # The role must stand right before the name ("adviser Jason Miller"): "Trump blamed
    # local officials on Twitter" has a verb and a preposition between.
    role = k > j and (low[k - 1] in lx.ROLE_NOUNS or low[k - 1] in lx.TITLES)
    if role and k < n and text[k][:1].isupper() and text[k] != QUOTE_TEXT:
        return k
    return i


def _subject_start(text: list[str], low: list[str]) -> int:
    i = 0
    # "And in 2008, Clinton said": a leading conjunction, then the opening phrase.
    c = 1 if low and low[0] in _CONJUNCTIONS else 0
    topic = 0
    if c < len(low) and (low[c] == "for" or low[c] == "as"):
        topic = c + 1 if low[c] == "for" else c + 2 if low[c + 1 : c + 2] == ["for"] else 0
    if topic and topic < len(text) and text[topic][:1].isupper() and low[topic] not in lx.NOT_NAMES:
        # "As for Trump, he said …", "For Megda Belkacemi, Friday is a day she …": the name
        # the sentence is about, set off before the clause, is what its pronouns stand for.
        end = topic
        while end < len(text) and text[end][:1].isupper() and text[end] != QUOTE_TEXT:
            end += 1
        if end < len(text) and text[end] == "," and end - topic <= 4:
            return topic
    if c < len(text) and (
        low[c] in _INTRO or (opens_sentence(low[c]) and text[c + 1 : c + 2] != [","])
    ):
        # "Speaking in Vaughan, Ont., on Thursday, Trudeau denied", "Anticipating blowback,
        # McAuliffe remarked": past the opening phrase.
        commas = [k for k, w in enumerate(low[: c + 16]) if w == ","]
        nxt = [k for k in commas if k + 1 < len(text) and text[k + 1][:1].isupper()]
        if low[c] in _INTRO:
            return nxt[-1] + 1 if nxt else 0
        if nxt:
            return nxt[0] + 1
    while i < len(text) and (low[i] in lx.NOT_NAMES or text[i] in ",—([/|"):
        if text[i][:1].isupper() and low[i] not in lx.NOT_NAMES:
            break
        i += 1
        if i > 3:
            return 0
    if i + 1 < len(text) and text[i + 1][:1].isupper() and opens_sentence(low[i]):
        # "Meanwhile Smith said", "Stated Stone:": the name starts after the opening word.
        return i + 1
    return i


def person_context(text: list[str], i: int, j: int, low: list[str]) -> bool:
    """True when the words around a name show it names a person (cue, title, role, "who")."""
    if low[i].rstrip(".") in lx.TITLES and j - i > 1:
        return True
    k = _skip_between(text, j, low)
    if (j < len(text) and low[j] in lx.CUE_VERBS) or (k < len(text) and low[k] in lx.CUE_VERBS):
        return True
    if k + 1 < len(text) and text[k] == ",":
        if low[k + 1] == "who" or _roles_in(text, k + 1):
            return True
        # "Hiram Macharia, marketing executive at LG Electronics, said": a cue after the aside.
        aside = _cue_after_aside(text, k, low)
        if aside is not None:
            return aside
    if i and low[i - 1] in lx.CUE_VERBS:
        return i < 2 or text[i - 2] == "," or text[i - 2] == QUOTE_TEXT
    return bool(i and low[i - 1] in lx.ROLE_NOUNS)


def _cue_after_aside(text: list[str], k: int, low: list[str]) -> bool | None:
    """After "X," at `k`: whether a cue verb follows a short aside's closing comma.

    None when no comma closes an aside within reach (or a quotation comes first).
    """
    if k + 2 < len(text) and _a_name(text[k + 1], low[k + 1]) and _a_name(text[k + 2], low[k + 2]):
        # "firm Symantec, Kevin Haley, agreed": the aside is the person who speaks.
        return None
    for c in range(k + 1, min(len(text), k + 14)):
        if text[c] == QUOTE_TEXT:
            return None
        if text[c] == ",":
            after = _skip_between(text, c + 1, low)
            return after < len(text) and low[after] in lx.CUE_VERBS
    return None


def _a_name(word: str, low: str) -> bool:
    """True for a capitalised word that may be part of a person's name (no title, no org)."""
    return (
        word[:1].isupper()
        and word != QUOTE_TEXT
        and low not in lx.TITLES
        and low not in lx.ROLE_NOUNS
        and low not in lx.ORG_WORDS
        and low not in lx.NOT_NAMES
    )


def speaks(text: list[str], i: int, j: int, low: list[str]) -> bool:
    """True when the name text[i:j] is the subject of a speech verb ("X said", "said X")."""
    k = _skip_between(text, j, low)
    if (j < len(text) and low[j] in _SPEECH) or (k < len(text) and low[k] in _SPEECH):
        return True
    if k + 1 < len(text) and text[k] == ",":
        if low[k + 1] in _SPEECH:
            return True  # "And a third, Daniel Traynor, said that …"
        # "X, the city's engineer, said": past a short aside.
        aside = _cue_after_aside(text, k, low)
        if aside is not None:
            return aside
    # "“…,” said X" (not "told X": the one told is not the speaker).
    return (
        i > 1
        and low[i - 1] in lx.CUE_VERBS
        and low[i - 1] not in _ADDRESSED
        and (text[i - 2] == QUOTE_TEXT or (text[i - 2] == "," and text[i - 3] == QUOTE_TEXT))
    )


def _skip_between(text: list[str], k: int, low: list[str]) -> int:
    while k < len(text) and (
        low[k] in lx.BETWEEN or (text[k].endswith("ly") and text[k].islower())
    ):
        k += 1
    return k


def run_end(text: list[str], i: int, low: list[str]) -> int:
    """End of the capitalised run (a name) starting at sentence position i; i when none."""
    j = i
    n = len(text)
    while j < n:
        word = text[j]
        if word == QUOTE_TEXT:
            break
        if word[:1].isupper() and not (j == i and low[j] in lx.NOT_NAMES):
            if j > i and low[j] in lx.DATE_WORDS:
                break  # "Pence Thursday": a date after the name
            if j > i and low[j - 1] in lx.ORG_WORDS and (low[j] in lx.MALE or low[j] in lx.FEMALE):
                break  # "Photo / The Canadian Press Ana Okafor …": a credit, then the person
            j += 1
            if word.endswith(("'s", "’s")):
                break
            if j < n and text[j] == "." and len(word) <= 4:
                j += 1
            continue
        if j > i and low[j] in lx.CONNECTORS:
            # Particles, one or several, before the capitalised rest: "van den Berg".
            k = j + 1
            while k < n and k < j + 3 and low[k] in lx.CONNECTORS:
                k += 1
            if k < n and text[k][:1].isupper() and text[k] != QUOTE_TEXT:
                j = k
                continue
            break
        if j > i and low[j] in ("of", "for") and j + 1 < n:
            nxt = text[j + 1]
            if low[j - 1] in lx.ORG_WORDS and nxt[:1].isupper():
                j += 1
                continue
        break
    return j


def entity(
    text: list[str], start: int, i: int, j: int, index: int, lead: bool, low: list[str]
) -> Entity | None:
    """The name of the run text[i:j] (at `start`, in sentence `index`), or None if nobody's."""
    words = [w for w in text[i:j] if w != "."]
    # Only "." lowercases to ".", so this keeps the same words as above.
    lowered = [w for w in low[i:j] if w != "."]
    if words and words[-1].endswith(("'s", "’s")):
        words[-1] = words[-1][:-2]
        lowered[-1] = lowered[-1][:-2]
    # Built from the hits alone (usually none): no set of every word of the name first.
    roles = {w for w in lowered if w in _ROLES_OR_TITLES}
    org = not lx.ORG_WORDS.isdisjoint(lowered)
    # "TransLink CEO Kevin Desmond", "Toronto Mayor John Tory": the name follows the last title.
    cut = -1
    if not lx.TITLES.isdisjoint(lowered[:-1]):
        cut = max(k for k, w in enumerate(lowered[:-1]) if w in lx.TITLES)
    if cut >= 0 and org and len(words) - cut > 2 and lx.ORG_WORDS.isdisjoint(lowered[cut + 1 :]):
        # "Senate Minority Leader Harry Reid", "Bank of Canada Governor Stephen Poloz": an
        # organisation's title before a person's full name.
        org = False
    if cut >= 0 and not org:
        words = words[cut + 1 :]
    name = strip_titles(" ".join(words))
    lower = name.lower()
    if not name or lower in lx.NOT_NAMES or lower in lx.TITLES:
        return None
    parts = name.split()
    if i and low[i - 1] in lx.ROLE_NOUNS:
        roles.add(low[i - 1])
    if j + 1 < len(text) and text[j] == ",":
        roles |= _roles_in(text, j + 1)
    if i >= 2 and text[i - 1] == ",":
        roles |= _roles_before(text, i - 2)
    if org or (cut < 0 and any(len(p) > 1 and p.isupper() for p in parts)):
        kind = "org"
    elif cut >= 0 or len(parts) >= 2 or roles:
        kind = "person"
    else:
        kind = "other"
    given = parts[0].lower()
    if (
        i
        and low[i - 1] in ("in", "at", "from", "to", "near", "across", "of")
        and not (len(parts) > 1 and (given in lx.MALE or given in lx.FEMALE))
    ):
        # "in San Jose", "of Maple Ridge": a place; "of Donald Trump": a known given name.
        kind = "org" if kind == "org" else "other"
    weak = i == 0 and cut < 0 and len(parts) == 1
    # tuple.__new__ skips the named tuple's Python-level __new__ (tens of entities per article).
    return _new(Entity, (name, kind, start, index, lead, weak, frozenset(roles)))


def _roles_in(text: list[str], k: int) -> set[str]:
    """Role words of an appositive after a name: 'Jane Smith, the city's engineer,'."""
    out: set[str] = set()
    role = False  # the word before was a role or title
    for word in text[k : k + 9]:
        if word in ",.;:" or word == QUOTE_TEXT:
            break
        low = word.lower()
        if low in lx.ROLE_NOUNS or low in lx.TITLES:
            out.add(low)
            role = True
            continue
        if role and word[:1].isupper() and not word.endswith(("'s", "’s")):
            # "in Florida, law professor Tim Canova": the role is the next name's, not this one's.
            return set()
        role = False
    return out


def _roles_before(text: list[str], k: int) -> set[str]:
    """Role words of a description just before a name: 'The city's chief engineer, Priya'."""
    out: set[str] = set()
    for word in text[max(0, k - 6) : k + 1]:
        low = word.lower()
        if low in lx.ROLE_NOUNS:
            out.add(low)
    return out


def head_after(text: list[str], k: int) -> str | None:
    """The role noun of an indefinite description starting at k ("a senior official")."""
    for word in text[k : k + 5]:
        low = word.lower()
        if not word[:1].isalpha() or word == QUOTE_TEXT:
            return None
        if low in lx.ROLE_NOUNS:
            return low
    return None


def after_titles(name: str) -> str:
    """ "Washington Political Editor Matthew Boyle" -> "Matthew Boyle" (not for organisations)."""
    words = name.split()
    lowered = [w.lower().rstrip(".") for w in words]
    cut = max((k for k, w in enumerate(lowered[:-1]) if w in lx.TITLES), default=-1)
    if any(w in lx.ORG_WORDS for w in lowered[cut + 1 :]) or (
        cut >= 0 and len(words) - cut <= 2 and any(w in lx.ORG_WORDS for w in lowered)
    ):
        # An organisation's name, or its title with a lone name ("Senate Leader Reid" stays;
        # "Senate Minority Leader Harry Reid" -> "Harry Reid", as in `entity`).
        return name
    rest = words[cut + 1 :]
    if len(rest) > 2 and rest[0] == "of":
        rest = rest[2:]  # "Secretary of State Madeleine Albright"
    return " ".join(rest) if rest else name


def strip_titles(name: str) -> str:
    """A name without a leading title or article, and without "’s"."""
    parts = name.replace("’s", "").split()
    while len(parts) > 1 and (parts[0].lower() in lx.TITLES or parts[0].lower() == "the"):
        parts = parts[1:]
    return " ".join(parts)


def contains(full: list[str], part: list[str]) -> bool:
    """True when the words `part` appear in a row within `full`."""
    n = len(part)
    return any(full[i : i + n] == part for i in range(len(full) - n + 1))
