"""The `newsbot digest` command line: interface, JSON shape and clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import SEED_ARTICLE, SEEDS


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_digest_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints one object with every documented key."""
    code, out, _ = _run(capsys, "digest", str(SEED_ARTICLE), "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) >= {
        "title",
        "url",
        "source",
        "published",
        "key_points",
        "quotes",
        "topics",
        "reading_minutes",
    }
    assert len(data["key_points"]) == 3
    assert data["reading_minutes"] >= 1


def test_digest_points_option(capsys: pytest.CaptureFixture[str]) -> None:
    """--points N changes the number of key points."""
    _, out, _ = _run(capsys, "digest", str(SEED_ARTICLE), "--json", "--points", "2")
    assert len(json.loads(out)["key_points"]) == 2


def test_digest_html_includes_extracted_text(capsys: pytest.CaptureFixture[str]) -> None:
    """HTML input: the JSON carries the extracted text that spans point into, without furniture."""
    code, out, _ = _run(capsys, "digest", str(SEEDS / "030_chip_export.html"), "--json")
    assert code == 0
    data = json.loads(out)
    assert "Three of the world’s largest chipmakers" in data["text"]
    assert "Privacy" not in data["text"]
    assert data["title"].startswith("Chipmakers warn")
    assert data["published"].startswith("2026-11-20")


def test_digest_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`-` reads the article from standard input."""
    import io

    raw = SEED_ARTICLE.read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    code, out, _ = _run(capsys, "digest", "-", "--json")
    assert code == 0 and json.loads(out)["key_points"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["digest", "missing.txt"], "no such file"),
        (["digest", "ftp://example.org/a"], "unsupported URL scheme"),
        (["digest", "file:///etc/passwd"], "unsupported URL scheme"),
    ],
)
def test_digest_bad_input_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    """Bad input gets one clear error line and a non-zero exit, no traceback."""
    code, out, err = _run(capsys, *args)
    assert code != 0 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_digest_empty_and_binary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An empty file and a binary file are refused with a reason."""
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 10)
    code, _, err = _run(capsys, "digest", str(empty))
    assert code == 2 and "empty" in err
    code, _, err = _run(capsys, "digest", str(binary))
    assert code == 2 and "binary" in err


def test_digest_bad_quotes_argument(capsys: pytest.CaptureFixture[str]) -> None:
    """--quotes takes N ≥ 0 or 'all'."""
    with pytest.raises(SystemExit) as exc:
        main(["digest", str(SEED_ARTICLE), "--quotes", "-1"])
    assert exc.value.code == 2
    assert "--quotes" in capsys.readouterr().err


def test_batch_keeps_order_and_survives_bad_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--batch writes one line per input line, in order; a bad line yields an error object."""
    html = (SEEDS / "030_chip_export.html").read_text(encoding="cp1252")
    lines = [
        json.dumps({"id": 1, "text": SEED_ARTICLE.read_text()}),
        "{not json",
        json.dumps({"id": "x", "text": ""}),
        json.dumps({"id": 3, "html": html, "url": "https://example.org/chips"}),
        json.dumps({"id": 4}),
    ]
    batch = tmp_path / "in.jsonl"
    batch.write_text("\n".join(lines) + "\n")
    code, out, _ = _run(capsys, "digest", "--batch", str(batch))
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r.get("id") for r in rows] == [1, None, "x", 3, 4]
    assert rows[0]["key_points"] and "error" not in rows[0]
    assert "error" in rows[1] and "error" in rows[2] and "error" in rows[4]
    assert rows[3]["url"] == "https://example.org/chips" and "text" in rows[3]


def test_console_script_and_module_agree() -> None:
    """`python -m bot` runs the same command line as the `newsbot` script."""
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "digest", str(SEED_ARTICLE), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(proc.stdout)["key_points"]


@pytest.fixture
def tmp_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh SQLite database for commands that open the store."""
    db = tmp_path / "data" / "newsbot.db"
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", f"sqlite+aiosqlite:///{db}")
    return db


def test_run_prints_every_seed(capsys: pytest.CaptureFixture[str], tmp_db: Path) -> None:
    """The embedded default prints a digest of every seed article (`--once`: one round, exit)."""
    code, out, err = _run(capsys, "run", "--once")
    assert code == 0 and err == ""
    for title in (
        "Riverton council approves",
        "Small lunar probe",
        "Chipmakers warn",
        "Record heat forces schools",
    ):
        assert title in out


def test_run_again_repeats_nothing(capsys: pytest.CaptureFixture[str], tmp_db: Path) -> None:
    """A second run on the same database prints no story twice."""
    _run(capsys, "run", "--once")
    code, out, _ = _run(capsys, "run", "--once")
    assert code == 0 and "Small lunar probe" not in out
    assert tmp_db.exists()


def test_digest_tags_configured_topics(capsys: pytest.CaptureFixture[str]) -> None:
    """`newsbot digest` tags the article with the configured topics (config/topics.toml)."""
    _, out, _ = _run(capsys, "digest", str(SEED_ARTICLE), "--json")
    assert "us-china" in json.loads(out)["topics"]
    _, out, _ = _run(capsys, "digest", str(SEEDS / "020_lunar_probe.txt"), "--json")
    assert json.loads(out)["topics"] == ["science"]
