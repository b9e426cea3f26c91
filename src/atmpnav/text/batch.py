"""Batch classification of descriptions: CSV in, CSV out, streamed row by row, resumable.

Input columns: ``id``, ``text`` and optionally ``indication`` (other columns are ignored).
Output columns: ``id,outcome,likely_outcome,combined,confidence,regime,missing``, where ``missing``
is the ``;``-joined fact paths still to answer. Each row is written and flushed as soon as it is
classified, so memory does not grow with the file: only the ids seen so far are kept, as 8-byte
digests, to find duplicates and rows already done.

Re-running with the same output resumes: rows whose id is already in the output are skipped, and a
last line cut short by an interruption is removed first.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TextIO

from atmpnav.errors import DataFormatError, InputFileError
from atmpnav.text.extract import MAX_TEXT

OUTPUT_COLUMNS = ("id", "outcome", "likely_outcome", "combined", "confidence", "regime", "missing")
# With other jurisdictions than EU alone (--jurisdiction): one line per row, these columns per jurisdiction,
# named "<code>.<column>" (e.g. "JP.outcome"), so that each line is still written at once.
JURISDICTION_COLUMNS = ("outcome", "likely_outcome", "advanced", "combined", "regime", "missing")
MAX_ID = 200


def output_columns(jurisdictions: tuple[str, ...] = ("EU",)) -> tuple[str, ...]:
    if tuple(jurisdictions) == ("EU",):
        return OUTPUT_COLUMNS
    return ("id", *(f"{code}.{column}" for code in jurisdictions for column in JURISDICTION_COLUMNS))


@dataclass(frozen=True)
class Row:
    """One input row: its line number in the file (for errors), id, text and optional indication."""

    line: int
    id: str
    text: str
    indication: str | None = None


@dataclass
class Summary:
    classified: int = 0
    skipped: int = 0  # already in the output (resumed)
    repaired: bool = False  # a cut-short last line was removed from the output


def _digest(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest(), "big")


def read_rows(handle: TextIO, source: str) -> Iterator[Row]:
    """Validate and yield input rows one at a time (the file is never held in memory)."""
    reader = csv.DictReader(handle)
    try:
        header = reader.fieldnames
    except csv.Error as exc:
        raise DataFormatError(source, f"not a readable CSV file: {exc}", row=1) from None
    if not header:
        raise DataFormatError(source, "the file is empty: expected a header with the columns id,text", row=1)
    names = [h.strip() for h in header]
    for column in ("id", "text"):
        if column not in names:
            raise DataFormatError(source, f"missing column {column!r} (the header must name id and text; "
                                  f"found: {', '.join(names) or 'nothing'})", row=1)
    reader.fieldnames = names
    seen: set[int] = set()
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DataFormatError(source, f"cannot parse the row: {exc}", row=reader.line_num) from None
        line = reader.line_num
        if None in record:
            raise DataFormatError(source, f"the row has more fields than the header ({len(names)} columns)", row=line)
        row_id = (record.get("id") or "").strip()
        text = record.get("text")
        if not row_id:
            raise DataFormatError(source, "empty id", row=line)
        if len(row_id) > MAX_ID or "\n" in row_id or "\r" in row_id:
            raise DataFormatError(source, f"the id must be one line of at most {MAX_ID} characters", row=line)
        if text is None:
            raise DataFormatError(source, "the row has fewer fields than the header (no text)", row=line)
        if not text.strip():
            raise DataFormatError(source, f"empty text for id {row_id!r}", row=line)
        if len(text) > MAX_TEXT:
            raise DataFormatError(source, f"text too long for id {row_id!r} ({len(text)} characters; at most "
                                  f"{MAX_TEXT})", row=line)
        key = _digest(row_id)
        if key in seen:
            raise DataFormatError(source, f"duplicate id {row_id!r}", row=line)
        seen.add(key)
        indication = (record.get("indication") or "").strip() or None
        yield Row(line, row_id, text, indication)


def prepare_output(path: Path, columns: tuple[str, ...] = OUTPUT_COLUMNS) -> tuple[set[int], bool]:
    """Ids already written to ``path`` (as digests), after removing a cut-short last line.

    Returns (done, repaired). A missing or empty file has no rows done.
    """
    source = str(path)
    if not path.exists() or path.stat().st_size == 0:
        return set(), False
    repaired = _repair_last_line(path)
    done: set[int] = set()
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None:
                return done, repaired
            if tuple(header) != columns:
                raise DataFormatError(source, "the existing output file has other columns than "
                                      f"{','.join(columns)} (other jurisdictions?); choose another --output", row=1)
            for record in reader:
                if len(record) != len(columns):
                    raise DataFormatError(source, "a row of the existing output file is malformed; choose another "
                                          "--output or remove the row", row=reader.line_num)
                done.add(_digest(record[0]))
        except csv.Error as exc:
            raise DataFormatError(source, f"the existing output file is not valid CSV: {exc}",
                                  row=reader.line_num) from None
    return done, repaired


def _repair_last_line(path: Path) -> bool:
    """Cut the file after its last complete line (a run interrupted mid-write leaves a partial line)."""
    size = path.stat().st_size
    with path.open("rb+") as handle:
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return False
        # walk back in blocks to the last newline
        position = size
        block = 4096
        while position > 0:
            start = max(0, position - block)
            handle.seek(start)
            chunk = handle.read(position - start)
            cut = chunk.rfind(b"\n")
            if cut >= 0:
                handle.truncate(start + cut + 1)
                return True
            position = start
        handle.truncate(0)
        return True


Classifier = Callable[[Row], Mapping[str, str]]


def classify_row(row: Row, as_of: date | str | None = None) -> dict[str, str]:
    """The output record of one row (likely outcome without printing precedents)."""
    from atmpnav.text.classify import classify_text

    verdict = classify_text(row.text, row.indication, as_of=as_of, top=0).verdicts["EU"]
    return {
        "id": row.id,
        "outcome": verdict.outcome,
        "likely_outcome": verdict.likely_outcome,
        "combined": "true" if verdict.combined else "false",
        "confidence": "" if verdict.confidence is None else f"{verdict.confidence:.2f}",
        "regime": verdict.regime or "",
        "missing": ";".join(m.fact for m in verdict.missing),
    }


def classify_row_in(row: Row, jurisdictions: tuple[str, ...], as_of: date | str | None = None) -> dict[str, str]:
    """The output record of one row in several jurisdictions (columns of :func:`output_columns`)."""
    from atmpnav.text.classify import classify_text

    verdicts = classify_text(row.text, row.indication, jurisdictions=jurisdictions, as_of=as_of, top=0).verdicts
    record = {"id": row.id}
    for code in jurisdictions:
        verdict = verdicts[code]
        advanced = {True: "true", False: "false", None: ""}[verdict.advanced]
        values = (verdict.outcome, verdict.likely_outcome, advanced, "true" if verdict.combined else "false",
                  verdict.regime or "", ";".join(m.fact for m in verdict.missing))
        record.update({f"{code}.{column}": value for column, value in zip(JURISDICTION_COLUMNS, values, strict=True)})
    return record


def run_batch(
    rows: Iterable[Row],
    output: Path,
    *,
    classify: Classifier | None = None,
    as_of: date | str | None = None,
    progress: Callable[[int, int], None] | None = None,
    jurisdictions: tuple[str, ...] = ("EU",),
) -> Summary:
    """Classify ``rows`` into ``output`` (appending, resuming). ``rows`` may be any iterator."""
    columns = output_columns(jurisdictions)
    done, repaired = prepare_output(output, columns)
    summary = Summary(repaired=repaired)
    fresh = not output.exists() or output.stat().st_size == 0
    if classify is None and columns != OUTPUT_COLUMNS:
        classify = lambda row: classify_row_in(row, jurisdictions, as_of)  # noqa: E731 - same shape as the default
    run = classify or (lambda row: classify_row(row, as_of))
    try:
        handle = output.open("a", newline="", encoding="utf-8")
    except OSError as exc:
        raise InputFileError(str(output), f"cannot write: {exc}") from None
    with handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        if fresh:
            writer.writeheader()
            handle.flush()
        for row in rows:
            if _digest(row.id) in done:
                summary.skipped += 1
            else:
                writer.writerow(run(row))
                handle.flush()
                summary.classified += 1
            if progress:
                progress(summary.classified, summary.skipped)
    return summary


def batch_file(
    input_path: Path,
    output: Path,
    *,
    as_of: date | str | None = None,
    progress: Callable[[int, int], None] | None = None,
    classify: Classifier | None = None,
    jurisdictions: tuple[str, ...] = ("EU",),
) -> Summary:
    """Classify every row of ``input_path`` into ``output``; see :func:`run_batch`."""
    source = str(input_path)
    if input_path.resolve() == output.resolve():
        raise InputFileError(source, "the output file must differ from the input file")
    try:
        handle = input_path.open(newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputFileError(source, "file not found") from None
    except (IsADirectoryError, PermissionError) as exc:
        raise InputFileError(source, f"cannot read: {exc}") from None
    with handle:
        try:
            return run_batch(read_rows(handle, source), output, as_of=as_of, progress=progress, classify=classify,
                             jurisdictions=jurisdictions)
        except UnicodeDecodeError as exc:
            raise DataFormatError(source, f"not UTF-8 text: {exc.reason}") from None


def stderr_is_terminal() -> bool:
    try:
        return os.isatty(2)
    except (OSError, ValueError, io.UnsupportedOperation):
        return False
