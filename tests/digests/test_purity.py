"""`digests/` is a pure library: no network, no platform, no scheduler imports."""

from __future__ import annotations

import ast
from pathlib import Path

import digests

_BANNED = {
    "discord",
    "slack_bolt",
    "slack_sdk",
    "apscheduler",
    "httpx",
    "aiohttp",
    "requests",
    "sqlalchemy",
    "socket",
    "urllib.request",
    "bot",
}


def test_digests_imports_nothing_platform_or_network() -> None:
    """No module under digests/ imports a network, platform, storage or bot module."""
    root = Path(digests.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if any(name == b or name.startswith(b + ".") for b in _BANNED):
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []
