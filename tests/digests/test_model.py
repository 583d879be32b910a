"""The digest's JSON form reads back to the same digest."""

from __future__ import annotations

from digests import Digest, digest_text
from tests.conftest import SEED_ARTICLE


def test_digest_json_round_trip() -> None:
    """`Digest.from_json(d.to_json(include_text=True))` is `d` again, quotes and spans included."""
    digest = digest_text(SEED_ARTICLE.read_text(encoding="utf-8"), quotes=None)
    assert digest.quotes
    assert Digest.from_json(digest.to_json(include_text=True)) == digest
