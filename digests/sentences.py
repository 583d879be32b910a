"""A sentence splitter for news prose that needs no data downloads."""

from __future__ import annotations

import re

from digests.model import Span

# Words that end in a period without ending a sentence when followed by a capital.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sen rep gov gen col lt sgt capt cmdr adm maj st jr sr rev hon pres supt
    insp det cpl pvt fr mt ft no vs etc inc ltd co corp dept univ assn bros jan feb mar apr jun jul
    aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun u.s u.k u.n e.g i.e a.m p.m
    ala ariz ark calif colo conn del fla ga ill ind kan ky la md mass mich minn miss mo mont neb nev
    okla ore pa tenn tex va vt wash wis wyo""".split()
)
_CANDIDATE = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|\n\s*\n|\n")


def split_sentences(text: str) -> list[Span]:
    """Split text into sentence spans (start, end), trimmed of surrounding whitespace."""
    spans: list[Span] = []
    start = 0
    for m in _CANDIDATE.finditer(text):
        end = m.end()
        if m.group()[0] in ".!?…" and not _is_boundary(text, m.start(), end):
            continue
        _add(text, start, end, spans)
        start = end
    _add(text, start, len(text), spans)
    return spans


def _is_boundary(text: str, dot: int, end: int) -> bool:
    nxt = end
    n = len(text)
    while nxt < n and text[nxt].isspace():
        nxt += 1
    if nxt >= n:
        return True
    following = text[nxt]
    if text[dot] == "." and text[dot:end].rstrip("\"'”’)]") == ".":
        word_start = dot
        while (
            word_start > 0
            and not text[word_start - 1].isspace()
            and text[word_start - 1] not in "(\"“‘'"
        ):
            word_start -= 1
        word = text[word_start:dot].lower()
        if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            return False
        # Initials such as "J.R.R." or "U.S." followed by a name are not boundaries.
        if re.fullmatch(r"(?:[a-z]\.)+[a-z]", word) and following.isupper() and word != "u.s":
            return False
    return following.isupper() or following.isdigit() or following in "\"'“‘([¿¡—–-"


def _add(text: str, start: int, end: int, spans: list[Span]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
