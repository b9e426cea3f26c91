"""A learned second opinion for descriptions the rules cannot decide: TF-IDF + logistic regression.

Where the EU rules leave a description's outcome open, the likely outcome is the outcome this
model rates highest **among the outcomes the open questions can still lead to** (the rules
decide which outcomes remain; the words only choose between them). It is shown as a statistical
estimate with the words that weighed most, never as a rule step, and states no probability: its
scores are not calibrated. bench/accuracy.py measures it leave-one-out on every benchmark set.

The weights are trained offline with scikit-learn (``scripts/train_text_model.py``, a development
tool) and shipped as data (``model.json``, with its provenance); prediction here is plain Python,
so running the tool needs neither scikit-learn nor a network. ``predict`` reproduces scikit-learn's
``TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)`` + ``LogisticRegression`` (multinomial)
``predict_proba`` (test: tests/text/test_model.py).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

# scikit-learn's default token pattern, lower-cased text: words of two or more characters
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
# the settings of the shipped model and of the bench's baseline (one definition for both)
NGRAMS = (1, 2)
C = 10.0
MAX_ITER = 2000
DIGITS = 6  # decimals kept in model.json


def terms(text: str) -> list[str]:
    """The model's features of a text: its word unigrams and bigrams, as scikit-learn builds them."""
    words = _TOKEN.findall(text.lower())
    low, high = NGRAMS
    out: list[str] = []
    for n in range(low, high + 1):
        out.extend(" ".join(words[i:i + n]) for i in range(len(words) - n + 1))
    return out


@dataclass(frozen=True)
class Scores:
    """The model's scores of one text: per outcome, and the words that raised each outcome most."""

    by_outcome: dict[str, float]
    words: dict[str, tuple[str, ...]]

    def best(self, among: Iterable[str] | None = None) -> str | None:
        """The highest-scored outcome, among ``among`` when given (None if none of them is scored)."""
        allowed = set(among) if among is not None else set(self.by_outcome)
        ranked = [(score, outcome) for outcome, score in self.by_outcome.items() if outcome in allowed]
        return max(ranked)[1] if ranked else None


@dataclass(frozen=True)
class TextModel:
    classes: tuple[str, ...]
    intercepts: tuple[float, ...]
    # term -> (idf, weight per class, in the order of ``classes``)
    weights: dict[str, tuple[float, tuple[float, ...]]]
    about: dict[str, Any]

    def scores(self, text: str, top_words: int = 3) -> Scores:
        """Softmax scores per outcome (scikit-learn's ``predict_proba``) and the most telling words."""
        counts = Counter(t for t in terms(text) if t in self.weights)
        tfidf = {t: (1.0 + math.log(n)) * self.weights[t][0] for t, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in tfidf.values())) or 1.0
        logits = list(self.intercepts)
        contributions: list[list[tuple[float, str]]] = [[] for _ in self.classes]
        for term, value in tfidf.items():
            x = value / norm
            for k, w in enumerate(self.weights[term][1]):
                logits[k] += x * w
                contributions[k].append((x * w, term))
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]
        total = sum(exps)
        by_outcome = {c: e / total for c, e in zip(self.classes, exps, strict=True)}
        words = {c: tuple(t for v, t in sorted(contributions[k], reverse=True)[:top_words] if v > 0)
                 for k, c in enumerate(self.classes)}
        return Scores(by_outcome, words)

    def to_json(self) -> str:
        data = {
            "about": self.about,
            "classes": list(self.classes),
            "intercepts": [round(v, DIGITS) for v in self.intercepts],
            "terms": {t: [round(idf, DIGITS), *(round(w, DIGITS) for w in ws)]
                      for t, (idf, ws) in sorted(self.weights.items())},
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), indent=None) + "\n"

    @classmethod
    def from_json(cls, text: str) -> TextModel:
        data = json.loads(text)
        weights = {t: (float(v[0]), tuple(float(w) for w in v[1:])) for t, v in data["terms"].items()}
        return cls(tuple(data["classes"]), tuple(float(v) for v in data["intercepts"]), weights, data["about"])


def train(texts: Sequence[str], labels: Sequence[str], about: dict[str, Any] | None = None) -> TextModel:
    """Fit the model with scikit-learn (a development dependency: training is offline)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(ngram_range=NGRAMS, sublinear_tf=True, min_df=1)
    matrix = vectorizer.fit_transform(texts)
    regression = LogisticRegression(max_iter=MAX_ITER, C=C)
    regression.fit(matrix, labels)
    classes = tuple(str(c) for c in regression.classes_)
    coef, intercepts = regression.coef_, regression.intercept_
    if len(classes) == 2:
        # two classes give one row z (P = sigmoid(z)); softmax over (-z/2, z/2) is the same sigmoid
        coef, intercepts = [-coef[0] / 2, coef[0] / 2], [-intercepts[0] / 2, intercepts[0] / 2]
    weights = {
        str(term): (float(vectorizer.idf_[j]), tuple(float(coef[k][j]) for k in range(len(classes))))
        for term, j in vectorizer.vocabulary_.items()
    }
    return TextModel(classes, tuple(float(b) for b in intercepts), weights, dict(about or {}))


@cache
def shipped_model() -> TextModel:
    """The model shipped with the package (``text/model.json``), loaded once per process."""
    text = resources.files("atmpnav.text").joinpath("model.json").read_text(encoding="utf-8")
    return TextModel.from_json(text)
