"""digest_text refuses binary data, whatever script the rest of the text is in."""

from __future__ import annotations

import re

import pytest

from digests import DigestError, digest_text
from digests.digest import _controls


@pytest.mark.parametrize(
    "sample",
    [
        "plain ASCII\x01\x02 text\x1f",
        "“curly” naïve café \x07 北京 \x0e\x1b 🙂",
        "lone surrogate \ud800 and \x03 and \u0085 (NEL is not counted)",
        "",
    ],
)
def test_control_count_is_the_regex_count(sample: str) -> None:
    """The byte-level count equals counting [\\x00-\\x08\\x0e-\\x1f] characters."""
    assert _controls(sample) == len(re.findall(r"[\x00-\x08\x0e-\x1f]", sample))


def test_control_heavy_text_beyond_ascii_is_refused() -> None:
    """A text of Chinese words and control characters is binary data, not an article."""
    with pytest.raises(DigestError, match="binary"):
        digest_text("北京 报道\x01\x02\x03\x04 " * 40)


_CHINESE = (
    "中美两国元首周三在旧金山会晤，双方就两国关系和共同关心的国际问题交换了意见。"
    "习近平表示，中美对抗将给两国和世界带来灾难，双方应当管控分歧。"
    "拜登说，双方同意恢复两军高层沟通，并在禁毒和人工智能等领域开展合作。"
    "白宫在随后发表的声明中称，这次会谈坦率、深入而富有建设性。\n"
    "分析人士认为，这次会晤有助于稳定两国关系，但双方在台湾问题上仍存在严重分歧。"
)


def test_a_chinese_article_gets_its_lead_as_key_points_and_a_reading_time() -> None:
    """Sentences end at 。; a CJK sentence is long enough by its characters, not its spaces; the
    scorer reads no CJK words, so the lead sentences are the points."""
    digest = digest_text(_CHINESE.replace("\n", ""), title="中美元首会晤")
    assert list(digest.key_points) == [s + "。" for s in _CHINESE.split("。")[:3]]
    assert digest_text(_CHINESE * 6, title="中美元首会晤").reading_minutes >= 2  # ~500 words


def test_a_repeated_cjk_sentence_is_one_key_point() -> None:
    """With no English content words to compare, an identical sentence is still a repeat."""
    points = digest_text(_CHINESE * 6, title="中美元首会晤").key_points
    assert len(points) == len(set(points)) == 3
