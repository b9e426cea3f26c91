"""Attack class: batch output overwriting what it did not create (issue 9). Every refusal leaves
the file byte-identical and is an exit-2 error without a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from atmpnav.errors import InputFileError
from atmpnav.text.batch import Options, batch_file
from tests.text.batch_support import AS_OF, fake, read_output, write_csv


def rows(n: int = 3) -> list[list[str]]:
    return [["id", "text"]] + [[f"r{i}", f"text {i}"] for i in range(n)]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "atmpnav.cli", *args], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("content", [
    b"precious notes without a trailing newline",  # one line: once replaced entirely
    b"a,b\n1,2\n3,4",  # last line without newline: once truncated
    b"id,error,eu_outcome\n",  # looks like a batch header, but we did not write it
    b"",
])
def test_an_existing_file_we_did_not_create_is_left_untouched(tmp_path: Path, content: bytes) -> None:
    source = write_csv(tmp_path / "in.csv", rows())
    out = tmp_path / "out.csv"
    out.write_bytes(content)
    result = cli("batch", str(source), "-o", str(out), "--as-of", AS_OF)
    assert result.returncode == 2
    assert "not a batch output written by atmpnav" in result.stderr
    assert "Traceback" not in result.stderr
    assert out.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


def test_input_hard_linked_as_output_is_refused(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", rows())
    before = source.read_bytes()
    link = tmp_path / "link.csv"
    os.link(source, link)
    with pytest.raises(InputFileError, match="must differ from the input"):
        batch_file(source, link, options=Options(as_of=AS_OF), jobs=1, classify=fake)
    assert source.read_bytes() == before


def test_input_hard_linked_as_the_unfinished_output_is_refused(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", rows())
    before = source.read_bytes()
    os.link(source, tmp_path / "out.csv.part")
    with pytest.raises(InputFileError, match="is the input file"):
        batch_file(source, tmp_path / "out.csv", options=Options(as_of=AS_OF), jobs=1, classify=fake)
    assert source.read_bytes() == before


def test_same_path_through_a_symlink_is_refused(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", rows())
    (tmp_path / "alias.csv").symlink_to(source)
    with pytest.raises(InputFileError):
        batch_file(source, tmp_path / "alias.csv", options=Options(as_of=AS_OF), jobs=1, classify=fake)


def test_output_that_is_a_directory_is_exit_2(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", rows())
    (tmp_path / "outdir").mkdir()
    result = cli("batch", str(source), "-o", str(tmp_path / "outdir"), "--as-of", AS_OF)
    assert result.returncode == 2
    assert "is a directory" in result.stderr and "Traceback" not in result.stderr


def test_output_in_a_missing_directory_is_exit_2(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", rows())
    result = cli("batch", str(source), "-o", str(tmp_path / "nowhere" / "out.csv"), "--as-of", AS_OF)
    assert result.returncode == 2
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr


def test_an_unfinished_output_that_is_not_ours_is_left_untouched(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", rows())
    part = tmp_path / "out.csv.part"
    part.write_bytes(b"someone's file")
    with pytest.raises(InputFileError, match="not a batch output"):
        batch_file(source, tmp_path / "out.csv", options=Options(as_of=AS_OF), jobs=1, classify=fake)
    assert part.read_bytes() == b"someone's file"


def test_the_output_appears_only_when_complete(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", rows(5))
    out = tmp_path / "out.csv"
    seen: list[bool] = []
    batch_file(source, out, options=Options(as_of=AS_OF), jobs=1, classify=fake,
               progress=lambda _summary: seen.append(out.exists()))
    assert seen and not any(seen)  # while rows were written, only out.csv.part existed
    assert [r["id"] for r in read_output(out)] == [f"r{i}" for i in range(5)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv", "out.csv.batch.json"]


@pytest.mark.parametrize("header", [["id", "description"], ["text"], []])
def test_a_wrong_header_leaves_no_output_behind(tmp_path: Path, header: list[str]) -> None:
    source = write_csv(tmp_path / "in.csv", [header, ["a", "b"]] if header else [])
    result = cli("batch", str(source), "-o", str(tmp_path / "out.csv"), "--as-of", AS_OF)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_a_record_file_we_did_not_write_is_left_untouched(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", rows())
    record = tmp_path / "out.csv.batch.json"
    record.write_text('{"mine": true}')
    with pytest.raises(InputFileError, match="not a batch record"):
        batch_file(source, tmp_path / "out.csv", options=Options(as_of=AS_OF), jobs=1, classify=fake)
    assert record.read_text() == '{"mine": true}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv.batch.json"]
