"""What the engine builds once and shares between verdicts, and the shortcuts it takes, read the same as the
plain computation they replace."""

from __future__ import annotations

from dataclasses import fields, replace

import pytest
from hypothesis import HealthCheck, given, settings
from pydantic import BaseModel, ValidationError

from atmpnav.engine import _facts_given, _shape, classify_one
from atmpnav.fact_paths import get_fact
from atmpnav.facts import ProductFacts, fact_layout
from atmpnav.law.ambiguities import AMBIGUITIES
from atmpnav.law.base import Decision
from tests.strategies import product_facts

DAY = "2026-11-25"
# A non-viable cell product with no claim: the medicinal-product gate meets ambiguity A19.
OPEN_POINT = {"claimed_purpose": "none", "for_human_administration": True, "product_role": "finished_product",
              "cells_or_tissues": {"present": True, "form": "intact_cells", "source": "autologous",
                                   "viability": "non_viable", "mode_of_action": "physical_structural"}}


def _verdict_with_ambiguities():
    for name, data in (("first", OPEN_POINT), ("second", {**OPEN_POINT, "name": "another"})):
        verdict = classify_one(ProductFacts.model_validate(data), "EU", DAY)
        assert verdict.ambiguities, name
        yield verdict


def test_ambiguity_notes_are_shared_read_only_and_read_as_the_ambiguity():
    first, second = _verdict_with_ambiguities()
    note = first.ambiguities[0]
    assert note is second.ambiguities[0]  # built once
    found = AMBIGUITIES[note.id]
    assert (note.title, note.explanation) == (found.title, found.explanation)
    with pytest.raises(ValidationError):
        note.title = "changed"  # shared: a change would show in every verdict


def test_steps_and_missing_facts_are_read_only_too():
    verdict = classify_one(ProductFacts.model_validate({"product_role": "finished_product"}), "EU", DAY)
    with pytest.raises(ValidationError):
        verdict.steps[0].answer = "changed"
    with pytest.raises(ValidationError):
        verdict.missing[0].question = "changed"


@pytest.mark.parametrize("name", [f.name for f in fields(Decision) if f.name != "regime"])
def test_the_by_cases_shape_tells_apart_every_field_but_the_regime(name: str):
    base = Decision("sCTMP", "atmp_centralised")
    other = {"outcome": "TEP", "combined": True, "advanced": False, "combination_product": True,
             "lead_center": "CBER", "asrm_class": "II", "combined_open": True}
    assert _shape(replace(base, **{name: other[name]})) != _shape(base)
    assert _shape(replace(base, regime="blood")) == _shape(base)


def _facts_given_reference(facts: ProductFacts) -> int:
    """The count as first written: every field of the model, sub-records found by their type."""
    count = 0
    for name in ProductFacts.model_fields:
        value = getattr(facts, name)
        if value is None or name in {"name", "description", "indication", "special_category"}:
            continue
        if isinstance(value, BaseModel):
            count += sum(getattr(value, sub) is not None for sub in type(value).model_fields)
        elif isinstance(value, dict):
            count += sum(v is not None for v in value.values())
        else:
            count += 1
    return count


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(product_facts())
def test_facts_given_reads_the_layout_as_the_model_does(facts: ProductFacts):
    assert _facts_given(facts) == _facts_given_reference(facts)


def test_the_layout_names_every_field_and_each_sub_record():
    layout = dict(fact_layout())
    assert list(layout) == list(ProductFacts.model_fields)
    assert layout["cells_or_tissues"] == tuple(ProductFacts.model_fields["cells_or_tissues"].annotation.__args__[0]
                                               .model_fields)
    assert layout["claimed_purpose"] is None


def _walk(facts: ProductFacts, path: str):
    """A fact read as first written: the path split and walked, an absent sub-record reading as None."""
    node = facts
    for part in path.split("."):
        if node is None:
            return None
        node = getattr(node, part)
    return node


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(product_facts())
def test_a_fact_is_read_by_its_path_as_the_walk_does(facts: ProductFacts):
    paths = [name if subs is None else f"{name}.{sub}" for name, subs in fact_layout() for sub in (subs or [None])]
    paths += [name for name, subs in fact_layout() if subs is not None]  # a whole sub-record, too
    paths.append("cells_or_tissues.source.value")  # no fact is this deep; the path is still walked
    for path in paths:
        assert get_fact(facts, path) == _walk(facts, path), path


def test_the_split_paths_kept_are_bounded():
    from atmpnav import fact_paths

    for number in range(fact_paths.PATHS_KEPT + 10):
        assert fact_paths.path_parts(f"block{number}.fact") == (f"block{number}", "fact")
    assert len(fact_paths._parts) <= fact_paths.PATHS_KEPT
