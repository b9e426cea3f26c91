"""Accuracy benchmark of free-text classification (issue 3): ours vs two baselines, plus throughput.

Data sets:
  * labelled: bench/data/labelled_descriptions.yaml (descriptions written for this benchmark before
              the extractor was tuned; its errors were then used to improve the vocabulary);
  * heldout:  bench/data/heldout_descriptions.yaml (written after tuning, never used for tuning);
  * independent: bench/data/independent_descriptions.yaml (40 descriptions by a separate author who saw
              neither the extractor nor the other sets; labelled from rules.md only; never tuned on);
  * corpus:   the precedent corpus (src/atmpnav/data/precedents.yaml), leave-one-out: a case and the
              cases of the same product (its group) are left out of the precedent search.
Only the EU outcomes GTMP / sCTMP / TEP / not ATMP are scored; cases whose expected outcome is open
in law ("undetermined") are reported separately. A prediction is correct when it equals the expected
outcome or one of the alternatives the source allows (e.g. TC-062: TEP or sCTMP by claim).

Baselines, evaluated leave-one-out over the union of both sets (the same product group excluded):
  * majority class of the training cases;
  * TF-IDF (word 1-2 grams) + logistic regression (scikit-learn).

Run:  .venv/bin/python bench/accuracy.py [--markdown] [--repeat N]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from atmpnav.engine import classify_one
from atmpnav.precedents import corpus
from atmpnav.text.classify import classify_text
from atmpnav.text.extract import extract_facts

CLASSES = ("GTMP", "sCTMP", "TEP", "not ATMP")
AS_OF = "2026-11-25"
LABELLED = Path(__file__).parent / "data" / "labelled_descriptions.yaml"
HELDOUT = Path(__file__).parent / "data" / "heldout_descriptions.yaml"
INDEPENDENT = Path(__file__).parent / "data" / "independent_descriptions.yaml"


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    indication: str | None
    truth: str  # expected outcome (or "undetermined")
    accept: frozenset[str]  # outcomes scored as correct
    dataset: str  # labelled | corpus
    group: str  # same-product key for leave-one-out
    corpus_id: str | None = None


def load_items() -> list[Item]:
    items = []
    for dataset, path in (("labelled", LABELLED), ("heldout", HELDOUT), ("independent", INDEPENDENT)):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            truth = case["outcome"]
            items.append(Item(case["id"], case["text"], case.get("indication"), truth, frozenset([truth]), dataset,
                              f"{dataset}:{case['id']}"))
    for case in corpus():
        truth = case.outcome
        accept = frozenset([truth, *case.alternatives])
        items.append(Item(case.id, case.text if case.kind == "authorised" else case.title, None, truth, accept,
                          "corpus", f"corpus:{case.same_case}", case.id))
    return items


def scored(items: list[Item]) -> list[Item]:
    return [i for i in items if i.truth in CLASSES]


# --- systems ------------------------------------------------------------------------------------


def run_ours(items: list[Item]) -> dict[str, tuple[str, str]]:
    """id -> (outcome, likely_outcome)."""
    out = {}
    for item in items:
        envelope = classify_text(item.text, item.indication, as_of=AS_OF, top=0, exclude_id=item.corpus_id)
        verdict = envelope.verdicts["EU"]
        out[f"{item.dataset}:{item.id}"] = (verdict.outcome, verdict.likely_outcome)
    return out


def _training(items: list[Item], held_out: Item) -> list[Item]:
    return [i for i in items if i.group != held_out.group and i.truth in CLASSES]


def run_majority(items: list[Item]) -> dict[str, tuple[str, str]]:
    out = {}
    for item in items:
        counts = Counter(i.truth for i in _training(items, item))
        label = counts.most_common(1)[0][0]
        out[f"{item.dataset}:{item.id}"] = (label, label)
    return out


def run_tfidf(items: list[Item]) -> dict[str, tuple[str, str]]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    out = {}
    for item in items:
        train = _training(items, item)
        model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1),
                              LogisticRegression(max_iter=2000, C=10.0))
        model.fit([_full(i) for i in train], [i.truth for i in train])
        label = str(model.predict([_full(item)])[0])
        out[f"{item.dataset}:{item.id}"] = (label, label)
    return out


def _full(item: Item) -> str:
    return item.text if not item.indication else f"{item.text} {item.indication}"


# --- metrics ------------------------------------------------------------------------------------


@dataclass
class Figures:
    n: int
    likely_accuracy: float
    determined_coverage: float
    determined_accuracy: float
    macro_f1: float
    confusion: dict[str, Counter[str]]


def figures(items: list[Item], predictions: dict[str, tuple[str, str]]) -> Figures:
    rows = scored(items)
    likely_ok = 0
    determined = 0
    determined_ok = 0
    confusion: dict[str, Counter[str]] = {c: Counter() for c in CLASSES}
    pairs = []
    for item in rows:
        outcome, likely = predictions[f"{item.dataset}:{item.id}"]
        credited = item.truth if likely in item.accept else likely
        pairs.append((item.truth, credited))
        confusion[item.truth][likely] += 1
        likely_ok += likely in item.accept
        if outcome != "undetermined":
            determined += 1
            determined_ok += outcome in item.accept
    f1s = []
    for c in CLASSES:
        tp = sum(1 for t, p in pairs if t == c and p == c)
        fp = sum(1 for t, p in pairs if t != c and p == c)
        fn = sum(1 for t, p in pairs if t == c and p != c)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    n = len(rows)
    return Figures(n, likely_ok / n, determined / n, determined_ok / determined if determined else 0.0,
                   sum(f1s) / len(f1s), confusion)


def open_cases(items: list[Item], predictions: dict[str, tuple[str, str]]) -> tuple[int, int]:
    rows = [i for i in items if i.truth == "undetermined"]
    kept_open = sum(1 for i in rows if predictions[f"{i.dataset}:{i.id}"][0] == "undetermined")
    return len(rows), kept_open


# --- throughput ---------------------------------------------------------------------------------


def throughput(items: list[Item], repeat: int) -> tuple[float, float]:
    texts = [(i.text, i.indication) for i in items]
    for text, indication in texts:  # warm caches (vocabulary, index)
        classify_text(text, indication, as_of=AS_OF, top=0)
    start = time.perf_counter()
    for _ in range(repeat):
        for text, indication in texts:
            classify_one(extract_facts(text, indication).facts, "EU", AS_OF)
    core = len(texts) * repeat / (time.perf_counter() - start)
    start = time.perf_counter()
    for _ in range(repeat):
        for text, indication in texts:
            classify_text(text, indication, as_of=AS_OF, top=5)
    full = len(texts) * repeat / (time.perf_counter() - start)
    return core, full


# --- report -------------------------------------------------------------------------------------


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def report(items: list[Item], systems: dict[str, dict[str, tuple[str, str]]], markdown: bool) -> str:
    lines = []
    for dataset, label in (("labelled", "Labelled descriptions (written first; used while tuning)"),
                           ("heldout", "Fresh held-out descriptions (written after tuning; never tuned on)"),
                           ("independent", "Independent descriptions (another author; never seen or tuned on)"),
                           ("corpus", "Precedent corpus, leave-one-out"),
                           ("all", "All sets")):
        subset = items if dataset == "all" else [i for i in items if i.dataset == dataset]
        n_open, _ = open_cases(subset, systems["ours"])
        lines.append(f"\n### {label} ({len(scored(subset))} scored cases; {n_open} open in law, not scored)\n")
        lines.append("| system | likely_outcome accuracy | determined coverage | determined accuracy | macro-F1 |")
        lines.append("|---|---|---|---|---|")
        for name, preds in systems.items():
            f = figures(subset, preds)
            lines.append(f"| {name} | {_pct(f.likely_accuracy)} | {_pct(f.determined_coverage)} | "
                         f"{_pct(f.determined_accuracy)} | {f.macro_f1:.3f} |")
        if n_open:
            _, kept = open_cases(subset, systems["ours"])
            lines.append(f"\nOpen-in-law cases left `undetermined` by our rules: {kept}/{n_open}.")
        conf = figures(subset, systems["ours"]).confusion
        lines.append("\nConfusion matrix, ours (rows: expected; columns: likely_outcome):\n")
        lines.append("| expected \\ predicted | " + " | ".join(CLASSES) + " |")
        lines.append("|---|" + "---|" * len(CLASSES))
        for c in CLASSES:
            lines.append(f"| {c} | " + " | ".join(str(conf[c][p]) for p in CLASSES) + " |")
    text = "\n".join(lines)
    return text if markdown else text.replace("### ", "")


def errors(items: list[Item], predictions: dict[str, tuple[str, str]]) -> list[str]:
    out = []
    for item in scored(items):
        outcome, likely = predictions[f"{item.dataset}:{item.id}"]
        wrong_likely = likely not in item.accept
        wrong_determined = outcome != "undetermined" and outcome not in item.accept
        if wrong_likely or wrong_determined:
            out.append(f"  {item.dataset}:{item.id} expected {item.truth}: outcome {outcome}, likely {likely}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--repeat", type=int, default=20, help="passes over all texts for the throughput figure")
    parser.add_argument("--errors", action="store_true", help="list the cases our system gets wrong")
    args = parser.parse_args()
    items = load_items()
    systems = {"ours": run_ours(items), "majority class": run_majority(items), "TF-IDF + logistic regression":
               run_tfidf(items)}
    print(report(items, systems, args.markdown))
    if args.errors:
        print("\nErrors (ours):")
        print("\n".join(errors(items, systems["ours"])) or "  none")
    core, full = throughput(items, args.repeat)
    print(f"\nThroughput on one core ({len(items)} descriptions x {args.repeat}): "
          f"{core:,.0f} descriptions/s for extraction + classification; "
          f"{full:,.0f}/s with precedents (classify_text).")


if __name__ == "__main__":
    main()
