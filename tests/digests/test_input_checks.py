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
