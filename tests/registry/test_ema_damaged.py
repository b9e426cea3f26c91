"""Attack class: damaged spreadsheets for `registry import-ema` (issue 9): a workbook whose sheet
XML is cut short, and one with no worksheet, are exit 2 with a clear message, never a traceback."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from atmpnav.errors import DataFormatError
from atmpnav.registry.ema import read_ema


def good_workbook(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Name of medicine", "Advanced therapy"])
    workbook.save(path)
    return path


def rewritten(source: Path, target: Path, change) -> Path:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for item in original.infolist():
            data = change(item.filename, original.read(item.filename))
            if data is not None:
                copy.writestr(item, data)
    return target


def corrupted(tmp_path: Path) -> Path:
    def cut_sheet(name: str, data: bytes) -> bytes:
        return data[: len(data) // 2] if name.startswith("xl/worksheets/sheet") else data

    return rewritten(good_workbook(tmp_path / "good.xlsx"), tmp_path / "corrupted.xlsx", cut_sheet)


def sheetless(tmp_path: Path) -> Path:
    def drop_sheets(name: str, data: bytes) -> bytes | None:
        if name.startswith("xl/worksheets/"):
            return None
        if name == "xl/workbook.xml":
            return re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", data, flags=re.S)
        if name == "xl/_rels/workbook.xml.rels":
            return re.sub(rb"<Relationship[^>]*worksheet[^>]*/>", b"", data)
        if name == "[Content_Types].xml":
            return re.sub(rb"<Override[^>]*worksheets[^>]*/>", b"", data)
        return data

    return rewritten(good_workbook(tmp_path / "good.xlsx"), tmp_path / "sheetless.xlsx", drop_sheets)


@pytest.mark.parametrize(("make", "needle"), [(corrupted, "cannot read the worksheet"),
                                              (sheetless, "no worksheet")])
def test_damaged_workbook_is_a_data_format_error(tmp_path: Path, make, needle: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DataFormatError, match=needle):
        read_ema(make(tmp_path))


@pytest.mark.parametrize("make", [corrupted, sheetless])
def test_cli_import_of_a_damaged_workbook_is_exit_2(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    result = subprocess.run([sys.executable, "-m", "atmpnav.cli", "registry", "import-ema", str(make(tmp_path))],
                            capture_output=True, text=True, timeout=120,
                            env={"ATMPNAV_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stderr.startswith("error: ")
