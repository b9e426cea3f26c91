"""Attack class: spreadsheet formula injection through batch output (issue 9). Cells a
spreadsheet would run are written with a leading apostrophe; resuming still recognises them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from atmpnav.text.batch import Options, batch_file, neutralise
from tests.text.batch_support import AS_OF, fake, write_csv

ATTACKS = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"]


@pytest.mark.parametrize("cell", ATTACKS)
def test_formula_leading_cells_are_neutralised(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


def test_plain_cells_are_unchanged_and_the_apostrophe_is_escaped_too() -> None:
    assert neutralise("GTMP") == "GTMP"
    assert neutralise("not ATMP") == "not ATMP"
    assert neutralise("") == ""
    assert neutralise("'=x") == "''=x"  # so "'=x" and "=x" stay distinct


def test_no_output_cell_starts_a_formula(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [["id", "text"]] + [[f"{a}-{n}", a] for n, a in enumerate(ATTACKS)]
                       + [[ATTACKS[0], "ok"]])
    out = tmp_path / "out.csv"
    batch_file(source, out, options=Options(as_of=AS_OF), jobs=1, classify=fake)
    with out.open(newline="", encoding="utf-8") as handle:
        cells = [cell for record in csv.reader(handle) for cell in record]
    assert cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'" + ATTACKS[0] in cells


def test_resume_recognises_neutralised_ids(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [["id", "text"], ["=a", "x"], ["+b", "y"], ["c", "z"]])
    out = tmp_path / "out.csv"
    first = batch_file(source, out, options=Options(as_of=AS_OF), jobs=1, classify=fake)
    assert first.classified == 3
    # Unfinish the run: keep the header and the first two rows as the unfinished output.
    part = out.with_name(out.name + ".part")
    lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
    out.unlink()
    part.write_text("".join(lines[:3]), encoding="utf-8")
    second = batch_file(source, out, options=Options(as_of=AS_OF), jobs=1, classify=fake)
    assert (second.skipped, second.classified) == (2, 1)
