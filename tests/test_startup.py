"""Start-up: the commands that do not need the heavy libraries do not import them; YAML via libyaml."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from atmpnav import facts

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "src/atmpnav/data/examples/car-t.yaml"
HEAVY = ("sqlalchemy", "alembic", "fastapi", "starlette", "uvicorn", "matplotlib", "openpyxl", "jinja2",
         "atmpnav.text.extract", "atmpnav.precedents", "sklearn", "rank_bm25")

PROBE = """
import json, runpy, sys
heavy = json.loads(sys.argv.pop())
sys.argv = ["atmpnav", *json.loads(sys.argv.pop())]
code = 0
try:
    runpy.run_module("atmpnav.cli", run_name="__main__")
except SystemExit as exit:
    code = exit.code
print()
print(json.dumps({"code": code, "heavy": [m for m in heavy if m in sys.modules]}))
"""


def loaded_after(args: list[str], tmp_path: Path, watched: tuple[str, ...] = HEAVY) -> tuple[int, list[str]]:
    """Run the CLI in a fresh interpreter; its exit code and which of the ``watched`` modules it imported."""
    result = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args), json.dumps(watched)], capture_output=True,
                            text=True, timeout=120, env={"ATMPNAV_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"})
    report = json.loads(result.stdout.strip().splitlines()[-1])
    return report["code"], report["heavy"]


@pytest.mark.parametrize("args", [
    ["classify", str(EXAMPLE), "--as-of", "2026-11-25"],
    ["classify", str(EXAMPLE), "--json"],
    ["rules"],
    ["categories"],
    ["--help"],
])
def test_commands_without_storage_or_web_import_none_of_it(args: list[str], tmp_path: Path) -> None:
    code, heavy = loaded_after(args, tmp_path)
    assert code == 0
    assert heavy == []


def test_facts_yaml_from_users_is_read_with_the_bounded_loader() -> None:
    """Facts come from users: they are read by the bounded safe loader (no aliases, depth and number limits,
    issue 9), not libyaml's C loader, whose composer cannot refuse aliases. Safety over start-up speed."""
    from atmpnav.errors import AtmpnavError

    assert facts.decode_document("a: 1\nb: [x, y]\n", source="t") == {"a": 1, "b": ["x", "y"]}
    with pytest.raises(AtmpnavError):
        facts.decode_document("a: &x [1]\nb: *x\n", source="t")


def test_the_c_loader_stays_safe() -> None:
    from atmpnav.errors import InputFileError

    with pytest.raises(InputFileError, match="invalid YAML"):
        facts.decode_document("!!python/object/apply:os.system ['true']\n", source="t")


def test_a_classification_under_one_jurisdiction_loads_only_its_rule_set(tmp_path: Path) -> None:
    others = ("atmpnav.law.us", "atmpnav.law.uk", "atmpnav.law.ch", "atmpnav.law.jp", "atmpnav.law.ca",
              "atmpnav.law.au", "atmpnav.law.kr", "atmpnav.gmp.checklist")
    code, loaded = loaded_after(["classify", str(EXAMPLE), "--as-of", "2026-11-25"], tmp_path, others)
    assert code == 0 and loaded == []
    code, loaded = loaded_after(["classify", str(EXAMPLE), "-j", "US", "--as-of", "2026-11-25"], tmp_path, others)
    assert code == 0 and loaded == ["atmpnav.law.us"]


def test_the_command_line_builds_only_the_command_asked_for() -> None:
    from typer.main import get_command

    from atmpnav.cli import _app_for, app

    lean = get_command(_app_for(["classify", "x.yaml"]))
    assert list(lean.commands) == ["classify"]  # type: ignore[attr-defined]
    assert list(get_command(_app_for(["registry", "list"])).commands) == ["registry"]  # type: ignore[attr-defined]
    full = set(get_command(app).commands)  # type: ignore[attr-defined]
    for argv in ([], ["--help"], ["no-such-command"]):
        assert set(get_command(_app_for(argv)).commands) == full  # type: ignore[attr-defined]
