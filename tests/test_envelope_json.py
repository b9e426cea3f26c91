"""The API's envelope body (``Envelope.to_json``) is byte for byte the JSON of ``Envelope.to_json_dict``."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from pydantic_core import to_json

from atmpnav.assess import AssessmentInput, evaluate
from atmpnav.facts import ProductFacts, load_facts
from atmpnav.law import JURISDICTIONS

DAY = "2026-11-25"
EXAMPLES = Path(__file__).resolve().parents[1] / "src" / "atmpnav" / "data" / "examples"


def _as_dict_then_json(envelope) -> bytes:
    return to_json(envelope.to_json_dict(), inf_nan_mode="null")


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_facts_input_every_jurisdiction(example: str):
    facts = load_facts(EXAMPLES / example)
    envelope = evaluate(AssessmentInput.of_facts(facts), tuple(JURISDICTIONS), DAY)
    assert envelope.to_json() == _as_dict_then_json(envelope)


@pytest.mark.parametrize("data", [{}, {"product_role": "finished_product"},
                                  {"cells_or_tissues": {"present": True}, "claimed_purpose": "none"}])
def test_undetermined_and_open_verdicts(data: dict):
    envelope = evaluate(AssessmentInput.of_facts(ProductFacts.model_validate(data)), ("EU", "US"), DAY)
    assert envelope.to_json() == _as_dict_then_json(envelope)


def test_text_input_keeps_evidence_assumptions_and_answers():
    given = AssessmentInput.of_text("Autologous tumour-infiltrating lymphocytes", "melanoma",
                                    answers={"for_human_administration": True})
    envelope = evaluate(given, ("EU",), DAY)
    assert envelope.evidence and envelope.assumptions and envelope.answers  # the parts left out when empty
    assert envelope.to_json() == _as_dict_then_json(envelope)


def test_a_number_that_is_not_finite_is_null_in_both():
    envelope = evaluate(AssessmentInput.of_facts(ProductFacts()), ("EU",), DAY)
    envelope.verdicts["EU"].confidence = math.nan
    assert envelope.to_json() == _as_dict_then_json(envelope)
    assert b'"confidence":null' in envelope.to_json()
