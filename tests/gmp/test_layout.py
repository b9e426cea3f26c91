"""The rules never learn about what follows: nothing in law/ or engine.py imports the GMP, documents,
national-rule, incentive or consequence rooms."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "atmpnav"
FORBIDDEN = ("atmpnav.gmp", "atmpnav.documents", "atmpnav.national", "atmpnav.incentives", "atmpnav.consequences",
             "atmpnav.conditions")


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_law_and_engine_do_not_import_what_follows() -> None:
    files = [SRC / "engine.py", *sorted((SRC / "law").rglob("*.py"))]
    assert len(files) > 3
    for path in files:
        bad = {m for m in imported_modules(path) if m.startswith(FORBIDDEN)}
        assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"
