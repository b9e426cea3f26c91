"""Shared helpers of the batch tests: CSV files in and out, and a fast stand-in classifier
(module-level, so that worker processes can run it)."""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path
from typing import Any

from atmpnav.errors import InputError
from atmpnav.text.batch import Options, Row

AS_OF = "2026-11-25"
RENDEZVOUS_DIR = "ATMPNAV_TEST_RENDEZVOUS_DIR"  # environment variable naming the meeting directory
RENDEZVOUS_WAIT_S = 30.0


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def read_output(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def fake(row: Row, options: Options) -> dict[str, Any]:
    """Echoes the row (and the worker's pid) instead of classifying it; refuses an empty text, as the
    real classifier does."""
    if not row.text.strip():
        raise InputError("text: the description is empty")
    if options.format == "jsonl":
        return {"id": row.id, "row": row.line, "envelope": {"text": row.text, "pid": os.getpid()}}
    record: dict[str, Any] = {"id": row.id, "error": "", "evidence": f"pid {os.getpid()}"}
    for code in options.jurisdictions:
        record[f"{code.lower()}_outcome"] = row.text
    return record


def rendezvous(row: Row, options: Options) -> dict[str, Any]:
    """As ``fake``, but each worker process, on its first row, waits until a second process has
    started work too (or ``RENDEZVOUS_WAIT_S`` passed): otherwise one fast worker can finish every
    chunk before the pool has started the other, and a test of two processes would depend on timing."""
    meeting = Path(os.environ[RENDEZVOUS_DIR])
    mine = meeting / str(os.getpid())
    if not mine.exists():
        mine.touch()
        deadline = time.monotonic() + RENDEZVOUS_WAIT_S
        while len(list(meeting.iterdir())) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    return fake(row, options)
