"""Honest uncertainty: confidence is a calibrated probability or absent; ties are open; ambiguities explained."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from atmpnav.cli import app
from atmpnav.engine import (
    answer_open_questions,
    classify_one,
    classify_one_explored,
    is_estimate_note,
    parse_date,
    ruleset,
)
from atmpnav.facts import ProductFacts, parse_facts
from atmpnav.law import priors

DAY = "2026-11-25"
runner = CliRunner()


def test_no_facts_and_name_only_give_no_likely_outcome() -> None:
    for facts in (ProductFacts(), ProductFacts(name="Lorem ipsum")):
        verdict = classify_one(facts, "EU", DAY)
        assert verdict.outcome == "undetermined"
        assert verdict.likely_outcome == "undetermined"
        assert verdict.confidence is None
        assert any("Too little is known" in note for note in verdict.notes)


def test_a_likely_outcome_carries_a_calibrated_probability() -> None:
    # CAR-T-like facts with the vector's role unknown: the estimate leans on known products.
    facts = parse_facts({
        "for_human_administration": True, "product_role": "finished_product",
        "claimed_purpose": "treat_prevent_diagnose", "disease_target": "tumour",
        "nucleic_acid": {"present": True, "origin": "recombinant", "vehicle": "modified_cells",
                         "acts_on_genetic_sequence": True, "genome_editing": "none"},
        "cells_or_tissues": {"present": True, "form": "intact_cells", "source": "autologous", "viability": "viable",
                             "blood_component": False, "manipulations": ["activation", "genetic_modification",
                                                                         "expansion"]},
    })
    verdict = classify_one(facts, "EU", DAY)
    assert verdict.outcome == "undetermined"
    assert verdict.likely_outcome in {"GTMP", "sCTMP"}
    assert verdict.confidence in {round(b[2], 2) for b in priors._calibration()}
    assert any("probability" in note for note in verdict.notes)


def test_a_near_tie_is_reported_as_open_between_outcomes() -> None:
    # Expanded cells with no claim known: TEP and sCTMP hang on one question answered about equally often.
    facts = parse_facts({
        "for_human_administration": True, "product_role": "finished_product",
        "cells_or_tissues": {"present": True, "form": "intact_cells", "source": "xenogeneic", "viability": "viable",
                             "blood_component": False, "manipulations": ["expansion"]},
    })
    verdict = classify_one(facts, "EU", DAY)
    assert verdict.outcome == "undetermined"
    if verdict.open_between:
        assert verdict.likely_outcome == "undetermined" and verdict.confidence is None
        assert any(note.startswith("Open between") for note in verdict.notes)
    else:  # when one side clearly dominates, it is a likely outcome with a probability
        assert verdict.confidence is not None


def test_the_estimate_hands_on_its_exploration_and_its_note_is_recognisable() -> None:
    facts = parse_facts({
        "for_human_administration": True, "product_role": "finished_product",
        "cells_or_tissues": {"present": True, "form": "intact_cells", "source": "xenogeneic", "viability": "viable",
                             "blood_component": False, "manipulations": ["expansion"]},
    })
    verdict, explored = classify_one_explored(facts, "EU", DAY)
    assert explored is not None
    missing = [m.fact for m in verdict.missing]
    rules = ruleset("EU")
    assert explored == answer_open_questions(rules, facts, parse_date(DAY), missing)  # what the estimate rests on
    assert set(explored.reachable) <= set(rules.outcomes)
    estimates = [n for n in verdict.notes if is_estimate_note(n)]
    assert len(estimates) == 1 and estimates[0].startswith(("Likely ", "Open between "))
    assert not any(is_estimate_note(n) for n in classify_one(ProductFacts(), "EU", DAY).notes)
    decided, nothing = classify_one_explored(parse_facts({"for_human_administration": False}), "EU", DAY)
    assert decided.determined and nothing is None


def test_ambiguities_are_explained_in_the_json_and_by_the_cli() -> None:
    facts = parse_facts({
        "for_human_administration": True, "product_role": "finished_product",
        "claimed_purpose": "regenerate_repair_replace",
        "cells_or_tissues": {"present": True, "form": "intact_cells", "source": "autologous", "viability": "viable",
                             "blood_component": False, "manipulations": ["cell_separation"],
                             "tissue_origin": "bone_marrow", "cell_type": "mononuclear_cells",
                             "intended_action": "heart_repair"},
    })
    verdict = classify_one(facts, "EU", DAY)
    assert verdict.outcome == "TEP"
    a2 = next(a for a in verdict.ambiguities if a.id == "A2")
    assert a2.title and a2.explanation
    assert verdict.confidence is None  # decided on an open point of law: no figure
    shown = runner.invoke(app, ["rules", "A2", "--json"])
    assert shown.exit_code == 0 and json.loads(shown.output)["rules"]


def test_the_priors_table_is_built_from_the_shipped_facts_files() -> None:
    products = Path(priors.__file__).resolve().parent.parent / "data" / "products"
    shipped = json.loads(Path(priors.__file__).with_name(priors.PRIORS_FILE).read_text(encoding="utf-8"))
    assert shipped["counts"] == priors.build(products)["counts"], "run `python -m atmpnav.law.priors`"
