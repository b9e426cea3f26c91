"""Attack class: the disk fills up during a batch (issue 9). Exit 2 with a clear message, the rows
written so far kept, and the same command resumes once there is space."""

from __future__ import annotations

import errno
import io
import subprocess
import sys
from pathlib import Path

import pytest

from atmpnav.errors import InputFileError
from atmpnav.text.batch import Options, batch_file
from tests.text.batch_support import AS_OF, fake, read_output, write_csv


class FillingDisk:
    """Lets ``budget`` bytes through the output files, then fails as a full disk does."""

    def __init__(self, budget: int) -> None:
        self.budget = budget

    def wrap(self, real_open):  # type: ignore[no-untyped-def]
        disk = self

        def fake_open(path, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
            handle = real_open(path, mode, *args, **kwargs)
            if not str(path).endswith(".part") or "r" in mode:
                return handle
            real_write = handle.write

            def write(text: str) -> int:
                if disk.budget < len(text):
                    raise OSError(errno.ENOSPC, "No space left on device")
                disk.budget -= len(text)
                return real_write(text)

            handle.write = write
            return handle

        return fake_open


def test_full_disk_is_a_clear_error_and_the_run_resumes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    n = 200
    source = write_csv(tmp_path / "in.csv", [["id", "text"]] + [[f"r{i}", f"text {i}"] for i in range(n)])
    out = tmp_path / "out.csv"
    disk = FillingDisk(budget=3000)
    monkeypatch.setattr(Path, "open", _path_open(disk.wrap(io.open)))
    with pytest.raises(InputFileError) as caught:
        batch_file(source, out, options=Options(as_of=AS_OF), jobs=1, classify=fake)
    assert "disk is full" in caught.value.message and "run the same command again to resume" in caught.value.message
    monkeypatch.undo()
    part = out.with_name(out.name + ".part")
    assert part.exists() and not out.exists()
    summary = batch_file(source, out, options=Options(as_of=AS_OF), jobs=1, classify=fake)
    assert summary.skipped > 0 and summary.skipped + summary.classified == n
    assert [r["id"] for r in read_output(out)] == [f"r{i}" for i in range(n)]


def _path_open(opener):  # type: ignore[no-untyped-def]
    def path_open(self, mode="r", buffering=-1, encoding=None, errors=None, newline=None):  # type: ignore[no-untyped-def]
        return opener(self, mode, buffering, encoding, errors, newline)

    return path_open


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_cli_on_a_full_device_is_exit_2_without_traceback(tmp_path: Path) -> None:
    """``/dev/full`` as the unfinished output: every write fails with ENOSPC."""
    source = write_csv(tmp_path / "in.csv", [["id", "text"], ["a", "x"]])
    out = tmp_path / "out.csv"
    (tmp_path / "out.csv.part").symlink_to("/dev/full")
    result = subprocess.run([sys.executable, "-m", "atmpnav.cli", "batch", str(source), "-o", str(out)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
