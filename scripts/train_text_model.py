"""Train the text model shipped in src/atmpnav/text/model.json (a development tool; needs scikit-learn).

The training examples are every labelled EU text of the benchmark (bench/accuracy.py `load_items`):
the project's labelled descriptions, the EMA/CAT summaries and test cases of the precedent corpus,
and the registry rows, each with its official or labelled outcome. The file records what it was
trained on (counts per set and a digest of the examples), so tests/text/test_model.py can tell
when the training data changed and the model must be trained again:

    .venv/bin/python scripts/train_text_model.py
"""

from __future__ import annotations

import hashlib
import sys
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from accuracy import CLASSES, _full, load_items  # noqa: E402

from atmpnav.text.model import C, NGRAMS, train  # noqa: E402

OUTPUT = ROOT / "src" / "atmpnav" / "text" / "model.json"


def training_examples() -> list[tuple[str, str, str]]:
    """(set, text, outcome) of every EU-labelled benchmark text, in a stable order."""
    return [(item.dataset, _full(item), item.truth) for item in load_items() if item.truth in CLASSES]


def digest(examples: list[tuple[str, str, str]]) -> str:
    h = hashlib.sha256()
    for _, text, label in examples:
        h.update(f"{label}\t{text}\n".encode())
    return h.hexdigest()


def main() -> None:
    import sklearn

    examples = training_examples()
    about = {
        "what": "TF-IDF (word 1-2 grams, sublinear tf) + multinomial logistic regression over the EU outcomes",
        "settings": {"ngram_range": list(NGRAMS), "C": C},
        "trained": date.today().isoformat(),
        "scikit_learn": sklearn.__version__,
        "examples": len(examples),
        "by_set": dict(sorted(Counter(s for s, _, _ in examples).items())),
        "digest": digest(examples),
        "sources": "bench/data/*.yaml (this project's descriptions, Apache-2.0); src/atmpnav/data/precedents.yaml "
                   "and the registry lists (see src/atmpnav/data/README.md for their sources and licences)",
    }
    model = train([t for _, t, _ in examples], [label for _, _, label in examples], about)
    OUTPUT.write_text(model.to_json(), encoding="utf-8")
    print(f"{OUTPUT.relative_to(ROOT)}: {len(model.weights):,} terms from {len(examples)} examples")


if __name__ == "__main__":
    main()
