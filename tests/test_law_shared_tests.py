"""The rule tests several rule sets share (law/shared_tests.py): each rule set's wording, one set of mechanics."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from atmpnav.facts import parse_facts
from atmpnav.law import JURISDICTIONS
from atmpnav.law.base import Blocked, Inquiry
from atmpnav.law.shared_tests import (
    cells_present,
    device_achieves_principal_action,
    finished_product_for_people,
    gene_therapy_by_sequence,
    nucleic_acid_present,
)

DAY = date(2026, 11, 25)


def _inquiry(facts: dict[str, Any], code: str = "AU") -> Inquiry:
    return Inquiry(JURISDICTIONS[code], parse_facts(facts), DAY)


def _finished(facts: dict[str, Any]) -> Any:
    return finished_product_for_people(_inquiry(facts), starting_material="start", outside_body="outside",
                                       yes="yes")


def test_the_product_role_is_asked_before_whether_it_is_given_to_patients() -> None:
    assert _finished({}).missing == ("product_role",)
    assert _finished({"product_role": "finished_product"}).missing == ("for_human_administration",)
    answer = _finished({"product_role": "finished_product", "for_human_administration": True})
    assert (answer.value, answer.because) == (True, "yes")
    # A starting material is no, whatever else is unknown; each answer is worded by the caller.
    assert _finished({"product_role": "starting_material"}).because == "start"
    assert _finished({"for_human_administration": False}).because == "outside"


def _gene(nucleic_acid: dict[str, Any]) -> Any:
    c = _inquiry({"nucleic_acid": nucleic_acid})
    return gene_therapy_by_sequence(c, ("nucleic_acid.origin",), edits="edits", natural="natural",
                                    synthetic="synthetic", yes="yes", no="no", unknown="unknown")


@pytest.mark.parametrize(("nucleic_acid", "value", "because"), [
    ({"genome_editing": "protein_only"}, True, "edits"),
    ({"origin": "natural"}, False, "natural"),
    ({"origin": "synthetic", "vehicle": "oligonucleotide"}, False, "synthetic"),
    ({"origin": "synthetic", "vehicle": "mrna", "transgene_role": "therapeutic"}, True, "yes"),
    ({"origin": "recombinant", "transgene_role": "marker"}, False, "no"),
    ({"origin": "recombinant"}, None, "unknown"),
])
def test_gene_therapy_is_read_from_the_nucleic_acid(nucleic_acid: dict[str, Any], value: bool | None,
                                                     because: str) -> None:
    answer = _gene(nucleic_acid)
    assert (answer.value, answer.because) == (value, because)


def test_an_unknown_effect_asks_the_observable_fact_behind_it() -> None:
    assert _gene({"origin": "recombinant"}).missing == ("nucleic_acid.transgene_role",)
    assert _gene({}).missing == ("nucleic_acid.origin",)


def _device(device: dict[str, Any], cells: dict[str, Any]) -> Any:
    c = _inquiry({"device": device, "cells_or_tissues": cells})
    return device_achieves_principal_action(c, ("device.present",), viable="viable", device_acts="device",
                                            cells_act="cells")


def test_only_a_device_part_with_non_viable_ancillary_cells_leads() -> None:
    assert _device({"present": False}, {}).because == "No integral device part."
    assert _device({"integral": True}, {}).missing == ("cells_or_tissues.viability",)
    assert _device({"integral": True}, {"viability": "viable"}).because == "viable"
    assert _device({"integral": True}, {"viability": "non_viable"}).missing == ("device.cells_primary_action",)
    leads = _device({"integral": True, "cells_primary_action": False}, {"viability": "non_viable"})
    assert (leads.value, leads.because) == (True, "device")
    follows = _device({"integral": True, "cells_primary_action": True}, {"viability": "non_viable"})
    assert (follows.value, follows.because) == (False, "cells")


@pytest.mark.parametrize(("check", "block", "path"), [
    (nucleic_acid_present, "nucleic_acid", "nucleic_acid.present"),
    (cells_present, "cells_or_tissues", "cells_or_tissues.present"),
])
def test_presence_is_asked_when_a_described_block_does_not_say(check: Any, block: str, path: str) -> None:
    assert check(_inquiry({})) is False
    assert check(_inquiry({block: {"present": False}})) is False
    assert check(_inquiry({block: {"present": True}})) is True
    unknown = _inquiry({block: {"present": None}})
    with pytest.raises(Blocked):
        check(unknown)
    assert unknown.missing == [path]
