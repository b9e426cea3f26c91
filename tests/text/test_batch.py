"""Batch: streamed CSV in and out, resumable, clear errors naming the row."""

from __future__ import annotations

import csv
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from atmpnav.errors import DataFormatError
from atmpnav.text.batch import OUTPUT_COLUMNS, Row, batch_file, classify_row, read_rows, run_batch
from atmpnav.text.extract import MAX_TEXT

AS_OF = "2026-11-25"


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def read_output(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_batch_classifies_rows(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [
        ["id", "text", "indication"],
        ["chondro", "Autologous chondrocytes expanded ex vivo and implanted on a collagen membrane to repair knee "
                    "cartilage defects.", ""],
        ["aso", "A chemically synthesised antisense oligonucleotide given intrathecally", "spinal muscular atrophy"],
        ["edit", "Autologous CD34+ cells edited ex vivo by CRISPR/Cas9", ""],
    ])
    out = tmp_path / "out.csv"
    summary = batch_file(source, out, as_of=AS_OF)
    assert summary.classified == 3
    rows = read_output(out)
    assert list(rows[0]) == list(OUTPUT_COLUMNS)
    by_id = {r["id"]: r for r in rows}
    assert by_id["chondro"]["outcome"] == "TEP" and by_id["chondro"]["combined"] == "true"
    assert by_id["aso"]["regime"] == "chemical_medicinal_product"
    assert by_id["edit"]["outcome"] == "undetermined"
    assert by_id["edit"]["likely_outcome"] == "GTMP"
    assert "for_human_administration" in by_id["edit"]["missing"].split(";")
    assert by_id["edit"]["confidence"] == ""  # no calibrated probability for a text estimate


def test_resume_skips_done_rows_and_repairs_a_cut_line(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [["id", "text"]] + [[f"r{n}", f"text {n}"] for n in range(5)])
    out = tmp_path / "out.csv"
    calls: list[str] = []

    def fake(row: Row) -> dict[str, str]:
        calls.append(row.id)
        return {"id": row.id, "outcome": "GTMP", "likely_outcome": "GTMP", "combined": "false",
                "confidence": "1.00", "regime": "atmp_centralised", "missing": ""}

    first = run_batch(read_rows((tmp_path / "in.csv").open(newline=""), "in.csv"), out, classify=fake)
    assert first.classified == 5
    # simulate an interruption while writing row r3: keep r0..r2 and half of r3
    lines = out.read_text().splitlines(keepends=True)
    out.write_text("".join(lines[:4]) + lines[4][:5])
    calls.clear()
    second = batch_file(source, out, classify=fake)
    assert second.repaired
    assert second.skipped == 3
    assert calls == ["r3", "r4"]
    ids = [r["id"] for r in read_output(out)]
    assert ids == ["r0", "r1", "r2", "r3", "r4"]
    calls.clear()
    third = batch_file(source, out, classify=fake)
    assert third.classified == 0 and third.skipped == 5 and calls == []


@pytest.mark.parametrize(
    ("rows", "problem", "row"),
    [
        ([["id", "description"], ["a", "x"]], "missing column 'text'", 1),
        ([["name", "text"], ["a", "x"]], "missing column 'id'", 1),
        ([["id", "text"], ["a", "cells"], ["", "cells"]], "empty id", 3),
        ([["id", "text"], ["a", "cells"], ["a", "more cells"]], "duplicate id 'a'", 3),
        ([["id", "text"], ["a", "x" * (MAX_TEXT + 1)]], "text too long", 2),
        ([["id", "text"], ["a", "  "]], "empty text", 2),
        ([["id", "text"], ["a", "cells", "extra"]], "more fields than the header", 2),
        ([["id", "text"], ["a"]], "fewer fields", 2),
    ],
)
def test_malformed_rows_name_the_row(tmp_path: Path, rows: list[list[str]], problem: str, row: int) -> None:
    source = write_csv(tmp_path / "in.csv", rows)
    with pytest.raises(DataFormatError) as caught:
        batch_file(source, tmp_path / "out.csv", classify=lambda r: classify_row(r, AS_OF))
    assert problem in caught.value.problem
    assert caught.value.row == row
    assert f"(row {row})" in caught.value.message


def test_output_with_other_columns_is_refused(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [["id", "text"], ["a", "cells"]])
    out = write_csv(tmp_path / "out.csv", [["x", "y"], ["1", "2"]])
    with pytest.raises(DataFormatError):
        batch_file(source, out)


def test_missing_input_file(tmp_path: Path) -> None:
    from atmpnav.errors import InputFileError

    with pytest.raises(InputFileError):
        batch_file(tmp_path / "nope.csv", tmp_path / "out.csv")


def _generated(n: int, size: int) -> Iterator[Row]:
    filler = "autologous chondrocytes expanded in culture " * (size // 44)
    for i in range(n):
        yield Row(i + 2, f"row-{i}", f"{filler} {i}")


def test_streaming_memory_does_not_grow_with_the_input(tmp_path: Path) -> None:
    """A generated input of ~20 MB streams through in a small, bounded amount of memory."""
    out = tmp_path / "out.csv"

    def cheap(row: Row) -> dict[str, str]:
        return {"id": row.id, "outcome": "TEP", "likely_outcome": "TEP", "combined": "false",
                "confidence": "1.00", "regime": "atmp_centralised", "missing": ""}

    n, size = 10_000, 2_000
    source = tmp_path / "big.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        for row in _generated(n, size):
            writer.writerow([row.id, row.text])
    assert source.stat().st_size > n * size * 0.9
    tracemalloc.start()
    try:
        summary = batch_file(source, out, classify=cheap)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.classified == n
    # ids are kept as 8-byte digests (~100 bytes each in a set); the texts are never held together
    assert peak < 4_000_000, peak
    assert sum(1 for _ in out.open()) == n + 1


def test_run_batch_accepts_any_iterator(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    summary = run_batch(_generated(50, 100), out, classify=lambda r: classify_row(r, AS_OF))
    assert summary.classified == 50
    rows = read_output(out)
    assert [r["id"] for r in rows] == [f"row-{i}" for i in range(50)]
    assert all(r["likely_outcome"] in {"GTMP", "sCTMP", "TEP", "not ATMP"} for r in rows)
