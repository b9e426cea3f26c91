"""The two command functions, registered on a small Typer app as the main CLI will do."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
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


def test_classify_text_with_answers_and_assumptions_shown() -> None:
    from atmpnav.cli import app as main_app

    text = "Autologous tumour-infiltrating lymphocytes for metastatic melanoma"
    shown = runner.invoke(main_app, ["classify", "--text", text, "-k", "0"])
    assert shown.exit_code == 0, shown.output
    assert "Assumed, because the text does not say" in shown.output
    assert "every authorised TIL product is" in shown.output
    result = runner.invoke(main_app, ["classify", "--text", text, "--json", "--answer",
                                      "cells_or_tissues.manipulations=cell_separation", "-a",
                                      "cells_or_tissues.blood_component=no"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["answers"] == {"cells_or_tissues.manipulations": ["cell_separation"],
                               "cells_or_tissues.blood_component": False}
    assert "assumptions" not in data  # the answer replaced the only assumption
    assert data["verdicts"]["EU"]["outcome"] != "sCTMP"


def test_bad_answers_are_input_errors() -> None:
    from atmpnav.cli import main

    for args in (["--answer", "nonsense"], ["--answer", "cells_or_tissues.manipulations=flying"],
                 ["--answer", "no_such_fact=1"]):
        with pytest.raises(SystemExit) as exit_info:
            import sys

            sys.argv = ["atmpnav", "classify", "--text", "TILs for melanoma", *args]
            main()
        assert exit_info.value.code == 2


def test_ask_from_text_asks_only_what_is_open(tmp_path: Path) -> None:
    from atmpnav.cli import app as main_app

    out = tmp_path / "facts.yaml"
    result = runner.invoke(main_app, ["ask", "--from-text", "Autologous tumour-infiltrating lymphocytes for metastatic "
                                      "melanoma", "--save", str(out)], input="\n\nquit\n")  # no name, no description
    assert result.exit_code == 0, result.output
    assert "Starting from" in result.output and "assumed cells_or_tissues.manipulations" in result.output
    assert "EU: sCTMP" in result.output  # nothing left to ask
    import yaml

    saved = yaml.safe_load(out.read_text())
    assert saved["cells_or_tissues"]["manipulations"] == ["expansion", "activation"]
