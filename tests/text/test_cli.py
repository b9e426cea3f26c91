"""The two command functions, registered on a small Typer app as the main CLI will do."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from atmpnav.errors import AtmpnavError
from atmpnav.text.cli import batch_command, precedents_command

app = typer.Typer()
app.command("precedents")(precedents_command)
app.command("batch")(batch_command)
runner = CliRunner()


def test_precedents_text_output() -> None:
    result = runner.invoke(app, ["precedents", "Autologous CAR-T cells against CD19", "-k", "3"])
    assert result.exit_code == 0, result.output
    assert "similar, not binding" in result.output
    assert "GTMP" in result.output
    assert "matched:" in result.output


def test_precedents_json() -> None:
    result = runner.invoke(app, ["precedents", "chondrocytes on a collagen membrane", "--json", "-k", "2"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data) == 2
    assert {"id", "title", "outcome", "combined", "source", "score", "matched_terms", "note"} <= set(data[0])


def test_precedents_nothing_found() -> None:
    result = runner.invoke(app, ["precedents", "zzzz"])
    assert result.exit_code == 0
    assert "No similar known case" in result.output


def test_batch_command(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    with source.open("w", newline="") as handle:
        rows = [["id", "text"], ["1", "AAV9 vector carrying SMN1, infused for spinal muscular atrophy"]]
        csv.writer(handle).writerows(rows)
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["batch", str(source), "--output", str(out), "--as-of", "2026-11-25"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    assert rows[0]["eu_outcome"] == "GTMP"
    again = runner.invoke(app, ["batch", str(source), "--output", str(out), "--as-of", "2026-11-25"])
    assert again.exit_code == 0
    assert "already complete" in again.output
    assert len(list(csv.DictReader(out.open()))) == 1
    other_day = runner.invoke(app, ["batch", str(source), "--output", str(out)])
    assert other_day.exit_code != 0 and "--as-of 2026-11-25" in str(other_day.exception)


def test_batch_errors_are_project_errors(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,description\n1,x\n")
    result = runner.invoke(app, ["batch", str(source), "--output", str(tmp_path / "out.csv")])
    assert result.exit_code != 0
    assert isinstance(result.exception, AtmpnavError)
    assert "row 1" in str(result.exception)


def test_help_texts() -> None:
    result = runner.invoke(app, ["batch", "--help"])
    assert result.exit_code == 0
    assert "--output" in result.output and "resumes" in result.output
