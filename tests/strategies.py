"""Hypothesis strategies for valid ProductFacts (shared by property tests and benchmarks)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from hypothesis import strategies as st

from atmpnav import facts as f


def _maybe(strategy: st.SearchStrategy[Any], known: bool) -> st.SearchStrategy[Any]:
    return strategy if known else st.one_of(st.none(), strategy)


def _enum(enum: type[StrEnum], known: bool) -> st.SearchStrategy[Any]:
    return _maybe(st.sampled_from([m.value for m in enum]), known)


def facts_dicts(complete: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    """Facts as plain dicts; with ``complete`` every fact the EU rules read is known."""
    b = _maybe(st.booleans(), complete)
    nucleic_acid = st.fixed_dictionaries({
        "present": b,
        "origin": _enum(f.NucleicAcidOrigin, complete),
        "vehicle": _enum(f.Vehicle, complete),
        "acts_on_genetic_sequence": b,
        "effect_from_sequence": b,
        "transgene_role": _enum(f.TransgeneRole, complete),
        "genome_editing": _enum(f.GenomeEditing, complete),
    })
    cells = st.fixed_dictionaries({
        "present": b,
        "form": _enum(f.CellForm, complete),
        "source": _enum(f.CellSource, complete),
        "viability": _enum(f.Viability, complete),
        "blood_component": b,
        "manipulations": _maybe(st.lists(st.sampled_from([m.value for m in f.Manipulation]), max_size=4), complete),
        "substantially_manipulated": b,
        "same_essential_function": b,
        "mode_of_action": _enum(f.ModeOfAction, complete),
        "tissue_origin": _enum(f.TissueOrigin, complete),
        "different_site": b,
        "cell_type": _enum(f.CellType, complete),
        "intended_action": _enum(f.IntendedAction, complete),
        "same_surgical_procedure": b,
    })
    device = st.fixed_dictionaries({
        "present": b,
        "integral": b,
        "own_medical_purpose": b,
        "kind": _enum(f.DeviceKind, complete),
        "cells_primary_action": b,
    })
    return st.fixed_dictionaries(
        {
            "for_human_administration": b,
            "product_role": _enum(f.ProductRole, complete),
            "claimed_purpose": _enum(f.ClaimedPurpose, complete),
            "vaccine_against_infectious_disease": b,
            "biological_active_substance": b,
            "special_category": _enum(f.SpecialCategory, complete),
            "administration_route": _enum(f.AdministrationRoute, complete),
            "disease_target": _enum(f.DiseaseTarget, complete),
            "immune_response_to_antigen": b,
            "also_treats_disease": b,
        },
        optional={"nucleic_acid": nucleic_acid, "cells_or_tissues": cells, "device": device},
    )


def product_facts(complete: bool = False) -> st.SearchStrategy[f.ProductFacts]:
    consistent = facts_dicts(complete).filter(
        lambda d: d.get("special_category") != "organ_for_transplant" or "cells_or_tissues" in d
    )
    return consistent.map(f.ProductFacts.model_validate)
