"""Work per item counted in CPU instructions (valgrind's cachegrind), beside a baseline counted the same way.

On a shared machine timings vary 1.5-3x from run to run, so a change of a few per cent cannot be seen in
them; instruction counts, with a fixed hash seed and one BLAS thread, repeat to about 0.2 %. Each workload
runs in a child process under ``valgrind --tool=cachegrind --cache-sim=no`` three times: set-up only, set-up
and the work, set-up and the baseline; the differences divided by the items are the instructions per item.
The workloads:

  * the EU engine (``classify_one`` on validated facts), complete and 10 % unknown facts, beside pydantic's
    validation of the same facts (the baseline of ``bench/engine_speed.py``);
  * ``classify_text`` with 5 precedents, beside TF-IDF + logistic regression predicting one text per call (the
    baseline of ``bench/text_speed.py``).

Instructions are not time: pydantic-core's and scikit-learn's compiled code retires more instructions per
clock cycle than the Python interpreter, so the engine's ratio in time is lower than its ratio in
instructions. Use this bench to measure a change, ``engine_speed.py`` and ``text_speed.py`` for the targets.
Needs valgrind (Debian: ``apt-get install valgrind``); under it Python runs about 50x slower, so a run takes
a few minutes. The texts are the first ``--texts`` scored descriptions, so compare counts of the same N.
Run: ``.venv/bin/python bench/instructions.py [--items N] [--texts N]``.
"""

from __future__ import annotations

import argparse
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

AS_OF = "2026-11-25"
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def _engine_child(mode: str, unknown: float, items: int) -> None:
    from atmpnav import facts as f
    from atmpnav.engine import classify_one, parse_date
    from engine_speed import generate

    day = parse_date(AS_OF)
    raw = generate(items, unknown)
    parsed = [f.ProductFacts.model_validate(d) for d in raw]
    for p in parsed[: max(1, items // 10)]:  # warm the caches both sides keep (steps, rule versions)
        classify_one(p, "EU", day)
    if mode == "work":
        for p in parsed:
            classify_one(p, "EU", day)
    elif mode == "baseline":
        for d in raw:
            f.ProductFacts.model_validate(d)


def _train_baseline(path: Path) -> None:
    """The baseline of bench/text_speed.py, trained once outside valgrind and pickled for the children."""
    from text_speed import tfidf_baseline

    path.write_bytes(pickle.dumps(tfidf_baseline()))


def _text_child(mode: str, items: int, model_path: str) -> None:
    from accuracy import load_items
    from atmpnav.text.classify import classify_text

    model = pickle.loads(Path(model_path).read_bytes())  # written by _train_baseline in this run
    texts = [(i.text, i.indication) for i in load_items()][:items]
    # warm, as bench/text_speed.py does: the vocabulary, the precedent index, the text model and the alternations
    # each text's words need (compiled at first need), so the count is of the steady state text_speed times
    for text, indication in texts:
        classify_text(text, indication, as_of=AS_OF, top=5)
        model.predict([text if not indication else f"{text} {indication}"])
    if mode == "work":
        for text, indication in texts:
            classify_text(text, indication, as_of=AS_OF, top=5)
    elif mode == "baseline":
        for text, indication in texts:
            model.predict([text if not indication else f"{text} {indication}"])


def _count(valgrind: str, *child: str) -> int:
    command = [valgrind, "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
               sys.executable, __file__, "--child", *child]
    # A fixed hash seed: string hashing decides dict and set layouts, and so a few per cent of the count. One BLAS
    # thread: idle OpenBLAS threads spin, and their instructions moved the count by 10-20 % from run to run.
    single = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    done = subprocess.run(command, capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONHASHSEED": "0", **single})
    found = _REFS.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"the child run {' '.join(child)} failed:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def _per_item(valgrind: str, items: int, workload: tuple[str, ...], *extra: str) -> tuple[float, float]:
    setup = _count(valgrind, *workload, "setup", str(items), *extra)
    work = _count(valgrind, *workload, "work", str(items), *extra)
    baseline = _count(valgrind, *workload, "baseline", str(items), *extra)
    return (work - setup) / items, (baseline - setup) / items


def _show(label: str, work: float, baseline: float, baseline_label: str) -> None:
    ratio = baseline / work
    print(f"  {label:<44} {work / 1e3:9,.0f} k instructions per item; {baseline_label} {baseline / 1e3:,.0f} k: "
          f"{ratio:.3f}x (1/{1 / ratio:.2f})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000, help="fact sets per engine workload")
    parser.add_argument("--texts", type=int, default=100, help="descriptions classified (at most the scored ones)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        workload: list[Any] = args.child
        if workload[0] == "engine":
            _engine_child(workload[2], float(workload[1]), int(workload[3]))
        else:
            _text_child(workload[1], int(workload[2]), workload[3])
        return
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind); see bench/engine_speed.py "
                         "for the timed figures")
    print(f"Instructions per item (cachegrind), {args.items:,} fact sets per engine workload:")
    for unknown in (0.0, 0.1):
        work, baseline = _per_item(valgrind, args.items, ("engine", str(unknown)))
        _show(f"EU engine, facts {unknown:.0%} unknown", work, baseline, "validation")
    from accuracy import load_items

    texts = min(args.texts, len(load_items()))
    with tempfile.TemporaryDirectory() as scratch:
        model_path = Path(scratch) / "tfidf.pickle"
        _train_baseline(model_path)
        work, baseline = _per_item(valgrind, texts, ("text",), str(model_path))
    _show(f"classify_text, 5 precedents ({texts} texts)", work, baseline, "TF-IDF + LR predict")


if __name__ == "__main__":
    main()
