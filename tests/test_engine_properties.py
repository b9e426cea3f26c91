"""Properties of the EU engine over generated facts."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from atmpnav.engine import _answers, classify_one
from atmpnav.fact_paths import get_fact
from atmpnav.facts import ProductFacts, with_fact
from atmpnav.questions import QUESTIONS
from atmpnav.verdict import EU_OUTCOMES, EU_REGIMES, US_OUTCOMES, US_REGIMES, Verdict
from tests.strategies import product_facts

DAY = "2026-11-25"
# The law itself leaves these open (spec §6): A7 (an infectious disease, but not a vaccine) and A19 (no
# presented claim and no use that picks TEP or sCTMP) were added with the derived judgements (issue 8).
BLOCKING_AMBIGUITIES = {"A6", "A7", "A10", "A12", "A13", "A19"}
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(product_facts())
def test_always_a_well_formed_verdict(facts: ProductFacts) -> None:
    verdict = classify_one(facts, "EU", DAY)
    assert verdict.outcome in EU_OUTCOMES
    assert verdict.likely_outcome in EU_OUTCOMES
    if verdict.determined:
        assert verdict.likely_outcome == verdict.outcome
        # 1.0 when the rules decide; no figure at all when they decide on an open point of law.
        assert verdict.confidence == (None if verdict.ambiguities else 1.0)
        # The regime is known, or decided by cases and left open between named regimes.
        assert verdict.regime in EU_REGIMES or (verdict.regime is None and verdict.decided_by_cases
                                                 and len(verdict.regime_open) > 1
                                                 and set(verdict.regime_open) <= set(EU_REGIMES))
        assert (verdict.regime == "atmp_centralised") == (verdict.outcome in {"GTMP", "sCTMP", "TEP"})
        assert not verdict.combined or verdict.outcome in {"GTMP", "sCTMP", "TEP"}
    else:
        # A probability below 1 with a likely outcome, else none; never a likely outcome in a near-tie.
        assert verdict.confidence is None or (0 < verdict.confidence < 1.0 and verdict.likely_outcome != "undetermined")
        assert not (verdict.open_between and verdict.likely_outcome != "undetermined")
    for step in verdict.steps:
        assert step.basis and step.question and step.rule.startswith("EU-")
    assert set(verdict.rules_fired) <= {s.rule for s in verdict.steps}


@SETTINGS
@given(product_facts())
def test_deterministic(facts: ProductFacts) -> None:
    first = classify_one(facts, "EU", DAY).model_dump()
    second = classify_one(ProductFacts.model_validate(facts.model_dump()), "EU", DAY).model_dump()
    assert first == second


@SETTINGS
@given(product_facts())
def test_undetermined_exactly_when_a_deciding_fact_is_unknown(facts: ProductFacts) -> None:
    verdict = classify_one(facts, "EU", DAY)
    assert (not verdict.determined) == ((bool(verdict.missing) and not _settles_later(verdict))
                                        or verdict.open_legal_question is not None)
    assert not (verdict.missing and verdict.open_legal_question)
    if verdict.open_legal_question:
        assert verdict.open_legal_question in BLOCKING_AMBIGUITIES
    for missing in verdict.missing:
        assert get_fact(facts, missing.fact) is None, f"{missing.fact} is known but reported missing"
        assert missing.fact in QUESTIONS and missing.question


def _settles_later(verdict: Verdict) -> bool:
    """Decided although facts are missing: they settle only whether it is combined, or every answer to them
    leads to the same outcome."""
    return verdict.combined_open or verdict.decided_by_cases


@SETTINGS
@given(product_facts(complete=True))
def test_complete_facts_never_miss_anything(facts: ProductFacts) -> None:
    verdict = classify_one(facts, "EU", DAY)
    assert verdict.missing == []
    if not verdict.determined:
        assert verdict.open_legal_question in BLOCKING_AMBIGUITIES


@settings(max_examples=150, deadline=None)
@given(product_facts())
def test_answering_the_missing_facts_reaches_a_decision(facts: ProductFacts) -> None:
    """Answering what the verdict asks (any valid answer) always makes progress to a final verdict."""
    for _ in range(40):
        verdict = classify_one(facts, "EU", DAY)
        if not verdict.missing:
            return
        fact = verdict.missing[0].fact
        question = QUESTIONS[fact]
        value = True if question.kind == "bool" else question.options[0]
        value = [value] if question.kind == "list" else value
        facts = with_fact(facts, fact, value)
    raise AssertionError("the questionnaire did not converge")


@SETTINGS
@given(product_facts())
def test_us_engine_properties(facts: ProductFacts) -> None:
    verdict = classify_one(facts, "US", DAY)
    assert verdict.outcome in US_OUTCOMES and verdict.likely_outcome in US_OUTCOMES
    assert verdict.determined == (not verdict.missing or verdict.decided_by_cases)
    if verdict.determined:
        assert verdict.confidence == 1.0
        assert verdict.regime in US_REGIMES or (verdict.regime is None and set(verdict.regime_open) <= set(US_REGIMES))
    for missing in verdict.missing:
        assert get_fact(facts, missing.fact) is None and missing.fact in QUESTIONS
    assert classify_one(facts, "US", DAY).model_dump() == verdict.model_dump()


@settings(max_examples=300, deadline=None)
@given(product_facts())
def test_decided_by_cases_holds_whatever_the_answer(facts: ProductFacts) -> None:
    """A verdict decided by cases: answering its open questions, any way, never changes the outcome (and a regime
    left open is one of those the answers reach)."""
    verdict = classify_one(facts, "EU", DAY)
    if not verdict.decided_by_cases:
        return
    reached = set()
    for value in _answers(verdict.missing[0].fact):
        answered = classify_one(with_fact(facts, verdict.missing[0].fact, value), "EU", DAY)
        assert answered.outcome == verdict.outcome
        reached.add(answered.regime)
    if verdict.regime is not None:
        assert reached == {verdict.regime}
    else:
        assert reached - {None} <= set(verdict.regime_open)
