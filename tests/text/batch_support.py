"""Shared helpers of the batch tests: CSV files in and out, and a fast stand-in classifier
(module-level, so that worker processes can run it)."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

from atmpnav.errors import InputError
from atmpnav.text.batch import Options, Row

AS_OF = "2026-11-25"


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
