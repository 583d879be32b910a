"""A sentence splitter for news prose that needs no data downloads.

Candidate boundaries are sentence-final marks (with any closing quotes or brackets after them)
and line breaks; each candidate is then judged from the word before it and the word after it.
Cased text uses the case of the next word; lowercased, PTB-tokenised text (research data sets:
`` '' -lrb- and " . " spacing) is recognised and judged by its own spacing instead.
"""

from __future__ import annotations

import re
from typing import Final

from digests.model import Span
from digests.scan import matches_at

# Titles before a name: a period after them never ends a sentence.
_TITLES: Final = frozenset(
    """mr mrs ms messrs dr prof sen sens rep reps gov lt gen col maj capt cmdr adm sgt cpl pvt
    rev hon pres supt insp det fr st mt ft gov-elect atty amb ald""".split()
)
# Abbreviations that may also end a sentence: a boundary only before a typical sentence opener.
_ABBREVIATIONS: Final = frozenset(
    """vs etc inc ltd co corp dept univ assn bros jr sr esq approx est
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    u.s u.k u.n e.g i.e a.m p.m d.c l.a u.s.a ph.d
    ala ariz ark calif colo conn del fla ga ill ind kan ky la md mass mich minn miss mo mont
    neb nev okla ore pa tenn tex va vt wash wis wyo""".split()
)
# In cased text these abbreviate only when capitalised (states, months, days, company forms).
_CAPITALISED: Final = _ABBREVIATIONS - frozenset(
    "vs etc approx est u.s u.k u.n e.g i.e a.m p.m".split()
)
# Abbreviations that stand before a number ("No. 2"); before anything else they are words.
_NUMBERING: Final = frozenset("no nos vol fig ch pp art".split())
# Words that commonly open a news sentence; after "U.S." or "p.m." they signal a new sentence.
_OPENERS: Final = frozenset(
    """the a an he she it they we i you his her its their our my this that these those there
    but and so yet in on at for after before when while as if although though since with by
    from to of what why how who where some many most all both each not one two three
    however meanwhile still now then also according other more police officials authorities
    it's that's there's he's she's i'm we're they're""".split()
)
_ATTRIBUTION_OPENERS: Final = frozenset(("he", "she", "they", "said", "says", "asked"))
# A run of final marks, any closing quotes/brackets (PTB ones after a space), then a space;
# or a line break.
# The lookahead after it captures the spaces and the next word (up to whitespace; in CPython's
# re \S is exactly the characters str.isspace rejects), which judge the candidate.
# The pattern opens with a character class so that re skips to the next mark or line break in C
# (4x faster than trying every position); the marks are the match's leading run (`_marks`).
# Chinese and Japanese full stops end a sentence with no space after them (the third branch).
_MARKS: Final = ".!?…"
_FULL_WIDTH: Final = "。！？"
_CANDIDATE: Final = re.compile(
    rf"[{_MARKS}{_FULL_WIDTH}\n]"
    rf"(?:(?<=[{_MARKS}])[{_MARKS}]*[\"'”’)\]»]*(?:[ \t]+(?:''|'|\)|-rrb-|\"|”|’)(?=\s))*(?=\s|\Z)"
    rf"|(?<=[{_FULL_WIDTH}])[{_FULL_WIDTH}]*[」』”’）)]*"
    r"|(?<=\n))(?=([ \t\r\n\f\v\u00a0]*)(\S*))",
)
_CANDIDATE_CHARS: Final = _MARKS + _FULL_WIDTH + "\n"
_DOTTED: Final = re.compile(r"(?:[a-z]\.)+[a-z]")
_STARTS: Final = "\"'“‘([¿¡—–-•*`"


