"""Where the evaluation data lives, and reading it (benchmarks only; never copied into the repo)."""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import digests

_REPO = Path(__file__).resolve().parent.parent
SEE2017 = "summ/cnndm_see2017_dev.jsonl.gz"
CASED = "summ/cnndm_cased_dev.jsonl"
BBC = "summ/bbc_news_summary.jsonl.gz"
READABILITY = "extraction/readability"


def build() -> str:
    """Which digests build this process runs: mypyc-compiled (see setup.py) or pure Python."""
    if digests.compiled():
        return "digests build: compiled with mypyc"
    return "digests build: pure Python (NEWSBOT_COMPILE=0, or not built)"


def add_data_argument(parser: argparse.ArgumentParser) -> None:
    """Add `--data` (default: env NEWSBOT_DATA, then <repo root>/../shared/data)."""
    default = os.environ.get("NEWSBOT_DATA") or str(_REPO.parent / "shared" / "data")
    parser.add_argument("--data", default=default, help="evaluation data folder (%(default)s)")


def require(data: str, *relative: str) -> Path:
    """The data folder, or a clear message and exit 0 when the data is absent."""
    root = Path(data)
    missing = [r for r in relative if not (root / r).exists()]
    if missing:
        print(f"evaluation data not found under {root} (missing {', '.join(missing)}); skipping")
        sys.exit(0)
    return root


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of a .jsonl or .jsonl.gz file."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def is_tuning(row_id: str) -> bool:
    """The fixed 20% of each set used for tuning (by a hash of the id); the rest is held out."""
    return hashlib.sha1(row_id.encode()).digest()[0] % 5 == 0
