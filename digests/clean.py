"""Boilerplate removal that keeps character offsets: removed text is masked with spaces."""

from __future__ import annotations

import re
from typing import Final

# Whole lines that are page furniture, not story. Matched case-insensitively against a stripped line.
_BYLINE: Final = (
    r"[Bb]y [A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3}(?:,? (?:and|&) [A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3})?"
    r"(?:\s*[|,–—-].*)?"
)
_LINE_PATTERNS: Final = [
    r"(?:the\s+)?story continues below(?: advertisement)?\.?",
    r"continue reading(?: (?:the|this) (?:main )?story)?\.?",
    r"advertisement\.?|sponsored(?: content)?|ad feedback",
    r"read more(?:\s*[:>»].*|\.{0,3})?",
    r"(?:related|more|also read|see also|recommended|most read|trending)(?: stories| articles| coverage)?\s*:.*",
    r"sign up (?:for|to) .*|subscribe (?:to|for) (?:our|the) .*|get (?:our|the) .* newsletter.*",
    r"(?:click|tap) here .*",
    r"share (?:this|on|via) .*|share this (?:story|article)\.?|share\s*$|(?:tweet|email|print|comment)s?",
    r"(?:photo|image|picture|video|graphic|illustration)s?(?: credit)?\s*[:|/].*",
    r"\(?(?:photo|image|picture)s? (?:by|courtesy of|credit) .*",
    r"(?:image|media) caption.*|image copyright.*|copyright \d{4}.*|©.*",
    _BYLINE,
    r"(?:updated|published|posted|last updated)\s*:?\s*.{0,60}\d{1,2}:\d\d.*",
    r"\(?more [\w .'’-]{1,60} stories\.?\)?",
    r"we use cookies.*|this (?:article|story) (?:was|has been) (?:updated|corrected).*",
]
_LINE_RE: Final = re.compile(r"^\s*(?:" + "|".join(_LINE_PATTERNS) + r")\s*$", re.IGNORECASE)
# The by-line pattern must see the original case: "by the way ..." is prose.
_BYLINE_RE: Final = re.compile(_BYLINE + r"\s*$")
# Photo credits name their agency anywhere in the line. Tried at every position, this is the
# costly pattern, so a line is tried only when it holds one of the agencies' words.
_CREDIT_RE: Final = re.compile(
    r"^\s*.*\b(?:getty images|shutterstock|afp via getty|reuters/[a-z ]+|ap photo/[a-z .]+)\)?\.?\s*$",
    re.IGNORECASE,
)
_CREDIT_WORDS: Final = ("getty images", "shutterstock", "afp via getty", "reuters/", "ap photo/")
# The only characters outside ASCII that re's IGNORECASE matches to ASCII letters, and that
# str.lower() does not turn into them: a line holding one goes to the regex untested.
_FOLDS_TO_ASCII: Final = ("İ", "ı", "ſ")

# Furniture that wraps across a line break or sits inside a paragraph.
_INLINE_RES: Final = [
    re.compile(r"\(\s*More\s+[^()\n]{0,80}?(?:\n[^()\n]{0,80}?)?\s*stories\.?\s*\)", re.IGNORECASE),
    re.compile(r"\bstory continues below(?: advertisement)?\b\.?", re.IGNORECASE),
]
# Agency datelines opening a story: "WASHINGTON (AP) —", "(CNN)", "LONDON, March 3 (Reuters) -".
_DATELINE_RE: Final = re.compile(
    r"^[ \t]*(?:(?:[A-Z][A-Z .'’-]{1,40}|[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}),?"
    r"(?: [A-Z][a-z]{2,8}\.? \d{1,2},?)?\s*)?"
    r"\((?:AP|CNN|Reuters|AFP|UPI|Bloomberg|Xinhua|dpa|BBC)\)\s*(?:[—–-]+\s*)?"
    r"|^[ \t]*[A-Z][A-Z .'’-]{2,40}\s+[—–]\s+",
    re.MULTILINE,
)


def _datelines(text: str) -> list[tuple[int, int]]:
    """What `_DATELINE_RE.finditer` finds, tried only at line starts (where `^` can match)."""
    out: list[tuple[int, int]] = []
    pos = 0
    n = len(text)
    while pos < n:
        m = _DATELINE_RE.match(text, pos)
        if m is not None:
            out.append(m.span())
            # finditer goes on from the match's end, which may lie past a line break.
            pos = m.end()
            if pos and text[pos - 1] != "\n":
                pos = text.find("\n", pos) + 1 or n
        else:
            pos = text.find("\n", pos) + 1 or n
    return out


def clean_text(text: str) -> str:
    """Mask page furniture (ads, share prompts, credits, bylines, datelines) with spaces.

    The result has exactly the length of the input, so offsets found in it are offsets into the
    input: quote spans stay verbatim and checkable.
    """
    # Spans to mask are collected first: most articles have none, and then the text is returned
    # as it is, without building a list of its characters.
    spans: list[tuple[int, int]] = []
    lower = text.lower()
    # One look at the whole text spares most articles the per-line credit test.
    credits = _may_credit(text, lower)
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and len(stripped) < 200:
            hit = _LINE_RE.match(line) or (
                credits and _may_credit(line, line.lower()) and _CREDIT_RE.match(line)
            )
            if hit and stripped[:3].lower() == "by " and not _BYLINE_RE.match(stripped):
                hit = None
            if hit:
                spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    spans += [m.span() for m in _INLINE_RES[0].finditer(text)]
    # A case-blind scan is slow; "below" has no case variants beyond ASCII ones (no "ſ" or
    # Kelvin sign), so where lowercasing shows none, the pattern cannot match.
    if "below" in lower:
        spans += [m.span() for m in _INLINE_RES[1].finditer(text)]
    spans += _datelines(text)
    if not spans:
        return text
    # The text between masked spans is copied in slices, not character by character.
    parts: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        start = max(start, pos)
        if end <= start:
            continue
        parts.append(text[pos:start])
        parts.append("\n".join(" " * len(line) for line in text[start:end].split("\n")))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _may_credit(text: str, lower: str) -> bool:
    """False only when no line of the text can match _CREDIT_RE (no agency's words in it);
    `lower` is text.lower()."""
    if any(c in text for c in _FOLDS_TO_ASCII):
        return True
    return any(word in lower for word in _CREDIT_WORDS)
