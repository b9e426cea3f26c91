"""Speed of free-text classification, each figure beside a baseline measured in the same run (issue 14).

  * start-up: `atmpnav classify --text ...` (a fresh process, the caches warm) vs
    `python -c "import pydantic, yaml"`; medians of interleaved runs; target <= 2.5x;
  * classify_text with 5 precedents, one text per call, vs the TF-IDF + logistic regression
    baseline predicting one text per call (trained once on the benchmark's descriptions); target >= 1x;
  * extraction + classification (no precedents) per second on one core; target >= 1,000/s;
  * precedent search on a synthetic corpus of N cases (tokens drawn from the shipped corpus's
    vocabulary with its frequencies, lengths like the shipped cases): index build time and time per
    query (median and 95th percentile over real descriptions); targets at 100k: build <= 10 s,
    query <= 20 ms; with the time of the same query on the shipped corpus.

Run:  .venv/bin/python bench/text_speed.py [--cases 100000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from accuracy import AS_OF, load_items
from atmpnav.engine import classify_one
from atmpnav.precedents import BM25Index, _document, _index, corpus, tokenize
from atmpnav.text.classify import classify_text
from atmpnav.text.extract import extract_facts

BIN = Path(sys.executable).parent


def _run(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def startup(repeat: int) -> tuple[float, float]:
    base = [sys.executable, "-c", "import pydantic, yaml"]
    text = [str(BIN / "atmpnav"), "classify", "--text", "Autologous tumour-infiltrating lymphocytes for melanoma"]
    _run(text)  # warm the caches (built at first use)
    bases, texts = [], []
    for _ in range(repeat):
        bases.append(_run(base))
        texts.append(_run(text))
    return statistics.median(bases), statistics.median(texts)


def tfidf_baseline() -> Any:
    """TF-IDF + logistic regression trained on the benchmark's descriptions (also bench/instructions.py)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    items = [i for i in load_items() if i.truth in ("GTMP", "sCTMP", "TEP", "not ATMP")]
    model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                          LogisticRegression(max_iter=2000, C=10.0))
    model.fit([i.text for i in items], [i.truth for i in items])
    return model


def per_call(texts: list[tuple[str, str | None]], repeat: int) -> tuple[float, float, float]:
    model = tfidf_baseline()
    joined = [t if not ind else f"{t} {ind}" for t, ind in texts]
    for t, ind in texts:  # warm
        classify_text(t, ind, as_of=AS_OF, top=5)
    best = {"tfidf": 0.0, "ours": 0.0, "core": 0.0}
    for _ in range(repeat):
        start = time.perf_counter()
        for t in joined:
            model.predict([t])
        best["tfidf"] = max(best["tfidf"], len(texts) / (time.perf_counter() - start))
        start = time.perf_counter()
        for t, ind in texts:
            classify_text(t, ind, as_of=AS_OF, top=5)
        best["ours"] = max(best["ours"], len(texts) / (time.perf_counter() - start))
        start = time.perf_counter()
        for t, ind in texts:
            classify_one(extract_facts(t, ind).facts, "EU", AS_OF)
        best["core"] = max(best["core"], len(texts) / (time.perf_counter() - start))
    return best["tfidf"], best["ours"], best["core"]


def synthetic(cases: int, queries: list[list[str]]) -> tuple[float, float, float, float]:
    docs = [tokenize(_document(c)) for c in corpus()]
    pool = [t for d in docs for t in d]  # token frequencies of the shipped corpus
    lengths = [len(d) for d in docs]
    rng = random.Random(14)
    generated = [rng.choices(pool, k=rng.choice(lengths)) for _ in range(cases)]
    start = time.perf_counter()
    index = BM25Index.build(generated)
    build = time.perf_counter() - start
    times = []
    for query in queries:
        start = time.perf_counter()
        index.top(query, 5)
        times.append(time.perf_counter() - start)
    times.sort()
    shipped = _index().bm25
    small = []
    for query in queries:
        start = time.perf_counter()
        shipped.top(query, 5)
        small.append(time.perf_counter() - start)
    return build, statistics.median(times), times[int(len(times) * 0.95)], statistics.median(small)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="size of the synthetic precedent corpus")
    parser.add_argument("--repeat", type=int, default=5, help="runs per start-up figure and throughput passes")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    items = load_items()
    texts = [(i.text, i.indication) for i in items]
    base, text = startup(args.repeat)
    print(f"start-up: classify --text {text:.3f} s vs python -c 'import pydantic, yaml' {base:.3f} s "
          f"-> {text / base:.2f}x (target <= 2.5x)")
    tfidf, ours, core = per_call(texts, args.repeat)
    print(f"classify_text with 5 precedents: {ours:,.0f}/s vs TF-IDF + LR one text per call {tfidf:,.0f}/s "
          f"-> {ours / tfidf:.2f}x (target >= 1x)")
    print(f"extraction + classification, one core: {core:,.0f} descriptions/s (target >= 1,000/s)")
    queries = [tokenize(t if not ind else f"{t} {ind}") for t, ind in texts]
    build, p50, p95, small = synthetic(args.cases, queries)
    print(f"precedent search, {args.cases:,} synthetic cases: build {build:.2f} s (target <= 10 s); query median "
          f"{p50 * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms (target <= 20 ms); same queries on the shipped "
          f"{len(corpus())} cases: median {small * 1000:.3f} ms")
    print(f"load average (1 min): {load_before:.2f} at the start, {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
