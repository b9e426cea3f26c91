"""The exploration's copy of facts with one answer set (not re-validated) equals the validated copy."""

from __future__ import annotations

import pytest

from atmpnav.facts import ProductFacts, fact_value, with_fact, with_valid_fact
from atmpnav.questionnaire import candidate_values

BASE = ProductFacts.model_validate({
    "for_human_administration": True,
    "cells_or_tissues": {"present": True, "source": "autologous"},
})


@pytest.mark.parametrize("path", [
    "product_role",  # top level
    "claimed_purpose",
    "cells_or_tissues.viability",  # a sub-record that is there
    "cells_or_tissues.manipulations",  # a list
    "nucleic_acid.vehicle",  # a sub-record that is not there yet
    "device.integral",
])
def test_the_unvalidated_copy_equals_the_validated_one(path: str) -> None:
    for answer in candidate_values(path):
        fast = with_valid_fact(BASE, path, fact_value(path, answer))
        assert fast == with_fact(BASE, path, answer), (path, answer)
        assert fast.model_dump() == with_fact(BASE, path, answer).model_dump()
    assert BASE.nucleic_acid is None and BASE.cells_or_tissues.viability is None  # the original is untouched


def test_fact_value_makes_an_option_its_enum_member() -> None:
    value = fact_value("cells_or_tissues.viability", "viable")
    assert type(value).__name__ == "Viability" and value == "viable"
