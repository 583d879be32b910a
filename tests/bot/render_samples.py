"""Hand-written digests and texts for the renderer tests (no publisher text)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from digests import Digest, Quote

FAMILY = "👨‍👩‍👧‍👦"  # man, woman, girl, boy joined by ZWJ: one grapheme, 11 UTF-16 units
THUMBS = "👍🏽"  # thumbs up + skin tone modifier: one grapheme
FLAG = "🇯🇵"  # two regional indicators: one grapheme
E_ACUTE = "e\u0301"  # e + combining acute accent: one grapheme
CJK = "東京の新しい橋は来年完成する予定です"  # Japanese, no spaces

INJECTION = (
    "@everyone @here <@123456> <@!123456> <@&654321> <#777> <!channel> <!here> <@U0123ABC> "
    "**bold** __under__ ||spoiler|| `code` [click](https://evil.example) <https://evil.example|login> "
    "> quote & more"
)

# Raw mention syntax that must never reach a platform un-neutralised.
DISCORD_MENTIONS = re.compile(r"@everyone|@here|<@!?\d|<@&\d|<#\d")
SLACK_MENTIONS = re.compile(r"<!channel>|<!here>|<!everyone>|<@U|<#\d|<https://evil")


def digest(**fields: Any) -> Digest:
    """A small valid digest with any field replaced."""
    base: dict[str, Any] = {
        "title": "Council approves bridge repairs",
        "url": "https://news.example/riverton/bridge",
        "source": "Riverton Gazette",
        "published": datetime(2026, 11, 24, 9, 30, tzinfo=UTC),
        "key_points": (
            "The council voted 7-2 to repair the bridge.",
            "Repairs will close the bridge to cars for eight months.",
        ),
        "quotes": (quote("We will not let it rust.", "Ana Okafor"),),
        "topics": ("local",),
        "reading_minutes": 2,
    }
    base.update(fields)
    return Digest(**base)


def quote(text: str, speaker: str | None = "A Speaker") -> Quote:
    """A quote with a placeholder span."""
    return Quote(text=text, speaker=speaker, partial=False, spans=((0, len(text)),))


def words(n: int, word: str = "word") -> str:
    """`n` words separated by spaces."""
    return " ".join([word] * n)


def strings(payload: Any) -> list[str]:
    """Every string value anywhere in a JSON-like payload."""
    if isinstance(payload, str):
        return [payload]
    if isinstance(payload, dict):
        return [s for v in payload.values() for s in strings(v)]
    if isinstance(payload, list | tuple):
        return [s for v in payload for s in strings(v)]
    return []


def dumps(payload: Any) -> str:
    """The payload as the JSON that would go over the wire."""
    return json.dumps(payload, ensure_ascii=False)
