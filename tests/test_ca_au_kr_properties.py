"""Properties of the Canadian, Australian and Korean rule sets over generated facts (with their own facts)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atmpnav.engine import classify_one
from atmpnav.fact_paths import get_fact
from atmpnav.facts import ProductFacts, with_fact
from atmpnav.law import JURISDICTIONS
from atmpnav.questions import QUESTIONS
from tests.strategies import facts_dicts

DAY = "2026-11-25"
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VOCABULARY = {
    "CA": {"biologic drug (Schedule D)", "CTO regulations", "drug", "medical device", "other"},
    "AU": {f"biological class {n}" for n in range(1, 5)} | {"excluded (autologous)", "exempt (autologous)",
                                                           "not a biological: prescription medicine",
                                                           "not a biological: other", "medical device"},
    "KR": {f"advanced biological product: {kind}" for kind in ("cell therapy", "gene therapy", "tissue engineering",
                                                              "combination")} | {"not an advanced biological product"},
}
OWN_FACTS = sorted(f.split(".", 1)[1] for f, q in QUESTIONS.items()
                   if set(q.jurisdictions) & set(VOCABULARY) and f.startswith("cells_or_tissues."))


def _with_own_facts(data: dict[str, Any], complete: bool = False) -> st.SearchStrategy[ProductFacts]:
    booleans = {name: st.booleans() for name in OWN_FACTS}
    extra = st.fixed_dictionaries(booleans) if complete else st.fixed_dictionaries({}, optional=booleans)

    def merge(values: dict[str, bool]) -> ProductFacts:
        if "cells_or_tissues" in data:
            data["cells_or_tissues"] = {**data["cells_or_tissues"], **values}
        return ProductFacts.model_validate(data)

    return extra.map(merge)


FACTS = facts_dicts().filter(
    lambda d: d.get("special_category") != "organ_for_transplant" or "cells_or_tissues" in d
).flatmap(_with_own_facts)


@pytest.mark.parametrize("code", sorted(VOCABULARY))
@SETTINGS
@given(facts=FACTS)
def test_well_formed_deterministic_and_never_guessing(code: str, facts: ProductFacts) -> None:
    verdict = classify_one(facts, code, DAY)
    assert verdict.outcome in VOCABULARY[code] | {"undetermined"}
    # Decided with facts missing only by cases: every answer to them leads to the same outcome.
    assert verdict.determined == (not verdict.missing or verdict.decided_by_cases)
    assert (verdict.advanced is None) == (not verdict.determined)
    if verdict.advanced:
        assert verdict.outcome in JURISDICTIONS[code].advanced_outcomes or verdict.outcome.startswith("not a biol")
    for missing in verdict.missing:
        assert get_fact(facts, missing.fact) is None, f"{missing.fact} is known but reported missing"
        assert missing.fact in QUESTIONS
    for step in verdict.steps:
        assert step.rule.startswith(f"{code}-") and step.basis
    assert classify_one(ProductFacts.model_validate(facts.model_dump()), code, DAY).model_dump() == \
        verdict.model_dump()


COMPLETE = facts_dicts(complete=True).filter(
    lambda d: d["product_role"] == "finished_product" and d["for_human_administration"]
    and (d.get("special_category") != "organ_for_transplant" or "cells_or_tissues" in d)
).flatmap(lambda d: _with_own_facts(d, complete=True))


@pytest.mark.parametrize("code", sorted(VOCABULARY))
@SETTINGS
@given(facts=COMPLETE)
def test_complete_facts_always_decide(code: str, facts: ProductFacts) -> None:
    verdict = classify_one(facts, code, DAY)
    assert verdict.missing == [] and verdict.outcome in VOCABULARY[code]
    assert verdict.advanced is not None


@pytest.mark.parametrize("code", sorted(VOCABULARY))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=FACTS)
def test_answering_what_is_asked_reaches_a_decision(code: str, facts: ProductFacts) -> None:
    for _ in range(40):
        verdict = classify_one(facts, code, DAY)
        if not verdict.missing:
            return
        question = QUESTIONS[verdict.missing[0].fact]
        value: Any = True if question.kind == "bool" else question.options[0]
        facts = with_fact(facts, question.fact, [value] if question.kind == "list" else value)
    raise AssertionError("the questionnaire did not converge")
