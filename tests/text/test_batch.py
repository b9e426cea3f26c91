"""Batch: columns per jurisdiction, error rows, JSON lines, worker processes in input order,
resume, bounded memory."""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from atmpnav.errors import DataFormatError, InputError
from atmpnav.law import JURISDICTIONS
from atmpnav.text.batch import (
    BatchRowErrors,
    Options,
    Summary,
    batch_file,
    resolve_jurisdictions,
    resolve_options,
)
from tests.text.batch_support import AS_OF, RENDEZVOUS_DIR, fake, read_output, rendezvous, write_csv

DESCRIPTIONS = [
    ["id", "text", "indication"],
    ["chondro", "Autologous chondrocytes expanded ex vivo and implanted on a collagen membrane to repair knee "
                "cartilage defects.", ""],
    ["aso", "A chemically synthesised antisense oligonucleotide given intrathecally", "spinal muscular atrophy"],
    ["edit", "Autologous CD34+ cells edited ex vivo by CRISPR/Cas9", ""],
]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "atmpnav.cli", *args], capture_output=True, text=True, timeout=300)


def test_batch_classifies_rows_with_columns_per_jurisdiction(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", DESCRIPTIONS)
    out = tmp_path / "out.csv"
    summary = batch_file(source, out, options=resolve_options(["EU", "US"], AS_OF), jobs=1)
    assert (summary.classified, summary.errors) == (3, 0)
    rows = read_output(out)
    assert list(rows[0]) == ["id", "error",
                             *[f"eu_{c}" for c in ("outcome", "likely_outcome", "advanced", "regime", "combined",
                                                   "confidence", "rules_fired", "open_questions")],
                             *[f"us_{c}" for c in ("outcome", "likely_outcome", "advanced", "regime", "combined",
                                                   "confidence", "rules_fired", "open_questions")],
                             "evidence"]
    by_id = {r["id"]: r for r in rows}
    assert by_id["chondro"]["eu_outcome"] == "TEP" and by_id["chondro"]["eu_combined"] == "true"
    assert "EU-T1" in by_id["chondro"]["eu_rules_fired"].split(";")
    assert "collagen membrane" in by_id["chondro"]["evidence"]
    assert by_id["aso"]["eu_regime"] == "chemical_medicinal_product"
    assert by_id["edit"]["eu_outcome"] == "undetermined" and by_id["edit"]["eu_likely_outcome"] == "GTMP"
    assert "for_human_administration" in by_id["edit"]["eu_open_questions"].split(";")
    assert by_id["edit"]["us_outcome"] == "351 gene therapy"
    assert all(r["error"] == "" for r in rows)


def test_all_means_every_registered_jurisdiction() -> None:
    assert resolve_jurisdictions(["all"]) == tuple(JURISDICTIONS)
    assert resolve_jurisdictions(["us", "EU", "US"]) == ("US", "EU")
    assert resolve_jurisdictions(None) == ("EU",)
    with pytest.raises(InputError, match="unknown jurisdiction 'XX'"):
        resolve_jurisdictions(["XX"])


def test_empty_text_is_an_error_row_and_the_run_goes_on(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [*DESCRIPTIONS[:2], ["blank", "   ", ""], ["short"],
                                             ["long", "x" * 20_001, ""], DESCRIPTIONS[2]])
    out = tmp_path / "out.csv"
    summary = batch_file(source, out, options=resolve_options(None, AS_OF), jobs=1)
    assert (summary.classified, summary.errors) == (2, 3)
    rows = read_output(out)
    assert [r["id"] for r in rows] == ["chondro", "blank", "short", "long", "aso"]
    errors = {r["id"]: r["error"] for r in rows if r["error"]}
    assert errors["blank"].startswith("row 3:") and "empty" in errors["blank"]
    assert errors["short"].startswith("row 4:") and "no text" in errors["short"]
    assert errors["long"].startswith("row 5:") and "longer than" in errors["long"]
    assert rows[1]["eu_outcome"] == ""


def test_cli_summary_exit_0_and_strict_exit_2(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [*DESCRIPTIONS[:2], ["blank", "", ""]])
    result = cli("batch", str(source), "-o", str(tmp_path / "out.csv"), "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    assert "1 classified, 1 error" in result.stderr
    strict = cli("batch", str(source), "-o", str(tmp_path / "strict.csv"), "--as-of", AS_OF, "--strict")
    assert strict.returncode == 2
    assert "1 of 2 rows could not be classified (--strict)" in strict.stderr
    assert "Traceback" not in strict.stderr
    assert len(read_output(tmp_path / "strict.csv")) == 2  # the output is still complete


def test_strict_raises_after_writing_every_row(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [["id", "text"], ["a", "x"], ["b", ""]])
    with pytest.raises(BatchRowErrors):
        batch_file(source, tmp_path / "out.csv", options=Options(as_of=AS_OF), jobs=1, strict=True, classify=fake)
    assert [r["id"] for r in read_output(tmp_path / "out.csv")] == ["a", "b"]


def test_jsonl_has_the_full_envelope(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [*DESCRIPTIONS[:2], ["blank", "", ""]])
    out = tmp_path / "out.jsonl"
    batch_file(source, out, options=resolve_options(["EU", "US"], AS_OF, "jsonl"), jobs=1)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["chondro", "blank"]
    envelope = lines[0]["envelope"]
    assert set(envelope["verdicts"]) == {"EU", "US"}
    assert envelope["verdicts"]["EU"]["outcome"] == "TEP" and envelope["verdicts"]["EU"]["steps"]
    assert envelope["evidence"]
    assert lines[1]["row"] == 3 and "empty" in lines[1]["error"] and "envelope" not in lines[1]


def test_two_jobs_keep_the_input_order_and_use_two_processes(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    n = 500
    source = write_csv(tmp_path / "in.csv", [["id", "text"]] + [[f"r{i}", f"text {i}"] for i in range(n)])
    out = tmp_path / "out.csv"
    meeting = tmp_path / "workers"
    meeting.mkdir()
    monkeypatch.setenv(RENDEZVOUS_DIR, str(meeting))
    summary = batch_file(source, out, options=Options(as_of=AS_OF), jobs=2, classify=rendezvous)
    assert summary.classified == n
    rows = read_output(out)
    assert [r["id"] for r in rows] == [f"r{i}" for i in range(n)]
    assert [r["eu_outcome"] for r in rows] == [f"text {i}" for i in range(n)]
    assert len({r["evidence"] for r in rows}) == 2  # two worker processes did the work


def test_resume_with_jobs_skips_done_rows_and_repairs_a_cut_line(tmp_path: Path) -> None:
    from atmpnav.text.batch import CHUNK_ROWS

    n = 200
    source = write_csv(tmp_path / "in.csv", [["id", "text"]] + [[f"r{i}", f"text {i}"] for i in range(n)])
    out = tmp_path / "out.csv"
    # Interrupt the first run after three chunks have been written.
    calls = {"n": 0}

    def interrupt(summary: Summary) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        batch_file(source, out, options=Options(as_of=AS_OF), jobs=2, classify=fake, progress=interrupt)
    part = out.with_name(out.name + ".part")
    assert not out.exists() and part.exists()
    written = part.read_text(encoding="utf-8")
    part.write_text(written + "r999,half a li", encoding="utf-8")  # a line cut short by a kill
    summary = batch_file(source, out, options=Options(as_of=AS_OF), jobs=2, classify=fake)
    assert summary.repaired
    assert summary.skipped == 3 * CHUNK_ROWS
    assert summary.classified == n - 3 * CHUNK_ROWS
    assert [r["id"] for r in read_output(out)] == [f"r{i}" for i in range(n)]
    assert not part.exists()
    again = batch_file(source, out, options=Options(as_of=AS_OF), jobs=2, classify=fake)
    assert again.complete and again.classified == 0 and again.skipped == n


def test_duplicate_ids_stop_the_run_before_any_output(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [["id", "text"]] + [[f"r{i}", "t"] for i in range(100)] + [["r7", "t"]])
    with pytest.raises(DataFormatError) as caught:
        batch_file(source, tmp_path / "out.csv", options=Options(as_of=AS_OF), jobs=2, classify=fake)
    assert "duplicate id 'r7'" in caught.value.problem and caught.value.row == 102
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


@pytest.mark.parametrize(
    ("rows", "problem", "row"),
    [
        ([["id", "description"], ["a", "x"]], "missing column 'text'", 1),
        ([["name", "text"], ["a", "x"]], "missing column 'id'", 1),
        ([["id", "text"], ["a", "cells"], ["", "cells"]], "empty id", 3),
        ([["id", "text"], ["a", "cells", "extra"]], "more fields than the header", 2),
        ([["id", "text"], ["x" * 201, "cells"]], "at most 200 characters", 2),
    ],
)
def test_malformed_files_name_the_row(tmp_path: Path, rows: list[list[str]], problem: str, row: int) -> None:
    source = write_csv(tmp_path / "in.csv", rows)
    with pytest.raises(DataFormatError) as caught:
        batch_file(source, tmp_path / "out.csv", options=Options(as_of=AS_OF), jobs=1, classify=fake)
    assert problem in caught.value.problem
    assert caught.value.row == row
    assert f"(row {row})" in caught.value.message


def test_missing_input_file(tmp_path: Path) -> None:
    from atmpnav.errors import InputFileError

    with pytest.raises(InputFileError):
        batch_file(tmp_path / "nope.csv", tmp_path / "out.csv", options=Options(as_of=AS_OF))


def test_streaming_memory_does_not_grow_with_the_texts(tmp_path: Path) -> None:
    """A ~20 MB input streams through in a small, bounded amount of memory (ids kept as digests)."""
    n, size = 10_000, 2_000
    filler = "autologous chondrocytes expanded in culture " * (size // 44)
    source = write_csv(tmp_path / "big.csv", [["id", "text"]] + [[f"row-{i}", f"{filler} {i}"] for i in range(n)])
    assert source.stat().st_size > n * size * 0.9
    tracemalloc.start()
    try:
        summary = batch_file(source, tmp_path / "out.csv", options=Options(as_of=AS_OF), jobs=1, classify=fake)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.classified == n
    assert peak < 4_000_000, peak
    assert sum(1 for _ in (tmp_path / "out.csv").open()) == n + 1
