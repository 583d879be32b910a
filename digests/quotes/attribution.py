"""Who said it: speech cues around a quotation and the mention of the speaker they point to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from digests.quotes import lexicon as lx
from digests.quotes import names as nm
from digests.quotes.tokens import ABBREV as _ABBREV
from digests.quotes.tokens import Token

_DETERMINERS: Final = frozenset("the a an his her their its our this that one another".split())
# Words that open a description of a share or number of people ("most voters", "21 percent").
_QUANTIFIERS: Final = frozenset(
    "most many some half few several about nearly almost hundreds thousands dozens".split()
)
# Words that start a new clause after a quotation: its cue is not the quotation's.
_CLAUSE_STARTS: Final = frozenset(("and", "but", "while", "whereas"))
_INDEFINITE: Final = frozenset(("a", "an", "one", "another"))
_NP_STOP: Final = frozenset(
    """who which that whose in on at during after before when while to with as for from by
    and or but if because since until than into about over under through told was were is are
    has had have would will could also""".split()
)
_INTRO: Final = frozenset(
    """in on at after before during when while speaking asked earlier later last since despite
    as for with without under over following responding writing addressing""".split()
)
_LEADING: Final = frozenset("but and yet so still however meanwhile also then now instead".split())
_DASHES: Final = frozenset("—–-")
_CUES_OR_REPORTS: Final = lx.CUE_VERBS | lx.REPORT_CUES
_AFFILIATION: Final = frozenset(("of", "at", "from", "with"))
_PREPOSITIONS: Final = frozenset("on in at to with from for by about into onto of".split())
# Things someone issues whose words a quotation after them gives ("a statement, “…”").
_ISSUED: Final = frozenset("statement tweet post message release letter email".split())
# Prepositions that tie a role to whom or where it serves ("the senator from Vermont").
_OF_ROLE: Final = frozenset(("of", "from", "for"))
# Endings of a finite speech verb ("said", "told", "argued", "says"), not a noun ("retort").
_FINITE: Final = ("ed", "said", "says", "told", "wrote")
_NOT_BEFORE_CUE: Final = frozenset("to the a an his her their its our big first last".split())


@dataclass(frozen=True, slots=True)
class Mention:
    """The words naming a speaker: a name, a pronoun or a description, where they stand."""

    text: str
    kind: str  # "name" | "pronoun" | "description"
    start: int
    indefinite: bool = False


def speaker_mention(sent: list[Token], q: int, lowered: list[str] | None = None) -> Mention | None:
    """The mention of whoever speaks the quotation at sentence position q, if a cue names one.

    `lowered`, when given, holds the sentence's token texts in lower case (saves recomputing).
    """
    if lowered is None:
        lowered = [t.text.lower() for t in sent]
    # Candidates in sentence order: the cue words, and a dash just after the quote ("Q" — X).
    candidates = (
        []
        if _CUES_OR_REPORTS.isdisjoint(lowered)
        else [k for k, low in enumerate(lowered) if low in _CUES_OR_REPORTS]
    )
    for k in (q + 1, q + 2):
        if k < len(sent) and sent[k].text in _DASHES and (k == q + 1 or sent[q + 1].text == ","):
            candidates.append(k)
    if len(candidates) > 1:
        candidates.sort()
    best: tuple[int, Mention] | None = None
    for k in candidates:
        tok = sent[k]
        low = lowered[k]
        if tok.quote >= 0 or (low not in lx.CUE_VERBS and low not in lx.REPORT_CUES):
            if best is not None and best[0] <= 0:
                continue  # rank 0 cannot beat it (the mention is looked for only when it may win)
            mention = _forward(sent, k + 1)
            rank = 0
        else:
            if k and tok.text[:1].isupper():
                continue  # "the United States", "Mark Said": a name inside a sentence, no verb
            if low == "according" and not (k + 1 < len(sent) and sent[k + 1].text == "to"):
                continue
            if low in lx.WEAK_CUES and abs(k - q) > 3:
                continue
            if k and lowered[k - 1] in _NOT_BEFORE_CUE:
                # "to answer", "the big reveal": an infinitive or a noun, not a speech cue.
                continue
            # Ranks: a cue right after the quote ("…," she said) beats one right before it
            # (She said: "…"), which beats cues further off or across another quotation; a
            # report ("…, Xinhua reported") only names the speaker when nothing else does.
            between = sent[min(k, q) + 1 : max(k, q)]
            if any(t.quote >= 0 for t in between):
                rank = 30 + len(between)
            elif k > q:
                rank = 0 if len(between) <= 8 else 10 + len(between)
                first = next((t.text.lower() for t in between if t.text != ","), "")
                if first in _CLAUSE_STARTS:
                    # '… said “not likely” and 14 percent said “…”': a new clause's verb.
                    rank += 20
            else:
                rank = 1 if len(between) <= 6 else 10 + len(between)
            if low in lx.REPORT_CUES:
                rank += 100
            if best is not None and rank >= best[0]:
                continue
            mention = _cue_mention(sent, k, q)
        if mention is not None and (best is None or rank < best[0]):
            best = (rank, mention)
    if best is None and q >= 2 and sent[q - 1].text in (",", ":") and lowered[q - 2] in _ISSUED:
        # "Trump issued a statement, “…”": whoever issued it, the sentence's subject.
        mention = subject(sent)
        if mention is not None and mention.kind in ("name", "pronoun"):
            return mention
    if best is None and q and sent[q - 1].text == ":":
        # "… doesn't surprise pollster Daron Shaw: "…"": the name just before the colon speaks;
        # else the sentence's subject ("Martell, the addictions doctor, is more blunt: "…"").
        mention = _backward(sent, q - 2) if q >= 2 else None
        if mention is None or mention.kind != "name":
            mention = subject(sent)
        if mention is not None and mention.kind in ("name", "pronoun"):
            return mention
    return best[1] if best else None


def cue_subject(sent: list[Token], lowered: list[str]) -> Mention | None:
    """Who a sentence without a quotation says spoke: the mention its first speech verb names."""
    for k, low in enumerate(lowered):
        if low not in lx.CUE_VERBS or low in lx.WEAK_CUES or (k and sent[k].text[:1].isupper()):
            continue
        if k and lowered[k - 1] in _NOT_BEFORE_CUE:
            continue  # "to answer", "the big reveal"
        return _cue_mention(sent, k, len(sent))
    return None


def reports(sent: list[Token], q: int) -> bool:
    """True when a speech verb before the quotation leads into it: "telling Biden that … “…”",
    "described it as “…”", "said “…”" (a fragment framed as someone's words, not a scare quote)."""
    for k in range(q - 1, max(-1, q - 16), -1):
        tok = sent[k]
        if tok.quote >= 0 or tok.text in ".;":
            return False
        if tok.text.lower() in lx.CUE_VERBS:
            between = {t.text.lower() for t in sent[k + 1 : q]}
            return q - k <= 8 or not between.isdisjoint(("that", "as", ":"))
    return False


def _cue_mention(sent: list[Token], k: int, q: int) -> Mention | None:
    low = sent[k].text.lower()
    if low == "according":
        return _forward(sent, k + 2)
    if low == "saying" and k >= 2 and sent[k - 1].text.lower() == "as":
        # "X was quoted as saying" / "Xinhua quoted X as saying".
        for j in range(k - 2, max(-1, k - 12), -1):
            if sent[j].text.lower() == "quoted":
                if j >= 1 and sent[j - 1].text.lower() in ("was", "were", "is", "been"):
                    return _backward(sent, j - 2)
                return _forward(sent, j + 1)
    if low.endswith("ing") and low not in ("according",):
        mention = _backward(sent, k - 1) if k and sent[k - 1].text != "," else None
        if mention is not None and mention.kind == "name" and not _object(sent, mention):
            return mention
        # "even a top GOP strategist said …, saying, “…”": the participle's subject is the
        # finite speech verb's before it.
        main_verb = next(
            (
                c
                for c in range(1, k - 1)
                if sent[c].text in lx.CUE_VERBS
                and sent[c].text.endswith(_FINITE)
                and sent[c].text not in lx.WEAK_CUES
                and sent[c - 1].text.lower() not in _NOT_BEFORE_CUE
            ),
            None,
        )
        if main_verb is not None and all(t.quote < 0 for t in sent[main_verb:k]):
            main = _cue_mention(sent, main_verb, q)
            if main is not None:
                return main
        # "Clinton answered on Facebook writing, “…”": the subject, not the object before.
        return subject(sent)
    prev = sent[k - 1] if k else None
    if prev is not None and prev.text.lower() == "and" and k >= 2:
        # "Silverman was joined on stage by Al Franken and joked, “…”": the clause's subject.
        mention = subject(sent)
        if mention is not None and mention.kind in ("name", "pronoun"):
            return mention
    if prev is not None and prev.text.lower() == "who" and k >= 2:
        # "a tweet from Rikkie Wells who tweeted", "Mike Lee, who declared": the name before.
        j = k - 3 if sent[k - 2].text == "," else k - 2
        return _backward(sent, j) if j >= 0 else None
    if prev is None or prev.quote >= 0 or (prev.text == "," and k >= 2 and sent[k - 2].quote >= 0):
        return _forward(sent, k + 1)
    mention = _backward(sent, k - 1)
    if prev.text == "," and (mention is None or mention.kind != "name" or _object(sent, mention)):
        # "Harry Bond, 30, of Raleigh, who was polled, said": the name the sentence opens
        # with, set off by a comma, is the subject past an aside too long to read back over.
        opening = _opening_name(sent, k)
        if opening is not None:
            return opening
    if mention is None and prev.text == ",":
        # "…rows of desks, asks Policy Options editor Jennifer Ditchburn, …": inverted after a clause.
        return _forward(sent, k + 1)
    return mention


def _opening_name(sent: list[Token], k: int) -> Mention | None:
    """The name a sentence opens with when a comma sets it off, before position k."""
    found = subject(sent)
    if found is None and len(sent) > 2 and sent[0].quote >= 0:
        # '“…,” Harry Bond, 30, of Raleigh, … said' (the comma may sit inside the marks)
        found = _forward(sent, 2 if sent[1].text == "," else 1)
    if found is None or found.kind != "name":
        return None
    at = next((i for i, t in enumerate(sent[:k]) if t.start == found.start), None)
    if at is None:
        return None
    j = at
    while j < k and (sent[j].text[:1].isupper() or sent[j].text == "."):
        j += 1
    return found if j < k and sent[j].text == "," else None


def subject(sent: list[Token]) -> Mention | None:
    """The first noun phrase of a sentence, after leading conjunctions and an opening phrase."""
    # "WASHINGTON (AP) — …": a dateline names where, not who.
    i = nm.dateline_end([t.text for t in sent[:14]])
    while i < len(sent) and (sent[i].text.lower() in _LEADING or sent[i].text == ","):
        i += 1
    # An opening adverbial is short, unless an adverb or opener heads it ("Immediately after
    # the attacks, Trump …"); "Trump subsequently defended it, …" has its subject first.
    reach = 6 if i < len(sent) and nm.opens_sentence(sent[i].text.lower()) else 4
    opening = next(
        (k for k in range(i + 1, min(len(sent), i + reach)) if sent[k].text == ","), None
    )
    if i < len(sent) and sent[i].text.lower() in _INTRO:
        # "On Thursday, after remaining neutral, Warren appeared": past each opening phrase.
        while i < len(sent) and sent[i].text.lower() in _INTRO:
            while i < len(sent) and sent[i].text != ",":
                i += 1
            i += 1
    elif opening and opening > i + 1 and all(t.text.islower() for t in sent[i + 1 : opening]):
        # "Hours later, Trump …", "Instead, she …": an opening adverbial, not the subject.
        i = opening + 1
    return _forward(sent, i)


def forward(sent: list[Token], i: int) -> Mention | None:
    """The noun phrase starting at sentence position i (a name, pronoun or description)."""
    return _forward(sent, i)


def _forward(sent: list[Token], i: int) -> Mention | None:
    """The noun phrase starting at sentence position i (a name, pronoun or description)."""
    if i >= len(sent) or sent[i].quote >= 0:
        return None
    first = sent[i].text
    if first.lower() in lx.PRONOUNS:
        return Mention(first.lower(), "pronoun", sent[i].start)
    words: list[Token] = []
    j = i
    while j < len(sent) and len(words) < 8:
        tok = sent[j]
        low = tok.text.lower()
        if tok.quote >= 0 or (not tok.text[:1].isalnum() and tok.text != "."):
            break
        if tok.text == ".":
            last = words[-1].text if words else ""
            if last.lower().rstrip(".") in _ABBREV | {"j", "jr"} or (
                len(last) == 1 and last.isupper()
            ):
                j += 1  # "Sen.", "Harry M. Reid": an abbreviation or an initial, not the end
                continue
            break
        if words and (low in _NP_STOP or low in lx.CUE_VERBS) and not tok.text[:1].isupper():
            if low in _OF_ROLE and words[-1].text.lower() in lx.ROLE_NOUNS:
                # "a spokeswoman for the House Armed Services Committee": who she speaks for.
                words.append(tok)
                j += 1
                continue
            break
        if (
            words
            and words[-1].text[:1].isupper()
            and tok.text.islower()
            and len(low) > 4
            and low.endswith("ed")
        ):
            break  # "Okafor endorsed Tamm": a verb after the name ends the subject
        if low in _AFFILIATION and _is_personal(words):
            break  # "Robert Antonacci of the New York delegation": the person, not the place
        words.append(tok)
        j += 1
    if not words:
        return None
    document = words[-1].text.lower() in lx.DOCUMENTS or (
        len(words) > 1 and words[-2].text.lower() in lx.DOCUMENTS and words[-1].text.endswith("ed")
    )
    if document and j + 1 < len(sent) and sent[j].text == "by":
        # "according to a court document filed by Dave Aronberg": its author.
        author = _forward(sent, j + 1)
        if author is not None and author.kind == "name":
            return author
    mention = _phrase(words)
    # "the city's chief engineer, Priya Natarajan": the appositive name is the better mention.
    appositive = j + 1 < len(sent) and sent[j].text == "," and sent[j + 1].text[:1].isupper()
    if mention is not None and mention.kind == "description" and appositive:
        named = _forward(sent, j + 1)
        if named is not None and named.kind == "name":
            return named
    return mention


def _object(sent: list[Token], mention: Mention) -> bool:
    """True when a preposition governs the mention ("on Facebook", "to the mayor")."""
    at = next((i for i, t in enumerate(sent) if t.start == mention.start), 0)
    return at > 0 and sent[at - 1].text.lower() in _PREPOSITIONS


def _is_personal(words: list[Token]) -> bool:
    """True when the words are a person's name so far: two capitalised words, none an org's."""
    return (
        len(words) >= 2
        and all(t.text[:1].isupper() for t in words)
        and all(
            t.text.lower() not in lx.ORG_WORDS and t.text.lower() not in lx.TITLES for t in words
        )
    )


def _backward(sent: list[Token], j: int) -> Mention | None:
    """The noun phrase ending at sentence position j (the subject before a cue)."""
    while j >= 0 and (
        sent[j].text.lower() in lx.BETWEEN
        or (sent[j].text.lower().endswith("ly") and sent[j].text.islower())
    ):
        j -= 1
    if j < 0 or sent[j].quote >= 0 or sent[j].text.lower() in _NP_STOP:
        return None
    tok = sent[j]
    if tok.text.lower() in lx.PRONOUNS:
        return Mention(tok.text.lower(), "pronoun", tok.start)
    if tok.text in (",", ")"):
        return _appositive(sent, j)
    words: list[Token] = []
    while j >= 0 and len(words) < 8:
        tok = sent[j]
        low = tok.text.lower()
        if tok.quote >= 0 or (not tok.text[:1].isalnum() and tok.text not in (".", "-")):
            break
        if tok.text == "." and not (j and sent[j - 1].text.lower() in _ABBREV):
            break
        # "the senator from Vermont" goes on past "from" to its role.
        role_of = low in _OF_ROLE and j > 0 and sent[j - 1].text.lower() in lx.ROLE_NOUNS
        if words and low in _NP_STOP and not tok.text[:1].isupper() and not role_of:
            break
        if words and low in lx.CUE_VERBS and tok.text.islower():
            break
        words.insert(0, tok)
        if low in _DETERMINERS:
            words = _role_of(sent, j - 1) + words
            break
        j -= 1
    if (
        words
        and j >= 2
        and sent[j].text == ","
        and len(words) <= 3
        and words[-1].text in lx.ROLE_NOUNS
        and all(t.text.islower() for t in words)
    ):
        # "the lanky, bespectacled professor said": adjectives set off by a comma, then the
        # determiner the description starts with.
        for d in range(j - 1, max(-1, j - 4), -1):
            low = sent[d].text.lower()
            if low in _DETERMINERS:
                words = [t for t in sent[d:j] if t.text != ","] + words
                break
            if not sent[d].text.islower() or low in _NP_STOP or low in lx.CUE_VERBS:
                break
    mention = _phrase(words) if words else None
    if mention is not None and mention.kind == "name" and words:
        # "Jeffrey Lewis of the James Martin Center for … Studies wrote": the person the
        # affiliation belongs to.
        person = _affiliated(sent, sent.index(words[0]) - 1)
        if person is not None:
            return person
    if mention is not None and mention.kind == "name" and j >= 1 and sent[j].text == "and":
        # "Frank Newport and Jim Harter said": both speak.
        first = _backward(sent, j - 1)
        if first is not None and first.kind == "name" and _adjacent(sent, j, words[0]):
            return Mention(f"{first.text} and {mention.text}", "name", first.start)
    return mention


def _affiliated(sent: list[Token], j: int) -> Mention | None:
    """The person's name before "of/at/from/with [the] Organisation …" ending at j, if any."""
    for c in range(j, max(-1, j - 10), -1):
        text = sent[c].text
        if text in _AFFILIATION:
            k = c
            words: list[Token] = []
            while k > 0 and sent[k - 1].text[:1].isupper() and sent[k - 1].quote < 0:
                k -= 1
                words.insert(0, sent[k])
            if _is_personal(words) and len(words) <= 4:
                return _phrase(words)
            return None
        if not (text[:1].isupper() or text in ("the", "for", "and", "of")) or sent[c].quote >= 0:
            return None
    return None


def _adjacent(sent: list[Token], j: int, tok: Token) -> bool:
    """True when `tok` follows the "and" at j directly (a name's first word)."""
    return j + 1 < len(sent) and sent[j + 1] is tok and tok.text[:1].isupper()


def _role_of(sent: list[Token], k: int) -> list[Token]:
    """ "a spokesperson for", "one veteran of" ending at k, before "the camp": the role the
    phrase after it belongs to, else []."""
    if k < 1 or sent[k].text not in ("of", "for") or sent[k - 1].text.lower() not in lx.ROLE_NOUNS:
        return []
    for d in range(k - 2, max(-1, k - 5), -1):
        low = sent[d].text.lower()
        if low in _DETERMINERS:
            return sent[d : k + 1]
        if not sent[d].text.islower() or low in _NP_STOP:
            return []
    return []


def _appositive(sent: list[Token], j: int) -> Mention | None:
    """'Jane Smith, the city's engineer, said': the name on either side of the commas."""
    for c in range(j - 1, max(-1, j - 16), -1):
        if sent[c].quote >= 0:
            return None
        if sent[c].text in (",", "("):
            inner = _forward(sent, c + 1)
            outer = _backward(sent, c - 1) if c else None
            if outer is not None and outer.kind == "name":
                return outer
            if inner is not None and inner.kind == "name":
                return inner
            return outer or inner
    return None


def _phrase(words: list[Token]) -> Mention | None:
    """Classify a run of words: the last capitalised run not in possessive form is a name."""
    runs: list[list[Token]] = []
    current: list[Token] = []
    for k, tok in enumerate(words):
        text = tok.text
        low = text.lower()
        capital = (text[:1].isupper() and low not in lx.NOT_NAMES) or _particle_name(text)
        if capital or (current and text == ".") or (low in lx.CONNECTORS and _particle(words, k)):
            current.append(tok)
            if text.endswith(("'s", "’s")):
                current = []
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    runs = [r for r in runs if not r[-1].text.endswith(("'s", "’s"))]
    low_first = words[0].text.lower()
    # "Knowing Smith", "Unlike Jones": an opening word is not part of the name after it, and
    # alone ("Wait, it gets better:") no name at all.
    if runs and runs[0][0] is words[0] and nm.opens_sentence(low_first):
        if len(runs[0]) > 1:
            runs[0] = runs[0][1:]
        elif low_first in lx.OPENERS or (
            low_first in lx.CUE_VERBS and low_first.endswith(("ing", "ed"))
        ):
            # Alone, only a listed opener or a speech verb's participle ("Adding, …"):
            # "Manning said", "Read said" are surnames.
            runs = runs[1:]
    at = next((k for k, t in enumerate(words) if t.text in _OF_ROLE), 0)
    if (
        at >= 2
        and words[at - 1].text.lower() in lx.ROLE_NOUNS
        and words[0].text.lower() in _DETERMINERS
        and all(t.text.islower() for t in words[:at])
    ):
        # "the senator from Vermont", "the governor of Texas": a description of the role
        # (its head before the preposition), not the place.
        return Mention(
            _join(words), "description", words[0].start, words[0].text.lower() in _INDEFINITE
        )
    runs = _join_of(words, runs)
    head = words[-1].text.lower()
    if (
        not runs
        and len(words) <= 4
        and (low_first[:1].isdigit() or low_first in _QUANTIFIERS)
        and words[-1].text.isalpha()
        and words[-1].text.islower()
    ):
        # "21 percent said", "most voters said": a share of people, as a description.
        return Mention(_join(words), "description", words[0].start, True)
    if (
        low_first in ("a", "an", "one", "another")
        and runs
        and runs[-1] == [words[-1]]
        and len(words) <= 4
        and all(t.text.islower() for t in words[1:-1])
    ):
        # "one Republican", "a top Democrat": someone of a party or a people, not a name.
        return Mention(_join(words), "description", words[0].start, True)
    # A determiner or a possessive ("Campbell’s partner") makes a description of the rest.
    determined = len(words) > 1 and (
        words[0].text.lower() in _DETERMINERS or words[0].text.endswith(("'s", "’s"))
    )
    described = words[-1].text.islower() and (
        head in lx.ROLE_NOUNS or head in lx.ORG_NOUNS or determined
    )
    if runs and not described:
        run = runs[-1]
        while run and run[-1].text.lower() in lx.CONNECTORS | {"."}:
            run = run[:-1]
        if run:
            return Mention(_join(run), "name", run[0].start)
    if described:
        start = next((t for t in words if t.text.lower() in _DETERMINERS), words[0])
        at = words.index(start)
        indefinite = start.text.lower() in ("a", "an", "one", "another")
        return Mention(_join(words[at:]), "description", start.start, indefinite)
    return None


def _particle_name(text: str) -> bool:
    """True for a name whose particle is joined by a hyphen: "al-Shabaab", "el-Sisi"."""
    particle, _, rest = text.partition("-")
    return rest[:1].isupper() and particle.lower() in lx.CONNECTORS


def _particle(words: list[Token], k: int) -> bool:
    """True when the particle at k leads into a capitalised surname ("van den Berg")."""
    for tok in words[k + 1 : k + 4]:
        if tok.text[:1].isupper():
            return True
        if tok.text.lower() not in lx.CONNECTORS:
            return False
    return False


def _join_of(words: list[Token], runs: list[list[Token]]) -> list[list[Token]]:
    """ "Ministry of Health" is one name; "Jingyi Pan of IG" is the person, not the company."""
    if len(runs) < 2:
        return runs
    first, second = runs[-2], runs[-1]
    gap = [t for t in words if first[-1].end <= t.start and t.end <= second[0].start]
    if len(gap) != 1 or gap[0].text not in ("of", "at", "from", "for", "with"):
        return runs
    if any(t.text.lower() in lx.ORG_WORDS for t in first):
        return [*runs[:-2], [*first, gap[0], *second]]
    return runs[:-1]


def _join(run: list[Token]) -> str:
    out = ""
    for i, tok in enumerate(run):
        glue = tok.text == "." or (i and run[i - 1].text in "-") or tok.text == "-"
        out += ("" if glue or not out else " ") + tok.text
    return out
