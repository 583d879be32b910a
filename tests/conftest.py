"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_ARTICLE = SEEDS / "000_3509497b077d475c.txt"


@pytest.fixture
def seed_text() -> str:
    """The article this project was started from."""
    return SEED_ARTICLE.read_text(encoding="utf-8")
