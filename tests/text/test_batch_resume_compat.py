"""Attack class: resuming a batch with another input or other options (issue 9). The output is
recorded with the input's SHA-256, the options and the rule-set versions; a mismatch is refused
and nothing is changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from atmpnav.errors import InputFileError
from atmpnav.text.batch import Options, batch_file
from tests.text.batch_support import AS_OF, fake, write_csv


def started(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A run stopped half-way: the unfinished output holds the first row."""
    source = write_csv(tmp_path / "in.csv", [["id", "text"], ["a", "x"], ["b", "y"]])
    out = tmp_path / "out.csv"
    batch_file(source, out, options=Options(as_of=AS_OF), jobs=1, classify=fake)
    part = out.with_name(out.name + ".part")
    lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
    out.unlink()
    part.write_text("".join(lines[:2]), encoding="utf-8")
    return source, out, part


@pytest.mark.parametrize(("options", "needle"), [
    (Options(as_of="2026-01-01"), "--as-of 2026-11-25, not 2026-01-01"),
    (Options(jurisdictions=("EU", "US"), as_of=AS_OF), "--jurisdiction ['EU'], not ['EU', 'US']"),
    (Options(as_of=AS_OF, format="jsonl"), "--format csv, not jsonl"),
])
def test_other_options_are_refused(tmp_path: Path, options: Options, needle: str) -> None:
    source, out, part = started(tmp_path)
    before = part.read_bytes()
    with pytest.raises(InputFileError) as caught:
        batch_file(source, out, options=options, jobs=1, classify=fake)
    assert needle in caught.value.message
    assert part.read_bytes() == before and not out.exists()


def test_a_changed_input_is_refused(tmp_path: Path) -> None:
    source, out, part = started(tmp_path)
    before = part.read_bytes()
    write_csv(source, [["id", "text"], ["a", "x"], ["b", "changed"]])
    with pytest.raises(InputFileError, match="another input file"):
        batch_file(source, out, options=Options(as_of=AS_OF), jobs=1, classify=fake)
    assert part.read_bytes() == before


def test_a_complete_output_is_not_rewritten(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [["id", "text"], ["a", "x"]])
    out = tmp_path / "out.csv"
    batch_file(source, out, options=Options(as_of=AS_OF), jobs=1, classify=fake)
    before = out.read_bytes(), out.stat().st_mtime_ns
    again = batch_file(source, out, options=Options(as_of=AS_OF), jobs=1, classify=fake)
    assert again.complete
    assert (out.read_bytes(), out.stat().st_mtime_ns) == before


def test_the_record_names_input_options_and_rule_sets(tmp_path: Path) -> None:
    _, out, _ = started(tmp_path)
    meta = json.loads(out.with_name(out.name + ".batch.json").read_text(encoding="utf-8"))
    assert meta["input"]["rows"] == 2 and len(meta["input"]["sha256"]) == 64
    assert meta["options"] == {"format": "csv", "jurisdictions": ["EU"], "as_of": AS_OF}
    assert set(meta["rule_sets"]) == {"EU"}
