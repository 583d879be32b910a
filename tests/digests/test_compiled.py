"""The modules setup.py compiles with mypyc keep to what makes them fast compiled."""

from __future__ import annotations

import ast
from pathlib import Path

import digests

_ROOT = Path(__file__).resolve().parents[2]


def _compiled_paths() -> list[Path]:
    """The COMPILED list of setup.py, read without running it."""
    tree = ast.parse((_ROOT / "setup.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "COMPILED" for t in node.targets
        ):
            return [_ROOT / str(path) for path in ast.literal_eval(node.value)]
    raise AssertionError("setup.py has no COMPILED list")


def test_the_compiled_modules_exist() -> None:
    """Every path setup.py compiles is a module of digests/."""
    paths = _compiled_paths()
    assert paths and all(p.is_file() and p.parent.name in ("digests", "quotes") for p in paths)


def test_module_constants_of_compiled_modules_are_final() -> None:
    """An upper-case module constant without Final is a dictionary lookup on every use compiled."""
    plain = []
    for path in _compiled_paths():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
                plain += [f"{path.name}: {n}" for n in names if n.isupper()]
            elif (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and node.target.id.isupper()
                and "Final" not in ast.unparse(node.annotation)
            ):
                plain.append(f"{path.name}: {node.target.id}")
    assert plain == []


def test_compiled_says_whether_the_extension_modules_are_loaded() -> None:
    """digests.compiled() is True exactly when a compiled quotes module sits in the tree."""
    built = any((_ROOT / "digests" / "quotes").glob("__init__.*.so"))
    assert digests.compiled() is built