def split_sentences(text: str) -> list[Span]:
    """Split text into sentence spans (start, end), trimmed of surrounding whitespace."""
    lowered = text.islower()
    ptb = lowered and " . " in text
    spans: list[Span] = []
    start = 0
    n = len(text)
    # Every match opens with one of the candidate characters: only there is the regex tried.
    for m in matches_at(_CANDIDATE, text, _CANDIDATE_CHARS):
        end = m.end()
        if end <= start:
            continue
        gap, nxt = m.groups()
        group = m.group()
        if group[0] == "\n":
            if not _line_break_is_boundary(gap, nxt, lowered):
                continue
        elif not nxt or group[0] in _FULL_WIDTH:
            pass  # the end of the text, or a full-width stop (nothing else ends there)
        elif not lowered and nxt[0].islower():
            continue  # the usual mid-sentence period ("No. 2" aside, cased text goes on)
        elif not _mark_is_boundary(text, m.start(), _marks(group), group, nxt, lowered, ptb):
            continue
        _add(text, start, end, spans)
        start = end
    _add(text, start, n, spans)
    return spans


def _marks(group: str) -> str:
    """The run of final marks a candidate opens with (the closing quotes and spaces follow)."""
    return group[: len(group) - len(group.lstrip(_MARKS))]


def _line_break_is_boundary(gap: str, word: str, lowered: bool) -> bool:
    if not word or "\n" in gap:
        return True  # paragraph break or end of text
    if lowered:
        return True
    # A hard-wrapped line continues when the next line starts in lower case.
    return not word[0].islower()


def _mark_is_boundary(
    text: str, dot: int, marks: str, group: str, nxt: str, lowered: bool, ptb: bool
) -> bool:
    """Whether the final marks at `dot` end a sentence, `nxt` being the next word (not empty)."""
    if ptb:
        return _ptb_boundary(_word_before(text, dot)[1], marks, group, nxt)
    first = nxt[0]
    # The cheap tests on the next word come first: in cased text most candidates are settled
    # by them, before the word ending at the mark is looked at.
    if not lowered and (
        first.islower() or not (first.isupper() or first.isdigit() or first in _STARTS)
    ):
        return False
    if marks != ".":
        # "!" / "?" end a sentence unless an attribution follows ("Stop!" he said).
        return not (lowered and nxt in _ATTRIBUTION_OPENERS)
    raw, word = _word_before(text, dot)
    if not word:
        return True
    if word in _TITLES and (lowered or (raw[:1].isupper() and raw[1:].islower())):
        return False  # "Mr." and "Sen." before a name, but "MS." and "FT." are words
    if word in _CAPITALISED and not lowered and not raw[:1].isupper():
        return True  # "fell ill." and "in the sun." are words; "Ill." and "Sun." abbreviations
    if first.isdigit():
        return word not in _ABBREVIATIONS and word not in _NUMBERING
    # A dotted word ("u.s", "e.g") has its first period second: only those go to the regex.
    if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()) or _dotted(word):
        if lowered:
            return nxt.strip(_STARTS + ",;:").lower() in _OPENERS
        return nxt.strip(_STARTS + ",;:") in _CAP_OPENERS
    return True


def _dotted(word: str) -> bool:
    """True for single letters joined by periods ("u.s", "a.m"): _DOTTED's words."""
    return word[1:2] == "." and _DOTTED.fullmatch(word) is not None


def _word_before(text: str, dot: int) -> tuple[str, str]:
    """The word ending at a sentence mark, as written and lowercased (opening marks stripped)."""
    word_start = text.rfind(" ", 0, dot) + 1
    # A line break can only matter after the last space (and the search stays short).
    newline = text.rfind("\n", word_start, dot) + 1
    raw = text[max(word_start, newline) : dot].lstrip(_STARTS)
    return raw, raw.lower()


def _ptb_boundary(word: str, marks: str, group: str, nxt: str) -> bool:
    # PTB tokenisation separates a sentence's final mark from its word: " . " ends a sentence,
    # "u.s." or "mr." does not.
    if word:
        return False
    if marks.startswith("..") or marks == "…":
        return False
    # "stop ! '' he said": the attribution belongs to the same sentence.
    return marks == "." or "'" not in group[len(marks) :] or nxt not in _ATTRIBUTION_OPENERS


_CAP_OPENERS: Final = frozenset(w[:1].upper() + w[1:] for w in _OPENERS)


def _add(text: str, start: int, end: int, spans: list[Span]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
