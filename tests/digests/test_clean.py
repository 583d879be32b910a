"""Boilerplate removal keeps offsets and removes only furniture."""

from __future__ import annotations

import pytest

from digests.clean import clean_text


@pytest.mark.parametrize(
    "line",
    [
        "story continues below",
        "Advertisement",
        "Read more: How bridges are built",
        "Sign up for our weekly science newsletter",
        "Photo: Lantern mission team",
        "Share on Facebook",
        "By Carlos Mendez",
        "(More President Biden stories.)",
        "Jane Doe/Getty Images",
        "A flooded street in Dhaka. (AFP VIA GETTY IMAGES)",
        "Crowds outside the court. REUTERS/Lucy Nicholson",
        # re's IGNORECASE matches these to i and s; the agencies' words must still be found.
        "Jane Doe/Getty İmages",
        "Jane Doe/ſhutterstock",
    ],
)
def test_furniture_lines_are_masked(line: str) -> None:
    """Each furniture line is blanked to spaces of the same length."""
    text = f"The council met on Tuesday.\n{line}\nIt voted 7-2."
    cleaned = clean_text(text)
    assert len(cleaned) == len(text)
    assert cleaned.split("\n")[1].strip() == ""
    assert "The council met on Tuesday." in cleaned and "It voted 7-2." in cleaned


@pytest.mark.parametrize(
    "line",
    [
        "by the way, the council met on Tuesday.",
        "Readers who sign up early get a discount, the company said.",
        "Photographs of the bridge show rust on four supports.",
        "He sold his pictures to Getty Images for twenty years.",
    ],
)
def test_prose_is_kept(line: str) -> None:
    """Sentences that merely start like furniture stay."""
    assert clean_text(line) == line


def test_more_stories_across_a_line_break(seed_text: str) -> None:
    """The seed's "(More\\nPresident Biden stories.)" is masked although it spans two lines."""
    cleaned = clean_text(seed_text)
    assert "More" not in cleaned[-40:] and "stories" not in cleaned[-40:]
    assert "story continues below" not in cleaned


def test_agency_dateline_is_masked() -> None:
    """A dateline such as "WASHINGTON (AP) —" is not part of the first sentence."""
    assert clean_text("WASHINGTON (AP) — The Senate voted.").strip() == "The Senate voted."


def test_dateline_on_a_later_line_is_masked() -> None:
    """A dateline opening the second line is found although datelines are tried at line starts."""
    text = "Headline of the day\nLONDON (Reuters) - Prices rose."
    assert clean_text(text).split("\n")[1].strip() == "Prices rose."


def test_story_continues_below_in_capitals_is_masked() -> None:
    """The inline prompt is found whatever its case ("below" checked on the lowered text)."""
    cleaned = clean_text("Prices rose. STORY CONTINUES BELOW Then they fell.")
    assert "STORY" not in cleaned and cleaned.endswith("Then they fell.")


def test_text_without_furniture_is_returned_unchanged() -> None:
    """Nothing to mask: the very same text comes back."""
    text = "The council met on Monday.\n\nIt voted to rebuild the bridge."
    assert clean_text(text) == text
