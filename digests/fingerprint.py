"""Near-duplicate fingerprints: 64-bit SimHash over word shingles. Pure, no I/O.

Two copies of one story (wire copy in two outlets, an updated headline, a paragraph added) differ
in a few bits; different stories differ in about half of them. `NEAR_DUPLICATE_BITS` was measured
on edited copies of the seed articles (headline changed, a sentence dropped or added, every fourth
sentence dropped): 0–13 bits apart; the unrelated seed articles are 29–38 bits apart.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

NEAR_DUPLICATE_BITS = 12
_SHINGLE = 3
_WORD = re.compile(r"\w+", re.UNICODE)
_MASK = (1 << 64) - 1


def words(text: str) -> list[str]:
    """Lowercased word tokens, accents and punctuation dropped, so trivial edits do not count."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return _WORD.findall("".join(c for c in folded if not unicodedata.combining(c)))


def simhash(text: str) -> int:
    """A 64-bit SimHash of `text`'s word 3-shingles (0 for text with no words)."""
    tokens = words(text)
    if len(tokens) < _SHINGLE:
        shingles = [" ".join(tokens)] if tokens else []
    else:
        shingles = [" ".join(tokens[i : i + _SHINGLE]) for i in range(len(tokens) - _SHINGLE + 1)]
    if not shingles:
        return 0
    weights = [0] * 64
    for shingle in shingles:
        h = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            weights[bit] += 1 if h >> bit & 1 else -1
    return sum(1 << bit for bit in range(64) if weights[bit] > 0) & _MASK


def distance(a: int, b: int) -> int:
    """Hamming distance between two fingerprints."""
    return (a ^ b).bit_count()


def to_hex(fingerprint: int) -> str:
    """A fingerprint as 16 hex digits (how the store keeps it)."""
    return f"{fingerprint:016x}"


def from_hex(text: str) -> int:
    """The inverse of `to_hex`."""
    return int(text, 16)


def near_duplicate(a: int, b: int, *, bits: int = NEAR_DUPLICATE_BITS) -> bool:
    """True when two non-empty fingerprints are at most `bits` apart."""
    return a != 0 and b != 0 and distance(a, b) <= bits
