"""Chinese, Japanese and Korean text: written without spaces between words."""

from __future__ import annotations

import re
from typing import Final

# Kana, CJK ideographs (with extension A and compatibility forms) and Hangul syllables.
CJK_RANGES: Final = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_CJK_CHAR: Final = re.compile(f"[{CJK_RANGES}]")


# Each ASCII byte to b" " when str.split splits at it (str.isspace), else to b"x".
_SPACE_OR_NOT: Final = bytes(b" "[0] if chr(c).isspace() else b"x"[0] for c in range(256))


# Every byte but the UTF-8 lead bytes of the CJK_RANGES characters (U+3040-U+9FFF: E3-E9,
# U+AC00-U+D7AF: EA-ED, U+F900-U+FAFF: EF).
_NOT_CJK_LEAD: Final = bytes(c for c in range(256) if not (0xE3 <= c <= 0xED or c == 0xEF))


def cjk_characters(text: str) -> int:
    """How many CJK characters the text holds."""
    # isascii() is a flag CPython keeps on every string: plain English costs nothing here.
    if text.isascii():
        return 0
    # Text with accents, dashes or curly quotes but no CJK (most that is not ASCII) has none of
    # their UTF-8 lead bytes: two C passes over the bytes rule it out before the regex's scan.
    if not text.encode("utf-8", "surrogatepass").translate(None, _NOT_CJK_LEAD):
        return 0
    return len(_CJK_CHAR.findall(text))


def word_count(text: str) -> int:
    """Words as a reader counts them: spaced words, and two CJK characters for one word."""
    if text.isascii():
        # Counted without a string per word: each word's first character is a non-space
        # after a space (or the text's start) in a map of the text's characters to two bytes.
        spaces = b" " + text.encode("ascii").translate(_SPACE_OR_NOT)
        return spaces.count(b" x")
    return len(text.split()) + cjk_characters(text) // 2
