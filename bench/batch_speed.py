"""Batch benchmark: ``atmpnav batch`` rows per second with 1 and 2 jobs, beside the library loop.

Baseline, measured in the same run: the library classifying the same rows one after another in
this process (``atmpnav.text.batch.classify_record``: no CSV, no processes, no start-up). Figures:

- ``batch --jobs 1`` and ``--jobs N`` (the whole command, start-up included) as ratios to that
  baseline, and the speed-up of N jobs over 1 (target >= 1.7x with 2 jobs on 2 cores), both for
  the whole command and for its steady state: (rows - 32) / (time of the file - time of a
  32-row file with the same options), i.e. without the fixed start-up (imports, the classifier's
  tables, reading the file twice), which a 100k-row batch spends once;
- memory: the largest resident set of the run at two input sizes, and the one per-row cost left
  (the 8-byte digests of the ids kept for duplicates and resume), measured directly at 1M ids;
  the note extrapolates the run to 1M rows from these.

Rows are the descriptions of ``bench/data/*.yaml`` in turn, each made unique by a row number.
Every figure is the median of ``--repeats`` (>= 3) runs; the machine's load is printed.

    python bench/batch_speed.py [--rows 4000] [--jobs 2] [--repeats 3]
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent
AS_OF = "2026-11-25"
TINY = 32  # rows of the file whose time is the command's fixed start-up (one chunk)


def descriptions() -> list[tuple[str, str]]:
    texts = []
    for path in sorted((ROOT / "data").glob("*_descriptions.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            texts.append((case["text"], case.get("indication") or ""))
    return texts


def write_input(path: Path, rows: int) -> None:
    texts = descriptions()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "indication"])
        for i in range(rows):
            text, indication = texts[i % len(texts)]
            writer.writerow([f"row-{i}", f"{text} Batch row {i}.", indication])


def atmpnav() -> list[str]:
    script = Path(sys.executable).with_name("atmpnav")
    return [str(script)] if script.exists() else [sys.executable, "-m", "atmpnav.cli"]


def run_cli(source: Path, output: Path, jobs: int) -> tuple[float, int]:
    """Wall time and the largest resident set (KiB, of the command or a worker) of one run."""
    started = time.perf_counter()
    process = subprocess.Popen([*atmpnav(), "batch", str(source), "-o", str(output), "--as-of", AS_OF,
                                "--jobs", str(jobs)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    stderr = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"batch failed: {stderr[-2000:]}")
    return elapsed, usage.ru_maxrss


def library_rate(source: Path, rows: int) -> float:
    from atmpnav.text.batch import Options, classify_record, read_rows

    options = Options(as_of=AS_OF)
    with source.open(newline="", encoding="utf-8") as handle:
        batch = [row for _, row in zip(range(rows), read_rows(handle, str(source)), strict=False)]
    classify_record(batch[0], options)  # caches built, as the command's warm-up does
    started = time.perf_counter()
    for row in batch:
        classify_record(row, options)
    return len(batch) / (time.perf_counter() - started)


def digest_set_bytes(n: int) -> int:
    from atmpnav.text.batch import _digest

    tracemalloc.start()
    kept = {_digest(f"row-{i}") for i in range(n)}
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del kept
    return size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=4000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--check", action="store_true", help="exit 1 unless the speed-up target is met")
    args = parser.parse_args()
    repeats = max(3, args.repeats)
    small = max(100, args.rows // 4)

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="atmpnav-batch-bench-") as tmp:
        folder = Path(tmp)
        source, source_small = folder / "in.csv", folder / "small.csv"
        write_input(source, args.rows)
        write_input(source_small, small)
        baseline = [library_rate(source, min(args.rows, 400)) for _ in range(repeats)]
        source_tiny = folder / "tiny.csv"
        write_input(source_tiny, TINY)
        one, many, steady_one, steady_many, rss_one, rss_many, rss_small = [], [], [], [], [], [], []
        for n in range(repeats):
            tiny_one, _ = run_cli(source_tiny, folder / f"tiny-one-{n}.csv", 1)
            elapsed, rss = run_cli(source, folder / f"one-{n}.csv", 1)
            one.append(args.rows / elapsed)
            steady_one.append((args.rows - TINY) / max(1e-9, elapsed - tiny_one))
            rss_one.append(rss)
            tiny_many, _ = run_cli(source_tiny, folder / f"tiny-many-{n}.csv", args.jobs)
            elapsed, rss = run_cli(source, folder / f"many-{n}.csv", args.jobs)
            many.append(args.rows / elapsed)
            steady_many.append((args.rows - TINY) / max(1e-9, elapsed - tiny_many))
            rss_many.append(rss)
            _, rss = run_cli(source_small, folder / f"small-{n}.csv", args.jobs)
            rss_small.append(rss)
    load_after = os.getloadavg()
    digests = digest_set_bytes(1_000_000)

    base = statistics.median(baseline)
    rate_one, rate_many = statistics.median(one), statistics.median(many)
    speedup = statistics.median(m / o for m, o in zip(many, one, strict=True))
    steady = statistics.median(m / o for m, o in zip(steady_many, steady_one, strict=True))
    big, little = statistics.median(rss_many) / 1024, statistics.median(rss_small) / 1024
    per_thousand = (big - little) / ((args.rows - small) / 1000)
    print(f"Batch, {args.rows} rows, median of {repeats} runs; cores: {os.cpu_count()}; load average (1 min) "
          f"{load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print(f"  baseline: library loop, one process          {base:8.0f} rows/s   1.00x")
    print(f"  atmpnav batch --jobs 1                       {rate_one:8.0f} rows/s   {rate_one / base:4.2f}x")
    print(f"  atmpnav batch --jobs {args.jobs}                       {rate_many:8.0f} rows/s   "
          f"{rate_many / base:4.2f}x")
    print(f"  steady state (without start-up): --jobs 1 {statistics.median(steady_one):.0f} rows/s, "
          f"--jobs {args.jobs} {statistics.median(steady_many):.0f} rows/s")
    target = "met" if steady >= 1.7 else "NOT met"
    print(f"  speed-up of {args.jobs} jobs over 1 (same run): whole command {speedup:4.2f}x, steady state "
          f"{steady:4.2f}x   target >= 1.7x with 2 jobs on 2 cores: {target}")
    print(f"  largest process: {little:.0f} MiB at {small} rows, {big:.0f} MiB at {args.rows} rows "
          f"({per_thousand:+.2f} MiB per 1k rows); --jobs 1: {statistics.median(rss_one) / 1024:.0f} MiB")
    print(f"  per-row state: id digests {digests / 2**20:.0f} MiB at 1M ids (measured); "
          f"extrapolated run at 1M rows: about {big + digests / 2**20:.0f} MiB in the largest process")
    return 1 if args.check and steady < 1.7 else 0


if __name__ == "__main__":
    raise SystemExit(main())
