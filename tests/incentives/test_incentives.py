"""Incentives and procedures: each record shown where its conditions are met and not otherwise, with its
basis; unknown facts are asked; dated records switch on their dates."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atmpnav.assess import AssessmentInput, evaluate
from atmpnav.facts import ProductFacts
from atmpnav.incentives import load_incentives
from tests.gmp.products import make
from tests.strategies import product_facts

EU_STRONG = {"sme": True, "unmet_medical_need": True, "serious_condition": True, "orphan_prevalence_per_10000": 2,
             "paediatric_relevance": True, "preliminary_clinical_evidence": True, "clinical_trial_planned": True}
US_STRONG = {**EU_STRONG, "us_patients": 5000}
WEAK = {"sme": False, "unmet_medical_need": False, "serious_condition": False, "life_threatening": False,
        "orphan_prevalence_per_10000": 30, "paediatric_relevance": False, "preliminary_clinical_evidence": False,
        "clinical_trial_planned": False, "us_patients": 900000}


def names(base: str, development: dict[str, Any], jurisdiction: str = "EU", as_of: str | None = None,
          manufacturing: dict[str, Any] | None = None) -> dict[str, Any]:
    facts = make(base, manufacturing, development)
    verdict = evaluate(AssessmentInput.of_facts(facts), (jurisdiction,), as_of).verdicts[jurisdiction]
    return {c.text.split(":")[0]: c for c in verdict.consequences if c.topic in {"incentive", "procedure"}}


# (record id, name, jurisdiction, base, triggering development, not triggering development, as_of)
CASES = [
    ("EU-PRIME", "PRIME (priority medicines)", "EU", "car_t", EU_STRONG, WEAK, None),
    ("EU-ORPHAN", "Orphan designation", "EU", "car_t", EU_STRONG, {**EU_STRONG, "orphan_prevalence_per_10000": 6},
     None),
    ("EU-SME-CERTIFICATION", "ATMP certification of quality and non-clinical data (SMEs)", "EU", "msc", EU_STRONG,
     WEAK, None),
    ("EU-ATMP-ADVICE-FEE", "Scientific-advice fee reduction for ATMPs", "EU", "msc", WEAK, WEAK, "2024-06-01"),
    ("EU-ATMP-ADVICE-FEE-2025", "EMA fees from 2025", "EU", "msc", WEAK, WEAK, None),
    ("EU-SME-FEES", "SME fee reductions and assistance", "EU", "aav", EU_STRONG, WEAK, None),
    ("EU-MA-FEE-HOSPITAL-SME", "Marketing-authorisation fee reduction (hospitals and SMEs)", "EU", "aav", EU_STRONG,
     WEAK, None),
    ("EU-CONDITIONAL-MA", "Conditional marketing authorisation", "EU", "aav", EU_STRONG,
     {**EU_STRONG, "serious_condition": False}, None),
    ("EU-CONDITIONAL-MA-BEFORE-2022", "Conditional marketing authorisation", "EU", "aav", EU_STRONG,
     {**EU_STRONG, "unmet_medical_need": False}, "2021-06-01"),
    ("EU-ACCELERATED-ASSESSMENT", "Accelerated assessment", "EU", "msc", EU_STRONG, WEAK, None),
    ("EU-PIP", "Paediatric investigation plan", "EU", "msc", EU_STRONG, WEAK, None),
    ("EU-PIP-WAIVER", "Paediatric waiver", "EU", "msc", WEAK, EU_STRONG, None),
    ("EU-GMO-CLINICAL-TRIALS", "GMO requirements for clinical trials", "EU", "car_t", EU_STRONG, WEAK, None),
    ("US-RMAT", "RMAT designation", "US", "car_t", US_STRONG, {**US_STRONG, "preliminary_clinical_evidence": False},
     None),
    ("US-BREAKTHROUGH", "Breakthrough therapy designation", "US", "aav", US_STRONG, WEAK, None),
    ("US-ORPHAN", "Orphan drug designation", "US", "aav", US_STRONG, WEAK, None),
    ("US-IND", "Investigational new drug application", "US", "msc", US_STRONG, WEAK, None),
    ("US-LONG-TERM-FOLLOW-UP", "Long-term follow-up", "US", "aav", WEAK, WEAK, None),
]


@pytest.mark.parametrize(("record", "name", "jurisdiction", "base", "strong", "weak", "as_of"), CASES,
                         ids=[c[0] for c in CASES])
def test_each_incentive_only_where_its_conditions_are_met(record: str, name: str, jurisdiction: str, base: str,
                                                          strong: dict, weak: dict, as_of: str | None) -> None:
    shown = names(base, strong, jurisdiction, as_of)
    assert name in shown, record
    assert shown[name].basis and "Because:" in shown[name].text
    if record == "US-LONG-TERM-FOLLOW-UP":
        assert name not in names("msc", weak, jurisdiction, as_of)  # a cell therapy, not a gene therapy
    elif record.startswith("EU-ATMP-ADVICE-FEE"):
        assert name not in names("hsc", weak, jurisdiction, as_of)  # not an ATMP
    else:
        assert name not in names(base, weak, jurisdiction, as_of), record


def test_every_record_is_exercised() -> None:
    ids = {r.id for records, _ in load_incentives().values() for r in records}
    assert ids == {c[0] for c in CASES}


def test_dated_fee_records() -> None:
    assert "Scientific-advice fee reduction for ATMPs" not in names("msc", WEAK, as_of="2025-01-01")
    assert "EMA fees from 2025" not in names("msc", WEAK, as_of="2024-12-31")


def test_unknown_development_facts_are_asked() -> None:
    verdict = evaluate(AssessmentInput.of_facts(make("car_t"))).verdicts["EU"]
    ask = [c for c in verdict.consequences if c.topic == "next_step" and "further incentives" in c.text]
    assert ask and "development.orphan_prevalence_per_10000" in ask[0].text
    complete = evaluate(AssessmentInput.of_facts(make("car_t", {"stage": "investigational"},
                                                      {**WEAK, "life_threatening": False}))).verdicts["EU"]
    assert not [c for c in complete.consequences if "further incentives" in c.text]


def test_not_an_atmp_gets_no_atmp_incentives() -> None:
    assert names("hsc", EU_STRONG) == {}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=product_facts(), code=st.sampled_from(["EU", "US", "UK", "JP"]),
       development=st.sampled_from([None, EU_STRONG, US_STRONG, WEAK, {"sme": True}, {"us_patients": 150000}]))
def test_the_kept_matches_are_the_matches_the_conditions_give(facts: ProductFacts, code: str,
                                                               development: dict[str, Any] | None) -> None:
    """matching() keeps its result per the context values the conditions read: the key must hold those values
    exactly as build_context gives them, and a kept result must equal a fresh evaluation."""
    from atmpnav.conditions import build_context, context_paths, context_values
    from atmpnav.engine import classify_one
    from atmpnav.incentives import catalogue

    if development is not None:
        facts = ProductFacts.model_validate({**facts.model_dump(exclude_none=True), "development": development})
    verdict = classify_one(facts, code, "2026-11-25")
    context = build_context(facts, verdict)
    paths = tuple(sorted(context_paths()))
    assert context_values(facts, verdict, paths) == tuple(context[p] for p in paths)
    day = date.fromisoformat(verdict.as_of)
    assert catalogue.matching(verdict, facts) == catalogue._match(code, day, context)
