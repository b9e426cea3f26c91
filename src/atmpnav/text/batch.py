"""Batch classification of descriptions: CSV in; CSV or JSON lines out, in input order, resumable.

Input columns: ``id``, ``text`` and optionally ``indication`` (other columns are ignored).

Output (``--format csv``): ``id``, ``error``, then per chosen jurisdiction ``<j>_outcome``,
``<j>_likely_outcome``, ``<j>_advanced``, ``<j>_regime``, ``<j>_combined``, ``<j>_confidence``,
``<j>_rules_fired`` (the rules the reasoning went through, ``;``-joined), ``<j>_open_questions`` (fact paths
still to answer), and ``evidence`` (fact path: the words of the text that set it). ``--format
jsonl`` writes one object per row: ``{"id", "row", "envelope"}`` (the full contract envelope) or
``{"id", "row", "error"}``.

How the run goes, and why:

1. The whole input is read once first (streamed: the file is never held in memory): header,
   quoting (an unterminated quote is reported with the row it starts on), field counts and
   duplicate ids are checked, and its SHA-256 is taken. Any problem there stops the run (exit 2)
   before an output file exists.
2. Nothing the user made is overwritten: results go to ``OUTPUT.part`` (created exclusively),
   renamed to ``OUTPUT`` when every row is done. ``OUTPUT.batch.json`` records the input's hash,
   the options and the rule-set versions; an existing ``OUTPUT`` or ``OUTPUT.part`` without a
   matching record is refused (it is not ours, or it was made from another input or with other
   options), as is an output that is, or is a hard link to, the input.
3. A row that cannot be classified (empty or too long text, no text field) gets an error row (its
   id and the ``error`` column) and the run goes on; ``--strict`` makes such rows fail the run.
4. Rows are classified by ``--jobs`` processes in chunks, at most a few chunks in flight, and
   written in input order as they come back: memory does not grow with the file, apart from
   8-byte digests of the ids (duplicates, resume).
5. Re-running the same command resumes: rows already in ``OUTPUT.part`` are skipped, a last line
   cut short by an interruption is removed first.

CSV cells that a spreadsheet would run as a formula (leading ``=``, ``+``, ``-``, ``@``, tab or
carriage return) are written with a leading ``'`` (as is a cell already starting with ``'``, so
that the change can be undone unambiguously).
"""

from __future__ import annotations

import contextlib
import csv
import errno
import hashlib
import io
import json
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from atmpnav.errors import AtmpnavError, DataFormatError, InputError, InputFileError

FORMATS = ("csv", "jsonl")
VERDICT_COLUMNS = ("outcome", "likely_outcome", "advanced", "regime", "combined", "confidence", "rules_fired",
                   "open_questions")
MAX_ID = 200
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "'")
CHUNK_ROWS = 32  # rows per task sent to a worker process
IN_FLIGHT_PER_JOB = 3  # chunks queued per worker: enough to keep it busy, bounded memory
META_VERSION = 1


# --------------------------------------------------------------------------- rows and options


@dataclass(frozen=True)
class Row:
    """One input row: its line number in the file (for errors), id, text and optional indication;
    ``problem`` when the row cannot be classified (it becomes an error row)."""

    line: int
    id: str
    text: str
    indication: str | None = None
    problem: str | None = None


@dataclass(frozen=True)
class Options:
    jurisdictions: tuple[str, ...] = ("EU",)
    as_of: str = ""  # ISO date; empty: today (resolved by :func:`resolve_options`)
    format: str = "csv"

    def columns(self) -> tuple[str, ...]:
        per_jurisdiction = tuple(f"{code.lower()}_{name}" for code in self.jurisdictions for name in VERDICT_COLUMNS)
        return ("id", "error", *per_jurisdiction, "evidence")


@dataclass
class Summary:
    classified: int = 0
    errors: int = 0  # rows written as error rows
    skipped: int = 0  # already in the output (resumed)
    repaired: bool = False  # a cut-short last line was removed from the output
    complete: bool = False  # the output was already complete: nothing was written
    output: Path | None = None


class BatchRowErrors(InputError):
    """``--strict``: some rows were written as error rows."""

    code = "batch_row_errors"

    def __init__(self, errors: int, total: int, output: Path) -> None:
        super().__init__(f"{errors} of {total} rows could not be classified (--strict); see the error column "
                         f"of {output}")
        self.errors = errors
        self.total = total


