"""Chinese, Japanese and Korean text: written without spaces between words."""

from __future__ import annotations

import re
from typing import Final

# Kana, CJK ideographs (with extension A and compatibility forms) and Hangul syllables.
CJK_RANGES: Final = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_CJK_CHAR: Final = re.compile(f"[{CJK_RANGES}]")


def cjk_characters(text: str) -> int:
    """How many CJK characters the text holds."""
    # isascii() is a flag CPython keeps on every string: plain English costs nothing here.
    return 0 if text.isascii() else len(_CJK_CHAR.findall(text))


def word_count(text: str) -> int:
    """Words as a reader counts them: spaced words, and two CJK characters for one word."""
    return len(text.split()) + cjk_characters(text) // 2
