"""The seed article's expectations (issue: foundation and key points)."""

from __future__ import annotations

import re

from digests import digest_text

_QUOTED = re.compile(r"[\"“][^\"“”]*[\"”]")


def test_seed_key_points_skip_boilerplate(seed_text: str) -> None:
    """No key point contains the page furniture the seed article carries."""
    digest = digest_text(seed_text)
    for point in digest.key_points:
        assert "story continues" not in point.lower()
        assert "More President Biden stories" not in point


def test_seed_three_key_points_carry_the_story(seed_text: str) -> None:
    """The call (who, when, amid what), its focus, and Biden's message on rights and trade."""
    points = digest_text(seed_text).key_points
    assert len(points) == 3
    call, focus, message = points
    assert "Biden" in call and "Xi" in call and "Thursday" in call and "frustration" in call
    assert "90-minute call" in focus
    assert "human rights" in message and "trade" in message


def test_seed_key_points_are_story_sentences_not_quotations(seed_text: str) -> None:
    """Key points are the article's own sentences, tightened, and carry no quotation marks."""
    text = " ".join(seed_text.split())
    for point in digest_text(seed_text).key_points:
        quoted = sum(len(m.group()) for m in _QUOTED.finditer(point))
        assert quoted < len(point) / 2, point
        # Tightening only removes words: every key point's words appear in the article in order.
        assert point[:40].lower() in text.lower() or point[1:40] in text


def test_seed_points_option(seed_text: str) -> None:
    """`points=N` returns N key points in article order."""
    text = " ".join(seed_text.split())
    points = digest_text(seed_text, points=5).key_points
    assert len(points) == 5
    positions = [text.find(p[1:30]) for p in points]
    assert all(p >= 0 for p in positions)
    assert positions == sorted(positions)
