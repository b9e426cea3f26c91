"""Properties every rule set keeps, over generated facts: what a verdict asks is unknown and askable, and
answering it (any answer) reaches a decision. The AU and CH rule sets once asked a fact already given, or the
legal judgement itself instead of the observable facts behind it (issue 8 §2): that case is its own test
(test_ca_au_kr.py); these properties look for others in every rule set, the EU's and the US's included."""

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
# The yes/no facts of the cell block that only some rule sets read (AU's exemption tiers, KR's treatment system...).
OWN_FACTS = sorted(f.split(".", 1)[1] for f, q in QUESTIONS.items()
                   if f.startswith("cells_or_tissues.") and q.kind == "bool")


def _with_own_facts(data: dict[str, Any]) -> st.SearchStrategy[ProductFacts]:
    def merge(values: dict[str, bool]) -> ProductFacts:
        if "cells_or_tissues" in data:
            data["cells_or_tissues"] = {**data["cells_or_tissues"], **values}
        return ProductFacts.model_validate(data)

    return st.fixed_dictionaries({}, optional={name: st.booleans() for name in OWN_FACTS}).map(merge)


FACTS = facts_dicts().filter(
    lambda d: d.get("special_category") != "organ_for_transplant" or "cells_or_tissues" in d
).flatmap(_with_own_facts)


@pytest.mark.parametrize("answer", ["first", "last"])
@pytest.mark.parametrize("code", list(JURISDICTIONS))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=FACTS)
def test_what_is_asked_is_open_and_answering_it_decides(code: str, answer: str, facts: ProductFacts) -> None:
    for _ in range(40):
        verdict = classify_one(facts, code, DAY)
        for missing in verdict.missing:
            assert get_fact(facts, missing.fact) is None, f"{code} asks {missing.fact}, which is known"
            assert missing.fact in QUESTIONS, f"{code} asks {missing.fact}, which no question asks"
        if not verdict.missing:
            return
        question = QUESTIONS[verdict.missing[0].fact]
        if question.kind == "bool":
            value: Any = answer == "first"
        else:
            value = question.options[0 if answer == "first" else -1]
        facts = with_fact(facts, question.fact, [value] if question.kind == "list" else value)
    raise AssertionError(f"{code}: answering what is asked did not reach a decision")
