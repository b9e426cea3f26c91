"""The `atmpnav registry` commands, through typer's CliRunner on the registry app."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from atmpnav.registry.cli import app

runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_list_json(db) -> None:  # type: ignore[no-untyped-def]
    result = run("list", "--region", "EU", "--as-of", "2024-03-19", "--json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 26
    assert {"name", "region", "category", "combined", "status", "authorised_on"} <= set(rows[0])
    maci = next(r for r in rows if r["name"] == "MACI")
    assert (maci["category"], maci["combined"], maci["status"]) == ("TEP", True, "not renewed")
    assert sum(r["status"] in ("authorised", "suspended") for r in rows) == 19


def test_list_csv_and_table(db) -> None:  # type: ignore[no-untyped-def]
    result = run("list", "--category", "TEP", "--csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["name"] for r in rows if r["region"] == "EU"} == {"ChondroCelect", "MACI", "Holoclar", "Spherox"}
    # US products carry our mapping onto the same vocabulary.
    assert {r["name"] for r in rows if r["region"] == "US"} >= {"MACI", "GINTUIT", "STRATAGRAFT"}
    assert next(r for r in rows if r["name"] == "MACI")["combined"] == "yes"
    table = run("list", "--region", "us", "--as-of", "2012-01-01")
    assert table.exit_code == 0
    assert "PROVENGE" in table.stdout and "3 product(s) as of 2012-01-01" in table.stdout


def test_show(db) -> None:  # type: ignore[no-untyped-def]
    result = run("show", "libmeldy")
    assert result.exit_code == 0
    assert "Libmeldy" in result.stdout and "US: LENMELDY (same product" in result.stdout
    assert "history (" in result.stdout and "eu_authorised_atmps.csv" in result.stdout
    data = json.loads(run("show", "Upstaza", "--json").stdout)
    assert data["links"][0]["name"] == "KEBILIDI"


def test_stats(db) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(run("stats", "--as-of", "2024-03-19", "--json").stdout)
    assert (data["authorised"], data["still_authorised"]) == (26, 19)
    counts = {c["category"]: (c["authorised"], c["combined"]) for c in data["categories"]}
    assert counts == {"GTMP": (18, 0), "sCTMP": (4, 0), "TEP": (4, 1)}
    text = run("stats", "--as-of", "2024-03-19").stdout
    assert "TEP (incl. 1 combined)" in text and "EuroGCT" in text


def test_chart(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "chart.png"
    result = run("chart", "--as-of", "2024-03-19", "--out", str(out))
    assert result.exit_code == 0 and out.read_bytes()[:4] == b"\x89PNG"


def test_import_ema_twice(db, ema_example: Path) -> None:  # type: ignore[no-untyped-def]
    first = run("import-ema", str(ema_example))
    assert first.exit_code == 0
    assert "28 ATMP row(s), 28 matched" in first.stdout
    assert "updated: Holoclar" in first.stdout and "conditional: yes -> no" in first.stdout
    second = run("import-ema", str(ema_example), "--json")
    report = json.loads(second.stdout)
    assert report["changes"] == [] and report["unchanged"] == 28


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("list", "--as-of", "2024-13-01"), "error: --as-of: '2024-13-01' is not a valid date"),
        (("stats", "--as-of", "yesterday"), "error: --as-of: 'yesterday' is not a date; expected YYYY-MM-DD"),
        (("list", "--region", "JP"), "error: --region: 'JP' is not a region; expected one of EU, US"),
        (("list", "--category", "vaccine"), "error: --category: 'vaccine' is not a category"),
        (("list", "--status", "gone"), "error: --status: 'gone' is not a status"),
        (("list", "--json", "--csv"), "error: --json and --csv cannot be used together"),
        (("show", "Kymria"), "error: unknown product 'Kymria' (known: Kymriah"),
        (("chart", "--out", "chart.pdf"), "error: --out: 'chart.pdf' must end in .png, .svg, .html"),
        (("import-ema", "missing.xlsx"), "error: missing.xlsx: file not found"),
    ],
)
def test_errors_are_one_line_with_exit_code(db, args: tuple[str, ...], message: str) -> None:  # type: ignore[no-untyped-def]
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_malformed_spreadsheet(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fake = tmp_path / "medicines.xlsx"
    fake.write_text("not,a,workbook\n", encoding="utf-8")
    result = run("import-ema", str(fake))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: medicines.xlsx: not an Excel .xlsx workbook (expected EMA's medicines output spreadsheet)"
    )


def test_uses_data_dir_from_environment(make_db, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    database = make_db("sqlite")
    monkeypatch.delenv("ATMPNAV_DATABASE_URL")
    assert run("stats", "--as-of", "2024-03-19").exit_code == 0
    assert (database.data_dir / "atmpnav.db").is_file()
