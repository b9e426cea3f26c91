"""Attack class: malformed CSV input (issue 9). An unterminated quote no longer swallows the rest
of the file: it is reported with the row it starts on, exit 2, before any output exists."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from atmpnav.errors import DataFormatError
from atmpnav.text.batch import Options, batch_file
from tests.text.batch_support import AS_OF, fake


def run_on(tmp_path: Path, content: str) -> DataFormatError:
    source = tmp_path / "in.csv"
    source.write_text(content, encoding="utf-8")
    with pytest.raises(DataFormatError) as caught:
        batch_file(source, tmp_path / "out.csv", options=Options(as_of=AS_OF), jobs=1, classify=fake)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]
    return caught.value


def test_unterminated_quote_names_its_row(tmp_path: Path) -> None:
    error = run_on(tmp_path, 'id,text\na,fine\nb,"never closed\nc,more\nd,rows\n')
    assert error.row == 3
    assert "never closed" in error.problem and "unterminated" in error.problem


def test_text_after_a_closing_quote_names_its_row(tmp_path: Path) -> None:
    error = run_on(tmp_path, 'id,text\na,fine\nb,"closed" then more\n')
    assert error.row == 3


def test_a_quoted_multiline_text_is_one_valid_row(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text('id,text\na,"two\nlines"\nb,"one ""quoted"" word"\n', encoding="utf-8")
    summary = batch_file(source, tmp_path / "out.csv", options=Options(as_of=AS_OF), jobs=1, classify=fake)
    assert summary.classified == 2


def test_not_utf8_is_exit_2(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(b"id,text\na,caf\xe9\n")
    result = subprocess.run([sys.executable, "-m", "atmpnav.cli", "batch", str(source), "-o",
                             str(tmp_path / "out.csv")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "not UTF-8" in result.stderr and "Traceback" not in result.stderr


def test_cli_reports_the_unterminated_quote_with_exit_2(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text('id,text\na,"open\nb,x\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "atmpnav.cli", "batch", str(source), "-o",
                             str(tmp_path / "out.csv")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "(row 2)" in result.stderr and "unterminated" in result.stderr
    assert "Traceback" not in result.stderr
