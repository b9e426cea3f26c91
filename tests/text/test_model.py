"""The text model: it reproduces scikit-learn, the shipped file is current, and it only chooses among
the outcomes the rules leave open."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from atmpnav.text.classify import STATISTICAL, classify_text
from atmpnav.text.model import TextModel, shipped_model, terms, train

ROOT = Path(__file__).resolve().parents[2]
AS_OF = "2026-11-25"
TRAIN = [
    ("Autologous T cells transduced with a lentiviral CAR vector", "GTMP"),
    ("AAV9 vector carrying the SMN1 gene, intravenous", "GTMP"),
    ("Expanded autologous chondrocytes on a collagen membrane to repair cartilage", "TEP"),
    ("Keratinocyte sheets grown in culture for burns", "TEP"),
    ("Culture-expanded MSCs for graft-versus-host disease", "sCTMP"),
    ("Activated dendritic cells pulsed with tumour lysate", "sCTMP"),
    ("Fresh bone marrow for transplant, unmanipulated", "not ATMP"),
    ("Red cell concentrate for transfusion", "not ATMP"),
]
QUERIES = ["CAR T cells for lymphoma", "chondrocytes for the knee", "MSCs expanded for Crohn's fistula",
           "platelets for transfusion", "an unrelated sentence about nothing", ""]


def _reference(texts: list[str], labels: list[str]):
    """scikit-learn's own pipeline with the model's settings (what TextModel must reproduce)."""
    pytest.importorskip("sklearn")
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from atmpnav.text.model import MAX_ITER, NGRAMS, C

    return make_pipeline(TfidfVectorizer(ngram_range=NGRAMS, sublinear_tf=True, min_df=1),
                         LogisticRegression(max_iter=MAX_ITER, C=C)).fit(texts, labels)


def test_scores_reproduce_scikit_learn_predict_proba() -> None:
    texts, labels = [t for t, _ in TRAIN], [label for _, label in TRAIN]
    reference = _reference(texts, labels)
    model = train(texts, labels)
    for query, row in zip(QUERIES, reference.predict_proba(QUERIES), strict=True):
        ours = model.scores(query).by_outcome
        for outcome, p in zip(reference.classes_, row, strict=True):
            assert ours[str(outcome)] == pytest.approx(p, abs=1e-9)
    # the JSON round trip keeps six decimals: the ranking and the scores to 1e-4
    reloaded = TextModel.from_json(model.to_json())
    for query in QUERIES:
        a, b = model.scores(query), reloaded.scores(query)
        assert a.best() == b.best()
        assert all(abs(a.by_outcome[k] - b.by_outcome[k]) < 1e-4 for k in a.by_outcome)


def test_two_outcomes_give_the_sigmoid_of_scikit_learn() -> None:
    pairs = [(t, "351 gene therapy" if label == "GTMP" else "351 biologic") for t, label in TRAIN]
    texts, labels = [t for t, _ in pairs], [label for _, label in pairs]
    reference = _reference(texts, labels)
    model = train(texts, labels)
    for query, row in zip(QUERIES, reference.predict_proba(QUERIES), strict=True):
        assert model.scores(query).by_outcome[str(reference.classes_[1])] == pytest.approx(row[1], abs=1e-9)


def test_terms_are_scikit_learns_word_unigrams_and_bigrams() -> None:
    assert terms("CAR-T cells, a B") == ["car", "cells", "car cells"]


def test_the_shipped_model_was_trained_on_the_current_benchmark_texts() -> None:
    pytest.importorskip("sklearn")
    spec = importlib.util.spec_from_file_location("train_text_model", ROOT / "scripts" / "train_text_model.py")
    assert spec and spec.loader
    trainer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(trainer)
    examples = trainer.training_examples()
    about = shipped_model().about
    assert about["digest"] == trainer.digest(examples), (
        "the benchmark texts changed: retrain with `make model`")
    assert about["examples"] == len(examples) and about["scikit_learn"] and about["sources"]


def _fixed(intercepts: tuple[float, float, float, float]) -> TextModel:
    """A model that ignores the words: its preference is its intercepts alone."""
    return TextModel(("GTMP", "TEP", "not ATMP", "sCTMP"), intercepts, {}, {"examples": 0})


def test_the_model_only_chooses_among_the_outcomes_the_rules_leave_open() -> None:
    text = "Donor cells given intravenously for stroke"  # open between not ATMP and sCTMP (function, manipulation)
    prefers_gtmp = _fixed((9.0, 0.0, 0.0, 1.0))
    verdict = classify_text(text, as_of=AS_OF, top=0, text_model=prefers_gtmp).verdicts["EU"]
    assert verdict.outcome == "undetermined"
    assert verdict.likely_outcome == "sCTMP"  # GTMP is not reachable: the words cannot choose it
    note = next(n for n in verdict.notes if n.startswith(STATISTICAL))
    assert "not ATMP or sCTMP" in note and "not calibrated" in note
    verdict = classify_text(text, as_of=AS_OF, top=0, text_model=_fixed((9.0, 0.0, 2.0, 1.0))).verdicts["EU"]
    assert verdict.likely_outcome == "not ATMP" and verdict.confidence is None
    # the engine's facts-only estimate is kept as information, without the probability of another outcome
    assert not any(n.startswith("Likely sCTMP (probability") for n in verdict.notes)
    assert any(n.startswith("From the facts alone") for n in verdict.notes)


def test_the_model_does_not_guess_where_too_little_is_known_or_the_law_is_open() -> None:
    verdict = classify_text("Zzz qqq", as_of=AS_OF, top=0, text_model=_fixed((0.0, 0.0, 9.0, 0.0))).verdicts["EU"]
    assert verdict.likely_outcome == "undetermined"
    open_law = classify_text("Genetically modified pig kidney for xenotransplantation into a patient", as_of=AS_OF,
                             text_model=_fixed((0.0, 0.0, 9.0, 0.0))).verdicts["EU"]
    assert "A10" in open_law.ambiguity_ids
    assert not any("text model" in n for n in open_law.notes)
