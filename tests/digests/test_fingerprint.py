"""Near-duplicate fingerprints: copies stay close, different stories stay apart."""

from __future__ import annotations

from pathlib import Path

from digests.fingerprint import (
    NEAR_DUPLICATE_BITS,
    distance,
    from_hex,
    near_duplicate,
    simhash,
    to_hex,
)
from tests.conftest import SEEDS


def _seed_texts() -> list[str]:
    files = [
        SEEDS / n for n in ("010_harbour_bridge.txt", "020_lunar_probe.txt", "040_heatwave.md")
    ]
    return [p.read_text(encoding="utf-8") for p in files]


def test_edited_copy_is_a_near_duplicate(seed_text: str) -> None:
    """A new headline plus a dropped last sentence stays within the threshold."""
    sentences = seed_text.split(". ")
    edited = "UPDATED: Biden and Xi talk by phone\n" + ". ".join(sentences[:-1])
    assert near_duplicate(simhash(seed_text), simhash(edited))


def test_different_stories_are_not_duplicates(seed_text: str) -> None:
    """Unrelated articles are far more than the threshold apart."""
    prints = [simhash(t) for t in [seed_text, *_seed_texts()]]
    for i, a in enumerate(prints):
        for b in prints[i + 1 :]:
            assert distance(a, b) > 2 * NEAR_DUPLICATE_BITS


def test_case_punctuation_and_accents_do_not_count() -> None:
    """Trivial differences (case, punctuation, accents) give the same fingerprint."""
    a = "The café in Zürich reopened on Monday, the owner said."
    b = "the cafe in zurich reopened on monday -- the owner said"
    assert simhash(a) == simhash(b)


def test_empty_text_matches_nothing() -> None:
    """Text without words has fingerprint 0, which is never a near-duplicate."""
    assert simhash("  ...  ") == 0 and not near_duplicate(0, 0)


def test_hex_round_trip() -> None:
    """The stored hex form gives back the fingerprint."""
    fp = simhash(Path(__file__).read_text())
    assert from_hex(to_hex(fp)) == fp and len(to_hex(fp)) == 16
