"""Quote speed, old code against new, interleaved article by article in one process.

Run: `.venv/bin/python -m benchmarks.quotes_ab --data /work/shared/data --old DIR [--set cnn]`
(sets: cnn, ggt, polnear, see2017 — the lowercased CNN/DailyMail dev set),
where DIR holds an older `digests` package, e.g. made by
`mkdir DIR && git archive REV digests | tar -x -C DIR`; with `--old .` the old side is this
checkout's own sources uncompiled (pure Python against the mypyc build, see setup.py).

The old package is copied to a temporary folder as `digests_old` (its imports rewritten), so both
live in one process and each article is timed old, new, old, new under the same load. Times are
CPU time (time.process_time), the fastest of 3 runs per article, medians over articles; the
script also counts the articles where the two return different quotes, speakers or spans.
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import json
import re
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from benchmarks._data import add_data_argument, build
from benchmarks.quotes import _best_ms
from digests import digest_text
from digests.quotes import find_quotes

_SETS = {
    "cnn": (Path("summ") / "cnndm_cased_dev.jsonl", "article"),
    "ggt": (Path("quotes") / "ggt_dev49.jsonl", "text"),
    "polnear": (Path("quotes") / "polnear_train.jsonl", "text"),
    "see2017": (Path("summ") / "cnndm_see2017_dev.jsonl.gz", "article"),
}


def _load_old(folder: Path, tmp: Path) -> ModuleType:
    """Import the `digests` package under `folder` as `digests_old`."""
    target = tmp / "digests_old"
    # Sources only: a compiled build's extension modules would shadow them (and under the wrong
    # name). So `--old .` times this checkout's pure Python against its compiled build.
    shutil.copytree(
        folder / "digests", target, ignore=shutil.ignore_patterns("*.so", "__pycache__")
    )
    for path in target.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        source = re.sub(r"\bfrom digests\b", "from digests_old", source)
        source = re.sub(r"\bimport digests\b", "import digests_old", source)
        path.write_text(source, encoding="utf-8")
    sys.path.insert(0, str(tmp))
    return importlib.import_module("digests_old")


def _texts(path: Path, key: str, limit: int | None) -> Iterator[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if limit is not None and i >= limit:
                return
            yield str(json.loads(line)[key])


def _key(quotes: list[Any]) -> list[tuple[object, ...]]:
    return [(q.text, q.speaker, q.partial, q.spans) for q in quotes]


def main(argv: list[str] | None = None) -> int:
    """Print old and new median CPU ms/article of find_quotes and digest_text, interleaved."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_argument(parser)
    parser.add_argument("--old", required=True, help="folder holding the old digests package")
    parser.add_argument("--set", choices=sorted(_SETS), default="cnn")
    parser.add_argument("--limit", type=int, help="only the first N articles")
    args = parser.parse_args(argv)
    print(f"{build()} (new side; the old side runs its sources uncompiled)")
    relative, key = _SETS[args.set]
    path = Path(args.data) / relative
    if not path.is_file():
        print(f"{path} not found; pass --data or set NEWSBOT_DATA")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        old = _load_old(Path(args.old), Path(tmp))
        old_find = importlib.import_module("digests_old.quotes").find_quotes
        runs: dict[str, Callable[[str], object]] = {
            "find_quotes old": old_find,
            "find_quotes new": find_quotes,
            "digest_text old": old.digest_text,
            "digest_text new": digest_text,
        }
        times: dict[str, list[float]] = {name: [] for name in runs}
        differ = 0
        for text in _texts(path, key, args.limit):
            differ += _key(old_find(text)) != _key(find_quotes(text))
            for name, fn in runs.items():
                times[name].append(_best_ms(lambda f=fn, t=text: f(t)))  # type: ignore[misc]
    n = len(times["find_quotes new"])
    print(f"== {relative} ({n} articles; different outputs: {differ}): CPU ms/article")
    for name, values in times.items():
        p90 = sorted(values)[int(0.9 * n)] if values else 0.0
        print(f"{name:<16} median {statistics.median(values):.3f} (p90 {p90:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