def resolve_jurisdictions(values: Iterable[str] | None) -> tuple[str, ...]:
    """Jurisdiction codes as given (``-j EU -j US``), ``all`` for every registered one; default EU."""
    from atmpnav.law import JURISDICTIONS

    codes: list[str] = []
    for value in values or ["EU"]:
        for part in value.split(","):
            code = part.strip().upper()
            if not code:
                continue
            chosen = list(JURISDICTIONS) if code == "ALL" else [code]
            for one in chosen:
                if one not in JURISDICTIONS:
                    raise InputError(f"unknown jurisdiction {part.strip()!r}: choose from "
                                     f"{', '.join(JURISDICTIONS)} or 'all'")
                if one not in codes:
                    codes.append(one)
    return tuple(codes) or ("EU",)


def resolve_options(jurisdictions: Iterable[str] | None = None, as_of: date | str | None = None,
                    output_format: str = "csv") -> Options:
    from atmpnav.engine import parse_date

    if output_format not in FORMATS:
        raise InputError(f"unknown format {output_format!r}: choose {' or '.join(FORMATS)}")
    return Options(resolve_jurisdictions(jurisdictions), parse_date(as_of).isoformat(), output_format)


def _digest(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest(), "big")


def neutralise(cell: str) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (OWASP: prefix with ``'``)."""
    return "'" + cell if cell.startswith(FORMULA_LEADS) else cell


# --------------------------------------------------------------------------- reading the input


def read_rows(handle: TextIO, source: str, *, check_duplicates: bool = True) -> Iterator[Row]:
    """Yield input rows one at a time (the file is never held in memory).

    Problems of the file as a whole (header, quoting, field counts, ids) raise
    :class:`DataFormatError` naming the row; a row that only cannot be classified is yielded with
    its ``problem``."""
    reader = csv.reader(handle, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise DataFormatError(source, f"not a readable CSV file: {exc}", row=1) from None
    if not header:
        raise DataFormatError(source, "the file is empty: expected a header with the columns id,text", row=1)
    names = [h.strip() for h in header]
    for column in ("id", "text"):
        if column not in names:
            raise DataFormatError(source, f"missing column {column!r} (the header must name id and text; "
                                  f"found: {', '.join(names) or 'nothing'})", row=1)
    at_id, at_text = names.index("id"), names.index("text")
    at_indication = names.index("indication") if "indication" in names else None
    seen: set[int] = set()
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                raise DataFormatError(source, "a quoted field is never closed (unterminated \" quote); the rest of "
                                      "the file would be read as one value", row=start) from None
            raise DataFormatError(source, f"cannot parse the row: {exc}", row=start) from None
        if not record:
            continue  # a blank line
        if len(record) > len(names):
            raise DataFormatError(source, f"the row has more fields than the header ({len(names)} columns)",
                                  row=start)
        row_id = record[at_id].strip() if at_id < len(record) else ""
        if not row_id:
            raise DataFormatError(source, "empty id", row=start)
        if len(row_id) > MAX_ID or "\n" in row_id or "\r" in row_id:
            raise DataFormatError(source, f"the id must be one line of at most {MAX_ID} characters", row=start)
        if check_duplicates:
            key = _digest(row_id)
            if key in seen:
                raise DataFormatError(source, f"duplicate id {row_id!r}", row=start)
            seen.add(key)
        text = record[at_text] if at_text < len(record) else None
        indication = None
        if at_indication is not None and at_indication < len(record):
            indication = record[at_indication].strip() or None
        # An empty or too long text is refused by the classifier itself, as an error row.
        problem = f"row {start}: the row has fewer fields than the header (no text)" if text is None else None
        yield Row(start, row_id, text or "", indication, problem)


class _HashingReader(io.RawIOBase):
    """A binary file that hashes what is read through it."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        self.sha256.update(data)
        buffer[: len(data)] = data
        return len(data)


def _open_input(path: Path) -> BinaryIO:
    source = str(path)
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise InputFileError(source, "file not found") from None
    except (IsADirectoryError, PermissionError) as exc:
        raise InputFileError(source, f"cannot read: {exc.strerror or exc}") from None
    except OSError as exc:
        raise InputFileError(source, f"cannot read: {exc.strerror or exc}") from None


@contextlib.contextmanager
def _text_rows(path: Path, *, check_duplicates: bool) -> Iterator[tuple[Iterator[Row], _HashingReader]]:
    source = str(path)
    with _open_input(path) as raw:
        hashing = _HashingReader(raw)
        handle = io.TextIOWrapper(io.BufferedReader(hashing), encoding="utf-8-sig", newline="")
        rows = read_rows(handle, source, check_duplicates=check_duplicates)
        try:
            yield rows, hashing
        except UnicodeDecodeError as exc:
            raise DataFormatError(source, f"not UTF-8 text: {exc.reason}") from None


def scan_input(path: Path) -> tuple[str, int]:
    """Check the whole input (see :func:`read_rows`) and return its SHA-256 and row count."""
    count = 0
    with _text_rows(path, check_duplicates=True) as (rows, hashing):
        for _ in rows:
            count += 1
        while hashing.readinto(bytearray(65536)):  # hash any bytes the CSV reader did not need
            pass
    return hashing.sha256.hexdigest(), count


# --------------------------------------------------------------------------- classifying one row


Classifier = Callable[[Row, Options], Mapping[str, Any]]


def classify_record(row: Row, options: Options) -> dict[str, Any]:
    """The record of one row: CSV columns (strings), or for JSON lines the full envelope."""
    from atmpnav.assess import AssessmentInput, evaluate

    envelope = evaluate(AssessmentInput.of_text(row.text, row.indication), options.jurisdictions, options.as_of,
                        top=0)
    if options.format == "jsonl":
        return {"id": row.id, "row": row.line, "envelope": envelope.to_json_dict()}
    record: dict[str, Any] = {"id": row.id, "error": ""}
    for code, verdict in envelope.verdicts.items():
        prefix = code.lower()
        confidence = getattr(verdict, "confidence", None)
        record.update({
            f"{prefix}_outcome": verdict.outcome,
            f"{prefix}_likely_outcome": verdict.likely_outcome,
            f"{prefix}_advanced": "" if verdict.advanced is None else str(verdict.advanced).lower(),
            f"{prefix}_regime": verdict.regime or "",
            f"{prefix}_combined": "true" if verdict.combined else "false",
            f"{prefix}_confidence": "" if confidence is None else f"{confidence:.2f}",
            f"{prefix}_rules_fired": ";".join(verdict.rules_fired),
            f"{prefix}_open_questions": ";".join(m.fact for m in verdict.missing),
        })
    record["evidence"] = "; ".join(f"{path}: {words}" for path, words in sorted(envelope.evidence.items()))
    return record


def _error_record(row: Row, message: str, options: Options) -> dict[str, Any]:
    if options.format == "jsonl":
        return {"id": row.id, "row": row.line, "error": message}
    return {"id": row.id, "error": message}


def _format(record: Mapping[str, Any], options: Options, columns: tuple[str, ...]) -> str:
    if options.format == "jsonl":
        return json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str) + "\n"
    buffer = io.StringIO()
    # CRLF as RFC 4180 says; it also makes the writer quote a value holding a lone CR, which a "\n"
    # terminator would leave bare (and a reader would then split the row there).
    csv.writer(buffer, lineterminator="\r\n").writerow(neutralise(str(record.get(c, ""))) for c in columns)
    return buffer.getvalue()


def _work(rows: list[Row], options: Options, classify: Classifier | None) -> list[tuple[str, bool]]:
    """Classify a chunk; returns (output line, is an error row) per row, in order."""
    run = classify or classify_record
    columns = options.columns()
    out: list[tuple[str, bool]] = []
    for row in rows:
        if row.problem:
            out.append((_format(_error_record(row, row.problem, options), options, columns), True))
            continue
        try:
            record = run(row, options)
        except AtmpnavError as exc:  # a row the classifier refuses: an error row, and go on
            out.append((_format(_error_record(row, f"row {row.line}: {exc.message}", options), options, columns),
                        True))
            continue
        out.append((_format(record, options, columns), False))
    return out


def _warm_up(options: Options, classify: Classifier | None) -> None:
    """Build the classifier's caches once in the parent, so forked workers share them."""
    if classify is None:
        from atmpnav.precedents import search

        with contextlib.suppress(AtmpnavError):
            classify_record(Row(0, "warm-up", "autologous chondrocytes expanded ex vivo"), options)
            search("autologous chondrocytes expanded ex vivo", k=1)  # the index, also when the text decides


# --------------------------------------------------------------------------- the output files


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


@dataclass
class OutputPlan:
    output: Path
    part: Path
    meta_path: Path
    meta: dict[str, Any]
    done: set[int] = field(default_factory=set)
    repaired: bool = False
    complete: bool = False
    fresh: bool = True


def _meta(input_path: Path, input_sha256: str, rows: int, options: Options) -> dict[str, Any]:
    from atmpnav import __version__
    from atmpnav.law import JURISDICTIONS

    return {
        "atmpnav_batch": META_VERSION,
        "input": {"name": input_path.name, "sha256": input_sha256, "rows": rows},
        "options": {"format": options.format, "jurisdictions": list(options.jurisdictions), "as_of": options.as_of},
        "rule_sets": {code: JURISDICTIONS[code].version for code in options.jurisdictions},
        "columns": list(options.columns()) if options.format == "csv" else None,
        "atmpnav_version": __version__,
    }


def _differences(stored: Mapping[str, Any], wanted: Mapping[str, Any]) -> list[str]:
    problems = []
    if stored.get("input", {}).get("sha256") != wanted["input"]["sha256"]:
        problems.append("it was made from another input file (or the input has changed since)")
    for key, value in wanted["options"].items():
        before = stored.get("options", {}).get(key)
        if before != value:
            flag = {"as_of": "--as-of", "jurisdictions": "--jurisdiction", "format": "--format"}[key]
            problems.append(f"it was made with {flag} {before}, not {value}")
    if stored.get("rule_sets") != wanted["rule_sets"] and not problems:
        problems.append(f"it was made with other rule-set versions ({stored.get('rule_sets')})")
    return problems


def plan_output(output: Path, input_path: Path, meta: dict[str, Any], options: Options) -> OutputPlan:
    """Decide what to do with ``output``: start it, resume it, or find it complete; refuse any file
    that is not a batch output of this input with these options."""
    target = str(output)
    if output.is_dir():
        raise InputFileError(target, "is a directory; give --output a file name")
    if not output.parent.is_dir():
        raise InputFileError(target, f"the directory {output.parent} does not exist")
    part = output.with_name(output.name + ".part")
    meta_path = output.with_name(output.name + ".batch.json")
    for candidate in (output, part, meta_path):
        if candidate.resolve() == input_path.resolve() or _same_file(candidate, input_path):
            raise InputFileError(target, f"{candidate} is the input file (or a link to it); choose another --output")
    plan = OutputPlan(output, part, meta_path, meta)
    existing = output if output.exists() else part if part.exists() else None
    if existing is None:
        if meta_path.exists() and _read_meta(meta_path) is None:
            raise InputFileError(str(meta_path), "exists and is not a batch record written by atmpnav; it is left "
                                 "as it is: choose another --output")
        return plan
    if existing.is_dir():
        raise InputFileError(str(existing), "is a directory; give --output another file name")
    stored = _read_meta(meta_path)
    if stored is None:
        raise InputFileError(str(existing), "exists and is not a batch output written by atmpnav (no "
                             f"{meta_path.name} beside it); it is left as it is: choose another --output")
    problems = _differences(stored, meta)
    if problems:
        raise InputFileError(str(existing), "exists, but " + "; ".join(problems) + ". It is left as it is: re-run "
                             "with the same input and options to resume, or choose another --output")
    plan.fresh = False
    plan.complete = existing == output
    if not plan.complete:
        plan.repaired = _repair_last_line(part)
    plan.done = _ids_in(existing, options)
    return plan


def _read_meta(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("atmpnav_batch") == META_VERSION else None


def _ids_in(path: Path, options: Options) -> set[int]:
    """Digests of the ids already written to a batch output of ours."""
    source = str(path)
    done: set[int] = set()
    with path.open(newline="", encoding="utf-8") as handle:
        if options.format == "jsonl":
            for number, line in enumerate(handle, start=1):
                try:
                    done.add(_digest(str(json.loads(line)["id"])))
                except (ValueError, KeyError, TypeError):
                    raise DataFormatError(source, "a line of the existing output is not a batch record; it is left "
                                          "as it is: choose another --output", row=number) from None
            return done
        reader = csv.reader(handle, strict=True)
        columns = options.columns()
        try:
            header = next(reader, None)
            if header is not None and tuple(header) != columns:
                raise DataFormatError(source, "the existing output has other columns than "
                                      f"{','.join(columns)}; choose another --output", row=1)
            for record in reader:
                if len(record) != len(columns):
                    raise DataFormatError(source, "a row of the existing output is malformed; choose another "
                                          "--output", row=reader.line_num)
                done.add(_digest(record[0]))  # ids are compared as written (neutralised)
        except csv.Error as exc:
            raise DataFormatError(source, f"the existing output is not valid CSV: {exc}", row=reader.line_num) from None
    return done


def _repair_last_line(path: Path) -> bool:
    """Cut the file after its last complete line (a run interrupted mid-write leaves a partial line)."""
    size = path.stat().st_size
    if size == 0:
        return False
    with path.open("rb+") as handle:
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return False
        position = size
        block = 4096
        while position > 0:  # walk back in blocks to the last newline
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


def _write_meta(path: Path, meta: dict[str, Any]) -> None:
    """Write the record atomically, through a new temporary file beside it (never an existing one)."""
    import tempfile

    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(meta, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _write_failed(path: Path, exc: OSError) -> InputFileError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return InputFileError(str(path), "the disk is full. The rows written so far are kept; free some space and "
                              "run the same command again to resume")
    return InputFileError(str(path), f"cannot write: {exc.strerror or exc}")


# --------------------------------------------------------------------------- the run


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _chunks(rows: Iterable[Row], done: set[int], summary: Summary, options: Options,
            size: int) -> Iterator[list[Row]]:
    written = neutralise if options.format == "csv" else str  # ids are compared as the output holds them
    chunk: list[Row] = []
    for row in rows:
        if done and _digest(written(row.id)) in done:
            summary.skipped += 1
            continue
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _results(chunks: Iterator[list[Row]], options: Options, classify: Classifier | None,
             jobs: int) -> Iterator[list[tuple[str, bool]]]:
    """Classified chunks in input order; with ``jobs`` > 1 from a pool, a bounded number in flight."""
    if jobs <= 1:
        for chunk in chunks:
            yield _work(chunk, options, classify)
        return
    from concurrent.futures import Future, ProcessPoolExecutor

    _warm_up(options, classify)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: deque[Future[list[tuple[str, bool]]]] = deque()
        try:
            for chunk in chunks:
                pending.append(pool.submit(_work, chunk, options, classify))
                if len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def run_batch(
    rows: Iterable[Row],
    plan: OutputPlan,
    options: Options,
    *,
    classify: Classifier | None = None,
    jobs: int = 1,
    progress: Callable[[Summary], None] | None = None,
) -> Summary:
    """Classify ``rows`` into ``plan.part`` (created or resumed) and rename it to the output."""
    summary = Summary(repaired=plan.repaired, output=plan.output)
    if plan.complete:
        summary.complete = True
        summary.skipped = len(plan.done)
        return summary
    try:
        if plan.fresh:
            _write_meta(plan.meta_path, plan.meta)
            handle = plan.part.open("x", newline="", encoding="utf-8")  # exclusive: never someone else's file
        else:
            handle = plan.part.open("a", newline="", encoding="utf-8")
    except FileExistsError:
        raise InputFileError(str(plan.part), "appeared while starting (another batch run?); it is left as it "
                             "is") from None
    except OSError as exc:
        raise _write_failed(plan.part, exc) from None
    with handle:
        try:
            if plan.fresh and options.format == "csv":
                handle.write(_format({c: c for c in options.columns()}, options, options.columns()))
            for result in _results(_chunks(rows, plan.done, summary, options, CHUNK_ROWS), options, classify, jobs):
                handle.write("".join(line for line, _ in result))
                handle.flush()
                errors = sum(1 for _, failed in result if failed)
                summary.errors += errors
                summary.classified += len(result) - errors
                if progress:
                    progress(summary)
            handle.flush()
            os.fsync(handle.fileno())
        except OSError as exc:
            raise _write_failed(plan.part, exc) from None
    try:
        os.replace(plan.part, plan.output)
    except OSError as exc:
        raise _write_failed(plan.output, exc) from None
    return summary


def batch_file(
    input_path: Path,
    output: Path,
    *,
    options: Options | None = None,
    jobs: int | None = None,
    strict: bool = False,
    progress: Callable[[Summary], None] | None = None,
    classify: Classifier | None = None,
) -> Summary:
    """Classify every row of ``input_path`` into ``output``; see the module's docstring."""
    options = options or resolve_options()
    input_path, output = Path(input_path), Path(output)
    if input_path.resolve() == output.resolve() or _same_file(input_path, output):
        raise InputFileError(str(input_path), "the output file must differ from the input file")
    sha256, count = scan_input(input_path)
    plan = plan_output(output, input_path, _meta(input_path, sha256, count, options), options)
    # No more processes than chunks of work: a small file is classified in this process.
    workers = max(1, min(jobs or default_jobs(), -(-(count - len(plan.done)) // CHUNK_ROWS)))
    with _text_rows(input_path, check_duplicates=False) as (rows, _):
        summary = run_batch(rows, plan, options, classify=classify, jobs=workers, progress=progress)
    if strict and summary.errors:
        raise BatchRowErrors(summary.errors, summary.classified + summary.errors, output)
    return summary


def stderr_is_terminal() -> bool:
    try:
        return os.isatty(2)
    except (OSError, ValueError, io.UnsupportedOperation):
        return False
