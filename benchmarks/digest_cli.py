"""The whole digest as a user runs it: `newsbot digest --batch` on cased CNN articles, vs LexRank.

Run: .venv/bin/python -m benchmarks.digest_cli --data /work/shared/data [--limit N] [--runs R]
     [--old DIR]  (also time the command of another checkout, e.g. an older commit built in place)

The command runs as a child process (`python -m bot digest --batch FILE`, the configured topics
included) on the cased CNN/DailyMail dev articles written to a temporary batch file, once on all
of them and once on only those of at least `--long` characters. Its CPU time comes from
`resource.getrusage(RUSAGE_CHILDREN)`; the same command on a one-line batch is the startup
(imports, config, topic set, first-use loading), subtracted before dividing by the other
articles. Each command runs `--runs` times, interleaved. In each run the startup is subtracted
from the batch timed right after it (the two see the same load on the shared machine), and the
median over the runs counts: the startup (~1.3 s) moves by ±0.1 s from run to run, as much as
0.2 ms per long article, so the least CPU time of each command apart (the figure before) could
pair a lucky startup with an unlucky batch. The baseline, in the same run and
process as this script, is sumy's LexRank (as in `benchmarks.keypoints`) summarising the same
articles: CPU time per article, over the sentences newsbot's splitter found.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

from benchmarks._data import CASED, add_data_argument, build, read_jsonl, require
from benchmarks.keypoints import lexrank

ROOT = Path(__file__).resolve().parent.parent
_ONE_LINE = "Officials met on Monday. They agreed on a plan. It starts next year."


def main(argv: list[str] | None = None) -> int:
    """Time `newsbot digest --batch` per article (startup excluded) beside sumy LexRank."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_argument(parser)
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles (0: all)")
    parser.add_argument("--long", type=int, default=4000, help="characters of a long article")
    parser.add_argument(
        "--runs", type=int, default=5, help="runs of each command; the median counts"
    )
    parser.add_argument("--old", type=Path, help="a checkout whose command is timed alongside")
    args = parser.parse_args(argv)
    trees = {"newsbot": ROOT} | ({"old": args.old.resolve()} if args.old else {})
    print(build())
    root = require(args.data, CASED)
    articles = [r["article"] for r in read_jsonl(root / CASED)]
    if args.limit:
        articles = articles[: args.limit]
    long = [a for a in articles if len(a) >= args.long]
    groups = {"all": articles, f"long (≥ {args.long:,} characters)": long}
    with tempfile.TemporaryDirectory(prefix="newsbot-digest-cli-") as tmp:
        files = {"startup": _write_batch(Path(tmp) / "one.jsonl", [_ONE_LINE])}
        for name, group in groups.items():
            files[name] = _write_batch(Path(tmp) / f"{len(files)}.jsonl", group)
        # CPU seconds of each run's command, per tree and batch.
        cpu: dict[tuple[str, str], list[float]] = {(t, n): [] for t in trees for n in files}
        for _ in range(max(1, args.runs)):
            for name, path in files.items():
                for tree, where in trees.items():
                    cpu[tree, name].append(_child_cpu(where, path))
    for tree in trees:
        startups = cpu[tree, "startup"]
        print(
            f"{tree}: startup (a one-line batch) {median(startups) * 1000:.0f} ms CPU"
            f" (runs: {min(startups) * 1000:.0f}–{max(startups) * 1000:.0f} ms)"
        )
    summarize = lexrank()
    summarize(articles[0])  # warm-up, as the one-line batch warms the command up
    print(f"{'cased CNN dev':<28} {'articles':>8} {'characters':>10} {'LexRank':>11}", end="")
    print("".join(f" {tree:>11} {'ratio':>7}" for tree in trees))
    for name, group in groups.items():
        if not group:
            continue
        start = time.process_time()
        for article in group:
            summarize(article)
        baseline = (time.process_time() - start) / len(group)
        chars = sum(map(len, group)) / len(group)
        row = f"{name:<28} {len(group):>8} {chars:>10,.0f} {baseline * 1000:>8.3f} ms"
        for tree in trees:
            pairs = zip(cpu[tree, name], cpu[tree, "startup"], strict=True)
            per = median([(batch - startup) / len(group) for batch, startup in pairs])
            row += f" {per * 1000:>8.3f} ms {baseline / per:>6.1f}×"
        print(row)
    print(
        "(ms of CPU per article, startup excluded, median of the runs;"
        " ratio: LexRank's time over the command's)"
    )
    return 0


def _write_batch(path: Path, articles: list[str]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for n, text in enumerate(articles):
            out.write(json.dumps({"id": n, "text": text}, ensure_ascii=False) + "\n")
    return path


def _child_cpu(tree: Path, batch: Path) -> float:
    """CPU seconds (user + system) of one `newsbot digest --batch` child; checks its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(  # `python -m bot` in `tree` imports that checkout's bot and digests
        [sys.executable, "-m", "bot", "digest", "--batch", str(batch)],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = done.stdout.splitlines()
    expected = sum(1 for line in batch.open(encoding="utf-8") if line.strip())
    failed = [line for line in lines if '"error"' in line and "key_points" not in line]
    if len(lines) != expected or failed:
        raise SystemExit(f"digest --batch gave {len(lines)} lines for {expected}: {failed[:1]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


if __name__ == "__main__":
    sys.exit(main())
