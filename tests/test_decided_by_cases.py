"""Decided by cases: unknown facts that cannot change the outcome no longer hold a verdict undetermined.

The engine answers the open questions every possible way (answer_open_questions); when each combination leads the
rules to the same classification, the verdict is decided, with the open facts still asked, the steps every case
shares, and a note naming each case. Where the cases agree on the outcome but not on the regime, the regime is left
open between the regimes they reach (docs/facts-and-verdicts.md, ``decided_by_cases`` and ``regime_open``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from atmpnav.consequences import attach_consequences, route_to_market
from atmpnav.engine import _run, _settled_by_cases, answer_open_questions, classify, classify_one, parse_date, ruleset
from atmpnav.facts import ProductFacts, with_fact
from atmpnav.views.text import headline, render_verdict

DAY = "2026-11-25"

# A medicinal product with neither nucleic acid nor cells: not an ATMP; only whether its active substance is
# biological or chemical (EU-G12) is unknown, and that decides the regime alone.
NO_CELLS_NO_NUCLEIC_ACID: dict[str, Any] = {
    "for_human_administration": True,
    "product_role": "finished_product",
    "claimed_purpose": "treat_prevent_diagnose",
    "vaccine_against_infectious_disease": False,
    "administration_route": "injection",
}

# Expanded autologous chondrocytes for cartilage repair, carrying a marker gene whose effect is not the therapeutic
# one; how the nucleic acid was made is unknown. Recombinant, synthetic or natural, it is not a GTMP (EU-G4 or
# EU-G2 fails), so the product is a TEP whichever way it is answered.
MARKED_CHONDROCYTES: dict[str, Any] = {
    "for_human_administration": True,
    "product_role": "finished_product",
    "claimed_purpose": "regenerate_repair_replace",
    "vaccine_against_infectious_disease": False,
    "nucleic_acid": {"present": True, "vehicle": "modified_cells", "effect_from_sequence": False,
                     "transgene_role": "marker", "genome_editing": "none"},
    "cells_or_tissues": {"present": True, "form": "intact_cells", "source": "autologous", "viability": "viable",
                         "mode_of_action": "physical_structural", "manipulations": ["expansion"],
                         "tissue_origin": "cartilage", "cell_type": "chondrocytes",
                         "intended_action": "cartilage_repair"},
}


def _facts(data: dict[str, Any]) -> ProductFacts:
    return ProductFacts.model_validate(data)


def test_not_atmp_whatever_the_substance_with_the_regime_left_open() -> None:
    verdict = classify_one(_facts(NO_CELLS_NO_NUCLEIC_ACID), "EU", DAY)
    assert verdict.outcome == verdict.likely_outcome == "not ATMP"
    assert verdict.decided_by_cases and verdict.confidence == 1.0 and verdict.advanced is False
    assert verdict.regime is None
    assert verdict.regime_open == ["biological_medicinal_product", "chemical_medicinal_product"]
    assert [m.fact for m in verdict.missing] == ["biological_active_substance"]  # still asked: it settles the regime
    assert verdict.steps[-1].rule == "EU-G12" and verdict.steps[-1].answer == "unknown"
    note = next(n for n in verdict.notes if n.startswith("Decided by cases"))
    assert "biological_active_substance yes: not ATMP, regime biological_medicinal_product (EU-G12 yes)" in note
    assert "biological_active_substance no: not ATMP, regime chemical_medicinal_product (EU-G12 no)" in note


def test_each_regime_left_open_gets_its_consequences_as_a_condition() -> None:
    envelope = attach_consequences(classify(_facts(NO_CELLS_NO_NUCLEIC_ACID), ["EU"], DAY))
    verdict = envelope.verdicts["EU"]
    pathways = [c.text for c in verdict.consequences if c.topic == "pathway"]
    assert pathways == [
        "If it is under the biological medicinal product regime: A (non-ATMP) biological medicinal product: "
        "marketing authorisation under the general rules.",
        "If it is under the chemical medicinal product regime: A (non-ATMP) medicinal product: marketing "
        "authorisation under the general rules.",
    ]
    # what follows under either regime is said once, without a condition
    assert sum(c.topic == "next_step" for c in verdict.consequences) == 1
    assert not any("national regime" in c.text for c in verdict.consequences)  # not the fallback for no regime
    assert route_to_market(verdict) == "MA (not ATMP)"
    assert "regime open: biological medicinal product or chemical medicinal product" in headline(verdict)
    assert "to settle the regime; the classification does not depend on them" in render_verdict(verdict)


def test_where_both_regimes_are_one_the_regime_is_decided_too() -> None:
    """UK law maps biological and chemical medicinal products alike, so nothing is left open but the question."""
    verdict = classify_one(_facts(NO_CELLS_NO_NUCLEIC_ACID), "UK", DAY)
    assert verdict.outcome == "not ATMP" and verdict.decided_by_cases
    assert verdict.regime == "medicinal_product" and verdict.regime_open == []
    assert "every answer leads to the same classification" in render_verdict(verdict)


def test_cases_that_disagree_leave_the_verdict_undetermined() -> None:
    """US law makes a biological a 351 biologic and a chemical a drug: the same fact now decides the outcome."""
    verdict = classify_one(_facts(NO_CELLS_NO_NUCLEIC_ACID), "US", DAY)
    assert verdict.outcome == "undetermined" and not verdict.decided_by_cases
    assert [m.fact for m in verdict.missing] == ["biological_active_substance"]


def test_the_steps_every_case_shares_carry_the_argument() -> None:
    verdict = classify_one(_facts(MARKED_CHONDROCYTES), "EU", DAY)
    assert verdict.outcome == "TEP" and verdict.decided_by_cases and verdict.regime == "atmp_centralised"
    assert verdict.regime_open == []
    rules = [s.rule for s in verdict.steps]
    assert rules.index("EU-G2") < rules.index("EU-C1")  # the open step, then the shared steps
    assert {"EU-M2", "EU-T1", "EU-C3"} <= set(rules)  # why it is a TEP holds in every case
    assert "EU-G7" not in rules and "EU-G10" not in rules  # steps of one case only are in the note
    assert next(s for s in verdict.steps if s.rule == "EU-G2").answer == "unknown"
    assert [m.fact for m in verdict.missing] == ["nucleic_acid.origin"]
    note = next(n for n in verdict.notes if n.startswith("Decided by cases"))
    for origin in ("recombinant", "synthetic", "natural"):
        assert f"nucleic_acid.origin = {origin}: TEP (" in note
    assert "EU-G4 no" in note and "EU-G7 yes" in note
    # an open point of law met in one of the cases (A5, synthetic nucleic acids) is listed: no figure is given
    assert verdict.ambiguity_ids == ["A5"] and verdict.confidence is None


def test_answering_the_open_fact_keeps_the_outcome() -> None:
    facts = _facts(MARKED_CHONDROCYTES)
    for origin in ("recombinant", "synthetic", "natural"):
        answered = classify_one(with_fact(facts, "nucleic_acid.origin", origin), "EU", DAY)
        assert answered.outcome == "TEP" and not answered.decided_by_cases and answered.missing == []


def test_a_list_of_steps_is_never_decided_by_cases() -> None:
    """Only representative lists of manufacturing steps can be tried: the exploration is not complete."""
    data = {**MARKED_CHONDROCYTES, "nucleic_acid": None}
    data["cells_or_tissues"] = {**MARKED_CHONDROCYTES["cells_or_tissues"], "manipulations": None}
    facts = _facts(data)
    rules = ruleset("EU")
    inquiry, decision, _ = _run(rules, facts, parse_date(DAY))
    assert decision is None and "cells_or_tissues.manipulations" in inquiry.missing
    explored = answer_open_questions(rules, facts, parse_date(DAY), inquiry.missing)
    assert not explored.complete
    assert not classify_one(facts, "EU", DAY).decided_by_cases


def test_cases_with_a_regime_and_cases_without_one_are_not_decided_by_cases() -> None:
    """"Regime open" would name only the cases that reach a regime: the verdict stays undetermined."""
    facts = _facts(NO_CELLS_NO_NUCLEIC_ACID)
    rules = ruleset("EU")
    inquiry, decision, _ = _run(rules, facts, parse_date(DAY))
    explored = answer_open_questions(rules, facts, parse_date(DAY), inquiry.missing)
    assert decision is None and _settled_by_cases(rules, inquiry, explored) is not None
    first, *rest = explored.leaves
    without_regime = replace(first, decision=replace(first.decision, regime=None))
    assert _settled_by_cases(rules, inquiry, replace(explored, leaves=(without_regime, *rest))) is None


def test_the_contract_fields_are_in_the_json() -> None:
    dumped = classify_one(_facts(NO_CELLS_NO_NUCLEIC_ACID), "EU", DAY).model_dump(mode="json")
    assert dumped["decided_by_cases"] is True and dumped["regime"] is None
    assert dumped["regime_open"] == ["biological_medicinal_product", "chemical_medicinal_product"]
    decided = classify_one(_facts({**NO_CELLS_NO_NUCLEIC_ACID, "biological_active_substance": True}), "EU", DAY)
    assert decided.model_dump(mode="json")["decided_by_cases"] is False and decided.regime_open == []
